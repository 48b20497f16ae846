"""Guards that keep the audit trail append-only, in the database itself and in the ORM.

The audit tables are every simple-history table (found from the models, so a model that gains
`history = HistoricalRecords()` is covered by the next migrate) and the transition log. The
database refuses to change or remove their rows:

- SQLite: a BEFORE UPDATE and a BEFORE DELETE trigger on each table. Their WHEN clause calls
  `tracker_audit_maintenance()`, a function this app registers on each of its own connections;
  a connection without it (a plain sqlite3 shell) cannot even run the statement: it fails closed.
- PostgreSQL: a row-level BEFORE UPDATE OR DELETE trigger and a statement-level BEFORE TRUNCATE
  trigger on each table. The app should run as a role that does not own the tables (see the
  README), so it cannot drop or disable them either.
- The transition log also refuses, on both, a row that does not extend the chain (wrong
  position, wrong previous hash, or recorded earlier than the last row): see audit_chain.

The triggers are (re)installed after every migrate, including when a test database is made.

A maintenance window (`maintenance_window`) lets one connection empty the tables: Django's
`flush` (which tests that commit use to clean up) runs in one; see
management/commands/flush.py. On PostgreSQL it works only for the tables' owner or a superuser,
so the app's own role cannot use it.

The ORM refuses too, with a clear error rather than a database one: history querysets' update()
and delete(), saving an existing history row, deleting one, and deleting a person whom history
rows name (simple-history would blank them out: people are deactivated, not deleted).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connections
from django.db.backends.signals import connection_created
from django.db.models import Model, ProtectedError
from django.db.models.signals import post_migrate, pre_delete, pre_save
from django.utils.translation import gettext as _

from .audit_chain import GENESIS

HISTORY_CHANGED = "History records are append-only: they cannot be changed."
HISTORY_DELETED = "History records are append-only: they cannot be deleted."

SQLITE_FUNCTION = "tracker_audit_maintenance"
POSTGRES_SETTING = "tracker.audit_maintenance"
POSTGRES_REFUSE = "tracker_audit_refuse"
POSTGRES_CHAIN = "tracker_audit_chain_check"
# PostgreSQL trigger names (per table); SQLite's are global, so prefixed with the table's name.
PG_NO_CHANGE = "tracker_audit_no_change"
PG_NO_TRUNCATE = "tracker_audit_no_truncate"
PG_CHAIN = "tracker_audit_chain"
SQLITE_NO_UPDATE = "__audit_no_update"
SQLITE_NO_DELETE = "__audit_no_delete"
SQLITE_CHAIN = "__audit_chain"
# What 0002 installed on the log before these guards existed.
LEGACY_SQLITE = ["accounts_transitionlog_no_update"]
LEGACY_POSTGRES = [("accounts_transitionlog_no_update_or_delete", "accounts_transitionlog")]
CHAIN_COLUMNS = {"sequence", "prev_hash", "row_hash", "recorded_at"}


# Which tables are audit tables -----------------------------------------------------------------


def history_models() -> list[type[Model]]:
    """Return every simple-history model: one per tracked model, and one per tracked many-to-many."""
    return [model for model in apps.get_models() if hasattr(model, "instance_type")]


def transition_log_model() -> type[Model]:
    return apps.get_model("accounts", "TransitionLog")


def audit_tables() -> list[str]:
    """Return the name of every audit table: the history tables, then the transition log."""
    return [model._meta.db_table for model in history_models()] + [transition_log_model()._meta.db_table]


# The maintenance window ------------------------------------------------------------------------


class _Window:
    """Whether one SQLite connection may change audit rows; asked by the triggers' WHEN clause."""

    def __init__(self) -> None:
        self.open = False

    def is_open(self) -> int:
        return 1 if self.open else 0


def register_sqlite_function(connection) -> None:
    """Give a SQLite connection of this app the function the triggers ask (window closed)."""
    if connection.vendor != "sqlite" or connection.connection is None:
        return
    window = _Window()
    connection.audit_window = window
    connection.connection.create_function(SQLITE_FUNCTION, 0, window.is_open)


@contextlib.contextmanager
def maintenance_window(connection) -> Iterator[None]:
    """Let this connection, and no other, empty or change the audit tables until the block ends.

    For emptying a test or throwaway database (`flush`) and for a migration that must rewrite
    history on purpose. On PostgreSQL the triggers honour it only for the tables' owner or a
    superuser; inside a transaction it ends with the transaction at the latest.
    """
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        if getattr(connection, "audit_window", None) is None:
            register_sqlite_function(connection)
        connection.audit_window.open = True
        try:
            yield
        finally:
            connection.audit_window.open = False
    elif connection.vendor == "postgresql":
        local = connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', %s)", [POSTGRES_SETTING, local])
        try:
            yield
        finally:
            with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'off', %s)", [POSTGRES_SETTING, local])
    else:
        yield


# Installing the triggers -----------------------------------------------------------------------


def _sqlite_last(table: str, column: str, default: str) -> str:
    """Return SQL for `column` of the log's last row, or `default` while the log is empty."""
    return f'coalesce((SELECT "{column}" FROM "{table}" ORDER BY "sequence" DESC LIMIT 1), {default})'


def sqlite_statements(table: str, log_table: str, chained: bool) -> list[str]:
    """Return the statements that (re)install the guards of `table` on SQLite."""
    refuse = "audit records are append-only: {} on " + table + " refused"
    statements = []
    for suffix, operation in ((SQLITE_NO_UPDATE, "UPDATE"), (SQLITE_NO_DELETE, "DELETE")):
        statements += [
            f'DROP TRIGGER IF EXISTS "{table}{suffix}"',
            f'CREATE TRIGGER "{table}{suffix}" BEFORE {operation} ON "{table}" '
            f"WHEN NOT {SQLITE_FUNCTION}() "
            f"BEGIN SELECT RAISE(ABORT, '{refuse.format(operation)}'); END",
        ]
    if table == log_table:
        statements.append(f'DROP TRIGGER IF EXISTS "{table}{SQLITE_CHAIN}"')
        if chained:
            last_sequence = _sqlite_last(table, "sequence", "0")
            last_hash = _sqlite_last(table, "row_hash", f"'{GENESIS}'")
            last_recorded = _sqlite_last(table, "recorded_at", 'NEW."recorded_at"')
            statements.append(
                f'CREATE TRIGGER "{table}{SQLITE_CHAIN}" BEFORE INSERT ON "{table}" '
                f'WHEN NEW."sequence" IS NOT {last_sequence} + 1 '
                f'OR NEW."prev_hash" IS NOT {last_hash} '
                f'OR NEW."recorded_at" < {last_recorded} '
                "BEGIN SELECT RAISE(ABORT, 'the transition log only grows at its end: a new row must "
                "follow the last one (next position, its hash, recorded no earlier)'); END"
            )
    return statements


POSTGRES_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION {POSTGRES_REFUSE}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('{POSTGRES_SETTING}', true), '') = 'on'
       AND (
           pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER')
           OR coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false)
       ) THEN
        IF TG_LEVEL = 'ROW' AND TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit records are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation',
              HINT = 'History and the transition log are never changed or removed.';
END;
$$;
"""

POSTGRES_CHAIN_FUNCTION = """
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_row record;
BEGIN
    SELECT "sequence", "row_hash", "recorded_at" INTO last_row
        FROM {table} ORDER BY "sequence" DESC LIMIT 1;
    IF NOT FOUND THEN
        IF NEW."sequence" = 1 AND NEW."prev_hash" = repeat('0', 64) THEN
            RETURN NEW;
        END IF;
    ELSIF NEW."sequence" = last_row."sequence" + 1
          AND NEW."prev_hash" = last_row."row_hash"
          AND NEW."recorded_at" >= last_row."recorded_at" THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the transition log only grows at its end: a new row must follow the last one '
        '(next position, its hash, recorded no earlier)'
        USING ERRCODE = 'restrict_violation';
END;
$$;
"""


def _postgres_statements(table: str, log_table: str, chained: bool, quote) -> list[str]:
    quoted = quote(table)
    statements = [
        f"CREATE OR REPLACE TRIGGER {PG_NO_CHANGE} BEFORE UPDATE OR DELETE ON {quoted} "
        f"FOR EACH ROW EXECUTE FUNCTION {POSTGRES_REFUSE}()",
        f"CREATE OR REPLACE TRIGGER {PG_NO_TRUNCATE} BEFORE TRUNCATE ON {quoted} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {POSTGRES_REFUSE}()",
    ]
    if table == log_table:
        if chained:
            statements += [
                POSTGRES_CHAIN_FUNCTION.format(name=POSTGRES_CHAIN, table=quoted),
                f"CREATE OR REPLACE TRIGGER {PG_CHAIN} BEFORE INSERT ON {quoted} "
                f"FOR EACH ROW EXECUTE FUNCTION {POSTGRES_CHAIN}()",
            ]
        else:
            statements.append(f"DROP TRIGGER IF EXISTS {PG_CHAIN} ON {quoted}")
    return statements


def install_guards(connection) -> int:
    """Install (or replace) the triggers on every audit table that exists; return how many tables."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return 0
    log_table = transition_log_model()._meta.db_table
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        tables = [table for table in audit_tables() if table in existing]
        columns = (
            {column.name for column in connection.introspection.get_table_description(cursor, log_table)}
            if log_table in existing
            else set()
        )
        chained = CHAIN_COLUMNS.issubset(columns)
        if connection.vendor == "sqlite":
            statements = [f'DROP TRIGGER IF EXISTS "{name}"' for name in LEGACY_SQLITE]
            for table in tables:
                statements += sqlite_statements(table, log_table, chained)
        else:
            statements = [POSTGRES_FUNCTIONS]
            statements += [
                f"DROP TRIGGER IF EXISTS {name} ON {connection.ops.quote_name(table)}"
                for name, table in LEGACY_POSTGRES
                if table in existing
            ]
            for table in tables:
                statements += _postgres_statements(table, log_table, chained, connection.ops.quote_name)
        for statement in statements:
            cursor.execute(statement)
    return len(tables)


def guard_problems(connection) -> list[tuple[str, str]]:
    """Return (table, what is wrong) for each audit table whose triggers are missing or disabled."""
    expected: dict[str, set[str]] = {}
    log_table = transition_log_model()._meta.db_table
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        tables = [table for table in audit_tables() if table in existing]
        if connection.vendor == "sqlite":
            for table in tables:
                expected[table] = {f"{table}{SQLITE_NO_UPDATE}", f"{table}{SQLITE_NO_DELETE}"}
            expected.get(log_table, set()).add(f"{log_table}{SQLITE_CHAIN}")
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
            found = dict.fromkeys(cursor.fetchall(), True)
        elif connection.vendor == "postgresql":
            for table in tables:
                expected[table] = {PG_NO_CHANGE, PG_NO_TRUNCATE}
            expected.get(log_table, set()).add(PG_CHAIN)
            cursor.execute(
                "SELECT c.relname, t.tgname, t.tgenabled <> 'D' FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND pg_table_is_visible(c.oid)"
            )
            found = {(table, name): enabled for table, name, enabled in cursor.fetchall()}
        else:
            return []
    problems = []
    for table in tables:
        for name in sorted(expected[table]):
            if (table, name) not in found:
                problems.append((table, _("its trigger %(name)s is missing") % {"name": name}))
            elif not found[(table, name)]:
                problems.append((table, _("its trigger %(name)s is disabled") % {"name": name}))
    return problems


# The ORM ---------------------------------------------------------------------------------------


class AppendOnlyHistoryQuerySetMixin:
    """Refuse update() and delete() on history rows with a clear error."""

    def update(self, **kwargs):
        raise PermissionError(HISTORY_CHANGED)

    def delete(self):
        raise PermissionError(HISTORY_DELETED)


_guarded_classes: dict[type, type] = {}


def _append_only(queryset_class: type) -> type:
    if issubclass(queryset_class, AppendOnlyHistoryQuerySetMixin):
        return queryset_class
    if queryset_class not in _guarded_classes:
        _guarded_classes[queryset_class] = type(
            f"AppendOnly{queryset_class.__name__}", (AppendOnlyHistoryQuerySetMixin, queryset_class), {}
        )
    return _guarded_classes[queryset_class]


def _refuse_change(sender, instance, **kwargs) -> None:
    if not instance._state.adding:
        raise PermissionError(HISTORY_CHANGED)


def _refuse_delete(sender, instance, **kwargs) -> None:
    raise PermissionError(HISTORY_DELETED)


def refuse_deleting_people_on_record(sender, instance, using=None, **kwargs) -> None:
    """Refuse to delete a person whom history rows name: their rows would be blanked out."""
    for model in history_models():
        field = next((f for f in model._meta.fields if f.name == "history_user"), None)
        if field is None or field.remote_field is None or field.remote_field.model is not sender:
            continue
        row = model._base_manager.using(using).filter(history_user_id=instance.pk).first()
        if row is not None:
            raise ProtectedError(
                _("%(person)s cannot be deleted: the history records what they did. Deactivate them instead.")
                % {"person": instance},
                {row},
            )


def guard_orm() -> None:
    """Make every history manager and queryset refuse to change or delete rows."""
    for model in history_models():
        for manager in model._meta.local_managers:
            queryset_class = _append_only(manager._queryset_class)
            if manager._queryset_class is not queryset_class:
                manager.__class__ = manager.__class__.from_queryset(queryset_class)
        model._meta._expire_cache()
        uid = model._meta.label
        pre_save.connect(_refuse_change, sender=model, weak=False, dispatch_uid=f"audit_guard.save.{uid}")
        pre_delete.connect(_refuse_delete, sender=model, weak=False, dispatch_uid=f"audit_guard.delete.{uid}")
        tracked = model.instance_type
        name = getattr(tracked._meta, "simple_history_manager_attribute", None)
        for klass in tracked.__mro__ if name else ():
            descriptor = klass.__dict__.get(name)
            if descriptor is not None and hasattr(descriptor, "queryset_class"):
                descriptor.queryset_class = _append_only(descriptor.queryset_class)
                break
    pre_delete.connect(
        refuse_deleting_people_on_record,
        sender=settings.AUTH_USER_MODEL,
        dispatch_uid="audit_guard.refuse_deleting_people_on_record",
    )


# Wiring ----------------------------------------------------------------------------------------


def _on_connection_created(sender, connection, **kwargs) -> None:
    register_sqlite_function(connection)


def _on_post_migrate(sender, using, **kwargs) -> None:
    install_guards(connections[using])


def activate(app_config) -> None:
    """Connect the guards (called from AccountsConfig.ready)."""
    guard_orm()
    connection_created.connect(_on_connection_created, dispatch_uid="audit_guard.sqlite_function")
    for connection in connections.all(initialized_only=True):
        register_sqlite_function(connection)
    post_migrate.connect(_on_post_migrate, sender=app_config, dispatch_uid="audit_guard.install")
