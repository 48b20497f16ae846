"""`manage.py send_reminders`: which reminder is due when, to whom, sent once, never lost to mail failures."""

import datetime
import io
import os
import smtplib
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from intervention import deadlines
from intervention import services as intervention_services
from intervention.choices import DeadlineKind, ReminderKind, RequirementDue
from intervention.deadlines import ReminderStage, reminder_stage
from intervention.models import Deadline, NonWorkingDay, Reminder
from intervention.reminders import services as reminders

from ..factories import UserFactory

PROJECT_ROOT = Path(__file__).resolve().parents[2]
d = datetime.date.fromisoformat

# Christmas and New Year 2017/18 in England and Wales: passed in, never read from the package here.
CHRISTMAS_2017 = {d("2017-12-25"), d("2017-12-26"), d("2018-01-01")}
FIXED_DUE = d("2018-01-02")  # a Tuesday straight after the Christmas and New Year bank holidays
LAYING = "Lay a copy of the notice before the National Assembly for Wales (s151(3)(a))"
PLAN_ON_14_NOV = "Due on Tuesday 14 November 2017: Improvement plan (end of the compliance period)"
# Requirement (d) is due by the end of the compliance period too, and is chased as an item of its own.
D_ON_14_NOV = "Due on Tuesday 14 November 2017: Requirement (d) (end of the compliance period)"


# The rules (pure) ---------------------------------------------------------------------------

FIVE = ReminderStage(ReminderKind.FIVE_DAYS)
TODAY = ReminderStage(ReminderKind.DUE_TODAY)
OVERDUE = ReminderStage(ReminderKind.OVERDUE)


def weekly(week: int) -> ReminderStage:
    return ReminderStage(ReminderKind.OVERDUE_WEEKLY, week)


@pytest.mark.parametrize(
    "today, non_working, expected",
    [
        # 5 working days before 2 January 2018 across three bank holidays: 22, 27, 28, 29 Dec, 2 Jan.
        pytest.param("2017-12-20", CHRISTMAS_2017, None, id="6-working-days-before-holidays"),
        pytest.param("2017-12-21", CHRISTMAS_2017, FIVE, id="5-working-days-before-across-holidays"),
        pytest.param("2017-12-27", CHRISTMAS_2017, FIVE, id="inside-the-5-days"),
        # Without the bank holidays the 5-day notice would start 5 days later.
        pytest.param("2017-12-21", set(), None, id="no-holidays-21-dec-too-early"),
        pytest.param("2017-12-25", set(), None, id="no-holidays-6-working-days-before"),
        pytest.param("2017-12-26", set(), FIVE, id="no-holidays-5-working-days-before"),
        pytest.param("2018-01-01", CHRISTMAS_2017, FIVE, id="day-before-on-a-holiday"),
        pytest.param("2018-01-02", CHRISTMAS_2017, TODAY, id="on-the-day"),
        pytest.param("2018-01-03", CHRISTMAS_2017, OVERDUE, id="day-after"),
        pytest.param("2018-01-09", CHRISTMAS_2017, OVERDUE, id="a-week-after-still-first-overdue"),
        pytest.param("2018-01-10", CHRISTMAS_2017, weekly(1), id="weekly-1"),
        pytest.param("2018-01-16", CHRISTMAS_2017, weekly(1), id="weekly-1-last-day"),
        pytest.param("2018-01-17", CHRISTMAS_2017, weekly(2), id="weekly-2"),
        pytest.param("2018-12-26", CHRISTMAS_2017, weekly(51), id="a-year-on"),
        pytest.param("2017-06-01", CHRISTMAS_2017, None, id="months-before"),
    ],
)
def test_reminder_stage_for_a_deadline_on_2_january_2018(today, non_working, expected):
    assert reminder_stage(FIXED_DUE, today=d(today), non_working=non_working) == expected


@pytest.mark.parametrize(
    "due_on, today, expected",
    [
        pytest.param("2017-11-14", "2017-11-06", None, id="powys-plan-6-working-days-before"),
        pytest.param("2017-11-14", "2017-11-07", FIVE, id="powys-plan-5-working-days-before"),
        # A calendar-day duty may fall on a Saturday: the notice starts when the dashboard says "due soon".
        pytest.param("2017-11-11", "2017-11-03", None, id="saturday-due-friday-week-before"),
        pytest.param("2017-11-11", "2017-11-06", FIVE, id="saturday-due-monday-before"),
        pytest.param("2017-11-11", "2017-11-11", TODAY, id="saturday-due-on-the-day"),
    ],
)
def test_reminder_stage_without_holidays(due_on, today, expected):
    assert reminder_stage(d(due_on), today=d(today), non_working=set()) == expected


def test_reminder_kinds_are_the_rule_names():
    assert set(ReminderKind.values) == {
        deadlines.REMINDER_FIVE_DAYS,
        deadlines.REMINDER_DUE_TODAY,
        deadlines.REMINDER_OVERDUE,
        deadlines.REMINDER_OVERDUE_WEEKLY,
    }


# Shared set-up ------------------------------------------------------------------------------
# The conftest notice: given 17 October 2017; plan (compliance) due Tue 14 Nov 2017, laying due
# Tue 7 Nov 2017, report due Mon 15 Jan 2018, Board reports due 30 Nov, 29 Dec 2017, 31 Jan 2018.


@pytest.fixture
def officer(powys_officer):
    powys_officer.email = "powys-officer@example.org"
    powys_officer.save()
    return powys_officer


@pytest.fixture
def wg(official):
    official.email = "wg-official@example.org"
    official.save()
    return official


@pytest.fixture
def notice(draft_notice, official, officer, wg):
    """The Powys notice with one more requirement (h) due on a fixed date, 2 January 2018."""
    intervention_services.requirement_add(
        notice=draft_notice,
        by=official,
        letter="h",
        text="Requirement h",
        due=RequirementDue.FIXED_DATE,
        due_on_fixed=FIXED_DUE,
    )
    return intervention_services.notice_issue(notice=draft_notice, by=official, on=d("2017-10-17"))


def deadline(notice, kind) -> Deadline:
    return notice.deadlines.get(kind=kind)


def run(*args: str) -> tuple[list[str], list[str]]:
    out, err = io.StringIO(), io.StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=err)
    return out.getvalue().splitlines(), err.getvalue().splitlines()


def sent_to(address: str) -> list[str]:
    return [m.subject for m in mail.outbox if m.to == [address]]


# Sending, once ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_run_on_7_november_sends_the_plan_notice_and_the_laying_reminder(notice, officer, wg):
    out, err = run("--today", "2017-11-07")

    assert err == []
    assert sent_to(officer.email) == [PLAN_ON_14_NOV, D_ON_14_NOV]
    assert sent_to(wg.email) == [
        "Due today: Lay a copy of the notice before the National Assembly for Wales (s151(3)(a))"
    ]
    assert len(mail.outbox) == 3
    rows = set(
        Reminder.objects.values_list(
            "deadline__kind", "requirement__letter", "recipient", "email", "kind", "week", "as_of"
        )
    )
    five_days = (officer.pk, officer.email, ReminderKind.FIVE_DAYS, 0, d("2017-11-07"))
    assert rows == {
        (DeadlineKind.COMPLIANCE, None, *five_days),  # the improvement plan
        (DeadlineKind.COMPLIANCE, "d", *five_days),  # requirement (d), on the same deadline row
        (DeadlineKind.LAYING, None, wg.pk, wg.email, ReminderKind.DUE_TODAY, 0, d("2017-11-07")),
    }
    assert out[-1] == "3 reminders sent as of 2017-11-07."


@pytest.mark.django_db
def test_second_run_the_same_day_sends_nothing(notice):
    run("--today", "2017-11-07")
    first = list(Reminder.objects.values_list("pk", flat=True))
    mail.outbox.clear()

    out, _ = run("--today", "2017-11-07")

    assert mail.outbox == []
    assert list(Reminder.objects.values_list("pk", flat=True)) == first
    assert out == ["0 reminders sent as of 2017-11-07."]


@pytest.mark.django_db
def test_the_database_refuses_the_same_reminder_twice(notice, officer):
    row = {
        "deadline": deadline(notice, DeadlineKind.COMPLIANCE),
        "recipient": officer,
        "email": officer.email,
        "kind": ReminderKind.OVERDUE_WEEKLY,
        "week": 2,
        "due_on": d("2017-11-14"),
        "as_of": d("2017-11-29"),
        "subject": "Still overdue",
    }
    Reminder.objects.create(**row)
    Reminder.objects.create(**{**row, "week": 3, "as_of": d("2017-12-06")})
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(**{**row, "as_of": d("2017-11-30")})
    assert Reminder.objects.count() == 2


@pytest.mark.django_db
def test_a_weekly_reminder_needs_its_week_and_others_have_none(notice, officer):
    row = {
        "deadline": deadline(notice, DeadlineKind.COMPLIANCE),
        "recipient": officer,
        "email": officer.email,
        "due_on": d("2017-11-14"),
        "as_of": d("2017-11-29"),
        "subject": "x",
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(**row, kind=ReminderKind.OVERDUE_WEEKLY, week=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(**row, kind=ReminderKind.OVERDUE, week=1)
    assert Reminder.objects.count() == 0


@pytest.mark.django_db
def test_a_reminder_record_cannot_be_changed_or_deleted(notice):
    run("--today", "2017-11-07")
    reminder = Reminder.objects.first()
    with pytest.raises(PermissionError):
        reminder.save()
    with pytest.raises(PermissionError):
        reminder.delete()
    with pytest.raises(PermissionError):
        Reminder.objects.update(week=5)
    with pytest.raises(PermissionError):
        Reminder.objects.all().delete()
    assert Reminder.objects.count() == 3


@pytest.mark.django_db
def test_daily_runs_send_each_reminder_once_on_its_day(notice, officer):
    """Run every day from 1 December to 25 January: requirement (h), due 2 January 2018."""
    day = d("2017-12-01")
    while day <= d("2018-01-25"):
        run("--today", day.isoformat())
        day += datetime.timedelta(days=1)

    requirement_h = notice.requirements.get(letter="h").deadline
    rows = list(
        Reminder.objects.filter(deadline=requirement_h, recipient=officer)
        .order_by("as_of")
        .values_list("as_of", "kind", "week")
    )
    assert rows == [
        (d("2017-12-21"), ReminderKind.FIVE_DAYS, 0),  # across 25, 26 Dec and 1 Jan
        (d("2018-01-02"), ReminderKind.DUE_TODAY, 0),
        (d("2018-01-03"), ReminderKind.OVERDUE, 0),
        (d("2018-01-10"), ReminderKind.OVERDUE_WEEKLY, 1),
        (d("2018-01-17"), ReminderKind.OVERDUE_WEEKLY, 2),
        (d("2018-01-24"), ReminderKind.OVERDUE_WEEKLY, 3),
    ]
    subjects = [m.subject for m in mail.outbox if "Requirement (h)" in m.subject]
    assert subjects == [
        "Due on Tuesday 2 January 2018: Requirement (h)",
        "Due today: Requirement (h)",
        "Overdue: Requirement (h)",
        "Still overdue: Requirement (h)",
        "Still overdue: Requirement (h)",
        "Still overdue: Requirement (h)",
    ]


@pytest.mark.django_db
def test_a_recorded_non_working_day_moves_the_five_day_notice(notice, officer):
    run("--today", "2017-12-20")
    assert not Reminder.objects.filter(deadline__kind=DeadlineKind.REQUIREMENT).exists()

    NonWorkingDay.objects.create(day=d("2017-12-22"), description="Office closure", source="Circular 1/2017")
    run("--today", "2017-12-20")

    assert list(Reminder.objects.filter(deadline__kind=DeadlineKind.REQUIREMENT).values_list("kind")) == [
        (ReminderKind.FIVE_DAYS,)
    ]


@pytest.mark.django_db
def test_a_missed_run_is_made_up_by_the_next_one(notice, officer):
    """No run on 7 November (the server was down): the 5-day notice goes on the 8th."""
    run("--today", "2017-11-08")
    assert sent_to(officer.email) == [PLAN_ON_14_NOV, D_ON_14_NOV]
    [message] = [m for m in mail.outbox if m.subject == PLAN_ON_14_NOV]
    assert "It is due on Tuesday 14 November 2017, 4 working days from today." in message.body


@pytest.mark.django_db
def test_reminders_stop_once_the_item_is_done(notice, officer, wg):
    plan = notice.improvement_plan
    intervention_services.plan_submit(plan=plan, by=officer, on=d("2017-11-13"), summary="Our plan.")
    intervention_services.notice_record_laying(
        notice=notice, by=wg, on=d("2017-11-06"), reference="Laid on 6 November 2017"
    )

    run("--today", "2017-11-15")

    assert sent_to(wg.email) == []
    assert all("Improvement plan" not in s for s in sent_to(officer.email))


@pytest.mark.django_db
def test_an_item_done_after_the_run_date_still_counts_as_due_then(notice, officer):
    """The Powys demo case: the plan was submitted on 13 November, so on 7 November it was still due."""
    intervention_services.plan_submit(
        plan=notice.improvement_plan, by=officer, on=d("2017-11-13"), summary="Our plan."
    )
    run("--today", "2017-11-07")
    assert sent_to(officer.email) == [PLAN_ON_14_NOV, D_ON_14_NOV]


@pytest.mark.django_db
def test_a_plan_returned_is_due_again(notice, officer, wg):
    plan = notice.improvement_plan
    intervention_services.plan_submit(plan=plan, by=officer, on=d("2017-11-13"), summary="Our plan.")
    intervention_services.plan_return(plan=plan, by=wg, reason="No timescales.")

    run("--today", "2017-11-15")

    assert sent_to(officer.email) == [
        "Overdue: Improvement plan (end of the compliance period)",
        "Overdue: Requirement (d) (end of the compliance period)",
    ]


@pytest.mark.django_db
def test_a_requirement_with_welsh_government_is_not_chased(notice, officer):
    requirement = notice.requirements.get(letter="h")
    intervention_services.requirement_submit(requirement=requirement, by=officer, statement="Done.")
    # Submitted today: from today it is with Welsh Government, so today's run does not chase it...
    run("--today", timezone.localdate().isoformat())
    assert all("Requirement (h)" not in s for s in sent_to(officer.email))
    # ...but on its due date, years before it was submitted, the council still owed it.
    run("--today", "2018-01-02")
    assert "Due today: Requirement (h)" in sent_to(officer.email)


# Requirements due by the end of the compliance period: items of their own -----------------------


def requirement_d(notice):
    return notice.requirements.get(letter="d")


@pytest.mark.django_db
def test_a_requirement_due_with_the_plan_is_still_chased_after_the_plan_is_submitted(notice, officer):
    intervention_services.plan_submit(
        plan=notice.improvement_plan, by=officer, on=d("2017-11-13"), summary="Our plan."
    )

    run("--today", "2017-11-15")

    assert sent_to(officer.email) == ["Overdue: Requirement (d) (end of the compliance period)"]
    assert Reminder.objects.get(recipient=officer).requirement == requirement_d(notice)


@pytest.mark.django_db
def test_accepting_the_requirement_does_not_stop_the_plan_reminders(notice, officer, wg):
    requirement = requirement_d(notice)
    intervention_services.requirement_submit(requirement=requirement, by=officer, statement="Drawn up.")
    intervention_services.requirement_accept(requirement=requirement_d(notice), by=wg)
    today = timezone.localdate().isoformat()  # as it stands now: (d) accepted, no plan submitted

    out, _ = run("--today", today, "--dry-run")

    about_officer = [line for line in out if "<powys-officer@example.org>" in line]
    assert any("about Improvement plan (end of the compliance period)" in line for line in about_officer)
    assert not any("Requirement (d)" in line for line in about_officer)


@pytest.mark.parametrize(
    "steps, chased",
    [
        pytest.param([], True, id="open"),
        pytest.param(["submit"], False, id="with-welsh-government"),
        pytest.param(["submit", "return"], True, id="returned"),
        pytest.param(["submit", "accept"], False, id="accepted"),
        pytest.param(["withdraw"], False, id="withdrawn"),
    ],
)
@pytest.mark.django_db
def test_a_requirement_due_with_the_plan_is_chased_only_while_the_council_owes_it(
    notice, officer, wg, steps, chased
):
    for step in steps:
        requirement = requirement_d(notice)
        if step == "submit":
            intervention_services.requirement_submit(requirement=requirement, by=officer, statement="Done.")
        elif step == "return":
            intervention_services.requirement_return(requirement=requirement, by=wg, reason="More.")
        elif step == "accept":
            intervention_services.requirement_accept(requirement=requirement, by=wg)
        else:
            intervention_services.requirement_withdraw(requirement=requirement, by=wg, reason="Not needed.")

    out, _ = run("--today", timezone.localdate().isoformat(), "--dry-run")

    assert any("about Requirement (d)" in line for line in out) is chased


@pytest.mark.django_db
def test_the_plan_and_a_requirement_on_the_same_deadline_are_each_recorded_once(notice, officer):
    row = {
        "deadline": deadline(notice, DeadlineKind.COMPLIANCE),
        "recipient": officer,
        "email": officer.email,
        "kind": ReminderKind.OVERDUE,
        "due_on": d("2017-11-14"),
        "as_of": d("2017-11-15"),
        "subject": "Overdue",
    }
    Reminder.objects.create(**row)  # the plan
    Reminder.objects.create(**row, requirement=requirement_d(notice))
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(**row, requirement=requirement_d(notice))
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(**row)
    assert Reminder.objects.count() == 2


@pytest.mark.django_db
def test_requirement_reminders_are_sent_once_on_each_day(notice, officer):
    for day in ["2017-11-07", "2017-11-07", "2017-11-14", "2017-11-15", "2017-11-15", "2017-11-22"]:
        run("--today", day)
    rows = list(
        Reminder.objects.filter(requirement=requirement_d(notice))
        .order_by("as_of")
        .values_list("as_of", "kind", "week")
    )
    assert rows == [
        (d("2017-11-07"), ReminderKind.FIVE_DAYS, 0),
        (d("2017-11-14"), ReminderKind.DUE_TODAY, 0),
        (d("2017-11-15"), ReminderKind.OVERDUE, 0),
        (d("2017-11-22"), ReminderKind.OVERDUE_WEEKLY, 1),
    ]


@pytest.mark.django_db
@override_settings(SITE_URL="https://tracker.example.gov.wales")
def test_the_requirement_email_names_the_requirement_and_links_to_it(notice, officer):
    run("--today", "2017-11-07")
    [message] = [m for m in mail.outbox if m.subject == D_ON_14_NOV]
    requirement = requirement_d(notice)
    url = "https://tracker.example.gov.wales" + reverse(
        "intervention:requirement_detail", args=[requirement.pk]
    )
    assert f"See it in the tracker: {url}" in message.body
    assert "What is due: Requirement (d): Requirement d" in message.body
    assert "It is due on Tuesday 14 November 2017, 5 working days from today." in message.body


@pytest.mark.django_db
def test_without_an_improvement_plan_the_compliance_deadline_is_chased_only_through_its_requirements(
    draft_notice, official, officer
):
    intervention_services.notice_update_draft(
        notice=draft_notice, by=official, requires_improvement_plan=False
    )
    intervention_services.notice_issue(notice=draft_notice, by=official, on=d("2017-10-17"))

    run("--today", "2017-11-07")

    assert sent_to(officer.email) == [D_ON_14_NOV]


@pytest.mark.django_db
def test_withdrawn_notice_stops_council_reminders_but_not_the_ministers_duties(notice, officer, wg):
    intervention_services.notice_withdraw(notice=notice, by=wg, reason="Withdrawn.")

    run("--today", "2017-11-07")

    assert sent_to(officer.email) == []
    assert len(sent_to(wg.email)) == 1


# Recipients ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_recipients_are_only_the_owning_council_and_the_officials(notice, officer, wg, cardiff):
    others = [
        UserFactory(username="cardiff-2", organisation=cardiff, email="cardiff@example.org"),
        UserFactory(username="ciw-2", inspector=True, email="ciw@example.org"),
        UserFactory(username="admin-2", administrator=True, email="admin@example.org"),
    ]
    second_official = UserFactory(username="wg-2", official=True, email="wg-2@example.org")
    second_officer = UserFactory(
        username="powys-2", organisation=officer.organisation, email="p2@example.org"
    )

    run("--today", "2017-11-07")

    for person in others:
        assert sent_to(person.email) == []
    laying = f"Due today: {LAYING}"
    assert sent_to(officer.email) == sent_to(second_officer.email) == [PLAN_ON_14_NOV, D_ON_14_NOV]
    assert sent_to(wg.email) == sent_to(second_official.email) == [laying]


@pytest.mark.django_db
def test_inactive_people_are_not_reminded(notice, officer, wg):
    officer.is_active = False
    officer.save()
    wg.is_active = False
    wg.save()

    out, _ = run("--today", "2017-11-07")

    assert mail.outbox == []
    assert Reminder.objects.count() == 0
    assert out == ["0 reminders sent as of 2017-11-07."]


@pytest.mark.django_db
def test_people_without_an_email_address_are_reported_and_skipped(notice, officer, wg):
    officer.email = ""
    officer.save()

    out, _ = run("--today", "2017-11-07")

    assert sent_to(wg.email) != []
    assert not Reminder.objects.filter(recipient=officer).exists()
    assert out[0] == (
        f"Not sent, no email address: Due in 5 working days to {officer.get_full_name()} <no email address> "
        "about Improvement plan (end of the compliance period) (Powys County Council), "
        "due Tuesday 14 November 2017"
    )


@pytest.mark.django_db
def test_an_officer_who_moved_council_is_reminded_of_the_new_councils_items_only(notice, officer, cardiff):
    officer.organisation = cardiff
    officer.save()
    run("--today", "2017-11-07")
    assert sent_to(officer.email) == []


@pytest.mark.django_db
def test_collecting_takes_the_same_few_queries_however_many_people(notice, officer, wg):
    with CaptureQueriesContext(connection) as few:
        assert len(reminders.collect_due_reminders(today=d("2017-11-07")).to_send) == 3
    for n in range(10):
        UserFactory(username=f"powys-{n}", organisation=officer.organisation, email=f"p{n}@example.org")
        UserFactory(username=f"wg-{n}", official=True, email=f"wg{n}@example.org")

    with CaptureQueriesContext(connection) as many:
        many_due = reminders.collect_due_reminders(today=d("2017-11-07")).to_send
    # 11 officers, each told of the plan and of requirement (d); 11 officials, of the laying.
    assert len(many_due) == 33

    assert len(many) == len(few) <= 6


# The email ----------------------------------------------------------------------------------


@pytest.mark.django_db
@override_settings(SITE_URL="https://tracker.example.gov.wales", DEFAULT_FROM_EMAIL="tracker@example.org")
def test_the_email_names_the_item_the_date_and_links_to_it(notice, officer):
    run("--today", "2017-11-07")
    [message] = [m for m in mail.outbox if m.to == [officer.email] and m.subject == PLAN_ON_14_NOV]
    assert message.from_email == "tracker@example.org"
    url = "https://tracker.example.gov.wales" + reverse("intervention:notice_detail", args=[notice.pk])
    assert f"See it in the tracker: {url}" in message.body
    assert "It is due on Tuesday 14 November 2017, 5 working days from today." in message.body
    assert "What is due: Produce an improvement plan" in message.body
    assert "How the date was worked out: 20 working days after 17 October 2017" in message.body
    assert "Council: Powys County Council" in message.body


# Mail failures ------------------------------------------------------------------------------


class RefusingBackend(LocmemBackend):
    """Refuses mail to the addresses in `refused` (all mail when it holds "*"), like a failing server."""

    refused: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            if "*" in self.refused or set(message.to) & self.refused:
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def failing_mail():
    RefusingBackend.refused = set()
    with override_settings(EMAIL_BACKEND=f"{__name__}.RefusingBackend"):
        yield RefusingBackend.refused
    RefusingBackend.refused = set()


@pytest.mark.django_db
def test_a_mail_server_down_loses_no_reminder(notice, officer, wg, failing_mail):
    failing_mail.add("*")
    with pytest.raises(CommandError) as raised:
        run("--today", "2017-11-07")
    assert "3 reminders could not be sent" in str(raised.value)
    assert mail.outbox == []
    assert Reminder.objects.count() == 0

    failing_mail.clear()
    run("--today", "2017-11-08")

    assert sent_to(officer.email) == [PLAN_ON_14_NOV, D_ON_14_NOV]
    assert sent_to(wg.email) == [
        "Overdue: Lay a copy of the notice before the National Assembly for Wales (s151(3)(a))"
    ]
    assert Reminder.objects.count() == 3


@pytest.mark.django_db
def test_one_failure_is_reported_the_others_still_go_and_the_next_run_sends_it(
    notice, officer, wg, failing_mail
):
    failing_mail.add(wg.email)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("send_reminders", "--today", "2017-11-07", stdout=out, stderr=err)

    assert str(raised.value) == (
        "1 reminder could not be sent; it was not recorded, so the next run sends it."
    )
    assert err.getvalue().startswith("Could not send: Due today to ")
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in err.getvalue()
    assert len(sent_to(officer.email)) == 2
    assert list(Reminder.objects.values_list("recipient", flat=True)) == [officer.pk, officer.pk]

    failing_mail.clear()
    run("--today", "2017-11-07")

    assert sent_to(wg.email) == [
        "Due today: Lay a copy of the notice before the National Assembly for Wales (s151(3)(a))"
    ]
    assert len(sent_to(officer.email)) == 2
    assert Reminder.objects.count() == 3


@pytest.mark.django_db
def test_a_reminder_another_run_recorded_meanwhile_is_not_sent_again(notice):
    due = reminders.collect_due_reminders(today=d("2017-11-07")).to_send
    run("--today", "2017-11-07")  # an overlapping run gets there first
    mail.outbox.clear()

    result = reminders.send_reminders(due)

    assert mail.outbox == []
    assert (len(result.sent), len(result.already_recorded), result.failed) == (0, 3, [])
    assert Reminder.objects.count() == 3


# Dry run and input --------------------------------------------------------------------------


@pytest.mark.django_db
def test_dry_run_lists_and_records_nothing(notice, officer, wg):
    out, _ = run("--today", "2017-11-07", "--dry-run")

    assert out == [
        f"Would send: Due today to {wg.get_full_name()} <wg-official@example.org> about Lay a copy of the "
        "notice before the National Assembly for Wales (s151(3)(a)) (Powys County Council), due Tuesday "
        "7 November 2017",
        f"Would send: Due in 5 working days to {officer.get_full_name()} <powys-officer@example.org> "
        "about Improvement plan (end of the compliance period) (Powys County Council), "
        "due Tuesday 14 November 2017",
        f"Would send: Due in 5 working days to {officer.get_full_name()} <powys-officer@example.org> "
        "about Requirement (d) (end of the compliance period) (Powys County Council), "
        "due Tuesday 14 November 2017",
        "3 reminders would be sent as of 2017-11-07 (dry run: nothing sent or recorded).",
    ]
    assert mail.outbox == []
    assert Reminder.objects.count() == 0
    run("--today", "2017-11-07")
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_weekly_reminders_say_which_week(notice, officer):
    out, _ = run("--today", "2017-11-22", "--dry-run")
    assert any(
        line.startswith("Would send: Still overdue (weekly), week 1 to ") and "Improvement plan" in line
        for line in out
    )


BAD_DATES = [
    pytest.param("2017-13-01", id="no-such-month"),
    pytest.param("2017-02-30", id="no-such-day"),
    pytest.param("yesterday", id="a-word"),
    pytest.param("07/11/2017", id="british-order"),
    pytest.param("20171107", id="no-dashes"),
    pytest.param("", id="empty"),
]


@pytest.mark.parametrize("value", BAD_DATES)
def test_bad_today_is_a_one_line_error(value):
    with pytest.raises(CommandError) as raised:
        run("--today", value)
    message = str(raised.value)
    assert message == (f"{value!r} is not a real date. Give --today as YYYY-MM-DD, for example 2017-11-07.")


@pytest.mark.django_db
def test_a_date_at_the_end_of_the_calendar_is_a_one_line_error():
    with pytest.raises(CommandError, match="too close to the limits of the calendar"):
        run("--today", "9999-12-31", "--dry-run")


def manage(*args: str, database_url: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,
        "PYTHONIOENCODING": "utf-8",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["--today", "2017-02-30"], 1, "CommandError: '2017-02-30' is not a real date."),
        (["--today"], 2, "argument --today: expected one argument"),
        (["--dry-run"], 1, "Has 'manage.py migrate' been run?"),
    ],
    ids=["bad-date", "no-date", "no-database"],
)
def test_mistakes_from_the_shell_are_one_line_without_a_traceback(args, code, message, tmp_path):
    result = manage("send_reminders", *args, database_url=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert result.returncode == code
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


# Another source of reminders (escalations, say) plugs in beside the deadlines ---------------


@pytest.mark.django_db
def test_another_source_is_collected_and_sent_beside_the_deadlines(notice, wg):
    recorded = []

    def other_source(today):
        return [
            reminders.DueReminder(
                recipient=wg,
                kind=ReminderKind.DUE_TODAY,
                week=0,
                due_on=today,
                item="Escalation review",
                organisation="Powys County Council",
                subject="Due today: Escalation review",
                body="Review the escalation.\n",
                record=lambda: recorded.append(today),
            )
        ]

    collected = reminders.collect_due_reminders(
        today=d("2017-11-07"), sources=[*reminders.REMINDER_SOURCES, other_source]
    )
    result = reminders.send_reminders(collected.to_send)

    assert len(result.sent) == 4
    assert recorded == [d("2017-11-07")]
    assert "Due today: Escalation review" in sent_to(wg.email)


# The done-when check: the Powys demo ----------------------------------------------------------


@pytest.mark.django_db
def test_powys_demo_on_7_november_2017_lists_the_plan_requirement_d_and_the_laying_duty():
    call_command("load_demo", verbosity=0, stderr=io.StringIO())
    mail.outbox.clear()  # loading the demo may send its own notices (escalations); not ours

    out, err = run("--today", "2017-11-07", "--dry-run")

    assert err == []
    # The run may also list escalations (their own tests cover those lines): the deadlines come first.
    assert out[:3] == [
        "Would send: Due today to Demo Official <wg-official@example.org> about Lay a copy of the notice "
        "before the National Assembly for Wales (s151(3)(a)) (Powys County Council), "
        "due Tuesday 7 November 2017",
        "Would send: Due in 5 working days to Demo Powys Officer <powys-officer@example.org> about "
        "Improvement plan (end of the compliance period) (Powys County Council), "
        "due Tuesday 14 November 2017",
        # (d) "draw up an improvement plan" is due by the end of the compliance period; it is never
        # submitted or accepted in the demo, so it is owed on 7 November and chased on its own.
        "Would send: Due in 5 working days to Demo Powys Officer <powys-officer@example.org> about "
        "Requirement (d) (end of the compliance period) (Powys County Council), "
        "due Tuesday 14 November 2017",
    ]
    assert "3 reminders would be sent as of 2017-11-07 (dry run: nothing sent or recorded)." in out
    # The 90-day report is recorded as done (15 January 2018) and is not yet near on 7 November.
    assert Reminder.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_powys_demo_never_reminds_cardiff():
    call_command("load_demo", verbosity=0, stderr=io.StringIO())
    mail.outbox.clear()
    for day in ["2017-11-07", "2017-11-14", "2017-11-15", "2017-11-30", "2018-01-15", "2018-02-07"]:
        run("--today", day)
    assert Reminder.objects.exists()
    assert not Reminder.objects.filter(recipient__username="cardiff-officer").exists()
    assert not Reminder.objects.filter(recipient__role=Role.INSPECTOR).exists()
    assert all(m.to != ["cardiff-officer@example.org"] for m in mail.outbox)
