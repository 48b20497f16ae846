"""The Powys 2017 demo: loaded through the services, faithful to the sources, and idempotent."""

import datetime

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from accounts.models import TransitionLog, User
from inspections.choices import FindingKind, InspectionState
from inspections.models import Inspection
from intervention import deadlines
from intervention.calendars import non_working_days
from intervention.choices import DeadlineKind, NoticeState, PlanState, RequirementKind
from intervention.demo.powys_2017 import DEMO_PASSWORD
from intervention.models import WarningNotice

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


def test_demo_deadlines_and_the_plan_submitted_on_working_day_19(demo):
    due = {d.kind: d for d in demo.deadlines.exclude(kind=DeadlineKind.BOARD_REPORT)}
    assert due[DeadlineKind.COMPLIANCE].due_on == datetime.date(2017, 11, 14)
    assert due[DeadlineKind.COMPLIANCE].basis == "20 working days after 17 October 2017"
    assert due[DeadlineKind.LAYING].due_on == datetime.date(2017, 11, 7)
    assert due[DeadlineKind.LAYING].met_on is None  # the laying date is not in our sources
    assert due[DeadlineKind.REPORT].due_on == datetime.date(2018, 1, 15)
    assert due[DeadlineKind.REPORT].met_on == datetime.date(2018, 1, 15)
    plan = demo.improvement_plan
    assert plan.state == PlanState.SUBMITTED
    assert plan.submitted_on == datetime.date(2017, 11, 13)
    calendar = non_working_days(datetime.date(2017, 10, 17), datetime.date(2017, 11, 30))
    assert (
        deadlines.working_days_between(datetime.date(2017, 10, 17), plan.submitted_on, non_working=calendar)
        == 19
    )
    assert demo.board_reports.count() == 3


def test_demo_history_is_credited_to_the_people_who_acted(demo):
    issue = TransitionLog.objects.get(transition="issue")
    assert issue.by.username == "wg-official"
    assert issue.occurred_on == datetime.date(2017, 10, 17)
    submit = TransitionLog.objects.get(transition="submit")
    assert submit.by.username == "powys-officer"
    assert demo.history.filter(history_user__username="wg-official").exists()


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
