"""Make the transition log append-only in the database itself, not only in the ORM.

UPDATE is refused on every database. DELETE is refused on PostgreSQL; on SQLite it is left to the
ORM guards because Django's test flush empties tables with DELETE there (PostgreSQL uses TRUNCATE,
which row triggers do not see).
"""

from django.db import migrations

SQLITE_FORWARD = """
CREATE TRIGGER accounts_transitionlog_no_update
BEFORE UPDATE ON accounts_transitionlog
BEGIN
    SELECT RAISE(ABORT, 'the transition log is append-only');
END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS accounts_transitionlog_no_update;"

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION accounts_transitionlog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the transition log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_transitionlog_no_update_or_delete
BEFORE UPDATE OR DELETE ON accounts_transitionlog
FOR EACH ROW EXECUTE FUNCTION accounts_transitionlog_append_only();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS accounts_transitionlog_no_update_or_delete ON accounts_transitionlog;
DROP FUNCTION IF EXISTS accounts_transitionlog_append_only();
"""


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
