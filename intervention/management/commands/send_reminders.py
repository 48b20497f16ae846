"""Email the reminders due today about every open deadline; run it once a day (cron or a systemd timer)."""

from __future__ import annotations

import datetime

from django.core.management.base import CommandError, CommandParser
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intervention import escalation_services, reminders
from intervention.management.cli import OneLineErrorCommand, first_line, parse_date


class Command(OneLineErrorCommand):
    help = _(
        "Email the people responsible the reminders due today: 5 working days before a deadline, on "
        "the day, the day after it is missed, then weekly while it stays overdue. Each reminder is sent "
        "once and recorded; a reminder whose email failed is sent by the next run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", help=_("Run as of this date, YYYY-MM-DD (default: today's date in Wales).")
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_(
                "List what would be sent (recipient, item, due date, which reminder); "
                "send and record nothing."
            ),
        )

    def handle(self, *args, **options) -> None:
        today = parse_today(options["today"]) if options["today"] is not None else timezone.localdate()
        try:
            collected = reminders.collect_due_reminders(today=today)
        except OverflowError as error:
            raise CommandError(
                _("That date is too close to the limits of the calendar (years 1 to 9999).")
            ) from error
        except DatabaseError as error:
            raise CommandError(
                _(
                    "Could not read the deadlines from the database (%(error)s). "
                    "Has 'manage.py migrate' been run?"
                )
                % {"error": first_line(error)}
            ) from error

        for reminder in collected.no_email:
            self.stdout.write(
                _("Not sent, no email address: %(reminder)s") % {"reminder": reminder.describe()}
            )
        if options["dry_run"]:
            for reminder in collected.to_send:
                self.stdout.write(_("Would send: %(reminder)s") % {"reminder": reminder.describe()})
            self.stdout.write(
                ngettext(
                    "%(count)s reminder would be sent as of %(date)s (dry run: nothing sent or recorded).",
                    "%(count)s reminders would be sent as of %(date)s (dry run: nothing sent or recorded).",
                    len(collected.to_send),
                )
                % {"count": len(collected.to_send), "date": today.isoformat()}
            )
            return

        result = reminders.send_reminders(collected.to_send)
        for reminder in result.sent:
            self.stdout.write(_("Sent: %(reminder)s") % {"reminder": reminder.describe()})
        for reminder in result.already_recorded:
            self.stdout.write(
                _("Already sent by another run: %(reminder)s") % {"reminder": reminder.describe()}
            )
        for reminder, error in result.failed:
            self.stderr.write(
                _("Could not send: %(reminder)s (%(error)s)")
                % {"reminder": reminder.describe(), "error": error}
            )
        self.stdout.write(
            ngettext(
                "%(count)s reminder sent as of %(date)s.",
                "%(count)s reminders sent as of %(date)s.",
                len(result.sent),
            )
            % {"count": len(result.sent), "date": today.isoformat()}
        )
        # Escalations still unacknowledged (intervention.escalation_services): 2 working days, then weekly.
        escalation_reminders = escalation_services.send_escalation_reminders(today=today)
        if escalation_reminders:
            self.stdout.write(
                ngettext(
                    "%(count)s reminder of an unacknowledged escalation sent.",
                    "%(count)s reminders of unacknowledged escalations sent.",
                    escalation_reminders,
                )
                % {"count": escalation_reminders}
            )
        if result.failed:
            raise CommandError(
                ngettext(
                    "%(count)s reminder could not be sent; it was not recorded, so the next run sends it.",
                    "%(count)s reminders could not be sent; they were not recorded, "
                    "so the next run sends them.",
                    len(result.failed),
                )
                % {"count": len(result.failed)}
            )


def parse_today(value: str) -> datetime.date:
    """Return the date written as YYYY-MM-DD, or say what is wrong with it."""
    return parse_date(value, how=_("Give --today as YYYY-MM-DD, for example 2017-11-07."))
