"""The Powys 2017 demo: loaded through the services, faithful to the sources, and idempotent.

The demo tells the case from the warning notice of 17 October 2017 to the removal of enhanced
monitoring on 2 November 2020 (shared/domain.md, section 4). Each event the tracker holds is
checked here with its date, how precisely the source dates it, its source and its confidence.
"""

import datetime

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from accounts.models import TransitionLog, User
from inspections.choices import FindingKind, InspectionState, InspectionType, ServiceArea
from inspections.models import Inspection
from intervention import asat, deadlines
from intervention.calendars import WorkingCalendar, non_working_days
from intervention.choices import (
    BoardKind,
    CaseState,
    DatePrecision,
    EscalationSource,
    NoDateReason,
    NoticeKind,
    NoticeState,
    ObligationKind,
    ObligationState,
    Owner,
    Post,
    RecipientKind,
    Regime,
    RequirementKind,
    SeniorPosition,
    StatementKind,
    StatementPurpose,
)
from intervention.demo.powys_2017 import DEMO_PASSWORD, texts
from intervention.models import (
    Appointment,
    Board,
    CaseEvent,
    Escalation,
    InterventionCase,
    Obligation,
    SeniorContact,
    Statement,
    WarningNotice,
)
from intervention.obligations import selectors as obligation_selectors
from intervention.obligations import status

pytestmark = pytest.mark.django_db

d = datetime.date.fromisoformat


def table_snapshot():
    """Every row of every table the project owns, history and audit tables included."""
    snapshot = {}
    for model in apps.get_models():
        if model._meta.app_label in {"accounts", "inspections", "intervention"}:
            snapshot[model._meta.label] = sorted(
                tuple(sorted((k, str(v)) for k, v in row.items())) for row in model.objects.values()
            )
    return snapshot


def row_counts():
    """The number of rows of every model of every installed app."""
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def test_load_demo_twice_gives_the_same_rows_as_once():
    call_command("load_demo", verbosity=0)
    once, counts = table_snapshot(), row_counts()
    call_command("load_demo", verbosity=0)

    assert row_counts() == counts
    assert table_snapshot() == once
    assert sum(len(rows) for rows in once.values()) > 400
    assert counts["intervention.HistoricalCaseEvent"] == counts["intervention.CaseEvent"] > 0


def obligation_status(obligation, day):
    """Its status at the end of `day`, derived by the one rule every page uses."""
    return status.derive(obligation.facts(), today=day, non_working=WorkingCalendar())


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)
    return WarningNotice.objects.get(case__council__code="powys", kind=NoticeKind.ORIGINAL)


@pytest.fixture
def follow_up(demo):
    return WarningNotice.objects.get(parent=demo, kind=NoticeKind.FOLLOW_UP)


@pytest.fixture
def case(demo):
    return demo.case


def owed(notice, **filters):
    return notice.obligations.select_related("requirement", "board_report").get(**filters)


# The inspection of July 2017 and the notice of 17 October 2017 ------------------------------------


def test_demo_inspection_has_its_real_dates_and_findings(demo):
    inspection = demo.inspection
    assert inspection.state == InspectionState.PUBLISHED
    assert inspection.draft_issued_on == d("2017-09-05")
    assert inspection.published_on == d("2017-10-17")
    # The notice gives the weeks of the site visits, not their days: no last day is invented.
    assert [(p.starts_on, p.ends_on, p.week_commencing) for p in inspection.fieldwork_periods.all()] == [
        (d("2017-07-17"), None, True),
        (d("2017-07-31"), None, True),
    ]
    themes = {f.theme for f in inspection.findings.all()}
    assert themes == {"access", "assessment", "care_and_support", "safeguarding", "leadership"}
    assert inspection.findings.filter(kind=FindingKind.STRENGTH, text__contains="resilience").exists()
    assert inspection.findings.filter(evidence_summary__contains="six months").exists()


def test_demo_findings_say_no_more_than_the_notice(demo):
    findings = {f.theme: f for f in demo.inspection.findings.exclude(kind=FindingKind.STRENGTH)}
    # s17 is a failed function, so the Access finding is a serious concern, escalated on publication.
    assert {f.kind for f in findings.values()} == {FindingKind.SERIOUS_CONCERN}
    assert list(findings["access"].statutory_functions.values_list("code", flat=True)) == ["SSWBA-s17"]
    leadership = findings["leadership"]
    assert "complaints in the main were not being investigated within the required timescales" in (
        leadership.text
    )
    assert leadership.evidence_summary.startswith("Four changes of head of service;")
    assert "not being fully informed about why decisions are being made" in findings["care_and_support"].text
    for finding in findings.values():
        assert finding.text in demo.reasons_summary  # each is the notice's own paragraph


def test_demo_notice_matches_the_2017_notice(demo):
    assert demo.state == NoticeState.SUPERSEDED
    assert (demo.given_on, demo.announced_on, demo.ended_on) == (
        d("2017-10-17"),
        d("2017-10-17"),
        d("2018-01-15"),
    )
    assert demo.minister == "Rebecca Evans, Minister for Social Services and Public Health"
    assert "Rebecca Evans" in demo.issued_text
    # The purpose section whole: its four paragraphs.
    assert demo.purpose.count("\n\n") == 3
    assert demo.purpose.startswith(
        "This is a warning notice issued to Powys County Council under section 151"
    )
    assert "instability in management, poor and confused direction and weak governance" in demo.purpose
    assert demo.purpose.endswith("to Powys County Council under Part 8 of the 2014 Act.")
    # The grounds, with the text of s150.
    grounds = list(demo.grounds.select_related("ground"))
    assert [g.ground.number for g in grounds] == [1, 3]
    assert grounds[0].ground.text == (
        "the local authority has failed, or is likely to fail, to comply with a duty that is a social "
        "services function"
    )
    assert grounds[1].ground.text == (
        "the local authority is failing, or is likely to fail, to perform a social services function to "
        "an adequate standard"
    )
    # One set of reasons for both grounds, the notice's five themed paragraphs in its order.
    headings = [heading for heading, _text in texts.THEMED_REASONS]
    positions = [demo.reasons_summary.index(f"\n\n{heading}\n\n") for heading in headings]
    assert positions == sorted(positions)
    assert demo.reasons_summary.startswith("CSSIW carried out an inspection of Children's Service")
    assert {g.reasons for g in grounds} == {texts.GROUND_REASONS}
    assert all(g.findings.count() == 5 for g in grounds)
    # The failed functions (i) to (vi), (ii) naming two.
    assert texts.FAILED_FUNCTIONS == [
        "SSWBA-s17",
        "SSWBA-P3",
        "SSWBA-P4",
        "SSWBA-s75",
        "SSWBA-s144",
        "SSWBA-s171",
        "CA1989-s47",
    ]
    assert set(demo.failed_functions.values_list("code", flat=True)) == set(texts.FAILED_FUNCTIONS)
    requirements = list(demo.requirements.all())
    assert [r.letter for r in requirements] == list("abcdefg")
    assert requirements[0].text.startswith("to end the current arrangements")
    assert requirements[6].kind == RequirementKind.CONTINUING_CONDITION
    # The powers are named once, in the notice's own words.
    assert "sections 152-161" in demo.minded_to
    assert demo.minded_to_powers == ""
    assert demo.issued_text.count("152-161") == 1
    assert "(ss152-161)" not in demo.issued_text
    assert "Ground 3" in demo.issued_text


def test_demo_plan_is_requirement_d_met_on_working_day_19_of_20(demo):
    plan = owed(demo, kind=ObligationKind.IMPROVEMENT_PLAN)
    assert plan.requirement.letter == "d"
    assert (plan.due_on, plan.basis) == (d("2017-11-14"), "20 working days after 17 October 2017")
    assert (plan.state, plan.met_on) == (ObligationState.MET, d("2017-11-13"))
    assert demo.compliance_ends_on == d("2017-11-14")
    calendar = non_working_days(d("2017-10-17"), d("2017-11-30"))
    assert deadlines.working_days_between(d("2017-10-17"), plan.met_on, non_working=calendar) == 19
    assert obligation_status(plan, d("2017-11-30")).code == status.MET


@pytest.mark.parametrize("letter", ["a", "b"])
def test_demo_a_and_b_are_done_with_the_date_not_evidenced_known_done_by_21_november_2017(demo, letter):
    obligation = owed(demo, requirement__letter=letter)
    assert obligation.kind == ObligationKind.REQUIREMENT
    assert (obligation.state, obligation.met_on, obligation.done_by) == (
        ObligationState.NOT_EVIDENCED,
        None,  # never an invented date
        d("2017-11-21"),
    )
    assert "21 November 2017" in obligation.source
    # Before the day it is known done by, nothing is claimed; from it, done (never overdue).
    assert obligation_status(obligation, d("2017-11-20")).code == status.NOT_DUE
    found = obligation_status(obligation, d("2017-11-21"))
    assert (found.code, found.since) == (status.NOT_EVIDENCED, d("2017-11-21"))


def test_demo_e_the_plan_agreed_with_the_board_is_known_done_by_15_january_2018(demo):
    agreement = owed(demo, kind=ObligationKind.PLAN_AGREEMENT)
    assert agreement.requirement.letter == "e"
    assert (agreement.state, agreement.met_on, agreement.done_by) == (
        ObligationState.NOT_EVIDENCED,
        None,
        d("2018-01-15"),
    )
    assert "approved by the Council's Cabinet and Improvement Board" in agreement.source
    assert "https://gov.wales/node/6296" in agreement.source


def test_demo_laying_is_done_with_the_date_not_evidenced(demo):
    laying = owed(demo, kind=ObligationKind.LAYING)
    assert (laying.owner, laying.due_on) == (Owner.MINISTERS, d("2017-11-07"))
    assert (laying.state, laying.met_on) == (ObligationState.NOT_EVIDENCED, None)
    assert laying.done_by is None  # no source shows a day it had been laid by
    assert "do not give the date the notice was laid" in laying.source
    # Never shown as overdue, nor as met on any date.
    for day in (d("2017-11-08"), d("2018-06-01")):
        assert obligation_status(laying, day).code == status.NOT_EVIDENCED


def test_demo_90_day_report_was_a_statement_on_15_january_2018(demo):
    report = owed(demo, kind=ObligationKind.LEGISLATURE_REPORT)
    assert (report.owner, report.due_on) == (Owner.MINISTERS, d("2018-01-15"))
    assert (report.state, report.met_on) == (ObligationState.MET, d("2018-01-15"))
    assert report.source == "https://gov.wales/node/6296"
    statement = demo.statements.get(purpose=StatementPurpose.NINETY_DAY_REPORT)
    assert (statement.made_on, statement.minister) == (
        d("2018-01-15"),
        "Huw Irranca-Davies, Minister for Children and Social Care",
    )


def test_demo_sets_no_board_report_schedule_so_none_is_due_on_any_date(demo, follow_up):
    assert (demo.board_reports_from, demo.board_reports_count, demo.board_reports_until_end) == (
        None,
        0,
        False,
    )
    assert not demo.board_reports.exists()
    [reports] = demo.obligations.filter(kind=ObligationKind.BOARD_REPORT)
    assert reports.requirement.letter == "c"
    assert (reports.due_on, reports.no_date_reason) == (None, NoDateReason.NOT_SET)
    # Carried over to the follow-up notice (no source says it was released), then ended with the case.
    assert (reports.carried_to, reports.state, reports.not_required_on) == (
        follow_up,
        ObligationState.NOT_REQUIRED,
        d("2020-11-02"),
    )
    assert obligation_status(reports, d("2018-06-01")).code == status.NOT_REQUIRED


def test_demo_records_nothing_the_sources_do_not_say(demo, follow_up):
    """Implementing the plan (f) and the condition (g): carried over, undated, never recorded as done."""
    for letter, no_date in [("f", NoDateReason.NOT_SET), ("g", NoDateReason.CONTINUING)]:
        obligation = owed(demo, requirement__letter=letter)
        assert (obligation.due_on, obligation.no_date_reason, obligation.carried_to) == (
            None,
            no_date,
            follow_up,
        )
        assert (obligation.state, obligation.met_on) == (ObligationState.NOT_REQUIRED, None)
        assert "2 November 2020" in obligation.settled_reason
    assert not Obligation.objects.filter(state=ObligationState.MET, met_on__isnull=True).exists()
    assert set(Obligation.objects.values_list("state", flat=True)) == {
        ObligationState.MET,
        ObligationState.NOT_EVIDENCED,
        ObligationState.NOT_REQUIRED,
    }


# The follow-up notice of 15 January 2018 -----------------------------------------------------------


def test_demo_follow_up_notice_asked_for_a_revised_plan_by_7_february_2018(demo, follow_up):
    assert (follow_up.parent, follow_up.given_on, follow_up.announced_on) == (
        demo,
        d("2018-01-15"),
        d("2018-01-15"),
    )
    assert follow_up.minister == "Huw Irranca-Davies, Minister for Children and Social Care"
    assert follow_up.compliance_ends_on == d("2018-02-07")
    assert [r.letter for r in follow_up.requirements.all()] == ["a", "b"]
    assert "within six months of the date of the notice, a year later and up to January 2020" in (
        follow_up.requirements.get(letter="a").text
    )
    assert "152-161" in follow_up.minded_to and "(reported)" in follow_up.issued_text
    plan = owed(follow_up, kind=ObligationKind.IMPROVEMENT_PLAN)
    assert (plan.requirement.letter, plan.due_on, plan.state, plan.met_on) == (
        "a",
        d("2018-02-07"),
        ObligationState.MET,
        d("2018-01-23"),
    )
    framework = owed(follow_up, requirement__letter="b")
    assert (framework.state, framework.done_by) == (ObligationState.NOT_EVIDENCED, d("2018-04-16"))
    assert (follow_up.state, follow_up.ended_on) == (NoticeState.ENDED_WITH_CASE, d("2020-11-02"))


def test_demo_follow_up_notice_duties_of_the_ministers(follow_up):
    laying = owed(follow_up, kind=ObligationKind.LAYING)
    assert (laying.due_on, laying.state, laying.done_by) == (
        d("2018-02-05"),
        ObligationState.NOT_EVIDENCED,
        None,
    )
    report = owed(follow_up, kind=ObligationKind.LEGISLATURE_REPORT)
    # 15 January 2018 + 90 days is Sunday 15 April; the statement came on Monday 16 April
    # (shared/domain.md section 5.4): the tracker shows it as the record and the law give it.
    assert (report.due_on, report.state, report.met_on) == (
        d("2018-04-15"),
        ObligationState.MET,
        d("2018-04-16"),
    )
    assert obligation_status(report, d("2018-04-16")).code == status.MET_LATE


def test_demo_addendum_is_a_sourced_event_not_an_invented_notice(case):
    assert not WarningNotice.objects.filter(kind=NoticeKind.ADDENDUM).exists()
    addendum = case.events.get(description__startswith="The Minister issued an addendum")
    assert (addendum.happened_on, addendum.precision, addendum.confidence) == (
        d("2018-04-16"),
        DatePrecision.DAY,
        "V",
    )
    assert "its terms are not in the sources" in addendum.description.lower()


# Every event of shared/domain.md section 4 the tracker holds -------------------------------------

GOV = "https://gov.wales/"
WWW_GOV = "https://www.gov.wales/"

STATEMENTS = [
    # made on, kind, purpose, minister contains, link starts, confidence
    ("2017-10-17", StatementKind.WRITTEN, StatementPurpose.NOTICE_GIVEN, "Rebecca Evans", GOV, "V"),
    ("2017-11-21", StatementKind.WRITTEN, StatementPurpose.UPDATE, "Alun Davies", GOV, "V"),
    ("2018-01-15", StatementKind.WRITTEN, StatementPurpose.NINETY_DAY_REPORT, "Huw Irranca-Davies", GOV, "V"),
    ("2018-02-14", StatementKind.WRITTEN, StatementPurpose.UPDATE, "Huw Irranca-Davies", WWW_GOV, "V"),
    (
        "2018-04-16",
        StatementKind.WRITTEN,
        StatementPurpose.NINETY_DAY_REPORT,
        "Huw Irranca-Davies",
        WWW_GOV,
        "V",
    ),
    ("2018-05-01", StatementKind.ORAL, StatementPurpose.UPDATE, "Alun Davies", "https://matthew.", "V"),
    ("2020-11-02", StatementKind.WRITTEN, StatementPurpose.CLOSURE, "Julie Morgan MS", WWW_GOV, "V"),
]


def test_demo_statements_to_the_assembly(case, demo, follow_up):
    found = [
        (s.made_on.isoformat(), s.kind, s.purpose, s.minister, s.url, s.confidence, s.source)
        for s in case.statements.order_by("made_on", "id")
    ]
    assert len(found) == len(STATEMENTS)
    for (made_on, kind, purpose, minister, url, confidence, source), expected in zip(
        found, STATEMENTS, strict=True
    ):
        assert (made_on, kind, purpose, confidence) == (expected[0], expected[1], expected[2], expected[5])
        assert expected[3] in minister
        assert url.startswith(expected[4]) and url in source
    reports = Statement.objects.filter(purpose=StatementPurpose.NINETY_DAY_REPORT)
    assert {(s.notice, s.made_on) for s in reports} == {(demo, d("2018-01-15")), (follow_up, d("2018-04-16"))}


EVENTS = [
    # date, precision, confidence, words of the description, a word of the source
    ("2016-12-01", DatePrecision.MONTH, "R", "Director of Social Services left", "countytimes"),
    ("2017-07-01", DatePrecision.MONTH, "R", "Head of Children's Services left", "countytimes"),
    ("2017-10-19", DatePrecision.DAY, "V", "full County Council", "en.powys.gov.uk"),
    ("2017-11-14", DatePrecision.DAY, "V", "Measure 2009", "written-statement-update"),
    ("2017-12-01", DatePrecision.MONTH, "V", "Sean Harriss", "theyworkforyou"),
    ("2018-03-01", DatePrecision.MONTH, "R", "three-day monitoring visit", "bbc"),
    ("2018-04-16", DatePrecision.DAY, "V", "addendum to the Follow-Up Warning Notice", "services-0"),
    ("2020-03-01", DatePrecision.MONTH, "V", "interim assurance review of adult services", "201029"),
    ("2020-03-01", DatePrecision.MONTH, "V", "external review of the Improvement", "external-review"),
    ("2020-07-01", DatePrecision.MONTH, "V", "move from a statutory Improvement", "external-review"),
    ("2020-07-01", DatePrecision.MONTH, "R", "winding down", "countytimes"),
    ("2020-10-09", DatePrecision.DAY, "V", "improvement conference", "201029"),
    ("2020-10-29", DatePrecision.DAY, "V", "after nine pieces of monitoring", "201029"),
    (None, DatePrecision.NOT_EVIDENCED, "R", "Corporate Improvement Board", "shropshirestar"),
]


def test_demo_case_events_each_with_its_date_precision_source_and_confidence(case):
    found = list(case.events.order_by("happened_on", "id"))
    undated = [e for e in found if e.happened_on is None]
    found = [e for e in found if e.happened_on is not None] + undated
    assert len(found) == len(EVENTS)
    for event, (day, precision, confidence, words, source) in zip(found, EVENTS, strict=True):
        assert (event.happened_on, event.precision, event.confidence) == (
            d(day) if day else None,
            precision,
            confidence,
        ), event.description
        assert words in event.description and source in event.source, event.description
        assert "https://" in event.source or "http://" in event.source
    assert [e.date_display for e in found[:2]] == ["December 2016", "July 2017"]
    assert found[-1].date_display == "Date not evidenced"


def test_demo_boards_and_appointments(case):
    board, assurance = case.boards.order_by("id")
    assert (board.kind, board.regime, board.established_on, board.established_precision) == (
        BoardKind.IMPROVEMENT_BOARD,
        Regime.SSWBA_PART_8,
        None,
        DatePrecision.NOT_EVIDENCED,
    )
    assert "written-statement-update-powys-county-council" in board.source and board.confidence == "V"
    # Replaced by the Improvement and Assurance Board in March 2018, which stood down in autumn 2020.
    assert (board.stood_down_on, board.stood_down_precision) == (d("2018-03-01"), DatePrecision.MONTH)
    assert (assurance.kind, assurance.regime, assurance.replaces) == (
        BoardKind.IMPROVEMENT_AND_ASSURANCE_BOARD,
        Regime.LG_MEASURE_2009,
        board,
    )
    assert (assurance.established_on, assurance.established_precision, assurance.confidence) == (
        d("2018-03-01"),
        DatePrecision.MONTH,
        "R",
    )
    assert assurance.chair.startswith("Jack Straw") and assurance.chair_independent
    assert (assurance.stood_down_on, assurance.stood_down_precision) == (None, DatePrecision.NOT_EVIDENCED)
    [remit] = assurance.remit_changes.all()
    assert (remit.changed_on, remit.precision, remit.confidence) == (
        d("2019-09-01"),
        DatePrecision.MONTH,
        "R",
    )
    assert "education" in remit.remit and "education" not in remit.remit_before.lower()
    appointments = {a.post: a for a in case.appointments.all()}
    director = appointments[Post.DIRECTOR_OF_SOCIAL_SERVICES]
    assert director.title == "Interim director of social services" and director.interim
    assert (director.starts_on, director.starts_precision, director.confidence) == (
        None,
        DatePrecision.NOT_EVIDENCED,
        "V",
    )
    head = appointments[Post.HEAD_OF_CHILDRENS_SERVICES]
    assert head.interim and "node/6296" in head.source
    assert Appointment.objects.count() == 2 and Board.objects.count() == 2


def test_demo_inspections_of_the_case(case, demo):
    inspections = {
        i.inspection_type: i for i in case.inspections.exclude(pk=demo.inspection_id).order_by("published_on")
    }
    assert {t: (i.published_on, i.fieldwork_note, i.state) for t, i in inspections.items()} == {
        InspectionType.MONITORING_VISIT: (d("2018-01-04"), "December 2017", InspectionState.PUBLISHED),
        InspectionType.FOLLOW_UP: (d("2019-01-09"), "October 2018", InspectionState.PUBLISHED),
        InspectionType.PERFORMANCE_EVALUATION: (
            d("2020-10-29"),
            "September 2020",
            InspectionState.PUBLISHED,
        ),
    }
    # Known by their publication only: no fieldwork day or draft date is invented.
    for inspection in inspections.values():
        assert inspection.draft_issued_on is None and not inspection.fieldwork_periods.exists()
    adults = Inspection.objects.get(council__code="powys", service_area=ServiceArea.ADULTS)
    assert (adults.published_on, adults.fieldwork_note) == (d("2018-05-01"), "January 2018")
    assert not adults.intervention_cases.exists()  # adult services: not this children's services case


def test_demo_plan_review_after_the_2019_report_is_done_date_not_evidenced(case):
    review = Obligation.objects.get(kind=ObligationKind.REPORT_ACTION)
    assert review.inspection.published_on == d("2019-01-09")
    assert (review.due_on, review.basis) == (
        d("2019-02-06"),
        "20 working days after the report was published on 9 January 2019",
    )
    assert (review.state, review.met_on, review.done_by) == (ObligationState.NOT_EVIDENCED, None, None)
    assert "Reported" in review.source and "countytimes" in review.source
    for day in (d("2019-02-06"), d("2019-02-07"), d("2020-01-01")):
        assert obligation_status(review, day).code == status.NOT_EVIDENCED


# Escalations reach the council ---------------------------------------------------------------------


def test_demo_senior_contacts_receive_the_escalations(demo):
    contacts = {c.position: c.user for c in SeniorContact.objects.filter(council__code="powys")}
    assert set(contacts) == {SeniorPosition.LEADER, SeniorPosition.CHIEF_EXECUTIVE}
    leader = contacts[SeniorPosition.LEADER]
    assert (leader.first_name, leader.last_name) == ("Rosemarie", "Harris")
    on_publication = Escalation.objects.filter(raised_on=d("2017-10-17"))
    assert on_publication.count() == 5  # one per serious concern, the Access finding included
    assert set(on_publication.values_list("finding__theme", flat=True)) == {
        "access",
        "assessment",
        "care_and_support",
        "safeguarding",
        "leadership",
    }
    for escalation in on_publication:
        senior = escalation.recipients.filter(kind=RecipientKind.SENIOR_CONTACT)
        assert set(senior.values_list("user", flat=True)) == {u.pk for u in contacts.values()}
    [in_2019] = Escalation.objects.filter(raised_on=d("2019-01-09"))
    assert (in_2019.source, in_2019.case) == (EscalationSource.SERIOUS_FINDING, demo.case)
    assert "There continue to be areas of practice where we have serious concerns." in in_2019.reason


# As at today: closed on 2 November 2020, nothing overdue ----------------------------------------------


def test_demo_case_is_closed_on_2_november_2020_and_nothing_is_overdue_today(case):
    assert case.state == CaseState.CLOSED
    assert (case.closed_on, case.closure_minister, case.closure_decision) == (
        d("2020-11-02"),
        "Julie Morgan MS, Deputy Minister for Health and Social Services",
        "the enhanced monitoring arrangements have been removed",
    )
    assert case.closure_source == (
        "https://www.gov.wales/written-statement-powys-county-council-removal-enhanced-monitoring-"
        "arrangements-social-services"
    )
    close = TransitionLog.objects.get(
        content_type=ContentType.objects.get_for_model(InterventionCase), transition="close"
    )
    assert (close.by.username, close.occurred_on) == ("wg-official", d("2020-11-02"))
    today = timezone.localdate()
    live = obligation_selectors.with_status(Obligation.objects.all(), today=today)
    assert {o.status.code for o in live} <= {
        status.MET,
        status.MET_LATE,
        status.NOT_EVIDENCED,
        status.NOT_REQUIRED,
    }
    assert not any(o.status.is_open for o in live)
    late = [o for o in live if o.status.is_late]
    assert [(o.kind, o.notice.kind) for o in late] == [
        (ObligationKind.LEGISLATURE_REPORT, NoticeKind.FOLLOW_UP)
    ]
    rebuilt = asat.all_obligations_as_at(today)
    assert len(rebuilt) == Obligation.objects.count()
    assert not any(row.item.status.code == status.OVERDUE for row in rebuilt)
    assert not WarningNotice.objects.filter(state=NoticeState.ISSUED).exists()


def test_demo_history_is_credited_to_the_people_who_acted(demo):
    issue = TransitionLog.objects.filter(transition="issue").order_by("occurred_on")
    assert [(log.by.username, log.occurred_on) for log in issue] == [
        ("wg-official", d("2017-10-17")),
        ("wg-official", d("2018-01-15")),
    ]
    plan = owed(demo, kind=ObligationKind.IMPROVEMENT_PLAN)
    submitted = TransitionLog.objects.get(
        content_type=ContentType.objects.get_for_model(Obligation), object_id=plan.pk, transition="meet"
    )
    assert (submitted.by.username, submitted.occurred_on) == ("powys-officer", d("2017-11-13"))
    row = plan.history.filter(state=ObligationState.MET).earliest("history_date")
    assert (row.history_user.username, row.changed_on) == ("powys-officer", d("2017-11-13"))
    assert row.history_change_reason.startswith("meet: Improvement plan drawn up")
    assert demo.history.filter(history_user__username="wg-official").exists()
    not_evidenced = TransitionLog.objects.filter(transition="record_not_evidenced")
    assert {log.by.username for log in not_evidenced} == {"wg-official"}
    # (a), (b), (e) and the laying of the notice; the laying of the follow-up notice and its (b);
    # the plan review the 2019 report asked for.
    assert not_evidenced.count() == 7
    events = CaseEvent.history.filter(history_type="+")
    assert {row.history_user.username for row in events} == {"wg-official"}


def test_demo_users_can_sign_in_with_the_documented_password(demo):
    for username in [
        "inspector",
        "wg-official",
        "powys-officer",
        "powys-leader",
        "powys-chief-executive",
        "cardiff-officer",
        "admin",
    ]:
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_superuser
    assert not User.objects.get(username="powys-officer").is_staff


@override_settings(DEMO_ALLOWED=False)
def test_load_demo_is_refused_where_settings_do_not_allow_it():
    with pytest.raises(CommandError):
        call_command("load_demo", verbosity=0)
    assert not User.objects.filter(username="admin").exists()
