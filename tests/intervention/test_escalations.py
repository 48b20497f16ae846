"""Escalation of serious matters: what raises one, who it goes to, email, acknowledging, reminders, pages."""

import datetime
from io import StringIO

import django_fsm as fsm
import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.audit import save_with_history
from accounts.choices import OrganisationKind
from accounts.models import TransitionLog
from inspections import services as inspection_services
from inspections.choices import FindingKind, FindingTheme
from inspections.models import Finding
from intervention import asat, deadlines, services
from intervention.choices import (
    AcknowledgementState,
    EscalationSource,
    ObligationKind,
    Owner,
    RecipientKind,
    RequirementDue,
    SeniorPosition,
)
from intervention.escalations import selectors as escalation_selectors
from intervention.escalations import services as escalation_services
from intervention.models import Escalation, EscalationRecipient, InterventionCase, SeniorContact
from intervention.obligations import status as obligation_status
from tests.conftest import GIVEN_ON
from tests.factories import InspectionFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

# The Powys compliance period ended on Tuesday 14 November 2017; 10 working days later is the 28th.
COMPLIANCE_DUE = datetime.date(2017, 11, 14)
TENTH_WORKING_DAY = datetime.date(2017, 11, 28)
ELEVENTH_WORKING_DAY = datetime.date(2017, 11, 29)


# People and things ------------------------------------------------------------------------------


def contact(council, position, username, **kwargs):
    user = UserFactory(username=username, organisation=council, email=f"{username}@example.gov.wales")
    return SeniorContact.objects.create(council=council, user=user, position=position, **kwargs)


@pytest.fixture
def powys_contacts(powys):
    return [
        contact(powys, SeniorPosition.LEADER, "powys-leader"),
        contact(powys, SeniorPosition.CHIEF_EXECUTIVE, "powys-chief-executive"),
        contact(
            powys,
            SeniorPosition.DIRECTOR_OF_SOCIAL_SERVICES,
            "powys-director",
            title="Interim Director of Social Services",
        ),
    ]


@pytest.fixture
def leader(powys_contacts):
    return powys_contacts[0].user


@pytest.fixture
def cardiff_leader(cardiff):
    return contact(cardiff, SeniorPosition.LEADER, "cardiff-leader").user


@pytest.fixture
def wg_lead(official):
    official.email = "official@example.gov.wales"
    official.save()
    return UserFactory(username="wg-lead", official=True, email="lead@example.gov.wales")


def publish_with_finding(inspector, council, kind, *, on=GIVEN_ON):
    """Plan, fieldwork, a finding of `kind`, draft, then publish: the real path through the services."""
    inspection = inspection_services.inspection_create(
        by=inspector,
        council=council,
        title="Inspection of children's services",
        service_area="children",
        inspection_type="planned",
    )
    inspection_services.inspection_start_fieldwork(inspection=inspection, by=inspector)
    finding = inspection_services.finding_create(
        inspection=inspection,
        by=inspector,
        theme=FindingTheme.SAFEGUARDING,
        kind=kind,
        text="No record of statutory visits for six months.",
    )
    inspection_services.inspection_issue_draft(
        inspection=inspection, by=inspector, on=datetime.date(2017, 9, 5)
    )
    inspection_services.inspection_publish(inspection=inspection, by=inspector, on=on)
    return inspection, finding


@pytest.fixture
def finding_escalation(inspector, powys, powys_contacts, wg_lead, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _inspection, finding = publish_with_finding(inspector, powys, FindingKind.SERIOUS_CONCERN)
    return Escalation.objects.get(finding=finding)


@pytest.fixture
def overdue_escalation(
    issued_notice, powys_officer, powys_contacts, wg_lead, django_capture_on_commit_callbacks
):
    """Requirement (f), 11 working days overdue on 29 November 2017 (the plan was sent on time)."""
    services.plan_submit(
        plan=issued_notice.improvement_plan, by=powys_officer, on=datetime.date(2017, 11, 13), summary="Plan"
    )
    with django_capture_on_commit_callbacks(execute=True):
        (escalation,) = escalation_services.escalate_overdue_obligations(today=ELEVENTH_WORKING_DAY)
    return escalation


def recipients_of(escalation):
    return {r.user.username: r.kind for r in escalation.recipients.select_related("user")}


# Serious concerns escalate when the report is published -----------------------------------------


def test_publishing_a_report_escalates_its_serious_concern(finding_escalation, powys, inspector):
    escalation = finding_escalation

    assert escalation.source == EscalationSource.SERIOUS_FINDING
    assert escalation.council == powys
    assert escalation.obligation is None and escalation.case is None
    assert "No record of statutory visits" in escalation.reason
    assert escalation.raised_on == escalation.finding.inspection.published_on  # when it became known
    # No case yet, so no lead: every active Welsh Government official.
    assert recipients_of(escalation) == {
        "powys-leader": RecipientKind.SENIOR_CONTACT,
        "powys-chief-executive": RecipientKind.SENIOR_CONTACT,
        "powys-director": RecipientKind.SENIOR_CONTACT,
        "wg-official": RecipientKind.GOVERNMENT_OFFICIAL,
        "wg-lead": RecipientKind.GOVERNMENT_OFFICIAL,
    }
    row = escalation.history.get()
    assert (row.history_user, row.history_change_reason) == (inspector, "raised")


def test_the_director_is_addressed_by_the_recorded_title(finding_escalation):
    positions = set(finding_escalation.recipients.values_list("position", flat=True))
    assert {"Leader of the council", "Chief executive", "Interim Director of Social Services"} <= positions


@pytest.mark.parametrize(
    "kind", [FindingKind.STRENGTH, FindingKind.AREA_FOR_IMPROVEMENT, FindingKind.PRIORITY_AREA]
)
def test_other_kinds_of_finding_are_not_escalated(kind, inspector, powys, powys_contacts):
    publish_with_finding(inspector, powys, kind)
    assert Escalation.objects.count() == 0


def test_a_serious_concern_is_not_escalated_while_the_report_is_a_draft(inspector, powys, powys_contacts):
    inspection = inspection_services.inspection_create(
        by=inspector, council=powys, title="Draft", service_area="children", inspection_type="planned"
    )
    inspection_services.inspection_start_fieldwork(inspection=inspection, by=inspector)
    inspection_services.finding_create(
        inspection=inspection,
        by=inspector,
        theme=FindingTheme.SAFEGUARDING,
        kind=FindingKind.SERIOUS_CONCERN,
        text="Serious.",
    )
    inspection_services.inspection_issue_draft(
        inspection=inspection, by=inspector, on=datetime.date(2017, 9, 5)
    )

    assert escalation_services.escalate_serious_findings(inspection=inspection) == []
    assert Escalation.objects.count() == 0


def test_escalating_a_published_report_again_adds_nothing(finding_escalation):
    inspection = finding_escalation.finding.inspection
    assert escalation_services.escalate_serious_findings(inspection=inspection) == []
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.create(
            source=EscalationSource.SERIOUS_FINDING,
            council=finding_escalation.council,
            finding=finding_escalation.finding,
            reason="again",
            raised_on=GIVEN_ON,
        )
    assert Escalation.objects.count() == 1


def test_an_escalation_has_exactly_one_source(finding_escalation, obligation_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.create(
            source=EscalationSource.SERIOUS_FINDING,
            council=finding_escalation.council,
            finding=finding_escalation.finding,
            obligation=obligation_a,
            due_on=GIVEN_ON,
            reason="both",
            raised_on=GIVEN_ON,
        )


def test_the_case_lead_replaces_the_other_officials(inspector, powys, powys_case, powys_contacts, wg_lead):
    InterventionCase.objects.filter(pk=powys_case.pk).update(lead=wg_lead)

    _inspection, finding = publish_with_finding(inspector, powys, FindingKind.SERIOUS_CONCERN)

    escalation = Escalation.objects.get(finding=finding)
    assert escalation.case == powys_case
    assert recipients_of(escalation) == {
        "powys-leader": RecipientKind.SENIOR_CONTACT,
        "powys-chief-executive": RecipientKind.SENIOR_CONTACT,
        "powys-director": RecipientKind.SENIOR_CONTACT,
        "wg-lead": RecipientKind.CASE_LEAD,
    }


def test_only_this_councils_active_senior_contacts_are_addressed(
    inspector, powys, powys_contacts, cardiff_leader, official
):
    gone = powys_contacts[1]
    gone.is_active = False
    gone.save()
    left = powys_contacts[2].user
    left.is_active = False
    left.save()

    _inspection, finding = publish_with_finding(inspector, powys, FindingKind.SERIOUS_CONCERN)

    assert recipients_of(Escalation.objects.get(finding=finding)) == {
        "powys-leader": RecipientKind.SENIOR_CONTACT,
        "wg-official": RecipientKind.GOVERNMENT_OFFICIAL,
    }


def test_a_failed_publication_raises_no_escalation(inspector, powys, powys_contacts):
    inspection = InspectionFactory(
        council=powys, state="draft_issued", draft_issued_on=datetime.date(2017, 9, 5)
    )
    Finding.objects.create(inspection=inspection, theme="safeguarding", kind="serious_concern", text="x")

    with pytest.raises(ValidationError):
        inspection_services.inspection_publish(
            inspection=inspection,
            by=inspector,
            on=datetime.date(2017, 9, 1),  # before the draft
        )

    assert Escalation.objects.count() == 0


def test_if_escalating_fails_the_publication_is_undone(inspector, powys, powys_contacts, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the contacts could not be read")

    monkeypatch.setattr(escalation_services, "escalation_addressees", broken)

    with pytest.raises(RuntimeError):
        publish_with_finding(inspector, powys, FindingKind.SERIOUS_CONCERN)

    inspection = Finding.objects.get().inspection
    assert (inspection.state, inspection.published_on) == ("draft_issued", None)
    assert not TransitionLog.objects.filter(transition="publish").exists()
    assert Escalation.objects.count() == 0


# Email ----------------------------------------------------------------------------------------


def test_each_recipient_is_emailed_with_a_link_and_the_time_is_recorded(finding_escalation):
    by_address = {m.to[0]: m for m in mail.outbox}

    assert set(by_address) == {
        "powys-leader@example.gov.wales",
        "powys-chief-executive@example.gov.wales",
        "powys-director@example.gov.wales",
        "official@example.gov.wales",
        "lead@example.gov.wales",
    }
    message = by_address["powys-leader@example.gov.wales"]
    assert message.subject == "Escalation: a serious matter about Powys County Council"
    assert f"http://127.0.0.1:8000/escalations/{finding_escalation.pk}/" in message.body
    assert "Leader of the council" in message.body
    recipient = finding_escalation.recipients.get(user__username="powys-leader")
    assert recipient.notified_at is not None
    assert recipient.history.latest().history_change_reason == "emailed"


def test_a_person_without_an_email_address_is_not_marked_as_emailed(
    inspector, powys, powys_contacts, django_capture_on_commit_callbacks
):
    leader = powys_contacts[0].user
    leader.email = ""
    leader.save()

    with django_capture_on_commit_callbacks(execute=True):
        _inspection, finding = publish_with_finding(inspector, powys, FindingKind.SERIOUS_CONCERN)

    recipient = EscalationRecipient.objects.get(escalation__finding=finding, user=leader)
    assert recipient.notified_at is None
    assert len(mail.outbox) == 2  # the chief executive and the director


def test_a_second_delivery_sends_nothing_more(finding_escalation):
    sent = len(mail.outbox)
    assert escalation_services.deliver_escalation(escalation_id=finding_escalation.pk) == 0
    assert len(mail.outbox) == sent


# What councils owe, overdue ---------------------------------------------------------------------
# The conftest notice: the improvement plan (requirement (d)) and requirement (f) are due by the end
# of the compliance period, 14 November 2017; Board reports (requirement (c)) on 30 November,
# 29 December 2017 and 31 January 2018; the Ministers' laying on 7 November, their report on 15 January.

F = "Requirement (f)"
PLAN = "Improvement plan (requirement (d))"
NOVEMBER_REPORT = "Improvement Board report for November 2017 (requirement (c))"


def escalate(today):
    return escalation_services.escalate_overdue_obligations(today=today)


def labels(escalations):
    return [e.obligation.label for e in escalations]


def evidence_of(notice, letter):
    return notice.requirements.get(letter=letter).obligations.get(kind=ObligationKind.REQUIREMENT)


def plan_of(notice):
    return notice.obligations.get(kind=ObligationKind.IMPROVEMENT_PLAN)


@pytest.mark.parametrize("today, escalated", [(TENTH_WORKING_DAY, []), (ELEVENTH_WORKING_DAY, [F, PLAN])])
def test_what_the_council_owes_escalates_once_overdue_by_more_than_ten_working_days(
    today, escalated, issued_notice, powys_contacts
):
    raised = escalate(today)

    assert labels(raised) == escalated
    expected = {(EscalationSource.OVERDUE_OBLIGATION, COMPLIANCE_DUE)} if escalated else set()
    assert {(e.source, e.due_on) for e in raised} == expected


def test_the_ministers_duties_are_never_escalated(issued_notice, powys_contacts):
    # On 1 March 2018 laying (due 7 November) and the report (due 15 January) are long overdue.
    day = datetime.date(2018, 3, 1)
    duties = asat.obligations_as_at(issued_notice.obligations.filter(owner=Owner.MINISTERS), day)
    assert [(o.obligation.kind, o.status.code) for o in duties] == [
        (ObligationKind.LAYING, obligation_status.OVERDUE),
        (ObligationKind.LEGISLATURE_REPORT, obligation_status.OVERDUE),
    ]

    raised = escalate(day)

    assert F in labels(raised)  # the council's are escalated
    assert {e.obligation.owner for e in raised} == {Owner.COUNCIL}


@pytest.fixture
def christmas_requirement(draft_notice, official):
    """Requirement (h), due Wednesday 20 December 2017: its count passes Christmas and New Year."""
    return services.requirement_add(
        notice=draft_notice,
        by=official,
        letter="h",
        text="Report",
        due=RequirementDue.FIXED_DATE,
        due_on_fixed=datetime.date(2017, 12, 20),
    )


@pytest.mark.parametrize(
    "today, escalated",
    [
        (datetime.date(2018, 1, 3), False),  # 10 weekdays, but 25, 26 Dec and 1 Jan do not count
        (datetime.date(2018, 1, 8), False),  # working day 10
        (datetime.date(2018, 1, 9), True),  # working day 11
    ],
)
def test_the_threshold_counts_working_days_across_bank_holidays(
    today, escalated, christmas_requirement, official
):
    services.notice_issue(notice=christmas_requirement.notice, by=official, on=GIVEN_ON)

    raised = escalate(today)

    assert ("Requirement (h)" in labels(raised)) is escalated


def test_the_threshold_is_a_setting(settings, issued_notice):
    settings.ESCALATION_AFTER_WORKING_DAYS = 3  # 14 Nov + 3 working days = 17 Nov
    assert escalate(datetime.date(2017, 11, 17)) == []
    assert labels(escalate(datetime.date(2017, 11, 20))) == [F, PLAN]


def test_overdue_escalation_is_idempotent(issued_notice, powys_contacts):
    first = escalate(ELEVENTH_WORKING_DAY)
    again = escalate(ELEVENTH_WORKING_DAY)
    later = escalate(datetime.date(2018, 1, 10))

    assert labels(first) == [F, PLAN]
    assert again == []
    # Later only what has since become overdue long enough: not the plan or (f) a second time.
    assert labels(later) == [NOVEMBER_REPORT]
    assert Escalation.objects.filter(source=EscalationSource.OVERDUE_OBLIGATION).count() == 3


def test_an_overdue_escalation_goes_to_the_council_and_the_case_lead(overdue_escalation, powys_case, wg_lead):
    assert overdue_escalation.case == powys_case
    assert overdue_escalation.due_on == COMPLIANCE_DUE
    assert overdue_escalation.obligation.label == F
    assert overdue_escalation.reason == (
        "Requirement (f) of “Warning notice: Powys children's services” was due on 14 November 2017 "
        "and on 29 November 2017 was 11 working days overdue (escalated after more than 10)."
    )
    # powys_case has no lead yet: every official; with a lead, only the lead.
    assert RecipientKind.GOVERNMENT_OFFICIAL in recipients_of(overdue_escalation).values()

    InterventionCase.objects.filter(pk=powys_case.pk).update(lead=wg_lead)
    case = InterventionCase.objects.select_related("lead").get(pk=powys_case.pk)
    addressees = escalation_services.escalation_addressees(council_id=case.council_id, case=case)
    assert [(a.user.username, a.kind) for a in addressees][-1] == ("wg-lead", RecipientKind.CASE_LEAD)
    assert "wg-official" not in [a.user.username for a in addressees]


def test_submitting_the_plan_does_not_stop_a_requirement_due_the_same_day_escalating(
    issued_notice, powys_officer
):
    # Requirement (f) is due by the end of the compliance period, like the plan (which IS (d)).
    # The plan sent on time is met; the council still owes (f), so (f) alone is escalated.
    services.plan_submit(
        plan=issued_notice.improvement_plan, by=powys_officer, on=datetime.date(2017, 11, 13), summary="Plan"
    )
    [plan] = asat.obligations_as_at([plan_of(issued_notice)], ELEVENTH_WORKING_DAY)
    assert plan.status.code == obligation_status.MET

    raised = escalate(ELEVENTH_WORKING_DAY)

    assert labels(raised) == [F]


def submit(requirement, officer):
    services.requirement_submit(requirement=requirement, by=officer, statement="Done")


@pytest.mark.parametrize(
    "steps, escalated",
    [
        ([], True),  # open
        (["submit"], False),  # evidence awaiting review is not the council's delay
        (["submit", "accept"], False),
        (["submit", "return"], True),  # returned: the council owes it again
        (["withdraw"], False),
    ],
)
def test_the_requirements_own_state_decides_whether_it_is_escalated(
    steps, escalated, issued_notice, powys_officer, official
):
    requirement = issued_notice.requirements.get(letter="f")
    for step in steps:
        if step == "submit":
            submit(requirement, powys_officer)
        elif step == "accept":
            services.requirement_accept(requirement=requirement, by=official, reason="Met")
        elif step == "return":
            services.requirement_return(requirement=requirement, by=official, reason="More, please")
        else:
            services.requirement_withdraw(requirement=requirement, by=official, reason="Not needed")
        requirement.refresh_from_db()

    raised = escalate(timezone.localdate())

    assert (F in labels(raised)) is escalated


@pytest.mark.parametrize(
    "submitted_on, returned_on, withdrawn_on, escalated",
    [
        pytest.param(None, None, None, True, id="never-sent"),
        pytest.param("2017-11-13", None, None, False, id="sent-on-time"),
        pytest.param("2017-11-13", "2017-11-20", None, True, id="returned-so-owed-again"),
        pytest.param("2017-11-20", None, None, False, id="met-late-before-the-day"),
        pytest.param("2017-12-01", None, None, True, id="met-late-after-the-day"),
        pytest.param(None, None, "2017-11-20", False, id="notice-withdrawn"),
    ],
)
def test_the_plan_is_escalated_only_if_the_council_still_owed_it_that_day(
    submitted_on, returned_on, withdrawn_on, escalated, issued_notice, powys_officer, official
):
    plan = issued_notice.improvement_plan
    if submitted_on:
        services.plan_submit(
            plan=plan, by=powys_officer, on=datetime.date.fromisoformat(submitted_on), summary="Plan"
        )
    if returned_on:
        services.plan_return(
            plan=plan, by=official, reason="No timescales", on=datetime.date.fromisoformat(returned_on)
        )
    if withdrawn_on:
        services.notice_withdraw(
            notice=issued_notice,
            by=official,
            reason="Withdrawn",
            on=datetime.date.fromisoformat(withdrawn_on),
        )

    raised = escalate(ELEVENTH_WORKING_DAY)

    assert (PLAN in labels(raised)) is escalated


def test_a_not_evidenced_obligation_is_never_escalated(issued_notice, official):
    """(f) was done, but when is not on record: known done by 1 December 2017."""
    services.obligation_record_done(
        obligation=evidence_of(issued_notice, "f"),
        by=official,
        source="Minutes of the meeting of 1 December 2017",
        not_evidenced=True,
        done_by=datetime.date(2017, 12, 1),
    )

    assert labels(escalate(ELEVENTH_WORKING_DAY)) == [PLAN]
    assert F not in labels(escalate(datetime.date(2018, 3, 1)))


def extend(notice, by, *, ends_on, decided_on):
    services.notice_extend_compliance_period(
        notice=notice,
        by=by,
        ends_on=ends_on,
        decided_by="The Minister",
        reason="The council's director is on leave.",
        decided_on=decided_on,
    )


def test_a_new_due_date_after_an_extension_is_escalated_once_missed_again(issued_notice, official):
    assert labels(escalate(ELEVENTH_WORKING_DAY)) == [F, PLAN]
    extend(
        issued_notice, official, ends_on=datetime.date(2017, 12, 15), decided_on=datetime.date(2017, 12, 1)
    )

    # Friday 15 December + 10 working days (25, 26 Dec and 1 Jan skipped) is Wednesday 3 January.
    assert labels(escalate(datetime.date(2018, 1, 3))) == [NOVEMBER_REPORT]
    again = escalate(datetime.date(2018, 1, 4))

    assert labels(again) == [F, PLAN]
    assert {e.due_on for e in again} == {datetime.date(2017, 12, 15)}
    due_dates = Escalation.objects.filter(obligation=plan_of(issued_notice)).values_list("due_on", flat=True)
    assert sorted(due_dates) == [COMPLIANCE_DUE, datetime.date(2017, 12, 15)]


def test_a_run_for_a_day_before_an_extension_sees_the_date_owed_then(issued_notice, official):
    """Extended on 1 December to the end of January: on 29 November both were 11 working days late."""
    extend(issued_notice, official, ends_on=datetime.date(2018, 1, 31), decided_on=datetime.date(2017, 12, 1))

    raised = escalate(ELEVENTH_WORKING_DAY)

    assert labels(raised) == [F, PLAN]
    assert {e.due_on for e in raised} == {COMPLIANCE_DUE}


def test_a_past_date_is_judged_as_things_stood_then(issued_notice, powys_officer, powys_contacts):
    # Everything else the council owes was sent on time; (f)'s evidence is submitted today.
    services.plan_submit(
        plan=issued_notice.improvement_plan, by=powys_officer, on=datetime.date(2017, 11, 13), summary="Plan"
    )
    for report in issued_notice.board_reports.order_by("month"):
        services.board_report_submit(
            report=report, by=powys_officer, on=report.obligation.due_on, summary="Report"
        )
    submit(issued_notice.requirements.get(letter="f"), powys_officer)
    # Owed now? No: with Welsh Government. Owed on 29 November 2017? Yes.
    assert escalate(timezone.localdate()) == []

    out = StringIO()
    call_command("escalate_overdue", "--today", "2017-11-29", stdout=out)

    assert "1 escalation raised as of 2017-11-29" in out.getvalue()
    escalation = Escalation.objects.get()
    assert (escalation.obligation.label, escalation.raised_on) == (F, ELEVENTH_WORKING_DAY)


def test_a_notice_not_yet_given_on_that_date_is_not_escalated(issued_notice):
    # 10 November 2016 is before the notice was given (17 October 2017).
    assert escalate(datetime.date(2016, 11, 10)) == []


def test_the_command_counts_the_people_addressed_in_one_query(
    christmas_requirement, official, powys_contacts, django_capture_on_commit_callbacks
):
    services.notice_issue(notice=christmas_requirement.notice, by=official, on=GIVEN_ON)
    out = StringIO()

    with CaptureQueriesContext(connection) as queries:
        call_command("escalate_overdue", "--today", "2018-01-09", stdout=out)

    # (f), the plan, November's Board report and (h): each to 3 contacts and the official.
    assert out.getvalue().count("(4 people addressed)") == 4
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "escalationrecipient" in q["sql"]]
    assert len(counts) == 1


def test_the_command_escalates_and_reports(issued_notice, powys_contacts):
    out = StringIO()
    call_command("escalate_overdue", "--today", "2017-11-29", stdout=out)
    call_command("escalate_overdue", "--today", "2017-11-29", stdout=out)

    output = out.getvalue()
    assert "2 escalations raised as of 2017-11-29" in output
    assert "0 escalations raised as of 2017-11-29" in output
    assert Escalation.objects.count() == 2


def test_the_command_refuses_a_bad_date(issued_notice):
    with pytest.raises(CommandError, match="is not a real date"):
        call_command("escalate_overdue", "--today", "2017-02-30")


# Acknowledging ----------------------------------------------------------------------------------


def acknowledge_url(escalation):
    return reverse("intervention:escalation_acknowledge", args=[escalation.pk])


def test_the_person_addressed_acknowledges_with_a_note(client, finding_escalation, leader):
    client.force_login(leader)

    response = client.post(acknowledge_url(finding_escalation), {"note": "Briefing cabinet on Monday."})

    assert response.status_code == 302
    assert response.url == finding_escalation.get_absolute_url()
    recipient = finding_escalation.recipients.get(user=leader)
    assert recipient.state == AcknowledgementState.ACKNOWLEDGED
    assert recipient.acknowledged_at is not None
    assert recipient.acknowledgement_note == "Briefing cabinet on Monday."
    row = recipient.history.latest()
    assert (row.history_user, row.history_change_reason, row.state) == (
        leader,
        "acknowledge: Briefing cabinet on Monday.",
        AcknowledgementState.ACKNOWLEDGED,
    )
    log = TransitionLog.objects.get(transition="acknowledge")
    assert (log.by, log.object_id, log.target_state) == (leader, recipient.pk, "acknowledged")
    # The others still have to acknowledge.
    assert finding_escalation.recipients.filter(state=AcknowledgementState.AWAITING).count() == 4


def test_the_record_of_who_was_told_names_people_as_they_were(
    client, finding_escalation, leader, official, administrator
):
    """A leader who acknowledged and later changed their name is shown by the name they had."""
    client.force_login(leader)
    client.post(acknowledge_url(finding_escalation), {"note": "Briefing cabinet on Monday."})
    name_then = str(leader)
    leader.last_name = "Renamed-Later"
    save_with_history(leader, by=administrator, reason="admin change")

    client.force_login(official)
    page = client.get(finding_escalation.get_absolute_url()).content.decode()

    record = page.split("Record of who was told and when", 1)[1]
    (row,) = [tr for tr in record.split("<tr") if "Acknowledged" in tr]
    who = row.rsplit('<td class="govuk-table__cell">', 1)[1]
    assert who.startswith(name_then)


def test_someone_else_who_can_see_it_gets_403(client, finding_escalation, powys_officer, inspector):
    for person in (powys_officer, inspector):
        client.force_login(person)
        assert client.post(acknowledge_url(finding_escalation), {"note": ""}).status_code == 403
    assert not finding_escalation.recipients.filter(state=AcknowledgementState.ACKNOWLEDGED).exists()


def test_another_councils_contact_gets_404(client, finding_escalation, cardiff_leader):
    client.force_login(cardiff_leader)
    assert client.post(acknowledge_url(finding_escalation), {"note": ""}).status_code == 404
    assert client.get(finding_escalation.get_absolute_url()).status_code == 404


def test_acknowledging_twice_says_so_and_changes_nothing(client, finding_escalation, leader):
    client.force_login(leader)
    client.post(acknowledge_url(finding_escalation), {"note": "First"})
    recipient = finding_escalation.recipients.get(user=leader)
    rows = recipient.history.count()

    response = client.post(acknowledge_url(finding_escalation), {"note": "Second"}, follow=True)

    assert response.status_code == 200
    assert (
        "You already acknowledged this escalation on"
        in [str(m) for m in get_messages(response.wsgi_request)][-1]
    )
    recipient.refresh_from_db()
    assert recipient.acknowledgement_note == "First"
    assert recipient.history.count() == rows
    assert TransitionLog.objects.filter(transition="acknowledge").count() == 1


def test_the_service_refuses_someone_not_addressed(finding_escalation, powys_officer):
    with pytest.raises(PermissionDenied):
        escalation_services.escalation_acknowledge(escalation=finding_escalation, by=powys_officer)


def test_the_service_refuses_a_second_acknowledgement(finding_escalation, leader):
    escalation_services.escalation_acknowledge(escalation=finding_escalation, by=leader)
    with pytest.raises(fsm.TransitionNotAllowed, match="already acknowledged"):
        escalation_services.escalation_acknowledge(escalation=finding_escalation, by=leader)


def test_a_too_long_note_is_a_form_error_and_nothing_changes(client, finding_escalation, leader):
    client.force_login(leader)

    response = client.post(acknowledge_url(finding_escalation), {"note": "x" * 5001})

    assert response.status_code == 200
    assert "Note must be 5,000 characters or fewer" in response.content.decode()
    assert finding_escalation.recipients.get(user=leader).state == AcknowledgementState.AWAITING


def test_acknowledging_needs_a_post(client, finding_escalation, leader):
    client.force_login(leader)
    assert client.get(acknowledge_url(finding_escalation)).status_code == 405


def test_acknowledging_needs_the_csrf_token(finding_escalation, leader):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(leader)
    assert client.post(acknowledge_url(finding_escalation), {"note": ""}).status_code == 403
    assert finding_escalation.recipients.get(user=leader).state == AcknowledgementState.AWAITING


# Pages: who sees what -------------------------------------------------------------------------


LIST_STATUS = {
    "official": 200,
    "inspector": 200,
    "powys_officer": 200,
    "cardiff_officer": 200,
    "administrator": 403,
}


@pytest.mark.parametrize("who, status", LIST_STATUS.items())
def test_list_by_role(who, status, client, people, finding_escalation, overdue_escalation):
    client.force_login(people[who])

    response = client.get(reverse("intervention:escalation_list"))

    assert response.status_code == status
    if status == 200:
        shown = {e.pk for e in response.context["page_obj"]}
        expected = {
            "official": {finding_escalation.pk, overdue_escalation.pk},
            "inspector": {finding_escalation.pk},  # findings only, not what a council owes
            "powys_officer": {finding_escalation.pk, overdue_escalation.pk},
            "cardiff_officer": set(),
        }[who]
        assert shown == expected


def test_anonymous_is_sent_to_sign_in(client, finding_escalation):
    for url in (reverse("intervention:escalation_list"), finding_escalation.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize(
    "who, finding_status, overdue_status",
    [
        ("official", 200, 200),
        ("inspector", 200, 404),
        ("powys_officer", 200, 200),
        ("cardiff_officer", 404, 404),
        ("administrator", 404, 404),
    ],
)
def test_detail_by_role_and_council(
    who, finding_status, overdue_status, client, people, finding_escalation, overdue_escalation
):
    client.force_login(people[who])
    assert client.get(finding_escalation.get_absolute_url()).status_code == finding_status
    assert client.get(overdue_escalation.get_absolute_url()).status_code == overdue_status


def test_detail_shows_who_was_told_and_who_acknowledged_when(client, finding_escalation, leader, official):
    escalation_services.escalation_acknowledge(escalation=finding_escalation, by=leader, note="Seen.")
    client.force_login(official)

    response = client.get(finding_escalation.get_absolute_url())

    page = response.content.decode()
    assert "Interim Director of Social Services" in page
    assert "Seen." in page
    assert "Acknowledged" in page
    assert response.context["can_acknowledge"] is True  # the official is addressed too
    actions = [e.action for e in response.context["entries"]]
    assert "Acknowledged" in actions and "Emailed" in actions and "Addressed to them" in actions


def test_the_acknowledge_form_is_offered_only_to_those_still_to_acknowledge(
    client, finding_escalation, leader, powys_officer
):
    client.force_login(leader)
    assert 'name="note"' in client.get(finding_escalation.get_absolute_url()).content.decode()
    client.force_login(powys_officer)
    assert 'name="note"' not in client.get(finding_escalation.get_absolute_url()).content.decode()


def test_the_list_can_show_only_those_awaiting(client, finding_escalation, overdue_escalation, official):
    for recipient in overdue_escalation.recipients.select_related("user"):
        escalation_services.escalation_acknowledge(escalation=overdue_escalation, by=recipient.user)
    client.force_login(official)

    response = client.get(reverse("intervention:escalation_list"), {"show": "awaiting"})

    assert [e.pk for e in response.context["page_obj"]] == [finding_escalation.pk]


# Dashboards -------------------------------------------------------------------------------------


def test_home_shows_escalations_awaiting_my_acknowledgement(client, finding_escalation, leader):
    client.force_login(leader)

    response = client.get(reverse("home"))

    assert [r.escalation for r in response.context["escalations_awaiting_me"]] == [finding_escalation]
    assert "Escalations awaiting your acknowledgement" in response.content.decode()
    escalation_services.escalation_acknowledge(escalation=finding_escalation, by=leader)
    response = client.get(reverse("home"))
    assert response.context["escalations_awaiting_me"] == []
    # Still outstanding for others on the council's page.
    assert response.context["escalations_outstanding"] == [finding_escalation]


def test_home_of_another_council_shows_none(client, finding_escalation, cardiff_leader):
    client.force_login(cardiff_leader)
    response = client.get(reverse("home"))
    assert response.context["escalations_awaiting_me"] == []
    assert response.context["escalations_outstanding"] == []


def test_officials_see_unacknowledged_escalations_across_wales(client, overdue_escalation, wg_lead):
    # An official who joined after it was raised is not addressed: it is among those not yet acknowledged.
    newcomer = UserFactory(username="wg-newcomer", official=True)
    client.force_login(newcomer)
    response = client.get(reverse("home"))
    assert response.context["escalations_outstanding"] == [overdue_escalation]
    assert "Escalations not yet acknowledged by everyone" in response.content.decode()
    # An official it is addressed to sees it once: among those awaiting their acknowledgement.
    client.force_login(wg_lead)
    response = client.get(reverse("home"))
    assert [r.escalation for r in response.context["escalations_awaiting_me"]] == [overdue_escalation]
    assert response.context["escalations_outstanding"] == []


# Reminders ---------------------------------------------------------------------------------------


def reminded(today):
    return sorted(
        r.user.username for r in escalation_selectors.unacknowledged_escalation_reminders(today=today)
    )


def test_unacknowledged_escalations_are_reminded_after_two_working_days_then_weekly(
    overdue_escalation, leader, client
):
    # Raised on Wednesday 29 November 2017.
    escalation_services.escalation_acknowledge(escalation=overdue_escalation, by=leader)
    everyone_else = sorted(
        r.user.username for r in overdue_escalation.recipients.exclude(user=leader).select_related("user")
    )
    mail.outbox.clear()

    assert reminded(datetime.date(2017, 11, 30)) == []
    assert reminded(datetime.date(2017, 12, 1)) == everyone_else
    assert len(escalation_services.send_escalation_reminders(today=datetime.date(2017, 12, 1)).sent) == len(
        everyone_else
    )
    assert escalation_services.send_escalation_reminders(today=datetime.date(2017, 12, 1)).sent == []
    assert reminded(datetime.date(2017, 12, 7)) == []
    assert reminded(datetime.date(2017, 12, 8)) == everyone_else

    assert len(mail.outbox) == len(everyone_else)
    assert mail.outbox[0].subject.startswith("Reminder: escalation about Powys County Council")
    recipient = overdue_escalation.recipients.exclude(user=leader).first()
    assert (recipient.last_reminded_on, recipient.reminders_sent) == (datetime.date(2017, 12, 1), 1)
    assert recipient.history.latest().history_change_reason == "reminded"
    client.force_login(leader)
    page = client.get(overdue_escalation.get_absolute_url()).content.decode()
    assert "Reminded once, on 1 December 2017" in page
    assert "Reminded by email" in page


@pytest.mark.parametrize(
    "raised_on, today, due",
    [
        (datetime.date(2017, 12, 22), datetime.date(2017, 12, 27), False),  # Fri; 25, 26 Dec skipped
        (datetime.date(2017, 12, 22), datetime.date(2017, 12, 28), True),
    ],
)
def test_the_first_reminder_waits_two_working_days(raised_on, today, due):
    holidays = {datetime.date(2017, 12, 25), datetime.date(2017, 12, 26)}
    assert (
        deadlines.escalation_reminder_due(raised_on, last_reminded_on=None, today=today, non_working=holidays)
        is due
    )


# Senior contacts and the case lead are recorded by administrators --------------------------------


def test_a_senior_contact_must_be_an_officer_of_that_council(powys, cardiff_officer, official):
    for user in (cardiff_officer, official):
        with pytest.raises(ValidationError) as error:
            SeniorContact(council=powys, user=user, position=SeniorPosition.LEADER).full_clean()
        assert "user" in error.value.error_dict


def test_an_other_position_needs_a_title(powys, powys_officer):
    with pytest.raises(ValidationError) as error:
        SeniorContact(council=powys, user=powys_officer, position=SeniorPosition.OTHER).full_clean()
    assert "title" in error.value.error_dict


def test_administrator_records_a_senior_contact_in_the_admin(client, administrator, powys, powys_officer):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:intervention_seniorcontact_add"),
        {
            "council": powys.pk,
            "user": powys_officer.pk,
            "position": SeniorPosition.CHIEF_EXECUTIVE,
            "title": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    row = SeniorContact.objects.get().history.get()
    assert (row.history_user, row.history_change_reason) == (administrator, "admin add")


def test_administrator_sets_only_the_case_lead_in_the_admin(client, administrator, powys_case, wg_lead):
    client.force_login(administrator)
    url = reverse("admin:intervention_interventioncase_change", args=[powys_case.pk])
    form = client.get(url).context["adminform"].form
    assert list(form.fields) == ["lead"]

    response = client.post(
        url,
        {"lead": wg_lead.pk, "title": "Rewritten", "notices-TOTAL_FORMS": 0, "notices-INITIAL_FORMS": 0},
    )

    assert response.status_code == 302
    powys_case.refresh_from_db()
    assert (powys_case.lead, powys_case.title) == (wg_lead, "Powys children's services")
    assert powys_case.history.latest().history_user == administrator


def test_the_case_lead_must_be_an_official(powys_case, powys_officer):
    powys_case.lead = powys_officer
    with pytest.raises(ValidationError):
        powys_case.full_clean(exclude=["state"])


# Query budgets -----------------------------------------------------------------------------------


def build_escalations(council, rows, recipients):
    inspection = InspectionFactory(council=council, published=True)
    findings = Finding.objects.bulk_create(
        Finding(inspection=inspection, theme="safeguarding", kind="serious_concern", text=f"Concern {i}")
        for i in range(rows)
    )
    escalations = Escalation.objects.bulk_create(
        Escalation(
            source=EscalationSource.SERIOUS_FINDING,
            council=council,
            finding=f,
            reason="r",
            raised_on=GIVEN_ON,
        )
        for f in findings
    )
    bulk_create_with_history(
        [
            EscalationRecipient(escalation=e, user=u, kind=RecipientKind.SENIOR_CONTACT, position="Leader")
            for e in escalations
            for u in recipients
        ],
        EscalationRecipient,
    )
    return escalations


@pytest.mark.parametrize("rows", [5, 500])
def test_list_query_budget_does_not_grow(
    rows, client, official, powys, leader, django_assert_max_num_queries
):
    build_escalations(powys, rows, [leader, official])
    client.force_login(official)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("intervention:escalation_list"))

    assert response.status_code == 200
    assert len(response.context["page_obj"]) == min(rows, 25)


@pytest.mark.parametrize("rows", [5, 500])
def test_detail_query_budget_does_not_grow(rows, client, powys, leader, django_assert_max_num_queries):
    council = OrganisationFactory(kind=OrganisationKind.LOCAL_AUTHORITY)
    people = UserFactory.create_batch(rows, organisation=council)
    (escalation,) = build_escalations(powys, 1, [leader, *people])
    client.force_login(leader)

    with django_assert_max_num_queries(10):
        response = client.get(escalation.get_absolute_url())

    assert response.status_code == 200
    assert len(response.context["recipients"]) == rows + 1


@pytest.mark.parametrize("rows", [5, 500])
def test_home_query_budget_holds_with_escalations(rows, client, powys, leader, django_assert_max_num_queries):
    build_escalations(powys, rows, [leader])
    client.force_login(leader)

    with django_assert_max_num_queries(20):
        response = client.get(reverse("home"))

    assert len(response.context["escalations_awaiting_me"]) == min(rows, 50)


def test_the_daily_reminders_command_also_reminds_unacknowledged_escalations(overdue_escalation):
    mail.outbox.clear()
    out = StringIO()

    call_command("send_reminders", "--today", "2017-12-01", stdout=out)

    assert "5 reminders of unacknowledged escalations sent." in out.getvalue()
    reminders = [m for m in mail.outbox if m.subject.startswith("Reminder: escalation about Powys")]
    assert len(reminders) == overdue_escalation.recipients.count() == 5


# Only people who may still see an escalation are told about it ------------------------------------


def move_to(user, council):
    user.organisation = council
    user.save()


@pytest.fixture
def undelivered_escalation(inspector, powys, powys_contacts, wg_lead):
    """A published serious concern whose first emails have not gone yet (the on-commit step not run)."""
    _inspection, finding = publish_with_finding(inspector, powys, FindingKind.SERIOUS_CONCERN)
    escalation = Escalation.objects.get(finding=finding)
    assert not escalation.recipients.filter(notified_at__isnull=False).exists()
    return escalation


def test_an_officer_who_moved_council_is_not_emailed_or_reminded(undelivered_escalation, leader, cardiff):
    move_to(leader, cardiff)
    escalation = undelivered_escalation
    raised_on = escalation.raised_on  # the day it was raised: the day the report was published

    assert escalation_services.deliver_escalation(escalation_id=escalation.pk) == 4
    assert "powys-leader@example.gov.wales" not in [m.to[0] for m in mail.outbox]
    assert escalation.recipients.get(user=leader).notified_at is None
    # Not retried by the daily run either, and never reminded.
    assert escalation_services.deliver_undelivered_escalations(today=raised_on).sent == []
    later = raised_on + datetime.timedelta(days=14)
    assert "powys-leader" not in reminded(later)
    assert len(reminded(later)) == 4
    mail.outbox.clear()
    call_command("send_reminders", "--today", later.isoformat(), stdout=StringIO())
    assert len(mail.outbox) == 4
    assert all(m.to != ["powys-leader@example.gov.wales"] for m in mail.outbox)


def test_a_lead_who_is_no_longer_an_official_is_not_reminded(overdue_escalation, wg_lead, powys):
    wg_lead.role = "council_officer"
    move_to(wg_lead, powys)  # now an officer of the council: may see it, so still reminded
    assert "wg-lead" in reminded(datetime.date(2017, 12, 1))

    inspectorate = OrganisationFactory(kind=OrganisationKind.INSPECTORATE)
    wg_lead.role = "inspector"
    move_to(wg_lead, inspectorate)  # an inspector does not see an overdue obligation's escalation

    assert "wg-lead" not in reminded(datetime.date(2017, 12, 1))
    assert overdue_escalation.recipients.filter(user=wg_lead).exists()  # the record of who was told stays


# A failed first email is retried by the daily run ----------------------------------------------


@pytest.fixture
def failing_send_mail(monkeypatch):
    """Make every escalation email fail while `failing` is True."""
    state = {"failing": True}
    real = escalation_services.send_mail

    def send_mail(*args, **kwargs):
        if state["failing"]:
            raise ConnectionRefusedError("the mail server is down")
        return real(*args, **kwargs)

    monkeypatch.setattr(escalation_services, "send_mail", send_mail)
    return state


def test_a_failed_first_email_is_sent_by_the_next_daily_run(
    inspector, powys, powys_contacts, failing_send_mail, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _inspection, finding = publish_with_finding(inspector, powys, FindingKind.SERIOUS_CONCERN)
    escalation = Escalation.objects.get(finding=finding)
    assert mail.outbox == []
    assert not escalation.recipients.filter(notified_at__isnull=False).exists()
    today = escalation.raised_on
    tomorrow = today + datetime.timedelta(days=1)

    err = StringIO()
    with pytest.raises(CommandError, match="3 escalation emails could not be sent; the next run sends them"):
        call_command("send_reminders", "--today", today.isoformat(), stdout=StringIO(), stderr=err)
    assert "Could not send an escalation email to " in err.getvalue()
    assert "the mail server is down" in err.getvalue()
    assert not escalation.recipients.filter(notified_at__isnull=False).exists()

    failing_send_mail["failing"] = False
    out = StringIO()
    call_command("send_reminders", "--today", tomorrow.isoformat(), stdout=out)

    assert len(mail.outbox) == 3  # the senior contacts (the officials have no email address here)
    assert mail.outbox[0].subject == "Escalation: a serious matter about Powys County Council"
    assert "3 escalations emailed for the first time" in out.getvalue()
    assert "Sent: Escalation (first email) to " in out.getvalue()
    assert not escalation.recipients.filter(notified_at__isnull=True).exclude(user__email="").exists()
    leader = escalation.recipients.get(user__username="powys-leader")
    assert leader.history.latest().history_change_reason == "emailed"
    # The next day nothing more: no second first email, and no reminder yet (2 working days).
    mail.outbox.clear()
    call_command("send_reminders", "--today", tomorrow.isoformat(), stdout=StringIO())
    assert mail.outbox == []


def test_an_error_after_commit_never_breaks_the_publication(
    inspector, powys, powys_contacts, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("the template is broken")

    monkeypatch.setattr(escalation_services, "escalation_email", broken)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        inspection, finding = publish_with_finding(inspector, powys, FindingKind.SERIOUS_CONCERN)

    assert len(callbacks) == 1
    inspection.refresh_from_db()
    assert inspection.state == "published"
    assert Escalation.objects.filter(finding=finding).exists()


# Reminders: claimed before sending, restored on failure; dry run ---------------------------------


def test_a_failed_reminder_is_not_recorded_and_the_next_run_sends_it(overdue_escalation, failing_send_mail):
    mail.outbox.clear()
    day = datetime.date(2017, 12, 1)

    run = escalation_services.send_escalation_reminders(today=day)

    assert run.sent == [] and len(run.failed) == 5
    assert "ConnectionRefusedError: the mail server is down" in run.failed[0][1]
    assert set(overdue_escalation.recipients.values_list("last_reminded_on", "reminders_sent")) == {(None, 0)}

    failing_send_mail["failing"] = False
    assert len(escalation_services.send_escalation_reminders(today=day).sent) == 5
    assert set(overdue_escalation.recipients.values_list("last_reminded_on", "reminders_sent")) == {(day, 1)}


def test_a_reminder_claimed_by_an_overlapping_run_is_not_sent_again(overdue_escalation, monkeypatch):
    day = datetime.date(2017, 12, 1)
    seen_by_the_other_run = escalation_selectors.unacknowledged_escalation_reminders(today=day)
    assert len(escalation_services.send_escalation_reminders(today=day).sent) == 5
    mail.outbox.clear()

    # The second run read the same people before the first recorded anything.
    monkeypatch.setattr(
        escalation_selectors, "unacknowledged_escalation_reminders", lambda today: seen_by_the_other_run
    )
    run = escalation_services.send_escalation_reminders(today=day)

    assert (run.sent, run.failed, mail.outbox) == ([], [], [])
    assert set(overdue_escalation.recipients.values_list("reminders_sent", flat=True)) == {1}


def test_dry_run_lists_escalations_reminders_and_first_emails_and_changes_nothing(
    overdue_escalation, undelivered_escalation
):
    mail.outbox.clear()
    out = StringIO()
    escalations = Escalation.objects.count()
    # Well after both were raised: reminders of the older one, first emails of the newer one.
    later = max(undelivered_escalation.raised_on, overdue_escalation.raised_on) + datetime.timedelta(days=30)

    call_command("send_reminders", "--today", later.isoformat(), "--dry-run", stdout=out)

    lines = out.getvalue().splitlines()
    assert mail.outbox == []
    assert Escalation.objects.count() == escalations
    assert not EscalationRecipient.objects.filter(last_reminded_on__isnull=False).exists()
    assert not undelivered_escalation.recipients.filter(notified_at__isnull=False).exists()
    reminders_ = [line for line in lines if line.startswith("Would send: Escalation reminder to ")]
    first = [line for line in lines if line.startswith("Would send: Escalation (first email) to ")]
    assert len(reminders_) == 5 and len(first) == 5
    assert any(
        f"<powys-leader@example.gov.wales> about escalation {overdue_escalation.pk} (Obligation overdue, "
        "Powys County Council, raised on 29 November 2017)" in line
        for line in reminders_
    )
    assert "5 reminders of unacknowledged escalations would be sent." in lines
    assert "5 escalation emails not yet sent would be sent." in lines


def test_dry_run_lists_what_would_be_escalated(issued_notice, powys_contacts):
    out = StringIO()

    call_command("send_reminders", "--today", "2017-11-29", "--dry-run", stdout=out)

    lines = out.getvalue().splitlines()
    assert [line for line in lines if line.startswith("Would escalate: ")] == [
        f"Would escalate: {what} of “Warning notice: Powys children's services” was due on 14 November 2017 "
        "and on 29 November 2017 was 11 working days overdue (escalated after more than 10)."
        for what in (F, PLAN)
    ]
    assert Escalation.objects.count() == 0


def test_the_daily_run_escalates_overdue_obligations_first(issued_notice, powys_contacts, wg_lead):
    first, second = StringIO(), StringIO()

    call_command("send_reminders", "--today", "2017-11-29", stdout=first)
    call_command("send_reminders", "--today", "2017-11-29", stdout=second)

    escalations = Escalation.objects.order_by("due_on", "obligation_id")
    assert labels(escalations) == [F, PLAN]
    lines = first.getvalue().splitlines()
    escalated = [i for i, line in enumerate(lines) if line.startswith("Escalated: ")]
    reminded = [i for i, line in enumerate(lines) if line.startswith("Sent: ")]
    assert [lines[i].split(" of ")[0] for i in escalated] == [f"Escalated: {F}", f"Escalated: {PLAN}"]
    assert reminded and max(escalated) < min(reminded)  # escalated before the reminders go
    assert "Escalated: " not in second.getvalue()
    # Their first emails went in the same run (the on-commit step does not run inside a test).
    assert not EscalationRecipient.objects.filter(notified_at__isnull=True).exists()
    for escalation in escalations:
        assert set(escalation.recipients.values_list("user__email", flat=True)) == {
            "powys-leader@example.gov.wales",
            "powys-chief-executive@example.gov.wales",
            "powys-director@example.gov.wales",
            "official@example.gov.wales",
            "lead@example.gov.wales",
        }
    escalation_emails = [m.to[0] for m in mail.outbox if m.subject.startswith("Escalation:")]
    assert len(escalation_emails) == 10


# Email text is plain text: no HTML entities -------------------------------------------------------


def test_the_email_is_plain_text_without_html_entities(inspector, django_capture_on_commit_callbacks):
    council = OrganisationFactory(
        code="bgt", name="Blaenau Gwent & Torfaen <Joint>", kind=OrganisationKind.LOCAL_AUTHORITY
    )
    contact(council, SeniorPosition.LEADER, "bgt-leader")

    with django_capture_on_commit_callbacks(execute=True):
        _inspection, finding = publish_with_finding(inspector, council, FindingKind.SERIOUS_CONCERN)

    (message,) = [m for m in mail.outbox if m.to == ["bgt-leader@example.gov.wales"]]
    assert message.subject == "Escalation: a serious matter about Blaenau Gwent & Torfaen <Joint>"
    assert "A serious matter about Blaenau Gwent & Torfaen <Joint> has been escalated to you." in message.body
    assert "children's services" in message.body
    assert "&amp;" not in message.subject + message.body and "&#x27;" not in message.body
    recipient = EscalationRecipient.objects.get(escalation__finding=finding, user__username="bgt-leader")
    subject, _body = escalation_services.escalation_email(recipient.escalation, recipient, reminder=True)
    assert subject == "Reminder: escalation about Blaenau Gwent & Torfaen <Joint> awaits your acknowledgement"
