"""The working-day calendar of England and Wales: the only module that reads the holidays package.

It hands `deadlines.py` plain data (date -> reason) built from the bank holidays of England and
Wales (`holidays`, country GB, subdivision WLS) plus the extra non-working days an administrator
records; an administrator's day wins over the package's name for the same date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import holidays
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import deadlines
from .choices import DeadlineUnit
from .models import NonWorkingDay

CHRISTMAS_EVE = (12, 24)


def non_working_days(
    first: datetime.date, last: datetime.date, *, excludes_christmas_eve: bool = False
) -> dict[datetime.date, str]:
    """Return every non-working weekday and bank holiday from `first` to `last`, with its reason."""
    years = range(first.year, last.year + 1)
    bank = holidays.country_holidays("GB", subdiv="WLS", years=years)
    days = {day: str(name) for day, name in bank.items() if first <= day <= last}
    if excludes_christmas_eve:
        for year in years:
            eve = datetime.date(year, *CHRISTMAS_EVE)
            if first <= eve <= last:
                days.setdefault(eve, _("Christmas Eve (excluded by this deadline's rule)"))
    for extra in NonWorkingDay.objects.filter(day__range=(first, last)):
        days[extra.day] = extra.description
    return days


@dataclass(frozen=True)
class ComputedDeadline:
    """A due date with everything a person needs to check it."""

    start_on: datetime.date
    count: int | None
    unit: str
    due_on: datetime.date
    basis: str
    skipped: tuple[deadlines.SkippedDay, ...] = ()

    def skipped_as_data(self) -> list[dict[str, str]]:
        return [{"date": s.day.isoformat(), "reason": s.reason} for s in self.skipped]


def working_day_deadline(
    start: datetime.date, days: int, *, excludes_christmas_eve: bool = False
) -> ComputedDeadline:
    """Return the date `days` working days after `start`, with its basis and skipped days."""
    last = deadlines.calendar_window(start, days)
    while True:
        calendar = non_working_days(start, last, excludes_christmas_eve=excludes_christmas_eve)
        due_on = deadlines.add_working_days(start, days, non_working=calendar)
        if due_on <= last:
            break
        # The estimate fell short (years of holidays, or many recorded days): load further, count again.
        last = deadlines.calendar_window(due_on, days)
    basis = ngettext(
        "%(count)s working day after %(start)s", "%(count)s working days after %(start)s", days
    ) % {
        "count": days,
        "start": format_date(start),
    }
    if excludes_christmas_eve:
        basis += _(" (Christmas Eve excluded)")
    return ComputedDeadline(
        start_on=start,
        count=days,
        unit=DeadlineUnit.WORKING_DAYS,
        due_on=due_on,
        basis=basis,
        skipped=tuple(deadlines.skipped_days(start, due_on, non_working=calendar)),
    )


def calendar_day_deadline(start: datetime.date, days: int) -> ComputedDeadline:
    """Return the date `days` calendar days after `start`, with its basis."""
    return ComputedDeadline(
        start_on=start,
        count=days,
        unit=DeadlineUnit.CALENDAR_DAYS,
        due_on=deadlines.add_calendar_days(start, days),
        basis=ngettext(
            "%(count)s calendar day after %(start)s", "%(count)s calendar days after %(start)s", days
        )
        % {"count": days, "start": format_date(start)},
    )


def fixed_date_deadline(start: datetime.date, due_on: datetime.date) -> ComputedDeadline:
    return ComputedDeadline(
        start_on=start,
        count=None,
        unit=DeadlineUnit.FIXED_DATE,
        due_on=due_on,
        basis=_("Fixed date set in the notice: %(date)s") % {"date": format_date(due_on)},
    )


def month_end_deadline(month: datetime.date) -> ComputedDeadline:
    """Return the last working day of the month that contains `month`."""
    first = month.replace(day=1)
    last = deadlines.add_months(first, 1) - deadlines.ONE_DAY
    calendar = non_working_days(first, last)
    due_on = deadlines.last_working_day_of_month(first.year, first.month, non_working=calendar)
    return ComputedDeadline(
        start_on=first,
        count=None,
        unit=DeadlineUnit.MONTH_END,
        due_on=due_on,
        basis=_("Last working day of %(month)s") % {"month": format_month(first)},
        skipped=tuple(deadlines.skipped_days(due_on, last, non_working=calendar)),
    )


def format_date(day: datetime.date) -> str:
    """Write a date as people do: 17 October 2017."""
    return dateformat.format(day, "j F Y")


def format_month(day: datetime.date) -> str:
    """Write a month as people do: November 2017."""
    return dateformat.format(day, "F Y")
