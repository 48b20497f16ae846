"""Work out a deadline from the command line, with the days skipped and the basis, as the tracker does."""

from __future__ import annotations

import datetime
import re

from django.core.management.base import CommandError, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _

from intervention import calendars, deadlines
from intervention.management.cli import OneLineErrorCommand, first_line, parse_date

# Ten years of working days is more than any notice sets; beyond it the input is surely a typing slip.
MAX_DAYS = 3650
COUNT_PATTERN = re.compile(r"-?[0-9]+")


class Command(OneLineErrorCommand):
    help = _(
        "Print the date N working days after a start date (day 1 is the day after the start), then "
        "each day skipped and why, then the basis. Bank holidays in Wales and the extra non-working "
        "days an administrator has recorded do not count."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Parsed in handle() rather than by argparse `type=`, so a bad value is one line, not usage + error.
        parser.add_argument("start", help=_("Start date, YYYY-MM-DD (not itself counted)."))
        parser.add_argument(
            "days", help=_("Number of days, a whole number from 0 to %(max)s.") % {"max": MAX_DAYS}
        )
        parser.add_argument(
            "--calendar",
            action="store_true",
            help=_("Count calendar days; the date is not moved off a weekend or holiday."),
        )
        parser.add_argument(
            "--exclude-christmas-eve",
            action="store_true",
            help=_("Treat 24 December as a non-working day, as some instruments do."),
        )

    def handle(self, *args, **options) -> None:
        start = parse_start(options["start"])
        days = parse_days(options["days"])
        if options["calendar"] and options["exclude_christmas_eve"]:
            raise CommandError(
                _("--exclude-christmas-eve applies only to working days; leave it out with --calendar.")
            )
        try:
            if options["calendar"]:
                computed = calendars.calendar_day_deadline(start, days)
                note = non_working_note(computed.due_on)
            else:
                computed = calendars.working_day_deadline(
                    start, days, excludes_christmas_eve=options["exclude_christmas_eve"]
                )
                note = None
        except OverflowError as error:
            raise CommandError(
                _("That date is too close to the limits of the calendar (years 1 to 9999).")
            ) from error
        except calendars.UnknownCalendarYear as error:
            raise CommandError(error.messages[0]) from error
        except DatabaseError as error:
            raise CommandError(
                _(
                    "Could not read the recorded non-working days from the database (%(error)s). "
                    "Has 'manage.py migrate' been run?"
                )
                % {"error": first_line(error)}
            ) from error
        self.stdout.write(computed.due_on.isoformat())
        for skipped in computed.skipped:
            self.stdout.write(f"{skipped.day.isoformat()} {skipped.reason}")
        if note:
            self.stdout.write(note)
        self.stdout.write(_("Basis: %(basis)s") % {"basis": computed.basis})


def parse_start(value: str) -> datetime.date:
    """Return the start date written as YYYY-MM-DD, or say what is wrong with it."""
    return parse_date(value, how=_("Give the start date as YYYY-MM-DD, for example 2017-10-17."))


def parse_days(value: str) -> int:
    """Return the number of days as a whole number from 0 to MAX_DAYS, or say what is wrong with it."""
    value = str(value).strip()
    if not COUNT_PATTERN.fullmatch(value):
        raise CommandError(
            _("%(value)s is not a number of days. Give a whole number, for example 20.")
            % {"value": repr(value)}
        )
    days = int(value)
    if days < 0:
        raise CommandError(_("The number of days cannot be negative (you gave %(days)s).") % {"days": days})
    if days > MAX_DAYS:
        raise CommandError(
            _("%(days)s days is too many: this command counts at most %(max)s.")
            % {"days": days, "max": MAX_DAYS}
        )
    return days


def non_working_note(due_on: datetime.date) -> str | None:
    """Say so when a calendar-day deadline lands on a non-working day, since it is not moved."""
    calendar = calendars.non_working_days(due_on, due_on)  # refuses a year the calendar does not know
    reasons = deadlines.skipped_days(due_on - deadlines.ONE_DAY, due_on, non_working=calendar)
    if not reasons:
        return None
    return _("%(date)s is not a working day (%(reason)s); a calendar-day deadline is not moved.") % {
        "date": due_on.isoformat(),
        "reason": reasons[0].reason,
    }
