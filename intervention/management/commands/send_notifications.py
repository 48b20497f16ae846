"""The daily job for notifications (cron or a systemd timer, beside send_reminders).

In order: every notification email still owed to a person who wants each straight away (one that
failed when the change was made, say) is sent; then each person who asked for a daily digest is
sent one email listing what came in up to the end of the day. Each email is recorded on its
notifications, so running it again sends nothing more; a failed one is recorded and sent by the
next run.
"""

from __future__ import annotations

import datetime

from django.core.management.base import CommandError, CommandParser
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intervention.management.cli import OneLineErrorCommand, first_line, parse_date
from intervention.notifications import selectors, services


class Command(OneLineErrorCommand):
    help = _(
        "Email the notifications still owed: each one whose email failed before, to the people who "
        "want each straight away, and one daily digest to each person who chose it. Each email is "
        "recorded, so a second run sends nothing more; a failed one is sent by the next run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", help=_("Send the digests of this date, YYYY-MM-DD (default: today's date in Wales).")
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("List what would be sent; send and record nothing.")
        )

    def handle(self, *args, **options) -> None:
        today = (
            parse_date(options["today"], how=_("Give --today as YYYY-MM-DD, for example 2017-11-07."))
            if options["today"] is not None
            else timezone.localdate()
        )
        try:
            if options["dry_run"]:
                self.dry_run(today)
                return
            for notification in selectors.without_email_address().select_related("recipient"):
                self.stdout.write(
                    _("Not sent, no email address: %(item)s") % {"item": describe(notification)}
                )
            run = services.retry_failed_emails()
            services.send_digests(today=today, run=run)
        except DatabaseError as error:
            raise CommandError(
                _(
                    "Could not read the notifications from the database (%(error)s). "
                    "Has 'manage.py migrate' been run?"
                )
                % {"error": first_line(error)}
            ) from error
        for notification in run.sent:
            self.stdout.write(_("Sent: %(item)s") % {"item": describe(notification)})
        for user, items in run.digests:
            self.stdout.write(
                ngettext(
                    "Sent: daily digest of %(count)s notification to %(who)s",
                    "Sent: daily digest of %(count)s notifications to %(who)s",
                    len(items),
                )
                % {"count": len(items), "who": who(user)}
            )
        for notification, error in run.failed:
            self.stderr.write(
                _("Could not send: %(item)s (%(error)s)") % {"item": describe(notification), "error": error}
            )
        for user, error in run.digests_failed:
            self.stderr.write(
                _("Could not send the daily digest to %(who)s (%(error)s)")
                % {"who": who(user), "error": error}
            )
        self.stdout.write(
            _("%(emails)s notification emails and %(digests)s daily digests sent as of %(date)s.")
            % {"emails": len(run.sent), "digests": len(run.digests), "date": today.isoformat()}
        )
        failures = len(run.failed) + len(run.digests_failed)
        if failures:
            raise CommandError(
                ngettext(
                    "%(count)s email could not be sent; it is recorded, and the next run sends it.",
                    "%(count)s emails could not be sent; they are recorded, and the next run sends them.",
                    failures,
                )
                % {"count": failures}
            )

    def dry_run(self, today: datetime.date) -> None:
        owed = list(selectors.emails_owed_now().select_related("recipient").order_by("pk"))
        for notification in owed:
            self.stdout.write(_("Would send: %(item)s") % {"item": describe(notification)})
        digests: dict[int, list] = {}
        for notification in selectors.digest_owed(today=today).select_related("recipient"):
            digests.setdefault(notification.recipient_id, []).append(notification)
        for items in digests.values():
            self.stdout.write(
                _("Would send: daily digest of %(count)s to %(who)s")
                % {"count": len(items), "who": who(items[0].recipient)}
            )
        self.stdout.write(
            _(
                "%(emails)s notification emails and %(digests)s daily digests would be sent as of "
                "%(date)s (dry run: nothing sent or recorded)."
            )
            % {"emails": len(owed), "digests": len(digests), "date": today.isoformat()}
        )


def who(user) -> str:
    return f"{user.get_full_name() or user.username} <{user.email or _('no email address')}>"


def describe(notification) -> str:
    """Say in one line who is told of what."""
    return _("%(subject)s, to %(who)s") % {
        "subject": notification.subject,
        "who": who(notification.recipient),
    }
