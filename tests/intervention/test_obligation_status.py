"""The one status of an obligation, derived from what is recorded and the day: pure, no database.

Every page, email, feed and export shows what obligations/status.py derives, so each rule and each
boundary is pinned here: due today is not overdue; the 5th working day ahead is due soon and the
6th is not; one working day late; late is never met; a date not on record is never overdue.
"""

import datetime

import pytest

from intervention.obligations import status as rules
from intervention.obligations.status import Facts, Status, derive, series

date = datetime.date

# Bank holidays around Christmas 2017 (Mon 25 and Tue 26 Dec; Mon 1 Jan 2018), and 13 Nov 2017 as
# an extra non-working day where a test asks for one.
CHRISTMAS = frozenset({date(2017, 12, 25), date(2017, 12, 26), date(2018, 1, 1)})
NONE = frozenset()

TUE_14_NOV = date(2017, 11, 14)  # the Powys improvement plan's due date


def status(today, *, non_working=NONE, **facts):
    facts.setdefault("state", rules.OPEN)
    return derive(Facts(**facts), today=today, non_working=non_working)


# Owed: not due, due soon, due today, overdue -------------------------------------------------------


@pytest.mark.parametrize(
    "today, code, working_days",
    [
        pytest.param(date(2017, 11, 6), rules.NOT_DUE, None, id="6th-working-day-ahead-is-not-due-soon"),
        pytest.param(date(2017, 11, 7), rules.DUE_SOON, 5, id="5th-working-day-ahead-is-due-soon"),
        pytest.param(date(2017, 11, 10), rules.DUE_SOON, 2, id="friday-two-working-days-ahead"),
        pytest.param(date(2017, 11, 11), rules.DUE_SOON, 2, id="saturday-counts-from-monday"),
        pytest.param(date(2017, 11, 13), rules.DUE_SOON, 1, id="the-day-before"),
        pytest.param(TUE_14_NOV, rules.DUE_TODAY, 0, id="due-today-is-not-overdue"),
        pytest.param(date(2017, 11, 15), rules.OVERDUE, 1, id="one-working-day-late"),
        pytest.param(date(2017, 11, 17), rules.OVERDUE, 3, id="three-working-days-late"),
        pytest.param(date(2017, 11, 18), rules.OVERDUE, 4, id="a-saturday-counts-as-the-next-working-day"),
        pytest.param(date(2017, 11, 21), rules.OVERDUE, 5, id="a-week-late"),
    ],
)
def test_an_obligation_owed_by_a_date(today, code, working_days):
    found = status(today, due_on=TUE_14_NOV)

    assert (found.code, found.working_days, found.due_on) == (code, working_days, TUE_14_NOV)


def test_overdue_says_since_when():
    assert status(date(2017, 11, 20), due_on=TUE_14_NOV).since == TUE_14_NOV


@pytest.mark.parametrize("state", [rules.OPEN, rules.RETURNED])
def test_returned_evidence_is_owed_again_like_open(state):
    assert status(date(2017, 11, 15), state=state, due_on=TUE_14_NOV).code == rules.OVERDUE


def test_due_soon_counts_working_days_over_christmas():
    # Fri 22 Dec 2017: Wed 27, Thu 28, Fri 29 Dec, Tue 2 and Wed 3 Jan are the next 5 working days
    # (25 and 26 Dec and 1 Jan are bank holidays); without them, the 5th is Fri 29 Dec.
    friday = date(2017, 12, 22)

    assert status(friday, due_on=date(2018, 1, 3), non_working=CHRISTMAS).code == rules.DUE_SOON
    assert status(friday, due_on=date(2018, 1, 4), non_working=CHRISTMAS).code == rules.NOT_DUE
    assert status(friday, due_on=date(2018, 1, 3), non_working=NONE).code == rules.NOT_DUE


def test_working_days_late_skip_holidays():
    # Due Fri 22 Dec 2017; on Wed 27 Dec only Wed 27 counts (Mon 25 and Tue 26 are holidays).
    found = status(date(2017, 12, 27), due_on=date(2017, 12, 22), non_working=CHRISTMAS)

    assert (found.code, found.working_days) == (rules.OVERDUE, 1)


def test_with_no_date_an_obligation_is_not_due():
    found = status(date(2030, 1, 1), due_on=None)

    assert (found.code, found.due_on, found.working_days) == (rules.NOT_DUE, None, None)


def test_a_date_far_ahead_is_not_due_and_counts_nothing():
    found = status(date(2017, 10, 17), due_on=date(2019, 1, 1))

    assert (found.code, found.working_days) == (rules.NOT_DUE, None)


# Met and met late -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "met_on, code, working_days",
    [
        pytest.param(date(2017, 11, 13), rules.MET, None, id="working-day-19-of-20"),
        pytest.param(TUE_14_NOV, rules.MET, None, id="on-the-due-date"),
        pytest.param(date(2017, 11, 15), rules.MET_LATE, 1, id="one-working-day-late"),
        pytest.param(date(2017, 11, 18), rules.MET_LATE, 4, id="on-a-saturday-as-if-the-monday"),
        pytest.param(date(2017, 12, 8), rules.MET_LATE, 18, id="powys-late-plan-example"),
    ],
)
def test_met_on_time_or_late(met_on, code, working_days):
    found = status(date(2018, 1, 1), state=rules.STATE_MET, due_on=TUE_14_NOV, met_on=met_on)

    assert (found.code, found.since, found.working_days) == (code, met_on, working_days)


def test_met_with_no_due_date_is_met():
    found = status(date(2018, 1, 1), state=rules.STATE_MET, met_on=date(2017, 12, 5))

    assert (found.code, found.since) == (rules.MET, date(2017, 12, 5))


def test_met_does_not_depend_on_the_day_it_is_looked_at():
    facts = {"state": rules.STATE_MET, "due_on": TUE_14_NOV, "met_on": date(2017, 11, 13)}

    assert {status(day, **facts).code for day in (date(2017, 11, 13), date(2030, 1, 1))} == {rules.MET}


# Submitted, not required, breached --------------------------------------------------------------


def test_submitted_is_with_the_reviewer_even_after_the_due_date():
    found = status(
        date(2017, 12, 1), state=rules.STATE_SUBMITTED, due_on=TUE_14_NOV, submitted_on=date(2017, 11, 20)
    )

    assert (found.code, found.since) == (rules.SUBMITTED, date(2017, 11, 20))


def test_not_required_whatever_the_date():
    found = status(
        date(2018, 1, 1), state=rules.STATE_NOT_REQUIRED, due_on=TUE_14_NOV, not_required_on=date(2017, 11, 1)
    )

    assert (found.code, found.since, found.due_on) == (rules.NOT_REQUIRED, date(2017, 11, 1), TUE_14_NOV)


def test_a_breached_condition_is_overdue_from_the_breach():
    found = status(date(2017, 11, 22), state=rules.BREACHED, breached_on=date(2017, 11, 20))

    assert (found.code, found.since, found.working_days) == (rules.OVERDUE, date(2017, 11, 20), 2)


# Done, the date not evidenced --------------------------------------------------------------------

LAYING_DUE = date(2017, 11, 7)


@pytest.mark.parametrize(
    "today, code",
    [
        pytest.param(date(2017, 10, 20), rules.NOT_DUE, id="before-the-due-date-nothing-is-claimed"),
        pytest.param(date(2017, 11, 1), rules.DUE_SOON, id="due-soon-as-any-unmet-duty"),
        pytest.param(LAYING_DUE, rules.NOT_EVIDENCED, id="from-the-due-date-never-due-today"),
        pytest.param(date(2017, 11, 15), rules.NOT_EVIDENCED, id="never-overdue"),
        pytest.param(date(2026, 11, 30), rules.NOT_EVIDENCED, id="known-done-by-the-day-it-was-recorded"),
    ],
)
def test_done_on_a_date_not_on_record_is_never_overdue(today, code):
    found = status(today, state=rules.STATE_NOT_EVIDENCED, due_on=LAYING_DUE, done_by=date(2026, 11, 30))

    assert found.code == code


@pytest.mark.parametrize(
    "today, code",
    [
        pytest.param(date(2017, 11, 20), rules.NOT_DUE, id="before-the-day-it-is-known-done-by"),
        pytest.param(date(2017, 11, 21), rules.NOT_EVIDENCED, id="on-that-day"),
        pytest.param(date(2018, 1, 16), rules.NOT_EVIDENCED, id="after-it"),
    ],
)
def test_known_done_by_a_day_with_no_due_date(today, code):
    found = status(today, state=rules.STATE_NOT_EVIDENCED, done_by=date(2017, 11, 21))

    assert found.code == code
    assert found.code != rules.MET


def test_not_evidenced_shows_the_day_it_is_known_done_by():
    found = status(date(2018, 1, 1), state=rules.STATE_NOT_EVIDENCED, done_by=date(2017, 11, 21))

    assert found.since == date(2017, 11, 21)


def test_not_evidenced_known_done_before_its_due_date_is_done_from_then():
    found = status(
        date(2017, 11, 2), state=rules.STATE_NOT_EVIDENCED, due_on=LAYING_DUE, done_by=date(2017, 11, 1)
    )

    assert found.code == rules.NOT_EVIDENCED


def test_not_evidenced_with_neither_date_counts_as_done_throughout():
    found = status(date(2017, 11, 2), state=rules.STATE_NOT_EVIDENCED)

    assert (found.code, found.since) == (rules.NOT_EVIDENCED, None)


@pytest.mark.parametrize(
    "today, code",
    [
        pytest.param(date(2017, 11, 6), rules.DUE_SOON, id="before-the-due-date-it-is-owed"),
        pytest.param(LAYING_DUE, rules.NOT_EVIDENCED, id="from-the-due-date"),
    ],
)
def test_not_evidenced_with_no_source_date_counts_from_its_due_date(today, code):
    found = status(today, state=rules.STATE_NOT_EVIDENCED, due_on=LAYING_DUE)

    assert found.code == code


# The status's own helpers -------------------------------------------------------------------------


@pytest.mark.parametrize("code", rules.OPEN_CODES)
def test_open_codes_are_open(code):
    assert Status(code).is_open


@pytest.mark.parametrize("code", rules.SETTLED_CODES)
def test_settled_codes_are_not_open(code):
    assert not Status(code).is_open


@pytest.mark.parametrize("code, late", [(rules.OVERDUE, True), (rules.MET_LATE, True), (rules.MET, False)])
def test_is_late(code, late):
    assert Status(code).is_late is late


def test_every_code_is_in_exactly_one_group():
    assert sorted(rules.OPEN_CODES + rules.SETTLED_CODES) == sorted(rules.CODES)
    assert len(set(rules.CODES)) == 9


def test_due_soon_until_is_the_fifth_working_day():
    assert rules.due_soon_until(date(2017, 11, 7), non_working=NONE) == TUE_14_NOV
    assert rules.due_soon_until(date(2017, 12, 22), non_working=CHRISTMAS) == date(2018, 1, 3)


# A requirement answered by several obligations (the monthly Board reports for (c)) -------------------


def report(code, due_on=None, since=None, working_days=None):
    return Status(code, due_on=due_on, since=since, working_days=working_days)


def test_series_with_nothing_owed_is_not_due():
    assert series([]).code == rules.NOT_DUE


def test_series_shows_the_most_pressing_open_one():
    found = series(
        [
            report(rules.MET, date(2017, 11, 30), since=date(2017, 11, 29)),
            report(rules.NOT_DUE, date(2018, 1, 31)),
            report(rules.DUE_SOON, date(2017, 12, 29)),
            report(rules.OVERDUE, date(2017, 12, 29), working_days=3),
        ]
    )

    assert found.code == rules.OVERDUE


@pytest.mark.parametrize(
    "codes, expected",
    [
        ([rules.NOT_DUE, rules.DUE_TODAY, rules.DUE_SOON], rules.DUE_TODAY),
        ([rules.NOT_DUE, rules.DUE_SOON, rules.SUBMITTED], rules.DUE_SOON),
        ([rules.NOT_DUE, rules.SUBMITTED, rules.MET], rules.SUBMITTED),
        ([rules.MET, rules.NOT_DUE], rules.NOT_DUE),
    ],
)
def test_series_urgency_order(codes, expected):
    assert series([report(code, date(2018, 1, 1)) for code in codes]).code == expected


def test_series_among_equals_shows_the_earliest_due():
    found = series([report(rules.OVERDUE, date(2017, 12, 29)), report(rules.OVERDUE, date(2017, 11, 30))])

    assert found.due_on == date(2017, 11, 30)


def test_series_puts_no_date_after_a_date():
    found = series([report(rules.NOT_DUE, None), report(rules.NOT_DUE, date(2018, 3, 30))])

    assert found.due_on == date(2018, 3, 30)


def test_series_all_met_is_met_on_the_last_date():
    found = series([report(rules.MET, since=date(2017, 11, 29)), report(rules.MET, since=date(2017, 12, 20))])

    assert (found.code, found.since) == (rules.MET, date(2017, 12, 20))


def test_series_late_once_is_met_late_with_the_worst_lateness():
    found = series(
        [
            report(rules.MET, since=date(2017, 11, 29)),
            report(rules.MET_LATE, since=date(2018, 1, 5), working_days=4),
            report(rules.MET_LATE, since=date(2018, 2, 2), working_days=2),
        ]
    )

    assert (found.code, found.working_days) == (rules.MET_LATE, 4)


def test_series_ignores_reports_no_longer_required():
    found = series(
        [report(rules.NOT_REQUIRED, since=date(2018, 3, 1)), report(rules.MET, since=date(2017, 11, 29))]
    )

    assert (found.code, found.since) == (rules.MET, date(2017, 11, 29))


def test_series_of_reports_none_required_is_not_required():
    found = series(
        [
            report(rules.NOT_REQUIRED, since=date(2018, 3, 1)),
            report(rules.NOT_REQUIRED, since=date(2018, 4, 1)),
        ]
    )

    assert (found.code, found.since) == (rules.NOT_REQUIRED, date(2018, 4, 1))


def test_series_done_on_unknown_dates_is_not_evidenced_never_met():
    found = series([report(rules.MET, since=date(2017, 11, 29)), report(rules.NOT_EVIDENCED)])

    assert found.code == rules.NOT_EVIDENCED


@pytest.mark.parametrize(
    "facts",
    [
        pytest.param({"state": rules.STATE_MET, "met_on": date(2017, 11, 13)}, id="met"),
        pytest.param({"state": rules.STATE_MET, "met_on": date(2017, 11, 20)}, id="met-late"),
        pytest.param({"state": rules.STATE_SUBMITTED, "submitted_on": date(2017, 11, 13)}, id="submitted"),
        pytest.param({"state": rules.STATE_NOT_EVIDENCED, "done_by": date(2017, 11, 13)}, id="not-evidenced"),
        pytest.param(
            {"state": rules.STATE_NOT_REQUIRED, "not_required_on": date(2017, 11, 13)}, id="not-required"
        ),
        pytest.param({"state": rules.BREACHED, "breached_on": date(2017, 11, 13)}, id="breached"),
        pytest.param({"state": rules.OPEN}, id="overdue"),
    ],
)
def test_every_status_keeps_the_due_date_it_is_measured_against(facts):
    assert status(date(2017, 12, 1), due_on=TUE_14_NOV, **facts).due_on == TUE_14_NOV
