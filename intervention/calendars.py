"""The working-day calendar of England and Wales: the only module that reads the holidays package.

It hands `deadlines.py` plain data: a `WorkingCalendar` answers `day in calendar` (True for a
weekday that is not a working day) and names each non-working day, built from the bank holidays
of England and Wales (`holidays`, country GB, subdivision WLS) plus the extra non-working days an
administrator records; an administrator's day wins over the package's name for the same date.

The calendar knows only the years the package covers and the years an administrator has
confirmed (ConfirmedCalendarYear). Asked about any other year it raises UnknownCalendarYear, a
ValidationError with one sentence, so a deadline that would need such a year is refused (by the
forms, the services and the commands) rather than counted with no bank holidays at all.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

import holidays
from django.core.exceptions import ValidationError
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.forms import LAST_YEAR

from . import deadlines
from .choices import DeadlineUnit
from .models import ConfirmedCalendarYear, NonWorkingDay

CHRISTMAS_EVE = (12, 24)


@functools.cache
def _package_years() -> tuple[int, int]:
    """Return the first and last year the holidays package has the bank holidays of Wales for."""
    calendar = holidays.country_holidays("GB", subdiv="WLS")
    return calendar.start_year, calendar.end_year


@functools.cache
def _bank_holidays(year: int) -> dict[datetime.date, str]:
    """Return the bank holidays of England and Wales in `year` (the package's data never changes)."""
    return {day: str(name) for day, name in holidays.country_holidays("GB", subdiv="WLS", years=year).items()}


class UnknownCalendarYear(ValidationError):
    """A date needs the bank holidays of a year the calendar does not know."""

    def __init__(self, year: int) -> None:
        first, last = _package_years()
        self.year = year
        super().__init__(
            _(
                "The calendar does not know the bank holidays of %(year)s: it covers %(first)s to "
                "%(last)s and any year an administrator has confirmed, so a date that needs %(year)s "
                "cannot be worked out."
            )
            % {"year": year, "first": first, "last": last},
            code="unknown_year",
        )


class WorkingCalendar:
    """The non-working days of England and Wales, read from the database at most once.

    `day in calendar` is True for a day that is not a working day (weekends aside: deadlines.py
    skips those itself); `reason(day)` names it. A day of a year the calendar does not know raises
    UnknownCalendarYear.
    """

    def __init__(self, *, excludes_christmas_eve: bool = False) -> None:
        self.excludes_christmas_eve = excludes_christmas_eve
        self._extra: dict[datetime.date, str] | None = None
        self._confirmed: set[int] | None = None

    def _load(self) -> None:
        if self._extra is None:
            self._extra = dict(NonWorkingDay.objects.values_list("day", "description"))
            self._confirmed = set(ConfirmedCalendarYear.objects.values_list("year", flat=True))

    def knows(self, year: int) -> bool:
        """Return True if the bank holidays of `year` are known (the package's range, or confirmed)."""
        self._load()
        first, last = _package_years()
        return first <= year <= last or year in self._confirmed

    def check_year(self, year: int) -> None:
        """Raise UnknownCalendarYear unless the calendar knows `year`."""
        if not self.knows(year):
            raise UnknownCalendarYear(year)

    def check_dates(self, *days: datetime.date | None) -> None:
        """Raise UnknownCalendarYear if any of `days` (None ignored) falls in a year not known."""
        for day in days:
            if day is not None:
                self.check_year(day.year)

    def reason(self, day: datetime.date) -> str | None:
        """Return why `day` is not a working day (weekends aside), or None if it is one."""
        self.check_year(day.year)
        extra = self._extra.get(day)
        if extra is not None:
            return extra
        bank = _bank_holidays(day.year).get(day)
        if bank is not None:
            return bank
        if self.excludes_christmas_eve and (day.month, day.day) == CHRISTMAS_EVE:
            return _("Christmas Eve (excluded by this deadline's rule)")
        return None

    def __contains__(self, day: object) -> bool:
        return isinstance(day, datetime.date) and self.reason(day) is not None

    def between(self, first: datetime.date, last: datetime.date) -> dict[datetime.date, str]:
        """Return every non-working day (bank holiday or recorded) from `first` to `last`, with why."""
        for year in range(first.year, last.year + 1):
            self.check_year(year)
        found = {}
        day = first
        while day <= last:
            reason = self.reason(day)
            if reason is not None:
                found[day] = reason
            day += deadlines.ONE_DAY
        return found


def check_recordable(day: datetime.date) -> None:
    """Refuse an extra non-working day the calendar could never use (the year 1 or 9999, say).

    A day may fall in a year the calendar knows, or in a later year a date may still be typed for
    (up to accounts.forms.LAST_YEAR): that year's days are recorded before the year is confirmed.
    """
    first, _last = _package_years()
    if not first <= day.year <= LAST_YEAR and not WorkingCalendar().knows(day.year):
        raise ValidationError(
            _("The date must be between 1 January %(first)s and 31 December %(last)s")
            % {"first": first, "last": LAST_YEAR},
            code="year_out_of_range",
        )


def check_confirmable(year: int) -> None:
    """Refuse to confirm a year the holidays package already covers, or one no date may fall in."""
    _first, last = _package_years()
    if not last < year <= LAST_YEAR:
        raise ValidationError(
            _(
                "The year must be between %(first)s and %(last)s (the calendar already has the bank "
                "holidays of the years before %(first)s)"
            )
            % {"first": last + 1, "last": LAST_YEAR},
            code="year_out_of_range",
        )


def non_working_days(
    first: datetime.date, last: datetime.date, *, excludes_christmas_eve: bool = False
) -> dict[datetime.date, str]:
    """Return every non-working day from `first` to `last`, with its reason."""
    return WorkingCalendar(excludes_christmas_eve=excludes_christmas_eve).between(first, last)


@dataclass(frozen=True)
class ComputedDeadline:
    """A due date with everything a person needs to check it, and to work it out again."""

    start_on: datetime.date
    count: int | None
    unit: str
    due_on: datetime.date
    basis: str
    skipped: tuple[deadlines.SkippedDay, ...] = ()
    excludes_christmas_eve: bool = False

    def skipped_as_data(self) -> list[dict[str, str]]:
        return [{"date": s.day.isoformat(), "reason": s.reason} for s in self.skipped]


def working_day_deadline(
    start: datetime.date,
    days: int,
    *,
    excludes_christmas_eve: bool = False,
    calendar: WorkingCalendar | None = None,
) -> ComputedDeadline:
    """Return the date `days` working days after `start`, with its basis and skipped days."""
    calendar = calendar or WorkingCalendar(excludes_christmas_eve=excludes_christmas_eve)
    calendar.check_year(start.year)
    due_on = deadlines.add_working_days(start, days, non_working=calendar)
    basis = ngettext(
        "%(count)s working day after %(start)s", "%(count)s working days after %(start)s", days
    ) % {"count": days, "start": format_date(start)}
    if excludes_christmas_eve:
        basis += _(" (Christmas Eve excluded)")
    return ComputedDeadline(
        start_on=start,
        count=days,
        unit=DeadlineUnit.WORKING_DAYS,
        due_on=due_on,
        basis=basis,
        skipped=tuple(deadlines.skipped_days(start, due_on, non_working=calendar.between(start, due_on))),
        excludes_christmas_eve=excludes_christmas_eve,
    )


def calendar_day_deadline(
    start: datetime.date, days: int, *, calendar: WorkingCalendar | None = None
) -> ComputedDeadline:
    """Return the date `days` calendar days after `start`, with its basis."""
    due_on = deadlines.add_calendar_days(start, days)
    (calendar or WorkingCalendar()).check_dates(start, due_on)
    return ComputedDeadline(
        start_on=start,
        count=days,
        unit=DeadlineUnit.CALENDAR_DAYS,
        due_on=due_on,
        basis=ngettext(
            "%(count)s calendar day after %(start)s", "%(count)s calendar days after %(start)s", days
        )
        % {"count": days, "start": format_date(start)},
    )


def fixed_date_deadline(
    start: datetime.date, due_on: datetime.date, *, basis: str = "", calendar: WorkingCalendar | None = None
) -> ComputedDeadline:
    """Return a due date set as a date, with its basis (by default: set in the notice)."""
    (calendar or WorkingCalendar()).check_dates(start, due_on)
    return ComputedDeadline(
        start_on=start,
        count=None,
        unit=DeadlineUnit.FIXED_DATE,
        due_on=due_on,
        basis=basis or _("Fixed date set in the notice: %(date)s") % {"date": format_date(due_on)},
    )


def month_end_deadline(month: datetime.date, *, calendar: WorkingCalendar | None = None) -> ComputedDeadline:
    """Return the last working day of the month that contains `month`."""
    calendar = calendar or WorkingCalendar()
    first = month.replace(day=1)
    last = deadlines.add_months(first, 1) - deadlines.ONE_DAY
    calendar.check_year(first.year)
    due_on = deadlines.last_working_day_of_month(first.year, first.month, non_working=calendar)
    return ComputedDeadline(
        start_on=first,
        count=None,
        unit=DeadlineUnit.MONTH_END,
        due_on=due_on,
        basis=_("Last working day of %(month)s") % {"month": format_month(first)},
        skipped=tuple(deadlines.skipped_days(due_on, last, non_working=calendar.between(due_on, last))),
    )


def recompute(
    *,
    unit: str,
    start_on: datetime.date,
    count: int | None,
    excludes_christmas_eve: bool,
    calendar: WorkingCalendar | None = None,
) -> ComputedDeadline | None:
    """Work a rule-based due date out again (after the calendar changed); None for a fixed date."""
    if unit == DeadlineUnit.WORKING_DAYS:
        if calendar is not None and calendar.excludes_christmas_eve != excludes_christmas_eve:
            calendar = None
        return working_day_deadline(
            start_on, count, excludes_christmas_eve=excludes_christmas_eve, calendar=calendar
        )
    if unit == DeadlineUnit.MONTH_END:
        return month_end_deadline(start_on, calendar=calendar)
    return None


def format_date(day: datetime.date) -> str:
    """Write a date as people do: 17 October 2017."""
    return dateformat.format(day, "j F Y")


def format_month(day: datetime.date) -> str:
    """Write a month as people do: November 2017."""
    return dateformat.format(day, "F Y")
