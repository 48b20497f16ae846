"""Who may do what to inspections: every service action against every role, and the predicates."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts.choices import OrganisationKind
from inspections import permissions, services
from inspections.choices import FindingKind, FindingTheme, InspectionState
from inspections.models import Inspection
from tests.factories import FindingFactory, InspectionFactory, UserFactory
from tests.workflow import (
    DRAFT_ISSUED_ON,
    FIELDWORK_ON,
    PUBLISHED_ON,
    as_user,
    changed_tables,
    inspection_in,
    reread,
    snapshot,
)

pytestmark = pytest.mark.django_db

ROLES = ["inspector", "official", "powys_officer", "cardiff_officer", "administrator", "anonymous"]
DENIED = "You do not have permission to do this."


@pytest.fixture
def make(powys, inspector):
    return lambda state: inspection_in(state, council=powys, inspector=inspector)


def with_recommendation(make):
    inspection = make(InspectionState.FIELDWORK)
    inspection.recommendations.create(number=1, text="Stabilise the leadership.")
    return inspection.recommendations.get()


# Each action: prepare the target (given the `make` fixture and the council), then the action.
# Only inspectors may take any of them.
ACTIONS = {
    "inspection_create": (
        lambda make, powys: powys,
        lambda council, by: services.inspection_create(
            by=by,
            council=council,
            title="Inspection of adults' services",
            service_area="adults",
            inspection_type="planned",
            fieldwork=[(FIELDWORK_ON, FIELDWORK_ON)],
        ),
    ),
    "inspection_update": (
        lambda make, powys: make(InspectionState.PLANNED),
        lambda inspection, by: services.inspection_update(inspection=inspection, by=by, title="Renamed"),
    ),
    "fieldwork_period_add": (
        lambda make, powys: make(InspectionState.PLANNED),
        lambda inspection, by: services.fieldwork_period_add(
            inspection=inspection, by=by, starts_on=FIELDWORK_ON, ends_on=FIELDWORK_ON
        ),
    ),
    "finding_create": (
        lambda make, powys: make(InspectionState.FIELDWORK),
        lambda inspection, by: services.finding_create(
            inspection=inspection,
            by=by,
            theme=FindingTheme.SAFEGUARDING,
            kind=FindingKind.SERIOUS_CONCERN,
            text="No record of statutory visits.",
        ),
    ),
    "finding_update": (
        lambda make, powys: make(InspectionState.FIELDWORK).findings.get(),
        lambda finding, by: services.finding_update(finding=finding, by=by, text="Reworded"),
    ),
    "finding_delete": (
        lambda make, powys: make(InspectionState.FIELDWORK).findings.get(),
        lambda finding, by: services.finding_delete(finding=finding, by=by, reason="Duplicate"),
    ),
    "recommendation_create": (
        lambda make, powys: make(InspectionState.FIELDWORK),
        lambda inspection, by: services.recommendation_create(
            inspection=inspection, by=by, text="Stabilise the leadership."
        ),
    ),
    "recommendation_update": (
        lambda make, powys: with_recommendation(make),
        lambda recommendation, by: services.recommendation_update(
            recommendation=recommendation, by=by, text="Reworded"
        ),
    ),
    "recommendation_delete": (
        lambda make, powys: with_recommendation(make),
        lambda recommendation, by: services.recommendation_delete(recommendation=recommendation, by=by),
    ),
    "inspection_start_fieldwork": (
        lambda make, powys: make(InspectionState.PLANNED),
        lambda inspection, by: services.inspection_start_fieldwork(
            inspection=inspection, by=by, on=FIELDWORK_ON
        ),
    ),
    "inspection_issue_draft": (
        lambda make, powys: make(InspectionState.FIELDWORK),
        lambda inspection, by: services.inspection_issue_draft(
            inspection=inspection, by=by, on=DRAFT_ISSUED_ON
        ),
    ),
    "inspection_publish": (
        lambda make, powys: make(InspectionState.DRAFT_ISSUED),
        lambda inspection, by: services.inspection_publish(inspection=inspection, by=by, on=PUBLISHED_ON),
    ),
    "inspection_record_published": (
        lambda make, powys: make(InspectionState.PLANNED),
        lambda inspection, by: services.inspection_record_published(
            inspection=inspection, by=by, on=PUBLISHED_ON, source="Published report"
        ),
    ),
    "inspection_withdraw": (
        lambda make, powys: make(InspectionState.PLANNED),
        lambda inspection, by: services.inspection_withdraw(inspection=inspection, by=by, reason="Postponed"),
    ),
}
REFUSED = [(action, who) for action in ACTIONS for who in ROLES if who != "inspector"]


@pytest.mark.parametrize("action", ACTIONS)
def test_an_inspector_may(action, make, powys, inspector):
    prepare, act = ACTIONS[action]
    target = prepare(make, powys)
    before = snapshot()

    act(target, inspector)

    assert changed_tables(before) != []


@pytest.mark.parametrize("action, who", REFUSED)
def test_every_other_role_is_refused_and_nothing_is_written(action, who, make, powys, people):
    prepare, act = ACTIONS[action]
    target = prepare(make, powys)
    before = snapshot()

    with pytest.raises(PermissionDenied) as refused:
        act(target, as_user(people[who]))

    assert str(refused.value) == DENIED
    assert changed_tables(before) == []


def inactive(person):
    person.is_active = False
    person.save()
    return person


def in_a_council(person):
    """Move the inspector's organisation to a kind the inspector role does not belong to."""
    organisation = person.organisation
    organisation.kind = OrganisationKind.LOCAL_AUTHORITY
    organisation.save()
    return reread(person)


@pytest.mark.parametrize("spoil", [inactive, in_a_council])
@pytest.mark.parametrize("action", ["inspection_create", "finding_create", "inspection_publish"])
def test_an_inactive_or_misplaced_inspector_is_refused(action, spoil, make, powys, inspector):
    prepare, act = ACTIONS[action]
    target = prepare(make, powys)
    person = spoil(inspector)
    before = snapshot()

    with pytest.raises(PermissionDenied):
        act(target, person)

    assert changed_tables(before) == []


# The pure predicates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, sees_powys, sees_cardiff",
    [
        ("inspector", True, True),
        ("official", True, True),
        ("powys_officer", True, False),
        ("cardiff_officer", False, True),
        ("administrator", False, False),
        ("anonymous", False, False),
    ],
)
def test_can_view_inspection(who, sees_powys, sees_cardiff, people, powys, cardiff):
    person = as_user(people[who])

    assert permissions.can_view_inspection(Inspection(council=powys), person) is sees_powys
    assert permissions.can_view_inspection(Inspection(council=cardiff), person) is sees_cardiff


def test_can_view_inspection_refuses_no_user(powys):
    assert permissions.can_view_inspection(Inspection(council=powys), None) is False


@pytest.mark.parametrize("who", ROLES)
def test_only_inspectors_create_and_manage_inspections(who, people, powys):
    person = as_user(people[who])

    assert permissions.can_create_inspection(person) is (who == "inspector")
    assert permissions.can_manage_inspection(Inspection(council=powys), person) is (who == "inspector")


@pytest.mark.parametrize("state", list(InspectionState))
@pytest.mark.parametrize("who", ROLES)
def test_can_edit_findings_only_until_publication(who, state, people, powys):
    editable = state in (InspectionState.PLANNED, InspectionState.FIELDWORK, InspectionState.DRAFT_ISSUED)

    allowed = permissions.can_edit_findings(Inspection(council=powys, state=state), as_user(people[who]))

    assert allowed is (who == "inspector" and editable)


@pytest.mark.parametrize("spoil", [inactive, in_a_council])
def test_every_predicate_refuses_an_inactive_or_misplaced_inspector(spoil, inspector, powys):
    person = spoil(inspector)
    inspection = Inspection(council=powys)

    answers = [
        permissions.can_view_inspection(inspection, person),
        permissions.can_create_inspection(person),
        permissions.can_manage_inspection(inspection, person),
        permissions.can_edit_findings(inspection, person),
    ]

    assert answers == [False] * 4


@pytest.mark.parametrize("spoil", ["inactive", "not_a_council"])
def test_a_council_officer_must_be_active_and_in_a_council(spoil, powys):
    if spoil == "inactive":
        person = UserFactory(username="left", organisation=powys, is_active=False)
    else:
        powys.kind = OrganisationKind.GOVERNMENT
        powys.save()
        person = UserFactory(username="misfiled", organisation=powys)
    inspection = InspectionFactory.build(council=powys)

    assert permissions.can_view_inspection(inspection, person) is False


def test_a_council_officer_sees_their_inspection_only_while_active(powys_officer, powys):
    inspection = FindingFactory(inspection__council=powys).inspection
    assert permissions.can_view_inspection(inspection, powys_officer) is True

    inactive(powys_officer)

    assert permissions.can_view_inspection(inspection, powys_officer) is False
