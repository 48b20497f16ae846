"""The Powys 2017 demo: loaded through the services, faithful to the sources, and idempotent."""

import datetime

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from accounts.models import TransitionLog, User
from inspections.choices import FindingKind, InspectionState
from inspections.models import Inspection
from intervention import deadlines
from intervention.calendars import WorkingCalendar, non_working_days
from intervention.choices import (
    NoDateReason,
    NoticeState,
    ObligationKind,
    ObligationState,
    Owner,
    RequirementKind,
)
from intervention.demo.powys_2017 import DEMO_PASSWORD
from intervention.models import Obligation, WarningNotice
from intervention.obligations import status

pytestmark = pytest.mark.django_db


def table_snapshot():
    """Every row of every table the project owns, history and audit tables included."""
    snapshot = {}
    for model in apps.get_models():
        if model._meta.app_label in {"accounts", "inspections", "intervention"}:
            snapshot[model._meta.label] = sorted(
                tuple(sorted((k, str(v)) for k, v in row.items())) for row in model.objects.values()
            )
    return snapshot


def test_load_demo_twice_gives_the_same_rows_as_once():
    call_command("load_demo", verbosity=0)
    once = table_snapshot()
    call_command("load_demo", verbosity=0)
    assert table_snapshot() == once
    assert sum(len(rows) for rows in once.values()) > 100


def obligation_status(obligation, day):
    """Its status at the end of `day`, derived by the one rule every page uses."""
    return status.derive(obligation.facts(), today=day, non_working=WorkingCalendar())


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)
    return WarningNotice.objects.get(case__council__code="powys")


def test_demo_inspection_has_its_real_dates_and_findings(demo):
    inspection = Inspection.objects.get(council__code="powys")
    assert inspection.state == InspectionState.PUBLISHED
    assert inspection.draft_issued_on == datetime.date(2017, 9, 5)
    assert inspection.published_on == datetime.date(2017, 10, 17)
    assert [(p.starts_on, p.ends_on) for p in inspection.fieldwork_periods.all()] == [
        (datetime.date(2017, 7, 17), datetime.date(2017, 7, 21)),
        (datetime.date(2017, 7, 31), datetime.date(2017, 8, 4)),
    ]
    themes = {f.theme for f in inspection.findings.all()}
    assert themes == {"access", "assessment", "care_and_support", "safeguarding", "leadership"}
    assert inspection.findings.filter(kind=FindingKind.STRENGTH, text__contains="resilience").exists()
    assert inspection.findings.filter(evidence_summary__contains="six months").exists()


def test_demo_notice_matches_the_2017_notice(demo):
    assert demo.state == NoticeState.ISSUED
    assert demo.given_on == datetime.date(2017, 10, 17)
    assert [g.ground.number for g in demo.grounds.all()] == [1, 3]
    assert all(g.findings.exists() for g in demo.grounds.all())
    assert set(demo.failed_functions.values_list("code", flat=True)) == {
        "SSWBA-s17",
        "SSWBA-P3",
        "SSWBA-P4",
        "SSWBA-s75",
        "SSWBA-s144",
        "SSWBA-s171",
        "CA1989-s47",
    }
    requirements = list(demo.requirements.all())
    assert [r.letter for r in requirements] == list("abcdefg")
    assert requirements[0].text.startswith("to end the current arrangements")
    assert requirements[6].kind == RequirementKind.CONTINUING_CONDITION
    assert "sections 152-161" in demo.minded_to
    assert "Ground 3" in demo.issued_text


def owed(notice, **filters):
    return notice.obligations.select_related("requirement", "board_report").get(**filters)


def test_demo_plan_is_requirement_d_met_on_working_day_19_of_20(demo):
    plan = owed(demo, kind=ObligationKind.IMPROVEMENT_PLAN)
    assert plan.requirement.letter == "d"
    assert (plan.due_on, plan.basis) == (datetime.date(2017, 11, 14), "20 working days after 17 October 2017")
    assert (plan.state, plan.met_on) == (ObligationState.MET, datetime.date(2017, 11, 13))
    assert demo.compliance_ends_on == datetime.date(2017, 11, 14)
    calendar = non_working_days(datetime.date(2017, 10, 17), datetime.date(2017, 11, 30))
    assert (
        deadlines.working_days_between(datetime.date(2017, 10, 17), plan.met_on, non_working=calendar) == 19
    )
    assert obligation_status(plan, datetime.date(2017, 11, 30)).code == status.MET


@pytest.mark.parametrize("letter", ["a", "b"])
def test_demo_a_and_b_are_done_with_the_date_not_evidenced_known_done_by_21_november_2017(demo, letter):
    obligation = owed(demo, requirement__letter=letter)
    assert obligation.kind == ObligationKind.REQUIREMENT
    assert (obligation.state, obligation.met_on, obligation.done_by) == (
        ObligationState.NOT_EVIDENCED,
        None,  # never an invented date
        datetime.date(2017, 11, 21),
    )
    assert "21 November 2017" in obligation.source
    # Before the day it is known done by, nothing is claimed; from it, done (never overdue).
    assert obligation_status(obligation, datetime.date(2017, 11, 20)).code == status.NOT_DUE
    found = obligation_status(obligation, datetime.date(2017, 11, 21))
    assert (found.code, found.since) == (status.NOT_EVIDENCED, datetime.date(2017, 11, 21))


def test_demo_laying_is_done_with_the_date_not_evidenced(demo):
    laying = owed(demo, kind=ObligationKind.LAYING)
    assert (laying.owner, laying.due_on) == (Owner.MINISTERS, datetime.date(2017, 11, 7))
    assert (laying.state, laying.met_on) == (ObligationState.NOT_EVIDENCED, None)
    assert laying.done_by is None  # no source shows a day it had been laid by
    assert "do not give the date the notice was laid" in laying.source
    # Never shown as overdue, nor as met on any date.
    for day in (datetime.date(2017, 11, 8), datetime.date(2018, 6, 1)):
        assert obligation_status(laying, day).code == status.NOT_EVIDENCED


def test_demo_90_day_report_was_made_on_15_january_2018(demo):
    report = owed(demo, kind=ObligationKind.LEGISLATURE_REPORT)
    assert (report.owner, report.due_on) == (Owner.MINISTERS, datetime.date(2018, 1, 15))
    assert (report.state, report.met_on) == (ObligationState.MET, datetime.date(2018, 1, 15))
    found = obligation_status(report, datetime.date(2018, 1, 15))
    assert (found.code, found.since) == (status.MET, datetime.date(2018, 1, 15))


def test_demo_sets_no_board_report_schedule_so_none_is_due_on_any_date(demo):
    assert (demo.board_reports_from, demo.board_reports_count, demo.board_reports_until_end) == (
        None,
        0,
        False,
    )
    assert not demo.board_reports.exists()
    [reports] = demo.obligations.filter(kind=ObligationKind.BOARD_REPORT)
    assert reports.requirement.letter == "c"
    assert (reports.due_on, reports.no_date_reason, reports.state) == (
        None,
        NoDateReason.NOT_SET,
        ObligationState.OPEN,
    )
    assert obligation_status(reports, datetime.date(2018, 6, 1)).code == status.NOT_DUE


def test_demo_records_nothing_the_sources_do_not_say(demo):
    """The agreement (e), implementing the plan (f) and the condition (g): owed, undated, nothing recorded."""
    for letter, no_date in [
        ("e", NoDateReason.NOT_SET),
        ("f", NoDateReason.NOT_SET),
        ("g", NoDateReason.CONTINUING),
    ]:
        obligation = owed(demo, requirement__letter=letter)
        assert (obligation.state, obligation.due_on, obligation.no_date_reason) == (
            ObligationState.OPEN,
            None,
            no_date,
        )
    assert not demo.obligations.filter(state=ObligationState.MET, met_on__isnull=True).exists()
    assert set(demo.obligations.values_list("state", flat=True)) <= {
        ObligationState.OPEN,
        ObligationState.MET,
        ObligationState.NOT_EVIDENCED,
    }


def test_demo_history_is_credited_to_the_people_who_acted(demo):
    issue = TransitionLog.objects.get(transition="issue")
    assert issue.by.username == "wg-official"
    assert issue.occurred_on == datetime.date(2017, 10, 17)
    plan = owed(demo, kind=ObligationKind.IMPROVEMENT_PLAN)
    submitted = TransitionLog.objects.get(
        content_type=ContentType.objects.get_for_model(Obligation), object_id=plan.pk
    )
    assert (submitted.transition, submitted.by.username, submitted.occurred_on) == (
        "meet",
        "powys-officer",
        datetime.date(2017, 11, 13),
    )
    row = plan.history.latest()
    assert (row.history_user.username, row.state, row.changed_on) == (
        "powys-officer",
        ObligationState.MET,
        datetime.date(2017, 11, 13),
    )
    assert row.history_change_reason.startswith("meet: Improvement plan drawn up")
    assert demo.history.filter(history_user__username="wg-official").exists()
    not_evidenced = TransitionLog.objects.filter(transition="record_not_evidenced")
    assert {log.by.username for log in not_evidenced} == {"wg-official"}
    assert not_evidenced.count() == 3  # (a), (b) and the laying


def test_demo_users_can_sign_in_with_the_documented_password(demo):
    for username in ["inspector", "wg-official", "powys-officer", "cardiff-officer", "admin"]:
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_superuser
    assert not User.objects.get(username="powys-officer").is_staff


@override_settings(DEMO_ALLOWED=False)
def test_load_demo_is_refused_where_settings_do_not_allow_it():
    with pytest.raises(CommandError):
        call_command("load_demo", verbosity=0)
    assert not User.objects.filter(username="admin").exists()
