"""The SQL filter for a status selects exactly the obligations `derive` gives that status.

Dashboards count and page obligations in the database (`status_q`); every other place derives the
status in Python (`derive`). If the two ever disagreed, a page would list an obligation under one
status and show it with another. Every combination of recorded facts, on every day around a due
date, must land in the same one status both ways.
"""

from __future__ import annotations

import datetime
import itertools

import pytest

from intervention import calendars
from intervention.choices import DeadlineUnit, NoDateReason, ObligationKind, ObligationState, Owner
from intervention.models import Obligation
from intervention.obligations import status as rules
from intervention.obligations.selectors import status_q

pytestmark = pytest.mark.django_db

DUE = datetime.date(2017, 11, 14)  # a Tuesday
EARLY, LATE = datetime.date(2017, 11, 10), datetime.date(2017, 11, 20)
# From before the due-soon window opens to after the due date, over a weekend.
DAYS = [DUE + datetime.timedelta(days=n) for n in range(-10, 8)]

FACTS = [
    *(
        {"state": state, "due_on": due}
        for state in (ObligationState.OPEN, ObligationState.RETURNED)
        for due in (None, DUE)
    ),
    {"state": ObligationState.SUBMITTED, "due_on": DUE, "submitted_on": EARLY},
    *(
        {"state": ObligationState.MET, "due_on": due, "met_on": met}
        for due, met in itertools.product((None, DUE), (EARLY, DUE, LATE))
    ),
    *(
        {"state": ObligationState.NOT_EVIDENCED, "due_on": due, "done_by": done_by, "source": "A statement"}
        for due, done_by in itertools.product((None, DUE), (None, EARLY, LATE))
    ),
    {"state": ObligationState.NOT_REQUIRED, "due_on": DUE, "not_required_on": EARLY},
    {"state": ObligationState.BREACHED, "due_on": None, "breached_on": EARLY},
]


@pytest.fixture
def recorded(issued_notice):
    """One Board-report obligation of the council for each combination of facts."""
    rows = []
    for facts in FACTS:
        dated = facts["due_on"] is not None
        rows.append(
            Obligation(
                notice=issued_notice,
                kind=ObligationKind.BOARD_REPORT,
                owner=Owner.COUNCIL,
                opened_on=datetime.date(2017, 10, 17),
                changed_on=datetime.date(2017, 10, 17),
                unit=DeadlineUnit.FIXED_DATE if dated else "",
                no_date_reason="" if dated else NoDateReason.NOT_SET,
                **facts,
            )
        )
    return Obligation.objects.bulk_create(rows)


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_each_status_filter_selects_exactly_the_obligations_with_that_status(recorded, today):
    calendar = calendars.WorkingCalendar()
    soon_until = rules.due_soon_until(today, non_working=calendar)
    ids = [o.pk for o in recorded]
    expected = {code: set() for code in rules.CODES}
    for obligation in recorded:
        expected[rules.derive(obligation.facts(), today=today, non_working=calendar).code].add(obligation.pk)

    selected = {
        code: set(
            Obligation.objects.filter(pk__in=ids)
            .filter(status_q(code, today=today, soon_until=soon_until))
            .values_list("pk", flat=True)
        )
        for code in rules.CODES
    }

    assert selected == expected
