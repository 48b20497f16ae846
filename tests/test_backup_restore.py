"""Backups and restore: a dump loads back into an empty database, and a pg_dump restore is whole.

The README's "Backups and restore" section gives the commands; these tests run those commands on
a record with something of everything in it, committed (so that pg_dump, which reads through its
own connection, sees it).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import psycopg2
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from inspections import services as inspection_services
from inspections.choices import FindingKind, FindingTheme
from inspections.models import Finding
from intervention import services
from intervention.choices import DirectionKind
from tests.conftest import GIVEN_ON
from tests.evidence_files import pdf_bytes, png_bytes
from tests.factories import InspectionFactory, StatutoryFunctionFactory
from tests.workflow import (
    DRAFT_ISSUED_ON,
    FIELDWORK_ON,
    IN_FORCE_ON,
    PLAN_AGREED,
    PLAN_AGREED_ON,
    PUBLISHED_ON,
    Casework,
)

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
# The evidence uploaded: file name -> (declared type, content).
EVIDENCE = {"Cynllun “gwella”.pdf": ("application/pdf", pdf_bytes()), "chart.png": ("image/png", png_bytes())}

# The README's dumpdata: XML, because the JSON serialiser cuts times to milliseconds, and the
# transition log's hashes cover them to the microsecond. Left out: rows that every migrated
# database makes for itself; content types are referred to by name (--natural-foreign).
DUMPDATA = [
    "dumpdata",
    "--format=xml",
    "--natural-foreign",
    "--exclude=contenttypes",
    "--exclude=auth.permission",
    "--exclude=sessions",
]

PG_TOOLS = ("pg_dump", "pg_restore", "createdb", "dropdb", "tar")
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL")
with_postgresql_tools = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in PG_TOOLS), reason=f"needs {', '.join(PG_TOOLS)} on the PATH"
)


@pytest.fixture
def media_root(settings, tmp_path):
    """Store evidence as real files on disk, as production does (the tests' default is in memory)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return settings.MEDIA_ROOT


@pytest.fixture
def record(media_root, issued_notice, official, powys_officer, inspector, powys):
    """A Powys case with something of everything, made through the services and committed.

    A published report whose finding cites a function and whose recommendation rests on it (links
    frozen at publication), an issued notice with two evidence files, the plan agreed, a Board
    report sent, the Ministers' duties recorded, the power determined and a direction given.
    """
    inspection = InspectionFactory(council=powys)
    inspection_services.inspection_start_fieldwork(inspection=inspection, by=inspector, on=FIELDWORK_ON)
    finding = inspection_services.finding_create(
        inspection=inspection,
        by=inspector,
        theme=FindingTheme.SAFEGUARDING,
        kind=FindingKind.SERIOUS_CONCERN,
        text="Referrals not followed up.",
        statutory_functions=[StatutoryFunctionFactory(code="SSWBA-s130")],
    )
    inspection_services.recommendation_create(
        inspection=inspection, by=inspector, text="Follow up every referral.", findings=[finding]
    )
    inspection_services.inspection_issue_draft(inspection=inspection, by=inspector, on=DRAFT_ISSUED_ON)
    inspection_services.inspection_publish(inspection=inspection, by=inspector, on=PUBLISHED_ON)

    casework = Casework(official=official, officer=powys_officer)
    requirement_a = issued_notice.requirements.get(letter="a")
    services.requirement_submit(
        requirement=requirement_a,
        by=powys_officer,
        statement="Plan and chart attached.",
        files=[SimpleUploadedFile(name, content, kind) for name, (kind, content) in EVIDENCE.items()],
    )
    services.requirement_accept(requirement=requirement_a, by=official)
    casework.plan(issued_notice, PLAN_AGREED)
    casework.board_report(issued_notice, submitted=True)
    casework.record_ministers_duties(issued_notice)
    casework.direction(casework.power(issued_notice), kind=DirectionKind.ADVISORY_SERVICES)
    return {"case": issued_notice.case, "finding": finding, "official": official}


def row_counts() -> dict[str, int]:
    """Return the number of rows in every table of the database."""
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def dumpdata() -> str:
    out = io.StringIO()
    call_command(*DUMPDATA, stdout=out)
    return out.getvalue()


# dumpdata and loaddata (any database) --------------------------------------------------------


def test_a_dump_loads_back_into_an_empty_database_as_it_was(record, cardiff, tmp_path):
    dump = tmp_path / "tracker.xml"
    dump.write_text(dumpdata())
    before = row_counts()
    assert before["inspections_finding_statutory_functions"] and before["inspections_recommendation_findings"]

    # The README's restore: an empty migrated database (flush removes what data migrations wrote).
    call_command("flush", interactive=False, verbosity=0)
    assert not row_counts()["accounts_transitionlog"]
    call_command("loaddata", str(dump), verbosity=0)

    # Every row back, and no more: loading wrote no history rows of its own.
    assert row_counts() == before
    assert dumpdata() == dump.read_text()
    call_command("verify_audit", stdout=io.StringIO())  # raises CommandError if the trail is broken
    # What was published is still frozen: the guards let the load in, they did not stand down.
    with pytest.raises(ValidationError):
        Finding.objects.get(pk=record["finding"].pk).statutory_functions.clear()
    # New work after the load gets new ids (the sequences were moved past the loaded rows).
    case = services.case_open(
        by=record["official"], council=cardiff, title="Cardiff", service_area="adults", opened_on=GIVEN_ON
    )
    assert case.pk > record["case"].pk


# pg_dump and pg_restore (PostgreSQL) ---------------------------------------------------------


@dataclass(frozen=True)
class Role:
    """Whom PostgreSQL's tools and the app connect as."""

    user: str
    password: str = ""


def superuser() -> Role:
    """The role the tests connect as (for reading and checking any database)."""
    params = connection.settings_dict
    return Role(params["USER"], params.get("PASSWORD") or "")


def libpq_env(role: Role) -> dict[str, str]:
    """Return the environment that points PostgreSQL's own tools at the test server, as `role`."""
    params = connection.settings_dict
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PG", "DJANGO_"))}
    env.update(
        {"PGHOST": params.get("HOST") or "localhost", "PGUSER": role.user, "PGPASSWORD": role.password}
    )
    if params.get("PORT"):
        env["PGPORT"] = str(params["PORT"])
    return env


def run(*args: str | Path, role: Role | None = None) -> subprocess.CompletedProcess:
    """Run a command as the README gives it, failing the test with its output if it fails."""
    env = libpq_env(role or superuser())
    result = subprocess.run([str(arg) for arg in args], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{args[0]} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


def database_url(name: str, role: Role) -> str:
    params = connection.settings_dict
    password = f":{quote(role.password, safe='')}" if role.password else ""
    port = f":{params['PORT']}" if params.get("PORT") else ""
    return (
        f"postgres://{quote(role.user, safe='')}{password}@{params.get('HOST') or 'localhost'}{port}/{name}"
    )


def python(*args: str, database: str, role: Role | None = None) -> subprocess.CompletedProcess:
    """Run Python in the project, in a new process, on another database (as an operator would)."""
    env = {
        **libpq_env(role or superuser()),
        "DATABASE_URL": database_url(database, role or superuser()),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def query(database: str, sql: str, params: list | None = None) -> list[tuple]:
    """Return the rows of one statement, run by itself (autocommit) on another database."""
    server = connection.settings_dict
    conn = psycopg2.connect(
        dbname=database,
        host=server.get("HOST") or "localhost",
        port=server.get("PORT") or None,
        user=server["USER"],
        password=server.get("PASSWORD") or None,
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    finally:
        conn.close()


def counts_in(database: str) -> dict[str, int]:
    tables = [
        name for (name,) in query(database, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    ]
    sql = " UNION ALL ".join(f"SELECT '{table}', COUNT(*) FROM \"{table}\"" for table in tables)  # noqa: S608
    return dict(query(database, sql))


def sequences_in(database: str) -> dict[str, int | None]:
    return dict(
        query(database, "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
    )


def triggers_in(database: str) -> set[tuple[str, str]]:
    sql = "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal"
    return set(query(database, sql))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_under(root: Path) -> dict[str, tuple[str, int]]:
    """Return every file and folder under `root`: its SHA-256 (files) and permission bits."""
    found = {}
    for path in sorted(root.rglob("*")):
        digest = sha256(path) if path.is_file() else "folder"
        found[str(path.relative_to(root))] = (digest, stat.S_IMODE(path.stat().st_mode))
    return found


# Run in a separate process against each database: the case as it stood, as data and as the page.
AS_AT = r"""
import dataclasses, datetime, json, re, sys
import django
django.setup()
from django.db import models
from django.test import RequestFactory
from django.urls import reverse
from accounts.models import User
from intervention import asat, selectors
from intervention.cases import views
from intervention.models import InterventionCase


def plain(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, models.Model):
        return f"{value._meta.label}:{value.pk}"
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value if value is None or isinstance(value, (bool, int, float)) else str(value)


case = InterventionCase.objects.get(pk=int(sys.argv[1]))
user = User.objects.get(username=sys.argv[2])
result = {}
for day in map(datetime.date.fromisoformat, sys.argv[3:]):
    notices = selectors.notices_for_user(user).filter(case=case)
    rebuilt = asat.case_as_at(case, day, user=user, notices=notices)
    url = reverse("intervention:case_as_at", args=[case.pk])
    request = RequestFactory().get(url, {"on_0": day.day, "on_1": day.month, "on_2": day.year})
    request.user = user
    response = views.case_as_at(request, case.pk)
    assert response.status_code == 200, response.status_code
    page = re.search(r"<main.*</main>", response.content.decode(), re.S).group(0)
    result[day.isoformat()] = {"data": plain(rebuilt), "page": page}
print(json.dumps(result, sort_keys=True))
"""


def case_as_it_stood(database: str, case_pk: int, username: str, days: list[datetime.date]) -> dict:
    """Return the case as it stood on each day, as data and as its page, read from `database`."""
    result = python(
        "-c", AS_AT, str(case_pk), username, *(day.isoformat() for day in days), database=database
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def restored():
    """A new role that owns a new, empty database to restore into; both dropped afterwards.

    Unique names, so that workers running at once (pytest -n) never meet.
    """
    suffix = uuid.uuid4().hex[:12]
    owner = Role(f"tracker_owner_{suffix}", uuid.uuid4().hex)
    database = f"tracker_restored_{suffix}"
    source = connection.settings_dict["NAME"]
    query(source, f'CREATE ROLE "{owner.user}" LOGIN PASSWORD %s', [owner.password])
    try:
        yield SimpleNamespace(owner=owner, database=database)
    finally:
        run("dropdb", "--if-exists", "--force", database)
        query(source, f'DROP ROLE IF EXISTS "{owner.user}"')


@on_postgresql
@with_postgresql_tools
def test_a_pg_dump_and_file_copy_restore_the_whole_record(record, media_root, restored, settings, tmp_path):
    source, target, owner = connection.settings_dict["NAME"], restored.database, restored.owner
    dump, files = tmp_path / "tracker.dump", tmp_path / "tracker-files.tar.gz"

    # Back up (README): the database first, then the files, so every file the dump names is copied.
    run("pg_dump", "--format=custom", f"--file={dump}", source)
    run("tar", "--create", "--gzip", f"--file={files}", f"--directory={media_root}", ".")

    # Restore (README): into an empty database, connected as the role that owns it, then the files.
    run("createdb", f"--owner={owner.user}", target)
    run(
        "pg_restore",
        "--no-owner",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={target}",
        dump,
        role=owner,
    )
    restored_media = tmp_path / "restored-media"
    restored_media.mkdir()
    run(
        "tar",
        "--extract",
        "--gzip",
        "--preserve-permissions",
        f"--file={files}",
        f"--directory={restored_media}",
    )

    # Every table has the same number of rows, owned by the owner; sequences and triggers came back too.
    counts = counts_in(source)
    assert counts["intervention_evidencefile"] == len(EVIDENCE) and counts["accounts_transitionlog"] > 10
    assert counts_in(target) == counts
    assert query(target, "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'") == [
        (owner.user,)
    ]
    assert sequences_in(target) == sequences_in(source)
    assert triggers_in(target) == triggers_in(source)

    # Every evidence file the restored database names is back, byte for byte, with its permissions.
    stored = dict(query(target, "SELECT original_name, file FROM intervention_evidencefile"))
    assert set(stored) == set(EVIDENCE)
    for original_name, name in stored.items():
        assert sha256(restored_media / name) == hashlib.sha256(EVIDENCE[original_name][1]).hexdigest()
    assert files_under(restored_media) == files_under(media_root)
    # Still readable by the app's own user only.
    modes = {mode for _, mode in files_under(restored_media).values()}
    assert modes == {settings.FILE_UPLOAD_PERMISSIONS, settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS}

    # The audit trail checks out on the restored database, as it did on the one backed up.
    for database, role in [(source, superuser()), (target, owner)]:
        verified = python("manage.py", "verify_audit", database=database, role=role)
        assert verified.returncode == 0, f"{database}: {verified.stdout}{verified.stderr}"
        assert verified.stdout.strip()  # how many rows it verified

    # The case as it stood says the same on both databases, as data and as the page shows it.
    days = [
        GIVEN_ON - datetime.timedelta(days=1),
        GIVEN_ON,
        PLAN_AGREED_ON,
        IN_FORCE_ON,
        timezone.localdate(),
    ]
    case, username = record["case"].pk, record["official"].username
    before = case_as_it_stood(source, case, username, days)
    assert before[GIVEN_ON.isoformat()]["data"]["notices"]
    assert before[GIVEN_ON.isoformat()] != before[IN_FORCE_ON.isoformat()]
    assert case_as_it_stood(target, case, username, days) == before

    # The transition log is still append-only on the restored database.
    for change in ["UPDATE accounts_transitionlog SET reason = reason", "DELETE FROM accounts_transitionlog"]:
        with pytest.raises(psycopg2.Error, match="append-only"):
            query(target, change)
    assert counts_in(target)["accounts_transitionlog"] == counts["accounts_transitionlog"]
