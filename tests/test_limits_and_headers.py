"""Request limits, file storage settings and security headers (settings/limits.py, config/middleware.py)."""

import base64
import hashlib
import re
from pathlib import Path

import pytest
import simple_history
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from storages.backends.s3 import S3Storage

from config.settings.limits import file_storage, limits_middleware

ROOT = Path(__file__).resolve().parent.parent
ran = []  # what the echo page read, one entry each time it ran


@csrf_exempt
def echo(request):
    """Stands for any page: records that it ran and how much it read."""
    ran.append(len(request.body))
    return HttpResponse("ran")


# This module is also the URLconf of the tests below: the echo page, and the site for its templates.
urlpatterns = [path("echo/", echo), path("", include("config.urls"))]
with_echo = override_settings(ROOT_URLCONF=__name__)


@pytest.fixture(autouse=True)
def no_calls():
    ran.clear()


def post(client, size: int, *, declared: int | str | None = None, content_type="application/octet-stream"):
    """POST `size` bytes to the echo page, declaring `declared` bytes (by default, the truth)."""
    extra = {} if declared is None else {"CONTENT_LENGTH": str(declared)}
    return client.generic("POST", "/echo/", b"x" * size, content_type=content_type, **extra)


# Request bodies ----------------------------------------------------------------------------------


@with_echo
@pytest.mark.django_db
def test_a_body_over_the_limit_is_refused_with_413_before_the_page_runs(client, powys_officer):
    client.force_login(powys_officer)
    # Only the declared length is looked at: the body is never read (it is not even there).
    response = post(client, 10, declared=settings.MAX_REQUEST_BYTES + 1)
    assert response.status_code == 413
    assert ran == []
    assert "What you sent is too big" in response.content.decode()
    assert "210MB" in response.content.decode()
    assert "Content-Security-Policy" in response.headers  # the error page is a page like the others


@with_echo
@pytest.mark.django_db
@override_settings(MAX_REQUEST_BYTES=4096)
def test_a_signed_in_person_may_send_up_to_the_limit(client, powys_officer):
    client.force_login(powys_officer)
    assert post(client, 4096).status_code == 200
    assert ran == [4096]
    assert post(client, 4097).status_code == 413
    assert ran == [4096]


@with_echo
@pytest.mark.django_db
def test_before_sign_in_the_limit_is_much_smaller(client):
    limit = settings.MAX_ANONYMOUS_REQUEST_BYTES
    assert limit <= 64 * 1024 < settings.MAX_REQUEST_BYTES
    assert post(client, limit).status_code == 200
    response = post(client, limit + 1)
    assert response.status_code == 413
    assert "Sign in, then try again." in response.content.decode()
    assert ran == [limit]


@pytest.mark.django_db
def test_the_sign_in_page_refuses_a_big_anonymous_body(client):
    response = client.post("/accounts/login/", {"username": "x" * 100_000, "password": "y"})
    assert response.status_code == 413


@with_echo
@pytest.mark.django_db
def test_a_content_length_that_is_not_a_length_is_refused(client):
    assert post(client, 5, declared="-5").status_code == 400
    assert ran == []


def test_the_limits_cover_ten_evidence_files_of_20mb():
    from intervention.casework.forms import EVIDENCE_MAX_FILE_SIZE, EVIDENCE_MAX_FILES

    assert settings.MAX_REQUEST_BYTES >= EVIDENCE_MAX_FILES * EVIDENCE_MAX_FILE_SIZE + 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES > EVIDENCE_MAX_FILES  # the form says "10 or fewer"
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o600
    assert settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o700


# Charsets: production answered 500 (Django's 400 page reads the form again, and fails again) -----


@pytest.mark.django_db
@override_settings(DEBUG=False)
@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded; charset=x-unknown",
        "application/x-www-form-urlencoded; charset=utf-16",
        "application/x-www-form-urlencoded; charset=ISO-8859-1",
        "multipart/form-data; boundary=XX; charset=latin-1",
        "application/x-www-form-urlencoded; charset=utf8",  # Django reads only "utf-8"
    ],
)
def test_a_form_not_in_utf8_gets_a_400_page(content_type):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)  # as a browser
    token = client.get("/accounts/login/").cookies["csrftoken"].value
    response = client.generic(
        "POST",
        "/accounts/login/",
        b"username=a&password=b",
        content_type=content_type,
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 400
    assert "Sorry, what was sent could not be read" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("charset", ["utf-8", "UTF-8", '"utf-8"'])
def test_a_form_in_utf8_is_read(client, charset):
    response = client.generic(
        "POST",
        "/accounts/login/",
        b"username=a&password=b",
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert response.status_code == 200  # the sign-in page again, saying the password is wrong
    assert "Sorry, what was sent" not in response.content.decode()


# Security headers --------------------------------------------------------------------------------


def csp(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


@pytest.mark.django_db
def test_pages_send_a_strict_content_security_policy(client):
    response = client.get("/accounts/login/")
    policy = csp(response)
    [nonce] = [v for v in policy["script-src"] if v.startswith("'nonce-")]
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'", nonce]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "style-src-attr" not in policy
    # Every script on the page is a file of the site's own, or carries this response's nonce.
    scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
    assert scripts
    for script in scripts:
        assert "src=" in script or f'nonce="{nonce[7:-1]}"' in script, script


@pytest.mark.django_db
def test_pages_send_a_permissions_policy(client):
    header = client.get("/accounts/login/").headers["Permissions-Policy"]
    features = dict(part.strip().split("=") for part in header.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"


@pytest.mark.django_db
def test_the_admin_may_use_its_one_style_attribute_and_nothing_more(admin_client):
    template = Path(simple_history.__file__).parent / "templates/simple_history/object_history_list.html"
    assert 'style="border-top: 0"' in template.read_text()  # if this changes, change the hash
    digest = base64.b64encode(hashlib.sha256(b"border-top: 0").digest()).decode()
    policy = csp(admin_client.get("/admin/"))
    assert policy["style-src-attr"] == ["'unsafe-hashes'", f"'sha256-{digest}'"]
    assert policy["style-src"] == ["'self'"]


TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]
INLINE = {
    "a style attribute": re.compile(r"\sstyle\s*="),
    "an event handler attribute": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "a script without a nonce or a file": re.compile(r"<script\b(?![^>]*\b(?:src|nonce)=)[^>]*>"),
    "a javascript: link": re.compile(r"javascript:", re.IGNORECASE),
}


@pytest.mark.parametrize("what", INLINE)
def test_no_template_has_what_the_policy_would_block(what):
    found = [
        f"{template.relative_to(ROOT)}:{number}"
        for folder in TEMPLATE_DIRS
        for template in folder.rglob("*.html")
        for number, line in enumerate(template.read_text().splitlines(), start=1)
        if INLINE[what].search(line)
    ]
    assert found == [], f"{what} in {found}"


def test_the_headers_wrap_everything_and_the_limits_come_last():
    middleware = settings.MIDDLEWARE
    assert middleware.index("config.middleware.ContentSecurityPolicyMiddleware") == 1
    assert middleware.index("config.middleware.PermissionsPolicyMiddleware") == 2
    assert middleware[-1] == "config.middleware.RequestLimitsMiddleware"
    assert limits_middleware(["django.middleware.security.SecurityMiddleware", "x"]) == [
        "django.middleware.security.SecurityMiddleware",
        "config.middleware.ContentSecurityPolicyMiddleware",
        "config.middleware.PermissionsPolicyMiddleware",
        "x",
        "config.middleware.RequestLimitsMiddleware",
    ]


# File storage ------------------------------------------------------------------------------------


def test_evidence_is_on_local_disk_unless_the_environment_says_otherwise():
    assert file_storage({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert file_storage({"DJANGO_FILE_STORAGE": "local"})["BACKEND"].endswith("FileSystemStorage")


def test_evidence_goes_to_s3_compatible_storage_when_the_environment_says_so():
    chosen = file_storage(
        {
            "DJANGO_FILE_STORAGE": "s3",
            "DJANGO_S3_BUCKET": "evidence",
            "DJANGO_S3_ENDPOINT_URL": "https://objects.example.gov.wales",
            "DJANGO_S3_REGION": "eu-west-2",
            "DJANGO_S3_ACCESS_KEY_ID": "key-id",
            "DJANGO_S3_SECRET_ACCESS_KEY": "secret",
            "DJANGO_S3_PREFIX": "/tracker/",
        }
    )
    assert chosen["BACKEND"] == "storages.backends.s3.S3Storage"
    storage = S3Storage(**chosen["OPTIONS"])  # no request is made until a file is read or written
    assert storage.bucket_name == "evidence"
    assert storage.endpoint_url == "https://objects.example.gov.wales"
    assert storage.region_name == "eu-west-2"
    assert (storage.access_key, storage.secret_key) == ("key-id", "secret")
    assert storage.location == "tracker"
    assert storage.default_acl == "private"
    assert storage.querystring_auth is True  # no URL works without a signature
    assert storage.file_overwrite is False


def test_s3_without_keys_leaves_credentials_to_boto3():
    options = file_storage({"DJANGO_FILE_STORAGE": "s3", "DJANGO_S3_BUCKET": "evidence"})["OPTIONS"]
    assert "access_key" not in options and "secret_key" not in options
    assert "endpoint_url" not in options  # AWS itself


@pytest.mark.parametrize(
    "environ, says",
    [
        ({"DJANGO_FILE_STORAGE": "nfs"}, "DJANGO_FILE_STORAGE must be local or s3"),
        ({"DJANGO_FILE_STORAGE": "s3"}, "DJANGO_S3_BUCKET"),
        (
            {"DJANGO_FILE_STORAGE": "s3", "DJANGO_S3_BUCKET": "b", "DJANGO_S3_ACCESS_KEY_ID": "k"},
            "Set both DJANGO_S3_ACCESS_KEY_ID and DJANGO_S3_SECRET_ACCESS_KEY",
        ),
    ],
)
def test_storage_settings_half_given_refuse_to_start(environ, says):
    with pytest.raises(ImproperlyConfigured, match=says):
        file_storage(environ)
