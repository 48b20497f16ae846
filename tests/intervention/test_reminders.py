"""`manage.py send_reminders`: what is reminded when, to whom, sent once, never lost to mail failures."""

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
from django.core.mail.utils import DNS_NAME
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from intervention import asat, calendars, deadlines
from intervention import services as intervention_services
from intervention.choices import ObligationKind, ObligationState, Owner, ReminderKind, RequirementDue
from intervention.deadlines import ReminderStage, reminder_stage
from intervention.models import NonWorkingDay, Obligation, Reminder
from intervention.obligations import status as rules
from intervention.reminders import services as reminders

from ..factories import UserFactory

PROJECT_ROOT = Path(__file__).resolve().parents[2]
d = datetime.date.fromisoformat

# Christmas and New Year 2017/18 in England and Wales: passed in, never read from the package here.
CHRISTMAS_2017 = {d("2017-12-25"), d("2017-12-26"), d("2018-01-01")}
FIXED_DUE = d("2018-01-02")  # a Tuesday straight after the Christmas and New Year bank holidays

# What is owed, as the reminders name it.
PLAN = "Improvement plan (requirement (d))"  # requirement (d) IS the plan: one obligation
F = "Requirement (f)"  # answered by evidence, due by the end of the compliance period too
LAYING = "Lay a copy of the notice before the National Assembly for Wales (s151(3)(a))"
REPORT = "Report to the National Assembly for Wales on the council's action (s151(3)(b))"
PLAN_ON_14_NOV = f"Due on Tuesday 14 November 2017: {PLAN}"
F_ON_14_NOV = f"Due on Tuesday 14 November 2017: {F}"


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
def test_reminder_stage_for_a_due_date_of_2_january_2018(today, non_working, expected):
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


@pytest.mark.parametrize(
    "today, stage, status",
    [
        pytest.param("2017-11-06", None, rules.NOT_DUE, id="6th-working-day-ahead"),
        pytest.param("2017-11-07", FIVE, rules.DUE_SOON, id="5th-working-day-ahead"),
        pytest.param("2017-11-13", FIVE, rules.DUE_SOON, id="the-day-before"),
        pytest.param("2017-11-14", TODAY, rules.DUE_TODAY, id="the-due-date-is-not-overdue"),
        pytest.param("2017-11-15", OVERDUE, rules.OVERDUE, id="the-day-after"),
    ],
)
def test_the_reminder_agrees_with_the_status_the_pages_show(today, stage, status):
    """A reminder is sent exactly while the obligation's status is due soon, due today or overdue."""
    due = d("2017-11-14")
    facts = rules.Facts(state=ObligationState.OPEN, due_on=due)
    assert reminder_stage(due, today=d(today), non_working=set()) == stage
    assert rules.derive(facts, today=d(today), non_working=set()).code == status


def test_reminder_kinds_are_the_rule_names():
    assert set(ReminderKind.values) == {
        deadlines.REMINDER_FIVE_DAYS,
        deadlines.REMINDER_DUE_TODAY,
        deadlines.REMINDER_OVERDUE,
        deadlines.REMINDER_OVERDUE_WEEKLY,
    }


# Shared set-up ------------------------------------------------------------------------------
# The conftest notice, given on 17 October 2017: the improvement plan (requirement (d)) and
# requirement (f) are due by the end of the compliance period, Tue 14 Nov 2017; laying is due
# Tue 7 Nov 2017 and the report Mon 15 Jan 2018 (the Ministers'); Board reports (requirement (c))
# are due 30 Nov, 29 Dec 2017 and 31 Jan 2018; (a), (e) and (g) have no date.


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


def plan_obligation(notice) -> Obligation:
    return notice.obligations.get(kind=ObligationKind.IMPROVEMENT_PLAN)


def evidence_obligation(notice, letter: str) -> Obligation:
    return notice.requirements.get(letter=letter).obligations.get(kind=ObligationKind.REQUIREMENT)


def duty(notice, kind: str) -> Obligation:
    return notice.obligations.get(kind=kind)


def run(*args: str) -> tuple[list[str], list[str]]:
    out, err = io.StringIO(), io.StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=err)
    return out.getvalue().splitlines(), err.getvalue().splitlines()


def run_days(*days: str) -> None:
    for day in days:
        run("--today", day)


def sent_to(address: str) -> list[str]:
    return [m.subject for m in mail.outbox if m.to == [address]]


def reminded(obligation: Obligation, recipient=None) -> list[tuple]:
    """Return the reminders recorded about `obligation`: (run as of, kind, week, due date), in order."""
    rows = Reminder.objects.filter(obligation=obligation)
    if recipient is not None:
        rows = rows.filter(recipient=recipient)
    return list(rows.order_by("as_of", "id").values_list("as_of", "kind", "week", "due_on"))


# Sending, once ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_run_on_7_november_sends_the_plan_and_f_notices_and_the_laying_reminder(notice, officer, wg):
    out, err = run("--today", "2017-11-07")

    assert err == []
    assert sent_to(officer.email) == [F_ON_14_NOV, PLAN_ON_14_NOV]
    assert sent_to(wg.email) == [f"Due today: {LAYING}"]
    assert len(mail.outbox) == 3
    rows = set(
        Reminder.objects.values_list(
            "obligation__kind",
            "obligation__requirement__letter",
            "recipient",
            "email",
            "kind",
            "week",
            "due_on",
            "as_of",
        )
    )
    five_days = (officer.pk, officer.email, ReminderKind.FIVE_DAYS, 0, d("2017-11-14"), d("2017-11-07"))
    assert rows == {
        (ObligationKind.REQUIREMENT, "f", *five_days),
        (ObligationKind.IMPROVEMENT_PLAN, "d", *five_days),  # the plan, which is requirement (d)
        (
            ObligationKind.LAYING,
            None,
            wg.pk,
            wg.email,
            ReminderKind.DUE_TODAY,
            0,
            d("2017-11-07"),
            d("2017-11-07"),
        ),
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
def test_the_database_refuses_the_same_reminder_twice_but_not_one_about_a_new_due_date(notice, officer):
    row = {
        "obligation": plan_obligation(notice),
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
    # The same reminder about a due date moved (an extension, say) is a new reminder.
    Reminder.objects.create(**{**row, "due_on": d("2017-11-28"), "as_of": d("2017-12-14")})
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(**{**row, "as_of": d("2017-11-30")})
    assert Reminder.objects.count() == 3


@pytest.mark.django_db
def test_a_weekly_reminder_needs_its_week_and_others_have_none(notice, officer):
    row = {
        "obligation": plan_obligation(notice),
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

    assert reminded(evidence_obligation(notice, "h"), officer) == [
        (d("2017-12-21"), ReminderKind.FIVE_DAYS, 0, FIXED_DUE),  # across 25, 26 Dec and 1 Jan
        (d("2018-01-02"), ReminderKind.DUE_TODAY, 0, FIXED_DUE),
        (d("2018-01-03"), ReminderKind.OVERDUE, 0, FIXED_DUE),
        (d("2018-01-10"), ReminderKind.OVERDUE_WEEKLY, 1, FIXED_DUE),
        (d("2018-01-17"), ReminderKind.OVERDUE_WEEKLY, 2, FIXED_DUE),
        (d("2018-01-24"), ReminderKind.OVERDUE_WEEKLY, 3, FIXED_DUE),
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
def test_a_recorded_non_working_day_moves_the_five_day_notice(notice, officer, administrator):
    run("--today", "2017-12-20")
    assert reminded(evidence_obligation(notice, "h")) == []

    intervention_services.non_working_day_save(
        day=NonWorkingDay(day=d("2017-12-22"), description="Office closure", source="Circular 1/2017"),
        by=administrator,
    )
    run("--today", "2017-12-20")

    # (h) is due on a fixed date, which does not move; the 5th working day ahead is now 2 January.
    assert reminded(evidence_obligation(notice, "h")) == [
        (d("2017-12-20"), ReminderKind.FIVE_DAYS, 0, FIXED_DUE)
    ]


@pytest.mark.django_db
def test_a_due_date_moved_by_an_added_non_working_day_is_reminded_on_the_new_date(
    draft_notice, official, officer, administrator
):
    """An office closure recorded today moves the end of a compliance period still to come.

    The change takes effect the day it is recorded, so this notice is given a week ago and the
    runs are on days still to come (a run for a past day sees the date as it stood then).
    """
    today = timezone.localdate()
    notice = intervention_services.notice_issue(
        notice=draft_notice, by=official, on=today - datetime.timedelta(days=7)
    )
    plan = plan_obligation(notice)
    calendar = calendars.WorkingCalendar()
    old_due = plan.due_on
    closure = deadlines.add_working_days(today, 1, non_working=calendar)  # the next working day
    assert closure < old_due

    intervention_services.non_working_day_save(
        day=NonWorkingDay(day=closure, description="Office closure", source="Circular 1/2026"),
        by=administrator,
    )

    plan.refresh_from_db()
    new_due = deadlines.add_working_days(old_due, 1, non_working=calendars.WorkingCalendar())
    assert (plan.due_on, plan.previous_due_on) == (new_due, old_due)
    run_days(old_due.isoformat(), new_due.isoformat(), (new_due + datetime.timedelta(days=1)).isoformat())
    assert reminded(plan, officer) == [
        (old_due, ReminderKind.FIVE_DAYS, 0, new_due),  # not "due today" on the old date
        (new_due, ReminderKind.DUE_TODAY, 0, new_due),
        (new_due + datetime.timedelta(days=1), ReminderKind.OVERDUE, 0, new_due),
    ]
    date = reminders.format_deadline_date(new_due)
    assert f"Due on {date}: {PLAN}" in sent_to(officer.email)


@pytest.mark.django_db
def test_a_missed_run_is_made_up_by_the_next_one(notice, officer):
    """No run on 7 November (the server was down): the 5-day notice goes on the 8th."""
    run("--today", "2017-11-08")
    assert sent_to(officer.email) == [F_ON_14_NOV, PLAN_ON_14_NOV]
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
    assert sent_to(officer.email) == [f"Overdue: {F}"]  # the plan is met; (f) is still owed


@pytest.mark.django_db
def test_an_item_done_after_the_run_date_still_counts_as_due_then(notice, officer):
    """The Powys demo case: the plan was submitted on 13 November, so on 7 November it was still due."""
    intervention_services.plan_submit(
        plan=notice.improvement_plan, by=officer, on=d("2017-11-13"), summary="Our plan."
    )
    run("--today", "2017-11-07")
    assert sent_to(officer.email) == [F_ON_14_NOV, PLAN_ON_14_NOV]


@pytest.mark.django_db
def test_a_plan_returned_is_chased_again(notice, officer, wg):
    plan = notice.improvement_plan
    intervention_services.plan_submit(plan=plan, by=officer, on=d("2017-11-13"), summary="Our plan.")
    intervention_services.plan_return(plan=plan, by=wg, reason="No timescales.", on=d("2017-11-14"))

    run("--today", "2017-11-13")  # submitted that day: not chased
    assert sent_to(officer.email) == [F_ON_14_NOV]
    run("--today", "2017-11-15")  # returned on the 14th: owed again, and now overdue

    assert sent_to(officer.email) == [F_ON_14_NOV, f"Overdue: {F}", f"Overdue: {PLAN}"]
    assert reminded(plan_obligation(notice), officer) == [
        (d("2017-11-15"), ReminderKind.OVERDUE, 0, d("2017-11-14"))
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


# Requirement (d) is the improvement plan; (f) is evidence due the same day -------------------


@pytest.mark.django_db
def test_requirement_d_is_reminded_only_as_the_improvement_plan(notice, officer):
    """(d) asks for the plan: one obligation, one reminder, not a second item of its own."""
    requirement_d = notice.requirements.get(letter="d")
    assert list(requirement_d.obligations.all()) == [plan_obligation(notice)]

    run("--today", "2017-11-07")

    about_d = Reminder.objects.filter(obligation__requirement=requirement_d)
    assert list(about_d.values_list("obligation__kind", "kind")) == [
        (ObligationKind.IMPROVEMENT_PLAN, ReminderKind.FIVE_DAYS)
    ]
    assert [s for s in sent_to(officer.email) if "(d)" in s] == [PLAN_ON_14_NOV]


@pytest.mark.django_db
def test_a_requirement_due_with_the_plan_is_still_chased_after_the_plan_is_submitted(notice, officer):
    intervention_services.plan_submit(
        plan=notice.improvement_plan, by=officer, on=d("2017-11-13"), summary="Our plan."
    )

    run("--today", "2017-11-15")

    assert sent_to(officer.email) == [f"Overdue: {F}"]
    assert Reminder.objects.get(recipient=officer).obligation == evidence_obligation(notice, "f")


@pytest.mark.django_db
def test_accepting_the_requirement_does_not_stop_the_plan_reminders(notice, officer, wg):
    requirement = notice.requirements.get(letter="f")
    intervention_services.requirement_submit(requirement=requirement, by=officer, statement="Done.")
    intervention_services.requirement_accept(requirement=requirement, by=wg)
    today = timezone.localdate().isoformat()  # as it stands now: (f) accepted, no plan submitted

    out, _ = run("--today", today, "--dry-run")

    about_officer = [line for line in out if "<powys-officer@example.org>" in line]
    assert any(f"about {PLAN}" in line for line in about_officer)
    assert not any(F in line for line in about_officer)


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
    requirement = notice.requirements.get(letter="f")
    for step in steps:
        if step == "submit":
            intervention_services.requirement_submit(requirement=requirement, by=officer, statement="Done.")
        elif step == "return":
            intervention_services.requirement_return(requirement=requirement, by=wg, reason="More.")
        elif step == "accept":
            intervention_services.requirement_accept(requirement=requirement, by=wg)
        else:
            intervention_services.requirement_withdraw(requirement=requirement, by=wg, reason="Not needed.")

    out, _ = run("--today", timezone.localdate().isoformat(), "--dry-run")

    assert any(f"about {F} " in line for line in out) is chased


@pytest.mark.django_db
def test_the_plan_and_a_requirement_due_the_same_day_are_each_recorded_once(notice, officer):
    row = {
        "recipient": officer,
        "email": officer.email,
        "kind": ReminderKind.OVERDUE,
        "due_on": d("2017-11-14"),
        "as_of": d("2017-11-15"),
        "subject": "Overdue",
    }
    plan, f = plan_obligation(notice), evidence_obligation(notice, "f")
    Reminder.objects.create(**row, obligation=plan)
    Reminder.objects.create(**row, obligation=f)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(**row, obligation=f)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(**row, obligation=plan)
    assert Reminder.objects.count() == 2


@pytest.mark.django_db
def test_requirement_reminders_are_sent_once_on_each_day(notice, officer):
    # 6 November: the 14th is the 6th working day ahead, not yet due soon; 7 November: the 5th.
    run_days("2017-11-06", "2017-11-07", "2017-11-07", "2017-11-14", "2017-11-15", "2017-11-15", "2017-11-22")
    due = d("2017-11-14")
    assert reminded(evidence_obligation(notice, "f")) == [
        (d("2017-11-07"), ReminderKind.FIVE_DAYS, 0, due),
        (d("2017-11-14"), ReminderKind.DUE_TODAY, 0, due),
        (d("2017-11-15"), ReminderKind.OVERDUE, 0, due),
        (d("2017-11-22"), ReminderKind.OVERDUE_WEEKLY, 1, due),
    ]


@pytest.mark.django_db
@override_settings(SITE_URL="https://tracker.example.gov.wales")
def test_the_requirement_email_names_the_requirement_and_links_to_it(notice, officer):
    run("--today", "2017-11-07")
    [message] = [m for m in mail.outbox if m.subject == F_ON_14_NOV]
    requirement = notice.requirements.get(letter="f")
    url = "https://tracker.example.gov.wales" + reverse(
        "intervention:requirement_detail", args=[requirement.pk]
    )
    assert f"See it in the tracker: {url}" in message.body
    assert "What is due: Requirement (f): Requirement f" in message.body
    assert "It is due on Tuesday 14 November 2017, 5 working days from today." in message.body


@pytest.mark.django_db
def test_without_an_improvement_plan_the_compliance_period_is_chased_only_through_its_requirements(
    draft_notice, official, officer
):
    for letter in ("d", "e"):  # answered by the plan and its agreement: gone with the plan
        intervention_services.requirement_remove(
            requirement=draft_notice.requirements.get(letter=letter), by=official
        )
    intervention_services.notice_update_draft(
        notice=draft_notice, by=official, requires_improvement_plan=False
    )
    intervention_services.notice_issue(notice=draft_notice, by=official, on=d("2017-10-17"))

    run("--today", "2017-11-07")

    assert sent_to(officer.email) == [F_ON_14_NOV]


@pytest.mark.django_db
def test_withdrawn_notice_stops_council_reminders_but_not_the_ministers_duties(notice, officer, wg):
    intervention_services.notice_withdraw(notice=notice, by=wg, reason="Withdrawn.", on=d("2017-11-10"))

    run("--today", "2017-11-07")  # before it was withdrawn: owed
    assert sent_to(officer.email) == [F_ON_14_NOV, PLAN_ON_14_NOV]
    mail.outbox.clear()

    run_days("2017-11-14", "2017-11-15", "2017-11-22", "2018-01-15")

    assert sent_to(officer.email) == []
    assert sent_to(wg.email) == [
        f"Overdue: {LAYING}",
        f"Still overdue: {LAYING}",
        f"Still overdue: {LAYING}",
        f"Still overdue: {LAYING}",
        f"Due today: {REPORT}",
    ]


# A change to the notice or the calendar moves the reminders -----------------------------------


@pytest.mark.django_db
def test_an_extension_moves_the_reminders_to_the_new_date(notice, officer, wg):
    intervention_services.notice_extend_compliance_period(
        notice=notice,
        by=wg,
        ends_on=d("2017-11-28"),
        decided_by="The Minister",
        reason="The council's director is on leave.",
        decided_on=d("2017-11-10"),
    )

    run_days("2017-11-07", "2017-11-14", "2017-11-15", "2017-11-21", "2017-11-28", "2017-11-29")

    expected = [
        (d("2017-11-07"), ReminderKind.FIVE_DAYS, 0, d("2017-11-14")),  # before the decision
        # Nothing on 14 or 15 November: no longer due then.
        (d("2017-11-21"), ReminderKind.FIVE_DAYS, 0, d("2017-11-28")),
        (d("2017-11-28"), ReminderKind.DUE_TODAY, 0, d("2017-11-28")),
        (d("2017-11-29"), ReminderKind.OVERDUE, 0, d("2017-11-28")),
    ]
    assert reminded(plan_obligation(notice), officer) == expected
    assert reminded(evidence_obligation(notice, "f"), officer) == expected
    assert f"Due on Tuesday 28 November 2017: {PLAN}" in sent_to(officer.email)


@pytest.mark.django_db
def test_a_run_for_a_day_before_an_extension_still_sees_the_date_owed_then(notice, officer, wg):
    """Extended on 10 November to the end of January: on 7 November the plan was still due on the 14th."""
    intervention_services.notice_extend_compliance_period(
        notice=notice,
        by=wg,
        ends_on=d("2018-01-31"),
        decided_by="The Minister",
        reason="The council's director is on leave.",
        decided_on=d("2017-11-10"),
    )

    run("--today", "2017-11-07")

    assert sent_to(officer.email) == [F_ON_14_NOV, PLAN_ON_14_NOV]


# Settled obligations: met late, not evidenced -------------------------------------------------


@pytest.mark.django_db
def test_a_met_late_obligation_is_not_reminded(notice, officer):
    intervention_services.plan_submit(
        plan=notice.improvement_plan, by=officer, on=d("2017-11-20"), summary="Our plan, late."
    )
    plan = plan_obligation(notice)
    [as_at] = asat.obligations_as_at([plan], d("2017-11-22"))
    assert (as_at.status.code, as_at.status.working_days) == (rules.MET_LATE, 4)

    run_days("2017-11-15", "2017-11-22", "2017-11-29")

    # Chased while it was overdue; once sent (late) nothing more, though (f) still is.
    assert reminded(plan, officer) == [(d("2017-11-15"), ReminderKind.OVERDUE, 0, d("2017-11-14"))]
    assert len(reminded(evidence_obligation(notice, "f"), officer)) == 3


@pytest.mark.parametrize(
    "what, who",
    [
        pytest.param("f", "officer", id="council-requirement"),
        pytest.param(ObligationKind.LAYING, "wg", id="ministers-laying"),
    ],
)
@pytest.mark.django_db
def test_a_not_evidenced_obligation_is_never_reminded_as_overdue(notice, officer, wg, what, who):
    """Done, but when is not on record (known done by 1 December 2017): never chased as late."""
    obligation = evidence_obligation(notice, what) if what == "f" else duty(notice, what)
    intervention_services.obligation_record_done(
        obligation=obligation,
        by=wg,
        source="Minutes of the meeting of 1 December 2017",
        not_evidenced=True,
        done_by=d("2017-12-01"),
    )
    person = officer if who == "officer" else wg

    run_days("2017-11-07", "2017-11-08", "2017-11-14", "2017-11-15", "2017-11-22", "2017-12-06")

    kinds = {kind for _as_of, kind, _week, _due in reminded(obligation, person)}
    assert kinds <= {ReminderKind.FIVE_DAYS}
    late = (ReminderKind.DUE_TODAY, ReminderKind.OVERDUE, ReminderKind.OVERDUE_WEEKLY)
    assert not Reminder.objects.filter(obligation=obligation, kind__in=late).exists()
    chased_late = [s for s in sent_to(person.email) if obligation.label in s and "verdue" in s]
    assert chased_late == []


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
    assert sent_to(officer.email) == sent_to(second_officer.email) == [F_ON_14_NOV, PLAN_ON_14_NOV]
    assert sent_to(wg.email) == sent_to(second_official.email) == [laying]


@pytest.mark.django_db
def test_council_officers_never_receive_reminders_about_the_ministers_duties(notice, officer, wg):
    second_officer = UserFactory(
        username="powys-2", organisation=officer.organisation, email="p2@example.org"
    )
    # Around laying (due 7 Nov) and the report (due 15 Jan): five days before, on the day, after.
    run_days("2017-10-31", "2017-11-07", "2017-11-08", "2017-11-15", "2018-01-08", "2018-01-15", "2018-01-16")

    ministers = Reminder.objects.filter(obligation__owner=Owner.MINISTERS)
    assert set(ministers.values_list("recipient__role", flat=True)) == {Role.OFFICIAL}
    assert set(ministers.values_list("obligation__kind", flat=True)) == {
        ObligationKind.LAYING,
        ObligationKind.LEGISLATURE_REPORT,
    }
    to_officers = Reminder.objects.filter(recipient__in=[officer, second_officer])
    assert to_officers.exists()
    assert set(to_officers.values_list("obligation__owner", flat=True)) == {Owner.COUNCIL}
    for person in (officer, second_officer):
        assert not any(LAYING in s or REPORT in s for s in sent_to(person.email))
    assert set(Reminder.objects.filter(recipient=wg).values_list("obligation__owner", flat=True)) == {
        Owner.MINISTERS
    }


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
    assert out[:2] == [
        f"Not sent, no email address: Due in 5 working days to {officer.get_full_name()} <no email address> "
        f"about {what} (Powys County Council), due Tuesday 14 November 2017"
        for what in (F, PLAN)
    ]


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
    # 11 officers, each told of the plan and of requirement (f); 11 officials, of the laying.
    assert len(many_due) == 33

    # The obligations, their history, the calendar (read twice: once for the statuses, once for
    # the reminder stages), the reminders already sent, the people.
    assert len(many) == len(few) <= 8


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
    assert f"What is due: {PLAN}: Requirement d" in message.body
    assert "How the date was worked out: 20 working days after 17 October 2017" in message.body
    assert "Council: Powys County Council" in message.body
    assert "You receive this as a council officer of Powys County Council." in message.body


@pytest.mark.django_db
def test_the_ministers_duty_email_says_why_an_official_receives_it(notice, wg):
    run("--today", "2017-11-07")
    [message] = [m for m in mail.outbox if m.to == [wg.email]]
    assert "It is due today, Tuesday 7 November 2017." in message.body
    assert f"What is due: {LAYING}" in message.body
    assert "this is one of the Welsh Ministers' duties" in message.body


# Mail ---------------------------------------------------------------------------------------


class FakeSMTP:
    """Stands in for smtplib.SMTP: records each connection opened and what was sent over it."""

    connections: list["FakeSMTP"] = []

    def __init__(self, host, port, **kwargs):
        self.sent: list[list[str]] = []
        FakeSMTP.connections.append(self)

    def sendmail(self, from_addr, to_addrs, msg):
        self.sent.append(list(to_addrs))
        return {}

    def quit(self):
        pass

    def close(self):
        pass


@pytest.mark.django_db
def test_one_run_uses_one_connection_to_the_mail_server(notice, monkeypatch):
    FakeSMTP.connections = []
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setattr(DNS_NAME, "_fqdn", "tracker.test", raising=False)

    smtp = "django.core.mail.backends.smtp.EmailBackend"
    with override_settings(EMAIL_BACKEND=smtp, EMAIL_HOST="mail.test", EMAIL_PORT=25):
        out, _ = run("--today", "2017-11-07")

    assert out[-1] == "3 reminders sent as of 2017-11-07."
    assert sum(len(c.sent) for c in FakeSMTP.connections) == 3
    assert len(FakeSMTP.connections) == 1


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

    assert sent_to(officer.email) == [F_ON_14_NOV, PLAN_ON_14_NOV]
    assert sent_to(wg.email) == [f"Overdue: {LAYING}"]
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

    assert sent_to(wg.email) == [f"Due today: {LAYING}"]
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
        f"Would send: Due today to {wg.get_full_name()} <wg-official@example.org> about {LAYING} "
        "(Powys County Council), due Tuesday 7 November 2017",
        f"Would send: Due in 5 working days to {officer.get_full_name()} <powys-officer@example.org> "
        f"about {F} (Powys County Council), due Tuesday 14 November 2017",
        f"Would send: Due in 5 working days to {officer.get_full_name()} <powys-officer@example.org> "
        f"about {PLAN} (Powys County Council), due Tuesday 14 November 2017",
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
        line.startswith("Would send: Still overdue (weekly), week 1 to ") and f"about {PLAN}" in line
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


# Another source of reminders (escalations, say) plugs in beside the obligations -------------


@pytest.mark.django_db
def test_another_source_is_collected_and_sent_beside_the_obligations(notice, wg):
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


# Board reports until the notice ends: the daily run opens each new month ------------------------


def board_reports(notice) -> list[tuple[str, str]]:
    rows = notice.obligations.filter(kind=ObligationKind.BOARD_REPORT).select_related("board_report")
    return [(o.board_report.month.isoformat(), o.state) for o in rows.order_by("board_report__month")]


@pytest.mark.django_db
def test_the_daily_run_opens_each_new_month_of_an_open_ended_board_report_schedule(notice, officer, wg):
    intervention_services.notice_change_board_report_schedule(
        notice=notice,
        by=wg,
        first_month=d("2017-11-01"),
        until_end=True,
        reason="Monthly reports until the notice ends.",
        on=d("2018-01-10"),
    )
    owed = [("2017-11-01", "open"), ("2017-12-01", "open"), ("2018-01-01", "open")]
    assert board_reports(notice) == owed

    run("--today", "2018-02-01", "--dry-run")  # a dry run changes nothing
    assert board_reports(notice) == owed
    out, _ = run("--today", "2018-02-01")
    again, _ = run("--today", "2018-02-01")

    february = "Improvement Board report for February 2018 (requirement (c))"
    assert out[0] == f"Now owed: {february}"
    assert not any(line.startswith("Now owed:") for line in again)
    assert board_reports(notice) == [*owed, ("2018-02-01", "open")]
    report = notice.obligations.get(board_report__month=d("2018-02-01"))
    assert (report.opened_on, report.due_on) == (d("2018-02-01"), d("2018-02-28"))

    run_days("2018-02-20", "2018-02-21")  # 28 February is the 5th working day after the 21st
    assert reminded(report, officer) == [(d("2018-02-21"), ReminderKind.FIVE_DAYS, 0, d("2018-02-28"))]
    assert f"Due on Wednesday 28 February 2018: {february}" in sent_to(officer.email)


@pytest.mark.django_db
def test_an_open_ended_schedule_set_before_its_first_month_is_owed_once_the_month_begins(notice, officer, wg):
    """Set on 20 October to run from November: November's report is owed once November begins."""
    intervention_services.notice_change_board_report_schedule(
        notice=notice,
        by=wg,
        first_month=d("2017-11-01"),
        until_end=True,
        reason="Monthly reports until the notice ends.",
        on=d("2017-10-20"),
    )

    run_days("2017-11-01", "2017-11-23")

    assert board_reports(notice)[0] == ("2017-11-01", "open")
    november = "Improvement Board report for November 2017 (requirement (c))"
    assert f"Due on Thursday 30 November 2017: {november}" in sent_to(officer.email)


# The done-when check: the Powys demo ----------------------------------------------------------


@pytest.mark.django_db
def test_powys_demo_on_7_november_2017_lists_the_plan_only():
    call_command("load_demo", verbosity=0, stderr=io.StringIO())
    mail.outbox.clear()  # loading the demo may send its own notices (escalations); not ours

    out, err = run("--today", "2017-11-07", "--dry-run")

    assert err == []
    # The run may also list escalations (their own tests cover those lines). Each Powys officer
    # is reminded: the demo's officer, and the Leader and Chief Executive (its senior contacts).
    due = f"about {PLAN} (Powys County Council), due Tuesday 14 November 2017"
    assert [line for line in out if not line.startswith("Would send: Escalation")][:3] == [
        f"Would send: Due in 5 working days to {person} {due}"
        for person in [
            "Demo Chief Executive <powys-chief-executive@example.org>",
            "Rosemarie Harris <powys-leader@example.org>",
            "Demo Powys Officer <powys-officer@example.org>",
        ]
    ]
    # The laying is recorded as done on a date not evidenced, so it is never chased as due on
    # its day; (f) has no date; the 90-day report is recorded as done on 15 January 2018.
    assert "3 reminders would be sent as of 2017-11-07 (dry run: nothing sent or recorded)." in out
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
