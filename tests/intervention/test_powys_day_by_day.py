"""The Powys 2017 demo, told day by day: the case as it stood equals the live status on every day.

The demo's events are replayed in the order of the days they belong to. At the end of each day
from 17 October 2017 to today, the live pages' statuses (obligations.selectors.with_status, on
the record as it stood that day) are kept; once everything is recorded, the case as it stood on
each of those days is rebuilt from the history (asat.obligations_as_at, and the case page's
case_as_at) and must say exactly the same. Nothing is ever overdue, and the one thing done late
is the 90-day report on the follow-up notice (given on 15 January 2018, reported on 16 April).
Then `manage.py obligations` gives what the sources support for 15 November 2017, 16 January
and 8 February 2018 and today, and refuses bad input on one line.
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import Organisation, User
from intervention import asat, selectors
from intervention.calendars import WorkingCalendar
from intervention.choices import CaseState, NoticeKind, ObligationKind
from intervention.demo import powys_2017
from intervention.models import InterventionCase, Obligation
from intervention.obligations import selectors as obligation_selectors

pytestmark = pytest.mark.django_db

FIRST_DAY = datetime.date(2017, 10, 17)
ONE_DAY = datetime.timedelta(days=1)
HEADER = "council,notice,obligation,owed_by,due,status,met_on,days_late"


def statuses(obligations, day, calendar):
    """What a page says of each obligation on `day`: its code, due date, since when, working days."""
    return {
        o.pk: (o.status.code, o.status.due_on, o.status.since, o.status.working_days)
        for o in obligation_selectors.with_status(obligations, today=day, calendar=calendar)
    }


@pytest.fixture
def replayed():
    """Replay the demo day by day; return the live statuses at the end of every day to today."""
    for fixture in ("organisations", "grounds", "statutory_functions"):
        call_command("loaddata", fixture, verbosity=0)
    people = powys_2017.ensure_users()
    state = {"people": people, "powys": Organisation.objects.get(code="powys")}
    steps = powys_2017.steps()
    live = {}
    day, today = FIRST_DAY, timezone.localdate()
    while steps and steps[0].on < day:
        steps.pop(0).record(state)
    obligations = []
    calendar = WorkingCalendar()  # one per page, as on a live page; here one for every day
    while day <= today:
        if steps and steps[0].on == day:
            while steps and steps[0].on == day:
                steps.pop(0).record(state)
            obligations = list(Obligation.objects.all())
        live[day] = statuses(obligations, day, calendar)
        day += ONE_DAY
    assert not steps, "every event of the demo is replayed"
    return live


# Days the case page is also rebuilt for: given, the laying due, the plan sent, its due date
# passed, the Minister's update, the 90-day report and the follow-up notice, the revised plan,
# the follow-up's 90-day report, the plan review after the 2019 report and its due date, the
# end of enhanced monitoring, and today.
PAGE_DAYS = [
    datetime.date(2017, 10, 17),
    datetime.date(2017, 11, 7),
    datetime.date(2017, 11, 13),
    datetime.date(2017, 11, 15),
    datetime.date(2017, 11, 21),
    datetime.date(2018, 1, 15),
    datetime.date(2018, 1, 23),
    datetime.date(2018, 4, 15),
    datetime.date(2018, 4, 16),
    datetime.date(2019, 1, 9),
    datetime.date(2019, 2, 7),
    datetime.date(2020, 11, 1),
    datetime.date(2020, 11, 2),
    timezone.localdate(),
]


def test_the_case_as_it_stood_equals_the_live_status_on_every_day(replayed):
    obligations = list(Obligation.objects.select_related("requirement", "board_report", "notice"))
    differences = {}
    for day, live in replayed.items():
        rebuilt = {
            item.obligation.pk: (
                item.status.code,
                item.status.due_on,
                item.status.since,
                item.status.working_days,
            )
            for item in asat.obligations_as_at(obligations, day)
        }
        if rebuilt != live:
            differences[day] = (live, rebuilt)
    official = User.objects.get(username="wg-official")
    case = InterventionCase.objects.get(council__code="powys")
    for day in PAGE_DAYS:
        page = asat.case_as_at(case, day, user=official, notices=selectors.notices_for_user(official))
        on_the_page = {
            item.obligation.pk: (
                item.status.code,
                item.status.due_on,
                item.status.since,
                item.status.working_days,
            )
            for row in page.notices
            for item in row.obligations
        }
        if on_the_page != replayed[day]:
            differences[("page", day)] = (replayed[day], on_the_page)
    ever = {
        code: sorted({day for day, codes in replayed.items() if any(s[0] == code for s in codes.values())})
        for code in ("overdue", "met_late")
    }

    assert len(replayed) > 3000  # 17 October 2017 to today
    assert not differences, next(iter(differences.items()))
    assert ever["overdue"] == []  # nothing in the record shows anything overdue, on any day
    # Met late: only the follow-up notice's 90-day report, from the day it was made.
    assert ever["met_late"][0] == datetime.date(2018, 4, 16)
    late = {pk for codes in replayed.values() for pk, s in codes.items() if s[0] == "met_late"}
    assert [(o.kind, o.notice.kind) for o in Obligation.objects.filter(pk__in=late)] == [
        (ObligationKind.LEGISLATURE_REPORT, NoticeKind.FOLLOW_UP)
    ]
    assert case.state == CaseState.CLOSED and case.closed_on == datetime.date(2020, 11, 2)


# The obligations command on the demo ----------------------------------------------------------------


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)


def report(*args: str) -> list[dict[str, str]]:
    out = io.StringIO()
    call_command("obligations", *args, "--format", "csv", stdout=out)
    text = out.getvalue()
    assert text.splitlines()[0] == HEADER
    return list(csv.DictReader(io.StringIO(text)))


def by_obligation(rows: list[dict[str, str]]) -> dict[tuple[str, str], tuple[str, ...]]:
    return {
        (row["notice"], row["obligation"]): (
            row["owed_by"],
            row["due"],
            row["status"],
            row["met_on"],
            row["days_late"],
        )
        for row in rows
    }


ORIGINAL = "Warning notice issued following the inspection of children's services, Powys County Council"
FOLLOW_UP = "Follow-Up Warning Notice to Powys County Council: children's social services"
LAYING = "Lay a copy of the notice before the National Assembly for Wales (s151(3)(a))"
REPORT = "Report to the National Assembly for Wales on the council's action (s151(3)(b))"


def test_obligations_on_15_november_2017(demo):
    rows = report("--as-at", "2017-11-15")

    assert {row["council"] for row in rows} == {"Powys County Council"}
    assert by_obligation(rows) == {
        (ORIGINAL, "Requirement (a)"): ("council", "", "not_due", "", ""),
        (ORIGINAL, "Requirement (b)"): ("council", "", "not_due", "", ""),
        (ORIGINAL, "Monthly Improvement Board reports: no schedule set (requirement (c))"): (
            "council",
            "",
            "not_due",
            "",
            "",
        ),
        (ORIGINAL, "Improvement plan (requirement (d))"): ("council", "2017-11-14", "met", "2017-11-13", ""),
        (ORIGINAL, "Agreement of the improvement plan with the Improvement Board (requirement (e))"): (
            "council",
            "",
            "not_due",
            "",
            "",
        ),
        (ORIGINAL, "Requirement (f)"): ("council", "", "not_due", "", ""),
        (ORIGINAL, "Requirement (g)"): ("council", "", "not_due", "", ""),
        (ORIGINAL, LAYING): ("ministers", "2017-11-07", "not_evidenced", "", ""),
        (ORIGINAL, REPORT): ("ministers", "2018-01-15", "not_due", "", ""),
    }


def test_obligations_on_16_january_2018(demo):
    rows = by_obligation(report("--as-at", "2018-01-16"))

    assert rows[(ORIGINAL, "Requirement (a)")][2] == rows[(ORIGINAL, "Requirement (b)")][2] == "not_evidenced"
    agreement = "Agreement of the improvement plan with the Improvement Board (requirement (e))"
    assert rows[(ORIGINAL, agreement)][2] == "not_evidenced"  # known done by 15 January 2018
    assert rows[(ORIGINAL, "Improvement plan (requirement (d))")] == (
        "council",
        "2017-11-14",
        "met",
        "2017-11-13",
        "",
    )
    assert rows[(ORIGINAL, REPORT)] == ("ministers", "2018-01-15", "met", "2018-01-15", "")
    # The follow-up notice given the day before: a revised plan by 7 February 2018.
    assert rows[(FOLLOW_UP, "Improvement plan (requirement (a))")] == (
        "council",
        "2018-02-07",
        "not_due",
        "",
        "",
    )
    # Laid on a day no source gives: nothing is claimed before its due date, never overdue after.
    assert rows[(FOLLOW_UP, LAYING)] == ("ministers", "2018-02-05", "not_due", "", "")
    assert rows[(FOLLOW_UP, REPORT)] == ("ministers", "2018-04-15", "not_due", "", "")
    assert not any(status == "overdue" for _owner, _due, status, _met, _late in rows.values())


def test_obligations_on_8_february_2018_show_the_revised_plan_met_on_23_january(demo):
    rows = by_obligation(report("--as-at", "2018-02-08"))

    assert rows[(FOLLOW_UP, "Improvement plan (requirement (a))")] == (
        "council",
        "2018-02-07",
        "met",
        "2018-01-23",
        "",
    )
    assert rows[(FOLLOW_UP, "Requirement (b)")] == ("council", "", "not_due", "", "")
    assert rows[(FOLLOW_UP, LAYING)] == ("ministers", "2018-02-05", "not_evidenced", "", "")
    assert not any(status == "overdue" for _owner, _due, status, _met, _late in rows.values())

    out = io.StringIO()
    call_command("obligations", "--as-at", "2018-02-08", stdout=out)
    plan = [line for line in out.getvalue().splitlines() if "Improvement plan (requirement (a))" in line]
    assert len(plan) == 1 and "2018-01-23" in plan[0] and " met " in plan[0]


def test_obligations_today_nothing_is_owed_or_overdue(demo):
    rows = report()

    assert {row["status"] for row in rows} == {"met", "met_late", "not_evidenced", "not_required"}
    assert [row for row in rows if row["status"] == "met_late"] == [
        {
            "council": "Powys County Council",
            "notice": FOLLOW_UP,
            "obligation": REPORT,
            "owed_by": "ministers",
            "due": "2018-04-15",
            "status": "met_late",
            "met_on": "2018-04-16",
            "days_late": "1",
        }
    ]


def test_obligations_before_any_notice_was_given_lists_nothing(demo):
    assert report("--as-at", "2017-10-16") == []


def test_obligations_for_one_council(demo):
    assert len(report("--as-at", "2017-11-15", "--council", "powys")) == 9
    assert len(report("--as-at", "2018-01-16", "--council", "POWYS COUNTY COUNCIL")) == 14
    assert report("--as-at", "2018-01-16", "--council", "Cardiff Council") == []


def test_obligations_as_a_table(demo):
    out = io.StringIO()
    call_command("obligations", "--as-at", "2017-11-15", stdout=out)
    lines = out.getvalue().splitlines()

    assert lines[0].split() == HEADER.split(",")
    assert len(lines) == 10
    assert any("Improvement plan (requirement (d))" in line and "met" in line for line in lines)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--as-at", "15/11/2017"], "'15/11/2017' is not a real date. Give --as-at as YYYY-MM-DD"),
        (["--as-at", "2017-02-30"], "'2017-02-30' is not a real date."),
        (["--as-at", "2999-01-01"], "--as-at cannot be in the future"),
        (["--council", "Atlantis"], "'Atlantis' is not a council the tracker knows."),
        (["--format", "xml"], "'xml' is not a format. Give --format table or --format csv."),
    ],
)
def test_obligations_bad_input_is_one_line(args, message, demo):
    with pytest.raises(CommandError) as raised:
        call_command("obligations", *args)

    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)
