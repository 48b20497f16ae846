"""The case on one page: where it stands (what is overdue, what is next and who acts), its notices,
what is owed under each, plans, Board reports, escalations, inspections and the timeline in the
order things happened; the chronology CSV in that order; the list of cases; and the ways in."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import User
from intervention import services
from intervention.calendars import WorkingCalendar
from intervention.choices import CaseState, NoticeState, ObligationKind
from intervention.history_labels import ACTION_LABELS
from intervention.models import Escalation, ImprovementPlan, InterventionCase, Obligation, WarningNotice
from intervention.obligations import status
from tests.conftest import GIVEN_ON

from .factories import add_owed

pytestmark = pytest.mark.django_db

NOV_7 = datetime.date(2017, 11, 7)
NOV_13 = datetime.date(2017, 11, 13)


def case_url(case):
    return reverse("intervention:case_detail", args=[case.pk])


def read_csv(response):
    text = response.content.decode("utf-8")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def derived(obligation, today):
    """The status the one rule gives, worked out here from the obligation's own facts."""
    return status.derive(obligation.facts(), today=today, non_working=WorkingCalendar())


# The Powys demo, whole ----------------------------------------------------------------------------


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)
    return InterventionCase.objects.get(council__code="powys")


@pytest.mark.parametrize("username", ["wg-official", "powys-officer"])
def test_the_overview_shows_the_powys_case_whole(client, demo, username):
    client.force_login(User.objects.get(username=username))
    response = client.get(case_url(demo))
    assert response.status_code == 200
    page = response.content.decode()

    notices = WarningNotice.objects.filter(case=demo)
    assert notices.count() == 2  # the notice of 17 October 2017 and the follow-up of 15 January 2018
    for notice in notices:
        assert reverse("intervention:notice_detail", args=[notice.pk]) in page
        assert escape(notice.title) in page
    owed = Obligation.objects.filter(notice__case=demo).select_related(
        "requirement", "board_report", "notice"
    )
    assert owed.count() == 15
    for obligation in owed:
        assert escape(obligation.label) in page, obligation.label
    for plan in ImprovementPlan.objects.filter(notice__case=demo):
        assert escape(" ".join(plan.summary.split()[:8])) in page
    board_reports = [o for o in owed if o.kind == ObligationKind.BOARD_REPORT]
    assert board_reports and all(escape(o.label) in page for o in board_reports)
    # The serious concerns of the reports it rests on, and of the follow-up inspection.
    escalations = Escalation.objects.filter(council=demo.council)
    assert escalations.count() == 6
    for escalation in escalations:
        assert reverse("intervention:escalation_detail", args=[escalation.pk]) in page
    assert demo.inspections.count() == 4
    for inspection in demo.inspections.all():
        assert reverse("inspections:detail", args=[inspection.pk]) in page
    for board in demo.boards.all():
        assert escape(board.name) in page
    for statement in demo.statements.all():
        assert escape(statement.title) in page
    assert escape(demo.closure_decision) in page
    # Closed: nothing is overdue and nothing is owed, as the one rule says of every obligation.
    today = timezone.localdate()
    assert not any(derived(o, today).is_open for o in owed)
    assert "Nothing on this case is overdue." in page
    assert "Nothing is owed on this case now." in page


def test_the_powys_timeline_is_in_the_order_things_happened(client, demo):
    client.force_login(User.objects.get(username="wg-official"))
    entries = client.get(case_url(demo)).context["overview"].arc.entries
    dated = [e.on for e in entries if e.on is not None]
    assert dated == sorted(dated)
    assert all(e.on is not None for e in entries[: len(dated)])  # the undated come last
    first_notice, follow_up = WarningNotice.objects.filter(case=demo).order_by("given_on")

    def when(text):
        return next(i for i, e in enumerate(entries) if e.text.startswith(text))

    given = when(f"{first_notice.get_kind_display()} given: {first_notice.title}")
    plan = when(f"Improvement plan submitted under {first_notice.title}")
    followed = when(f"{follow_up.get_kind_display()} given: {follow_up.title}")
    closed = when("Case closed by the Welsh Ministers")
    assert given < plan < followed < closed
    assert (entries[given].on, entries[plan].on, entries[closed].on) == (
        GIVEN_ON,
        NOV_13,
        datetime.date(2020, 11, 2),
    )


def test_the_powys_chronology_csv_is_in_the_order_things_happened(client, demo):
    client.force_login(User.objects.get(username="powys-officer"))
    rows = read_csv(client.get(reverse("intervention:case_chronology", args=[demo.pk])))
    keys = [(r["Date of event"], r["Recorded at"]) for r in rows]
    assert keys == sorted(keys)  # by the day it happened; on one day, in the order recorded
    transitions = [r for r in rows if r["Kind of event"] == "Transition"]
    whats = [(r["Date of event"], r["What"]) for r in transitions]
    assert whats[0] == ("2017-10-17", "Issue notice")
    assert ("2020-11-02", "Close case") in whats
    # Everything done on a known day comes before what is dated only by when it was recorded.
    known = [i for i, r in enumerate(rows) if r["Date of event is"] == "the date it happened"]
    assert rows[known[-1]]["Date of event"] <= "2020-11-02"
    # What is owed was opened on the day each notice was given, and says it is dated so.
    opened = [r for r in rows if r["What"] == str(ACTION_LABELS["opened"])]
    assert {r["Date of event is"] for r in opened} == {"the date it happened"}
    assert {"2017-10-17", "2018-01-15"} <= {r["Date of event"] for r in opened}


# The timeline and the CSV follow the dates things happened, not when they were recorded ----------


def test_a_fact_recorded_late_takes_its_place_by_the_day_it_happened(
    client, issued_notice, official, powys_officer
):
    services.plan_submit(plan=issued_notice.improvement_plan, by=powys_officer, on=NOV_13, summary="The plan")
    # Recorded after the plan, but the laying happened first.
    services.notice_record_laying(notice=issued_notice, by=official, on=NOV_7, reference="NDM 6512")
    services.event_record(
        case=issued_notice.case,
        by=official,
        description="The inspection's findings were shared with the council",
        source="Letter",
        happened_on=datetime.date(2017, 10, 2),
        precision="day",
    )
    client.force_login(official)

    entries = client.get(case_url(issued_notice.case)).context["overview"].arc.entries
    texts = [e.text for e in entries]
    shared = texts.index("The inspection's findings were shared with the council")
    given = texts.index(f"{issued_notice.get_kind_display()} given: {issued_notice.title}")
    laid = next(i for i, t in enumerate(texts) if t.startswith("Lay a copy of the notice"))
    plan = next(i for i, t in enumerate(texts) if t.startswith("Improvement plan submitted"))
    assert shared < given < laid < plan

    rows = read_csv(client.get(reverse("intervention:case_chronology", args=[issued_notice.case_id])))
    moves = [r for r in rows if r["Kind of event"] == "Transition"]
    assert [(r["Date of event"], r["What"]) for r in moves] == [
        ("2017-10-17", "Issue notice"),
        ("2017-11-07", "Record as done"),  # the laying, recorded last
        ("2017-11-13", "Record as done"),  # the plan
    ]
    assert [r["Object"] for r in moves][1:] == [
        "Obligation: Lay a copy of the notice before the National Assembly for Wales (s151(3)(a))",
        "Obligation: Improvement plan (requirement (d))",
    ]
    # The page and the file agree on the order.
    days = [e.on for e in entries if e.on in (GIVEN_ON, NOV_7, NOV_13)]
    assert days == sorted(days) and set(days) == {GIVEN_ON, NOV_7, NOV_13}
    # Drafting has no date but the day it was recorded: it comes after what happened in 2017.
    drafted = [i for i, r in enumerate(rows) if r["Date of event is"] == "the date recorded"]
    assert drafted and min(drafted) > rows.index(moves[-1])


# At a glance: what is overdue, what is next and who acts -----------------------------------------


def test_at_a_glance_shows_what_is_overdue_and_who_acts_next(client, issued_notice, official, powys_officer):
    today = timezone.localdate()
    client.force_login(powys_officer)
    overview = client.get(case_url(issued_notice.case)).context["overview"]
    owed = Obligation.objects.filter(notice=issued_notice).select_related(
        "requirement", "notice__case__council"
    )
    expected = {o.pk for o in owed if derived(o, today).code == status.OVERDUE}
    assert expected and {o.pk for o in overview.overdue} == expected
    who = {o.kind: o.who_acts for o in overview.overdue}
    assert who[ObligationKind.IMPROVEMENT_PLAN] == "Powys County Council"
    assert who[ObligationKind.LAYING] == "Welsh Government"
    # Next: the most pressing, as status.series picks it: the longest overdue (the laying, 7 November).
    [work] = overview.next_steps
    assert (work.notice, work.next.kind, work.next.who_acts) == (
        issued_notice,
        ObligationKind.LAYING,
        "Welsh Government",
    )
    page = client.get(case_url(issued_notice.case)).content.decode()
    assert f"{len(expected)} things owed on this case are overdue." in page
    assert "Who acts next: Welsh Government" in page


def test_once_sent_welsh_government_acts_next(client, issued_notice, official, powys_officer):
    requirement_f = issued_notice.requirements.get(letter="f")
    services.requirement_submit(requirement=requirement_f, by=powys_officer, statement="Done.")
    client.force_login(official)
    overview = client.get(case_url(issued_notice.case)).context["overview"]
    [sent] = [o for w in overview.work for o in w.obligations if o.requirement_id == requirement_f.pk]
    assert sent.status.code == status.SUBMITTED
    assert sent.who_acts == "Welsh Government, to decide on what was sent"
    assert sent not in overview.overdue


def test_the_council_sees_no_draft_on_the_overview(client, issued_notice, official, powys_officer):
    draft = services.notice_draft(case=issued_notice.case, by=official, title="A follow-up, still a draft")
    client.force_login(powys_officer)
    page = client.get(case_url(issued_notice.case)).content.decode()
    assert draft.title not in page
    client.force_login(official)
    assert draft.title in client.get(case_url(issued_notice.case)).content.decode()


# The list of cases, the menu and the ways in --------------------------------------------------


@pytest.fixture
def cardiff_case(cardiff, official):
    return services.case_open(
        by=official,
        council=cardiff,
        title="Cardiff adult services",
        service_area="adults",
        opened_on=GIVEN_ON,
    )


@pytest.mark.parametrize(
    "who, shown",
    [
        ("official", {"Powys children's services", "Cardiff adult services"}),
        ("inspector", {"Powys children's services", "Cardiff adult services"}),
        ("powys_officer", {"Powys children's services"}),
        ("cardiff_officer", {"Cardiff adult services"}),
    ],
)
def test_the_list_of_cases_is_scoped_like_every_list(client, people, powys_case, cardiff_case, who, shown):
    client.force_login(people[who])
    response = client.get(reverse("intervention:case_list"))
    assert {case.title for case in response.context["page_obj"]} == shown
    other = {"Powys children's services", "Cardiff adult services"} - shown
    assert not any(escape(title) in response.content.decode() for title in other)


def test_open_cases_come_first(client, official, powys_case, cardiff_case):
    InterventionCase.objects.filter(pk=powys_case.pk).update(state=CaseState.CLOSED, closed_on=GIVEN_ON)
    client.force_login(official)
    titles = [c.title for c in client.get(reverse("intervention:case_list")).context["page_obj"]]
    assert titles == ["Cardiff adult services", "Powys children's services"]


@pytest.mark.parametrize(
    "who, status_code", [("anonymous", 302), ("administrator", 403), ("cardiff_officer", 200)]
)
def test_who_may_open_the_list_of_cases(client, people, who, status_code):
    if people[who] is not None:
        client.force_login(people[who])
    assert client.get(reverse("intervention:case_list")).status_code == status_code


@pytest.mark.parametrize(
    "who, status_code", [("cardiff_officer", 404), ("administrator", 404), ("powys_officer", 200)]
)
def test_another_councils_case_is_not_found(client, people, powys_case, who, status_code):
    client.force_login(people[who])
    assert client.get(case_url(powys_case)).status_code == status_code


@pytest.mark.parametrize(
    "who, has_item", [("official", True), ("powys_officer", True), ("administrator", False)]
)
def test_the_menu_leads_casework_roles_to_the_cases(client, people, who, has_item):
    client.force_login(people[who])
    navigation = client.get(reverse("home")).context["navigation"]
    items = {item["key"]: item["url"] for item in navigation}
    assert ("cases" in items) is has_item
    if has_item:
        assert items["cases"] == reverse("intervention:case_list")


def test_every_inspection_notice_and_escalation_of_the_case_leads_to_it(
    client, issued_notice, official, powys_officer, serious_finding
):
    case = issued_notice.case
    case.inspections.add(serious_finding.inspection)
    escalation = Escalation.objects.create(
        source="serious_finding",
        council=case.council,
        case=case,
        finding=serious_finding,
        reason="A serious concern.",
        raised_on=GIVEN_ON,
    )
    client.force_login(powys_officer)
    for url in [
        reverse("inspections:detail", args=[serious_finding.inspection_id]),
        reverse("intervention:notice_detail", args=[issued_notice.pk]),
        reverse("intervention:escalation_detail", args=[escalation.pk]),
    ]:
        assert f'href="{case_url(case)}"' in client.get(url).content.decode(), url


# Query budgets ------------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [5, 500])
@pytest.mark.parametrize("who", ["official", "powys_officer"])
def test_the_overview_keeps_to_a_query_budget(
    client, people, issued_notice, rows, who, django_assert_max_num_queries
):
    add_owed(issued_notice, rows, due_on=lambda i: GIVEN_ON + datetime.timedelta(days=30 + i))
    WarningNotice.objects.bulk_create(
        WarningNotice(
            case=issued_notice.case,
            kind="original",
            title=f"Notice {i}",
            state=NoticeState.ISSUED,
            given_on=GIVEN_ON,
        )
        for i in range(rows)
    )
    client.force_login(people[who])
    with django_assert_max_num_queries(30):
        response = client.get(case_url(issued_notice.case))
    assert response.status_code == 200
    assert len(response.context["overview"].work) == rows + 1
    assert len(response.context["overview"].overdue) >= rows


@pytest.mark.parametrize("rows", [5, 500])
def test_the_list_of_cases_keeps_to_a_query_budget(
    client, official, powys, rows, django_assert_max_num_queries
):
    InterventionCase.objects.bulk_create(
        InterventionCase(council=powys, title=f"Case {i}", service_area="children", opened_on=GIVEN_ON)
        for i in range(rows)
    )
    client.force_login(official)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("intervention:case_list"))
    assert response.context["page_obj"].paginator.count == rows
