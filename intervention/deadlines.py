"""Deadline arithmetic: pure functions, no database, no clock.

Conventions (they fit the Powys 2017 facts):
- "within N working days of X": day 1 is the first working day *after* X; the deadline is the Nth.
- "within N days of X" (calendar days): X + N; never rolled forward over a weekend or holiday.
- A working day is a weekday that is not in the `non_working` collection passed in (bank holidays
  and any extra days); weekends never count.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Collection, Mapping
from dataclasses import dataclass

ONE_DAY = datetime.timedelta(days=1)
SATURDAY = 5


@dataclass(frozen=True)
class SkippedDay:
    """A day inside a working-day window that did not count, and why."""

    day: datetime.date
    reason: str


def is_weekend(day: datetime.date) -> bool:
    return day.weekday() >= SATURDAY


def is_working_day(day: datetime.date, *, non_working: Collection[datetime.date]) -> bool:
    """Return True if `day` is a weekday that is not a non-working day."""
    return not is_weekend(day) and day not in non_working


def _check_count(days: int) -> None:
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError("The number of days must be a whole number.")
    if days < 0:
        raise ValueError("The number of days cannot be negative.")


def add_working_days(
    start: datetime.date, days: int, *, non_working: Collection[datetime.date]
) -> datetime.date:
    """Return the date `days` working days after `start`; `start` itself is not counted."""
    _check_count(days)
    current = start
    while days > 0:
        current += ONE_DAY
        if is_working_day(current, non_working=non_working):
            days -= 1
    return current


def add_calendar_days(start: datetime.date, days: int) -> datetime.date:
    """Return the date `days` calendar days after `start`, weekend or not."""
    _check_count(days)
    return start + datetime.timedelta(days=days)


def working_days_between(
    start: datetime.date, end: datetime.date, *, non_working: Collection[datetime.date]
) -> int:
    """Return how many working days fall after `start` up to and including `end` (0 if none)."""
    count = 0
    current = start
    while current < end:
        current += ONE_DAY
        if is_working_day(current, non_working=non_working):
            count += 1
    return count


def skipped_days(
    start: datetime.date, end: datetime.date, *, non_working: Mapping[datetime.date, str]
) -> list[SkippedDay]:
    """List the days after `start` up to and including `end` that are not working days."""
    skipped = []
    current = start
    while current < end:
        current += ONE_DAY
        if is_weekend(current):
            skipped.append(SkippedDay(current, "Saturday" if current.weekday() == 5 else "Sunday"))
        elif current in non_working:
            skipped.append(SkippedDay(current, non_working[current]))
    return skipped


def last_working_day_of_month(
    year: int, month: int, *, non_working: Collection[datetime.date]
) -> datetime.date:
    """Return the last working day of the given month."""
    day = datetime.date(year, month, calendar.monthrange(year, month)[1])
    while not is_working_day(day, non_working=non_working):
        day -= ONE_DAY
    return day


def add_months(day: datetime.date, months: int) -> datetime.date:
    """Return the first day of the month `months` after the month of `day`."""
    index = day.year * 12 + (day.month - 1) + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def is_overdue(due_on: datetime.date, *, today: datetime.date) -> bool:
    """Return True once the whole of `due_on` has passed."""
    return today > due_on


def calendar_window(start: datetime.date, working_days: int) -> datetime.date:
    """Return a date safely past the end of a `working_days` window from `start`.

    Used to decide how much of the holiday calendar to load: at most 5 working days a week,
    plus room for a fortnight of holidays.
    """
    _check_count(working_days)
    return start + datetime.timedelta(days=working_days * 7 // 5 + 21)
