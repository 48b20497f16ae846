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


def next_working_day(day: datetime.date, *, non_working: Collection[datetime.date]) -> datetime.date:
    """Return `day` if it is a working day, else the first working day after it."""
    while not is_working_day(day, non_working=non_working):
        day += ONE_DAY
    return day


def working_days_late(
    due_on: datetime.date, day: datetime.date, *, non_working: Collection[datetime.date]
) -> int:
    """Return how many working days late something done (or still owed) on `day` is.

    Counted from the day after `due_on`; a day that is not a working day counts as the next
    working day (a plan sent on the Saturday after a Friday deadline is 1 working day late, as
    if received on the Monday). 0 if `day` is not after `due_on`.
    """
    if day <= due_on:
        return 0
    return working_days_between(
        due_on, next_working_day(day, non_working=non_working), non_working=non_working
    )


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


# Reminders -------------------------------------------------------------------------------
# Which reminder an unmet item calls for on a given day. Each stage lasts until the next one
# begins, so a run that was missed, or whose email failed, is made up by the next run.

REMINDER_LEAD_WORKING_DAYS = 5
REMINDER_FIVE_DAYS = "five_days"
REMINDER_DUE_TODAY = "due_today"
REMINDER_OVERDUE = "overdue"
REMINDER_OVERDUE_WEEKLY = "overdue_weekly"
DAYS_IN_WEEK = 7


@dataclass(frozen=True)
class ReminderStage:
    """A reminder an item calls for: its kind and, for the weekly repeat, how many weeks overdue."""

    kind: str
    week: int = 0


def reminder_stage(
    due_on: datetime.date, *, today: datetime.date, non_working: Collection[datetime.date]
) -> ReminderStage | None:
    """Return the reminder an unmet item due on `due_on` calls for on `today`, or None.

    - from the day the item falls within 5 working days (`due_on` on or before the 5th working day
      after `today`, as on the dashboard) until the day before it is due: five days' notice;
    - on the due date: due today;
    - from the day after, for a week: overdue;
    - then from each further 7 days: overdue again, week 1, 2, ... (a new reminder each week).
    """
    if today < due_on:
        lead_ends = add_working_days(today, REMINDER_LEAD_WORKING_DAYS, non_working=non_working)
        return ReminderStage(REMINDER_FIVE_DAYS) if due_on <= lead_ends else None
    if today == due_on:
        return ReminderStage(REMINDER_DUE_TODAY)
    week = ((today - due_on).days - 1) // DAYS_IN_WEEK
    if week == 0:
        return ReminderStage(REMINDER_OVERDUE)
    return ReminderStage(REMINDER_OVERDUE_WEEKLY, week)


# 5 working days never span more than 4 weeks unless more than 15 weekdays in a row are holidays.
REMINDER_LOOKAHEAD_DAYS = 28


def reminder_lookahead(today: datetime.date) -> datetime.date:
    """Return a date past the last due date that can call for a reminder on `today`."""
    return today + datetime.timedelta(days=REMINDER_LOOKAHEAD_DAYS)


# Escalations -------------------------------------------------------------------------------

ESCALATION_FIRST_REMINDER_WORKING_DAYS = 2
ESCALATION_REMINDER_INTERVAL_DAYS = 7


def escalation_reminder_due(
    raised_on: datetime.date,
    *,
    last_reminded_on: datetime.date | None,
    today: datetime.date,
    non_working: Collection[datetime.date],
) -> bool:
    """Return True if an escalation still unacknowledged calls for a reminder on `today`.

    The first reminder comes once 2 working days have passed since it was raised (raised on a
    Friday: reminded on the Tuesday); then one every 7 calendar days after the last reminder.
    """
    if last_reminded_on is None:
        passed = working_days_between(raised_on, today, non_working=non_working)
        return passed >= ESCALATION_FIRST_REMINDER_WORKING_DAYS
    return (today - last_reminded_on).days >= ESCALATION_REMINDER_INTERVAL_DAYS
