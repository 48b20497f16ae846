"""Production: every secret from the environment, HTTPS only; passes `manage.py check --deploy`."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, env_int

DEBUG = False
if not SECRET_KEY or len(SECRET_KEY) < 50:  # noqa: F405
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY to a random string of 50 or more characters.")
if not ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS, e.g. tracker.example.gov.wales.")

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Behind the TLS-terminating proxy (README), REMOTE_ADDR is the proxy's: the client's address, for the
# sign-in lockout per address, is the one the proxy appends to X-Forwarded-For. Set 0 if no proxy
# adds that header, or the number of proxies that each append to it.
SIGNIN_TRUSTED_PROXY_COUNT = env_int("DJANGO_SIGNIN_TRUSTED_PROXY_COUNT", 1)
if SIGNIN_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("DJANGO_SIGNIN_TRUSTED_PROXY_COUNT cannot be negative.")
