"""The Powys 2017 demo, told day by day: the case as it stood equals the live status on every day.

The demo's events are replayed in the order of the days they belong to. At the end of each day
from 17 October 2017 to today, the live pages' statuses (obligations.selectors.with_status, on
the record as it stood that day) are kept; once everything is recorded, the case as it stood on
each of those days is rebuilt from the history (asat.obligations_as_at, and the case page's
case_as_at) and must say exactly the same. Then `manage.py obligations` gives what the sources
support for 15 November 2017 and 16 January 2018, and refuses bad input on one line.
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
from intervention.demo import powys_2017
from intervention.models import Obligation, WarningNotice
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
# passed, the Minister's update, the 90-day report, the end of enhanced monitoring.
PAGE_DAYS = [
    datetime.date(2017, 10, 17),
    datetime.date(2017, 11, 7),
    datetime.date(2017, 11, 13),
    datetime.date(2017, 11, 15),
    datetime.date(2017, 11, 21),
    datetime.date(2018, 1, 15),
    datetime.date(2020, 11, 2),
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
    notice = WarningNotice.objects.get()
    for day in PAGE_DAYS:
        page = asat.case_as_at(notice.case, day, user=official, notices=selectors.notices_for_user(official))
        (row,) = page.notices
        on_the_page = {
            item.obligation.pk: (
                item.status.code,
                item.status.due_on,
                item.status.since,
                item.status.working_days,
            )
            for item in row.obligations
        }
        if on_the_page != replayed[day]:
            differences[("page", day)] = (replayed[day], on_the_page)
    ever_overdue = [day for day, codes in replayed.items() if any(s[0] == "overdue" for s in codes.values())]

    assert len(replayed) > 3000  # 17 October 2017 to today
    assert not differences, next(iter(differences.items()))
    assert ever_overdue == []  # nothing in the record shows anything late


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


def by_obligation(rows: list[dict[str, str]]) -> dict[str, tuple[str, ...]]:
    return {
        row["obligation"]: (row["owed_by"], row["due"], row["status"], row["met_on"], row["days_late"])
        for row in rows
    }


def test_obligations_on_15_november_2017(demo):
    rows = report("--as-at", "2017-11-15")

    assert {row["council"] for row in rows} == {"Powys County Council"}
    assert by_obligation(rows) == {
        "Requirement (a)": ("council", "", "not_due", "", ""),
        "Requirement (b)": ("council", "", "not_due", "", ""),
        "Monthly Improvement Board reports: no schedule set (requirement (c))": (
            "council",
            "",
            "not_due",
            "",
            "",
        ),
        "Improvement plan (requirement (d))": ("council", "2017-11-14", "met", "2017-11-13", ""),
        "Agreement of the improvement plan with the Improvement Board (requirement (e))": (
            "council",
            "",
            "not_due",
            "",
            "",
        ),
        "Requirement (f)": ("council", "", "not_due", "", ""),
        "Requirement (g)": ("council", "", "not_due", "", ""),
        "Lay a copy of the notice before the National Assembly for Wales (s151(3)(a))": (
            "ministers",
            "2017-11-07",
            "not_evidenced",
            "",
            "",
        ),
        "Report to the National Assembly for Wales on the council's action (s151(3)(b))": (
            "ministers",
            "2018-01-15",
            "not_due",
            "",
            "",
        ),
    }


def test_obligations_on_16_january_2018(demo):
    rows = by_obligation(report("--as-at", "2018-01-16"))

    assert rows["Requirement (a)"][2] == rows["Requirement (b)"][2] == "not_evidenced"
    assert rows["Improvement plan (requirement (d))"] == ("council", "2017-11-14", "met", "2017-11-13", "")
    assert rows["Report to the National Assembly for Wales on the council's action (s151(3)(b))"] == (
        "ministers",
        "2018-01-15",
        "met",
        "2018-01-15",
        "",
    )
    assert not any(status == "overdue" for _owner, _due, status, _met, _late in rows.values())


def test_obligations_before_any_notice_was_given_lists_nothing(demo):
    assert report("--as-at", "2017-10-16") == []


def test_obligations_for_one_council(demo):
    assert len(report("--as-at", "2018-01-16", "--council", "powys")) == 9
    assert len(report("--as-at", "2018-01-16", "--council", "POWYS COUNTY COUNCIL")) == 9
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
