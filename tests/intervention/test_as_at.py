"""The case as it stood on a chosen day, rebuilt from the record, and the case's chronology as CSV."""

import csv
import datetime
import io
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import TransitionLog, User
from intervention import asat, selectors, services
from intervention.choices import (
    DeadlineKind,
    DeadlineUnit,
    NoticeState,
    PlanState,
    RequirementDue,
    RequirementKind,
    RequirementState,
)
from intervention.deadlines import add_months
from intervention.history_labels import ACTION_LABELS
from intervention.models import (
    BoardReport,
    Deadline,
    ImprovementPlan,
    Intervention,
    InterventionCase,
    Requirement,
    WarningNotice,
)
from tests.conftest import GIVEN_ON

pytestmark = pytest.mark.django_db

NOV_12 = datetime.date(2017, 11, 12)
NOV_13 = datetime.date(2017, 11, 13)
DEC_1 = datetime.date(2017, 12, 1)
DEC_2 = datetime.date(2017, 12, 2)


def as_at_url(case, day):
    return reverse("intervention:case_as_at", args=[case.pk]) + (
        f"?on_0={day.day}&on_1={day.month}&on_2={day.year}"
    )


def as_at(case, day, user):
    notices = selectors.notices_for_user(user).filter(case=case)
    return asat.case_as_at(case, day, user=user, notices=notices)


def read_csv(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def case_logs(case):
    """Every transition-log row of the case and the objects on it, counted independently of the code."""
    notices = WarningNotice.objects.filter(case=case)
    wanted = [
        (InterventionCase, [case.pk]),
        (WarningNotice, notices),
        (Requirement, Requirement.objects.filter(notice__in=notices)),
        (ImprovementPlan, ImprovementPlan.objects.filter(notice__in=notices)),
        (BoardReport, BoardReport.objects.filter(notice__in=notices)),
        (Intervention, Intervention.objects.filter(notice__in=notices)),
    ]
    rows = []
    for model, objects in wanted:
        ids = [getattr(o, "pk", o) for o in objects]
        rows += list(
            TransitionLog.objects.filter(
                content_type=ContentType.objects.get_for_model(model), object_id__in=ids
            )
        )
    return rows


# The Powys demo --------------------------------------------------------------------------------


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)
    return InterventionCase.objects.get(council__code="powys")


def test_powys_plan_not_submitted_as_at_12_november_2017(demo):
    official = User.objects.get(username="wg-official")
    view = as_at(demo, NOV_12, official)
    [notice] = view.notices
    assert notice.state == NoticeState.ISSUED
    assert notice.given_on == GIVEN_ON
    plan = notice.plan
    assert (plan.state, plan.submitted_on) == (PlanState.DRAFTING, None)
    assert plan.deadline.deadline.due_on == datetime.date(2017, 11, 14)
    assert (plan.deadline.met_on, plan.deadline.status) == (None, "due")
    assert (plan.working_day, plan.working_days_allowed) == (18, 20)  # 12 November is a Sunday
    assert notice.reported_on is None  # reported on 15 January 2018, not yet


def test_powys_plan_submitted_as_at_13_november_2017_on_working_day_19_of_20(demo):
    official = User.objects.get(username="wg-official")
    plan = as_at(demo, NOV_13, official).notices[0].plan
    assert (plan.state, plan.submitted_on) == (PlanState.SUBMITTED, NOV_13)
    assert (plan.working_day, plan.working_days_allowed) == (19, 20)
    assert (plan.deadline.met_on, plan.deadline.status) == (NOV_13, "met")


def test_powys_as_at_page_shows_the_plan_before_and_after_submission(client, demo):
    client.force_login(User.objects.get(username="powys-officer"))
    before = client.get(as_at_url(demo, NOV_12))
    assert before.status_code == 200
    page = before.content.decode()
    assert "The case as it stood at the end of Sunday 12 November 2017" in page
    assert "Not yet submitted" in page
    assert "working day 18 of 20 had passed" in page
    assert "Tuesday 14 November 2017" in page

    after = client.get(as_at_url(demo, NOV_13)).content.decode()
    assert "13 November 2017: working day 19 of 20" in after
    assert "Met on 13 November 2017" in after
    assert "Not yet submitted" not in after


def test_powys_case_page_links_to_the_as_at_page_and_the_chronology(client, demo):
    client.force_login(User.objects.get(username="powys-officer"))
    notice = WarningNotice.objects.get(case=demo)
    detail = client.get(reverse("intervention:notice_detail", args=[notice.pk])).content.decode()
    assert reverse("intervention:case_detail", args=[demo.pk]) in detail
    page = client.get(reverse("intervention:case_detail", args=[demo.pk])).content.decode()
    assert reverse("intervention:case_as_at", args=[demo.pk]) in page
    assert reverse("intervention:case_chronology", args=[demo.pk]) in page
    assert escape(notice.title) in page


def test_powys_chronology_lists_every_transition_of_the_case(client, demo):
    client.force_login(User.objects.get(username="powys-officer"))
    response = client.get(reverse("intervention:case_chronology", args=[demo.pk]))
    assert response["Content-Type"].startswith("text/csv")
    disposition = response["Content-Disposition"]
    assert f"case-{demo.pk}-{timezone.localdate().isoformat()}.csv" in disposition
    assert "powys-county-council-childrens-services" in disposition
    rows = read_csv(response)
    transitions = [r for r in rows if r["Kind of event"] == "Transition"]
    logs = case_logs(demo)
    assert len(logs) == 3  # issue, plan submitted, report to the Assembly
    assert len(transitions) == len(logs)
    submitted = next(r for r in transitions if r["What"] == "Submit improvement plan")
    assert submitted["Date of event"] == "2017-11-13"
    assert submitted["Who"] == "Demo Powys Officer"
    assert submitted["Organisation"] == "Powys County Council"
    assert (submitted["From"], submitted["To"]) == ("Drafting", "Submitted")
    assert submitted["Why"].startswith("Improvement plan drawn up")
    issued = next(r for r in transitions if r["What"] == "Issue notice")
    assert issued["Date of event"] == "2017-10-17" and issued["Who"] == "Demo Official"
    assert issued["Date of event is"] == "the date it happened"
    # Changes that are not transitions are there too, dated by when they were recorded.
    met = [r for r in rows if r["What"] == str(ACTION_LABELS["improvement plan submitted"])]
    assert len(met) == 1 and "Met on: — → 13 November 2017" in met[0]["Changes"]
    assert met[0]["Date of event is"] == "the date recorded"


# Rebuilt from the record, not from today's rows -----------------------------------------------


def test_a_change_today_does_not_alter_yesterday(issued_notice, official, powys_officer, requirement_a):
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    services.requirement_submit(requirement=requirement_a, by=powys_officer, statement="Appointed.")
    services.plan_submit(plan=issued_notice.improvement_plan, by=powys_officer, on=today, summary="Plan")
    case = issued_notice.case

    then = as_at(case, yesterday, official).notices[0]
    a_then = next(r for r in then.requirements if r.requirement.letter == "a")
    assert a_then.state == RequirementState.OPEN
    assert then.plan.state == PlanState.DRAFTING
    assert then.plan.deadline.status == "overdue"  # due 14 November 2017, not met by yesterday
    assert then.plan.deadline in then.overdue

    now = as_at(case, today, official).notices[0]
    a_now = next(r for r in now.requirements if r.requirement.letter == "a")
    assert (a_now.state, a_now.since) == (RequirementState.SUBMITTED, today)
    assert (now.plan.state, now.plan.submitted_on, now.plan.deadline.status) == (
        PlanState.SUBMITTED,
        today,
        "met",
    )
    assert now.plan.working_day > 20  # submitted long after the 20 working days


def test_a_plan_returned_today_was_still_submitted_and_met_before(issued_notice, official, powys_officer):
    plan = issued_notice.improvement_plan
    services.plan_submit(plan=plan, by=powys_officer, on=NOV_13, summary="Plan")
    services.plan_return(plan=ImprovementPlan.objects.get(pk=plan.pk), by=official, reason="Too thin")
    case = issued_notice.case
    assert Deadline.objects.get(pk=plan.deadline_id).met_on is None  # today's row: reopened

    before = as_at(case, datetime.date(2017, 11, 20), official).notices[0].plan
    assert (before.state, before.submitted_on) == (PlanState.SUBMITTED, NOV_13)
    assert (before.deadline.met_on, before.deadline.status) == (NOV_13, "met")

    now = as_at(case, timezone.localdate(), official).notices[0].plan
    assert (now.state, now.submitted_on, now.deadline.status) == (PlanState.DRAFTING, None, "overdue")


def test_a_requirement_accepted_today_was_awaiting_review_before(issued_notice, official, powys_officer):
    d = issued_notice.requirements.get(letter="d")  # due with the compliance period
    services.requirement_submit(requirement=d, by=powys_officer, statement="Plan drawn up.")
    services.requirement_accept(requirement=Requirement.objects.get(pk=d.pk), by=official)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    row = next(
        r
        for r in as_at(issued_notice.case, yesterday, official).notices[0].requirements
        if r.requirement.letter == "d"
    )
    assert row.state == RequirementState.OPEN
    assert row.deadline.status == "overdue"
    today_row = next(
        r
        for r in as_at(issued_notice.case, timezone.localdate(), official).notices[0].requirements
        if r.requirement.letter == "d"
    )
    assert (today_row.state, today_row.deadline.status) == (RequirementState.ACCEPTED, "met")
    assert today_row.deadline.met_on == timezone.localdate()  # the day its evidence was submitted
    # Accepting (d) did not meet the compliance deadline: that is the improvement plan's.
    plan = as_at(issued_notice.case, timezone.localdate(), official).notices[0].plan
    assert (plan.deadline.met_on, plan.deadline.status) == (None, "overdue")


def test_a_requirement_with_welsh_government_is_not_overdue(client, issued_notice, official, powys_officer):
    requirement = issued_notice.requirements.get(letter="d")  # due 14 November 2017, long past
    services.requirement_submit(requirement=requirement, by=powys_officer, statement="Plan drawn up.")
    today = timezone.localdate()

    notice = as_at(issued_notice.case, today, official).notices[0]

    row = next(r for r in notice.requirements if r.requirement.letter == "d")
    assert (row.state, row.deadline.status, row.deadline.is_overdue) == (
        RequirementState.SUBMITTED,
        "with_government",
        False,
    )
    assert row.deadline not in notice.overdue
    client.force_login(official)
    page = client.get(as_at_url(issued_notice.case, today)).content.decode()
    assert "With Welsh Government for review" in page


def test_a_requirement_with_its_own_date_with_welsh_government_is_not_overdue(
    draft_notice, official, powys_officer
):
    services.requirement_add(
        notice=draft_notice,
        by=official,
        letter="h",
        text="Appoint a head of service",
        due=RequirementDue.FIXED_DATE,
        due_on_fixed=DEC_1,
    )
    notice = services.notice_issue(notice=draft_notice, by=official, on=GIVEN_ON)
    h = notice.requirements.get(letter="h")
    services.requirement_submit(requirement=h, by=powys_officer, statement="Done")

    view = as_at(notice.case, timezone.localdate(), official).notices[0]

    row = next(r for r in view.requirements if r.requirement.letter == "h")
    assert row.deadline.status == "with_government"
    own = next(d for d in view.deadlines if d.deadline.kind == DeadlineKind.REQUIREMENT)
    assert own.status == "with_government"  # the Deadlines table says the same
    assert own not in view.overdue


def test_a_requirement_due_with_the_plan_is_overdue_though_the_plan_met_the_deadline(
    issued_notice, official, powys_officer
):
    services.plan_submit(plan=issued_notice.improvement_plan, by=powys_officer, on=NOV_13, summary="Plan")

    notice = as_at(issued_notice.case, datetime.date(2017, 11, 20), official).notices[0]

    assert (notice.plan.deadline.met_on, notice.plan.deadline.status) == (NOV_13, "met")
    d_row = next(r for r in notice.requirements if r.requirement.letter == "d")
    assert (d_row.state, d_row.deadline.met_on, d_row.deadline.status) == (
        RequirementState.OPEN,
        None,
        "overdue",
    )
    assert d_row.deadline in notice.overdue


def test_a_fixed_due_date_is_overdue_the_day_after_not_on_the_day(draft_notice, official):
    services.requirement_add(
        notice=draft_notice,
        by=official,
        letter="h",
        text="Appoint a head of service",
        kind=RequirementKind.ONE_OFF,
        due=RequirementDue.FIXED_DATE,
        due_on_fixed=DEC_1,
    )
    services.notice_issue(notice=draft_notice, by=official, on=GIVEN_ON)
    case = draft_notice.case

    def h_on(day):
        notice = as_at(case, day, official).notices[0]
        return next(r for r in notice.requirements if r.requirement.letter == "h"), notice

    on_the_day, notice = h_on(DEC_1)
    assert on_the_day.deadline.deadline.due_on == DEC_1
    assert on_the_day.deadline.status == "due"
    assert on_the_day.deadline not in notice.overdue
    day_after, notice = h_on(DEC_2)
    assert day_after.state == RequirementState.OPEN
    assert day_after.deadline.status == "overdue"
    assert day_after.deadline in notice.overdue


def test_a_plan_submitted_late_shows_the_working_day_past_the_period(
    client, issued_notice, official, powys_officer
):
    late = datetime.date(2017, 11, 16)  # Thursday: two working days after Tuesday 14 November
    services.plan_submit(plan=issued_notice.improvement_plan, by=powys_officer, on=late, summary="Plan")
    plan = as_at(issued_notice.case, late, official).notices[0].plan
    assert (plan.working_day, plan.working_days_allowed, plan.deadline.met_on) == (22, 20, late)
    day_before = as_at(issued_notice.case, late - datetime.timedelta(days=1), official).notices[0].plan
    assert (day_before.submitted_on, day_before.deadline.status) == (None, "overdue")
    client.force_login(powys_officer)
    page = client.get(as_at_url(issued_notice.case, late)).content.decode()
    assert "16 November 2017: working day 22, after the 20 allowed" in page
    page = client.get(as_at_url(issued_notice.case, late - datetime.timedelta(days=1))).content.decode()
    assert "the 20 working days had run out" in page
    assert "2 deadlines were overdue on this date." in page  # the plan, and laying (7 November)


def test_a_deadline_of_a_withdrawn_notice_is_not_overdue(issued_notice, official):
    services.notice_withdraw(notice=issued_notice, by=official, reason="Superseded")
    plan = as_at(issued_notice.case, timezone.localdate(), official).notices[0].plan
    assert plan.deadline.status == "lapsed"


def test_before_the_notice_was_given_nothing_on_it_shows(issued_notice, official, powys_officer):
    day_before = GIVEN_ON - datetime.timedelta(days=1)
    assert as_at(issued_notice.case, day_before, powys_officer).notices == []
    # Officials see drafts; this one was recorded today, so on the day before it was not there either.
    assert as_at(issued_notice.case, day_before, official).notices == []


def test_officials_see_a_draft_dated_by_when_it_was_recorded(draft_notice, official, powys_officer):
    today = timezone.localdate()
    view = as_at(draft_notice.case, today, official)
    assert [(n.state, n.given_on, n.requirements) for n in view.notices] == [(NoticeState.DRAFT, None, [])]
    assert any("draft" in note for note in view.recorded_date_notes)
    assert as_at(draft_notice.case, today, powys_officer).notices == []


def test_a_step_recorded_with_an_earlier_date_than_the_one_before_counts_from_that_one():
    recorded = timezone.now()
    logs = [
        SimpleNamespace(
            content_type_id=1,
            object_id=1,
            transition=name,
            source_state=source,
            target_state=target,
            occurred_on=on,
            recorded_at=recorded,
        )
        for name, source, target, on in [
            ("submit", "drafting", "submitted", datetime.date(2017, 11, 13)),
            ("return_to_council", "submitted", "drafting", datetime.date(2017, 11, 20)),
            ("submit", "drafting", "submitted", datetime.date(2017, 11, 15)),  # dated before the return
        ]
    ]
    steps = asat.timelines(logs)[(1, 1)]
    assert [s.effective_on for s in steps] == [
        datetime.date(2017, 11, 13),
        datetime.date(2017, 11, 20),
        datetime.date(2017, 11, 20),
    ]
    assert asat.state_on(steps, datetime.date(2017, 11, 12), initial="drafting") == ("drafting", None)
    assert asat.state_on(steps, datetime.date(2017, 11, 16), initial="drafting")[0] == "submitted"
    assert asat.state_on(steps, datetime.date(2017, 11, 20), initial="drafting") == (
        "submitted",
        datetime.date(2017, 11, 20),
    )
    assert asat.state_on([], datetime.date(2017, 11, 20), initial="drafting") == ("drafting", None)


# The chronology --------------------------------------------------------------------------------


def test_chronology_lists_every_transition_with_who_and_why(
    client, issued_notice, official, powys_officer, requirement_a
):
    services.requirement_submit(requirement=requirement_a, by=powys_officer, statement="Appointed Ms Jones.")
    services.requirement_return(
        requirement=Requirement.objects.get(pk=requirement_a.pk), by=official, reason="Name the post."
    )
    services.plan_submit(plan=issued_notice.improvement_plan, by=powys_officer, on=NOV_13, summary="Plan")
    services.notice_record_laying(
        notice=WarningNotice.objects.get(pk=issued_notice.pk),
        by=official,
        on=datetime.date(2017, 11, 7),
        reference="NDM1",
    )
    client.force_login(official)
    rows = read_csv(client.get(reverse("intervention:case_chronology", args=[issued_notice.case_id])))
    transitions = [r for r in rows if r["Kind of event"] == "Transition"]
    logs = case_logs(issued_notice.case)
    assert len(transitions) == len(logs) == 5
    returned = next(r for r in transitions if r["What"] == "Return to the council")
    assert (returned["Who"], returned["Organisation"], returned["Why"]) == (
        str(official),
        "Welsh Government",
        "Name the post.",
    )
    assert (returned["From"], returned["To"]) == ("Submitted", "Returned")
    assert returned["Object"].startswith("Requirement: (a)")
    laid = next(r for r in transitions if r["What"] == "Record laying before the legislature")
    assert (laid["Date of event"], laid["Why"]) == ("2017-11-07", "NDM1")
    # The rows are in the order they were recorded; drafting comes first.
    recorded = [r["Recorded at"] for r in rows]
    assert recorded == sorted(recorded)
    assert rows[0]["What"] == "Created"
    # The history rows behind each transition are not repeated as changes.
    requirement_changes = [r["What"] for r in rows if r["Object"].startswith("Requirement: (a)")]
    assert "Created" in requirement_changes
    assert not {"Submit", "Return to council"} & set(requirement_changes)
    submission = next(r for r in rows if r["Object"].startswith("Submission"))
    assert "Appointed Ms Jones." in submission["Changes"]


def test_chronology_names_each_change_in_words_not_codes(client, issued_notice, official):
    client.force_login(official)
    rows = read_csv(client.get(reverse("intervention:case_chronology", args=[issued_notice.case_id])))
    changes = {r["What"] for r in rows if r["Kind of event"] != "Transition"}
    for code in ["slot opened on issue", "deadline set on issue", "computed on issue", "opened on issue"]:
        assert str(ACTION_LABELS[code]) in changes
        assert code.capitalize() not in changes  # the internal code, as it used to show


@pytest.mark.parametrize("payload", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd"])
def test_chronology_cells_cannot_run_as_formulas(client, powys_officer, requirement_a, payload):
    services.requirement_submit(requirement=requirement_a, by=powys_officer, statement=payload)
    client.force_login(powys_officer)
    rows = read_csv(client.get(reverse("intervention:case_chronology", args=[requirement_a.notice.case_id])))
    submitted = next(r for r in rows if r["What"] == "Submit evidence")
    assert submitted["Why"] == f"'{payload}"
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t")) for cell in row.values())


def test_a_council_never_sees_a_draft_in_the_chronology(client, issued_notice, official, powys_officer):
    draft = services.notice_draft(case=issued_notice.case, by=official, title="A follow-up, still a draft")
    client.force_login(powys_officer)
    text = client.get(reverse("intervention:case_chronology", args=[issued_notice.case_id])).content.decode()
    assert "A follow-up, still a draft" not in text
    client.force_login(official)
    text = client.get(reverse("intervention:case_chronology", args=[issued_notice.case_id])).content.decode()
    assert draft.title in text


# Access and input --------------------------------------------------------------------------------

PAGES = ["case_detail", "case_as_at", "case_chronology"]
EXPECTED = {
    "official": 200,
    "inspector": 200,
    "powys_officer": 200,
    "cardiff_officer": 404,  # another council's case
    "administrator": 404,  # a role that sees no cases
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who, status", EXPECTED.items())
def test_who_may_see_the_case(client, people, issued_notice, page, who, status):
    client.force_login(people[who])
    url = reverse(f"intervention:{page}", args=[issued_notice.case_id])
    if page == "case_as_at":
        url += "?on_0=13&on_1=11&on_2=2017"
    assert client.get(url).status_code == status


@pytest.mark.parametrize("page", PAGES)
def test_signed_out_people_are_sent_to_sign_in(client, powys_case, page):
    response = client.get(reverse(f"intervention:{page}", args=[powys_case.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("page", PAGES)
def test_the_pages_only_read(client, official, powys_case, page):
    client.force_login(official)
    assert client.post(reverse(f"intervention:{page}", args=[powys_case.pk])).status_code == 405


def test_the_as_at_page_starts_with_an_empty_form(client, official, issued_notice):
    client.force_login(official)
    response = client.get(reverse("intervention:case_as_at", args=[issued_notice.case_id]))
    assert response.status_code == 200
    assert response.context["as_at"] is None
    assert not response.context["form"].errors


@pytest.mark.parametrize(
    "query, message",
    [
        ("on_0=31&on_1=2&on_2=2017", "The date must be a real date"),
        ("on_0=12&on_1=&on_2=2017", "The date must include a day, month and year"),
        ("on_0=&on_1=&on_2=", "Enter the date to show the case at"),
        ("on_0=a&on_1=b&on_2=c", "The date must be a real date"),
        (
            "on_0=16&on_1=10&on_2=2017",
            "The date must be on or after 17 October 2017, when the case was opened",
        ),
    ],
)
def test_a_bad_date_is_a_form_error(client, official, issued_notice, query, message):
    client.force_login(official)
    url = reverse("intervention:case_as_at", args=[issued_notice.case_id])
    response = client.get(f"{url}?{query}")
    assert response.status_code == 200
    assert response.context["as_at"] is None
    page = response.content.decode()
    assert message in page
    assert 'href="#id_on_0"' in page  # the error summary links to the field


def test_a_future_date_is_a_form_error(client, official, issued_notice):
    client.force_login(official)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.get(as_at_url(issued_notice.case, tomorrow))
    assert response.status_code == 200
    assert "The date must be today or in the past" in response.content.decode()


# Query budgets ---------------------------------------------------------------------------------


def _add_rows(notice, by, count):
    """Add `count` requirements, Board reports and deadlines, each with a logged step and history."""
    first = datetime.date(2030, 1, 1)
    deadlines = Deadline.objects.bulk_create(
        [
            Deadline(
                notice=notice,
                kind=DeadlineKind.BOARD_REPORT,
                label=f"Report {i}",
                start_on=GIVEN_ON,
                unit=DeadlineUnit.MONTH_END,
                due_on=add_months(first, i),
                basis="Last working day",
            )
            for i in range(count)
        ]
    )
    Deadline.history.bulk_history_create(
        deadlines, default_user=by, default_change_reason="computed on issue"
    )
    reports = BoardReport.objects.bulk_create(
        [BoardReport(notice=notice, month=add_months(first, i), deadline=d) for i, d in enumerate(deadlines)]
    )
    requirements = Requirement.objects.bulk_create(
        [
            Requirement(notice=notice, letter=f"z{i}", text="More", position=100 + i, deadline=deadlines[i])
            for i in range(count)
        ]
    )
    Requirement.history.bulk_history_create(requirements, default_user=by, default_change_reason="create")
    content_type = ContentType.objects.get_for_model(Requirement)
    TransitionLog.objects.bulk_create(
        [
            TransitionLog(
                content_type=content_type,
                object_id=r.pk,
                object_repr=str(r),
                transition="withdraw",
                source_state="open",
                target_state="withdrawn",
                by=by,
                occurred_on=NOV_13,
                reason=f"Not needed {i}",
            )
            for i, r in enumerate(requirements)
        ]
    )
    return reports


@pytest.mark.parametrize("who", ["official", "powys_officer"])
@pytest.mark.parametrize("count", [5, 500])
@pytest.mark.parametrize("past_the_period", [False, True])  # True: the working-day calendar is read
def test_as_at_page_query_budget(
    client, people, issued_notice, who, count, past_the_period, django_assert_max_num_queries
):
    _add_rows(issued_notice, people["official"], count)
    client.force_login(people[who])
    day = timezone.localdate() if past_the_period else NOV_13
    with django_assert_max_num_queries(15):
        response = client.get(as_at_url(issued_notice.case, day))
    assert response.status_code == 200
    [notice] = response.context["as_at"].notices
    assert len(notice.requirements) == count + 4
    assert sum(r.state == RequirementState.WITHDRAWN for r in notice.requirements) == count


@pytest.mark.parametrize("count", [5, 500])
def test_chronology_query_budget(client, official, issued_notice, count, django_assert_max_num_queries):
    _add_rows(issued_notice, official, count)
    client.force_login(official)
    with django_assert_max_num_queries(19):
        response = client.get(reverse("intervention:case_chronology", args=[issued_notice.case_id]))
    rows = read_csv(response)
    assert sum(r["Kind of event"] == "Transition" for r in rows) == count + 1  # and the issue


@pytest.mark.parametrize("count", [5, 500])
def test_case_page_query_budget(client, official, powys_case, count, django_assert_max_num_queries):
    WarningNotice.objects.bulk_create(
        [
            WarningNotice(
                case=powys_case,
                kind="original",
                title=f"Notice {i}",
                state=NoticeState.ISSUED,
                given_on=GIVEN_ON,
            )
            for i in range(count)
        ]
    )
    client.force_login(official)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("intervention:case_detail", args=[powys_case.pk]))
    assert response.status_code == 200
