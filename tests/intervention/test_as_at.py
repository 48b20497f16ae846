"""The case as it stood on a chosen day, rebuilt from the record, and the case's chronology as CSV."""

import csv
import datetime
import html
import io
import re
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
    ComplianceRule,
    DeadlineUnit,
    NoticeKind,
    NoticeState,
    ObligationKind,
    ObligationState,
    Owner,
    RequirementDue,
    RequirementKind,
)
from intervention.history_labels import ACTION_LABELS
from intervention.models import (
    Direction,
    InterventionCase,
    NonWorkingDay,
    Obligation,
    PowerToIntervene,
    Requirement,
    WarningNotice,
)
from intervention.obligations import selectors as obligation_selectors
from intervention.obligations import status
from tests.conftest import GIVEN_ON
from tests.factories import GroundFactory

pytestmark = pytest.mark.django_db

NOV_1 = datetime.date(2017, 11, 1)
NOV_12 = datetime.date(2017, 11, 12)
NOV_13 = datetime.date(2017, 11, 13)
PERIOD_ENDS = datetime.date(2017, 11, 14)
DEC_1 = datetime.date(2017, 12, 1)
DEC_2 = datetime.date(2017, 12, 2)

LAYING = "Lay a copy of the notice before the National Assembly for Wales (s151(3)(a))"
PLAN = "Improvement plan (requirement (d))"


def as_at_url(case, day):
    return reverse("intervention:case_as_at", args=[case.pk]) + (
        f"?on_0={day.day}&on_1={day.month}&on_2={day.year}"
    )


def as_at(case, day, user):
    notices = selectors.notices_for_user(user).filter(case=case)
    return asat.case_as_at(case, day, user=user, notices=notices)


def owed(notice_as_at, label):
    """The obligation of that name, as it stood, from a notice as it stood."""
    [found] = [item for item in notice_as_at.obligations if item.label == label]
    return found


def requirement(notice_as_at, letter):
    [found] = [item for item in notice_as_at.requirements if item.requirement.letter == letter]
    return found


def page_text(response) -> str:
    """The page as a person reads it: tags removed, entities decoded, spaces collapsed."""
    assert response.status_code == 200
    text = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"\s+", " ", text)


def row_text(text: str, label: str) -> str:
    """The text of the table row of everything owed that starts with `label`, up to the next row."""
    start = text.rindex(label)  # the table of everything owed comes after the requirements
    rest = text[start + len(label) :]
    ends = [rest.find(other) for other in ROW_STARTS if rest.find(other) > 0]
    return label + rest[: min(ends)] if ends else label + rest


ROW_STARTS = (
    "Requirement (",
    "Monthly Improvement Board",
    "Improvement plan (",
    "Improvement Board report",
    "Agreement of",
    "Lay a copy",
    "Report to the",
    "Download the chronology",
)


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
        (Obligation, Obligation.objects.filter(notice__in=notices)),
        (PowerToIntervene, PowerToIntervene.objects.filter(case=case)),
        (Direction, Direction.objects.filter(power__case=case)),
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


def test_powys_plan_is_due_soon_as_at_12_november_2017_and_nothing_is_overdue(demo):
    official = User.objects.get(username="wg-official")
    view = as_at(demo, NOV_12, official)
    [notice] = view.notices
    assert notice.state == NoticeState.ISSUED
    assert notice.given_on == GIVEN_ON
    plan = notice.plan
    assert (plan.label, plan.due_on) == (PLAN, PERIOD_ENDS)
    # 12 November is a Sunday: Monday 13 and Tuesday 14 are the working days left.
    assert (plan.status.code, plan.status.working_days) == (status.DUE_SOON, 2)
    assert requirement(notice, "d").status == plan.status  # (d) is the plan: they cannot disagree
    # (a) and (b): known done by 21 November, so nothing is claimed about them yet.
    assert {requirement(notice, letter).status.code for letter in "ab"} == {status.NOT_DUE}
    # The laying's date is not evidenced: after its due date it is never shown as overdue.
    assert owed(notice, LAYING).status.code == status.NOT_EVIDENCED
    assert owed(
        notice, "Report to the National Assembly for Wales on the council's action (s151(3)(b))"
    ).status == (status.Status(status.NOT_DUE, datetime.date(2018, 1, 15)))
    assert notice.overdue == []


def test_powys_plan_is_met_as_at_13_november_2017_on_working_day_19_of_20(demo):
    official = User.objects.get(username="wg-official")
    notice = as_at(demo, NOV_13, official).notices[0]
    assert notice.plan.status == status.Status(status.MET, PERIOD_ENDS, since=NOV_13)
    assert requirement(notice, "d").status.code == status.MET


def test_powys_a_and_b_count_as_done_from_21_november_2017(demo):
    official = User.objects.get(username="wg-official")
    notice = as_at(demo, datetime.date(2017, 11, 21), official).notices[0]
    for letter in "ab":
        found = requirement(notice, letter).status
        assert (found.code, found.since) == (status.NOT_EVIDENCED, datetime.date(2017, 11, 21))


def test_powys_as_at_page_shows_the_plan_before_and_after_it_was_sent(client, demo):
    client.force_login(User.objects.get(username="powys-officer"))
    before = page_text(client.get(as_at_url(demo, NOV_12)))
    assert "The case as it stood at the end of Sunday 12 November 2017" in before
    plan = row_text(before, PLAN)
    assert "Tuesday 14 November 2017" in plan
    assert "20 working days after 17 October 2017" in plan
    assert "Due soon in 2 working days" in plan
    assert "Done, date not evidenced the date is not on record" in row_text(before, LAYING)
    assert "Monthly Improvement Board reports: no schedule set (requirement (c))" in before
    assert "overdue on this date" not in before

    after = page_text(client.get(as_at_url(demo, NOV_13)))
    assert "Met on 13 November 2017" in row_text(after, PLAN)
    assert "Due soon" not in after


def test_powys_case_page_links_to_the_as_at_page_and_the_chronology(client, demo):
    client.force_login(User.objects.get(username="powys-officer"))
    notice = WarningNotice.objects.filter(case=demo, kind=NoticeKind.ORIGINAL).earliest("given_on")
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
    # The case closed; two notices issued, the first superseded, the second ended with the case;
    # 15 moves of what was owed (done, done with the date not evidenced, or released at closure).
    assert sorted(log.transition for log in logs if log.transition in {"issue", "supersede", "close"}) == [
        "close",
        "issue",
        "issue",
        "supersede",
    ]
    assert len(logs) == 20
    assert len(transitions) == len(logs)
    submitted = next(r for r in transitions if r["Object"] == f"Obligation: {PLAN}")
    assert submitted["What"] == "Record as done"
    assert submitted["Date of event"] == "2017-11-13"
    assert submitted["Who"] == "Demo Powys Officer"
    assert submitted["Organisation"] == "Powys County Council"
    assert (submitted["From"], submitted["To"]) == ("Open", "Met")
    assert submitted["Why"].startswith("Improvement plan drawn up")
    issued = next(r for r in transitions if r["What"] == "Issue notice")
    assert issued["Date of event"] == "2017-10-17" and issued["Who"] == "Demo Official"
    assert issued["Date of event is"] == "the date it happened"
    laid = next(r for r in transitions if r["Object"] == f"Obligation: {LAYING}")
    assert (laid["What"], laid["To"]) == ("Record as done, date not evidenced", "Done, date not evidenced")
    assert laid["Why"].startswith("The sources consulted do not give the date")
    # Changes that are not transitions are there too, dated by when they were recorded.
    sent = [r for r in rows if r["Object"].startswith("Improvement plan:") and r["What"] == "Submitted"]
    # The plan of 13 November 2017 and the revised plan under the follow-up notice.
    sent = [r for r in sent if "Summary: — → Improvement plan drawn up" in r["Changes"]]
    assert len(sent) == 1
    assert sent[0]["Date of event is"] == "the date recorded"
    opened = [r for r in rows if r["What"] == str(ACTION_LABELS["opened"])]
    assert len(opened) == Obligation.objects.filter(notice__case=demo).count() == 15


# Rebuilt from the record, not from today's rows -----------------------------------------------


def test_the_laying_recorded_on_1_november_shows_as_met_on_1_november_on_12_and_13_november(
    client, issued_notice, official, powys_officer
):
    """The old bug: a duty recorded today with an earlier date showed as owed on the days in between."""
    services.notice_record_laying(notice=issued_notice, by=official, on=NOV_1, reference="NDM 6512")
    case = issued_notice.case

    client.force_login(powys_officer)  # the council sees the Ministers' duties on its own case
    for day in (NOV_12, NOV_13):
        notice = as_at(case, day, official).notices[0]
        laying = owed(notice, LAYING)
        assert laying.status == status.Status(status.MET, datetime.date(2017, 11, 7), since=NOV_1)
        assert laying not in notice.overdue
        page = page_text(client.get(as_at_url(case, day)))
        assert "Met on 1 November 2017" in row_text(page, LAYING)
    # The day before it was laid, it was still owed.
    before = owed(as_at(case, NOV_1 - datetime.timedelta(days=1), official).notices[0], LAYING)
    assert before.status.code == status.DUE_SOON


def test_a_fact_recorded_after_a_date_moved_today_still_counts_from_its_own_date(
    issued_notice, official, powys_officer
):
    """The old bug again: a non-working day recorded today moves the open plan; the plan, sent on
    13 November 2017 and recorded after that, must still show as sent on 13 November."""
    services.non_working_day_save(
        day=NonWorkingDay(
            day=datetime.date(2017, 11, 7), description="Office closed (flood)", source="Notice"
        ),
        by=official,
    )
    services.plan_submit(plan=issued_notice.improvement_plan, by=powys_officer, on=NOV_13, summary="Plan")

    for day in (NOV_13, datetime.date(2017, 11, 20)):
        plan = as_at(issued_notice.case, day, official).notices[0].plan
        assert (plan.status.code, plan.status.since) == (status.MET, NOV_13)


def test_a_plan_sent_late_shows_as_met_late_with_its_working_days(
    client, issued_notice, official, powys_officer
):
    late = datetime.date(2017, 11, 16)  # Thursday: two working days after Tuesday 14 November
    services.plan_submit(plan=issued_notice.improvement_plan, by=powys_officer, on=late, summary="Plan")
    case = issued_notice.case

    plan = as_at(case, late, official).notices[0].plan
    assert plan.status == status.Status(status.MET_LATE, PERIOD_ENDS, since=late, working_days=2)
    day_before = as_at(case, late - datetime.timedelta(days=1), official).notices[0]
    assert day_before.plan.status == status.Status(
        status.OVERDUE, PERIOD_ENDS, since=PERIOD_ENDS, working_days=1
    )
    assert day_before.plan in day_before.overdue

    client.force_login(powys_officer)
    page = page_text(client.get(as_at_url(case, late)))
    assert "Met late on 16 November 2017, 2 working days late" in row_text(page, PLAN)
    assert "Met late on 16 November 2017, 2 working days late" in page.split("Everything owed")[0]  # (d) too
    page = page_text(client.get(as_at_url(case, late - datetime.timedelta(days=1))))
    assert "Overdue 1 working day late" in row_text(page, PLAN)
    # The plan, (f) due with it, and the laying (7 November).
    assert "3 things owed were overdue on this date." in page


def test_a_change_today_does_not_alter_yesterday(issued_notice, official, powys_officer, requirement_a):
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    services.requirement_submit(requirement=requirement_a, by=powys_officer, statement="Appointed.")
    services.plan_submit(plan=issued_notice.improvement_plan, by=powys_officer, on=today, summary="Plan")
    case = issued_notice.case

    then = as_at(case, yesterday, official).notices[0]
    assert requirement(then, "a").status == status.Status(status.NOT_DUE)
    assert then.plan.status.code == status.OVERDUE  # due 14 November 2017, not sent by yesterday
    assert then.plan in then.overdue

    now = as_at(case, today, official).notices[0]
    assert requirement(now, "a").status == status.Status(status.SUBMITTED, since=today)
    # Sent long after the 20 working days: met late, never shown as met.
    assert (now.plan.status.code, now.plan.status.since) == (status.MET_LATE, today)
    assert now.plan.status.working_days > 2000


def test_a_plan_returned_today_was_met_before(issued_notice, official, powys_officer):
    plan = issued_notice.improvement_plan
    services.plan_submit(plan=plan, by=powys_officer, on=NOV_13, summary="Plan")
    services.plan_return(plan=plan, by=official, reason="Too thin")
    case = issued_notice.case
    obligation = issued_notice.obligations.get(kind=ObligationKind.IMPROVEMENT_PLAN)
    assert (obligation.state, obligation.met_on) == (ObligationState.OPEN, None)  # today's row: owed again

    before = as_at(case, datetime.date(2017, 11, 20), official).notices[0].plan
    assert before.status == status.Status(status.MET, PERIOD_ENDS, since=NOV_13)

    now = as_at(case, timezone.localdate(), official).notices[0].plan
    assert now.status.code == status.OVERDUE


def test_evidence_accepted_today_was_overdue_before_and_is_met_late_now(
    issued_notice, official, powys_officer
):
    f = issued_notice.requirements.get(letter="f")  # due with the compliance period, 14 November 2017
    services.requirement_submit(requirement=f, by=powys_officer, statement="Plan under way.")
    services.requirement_accept(requirement=f, by=official)
    today = timezone.localdate()

    yesterday = as_at(issued_notice.case, today - datetime.timedelta(days=1), official).notices[0]
    assert requirement(yesterday, "f").status.code == status.OVERDUE
    now = as_at(issued_notice.case, today, official).notices[0]
    # Met on the day its evidence came in, long after its due date.
    assert (requirement(now, "f").status.code, requirement(now, "f").status.since) == (status.MET_LATE, today)
    # Accepting (f) did not send the plan: that is the plan's own obligation.
    assert now.plan.status.code == status.OVERDUE


def test_evidence_with_welsh_government_is_not_overdue(client, issued_notice, official, powys_officer):
    f = issued_notice.requirements.get(letter="f")  # due 14 November 2017, long past
    services.requirement_submit(requirement=f, by=powys_officer, statement="Plan under way.")
    today = timezone.localdate()

    notice = as_at(issued_notice.case, today, official).notices[0]

    row = requirement(notice, "f")
    assert row.status == status.Status(status.SUBMITTED, PERIOD_ENDS, since=today)
    [f_owed] = row.obligations
    assert f_owed.status == row.status  # the table of everything owed says the same
    assert f_owed not in notice.overdue
    client.force_login(official)
    page = page_text(client.get(as_at_url(issued_notice.case, today)))
    assert "Submitted with Welsh Government for review since" in row_text(page, "Requirement (f)")


def test_a_fixed_due_date_is_due_today_on_the_day_and_overdue_the_day_after(draft_notice, official):
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
        return requirement(notice, "h"), notice

    on_the_day, notice = h_on(DEC_1)
    assert on_the_day.status == status.Status(status.DUE_TODAY, DEC_1, working_days=0)
    assert on_the_day.obligations[0] not in notice.overdue
    day_after, notice = h_on(DEC_2)  # a Saturday: late as if it came on Monday
    assert day_after.status == status.Status(status.OVERDUE, DEC_1, since=DEC_1, working_days=1)
    assert day_after.obligations[0] in notice.overdue


def test_a_withdrawn_notice_owes_the_council_nothing_but_the_ministers_duties_stand(issued_notice, official):
    services.notice_withdraw(notice=issued_notice, by=official, reason="Superseded")
    today = timezone.localdate()

    notice = as_at(issued_notice.case, today, official).notices[0]

    assert notice.state == NoticeState.WITHDRAWN
    council = [o for o in notice.obligations if o.owner == Owner.COUNCIL]
    assert {o.status for o in council} == {
        status.Status(status.NOT_REQUIRED, o.due_on, since=today) for o in council
    }
    assert {o.status.code for o in notice.duties} == {status.OVERDUE}
    # The day before, everything was still owed.
    before = as_at(issued_notice.case, today - datetime.timedelta(days=1), official).notices[0]
    assert before.state == NoticeState.ISSUED
    assert status.NOT_REQUIRED not in {o.status.code for o in before.obligations}


def test_the_case_as_it_stands_today_agrees_with_the_live_pages(issued_notice, official, powys_officer):
    services.notice_record_laying(notice=issued_notice, by=official, on=NOV_1, reference="NDM 6512")
    services.plan_submit(
        plan=issued_notice.improvement_plan, by=powys_officer, on=datetime.date(2017, 11, 16), summary="Plan"
    )
    services.requirement_submit(
        requirement=issued_notice.requirements.get(letter="a"), by=powys_officer, statement="Done"
    )
    services.requirement_record_breach(
        requirement=issued_notice.requirements.get(letter="g"), by=official, reason="A new structure"
    )
    today = timezone.localdate()

    rebuilt = {
        o.obligation.pk: o.status for o in as_at(issued_notice.case, today, official).notices[0].obligations
    }

    live = obligation_selectors.with_status(issued_notice.obligations.all(), today=today)
    assert rebuilt == {o.pk: o.status for o in live}
    assert len({s.code for s in rebuilt.values()}) >= 5  # met, met late, submitted, overdue, not due


FOLLOW_UP_ON = datetime.date(2018, 4, 3)


@pytest.fixture
def follow_up(issued_notice, official):
    """A follow-up notice given on 3 April 2018 that carries (f) over and closes the rest."""
    notice = services.notice_draft(
        case=issued_notice.case,
        by=official,
        title="Follow-up warning notice",
        kind=NoticeKind.FOLLOW_UP,
        parent=issued_notice,
        compliance_rule=ComplianceRule.FIXED_DATE,
        compliance_fixed_on=datetime.date(2018, 6, 1),
        minded_to="Intervene under sections 152-161.",
        requires_improvement_plan=False,
    )
    for obligation in services.parent_obligations_to_decide(notice):
        carry = obligation.requirement_id is not None and obligation.requirement.letter == "f"
        services.carry_over_decide(follow_up=notice, by=official, obligation=obligation, carry_over=carry)
    services.notice_set_ground(
        notice=notice, by=official, ground=GroundFactory(number=1), reasons="Still failing."
    )
    services.requirement_add(notice=notice, by=official, letter="h", text="Report on progress")
    return services.notice_issue(notice=notice, by=official, on=FOLLOW_UP_ON)


def test_an_obligation_carried_over_is_owed_under_the_follow_up_from_the_day_it_was_given(
    issued_notice, follow_up, official
):
    def notices_on(day):
        return {n.notice.pk: n for n in as_at(issued_notice.case, day, official).notices}

    before = notices_on(FOLLOW_UP_ON - datetime.timedelta(days=1))
    assert list(before) == [issued_notice.pk]  # the follow-up was not given yet
    original = before[issued_notice.pk]
    assert original.state == NoticeState.ISSUED
    assert owed(original, "Requirement (f)").status.code == status.OVERDUE

    after = notices_on(FOLLOW_UP_ON)
    original, given = after[issued_notice.pk], after[follow_up.pk]
    assert original.state == NoticeState.SUPERSEDED
    assert "Requirement (f)" not in [o.label for o in original.obligations]
    carried = owed(given, "Requirement (f)")
    assert (carried.obligation.notice_id, carried.status.code) == (issued_notice.pk, status.OVERDUE)
    # Everything else the council owed under the original was closed; the Ministers' duties stand.
    council = [o for o in original.obligations if o.owner == Owner.COUNCIL]
    assert council and {o.status.code for o in council} == {status.NOT_REQUIRED}
    assert {o.since for o in (c.status for c in council)} == {FOLLOW_UP_ON}
    assert len(original.duties) == 2
    assert status.NOT_REQUIRED not in {o.status.code for o in original.duties}


def test_chronology_names_a_carry_over_in_words(client, issued_notice, follow_up, official):
    client.force_login(official)
    rows = read_csv(client.get(reverse("intervention:case_chronology", args=[issued_notice.case_id])))

    [carried] = [
        r
        for r in rows
        if r["Object"] == "Obligation: Requirement (f)"
        and "Carried over to: — → Follow-up warning notice" in r["Changes"]
    ]
    assert carried["What"] == str(ACTION_LABELS["carried over to"])
    # Dated by the day it took effect: the day the follow-up was given.
    assert (carried["Date of event"], carried["Date of event is"]) == (
        FOLLOW_UP_ON.isoformat(),
        "the date it happened",
    )


def test_before_the_notice_was_given_nothing_on_it_shows(issued_notice, official, powys_officer):
    day_before = GIVEN_ON - datetime.timedelta(days=1)
    assert as_at(issued_notice.case, day_before, powys_officer).notices == []
    # Officials see drafts; this one was recorded today, so on the day before it was not there either.
    assert as_at(issued_notice.case, day_before, official).notices == []


def test_officials_see_a_draft_dated_by_when_it_was_recorded(draft_notice, official, powys_officer):
    today = timezone.localdate()
    view = as_at(draft_notice.case, today, official)
    assert [(n.state, n.given_on, n.requirements, n.obligations) for n in view.notices] == [
        (NoticeState.DRAFT, None, [], [])
    ]
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
            ("issue", "draft", "issued", datetime.date(2017, 10, 17)),
            ("withdraw", "issued", "withdrawn", datetime.date(2017, 11, 20)),
            ("issue", "withdrawn", "issued", datetime.date(2017, 11, 15)),  # dated before the withdrawal
        ]
    ]
    steps = asat.timelines(logs)[(1, 1)]
    assert [s.effective_on for s in steps] == [
        datetime.date(2017, 10, 17),
        datetime.date(2017, 11, 20),
        datetime.date(2017, 11, 20),
    ]
    assert asat.state_on(steps, datetime.date(2017, 10, 16), initial="draft") == ("draft", None)
    assert asat.state_on(steps, datetime.date(2017, 11, 16), initial="draft")[0] == "issued"
    assert asat.state_on(steps, datetime.date(2017, 11, 20), initial="draft") == (
        "issued",
        datetime.date(2017, 11, 20),
    )
    assert asat.state_on([], datetime.date(2017, 11, 20), initial="draft") == ("draft", None)


def history_row(changed_on, state="open", history_type="~"):
    return SimpleNamespace(changed_on=changed_on, state=state, history_type=history_type)


def test_an_obligations_history_row_takes_effect_on_its_changed_on_and_never_before_the_one_before():
    opened = history_row(GIVEN_ON, history_type="+")
    laid = history_row(NOV_1, "met")  # recorded later, but dated 1 November
    reopened = history_row(datetime.date(2017, 11, 20))
    backdated = history_row(datetime.date(2017, 11, 15), "met")  # recorded after the reopening
    rows = [opened, laid, reopened, backdated]

    assert asat.history_in_effect(rows, GIVEN_ON - datetime.timedelta(days=1)) is None  # not yet owed
    assert asat.history_in_effect(rows, datetime.date(2017, 10, 31)) is opened
    assert asat.history_in_effect(rows, NOV_1) is laid
    assert asat.history_in_effect(rows, datetime.date(2017, 11, 19)) is laid
    assert asat.history_in_effect(rows, datetime.date(2017, 11, 20)) is backdated  # counts from the 20th


# The chronology --------------------------------------------------------------------------------


def test_chronology_lists_every_transition_with_who_and_why(
    client, issued_notice, official, powys_officer, requirement_a
):
    services.requirement_submit(requirement=requirement_a, by=powys_officer, statement="Appointed Ms Jones.")
    services.requirement_return(requirement=requirement_a, by=official, reason="Name the post.")
    services.plan_submit(plan=issued_notice.improvement_plan, by=powys_officer, on=NOV_13, summary="Plan")
    services.notice_record_laying(
        notice=issued_notice, by=official, on=datetime.date(2017, 11, 7), reference="NDM1"
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
    assert returned["Object"] == "Obligation: Requirement (a)"
    laid = next(r for r in transitions if r["Object"] == f"Obligation: {LAYING}")
    assert (laid["What"], laid["Date of event"], laid["Why"]) == ("Record as done", "2017-11-07", "NDM1")
    assert (laid["From"], laid["To"]) == ("Open", "Met")
    # The rows are in the order things happened (on one day, in the order recorded): drafting,
    # dated only by the day it was recorded, comes after what was done in 2017.
    keys = [(r["Date of event"], r["Recorded at"]) for r in rows]
    assert keys == sorted(keys)
    created = [i for i, r in enumerate(rows) if r["What"] == "Created"]
    assert created and min(created) > max(i for i, r in enumerate(rows) if r["Date of event"] < "2018")
    # The history rows behind each transition are not repeated as changes.
    obligation_changes = [r["What"] for r in rows if r["Object"] == "Obligation: Requirement (a)"]
    assert obligation_changes == [str(ACTION_LABELS["opened"]), "Submit evidence", "Return to the council"]
    assert [r["Kind of event"] for r in rows if r["Object"] == "Obligation: Requirement (a)"] == [
        "Change",
        "Transition",
        "Transition",
    ]
    submission = next(r for r in rows if r["Object"].startswith("Submission"))
    assert "Appointed Ms Jones." in submission["Changes"]


def test_chronology_dates_a_duty_done_on_an_unknown_date_by_when_it_was_recorded(
    client, issued_notice, official
):
    services.obligation_record_done(
        obligation=issued_notice.obligations.get(kind=ObligationKind.LAYING),
        by=official,
        not_evidenced=True,
        source="The sources do not give the date",
    )
    client.force_login(official)
    rows = read_csv(client.get(reverse("intervention:case_chronology", args=[issued_notice.case_id])))

    [laid] = [
        r for r in rows if r["Kind of event"] == "Transition" and r["Object"] == f"Obligation: {LAYING}"
    ]
    assert laid["To"] == "Done, date not evidenced"
    assert laid["Date of event"] == timezone.localdate().isoformat()
    assert laid["Date of event is"] == "the date recorded"  # never presented as the day it was done


def test_chronology_shows_a_moved_due_date_with_why(client, issued_notice, official):
    services.notice_extend_compliance_period(
        notice=issued_notice,
        by=official,
        ends_on=DEC_1,
        decided_by="The Minister",
        reason="Time to consult the Board",
        decided_on=datetime.date(2017, 11, 10),
    )
    client.force_login(official)
    rows = read_csv(client.get(reverse("intervention:case_chronology", args=[issued_notice.case_id])))

    moved = [r for r in rows if r["What"] == str(ACTION_LABELS["date moved"])]
    assert sorted(r["Object"] for r in moved) == [f"Obligation: {PLAN}", "Obligation: Requirement (f)"]
    for row in moved:
        assert "Due on: 14 November 2017 → 1 December 2017" in row["Changes"]
        assert row["Why"].startswith("Extended to 1 December 2017 by The Minister")
    extended = next(
        r for r in rows if r["Kind of event"] == "Transition" and r["Date of event"] == "2017-11-10"
    )
    assert extended["Object"] == f"Warning notice: {issued_notice.title}"


def test_chronology_names_each_change_in_words_not_codes(client, issued_notice, official):
    client.force_login(official)
    rows = read_csv(client.get(reverse("intervention:case_chronology", args=[issued_notice.case_id])))
    changes = {r["What"] for r in rows if r["Kind of event"] != "Transition"}
    for code in ["opened", "opened on issue", "scheduled"]:
        assert str(ACTION_LABELS[code]) in changes
        assert code.capitalize() not in changes  # the internal code, as it would show


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
        ("on_0=12&on_1=&on_2=2017", "The date must include a month"),
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
    """Add `count` requirements, each with an obligation withdrawn on 13 November 2017 (history and log)."""
    requirements = Requirement.objects.bulk_create(
        Requirement(notice=notice, letter=f"z{i}", text="More", position=100 + i) for i in range(count)
    )
    common = {
        "notice": notice,
        "kind": ObligationKind.REQUIREMENT,
        "owner": Owner.COUNCIL,
        "opened_on": GIVEN_ON,
        "unit": DeadlineUnit.FIXED_DATE,
        "start_on": GIVEN_ON,
        "due_on": DEC_1,
        "basis": "Fixed date set in the notice: 1 December 2017",
    }
    obligations = Obligation.objects.bulk_create(
        Obligation(
            requirement=r,
            position=r.position * 100,
            state=ObligationState.NOT_REQUIRED,
            not_required_on=NOV_13,
            changed_on=NOV_13,
            **common,
        )
        for r in requirements
    )
    # Each was owed from the notice's giving, then withdrawn: two history rows, in that order.
    opened = [
        Obligation(
            pk=o.pk,
            requirement=o.requirement,
            position=o.position,
            changed_on=GIVEN_ON,
            created_at=o.created_at,
            **common,
        )
        for o in obligations
    ]
    Obligation.history.bulk_history_create(opened, default_user=by, default_change_reason="opened")
    Obligation.history.bulk_history_create(obligations, default_user=by, default_change_reason="release")
    content_type = ContentType.objects.get_for_model(Obligation)
    TransitionLog.objects.bulk_create(
        [
            TransitionLog(
                content_type=content_type,
                object_id=o.pk,
                object_repr=f"Requirement (z{i})",
                transition="release",
                source_state=ObligationState.OPEN,
                target_state=ObligationState.NOT_REQUIRED,
                by=by,
                occurred_on=NOV_13,
                reason=f"Not needed {i}",
            )
            for i, o in enumerate(obligations)
        ]
    )
    return obligations


@pytest.mark.parametrize("who", ["official", "powys_officer"])
@pytest.mark.parametrize("count", [5, 500])
@pytest.mark.parametrize("past_the_period", [False, True])  # True: working days late are counted
def test_as_at_page_query_budget(
    client, people, issued_notice, who, count, past_the_period, django_assert_max_num_queries
):
    _add_rows(issued_notice, people["official"], count)
    client.force_login(people[who])
    day = timezone.localdate() if past_the_period else NOV_13
    with django_assert_max_num_queries(16):  # +1: the unread notifications count in the header
        response = client.get(as_at_url(issued_notice.case, day))
    assert response.status_code == 200
    [notice] = response.context["as_at"].notices
    assert len(notice.requirements) == count + 6  # and (a), (c), (d), (e), (f), (g)
    assert sum(r.status.code == status.NOT_REQUIRED for r in notice.requirements) == count
    assert len(notice.obligations) == count + 10


@pytest.mark.parametrize("count", [5, 500])
def test_chronology_query_budget(client, official, issued_notice, count, django_assert_max_num_queries):
    _add_rows(issued_notice, official, count)
    client.force_login(official)
    # 23 (was 19): obligations, variations and carry-over decisions each have a history of their own,
    # and the power to intervene and its directions have one each (the old intervention had one).
    with django_assert_max_num_queries(23):
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
    # The case, its notices (page and timeline), plans, statements, boards and their remit changes,
    # appointments, powers, directions, events, inspections, the actions and the session: fixed.
    with django_assert_max_num_queries(20):
        response = client.get(reverse("intervention:case_detail", args=[powys_case.pk]))
    assert response.status_code == 200
