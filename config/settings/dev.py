"""Local development: debug on, a throwaway key, demo data allowed. The demo (demo.py) builds on it."""

import os

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-use-in-production"  # noqa: F405
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
DEMO_ALLOWED = True

# Without DATABASE_URL, manage.py works on the database `make demo` sets up, so that commands such
# as working_days and send_reminders can be tried on the Powys demo straight after it.
if not os.environ.get("DATABASE_URL"):
    DATABASES["default"]["NAME"] = str(BASE_DIR / "demo.sqlite3")  # noqa: F405
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# runserver and the live test server serve static files themselves; whitenoise is for production.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise.")]  # noqa: F405

# The demo signs in with a password only; DJANGO_SECOND_FACTOR_REQUIRED=1 asks officials and
# administrators for a second factor, as production does.
SECOND_FACTOR_REQUIRED = env_bool("DJANGO_SECOND_FACTOR_REQUIRED", False)
