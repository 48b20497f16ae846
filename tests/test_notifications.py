"""Notifications of hand-offs: who is told of each, once; the emails: immediate, retried, daily digest."""

from __future__ import annotations

import datetime
import smtplib

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import CommandError, call_command
from django.urls import reverse

from intervention import services
from intervention.choices import SeniorPosition
from intervention.escalations import services as escalation_services
from intervention.models import (
    EmailFrequency,
    Notification,
    NotificationKind,
    SeniorContact,
    Submission,
)
from intervention.notifications import services as notification_services

from .factories import UserFactory
from .workflow import PLAN_SUBMITTED, Casework, reread

K = NotificationKind


@pytest.fixture
def senior(powys):
    """Powys's director of social services, a senior contact (and a Powys council officer)."""
    person = UserFactory(username="powys-director", organisation=powys, email="director@powys.example")
    SeniorContact.objects.create(
        council=powys, user=person, position=SeniorPosition.DIRECTOR_OF_SOCIAL_SERVICES
    )
    return person


@pytest.fixture
def emailed(powys_officer, official, cardiff_officer):
    """Give the people addresses, so what they are emailed can be read from the outbox."""
    for person in (powys_officer, official, cardiff_officer):
        person.email = f"{person.username}@example.org"
        person.save(update_fields=["email"])


@pytest.fixture
def casework(official, powys_officer):
    return Casework(official=official, officer=powys_officer)


def kinds(person) -> list[str]:
    return sorted(Notification.objects.filter(recipient=person).values_list("kind", flat=True))


def of_kind(person, kind) -> list[Notification]:
    return list(Notification.objects.filter(recipient=person, kind=kind))


def sent_to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [address]]


# Who is told of each hand-off -------------------------------------------------------------------


def test_a_notice_given_tells_the_councils_officers_and_senior_contacts_and_nobody_elsewhere(
    draft_notice, official, powys_officer, cardiff_officer, senior
):
    notice = services.notice_issue(notice=draft_notice, by=official, on=datetime.date(2017, 10, 17))

    (told,) = of_kind(powys_officer, K.NOTICE_ISSUED)
    assert (told.notice_id, told.council_id, told.case_id) == (
        notice.pk,
        notice.case.council_id,
        notice.case_id,
    )
    assert told.path == reverse("intervention:notice_detail", args=[notice.pk])
    assert "Powys County Council" in told.subject and notice.title in told.subject
    # What is owed, by whom, in a sentence that keeps the Ministers' capitals.
    assert "owed by the council:" in told.body and "owed by the Welsh Ministers:" in told.body
    assert len(of_kind(senior, K.NOTICE_ISSUED)) == 1
    # Not the official who gave it, and nothing at all to another council.
    assert of_kind(official, K.NOTICE_ISSUED) == []
    assert kinds(cardiff_officer) == []


def test_a_hand_off_reported_twice_tells_each_person_once(powys_officer, senior, issued_notice):
    again = notification_services.notice_issued(issued_notice, by=None, lines=["Given again?"])

    assert again == []
    assert len(of_kind(powys_officer, K.NOTICE_ISSUED)) == 1
    assert len(of_kind(senior, K.NOTICE_ISSUED)) == 1


def test_the_unique_key_is_a_database_guarantee(powys_officer, issued_notice):
    from django.db import IntegrityError, transaction

    told = of_kind(powys_officer, K.NOTICE_ISSUED)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            recipient=powys_officer, kind=told.kind, dedupe_key=told.dedupe_key, path="/"
        )


def test_evidence_submitted_tells_welsh_government_not_the_council(
    requirement_a, official, powys_officer, cardiff_officer
):
    submission = services.requirement_submit(requirement=requirement_a, by=powys_officer, statement="Done.")

    (told,) = of_kind(official, K.EVIDENCE_SUBMITTED)
    assert told.path == reverse("intervention:requirement_detail", args=[requirement_a.pk])
    assert "requirement (a)" in told.subject
    assert of_kind(powys_officer, K.EVIDENCE_SUBMITTED) == []
    assert kinds(cardiff_officer) == []
    # Reported again: nobody is told twice.
    assert notification_services.evidence_submitted(submission, by=powys_officer) == []
    assert len(of_kind(official, K.EVIDENCE_SUBMITTED)) == 1


def test_evidence_submitted_goes_to_the_case_lead_when_there_is_one(requirement_a, official, powys_officer):
    other_official = UserFactory(username="wg-other", official=True)
    case = requirement_a.notice.case
    case.lead = official
    case.save(update_fields=["lead"])

    services.requirement_submit(requirement=requirement_a, by=powys_officer, statement="Done.")

    assert len(of_kind(official, K.EVIDENCE_SUBMITTED)) == 1
    assert of_kind(other_official, K.EVIDENCE_SUBMITTED) == []


def test_returned_evidence_tells_the_council_why(
    requirement_a, official, powys_officer, cardiff_officer, senior
):
    services.requirement_submit(requirement=requirement_a, by=powys_officer, statement="Done.")
    services.requirement_return(requirement=requirement_a, by=official, reason="The audit is missing.")

    (told,) = of_kind(powys_officer, K.EVIDENCE_RETURNED)
    assert "The audit is missing." in told.body
    assert len(of_kind(senior, K.EVIDENCE_RETURNED)) == 1
    assert of_kind(official, K.EVIDENCE_RETURNED) == []
    assert kinds(cardiff_officer) == []
    # Submitted again and returned again: a second hand-off, told again.
    services.requirement_submit(requirement=requirement_a, by=powys_officer, statement="Now with the audit.")
    services.requirement_return(requirement=requirement_a, by=official, reason="Still missing.")
    assert len(of_kind(powys_officer, K.EVIDENCE_RETURNED)) == 2
    assert len(of_kind(official, K.EVIDENCE_SUBMITTED)) == 2


def test_accepted_evidence_tells_the_council(requirement_a, official, powys_officer):
    services.requirement_submit(requirement=requirement_a, by=powys_officer, statement="Done.")
    services.requirement_accept(requirement=requirement_a, by=official)

    assert len(of_kind(powys_officer, K.EVIDENCE_ACCEPTED)) == 1
    submission = Submission.objects.get(requirement=requirement_a)
    assert notification_services.evidence_decided(submission, by=official) == []


def test_the_plan_submitted_returned_and_agreed_each_tell_who_acts_next(
    issued_notice, official, powys_officer, cardiff_officer, casework
):
    plan = casework.plan(issued_notice, PLAN_SUBMITTED)
    assert len(of_kind(official, K.PLAN_SUBMITTED)) == 1

    services.plan_return(plan=plan, by=official, reason="Add milestones.", on=datetime.date(2017, 11, 20))
    (returned,) = of_kind(powys_officer, K.PLAN_RETURNED)
    assert "Add milestones." in returned.body

    services.plan_submit(
        plan=reread(plan), by=powys_officer, on=datetime.date(2017, 11, 27), summary="Revised"
    )
    assert len(of_kind(official, K.PLAN_SUBMITTED)) == 2  # a second submission, a second hand-off

    services.plan_agree(plan=reread(plan), by=official, on=datetime.date(2017, 12, 5))
    assert len(of_kind(powys_officer, K.PLAN_AGREED)) == 1
    assert of_kind(official, K.PLAN_AGREED) == []
    assert kinds(cardiff_officer) == []


def test_a_board_report_submitted_tells_welsh_government(issued_notice, official, powys_officer, casework):
    casework.board_report(issued_notice, submitted=True)

    (told,) = of_kind(official, K.BOARD_REPORT_SUBMITTED)
    assert told.notice_id == issued_notice.pk
    assert of_kind(powys_officer, K.BOARD_REPORT_SUBMITTED) == []


def test_an_extended_compliance_period_tells_the_council_in_the_tracker(
    issued_notice, official, powys_officer, cardiff_officer
):
    services.notice_extend_compliance_period(
        notice=issued_notice,
        by=official,
        ends_on=datetime.date(2017, 12, 1),
        decided_by="The Minister for Social Services",
        reason="The interim Director started late",
        decided_on=datetime.date(2017, 11, 10),
    )

    (told,) = of_kind(powys_officer, K.OBLIGATIONS_CHANGED)
    assert "Compliance period extended" in told.subject
    assert "moved from 14 November 2017 to 1 December 2017" in told.body
    assert kinds(cardiff_officer) == []


def test_a_direction_given_tells_the_councils_officers_and_senior_contacts(
    powys_officer, cardiff_officer, senior, issued_notice, official, casework
):
    direction = casework.direction(casework.power(issued_notice))

    (told,) = of_kind(powys_officer, K.DIRECTION_GIVEN)
    assert told.path == reverse("intervention:direction_detail", args=[direction.pk])
    assert len(of_kind(senior, K.DIRECTION_GIVEN)) == 1
    assert of_kind(official, K.DIRECTION_GIVEN) == []
    assert kinds(cardiff_officer) == []
    assert notification_services.direction_given(direction, by=official) == []


def test_an_escalation_is_in_the_tracker_of_everyone_addressed_and_emailed_once(
    serious_finding,
    powys_case,
    official,
    powys_officer,
    cardiff_officer,
    senior,
    emailed,
    django_capture_on_commit_callbacks,
):
    inspection = reread(serious_finding.inspection)
    with django_capture_on_commit_callbacks(execute=True):
        (escalation,) = escalation_services.escalate_serious_findings(inspection=inspection)

    for person in (senior, official):
        (told,) = of_kind(person, K.ESCALATION_RAISED)
        assert told.path == escalation.get_absolute_url()
        assert told.email_wanted is False  # the escalation sends its own email
    # One email each, the escalation's own: not a second one for the notification.
    assert len(sent_to(senior.email)) == 1
    assert len(sent_to(official.email)) == 1
    assert kinds(cardiff_officer) == []
    call_command("send_notifications")
    assert len(sent_to(senior.email)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        escalation_services.escalation_acknowledge(escalation=escalation, by=senior, note="On the agenda.")
    (acknowledged,) = of_kind(official, K.ESCALATION_ACKNOWLEDGED)
    assert "On the agenda." in acknowledged.body
    assert of_kind(senior, K.ESCALATION_ACKNOWLEDGED) == []
    assert [m.subject for m in sent_to(official.email)][-1] == acknowledged.subject


def test_another_council_is_never_told_of_powys(
    powys_officer, cardiff_officer, senior, issued_notice, official, casework
):
    casework.requirement(issued_notice, "returned", letter="a")
    casework.plan(issued_notice, PLAN_SUBMITTED)
    casework.board_report(issued_notice, submitted=True)
    casework.direction(casework.power(issued_notice))

    assert kinds(cardiff_officer) == []
    assert Notification.objects.exclude(council_id=issued_notice.case.council_id).count() == 0
    told = set(Notification.objects.values_list("recipient__organisation__code", flat=True))
    assert told <= {"powys", official.organisation.code}


# Emails --------------------------------------------------------------------------------------------


def test_each_notification_is_emailed_once_after_the_change_is_committed_and_recorded(
    draft_notice, official, powys_officer, emailed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notice_issue(notice=draft_notice, by=official, on=datetime.date(2017, 10, 17))
        assert mail.outbox == []  # nothing goes before the change is committed
    for callback in callbacks:
        callback()

    (message,) = sent_to(powys_officer.email)
    told = Notification.objects.get(recipient=powys_officer, kind=K.NOTICE_ISSUED)
    assert message.subject == told.subject
    assert settings.SITE_URL + told.path in message.body
    assert settings.SITE_URL + reverse("intervention:notification_preferences") in message.body
    assert told.emailed_at is not None and told.email_attempts == 1 and told.email_error == ""
    assert told.history.filter(history_change_reason="emailed").count() == 1

    call_command("send_notifications")  # the daily run: nothing more to send
    assert len(sent_to(powys_officer.email)) == 1
    notification_services.send_immediate(notification_ids=[told.pk])  # nor if asked again
    assert len(sent_to(powys_officer.email)) == 1


def test_a_failed_email_is_recorded_and_sent_by_the_next_run(
    draft_notice, official, powys_officer, emailed, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    with monkeypatch.context() as patched:
        patched.setattr(EmailMessage, "send", refuse)
        with django_capture_on_commit_callbacks(execute=True):
            notice = services.notice_issue(notice=draft_notice, by=official, on=datetime.date(2017, 10, 17))
        # The change stands; the failure is recorded on the notification.
        assert reread(notice).state == "issued"
        told = Notification.objects.get(recipient=powys_officer, kind=K.NOTICE_ISSUED)
        assert (told.emailed_at, told.email_attempts) == (None, 1)
        assert "Connection unexpectedly closed" in told.email_error
        # The daily run fails again: recorded again, and said.
        with pytest.raises(CommandError, match="could not be sent"):
            call_command("send_notifications")
        assert reread(told).email_attempts == 2
    assert mail.outbox == []

    call_command("send_notifications")

    told = reread(told)
    assert told.emailed_at is not None and told.email_attempts == 3 and told.email_error == ""
    assert len(sent_to(powys_officer.email)) == 1
    call_command("send_notifications")
    assert len(sent_to(powys_officer.email)) == 1


def test_people_without_an_email_address_are_told_in_the_tracker_and_reported(
    draft_notice, official, powys_officer, capsys
):
    services.notice_issue(notice=draft_notice, by=official, on=datetime.date(2017, 10, 17))
    assert len(of_kind(powys_officer, K.NOTICE_ISSUED)) == 1

    call_command("send_notifications")

    assert mail.outbox == []
    assert "Not sent, no email address" in capsys.readouterr().out


# The daily digest ----------------------------------------------------------------------------------


def test_the_daily_digest_lists_the_days_items_once_for_the_people_who_chose_it(
    powys_officer, senior, emailed, requirement_a, official, django_capture_on_commit_callbacks
):
    notification_services.notification_preference_set(
        user=powys_officer, email_frequency=EmailFrequency.DAILY
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.requirement_submit(requirement=requirement_a, by=powys_officer, statement="Done.")
        services.requirement_return(requirement=requirement_a, by=official, reason="The audit is missing.")
        services.notice_extend_compliance_period(
            notice=requirement_a.notice,
            by=official,
            ends_on=datetime.date(2017, 12, 1),
            decided_by="The Minister for Social Services",
            reason="The interim Director started late",
            decided_on=datetime.date(2017, 11, 10),
        )
    # The digest person gets nothing straight away; the others do.
    assert sent_to(powys_officer.email) == []
    assert len(sent_to(senior.email)) == 2  # returned, and extended
    assert len(sent_to(official.email)) == 1  # evidence to review
    mail.outbox.clear()

    call_command("send_notifications")

    (digest,) = sent_to(powys_officer.email)
    items = Notification.objects.filter(recipient=powys_officer).order_by("created_at", "pk")
    assert items.count() == 3  # the notice given, the evidence returned, the period extended
    for item in items:
        assert item.subject in digest.body
        assert settings.SITE_URL + item.path in digest.body
        assert item.emailed_at is not None
    assert "3 notifications" in digest.subject

    call_command("send_notifications")  # not sent twice
    assert len(sent_to(powys_officer.email)) == 1


def test_the_digest_leaves_items_of_a_later_day_for_that_day(powys_officer, emailed, issued_notice):
    notification_services.notification_preference_set(
        user=powys_officer, email_frequency=EmailFrequency.DAILY
    )
    yesterday = Notification.objects.get(recipient=powys_officer).created_at.date() - datetime.timedelta(
        days=1
    )

    call_command("send_notifications", today=yesterday.isoformat())

    assert mail.outbox == []


def test_a_dry_run_sends_and_records_nothing(requirement_a, official, powys_officer, emailed, capsys):
    services.requirement_submit(requirement=requirement_a, by=powys_officer, statement="Done.")

    call_command("send_notifications", dry_run=True)

    assert mail.outbox == []
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 0
    assert "Would send: Evidence to review" in capsys.readouterr().out


def test_the_preference_defaults_to_immediate_and_is_recorded(powys_officer):
    from intervention.notifications import selectors

    assert selectors.email_frequency(powys_officer) == EmailFrequency.IMMEDIATE
    preference = notification_services.notification_preference_set(
        user=powys_officer, email_frequency=EmailFrequency.DAILY
    )
    assert selectors.email_frequency(powys_officer) == EmailFrequency.DAILY
    row = preference.history.latest()
    assert (row.history_user, row.email_frequency) == (powys_officer, EmailFrequency.DAILY)
