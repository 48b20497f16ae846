"""The demo (`make demo`): the development settings, served the way the live service is served.

Debug is off, so a page someone may not see, or that does not exist, shows the service's own "Page
not found" (templates/404.html) and an error its own 500 page, never Django's debug pages. Static
files are served by whitenoise, as in production, straight from where `npm run build` puts them
(no collectstatic). Mail still goes to the console, and links in it use DJANGO_SITE_URL, which the
Makefile sets to the address the demo serves on.
"""

from urllib.parse import urlsplit

from .base import MIDDLEWARE as SERVICE_MIDDLEWARE
from .dev import *  # noqa: F403
from .dev import ALLOWED_HOSTS, SITE_URL, STORAGES

DEBUG = False

# The live service's middleware, whitenoise included (the dev settings take it out).
MIDDLEWARE = list(SERVICE_MIDDLEWARE)
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # nothing is collected, so whitenoise looks for no staticfiles/ folder
# Plain static file names: the hashed names of the live service need collectstatic's manifest.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

# The demo answers on the host its links name, as well as on 127.0.0.1 and localhost.
_site_host = urlsplit(SITE_URL).hostname
if _site_host and _site_host not in ALLOWED_HOSTS:
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, _site_host]
