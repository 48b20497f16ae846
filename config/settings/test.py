"""The test suite: fast hashing, in-memory cache and mail, plain static files."""

from .base import *  # noqa: F403
from .base import env_bool

SECRET_KEY = "test-only-key"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEMO_ALLOWED = True

# runserver and the live test server serve static files themselves; whitenoise is for production.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise.")]  # noqa: F405

# Most tests sign people in with force_login, and the browser tests with a password only; the tests
# of the second factor turn the requirement on for themselves.
SECOND_FACTOR_REQUIRED = env_bool("DJANGO_SECOND_FACTOR_REQUIRED", False)
