"""`make demo` serves as the live service does: debug off, the service's own error pages, whitenoise.

The demo settings are loaded in a child process, as `make demo` loads them, and asked for pages
through Django's test client there (the rest of the suite runs on the test settings).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ASK_THE_DEMO = """
import json
import django
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment

django.setup()
email_backend = settings.EMAIL_BACKEND  # before the test environment swaps in its own
setup_test_environment()
client = Client(HTTP_HOST="127.0.0.1:8001")
missing = client.get("/no-such-page/")
stylesheet = client.get("/static/govuk/app.css")
print(json.dumps({
    "debug": settings.DEBUG,
    "site_url": settings.SITE_URL,
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "email_backend": email_backend,
    "missing_status": missing.status_code,
    "missing_templates": [t.name for t in missing.templates],
    "missing_html": missing.content.decode(),
    "stylesheet_status": stylesheet.status_code,
    "stylesheet_served_by": type(stylesheet).__name__,
}))
"""


def ask_the_demo(tmp_path, **env) -> dict:
    """Start Django with the demo settings, as `make demo PORT=8001` does, and report what it serves."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.demo",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
            "DJANGO_SITE_URL": "http://127.0.0.1:8001",
            **env,
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", ASK_THE_DEMO],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_demo_runs_with_debug_off_and_shows_the_services_own_page_not_found(tmp_path):
    demo = ask_the_demo(tmp_path, DJANGO_DEBUG="1")  # debug stays off, whatever the environment says
    assert demo["debug"] is False
    assert demo["missing_status"] == 404
    assert "404.html" in demo["missing_templates"]
    assert "Page not found – Statutory intervention tracker" in demo["missing_html"]
    assert "Go to your home page" in demo["missing_html"]
    # Not Django's technical 404 page.
    assert "DEBUG = True" not in demo["missing_html"]
    assert "URLconf" not in demo["missing_html"]


def test_the_demo_serves_its_stylesheet_through_whitenoise_without_collectstatic(tmp_path):
    demo = ask_the_demo(tmp_path)
    assert demo["stylesheet_status"] == 200
    # Whitenoise answers with a file response; Django's own static view only serves with debug on.
    assert demo["stylesheet_served_by"] == "WhiteNoiseFileResponse"


def test_links_in_the_demos_emails_use_the_address_it_serves_on(tmp_path):
    demo = ask_the_demo(tmp_path, DJANGO_SITE_URL="http://demo.example:8001/")
    assert demo["site_url"] == "http://demo.example:8001"
    assert "demo.example" in demo["allowed_hosts"]
    assert demo["email_backend"] == "django.core.mail.backends.console.EmailBackend"


def test_make_demo_serves_on_the_port_it_is_given():
    # Not the flags of a `make test` this may run under.
    environment = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    result = subprocess.run(
        ["make", "-n", "demo", "PORT=8001"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    commands = result.stdout
    assert "config.settings.demo" in commands
    assert "runserver 127.0.0.1:8001" in commands
    assert "DJANGO_SITE_URL=http://127.0.0.1:8001" in commands
    assert "Serving on http://127.0.0.1:8001/" in commands
    assert ":8000" not in commands
