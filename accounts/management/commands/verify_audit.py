"""`manage.py verify_audit`: exit 0 if the audit trail is whole, else name the first problem (exit 1)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext as _

from accounts.audit_verify import AuditProblem, verify_audit_trail


class Command(BaseCommand):
    help = (
        "Check the audit trail: recompute every hash of the transition log's chain, check each "
        "history table's order, and that the database guards are in place. Names the first bad row "
        "and exits 1; otherwise prints how many rows were verified."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="The database to check (default: default).",
        )

    def handle(self, *args, **options) -> None:
        try:
            verified = verify_audit_trail(using=options["database"])
        except AuditProblem as problem:
            raise CommandError(
                _("The audit trail is not intact: %(problem)s") % {"problem": problem}
            ) from None
        self.stdout.write(
            _(
                "Verified %(total)s audit rows: %(log)s in the transition log (the chain is whole; its "
                "last row is at position %(head)s with hash %(hash)s) and %(history)s in %(tables)s "
                "history tables."
            )
            % {
                "total": verified.log_rows + verified.history_rows,
                "log": verified.log_rows,
                "head": verified.head_sequence,
                "hash": verified.head_hash,
                "history": verified.history_rows,
                "tables": verified.history_tables,
            }
        )
