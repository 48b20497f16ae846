"""A council reads an inspection's findings from the draft report on, never during fieldwork.

CIW writes its findings during fieldwork; the council first sees them in the draft report sent for
its factual accuracy check. Until then the inspected council's own officers see the inspection,
but not its findings or recommendations: not on its page, its history, or anywhere they are listed.
"""

import datetime

import pytest
from django.urls import reverse

from inspections import permissions, selectors, services
from inspections.choices import FindingKind, FindingTheme, InspectionState
from tests.factories import InspectionFactory

pytestmark = pytest.mark.django_db

FINDING = "No record of statutory visits for six months."
RECOMMENDATION = "Visit every child on time."


@pytest.fixture
def inspection(powys, inspector):
    """A Powys inspection in fieldwork, with a finding and a recommendation being written."""
    inspection = InspectionFactory(
        council=powys, title="Inspection of childrens services in Powys", fieldwork=True
    )
    finding = services.finding_create(
        inspection=inspection,
        by=inspector,
        theme=FindingTheme.SAFEGUARDING,
        kind=FindingKind.SERIOUS_CONCERN,
        text=FINDING,
    )
    services.recommendation_create(
        inspection=inspection, by=inspector, text=RECOMMENDATION, findings=[finding]
    )
    return inspection


def pages_of(client, user, inspection) -> str:
    client.force_login(user)
    answers = [
        client.get(reverse("inspections:detail", args=[inspection.pk])),
        client.get(reverse("inspections:history", args=[inspection.pk])),
    ]
    assert [answer.status_code for answer in answers] == [200, 200]
    return "".join(answer.content.decode() for answer in answers)


def issue_draft(inspection, inspector):
    return services.inspection_issue_draft(inspection=inspection, by=inspector, on=datetime.date(2017, 9, 5))


def test_the_councils_officer_sees_the_inspection_but_not_its_findings_during_fieldwork(
    client, inspection, powys_officer
):
    page = pages_of(client, powys_officer, inspection)

    assert inspection.title in page
    assert FINDING not in page and RECOMMENDATION not in page
    assert "when the draft report is issued to the council" in page
    assert permissions.can_view_findings(inspection, powys_officer) is False
    assert not selectors.findings_for_user(powys_officer).exists()
    assert not selectors.recommendations_for_user(powys_officer).exists()


@pytest.mark.parametrize("who", ["inspector", "official"])
def test_ciw_and_welsh_government_read_the_findings_as_they_are_written(client, people, inspection, who):
    page = pages_of(client, people[who], inspection)

    assert FINDING in page and RECOMMENDATION in page
    assert selectors.findings_for_user(people[who]).count() == 1


def test_the_council_reads_them_once_the_draft_report_is_issued_and_after_publication(
    client, inspection, inspector, powys_officer
):
    inspection = issue_draft(inspection, inspector)
    assert inspection.state == InspectionState.DRAFT_ISSUED

    page = pages_of(client, powys_officer, inspection)
    assert FINDING in page and RECOMMENDATION in page
    assert selectors.findings_for_user(powys_officer).count() == 1

    services.inspection_publish(inspection=inspection, by=inspector, on=datetime.date(2017, 10, 17))
    assert FINDING in pages_of(client, powys_officer, inspection)


@pytest.mark.parametrize("draft_issued", [False, True])
def test_a_withdrawn_inspection_shows_the_council_only_what_it_had_already_seen(
    client, inspection, inspector, powys_officer, draft_issued
):
    if draft_issued:
        inspection = issue_draft(inspection, inspector)
    services.inspection_withdraw(inspection=inspection, by=inspector, reason="Stopped.")

    assert (FINDING in pages_of(client, powys_officer, inspection)) is draft_issued
    assert selectors.findings_for_user(powys_officer).exists() is draft_issued


def test_another_councils_officer_sees_neither_the_inspection_nor_its_findings(
    client, inspection, inspector, cardiff_officer
):
    issue_draft(inspection, inspector)
    client.force_login(cardiff_officer)

    assert client.get(reverse("inspections:detail", args=[inspection.pk])).status_code == 404
    assert not selectors.findings_for_user(cardiff_officer).exists()
