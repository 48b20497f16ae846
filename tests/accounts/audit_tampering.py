"""What someone with direct access to the database could do to the audit trail, for the audit tests.

Each helper acts through plain SQL on the test database. A guard is taken away the way a table's
owner could (DROP TRIGGER on SQLite, ALTER TABLE ... DISABLE TRIGGER on PostgreSQL) inside the
test's transaction, so it is back for the next test.
"""

from __future__ import annotations

import contextlib
import datetime
from typing import Any

from django.core.management import CommandError, call_command
from django.db import connection

from accounts import audit_guard
from accounts.models import TransitionLog

LOG = TransitionLog._meta.db_table
POSTGRES = connection.vendor == "postgresql"


def q(name: str) -> str:
    return connection.ops.quote_name(name)


def execute(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


@contextlib.contextmanager
def settled_checks():
    """Run the foreign key checks PostgreSQL defers to the end of the test's transaction now.

    ALTER TABLE and TRUNCATE refuse a table with checks still pending in the transaction.
    """
    if POSTGRES:
        execute("SET CONSTRAINTS ALL IMMEDIATE")
    try:
        yield
    finally:
        if POSTGRES:
            execute("SET CONSTRAINTS ALL DEFERRED")


def take_away_guard(table: str, operation: str) -> None:
    """Remove the trigger that refuses `operation` ("UPDATE", "DELETE" or "INSERT") on `table`."""
    if POSTGRES:
        name = {
            "UPDATE": audit_guard.PG_NO_CHANGE,
            "DELETE": audit_guard.PG_NO_CHANGE,
            "INSERT": audit_guard.PG_CHAIN,
        }[operation]
        with settled_checks():
            execute(f"ALTER TABLE {q(table)} DISABLE TRIGGER {name}")
    else:
        suffix = {
            "UPDATE": audit_guard.SQLITE_NO_UPDATE,
            "DELETE": audit_guard.SQLITE_NO_DELETE,
            "INSERT": audit_guard.SQLITE_CHAIN,
        }[operation]
        execute(f"DROP TRIGGER {q(table + suffix)}")


def insert_log_row(values: dict[str, Any]) -> int:
    """INSERT a transition log row as plain SQL; return its id."""
    adapted = []
    for value in values.values():
        if isinstance(value, datetime.datetime):
            value = connection.ops.adapt_datetimefield_value(value)
        elif isinstance(value, datetime.date):
            value = connection.ops.adapt_datefield_value(value)
        adapted.append(value)
    columns = ", ".join(q(column) for column in values)
    placeholders = ", ".join(["%s"] * len(values))
    execute(f"INSERT INTO {q(LOG)} ({columns}) VALUES ({placeholders})", adapted)
    return TransitionLog.objects.get(sequence=values["sequence"]).pk


def next_row_values(last: TransitionLog, **changes: Any) -> dict[str, Any]:
    """Return the columns of a row that follows `last` correctly, hashed, with `changes` applied first."""
    row = TransitionLog(
        content_type_id=last.content_type_id,
        object_id=last.object_id,
        object_repr=last.object_repr,
        transition="withdraw",
        source_state=last.target_state,
        target_state="withdrawn",
        by_id=last.by_id,
        by_name=last.by_name,
        by_role=last.by_role,
        by_organisation=last.by_organisation,
        recorded_at=last.recorded_at + datetime.timedelta(seconds=1),
        occurred_on=last.occurred_on,
        reason="Inserted behind the app's back",
        sequence=last.sequence + 1,
        prev_hash=last.row_hash,
    )
    for name, value in changes.items():
        setattr(row, name, value)
    row.row_hash = changes.get("row_hash") or row.compute_hash()
    return {
        f.column: getattr(row, f.attname) for f in TransitionLog._meta.concrete_fields if not f.primary_key
    }


def verify_audit() -> tuple[int, str]:
    """Run `manage.py verify_audit`; return its exit status and what it printed."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("verify_audit", stdout=out)
    except CommandError as error:
        return error.returncode, str(error)
    return 0, out.getvalue()
