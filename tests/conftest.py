"""Shared people and objects: one of each role, two councils, and notices built through services."""

import datetime

import pytest

from accounts.choices import OrganisationKind
from intervention import services as intervention_services
from intervention.choices import ComplianceRule, RequirementAnswer, RequirementDue, RequirementKind
from intervention.powers.reference import ensure_reference_data

from .factories import (
    FindingFactory,
    GroundFactory,
    InspectionFactory,
    OrganisationFactory,
    StatutoryFunctionFactory,
    UserFactory,
)

GIVEN_ON = datetime.date(2017, 10, 17)


@pytest.fixture
def powys(db):
    return OrganisationFactory(
        code="powys", name="Powys County Council", kind=OrganisationKind.LOCAL_AUTHORITY
    )


@pytest.fixture
def cardiff(db):
    return OrganisationFactory(code="cardiff", name="Cardiff Council", kind=OrganisationKind.LOCAL_AUTHORITY)


@pytest.fixture
def inspector(db):
    return UserFactory(username="inspector", inspector=True)


@pytest.fixture
def official(db):
    return UserFactory(username="wg-official", official=True)


@pytest.fixture
def powys_officer(powys):
    return UserFactory(username="powys-officer", organisation=powys)


@pytest.fixture
def cardiff_officer(cardiff):
    return UserFactory(username="cardiff-officer", organisation=cardiff)


@pytest.fixture
def administrator(db):
    return UserFactory(username="admin", administrator=True)


@pytest.fixture
def people(inspector, official, powys_officer, cardiff_officer, administrator):
    """Everyone, by a short name, for parametrised role tables."""
    return {
        "inspector": inspector,
        "official": official,
        "powys_officer": powys_officer,
        "cardiff_officer": cardiff_officer,
        "administrator": administrator,
        "anonymous": None,
    }


@pytest.fixture
def published_inspection(powys):
    inspection = InspectionFactory(
        council=powys, title="Inspection of children's services, Powys", published=True
    )
    return inspection


@pytest.fixture
def serious_finding(powys):
    """A finding recorded before publication, on an inspection then published."""
    finding = FindingFactory(inspection__council=powys)
    Inspection = type(finding.inspection)
    Inspection.objects.filter(pk=finding.inspection_id).update(
        state="published", draft_issued_on=datetime.date(2017, 9, 5), published_on=GIVEN_ON
    )
    return finding


@pytest.fixture
def powys_case(powys, official):
    # Migration 0011's rows are gone if a transactional test on this worker flushed the database.
    ensure_reference_data()
    return intervention_services.case_open(
        by=official,
        council=powys,
        title="Powys children's services",
        service_area="children",
        opened_on=GIVEN_ON,
    )


@pytest.fixture
def draft_notice(powys_case, official, serious_finding):
    """A draft that meets every s151(2) condition: ready to issue on 17 October 2017."""
    notice = intervention_services.notice_draft(
        case=powys_case,
        by=official,
        title="Warning notice: Powys children's services",
        compliance_rule=ComplianceRule.WORKING_DAYS,
        compliance_days=20,
        compliance_description="Produce an improvement plan",
        board_reports_from=datetime.date(2017, 11, 1),
        board_reports_count=3,
        minded_to="Intervene more directly under sections 152-161.",
        minded_to_powers="ss152-161",
    )
    intervention_services.notice_set_ground(
        notice=notice,
        by=official,
        ground=GroundFactory(number=1),
        reasons="Duties not complied with.",
        findings=[serious_finding],
    )
    intervention_services.notice_set_failed_functions(
        notice=notice, by=official, functions=[StatutoryFunctionFactory(code="SSWBA-s144")]
    )
    for letter, kind, answered_by, due in [
        ("a", RequirementKind.ONE_OFF, RequirementAnswer.EVIDENCE, RequirementDue.NONE),
        ("c", RequirementKind.RECURRING_REPORT, RequirementAnswer.BOARD_REPORTS, RequirementDue.NONE),
        ("d", RequirementKind.ONE_OFF, RequirementAnswer.IMPROVEMENT_PLAN, RequirementDue.NONE),
        ("e", RequirementKind.ONE_OFF, RequirementAnswer.PLAN_AGREEMENT, RequirementDue.NONE),
        ("f", RequirementKind.ONE_OFF, RequirementAnswer.EVIDENCE, RequirementDue.COMPLIANCE_PERIOD),
        ("g", RequirementKind.CONTINUING_CONDITION, RequirementAnswer.EVIDENCE, RequirementDue.NONE),
    ]:
        intervention_services.requirement_add(
            notice=notice,
            by=official,
            letter=letter,
            text=f"Requirement {letter}",
            kind=kind,
            answered_by=answered_by,
            due=due,
        )
    return notice


@pytest.fixture
def issued_notice(draft_notice, official):
    return intervention_services.notice_issue(notice=draft_notice, by=official, on=GIVEN_ON)


@pytest.fixture
def requirement_a(issued_notice):
    return issued_notice.requirements.get(letter="a")


@pytest.fixture
def obligation_a(requirement_a):
    """What the council owes for requirement (a), which it answers with evidence."""
    return requirement_a.obligations.get()
