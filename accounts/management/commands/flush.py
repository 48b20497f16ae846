"""Django's `flush`, able to empty the audit tables, whose triggers refuse DELETE and TRUNCATE.

Tests that commit (the live server's browser tests) are cleaned up with `flush`. It runs in a
maintenance window opened on its own connection only (accounts.audit_guard); on PostgreSQL the
window works only for the tables' owner or a superuser, so the app's own role still cannot.
"""

from django.core.management.commands import flush
from django.db import connections

from accounts.audit_guard import maintenance_window


class Command(flush.Command):
    help = flush.Command.help + " The history and the transition log are emptied too."

    def handle(self, **options):
        with maintenance_window(connections[options["database"]]):
            return super().handle(**options)
