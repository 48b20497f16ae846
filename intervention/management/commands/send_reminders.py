"""The one daily job (cron or a systemd timer): escalate overdue requirements, then email the reminders.

In order: the requirements overdue beyond the threshold are escalated (as `escalate_overdue`);
the reminders due today about every open deadline are sent; the people yet to acknowledge an
escalation are reminded; and any first escalation email that failed before is sent.
"""

from __future__ import annotations

import datetime

from django.core.management.base import CommandError, CommandParser
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intervention.calendars import UnknownCalendarYear
from intervention.escalations import selectors as escalation_selectors
from intervention.escalations import services as escalation_services
from intervention.management.cli import OneLineErrorCommand, first_line, parse_date
from intervention.obligations import services as obligation_services
from intervention.reminders import services as reminders


class Command(OneLineErrorCommand):
    help = _(
        "Email the people responsible the reminders due today: 5 working days before a deadline, on "
        "the day, the day after it is missed, then weekly while it stays overdue. Each reminder is sent "
        "once and recorded; a reminder whose email failed is sent by the next run. First it escalates "
        "the requirements overdue beyond the threshold (as escalate_overdue does); it also reminds the "
        "people yet to acknowledge an escalation and sends any escalation email that failed before."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", help=_("Run as of this date, YYYY-MM-DD (default: today's date in Wales).")
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_(
                "List what would be escalated and sent (recipient, item, due date, which reminder); "
                "escalate, send and record nothing."
            ),
        )

    def handle(self, *args, **options) -> None:
        today = parse_today(options["today"]) if options["today"] is not None else timezone.localdate()
        dry_run = options["dry_run"]
        try:
            # First each new month's Board report under an open-ended schedule, then what is overdue
            # long enough to escalate, so one daily job does it all.
            if dry_run:
                self.list_escalations_due(today)
            else:
                for opened in obligation_services.open_new_board_report_months(today=today):
                    self.stdout.write(_("Now owed: %(what)s") % {"what": opened.label})
                self.escalate_overdue(today)
            collected = reminders.collect_due_reminders(today=today)
            if dry_run:
                undelivered = escalation_selectors.undelivered_escalations(today=today)
                escalation_reminders = escalation_selectors.unacknowledged_escalation_reminders(today=today)
        except OverflowError as error:
            raise CommandError(
                _("That date is too close to the limits of the calendar (years 1 to 9999).")
            ) from error
        except UnknownCalendarYear as error:
            raise CommandError(error.messages[0]) from error
        except DatabaseError as error:
            raise CommandError(
                _(
                    "Could not read what is owed from the database (%(error)s). "
                    "Has 'manage.py migrate' been run?"
                )
                % {"error": first_line(error)}
            ) from error

        for reminder in collected.no_email:
            self.stdout.write(
                _("Not sent, no email address: %(reminder)s") % {"reminder": reminder.describe()}
            )
        if dry_run:
            for reminder in collected.to_send:
                self.stdout.write(_("Would send: %(reminder)s") % {"reminder": reminder.describe()})
            for recipient in escalation_reminders:
                self.stdout.write(
                    _("Would send: Escalation reminder to %(recipient)s")
                    % {"recipient": escalation_services.describe(recipient)}
                )
            for recipient in undelivered:
                self.stdout.write(
                    _("Would send: Escalation (first email) to %(recipient)s")
                    % {"recipient": escalation_services.describe(recipient)}
                )
            self.stdout.write(
                ngettext(
                    "%(count)s reminder would be sent as of %(date)s (dry run: nothing sent or recorded).",
                    "%(count)s reminders would be sent as of %(date)s (dry run: nothing sent or recorded).",
                    len(collected.to_send),
                )
                % {"count": len(collected.to_send), "date": today.isoformat()}
            )
            if escalation_reminders:
                self.stdout.write(
                    ngettext(
                        "%(count)s reminder of an unacknowledged escalation would be sent.",
                        "%(count)s reminders of unacknowledged escalations would be sent.",
                        len(escalation_reminders),
                    )
                    % {"count": len(escalation_reminders)}
                )
            if undelivered:
                self.stdout.write(
                    ngettext(
                        "%(count)s escalation email not yet sent would be sent.",
                        "%(count)s escalation emails not yet sent would be sent.",
                        len(undelivered),
                    )
                    % {"count": len(undelivered)}
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
        escalations_failed = self.send_escalation_emails(today)
        errors = []
        if result.failed:
            errors.append(
                ngettext(
                    "%(count)s reminder could not be sent; it was not recorded, so the next run sends it.",
                    "%(count)s reminders could not be sent; they were not recorded, "
                    "so the next run sends them.",
                    len(result.failed),
                )
                % {"count": len(result.failed)}
            )
        if escalations_failed:
            errors.append(
                ngettext(
                    "%(count)s escalation email could not be sent; the next run sends it.",
                    "%(count)s escalation emails could not be sent; the next run sends them.",
                    escalations_failed,
                )
                % {"count": escalations_failed}
            )
        if errors:
            raise CommandError(" ".join(errors))

    def list_escalations_due(self, today: datetime.date) -> None:
        """Say what councils owe that would be escalated today (dry run)."""
        threshold = escalation_services.escalation_threshold()
        for overdue in escalation_selectors.overdue_obligations(today=today, working_days=threshold):
            self.stdout.write(
                _("Would escalate: %(reason)s")
                % {"reason": escalation_services.overdue_reason(overdue, today=today, threshold=threshold)}
            )

    def escalate_overdue(self, today: datetime.date) -> None:
        """Escalate what councils owe that is overdue beyond the threshold (as escalate_overdue does)."""
        for escalation in escalation_services.escalate_overdue_obligations(today=today):
            self.stdout.write(_("Escalated: %(reason)s") % {"reason": escalation.reason})

    def send_escalation_emails(self, today: datetime.date) -> int:
        """Remind the people yet to acknowledge an escalation, and send any first email still owed.

        Reminders first: someone whose first email goes now is not reminded in the same run.
        Return how many emails failed.
        """
        # Escalations still unacknowledged (intervention.escalations.services): 2 working days, then weekly.
        reminded = escalation_services.send_escalation_reminders(today=today)
        delivered = escalation_services.deliver_undelivered_escalations(today=today)
        for recipient in reminded.sent:
            self.stdout.write(
                _("Sent: Escalation reminder to %(recipient)s")
                % {"recipient": escalation_services.describe(recipient)}
            )
        for recipient in delivered.sent:
            self.stdout.write(
                _("Sent: Escalation (first email) to %(recipient)s")
                % {"recipient": escalation_services.describe(recipient)}
            )
        for recipient, error in [*reminded.failed, *delivered.failed]:
            self.stderr.write(
                _("Could not send an escalation email to %(recipient)s (%(error)s)")
                % {"recipient": escalation_services.describe(recipient), "error": error}
            )
        if reminded.sent:
            self.stdout.write(
                ngettext(
                    "%(count)s reminder of an unacknowledged escalation sent.",
                    "%(count)s reminders of unacknowledged escalations sent.",
                    len(reminded.sent),
                )
                % {"count": len(reminded.sent)}
            )
        if delivered.sent:
            self.stdout.write(
                ngettext(
                    "%(count)s escalation emailed for the first time (an earlier email had failed).",
                    "%(count)s escalations emailed for the first time (an earlier email had failed).",
                    len(delivered.sent),
                )
                % {"count": len(delivered.sent)}
            )
        return len(reminded.failed) + len(delivered.failed)


def parse_today(value: str) -> datetime.date:
    """Return the date written as YYYY-MM-DD, or say what is wrong with it."""
    return parse_date(value, how=_("Give --today as YYYY-MM-DD, for example 2017-11-07."))
