"""Request and upload limits, file storage and security headers (imported by base).

base.py passes its MIDDLEWARE through `limits_middleware`; every other upper-case name here is a
setting. The middleware itself is in config/middleware.py.
"""

import base64
import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

from csp.constants import NONCE, NONE, SELF, UNSAFE_HASHES
from django.core.exceptions import ImproperlyConfigured

# base is still being read when it imports this module; what is used here is already defined.
from .base import BASE_DIR, env_int

# Request bodies ----------------------------------------------------------------------------------
# The biggest request the service expects is evidence: up to 10 files of 20MB each
# (intervention/casework/forms.py), with the statement and the multipart framing around them. So
# 200MB of files and 10MB to spare. The reverse proxy's limit (nginx client_max_body_size) must be
# the same, or bigger uploads fail there with the proxy's own page.
MAX_REQUEST_BYTES = env_int("DJANGO_MAX_REQUEST_BYTES", 210 * 1024 * 1024)
# Before sign-in (and before the second factor) the only forms are the sign-in steps: a few hundred
# bytes. Anyone on the internet can send these, so they get no more than this.
MAX_ANONYMOUS_REQUEST_BYTES = env_int("DJANGO_MAX_ANONYMOUS_REQUEST_BYTES", 64 * 1024)
if not 0 < MAX_ANONYMOUS_REQUEST_BYTES <= MAX_REQUEST_BYTES:
    raise ImproperlyConfigured(
        "DJANGO_MAX_ANONYMOUS_REQUEST_BYTES must be more than 0 and at most DJANGO_MAX_REQUEST_BYTES."
    )
# Form fields other than files (the longest is a 20,000-character statement, at most 180KB once
# encoded): Django refuses more with a 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# Ten evidence files, with room for the form to say "Select 10 files or fewer" to someone who
# chose a few more, rather than Django answering 400.
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# An uploaded file bigger than this is written to a temporary file instead of being held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5MB, Django's default
# Evidence on local disk is readable by the app's own user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# File storage ------------------------------------------------------------------------------------
# DJANGO_FILE_STORAGE=local keeps evidence under DJANGO_MEDIA_ROOT on this server's disk (the demo,
# or a single app server). DJANGO_FILE_STORAGE=s3 keeps it in an S3-compatible bucket that every app
# server shares. Either way, files are private and only the permission-checked download view serves
# them: MEDIA_URL is not served, and the bucket gives no public URLs.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))


def file_storage(environ: Mapping[str, str]) -> dict:
    """Return the STORAGES entry for evidence files that the environment asks for."""
    kind = environ.get("DJANGO_FILE_STORAGE", "local").strip().lower()
    if kind == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(f"DJANGO_FILE_STORAGE must be local or s3, not {kind!r}.")
    bucket = environ.get("DJANGO_S3_BUCKET", "").strip()
    if not bucket:
        raise ImproperlyConfigured("Set DJANGO_S3_BUCKET to the bucket that holds evidence files.")
    access_key = environ.get("DJANGO_S3_ACCESS_KEY_ID", "")
    secret_key = environ.get("DJANGO_S3_SECRET_ACCESS_KEY", "")
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured(
            "Set both DJANGO_S3_ACCESS_KEY_ID and DJANGO_S3_SECRET_ACCESS_KEY, or neither."
        )
    options = {
        "bucket_name": bucket,
        "location": environ.get("DJANGO_S3_PREFIX", "").strip("/"),
        # Private objects, reached only through signed requests; never overwritten.
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": 60,
        "file_overwrite": False,
    }
    optional = {
        "endpoint_url": "DJANGO_S3_ENDPOINT_URL",
        "region_name": "DJANGO_S3_REGION",
        "addressing_style": "DJANGO_S3_ADDRESSING_STYLE",
    }
    options.update({option: environ[name] for option, name in optional.items() if environ.get(name)})
    if access_key:
        # Without keys, boto3 finds credentials itself (AWS_* variables, an instance or pod role).
        options.update(access_key=access_key, secret_key=secret_key)
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": file_storage(os.environ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Security headers --------------------------------------------------------------------------------
# Scripts, styles, fonts and images come from this site only. The one inline script (base.html, so
# that the page knows JavaScript runs before it is painted) carries the request's nonce. No inline
# styles or event handlers anywhere; no plugins, no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if os.environ.get("DJANGO_CSP_REPORT_URI"):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [os.environ["DJANGO_CSP_REPORT_URI"]]


def _style_hash(style: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"


# The admin's history pages (django-simple-history) have one style attribute: allowed by its hash.
CONTENT_SECURITY_POLICY_PATH_UPDATES = {
    "/admin/": {"style-src-attr": [UNSAFE_HASHES, _style_hash("border-top: 0")]},
}

# Browser features no page here uses, turned off for this site and anything it might embed. Only
# features Chromium knows: it reports any other as an error on every page (the browser tests check).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}


def limits_middleware(middleware: list[str]) -> list[str]:
    """Return `middleware` with the security headers just inside SecurityMiddleware, limits last.

    The headers go first so that every response carries them, those of the other middleware and
    the error pages included. The request limits go last: by then the person is known (signed in,
    second factor given), and still nothing has read the body.
    """
    headers = [
        "config.middleware.ContentSecurityPolicyMiddleware",
        "config.middleware.PermissionsPolicyMiddleware",
    ]
    at = middleware.index("django.middleware.security.SecurityMiddleware") + 1
    return [*middleware[:at], *headers, *middleware[at:], "config.middleware.RequestLimitsMiddleware"]
