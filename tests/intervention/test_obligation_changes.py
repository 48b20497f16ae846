"""Changes after a notice is given: audited, dates worked out again, the people affected told.

Extending the compliance period, changing the Board report schedule, an addendum varying the
requirements, a follow-up notice superseding its parent, withdrawing a notice, and an
administrator adding or removing a non-working day: what is still owed moves or is settled, what
was met stays as it was, the history says why, and the people affected are emailed.
"""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from intervention import asat, services
from intervention.calendars import UnknownCalendarYear, WorkingCalendar
from intervention.choices import (
    DeadlineUnit,
    NoticeKind,
    NoticeState,
    ObligationKind,
    ObligationState,
    RequirementAnswer,
    RequirementDue,
    VariationAction,
)
from intervention.escalations import services as escalation_services
from intervention.models import NonWorkingDay, Obligation, RequirementVariation
from intervention.obligations import selectors as obligation_selectors
from intervention.obligations import services as obligation_services
from intervention.obligations import status as rules
from intervention.reminders import services as reminders
from tests.factories import GroundFactory, UserFactory
from tests.workflow import PLAN_SUBMITTED, Casework, reread

date = datetime.date
pytestmark = pytest.mark.django_db

COMPLIANCE_END = date(2017, 11, 14)  # 20 working days after 17 October 2017


@pytest.fixture
def casework(official, powys_officer):
    return Casework(official=official, officer=powys_officer)


@pytest.fixture
def emailed(powys_officer, official):
    """Give the people addresses, so what they are told can be read from the outbox."""
    for person in (powys_officer, official):
        person.email = f"{person.username}@example.org"
        person.save(update_fields=["email"])


def owed(notice, *, kind=None, letter=None):
    found = Obligation.objects.filter(notice=notice)
    if kind:
        found = found.filter(kind=kind)
    if letter:
        found = found.filter(requirement__letter=letter)
    return found.get()


def last_reason(obligation):
    return obligation.history.order_by("-history_date", "-history_id").first().history_change_reason


def sent_to(outbox):
    return sorted({address for message in outbox for address in message.to})


# Extending the compliance period ------------------------------------------------------------


EXTENDED_TO, EXTENDED_ON = date(2017, 12, 1), date(2017, 11, 10)


def extend(notice, official, *, ends_on=EXTENDED_TO, decided_on=EXTENDED_ON):
    return services.notice_extend_compliance_period(
        notice=notice,
        by=official,
        ends_on=ends_on,
        decided_by="The Minister for Social Services",
        reason="The interim Director started late",
        decided_on=decided_on,
    )


def test_extending_moves_what_is_still_owed_by_the_end_and_says_why(
    issued_notice, official, emailed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        moved = extend(issued_notice, official)

    plan, requirement_f = (
        owed(issued_notice, kind=ObligationKind.IMPROVEMENT_PLAN),
        owed(issued_notice, letter="f"),
    )
    notice = reread(issued_notice)
    assert {o.pk for o in moved} == {plan.pk, requirement_f.pk}
    for obligation in (reread(plan), reread(requirement_f)):
        assert (obligation.due_on, obligation.previous_due_on, obligation.unit) == (
            date(2017, 12, 1),
            COMPLIANCE_END,
            DeadlineUnit.FIXED_DATE,
        )
        assert "The Minister for Social Services" in obligation.basis
        assert "The interim Director started late" in obligation.due_change_reason
        assert last_reason(obligation).startswith("date moved: ")
    assert (notice.compliance_ends_on, notice.compliance_extended) == (date(2017, 12, 1), True)
    assert "Compliance period extended" in mail.outbox[0].subject
    assert sent_to(mail.outbox) == ["powys-officer@example.org"]
    assert "moved from 14 November 2017 to 1 December 2017" in mail.outbox[0].body


def test_extending_leaves_what_was_met_against_its_own_date(issued_notice, official, casework):
    casework.plan(issued_notice, PLAN_SUBMITTED)  # on 13 November 2017

    extend(issued_notice, official)

    plan = owed(issued_notice, kind=ObligationKind.IMPROVEMENT_PLAN)
    assert (plan.due_on, plan.met_on, plan.previous_due_on) == (COMPLIANCE_END, date(2017, 11, 13), None)


def test_the_case_as_it_stood_before_the_decision_keeps_the_old_date(issued_notice, official):
    extend(issued_notice, official, decided_on=date(2017, 11, 10))
    plan = owed(issued_notice, kind=ObligationKind.IMPROVEMENT_PLAN)

    (before,) = asat.obligations_as_at([plan], date(2017, 11, 9))
    (after,) = asat.obligations_as_at([plan], date(2017, 11, 20))

    assert (before.status.due_on, after.status.due_on) == (COMPLIANCE_END, date(2017, 12, 1))
    assert (before.status.code, after.status.code) == (rules.DUE_SOON, rules.NOT_DUE)


def test_an_extension_moves_the_reminders_to_the_new_date(issued_notice, official, powys_officer):
    powys_officer.email = "powys-officer@example.org"
    powys_officer.save(update_fields=["email"])
    extend(issued_notice, official)

    due = reminders.collect_due_reminders(today=date(2017, 11, 15)).to_send

    assert not any(r.kind == "overdue" for r in due)
    later = {r.item: r.due_on for r in reminders.collect_due_reminders(today=date(2017, 11, 24)).to_send}
    assert later["Improvement plan (requirement (d))"] == later["Requirement (f)"] == date(2017, 12, 1)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"ends_on": COMPLIANCE_END}, "ends_on"),
        ({"ends_on": date(2017, 11, 1)}, "ends_on"),
        ({"decided_by": "  "}, "decided_by"),
        ({"reason": ""}, "reason"),
    ],
)
def test_an_extension_needs_a_later_end_who_decided_and_why(issued_notice, official, kwargs, field):
    values = {
        "ends_on": date(2017, 12, 1),
        "decided_by": "The Minister",
        "reason": "More time",
        "decided_on": date(2017, 11, 10),
        **kwargs,
    }
    with pytest.raises(ValidationError) as raised:
        services.notice_extend_compliance_period(notice=issued_notice, by=official, **values)

    assert field in raised.value.error_dict
    assert reread(issued_notice).compliance_ends_on == COMPLIANCE_END


def test_an_extension_into_a_year_the_calendar_does_not_know_is_refused(issued_notice, official):
    with pytest.raises(ValidationError) as raised:
        extend(issued_notice, official, ends_on=date(2101, 1, 3))

    assert "2101" in raised.value.error_dict["ends_on"][0].messages[0]
    assert owed(issued_notice, kind=ObligationKind.IMPROVEMENT_PLAN).due_on == COMPLIANCE_END


def test_only_an_official_extends(issued_notice, powys_officer):
    with pytest.raises(Exception) as raised:
        extend(issued_notice, powys_officer)

    assert type(raised.value).__name__ == "PermissionDenied"


# The Board report schedule ------------------------------------------------------------------------


def board_reports(notice):
    return {
        (o.board_report.month if o.board_report_id else None): o.state
        for o in Obligation.objects.filter(notice=notice, kind=ObligationKind.BOARD_REPORT).select_related(
            "board_report"
        )
    }


def test_the_schedule_set_when_drafting_names_the_reports_and_no_others(issued_notice):
    assert board_reports(issued_notice) == {
        date(2017, 11, 1): ObligationState.OPEN,
        date(2017, 12, 1): ObligationState.OPEN,
        date(2018, 1, 1): ObligationState.OPEN,
    }


def test_changing_the_schedule_opens_new_months_and_releases_dropped_ones(issued_notice, official, casework):
    casework.board_report(issued_notice, submitted=True)  # November sent

    services.notice_change_board_report_schedule(
        notice=issued_notice,
        by=official,
        first_month=date(2017, 11, 1),
        count=2,
        reason="The Board meets every month from November",
        on=date(2017, 12, 4),
    )

    assert board_reports(issued_notice) == {
        date(2017, 11, 1): ObligationState.MET,
        date(2017, 12, 1): ObligationState.OPEN,
        date(2018, 1, 1): ObligationState.NOT_REQUIRED,
    }
    dropped = Obligation.objects.get(board_report__month=date(2018, 1, 1))
    assert "The Board meets every month from November" in dropped.settled_reason
    assert reread(issued_notice).board_reports_count == 2


def test_a_schedule_until_the_notice_ends_opens_each_month_as_it_begins(issued_notice, official):
    services.notice_change_board_report_schedule(
        notice=issued_notice,
        by=official,
        first_month=date(2017, 11, 1),
        until_end=True,
        reason="Monthly until the notice ends",
        on=date(2017, 12, 4),
    )
    assert sorted(m for m in board_reports(issued_notice) if m) == [
        date(2017, 11, 1),
        date(2017, 12, 1),
        date(2018, 1, 1),
    ]
    assert board_reports(issued_notice)[date(2018, 1, 1)] == ObligationState.OPEN

    opened = obligation_services.open_new_board_report_months(today=date(2018, 3, 2))

    assert [o.board_report.month for o in opened] == [date(2018, 2, 1), date(2018, 3, 1)]
    assert opened[0].due_on == date(2018, 2, 28)
    assert obligation_services.open_new_board_report_months(today=date(2018, 3, 2)) == []


def test_a_month_dropped_then_put_back_is_owed_again(issued_notice, official):
    for count in (2, 3):  # decided in November 2017, before January's month began
        services.notice_change_board_report_schedule(
            notice=issued_notice,
            by=official,
            first_month=date(2017, 11, 1),
            count=count,
            reason="Changed",
            on=date(2017, 11, 20),
        )

    assert board_reports(issued_notice)[date(2018, 1, 1)] == ObligationState.OPEN


def test_with_no_schedule_the_requirement_asking_for_reports_is_owed_with_no_date(issued_notice, official):
    services.notice_change_board_report_schedule(
        notice=issued_notice, by=official, first_month=None, reason="The notice sets no schedule"
    )

    placeholder = Obligation.objects.get(
        notice=issued_notice, kind=ObligationKind.BOARD_REPORT, board_report=None
    )
    assert (placeholder.state, placeholder.due_on, placeholder.requirement.letter) == (
        ObligationState.OPEN,
        None,
        "c",
    )
    assert set(board_reports(issued_notice).values()) == {ObligationState.NOT_REQUIRED, ObligationState.OPEN}


def test_the_schedule_needs_a_reason_and_a_first_month(issued_notice, official):
    with pytest.raises(ValidationError) as no_reason:
        services.notice_change_board_report_schedule(
            notice=issued_notice, by=official, first_month=date(2017, 11, 1), count=2, reason=" "
        )
    with pytest.raises(ValidationError) as no_month:
        services.notice_change_board_report_schedule(
            notice=issued_notice, by=official, first_month=None, count=2, reason="Monthly"
        )

    assert "reason" in no_reason.value.error_dict
    assert "first_month" in no_month.value.error_dict


# An addendum varies the requirements ----------------------------------------------------------------


@pytest.fixture
def addendum(issued_notice, official):
    draft = services.notice_draft(
        case=issued_notice.case, by=official, title="Addendum", kind=NoticeKind.ADDENDUM, parent=issued_notice
    )
    services.variation_set(
        addendum=draft,
        by=official,
        requirement=issued_notice.requirements.get(letter="f"),
        action=VariationAction.AMEND,
        new_text="to implement the revised improvement plan",
        reason="The plan was revised",
    )
    services.variation_set(
        addendum=draft,
        by=official,
        requirement=issued_notice.requirements.get(letter="g"),
        action=VariationAction.WITHDRAW,
        reason="No longer needed",
    )
    return draft


def test_an_addendum_amends_keeping_the_old_words_and_withdraws(
    addendum, issued_notice, official, emailed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.notice_issue(notice=addendum, by=official, on=date(2018, 4, 16))

    requirement_f = issued_notice.requirements.get(letter="f")
    variation = RequirementVariation.objects.get(requirement=requirement_f)
    assert requirement_f.text == "to implement the revised improvement plan"
    assert (variation.previous_text, variation.applied_on) == ("Requirement f", date(2018, 4, 16))
    assert requirement_f.history.filter(text="Requirement f").exists()
    withdrawn = owed(issued_notice, letter="g")
    assert withdrawn.state == ObligationState.NOT_REQUIRED
    assert withdrawn.settled_reason == "Withdrawn by the addendum given on 16 April 2018: No longer needed"
    assert owed(issued_notice, letter="f").state == ObligationState.OPEN
    assert any("Requirement (g) is no longer required." in m.body for m in mail.outbox)


def test_the_case_as_it_stood_shows_the_words_then(addendum, issued_notice, official):
    services.notice_issue(notice=addendum, by=official, on=date(2018, 4, 16))

    def words(day):
        page = asat.case_as_at(
            issued_notice.case, day, user=official, notices=issued_notice.case.notices.all()
        )
        row = next(r for r in page.notices if r.notice.pk == issued_notice.pk)
        return next(r.text for r in row.requirements if r.requirement.letter == "f")

    assert words(date(2018, 4, 15)) == "Requirement f"
    assert words(date(2018, 4, 16)) == "to implement the revised improvement plan"


def test_an_addendum_s_own_requirements_are_owed_and_the_ministers_duties_are_off_unless_set(
    addendum, official
):
    services.requirement_add(
        notice=addendum, by=official, letter="h", text="to appoint a Head of Children's Services"
    )

    services.notice_issue(notice=addendum, by=official, on=date(2018, 4, 16))

    kinds = sorted(Obligation.objects.filter(notice=addendum).values_list("kind", flat=True))
    assert kinds == [ObligationKind.REQUIREMENT]
    assert reread(addendum).ministers_duties_apply is False


def test_an_addendum_varies_only_requirements_of_the_notice_it_amends(addendum, powys_case, official):
    other = services.notice_draft(case=powys_case, by=official, title="Other")
    services.requirement_add(notice=other, by=official, letter="a", text="Other (a)")

    with pytest.raises(ValidationError):
        services.variation_set(
            addendum=addendum,
            by=official,
            requirement=other.requirements.get(),
            action=VariationAction.WITHDRAW,
            reason="x",
        )


# A follow-up notice supersedes its parent -----------------------------------------------------------


@pytest.fixture
def follow_up(issued_notice, official):
    draft = services.notice_draft(
        case=issued_notice.case,
        by=official,
        title="Follow-up warning notice",
        kind=NoticeKind.FOLLOW_UP,
        parent=issued_notice,
        compliance_rule="fixed_date",
        compliance_fixed_on=date(2018, 2, 7),
        minded_to="Intervene more directly.",
        requires_improvement_plan=False,
    )
    services.notice_set_ground(
        notice=draft, by=official, ground=GroundFactory(number=1), reasons="Still failing."
    )
    services.requirement_add(notice=draft, by=official, letter="a", text="Revise the improvement plan")
    return draft


def decide_all(follow_up, official, carry_letters=("a",)):
    for obligation in services.parent_obligations_to_decide(follow_up):
        letter = obligation.requirement.letter if obligation.requirement_id else None
        services.carry_over_decide(
            follow_up=follow_up, by=official, obligation=obligation, carry_over=letter in carry_letters
        )


def test_a_follow_up_cannot_be_given_before_every_open_obligation_is_decided(follow_up, official):
    with pytest.raises(Exception) as raised:
        services.notice_issue(notice=follow_up, by=official, on=date(2018, 1, 15))

    assert "carried over, or closed" in str(raised.value)
    assert reread(follow_up).state == NoticeState.DRAFT


def test_a_follow_up_carries_over_or_closes_each_open_obligation_as_decided(
    follow_up, issued_notice, official, emailed, django_capture_on_commit_callbacks
):
    decide_all(follow_up, official, carry_letters=("a",))

    with django_capture_on_commit_callbacks(execute=True):
        services.notice_issue(notice=follow_up, by=official, on=date(2018, 1, 15))

    parent = reread(issued_notice)
    carried = owed(issued_notice, letter="a")
    closed = owed(issued_notice, kind=ObligationKind.IMPROVEMENT_PLAN)
    assert parent.state == NoticeState.SUPERSEDED
    assert (carried.state, carried.carried_to_id) == (ObligationState.OPEN, follow_up.pk)
    assert closed.state == ObligationState.NOT_REQUIRED
    assert "Superseded by the follow-up notice given on 15 January 2018" in closed.settled_reason
    duties = Obligation.objects.filter(
        notice=issued_notice, kind__in=[ObligationKind.LAYING, ObligationKind.LEGISLATURE_REPORT]
    )
    assert set(duties.values_list("state", flat=True)) == {ObligationState.OPEN}  # statutory: they stay owed
    assert any("Carried over to the follow-up notice: Requirement (a)" in m.body for m in mail.outbox)


def test_what_is_carried_over_is_still_the_council_s_to_do(follow_up, issued_notice, official, powys_officer):
    decide_all(follow_up, official, carry_letters=("a",))
    services.notice_issue(notice=follow_up, by=official, on=date(2018, 1, 15))

    services.requirement_submit(
        requirement=issued_notice.requirements.get(letter="a"), by=powys_officer, statement="Done"
    )

    assert owed(issued_notice, letter="a").state == ObligationState.SUBMITTED


# Withdrawing a notice -----------------------------------------------------------------------------


def test_withdrawing_settles_the_council_s_obligations_and_stops_their_reminders(
    issued_notice, official, powys_officer, emailed, django_capture_on_commit_callbacks
):
    assert reminders.collect_due_reminders(today=date(2017, 11, 15)).to_send

    with django_capture_on_commit_callbacks(execute=True):
        services.notice_withdraw(
            notice=issued_notice, by=official, reason="Issued in error", on=date(2017, 11, 1)
        )

    council = Obligation.objects.filter(notice=issued_notice, owner="council")
    assert set(council.values_list("state", flat=True)) == {ObligationState.NOT_REQUIRED}
    assert all("Issued in error" in o.settled_reason for o in council)
    ministers = Obligation.objects.filter(notice=issued_notice, owner="ministers")
    assert set(ministers.values_list("state", flat=True)) == {ObligationState.OPEN}
    council_reminders = [
        r
        for r in reminders.collect_due_reminders(today=date(2017, 11, 15)).to_send
        if r.recipient == powys_officer
    ]
    assert council_reminders == []
    assert "powys-officer@example.org" in sent_to(mail.outbox)


# The calendar changes -------------------------------------------------------------------------------


MOURNING = date(2017, 11, 3)


def add_day(official, day=MOURNING):
    return services.non_working_day_save(
        day=NonWorkingDay(day=day, description="Day of mourning", source="https://www.gov.uk/example"),
        by=official,
    )


def test_adding_a_non_working_day_moves_exactly_the_open_dates_it_touches(
    issued_notice, official, casework, emailed, django_capture_on_commit_callbacks
):
    casework.plan(issued_notice, PLAN_SUBMITTED)  # met on 13 November: it never moves

    with django_capture_on_commit_callbacks(execute=True):
        moved = add_day(official)

    plan = owed(issued_notice, kind=ObligationKind.IMPROVEMENT_PLAN)
    requirement_f = owed(issued_notice, letter="f")
    laying = owed(issued_notice, kind=ObligationKind.LAYING)
    report_in_november = Obligation.objects.get(board_report__month=date(2017, 11, 1))
    assert [o.pk for o, _before in moved] == [requirement_f.pk]
    assert (requirement_f.due_on, requirement_f.previous_due_on) == (date(2017, 11, 15), COMPLIANCE_END)
    assert (
        "3 November 2017 was recorded as a non-working day (Day of mourning; source: https://www.gov.uk/example)"
        in (requirement_f.due_change_reason)
    )
    assert last_reason(requirement_f).startswith("date moved: 3 November 2017")
    assert plan.due_on == COMPLIANCE_END  # met: never moves
    assert laying.due_on == date(2017, 11, 7)  # calendar days: not moved by a non-working day
    assert report_in_november.due_on == date(2017, 11, 30)  # another part of the month
    assert reread(issued_notice).compliance_ends_on == date(2017, 11, 15)
    assert "Dates moved" in mail.outbox[0].subject


def test_removing_the_day_moves_them_back(issued_notice, official):
    add_day(official)

    moved = services.non_working_day_delete(day=NonWorkingDay.objects.get(day=date(2017, 11, 3)), by=official)

    requirement_f = owed(issued_notice, letter="f")
    plan = owed(issued_notice, kind=ObligationKind.IMPROVEMENT_PLAN)
    assert sorted(o.pk for o, _before in moved) == sorted([requirement_f.pk, plan.pk])
    assert (requirement_f.due_on, requirement_f.previous_due_on) == (COMPLIANCE_END, date(2017, 11, 15))
    assert "is no longer a non-working day" in requirement_f.due_change_reason


def test_a_non_working_day_at_the_end_of_a_month_moves_that_month_s_board_report(issued_notice, official):
    add_day(official, day=date(2017, 11, 30))

    assert Obligation.objects.get(board_report__month=date(2017, 11, 1)).due_on == date(2017, 11, 29)


def test_a_day_outside_every_window_moves_nothing(issued_notice, official):
    assert add_day(official, day=date(2019, 6, 5)) == []


def test_a_date_that_needs_a_year_the_calendar_does_not_know_is_refused(official, draft_notice):
    services.notice_update_draft(
        notice=draft_notice, by=official, compliance_rule="fixed_date", compliance_fixed_on=date(2101, 1, 5)
    )

    with pytest.raises(UnknownCalendarYear) as raised:
        services.notice_issue(notice=draft_notice, by=official, on=date(2017, 10, 17))

    assert "2101" in raised.value.messages[0]
    assert "\n" not in raised.value.messages[0]
    assert reread(draft_notice).state == NoticeState.DRAFT


def test_a_fixed_requirement_date_in_an_unknown_year_is_refused(official, draft_notice):
    with pytest.raises(UnknownCalendarYear):
        services.requirement_add(
            notice=draft_notice, by=official, letter="h", text="x", due="fixed", due_on_fixed=date(2102, 1, 1)
        )


def test_a_year_an_administrator_confirmed_is_known(db):
    from intervention.models import ConfirmedCalendarYear

    calendar = WorkingCalendar()
    assert not calendar.knows(2101)
    ConfirmedCalendarYear.objects.create(year=2101, source="https://www.gov.uk/bank-holidays")

    assert WorkingCalendar().knows(2101)


# Who sees what: owners see their own ----------------------------------------------------------------


def test_council_officers_never_see_the_ministers_duties(issued_notice, powys_officer, official, inspector):
    kinds = {
        person: set(obligation_selectors.owed_to_user(person).values_list("owner", flat=True))
        for person in (powys_officer, official, inspector)
    }

    assert kinds == {powys_officer: {"council"}, official: {"council", "ministers"}, inspector: {"council"}}


def test_a_council_officer_of_another_council_sees_nothing(issued_notice, cardiff_officer):
    assert not obligation_selectors.owed_to_user(cardiff_officer).exists()


def test_a_requirement_answered_by_a_document_takes_no_evidence(issued_notice, powys_officer):
    with pytest.raises(ValidationError) as raised:
        services.requirement_submit(
            requirement=issued_notice.requirements.get(letter="d"),
            by=powys_officer,
            statement="Here is the plan",
        )

    assert "met by a document" in raised.value.messages[0]


def test_requirement_d_and_the_plan_are_one_obligation(issued_notice):
    requirement_d = issued_notice.requirements.get(letter="d")

    assert requirement_d.answered_by == RequirementAnswer.IMPROVEMENT_PLAN
    assert [o.kind for o in requirement_d.obligations.all()] == [ObligationKind.IMPROVEMENT_PLAN]


def test_a_late_plan_is_met_late_never_met(issued_notice, official, powys_officer):
    services.plan_submit(
        plan=issued_notice.improvement_plan, by=powys_officer, on=date(2017, 12, 8), summary="Plan"
    )

    (plan,) = obligation_selectors.with_status(
        Obligation.objects.filter(notice=issued_notice, kind=ObligationKind.IMPROVEMENT_PLAN),
        today=date(2018, 1, 1),
    )
    assert (plan.status.code, plan.status.since, plan.status.working_days) == (
        rules.MET_LATE,
        date(2017, 12, 8),
        18,
    )


def test_people_without_an_address_are_not_emailed(
    issued_notice, official, django_capture_on_commit_callbacks
):
    UserFactory(username="no-email", organisation=issued_notice.case.council, email="")

    with django_capture_on_commit_callbacks(execute=True):
        extend(issued_notice, official)

    assert all(m.to != [""] for m in mail.outbox)


# An addendum is part of the notice it amends ----------------------------------------------------


@pytest.fixture
def addendum_adding_h(addendum, official):
    """The addendum, also asking for (h) by 15 January 2018, given on 1 December 2017."""
    services.requirement_add(
        notice=addendum,
        by=official,
        letter="h",
        text="to appoint a Head of Children's Services",
        due=RequirementDue.FIXED_DATE,
        due_on_fixed=date(2018, 1, 15),
    )
    return services.notice_issue(notice=addendum, by=official, on=date(2017, 12, 1))


def test_when_the_notice_ends_its_addenda_end_with_it_and_owe_nothing(
    addendum_adding_h, issued_notice, official
):
    services.notice_withdraw(
        notice=issued_notice, by=official, reason="Issued in error", on=date(2017, 12, 20)
    )

    addendum = reread(addendum_adding_h)
    assert (addendum.state, addendum.ended_on) == (NoticeState.WITHDRAWN, date(2017, 12, 20))
    h = owed(addendum, letter="h")
    assert (h.state, h.not_required_on) == (ObligationState.NOT_REQUIRED, date(2017, 12, 20))
    assert "Issued in error" in h.settled_reason
    assert escalation_services.escalate_overdue_obligations(today=date(2018, 2, 1), working_days=5) == []


def test_the_notice_cannot_close_as_complied_while_its_addendum_is_owed(
    addendum_adding_h, issued_notice, official, powys_officer, casework
):
    casework.settle_everything(issued_notice)
    h = addendum_adding_h.requirements.get(letter="h")

    with pytest.raises(TransitionNotAllowed, match="Every obligation of the council must be met"):
        services.notice_close_as_complied(notice=issued_notice, by=official, reason="All done")

    services.requirement_submit(requirement=h, by=powys_officer, statement="Appointed.")
    services.requirement_accept(requirement=h, by=official)
    services.notice_close_as_complied(notice=issued_notice, by=official, reason="All done")
    assert reread(addendum_adding_h).state == NoticeState.COMPLIED


def test_a_follow_up_decides_the_addenda_s_open_obligations_too(addendum_adding_h, issued_notice, official):
    follow_up = services.notice_draft(
        case=issued_notice.case,
        by=official,
        title="Follow-up",
        kind=NoticeKind.FOLLOW_UP,
        parent=issued_notice,
        compliance_rule="fixed_date",
        compliance_fixed_on=date(2018, 6, 1),
        minded_to="Intervene.",
        requires_improvement_plan=False,
    )
    decisions = obligation_services.live_obligations(issued_notice).filter(owner="council")
    assert owed(addendum_adding_h, letter="h") in decisions
    for obligation in decisions:
        services.carry_over_decide(
            follow_up=follow_up,
            by=official,
            obligation=obligation,
            carry_over=obligation.requirement.letter == "h" if obligation.requirement_id else False,
        )
    services.notice_set_ground(
        notice=follow_up, by=official, ground=GroundFactory(number=2), reasons="Still failing."
    )
    services.requirement_add(notice=follow_up, by=official, letter="a", text="Keep going")

    services.notice_issue(notice=follow_up, by=official, on=date(2018, 1, 15))

    assert reread(addendum_adding_h).state == NoticeState.SUPERSEDED
    h = owed(addendum_adding_h, letter="h")
    assert (h.state, h.carried_to) == (ObligationState.OPEN, follow_up)


# Withdrawing a requirement is final --------------------------------------------------------------


def test_withdrawing_the_plan_ends_its_agreement_too(issued_notice, official):
    services.requirement_withdraw(
        requirement=issued_notice.requirements.get(letter="d"), by=official, reason="No plan needed"
    )

    agreement = owed(issued_notice, kind=ObligationKind.PLAN_AGREEMENT)
    assert agreement.state == ObligationState.NOT_REQUIRED
    assert agreement.settled_reason.startswith("No improvement plan is required any more")
    assert reread(issued_notice.requirements.get(letter="d")).withdrawn_on == timezone.localdate()


def test_board_reports_withdrawn_by_an_addendum_never_come_back(issued_notice, official):
    services.notice_change_board_report_schedule(
        notice=issued_notice,
        by=official,
        first_month=date(2017, 11, 1),
        until_end=True,
        reason="Monthly until the notice ends",
        on=date(2017, 11, 2),
    )
    draft = services.notice_draft(
        case=issued_notice.case, by=official, title="Addendum", kind=NoticeKind.ADDENDUM, parent=issued_notice
    )
    services.variation_set(
        addendum=draft,
        by=official,
        requirement=issued_notice.requirements.get(letter="c"),
        action=VariationAction.WITHDRAW,
        reason="The Board is disbanded",
    )
    services.notice_issue(notice=draft, by=official, on=date(2017, 12, 1))

    assert obligation_services.open_new_board_report_months(today=date(2018, 3, 5)) == []
    with pytest.raises(
        ValidationError, match=r"Requirement \(c\), which the Board reports answer, was withdrawn"
    ):
        services.notice_change_board_report_schedule(
            notice=issued_notice,
            by=official,
            first_month=date(2017, 12, 1),
            count=6,
            reason="Back again",
            on=date(2017, 12, 4),
        )
    assert set(board_reports(issued_notice).values()) == {ObligationState.NOT_REQUIRED}


@pytest.mark.parametrize(
    "first_month, message",
    [
        pytest.param(
            date(2017, 9, 1),
            "The first month cannot be before the notice was given, in October 2017.",
            id="before-the-notice",
        ),
        pytest.param(
            date(2017, 10, 1),
            "The report for October 2017 would be owed only after its month had ended: start the "
            "schedule from a month that has not ended.",
            id="a-month-already-over",
        ),
    ],
)
def test_a_schedule_never_makes_a_report_owed_after_its_month(issued_notice, official, first_month, message):
    before = board_reports(issued_notice)

    with pytest.raises(ValidationError) as refused:
        services.notice_change_board_report_schedule(
            notice=issued_notice,
            by=official,
            first_month=first_month,
            count=3,
            reason="Changed",
            on=date(2017, 12, 4),
        )

    assert refused.value.message_dict == {"first_month": [message]}
    assert board_reports(issued_notice) == before


# Nothing moves under a notice that ended ------------------------------------------------------------


def test_a_plan_cannot_be_returned_once_the_notice_has_ended(issued_notice, official, casework):
    casework.plan(issued_notice, PLAN_SUBMITTED)
    services.notice_withdraw(notice=issued_notice, by=official, reason="Issued in error")

    with pytest.raises(TransitionNotAllowed, match="The notice is not in force"):
        services.plan_return(plan=issued_notice.improvement_plan, by=official, reason="Revise it")
    assert owed(issued_notice, kind=ObligationKind.IMPROVEMENT_PLAN).state == ObligationState.MET


# A breach is overdue from the day it happened --------------------------------------------------------


def test_a_breached_condition_is_escalated_from_the_day_it_was_breached(issued_notice, official):
    g = owed(issued_notice, letter="g")  # a continuing condition, here held until 22 December
    Obligation.objects.filter(pk=g.pk).update(
        unit=DeadlineUnit.FIXED_DATE, no_date_reason="", due_on=date(2017, 12, 22), basis="Fixed date"
    )
    g = reread(g)
    obligation_services.transition(g, "breach", by=official, on=date(2017, 11, 20), why="A new directorate")

    raised = escalation_services.escalate_overdue_obligations(today=date(2017, 12, 20), working_days=10)

    [escalation] = [e for e in raised if e.obligation_id == g.pk]

    assert escalation.due_on == date(2017, 11, 20)
    assert escalation.reason.startswith(
        "Requirement (g) of “Warning notice: Powys children's services” was breached on 20 November 2017"
    )
    again = escalation_services.escalate_overdue_obligations(today=date(2017, 12, 21), working_days=10)
    assert [e for e in again if e.obligation_id == g.pk] == []  # once per breach
    # Shown as overdue since the breach, so never reminded as "due on 22 December".
    due = reminders.collect_due_reminders(today=date(2017, 12, 20)).to_send
    assert [r for r in due if "Requirement (g)" in r.item] == []
