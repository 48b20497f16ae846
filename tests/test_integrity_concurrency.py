"""People writing at the same moment: none gets an error, and a form sent at once by several counts once.

SQLite, the default database, used to answer most of twenty findings sent at once with "database
is locked". pytest's SQLite test database lives in memory with a shared cache, whose locking is not
a file's, and a test inside a transaction cannot have several connections see its rows. So the
writes run in a separate process on a new database (a file for SQLite, a throwaway database on the
server for PostgreSQL) with the settings as an install gets them from DATABASE_URL: twenty
threads, each with its own connection, each posting a different finding through the real page at
the same moment; then five threads sending one form (one token) at the same moment. That process
is this module run as a script (see `main`). SQLite runs always; PostgreSQL when the suite does.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
WRITERS = 20
SAME_FORM_SENDERS = 5


def run_writers(database_url: str) -> dict:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.test", DATABASE_URL=database_url, PYTHONPATH=str(ROOT)
    )
    result = subprocess.run(
        [sys.executable, "-m", "tests.test_integrity_concurrency", str(WRITERS)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def check(outcome: dict) -> None:
    apart = outcome["apart"]
    assert apart["errors"] == []
    assert apart["statuses"] == [302] * WRITERS
    assert apart["findings"] == WRITERS
    # The same form sent by five at once (one token): one finding, and every answer leads to it.
    together = outcome["together"]
    assert together["errors"] == []
    assert together["statuses"] == [302] * SAME_FORM_SENDERS
    assert together["findings"] == 1
    assert together["pages"] == 1


def test_the_sqlite_settings_wait_their_turn_and_use_wal():
    """An install on SQLite gets WAL, a busy timeout and transactions that take the write lock first."""
    default = settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.sqlite3":
        # On PostgreSQL none of this applies: the options are SQLite's own.
        assert not {"init_command", "transaction_mode"} & set(default.get("OPTIONS", {}))
        return
    options = default["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "PRAGMA journal_mode=WAL" in options["init_command"]
    assert options["timeout"] >= 10


def test_sqlite_takes_twenty_findings_sent_at_the_same_moment(tmp_path):
    outcome = run_writers(f"sqlite:///{tmp_path / 'tracker.sqlite3'}")

    check(outcome)
    assert outcome["journal_mode"] == "wal"


def test_postgresql_takes_twenty_findings_sent_at_the_same_moment():
    default = settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the suite runs on SQLite")
    name = f"{default['NAME']}_concurrency_{uuid.uuid4().hex[:8]}"
    server = {
        "host": default.get("HOST") or None,
        "port": default.get("PORT") or None,
        "user": default.get("USER") or None,
        "password": default.get("PASSWORD") or None,
    }
    admin = psycopg2.connect(dbname="postgres", **server)
    admin.autocommit = True
    try:
        admin.cursor().execute(f'CREATE DATABASE "{name}"')
        credentials = server["user"] + (f":{server['password']}" if server["password"] else "")
        url = f"postgres://{credentials}@{server['host']}:{server['port'] or 5432}/{name}"
        check(run_writers(url))
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def main(writers: int) -> None:
    """On the empty database in DATABASE_URL, post findings at the same moment; print what happened as JSON.

    First `writers` different findings, each from its own thread; then one form (one token) sent
    from SAME_FORM_SENDERS threads at once.
    """
    import re
    import threading

    import django

    django.setup()
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client
    from django.urls import reverse

    from inspections.models import Finding
    from tests.factories import InspectionFactory, OrganisationFactory, UserFactory

    # The tables straight from the models: running every migration takes minutes.
    settings.MIGRATION_MODULES = {config.label: None for config in apps.get_app_configs()}
    call_command("migrate", run_syncdb=True, verbosity=0)
    inspector = UserFactory(username="inspector", inspector=True)
    council = OrganisationFactory(code="powys")

    def send_at_once(answers: list[dict], *, one_form: bool = False) -> dict:
        inspection = InspectionFactory(council=council, fieldwork=True)
        url = reverse("inspections:finding_add", args=[inspection.pk])
        clients = [Client(raise_request_exception=False) for _answer in answers]
        for client in clients:
            client.force_login(inspector)
        page = clients[0].get(url).content.decode()
        token = re.search(r'name="submission_token" value="(\w+)"', page).group(1) if one_form else ""
        connections.close_all()
        start = threading.Barrier(len(answers))
        statuses, pages, errors = [0] * len(answers), [], []

        def send(index: int) -> None:
            try:
                start.wait(timeout=60)
                data = {**answers[index], "submission_token": token}
                response = clients[index].post(url, data)
                statuses[index] = response.status_code
                pages.append(response.get("Location"))
                if statuses[index] >= 500:
                    errors.append(f"sender {index}: {statuses[index]}")
            except Exception as error:  # noqa: BLE001 - every failure is reported, not raised in a thread
                errors.append(f"sender {index}: {error!r}")
            finally:
                connections.close_all()

        threads = [threading.Thread(target=send, args=(index,)) for index in range(len(answers))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        findings = Finding.objects.filter(inspection=inspection).count()
        return {"statuses": statuses, "errors": errors, "findings": findings, "pages": len(set(pages))}

    finding = {"theme": "assessment", "kind": "strength"}
    apart = send_at_once([{**finding, "text": f"Finding sent by writer {n}."} for n in range(writers)])
    together = send_at_once([{**finding, "text": "Sent twice."}] * SAME_FORM_SENDERS, one_form=True)
    journal_mode = ""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            journal_mode = cursor.fetchone()[0]
    print(json.dumps({"apart": apart, "together": together, "journal_mode": journal_mode}))


if __name__ == "__main__":
    main(int(sys.argv[1]))
