"""The one place an obligation's status is derived: recorded facts and a day in, status out.

Pure: no database, no clock. Every page, dashboard, reminder, escalation, calendar feed, export,
the case as it stood and the `obligations` command call `derive` (the SQL filters in
obligations/selectors.py select the same rows, and a test proves they agree).

The facts are what the tracker records about one obligation (its state and the dates that go
with it) as they stood at the end of `today`; the status also depends on `today` and the
working-day calendar (`non_working`: the days that are not working days, weekends aside).

- not_required: withdrawn, varied out, superseded, or the notice ended.
- met: done on a recorded date on or before the due date (or with no due date).
- met_late: done on a recorded date after the due date, with how many working days late.
- not_evidenced: done, but the date is not on record. From the day a source shows it done by,
  and from its due date, it is never shown as overdue; before both, nothing is claimed about it
  beyond what any unmet obligation shows. With neither date, it counts as done throughout.
- submitted: with the reviewer (Welsh Government), awaiting a decision.
- overdue: owed and the whole due date has passed (or a continuing condition was breached),
  with how many working days late it is.
- due_today: owed and due today.
- due_soon: owed and due within 5 working days (on or before the 5th working day after today).
- not_due: owed, due later, or with no due date (a continuing condition, or no date set).
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from .. import deadlines

# The machine-readable status codes (obligations, the API and the CSV use exactly these).
NOT_DUE = "not_due"
DUE_SOON = "due_soon"
DUE_TODAY = "due_today"
OVERDUE = "overdue"
SUBMITTED = "submitted"
MET = "met"
MET_LATE = "met_late"
NOT_REQUIRED = "not_required"
NOT_EVIDENCED = "not_evidenced"

CODES = (NOT_DUE, DUE_SOON, DUE_TODAY, OVERDUE, SUBMITTED, MET, MET_LATE, NOT_REQUIRED, NOT_EVIDENCED)
# Statuses of an obligation still owed or with the reviewer, and of one with nothing more to do.
OPEN_CODES = (OVERDUE, DUE_TODAY, DUE_SOON, NOT_DUE, SUBMITTED)
SETTLED_CODES = (MET, MET_LATE, NOT_EVIDENCED, NOT_REQUIRED)

DUE_SOON_WORKING_DAYS = 5

# The recorded states (choices.ObligationState), as plain strings so this module stays pure.
OPEN = "open"
STATE_SUBMITTED = "submitted"
RETURNED = "returned"
STATE_MET = "met"
STATE_NOT_EVIDENCED = "not_evidenced"
STATE_NOT_REQUIRED = "not_required"
BREACHED = "breached"


@dataclass(frozen=True)
class Facts:
    """What is recorded about one obligation at the end of a day."""

    state: str
    due_on: datetime.date | None = None
    submitted_on: datetime.date | None = None
    met_on: datetime.date | None = None
    done_by: datetime.date | None = None  # not evidenced: a source shows it done by this day
    not_required_on: datetime.date | None = None
    breached_on: datetime.date | None = None


@dataclass(frozen=True)
class Status:
    """An obligation's status on a day, with the dates and counts that explain it."""

    code: str
    due_on: datetime.date | None = None
    # The day the status began: met, submitted, not required, breached, or (overdue) the due date.
    since: datetime.date | None = None
    # Working days late (met_late, overdue) or left until the due date (due_soon, due_today).
    working_days: int | None = None

    @property
    def is_open(self) -> bool:
        return self.code in OPEN_CODES

    @property
    def is_late(self) -> bool:
        return self.code in (OVERDUE, MET_LATE)


def due_soon_until(today: datetime.date, *, non_working: Collection[datetime.date]) -> datetime.date:
    """Return the last day counted as due soon: the 5th working day after `today`."""
    return deadlines.add_working_days(today, DUE_SOON_WORKING_DAYS, non_working=non_working)


def derive(facts: Facts, *, today: datetime.date, non_working: Collection[datetime.date]) -> Status:
    """Return the status of an obligation with these `facts` at the end of `today`."""
    due_on = facts.due_on
    if facts.state == STATE_NOT_REQUIRED:
        return Status(NOT_REQUIRED, due_on, since=facts.not_required_on)
    if facts.state == STATE_MET:
        met_on = facts.met_on
        if due_on is None or met_on <= due_on:
            return Status(MET, due_on, since=met_on)
        late = deadlines.working_days_late(due_on, met_on, non_working=non_working)
        return Status(MET_LATE, due_on, since=met_on, working_days=late)
    if facts.state == STATE_NOT_EVIDENCED and _not_evidenced_by(facts, today):
        return Status(NOT_EVIDENCED, due_on, since=facts.done_by)
    if facts.state == BREACHED:
        late = deadlines.working_days_late(facts.breached_on, today, non_working=non_working)
        return Status(OVERDUE, due_on, since=facts.breached_on, working_days=late)
    if facts.state == STATE_SUBMITTED:
        return Status(SUBMITTED, due_on, since=facts.submitted_on)
    return _owed(due_on, today=today, non_working=non_working)


def _not_evidenced_by(facts: Facts, today: datetime.date) -> bool:
    """Return True once a duty done on an unknown date counts as done: never shown as overdue."""
    if facts.done_by is None and facts.due_on is None:
        return True
    known = facts.done_by is not None and today >= facts.done_by
    return known or (facts.due_on is not None and today >= facts.due_on)


def _owed(
    due_on: datetime.date | None, *, today: datetime.date, non_working: Collection[datetime.date]
) -> Status:
    if due_on is None:
        return Status(NOT_DUE)
    if today > due_on:
        late = deadlines.working_days_late(due_on, today, non_working=non_working)
        return Status(OVERDUE, due_on, since=due_on, working_days=late)
    if today == due_on:
        return Status(DUE_TODAY, due_on, working_days=0)
    if due_on <= due_soon_until(today, non_working=non_working):
        left = deadlines.working_days_between(today, due_on, non_working=non_working)
        return Status(DUE_SOON, due_on, working_days=left)
    return Status(NOT_DUE, due_on)


# Several obligations answering one requirement (the monthly Board reports for (c)) ---------------

# The order in which a series shows its most pressing member.
# The order of urgency of what is open: what to act on first, wherever that is asked.
URGENCY = (OVERDUE, DUE_TODAY, DUE_SOON, SUBMITTED, NOT_DUE)


def series(statuses: Iterable[Status]) -> Status:
    """Return the status of a requirement answered by several obligations, from theirs.

    While any is open, the most pressing one (overdue first, then due today, due soon, submitted,
    not due; the earliest due among equals). Once all are settled: not required if none was
    required, otherwise met late if any required one was late (with the most working days
    late), else not evidenced if any was done on an unknown date, else met on the last date.
    """
    statuses = list(statuses)
    if not statuses:
        return Status(NOT_DUE)
    for code in URGENCY:
        found = [s for s in statuses if s.code == code]
        if found:
            return min(found, key=lambda s: (s.due_on is None, s.due_on or datetime.date.min))
    required = [s for s in statuses if s.code != NOT_REQUIRED]
    if not required:
        return max(statuses, key=lambda s: s.since or datetime.date.min)
    late = [s for s in required if s.code == MET_LATE]
    if late:
        return max(late, key=lambda s: (s.working_days, s.since))
    unknown = [s for s in required if s.code == NOT_EVIDENCED]
    if unknown:
        return unknown[0]
    return max(required, key=lambda s: s.since or datetime.date.min)
