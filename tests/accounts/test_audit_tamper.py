"""History and the transition log cannot be rewritten: the ORM and the database both refuse.

The case as it stood and the chronology are rebuilt from these rows, so changing or removing one
would change what the tracker says happened. Tests that need PostgreSQL say so and are skipped
on SQLite (run them with DATABASE_URL=postgres://...).
"""

import sqlite3

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.core.management.commands import flush as django_flush
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from accounts import audit_guard
from accounts.audit import save_with_history
from accounts.models import Organisation, TransitionLog, User
from intervention.models import WarningNotice

from .audit_tampering import LOG, POSTGRES, execute, q, settled_checks

pytestmark = pytest.mark.django_db

only_postgresql = pytest.mark.skipif(not POSTGRES, reason="PostgreSQL only (TRUNCATE, roles)")

HistoricalOrganisation = Organisation.history.model


def test_every_history_table_and_the_log_are_guarded():
    tracked = [m for m in apps.get_models() if hasattr(m._meta, "simple_history_manager_attribute")]
    history_tables = {m.history.model._meta.db_table for m in tracked}

    assert len(tracked) >= 37
    assert history_tables | {LOG} <= set(audit_guard.audit_tables())
    # The many-to-many histories too (a notice's failed functions as they were at each row).
    assert "intervention_historicalwarningnotice_failed_functions" in audit_guard.audit_tables()
    assert audit_guard.guard_problems(connection) == []


# Through the ORM -------------------------------------------------------------------------------


def _history_save(record):
    record.name = "Rewritten"
    record.save()


ORM_TAMPERING = {
    "history_queryset_update": lambda org, record: org.history.filter(pk=record.pk).update(name="Rewritten"),
    "history_queryset_delete": lambda org, record: org.history.all().delete(),
    "model_history_update": lambda org, record: Organisation.history.update(name="Rewritten"),
    "historical_manager_update": lambda org, record: HistoricalOrganisation.objects.update(name="Rewritten"),
    "historical_manager_delete": lambda org, record: HistoricalOrganisation.objects.all().delete(),
    "record_save": lambda org, record: _history_save(record),
    "record_delete": lambda org, record: record.delete(),
    "bulk_update": lambda org, record: HistoricalOrganisation.objects.bulk_update([record], ["name"]),
}


@pytest.mark.parametrize("tamper", ORM_TAMPERING.values(), ids=ORM_TAMPERING.keys())
def test_the_orm_refuses_to_change_or_delete_history(tamper, powys):
    record = powys.history.get()
    before = list(HistoricalOrganisation.objects.values())

    # Like a database error, the refusal spoils the transaction it happens in (a savepoint here).
    with pytest.raises(PermissionError, match="History records are append-only"), transaction.atomic():
        tamper(powys, record)

    assert list(HistoricalOrganisation.objects.values()) == before


def test_the_orm_refuses_to_change_many_to_many_history(issued_notice):
    model = apps.get_model("intervention", "HistoricalWarningNotice_failed_functions")
    assert model.objects.exists()

    with pytest.raises(PermissionError):
        model.objects.update(history_id=0)
    with pytest.raises(PermissionError):
        model.objects.all().delete()


def test_a_person_named_by_history_cannot_be_deleted(powys, powys_officer):
    save_with_history(powys, by=powys_officer, reason="update")  # a history row naming them, no log row

    with pytest.raises(ProtectedError, match="Deactivate them instead"), transaction.atomic():
        powys_officer.delete()

    assert User.objects.filter(pk=powys_officer.pk).exists()
    assert powys.history.filter(history_user=powys_officer).exists()


def test_a_person_history_does_not_name_can_still_be_deleted(powys):
    person = User.objects.create(username="never-acted", role="council_officer", organisation=powys)

    person.delete()

    assert not User.objects.filter(username="never-acted").exists()


# Through plain SQL -----------------------------------------------------------------------------

HISTORY_TABLES = [
    "accounts_historicalorganisation",
    "accounts_historicaluser",
    "inspections_historicalfinding",
    "intervention_historicalwarningnotice",
    "intervention_historicalobligation",
    "intervention_historicalwarningnotice_failed_functions",
]


@pytest.mark.parametrize("table", HISTORY_TABLES)
@pytest.mark.parametrize("operation", ["UPDATE", "DELETE"])
def test_plain_sql_cannot_change_or_delete_history_rows(table, operation, issued_notice):
    key = "m2m_history_id" if table.endswith("_functions") else "history_id"
    statement = {
        "UPDATE": f"UPDATE {q(table)} SET {q(key)} = {q(key)}",
        "DELETE": f"DELETE FROM {q(table)}",
    }[operation]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {q(table)}")
        [[count]] = cursor.fetchall()
    assert count > 0

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        execute(statement)

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {q(table)}")
        assert cursor.fetchall() == [(count,)]


@pytest.mark.parametrize(
    "statement",
    [
        f"DELETE FROM {LOG}",
        f"DELETE FROM {LOG} WHERE transition = 'issue'",
        f"UPDATE {LOG} SET reason = 'Rewritten'",
        f"UPDATE {LOG} SET recorded_at = occurred_on",
    ],
)
def test_plain_sql_cannot_change_or_delete_log_rows(statement, issued_notice):
    before = list(TransitionLog.objects.values())
    assert before

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        execute(statement)

    assert list(TransitionLog.objects.values()) == before


@only_postgresql
@pytest.mark.parametrize("table", [LOG, "intervention_historicalwarningnotice", "accounts_historicaluser"])
def test_truncate_is_refused_on_postgresql(table, issued_notice):
    with settled_checks(), pytest.raises(IntegrityError, match="append-only: TRUNCATE"), transaction.atomic():
        execute(f"TRUNCATE {q(table)} CASCADE")

    assert TransitionLog.objects.exists()


@only_postgresql
def test_the_maintenance_window_is_for_the_owner_only_on_postgresql(issued_notice):
    """The app's role (not the tables' owner) cannot open the window for itself."""
    with pytest.raises(IntegrityError, match="append-only: DELETE"), transaction.atomic():
        execute("CREATE ROLE audit_test_app_role NOLOGIN")
        execute(f"GRANT SELECT, DELETE, TRUNCATE ON {q(LOG)} TO audit_test_app_role")
        execute("SET LOCAL ROLE audit_test_app_role")
        execute("SELECT set_config('tracker.audit_maintenance', 'on', true)")
        execute(f"DELETE FROM {q(LOG)}")
    # The owner (here a superuser) can, in a window opened on its own connection.
    with transaction.atomic():
        with audit_guard.maintenance_window(connection):
            execute(f"DELETE FROM {q(LOG)}")
            assert not TransitionLog.objects.exists()
        transaction.set_rollback(True)
    assert TransitionLog.objects.exists()


def test_a_sqlite_connection_without_the_apps_function_fails_closed(tmp_path):
    """A plain sqlite3 shell cannot run the statements at all; the app's connection only in a window."""
    database = sqlite3.connect(tmp_path / "audit.sqlite3", isolation_level=None)
    database.execute("CREATE TABLE history (id integer PRIMARY KEY, note text)")
    database.execute("INSERT INTO history (note) VALUES ('as recorded')")
    window = audit_guard._Window()
    database.create_function(audit_guard.SQLITE_FUNCTION, 0, window.is_open)
    for statement in audit_guard.sqlite_statements("history", "log", chained=False):
        database.execute(statement)

    with pytest.raises(sqlite3.IntegrityError, match="append-only: UPDATE on history"):
        database.execute("UPDATE history SET note = 'rewritten'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only: DELETE on history"):
        database.execute("DELETE FROM history")
    window.open = True
    database.execute("UPDATE history SET note = 'in the window'")
    database.close()

    shell = sqlite3.connect(tmp_path / "audit.sqlite3")  # no function registered
    with pytest.raises(sqlite3.OperationalError, match="no such function"):
        shell.execute("DELETE FROM history")
    assert shell.execute("SELECT note FROM history").fetchall() == [("in the window",)]
    shell.close()


# Emptying a test database ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_audit_tables_and_leaves_them_guarded(issued_notice):
    # Django's own flush meets the guards (its DELETE or TRUNCATE is refused, nothing is removed).
    with pytest.raises(CommandError):
        call_command(django_flush.Command(), interactive=False, verbosity=0)
    assert TransitionLog.objects.exists()

    call_command("flush", interactive=False, verbosity=0)

    assert not TransitionLog.objects.exists()
    assert not WarningNotice.history.exists()
    Organisation.objects.create(code="newport", name="Newport City Council", kind="local_authority")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        execute(f"DELETE FROM {q(HistoricalOrganisation._meta.db_table)}")
    assert audit_guard.guard_problems(connection) == []
