"""Visibility: the selectors and the can_view predicates agree, for every role and council."""

import pytest

from inspections import permissions as inspection_permissions
from inspections.selectors import inspections_for_user
from intervention import permissions, selectors
from intervention.choices import Owner
from intervention.obligations import selectors as obligation_selectors
from tests.factories import CaseFactory, InspectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(powys, cardiff, draft_notice, official):
    """A Powys draft notice, a Powys issued notice, and a Cardiff case and inspection."""
    from intervention import services

    issued = services.notice_issue(notice=draft_notice, by=official, on=draft_notice.case.opened_on)
    cardiff_case = CaseFactory(council=cardiff)
    second_draft = services.notice_draft(case=draft_notice.case, by=official, title="Powys draft")
    cardiff_draft = services.notice_draft(case=cardiff_case, by=official, title="Cardiff draft")
    never_given = services.notice_withdraw(
        notice=services.notice_draft(case=draft_notice.case, by=official, title="Abandoned draft"),
        by=official,
        reason="Not needed",
    )
    InspectionFactory(council=cardiff)
    return {
        "issued": issued,
        "powys_draft": second_draft,
        "cardiff_draft": cardiff_draft,
        "never_given": never_given,
    }


@pytest.mark.parametrize(
    "who, expected",
    [
        ("official", {"issued", "powys_draft", "cardiff_draft", "never_given"}),
        ("inspector", {"issued"}),
        ("powys_officer", {"issued"}),
        ("cardiff_officer", set()),
        ("administrator", set()),
    ],
)
def test_notices_for_user(world, people, who, expected):
    user = people[who]
    visible = set(selectors.notices_for_user(user).values_list("pk", flat=True))
    assert visible == {world[name].pk for name in expected}
    for name, notice in world.items():
        assert permissions.can_view_notice(notice, user) is (name in expected)


@pytest.mark.parametrize(
    "who", ["official", "inspector", "powys_officer", "cardiff_officer", "administrator"]
)
def test_inspections_and_cases_for_user_agree_with_the_predicates(world, people, who):
    from inspections.models import Inspection
    from intervention.models import InterventionCase

    user = people[who]
    visible = set(inspections_for_user(user).values_list("pk", flat=True))
    for inspection in Inspection.objects.all():
        assert (inspection.pk in visible) is inspection_permissions.can_view_inspection(inspection, user)
    visible_cases = set(selectors.cases_for_user(user).values_list("pk", flat=True))
    for case in InterventionCase.objects.all():
        assert (case.pk in visible_cases) is permissions.can_view_case(case, user)


def test_council_officer_sees_only_their_councils_requirements_and_obligations(
    world, powys_officer, cardiff_officer
):
    issued = world["issued"]
    assert selectors.requirements_for_user(powys_officer).count() == issued.requirements.count()
    assert set(obligation_selectors.obligations_for_user(powys_officer)) == set(issued.obligations.all())
    assert not selectors.requirements_for_user(cardiff_officer).exists()
    assert not obligation_selectors.obligations_for_user(cardiff_officer).exists()
    assert not obligation_selectors.owed_to_user(cardiff_officer).exists()
    assert not selectors.plans_for_user(cardiff_officer).exists()
    assert not selectors.board_reports_for_user(cardiff_officer).exists()


@pytest.mark.parametrize(
    "who, owners",
    [
        # A council officer's dashboard, reminders and feed: their council's, never the Ministers' duties.
        ("powys_officer", {Owner.COUNCIL}),
        ("official", {Owner.COUNCIL, Owner.MINISTERS}),
        ("inspector", {Owner.COUNCIL}),
        ("cardiff_officer", set()),
        ("administrator", set()),
    ],
)
def test_owed_to_user_gives_each_person_only_what_they_follow(world, people, who, owners):
    issued = world["issued"]
    found = list(obligation_selectors.owed_to_user(people[who]))
    assert {o.owner for o in found} == owners
    assert set(found) == set(issued.obligations.filter(owner__in=owners))
