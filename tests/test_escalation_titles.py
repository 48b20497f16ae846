"""Escalations on the home pages: each listed once, each with its own title, and a warning when one
reached nobody at the council; the inspection page links the notices that cite it; destructive
buttons come last."""

import datetime
import html
import re

import pytest
from django.urls import reverse

from inspections.choices import FindingKind, FindingTheme
from intervention import services
from intervention.choices import SeniorPosition
from intervention.escalations import services as escalation_services
from intervention.models import Escalation, SeniorContact
from tests.conftest import GIVEN_ON
from tests.factories import FindingFactory, InspectionFactory, UserFactory

pytestmark = pytest.mark.django_db

FINDINGS = [
    (FindingTheme.ACCESS, "The arrangements for people to access services are not working adequately."),
    (FindingTheme.ASSESSMENT, "Practice in the conduct of assessments of children's needs is poor."),
    (FindingTheme.SAFEGUARDING, "There is evidence of missed opportunities to safeguard children."),
    (FindingTheme.LEADERSHIP, "Performance of all social services functions is undermined."),
]
NOBODY_REACHED = "reached nobody at the council"


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def get(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.fixture
def report(powys):
    """A published report of Powys with four serious concerns, as in July 2017."""
    inspection = InspectionFactory(council=powys, title="Inspection of children's services", fieldwork=True)
    for position, (theme, text) in enumerate(FINDINGS):
        FindingFactory(
            inspection=inspection, theme=theme, kind=FindingKind.SERIOUS_CONCERN, text=text, position=position
        )
    # Published afterwards: findings are part of the record from then on.
    type(inspection).objects.filter(pk=inspection.pk).update(
        state="published", draft_issued_on=datetime.date(2017, 9, 5), published_on=GIVEN_ON
    )
    inspection.refresh_from_db()
    return inspection


@pytest.fixture
def senior_contact(powys):
    leader = UserFactory(username="powys-leader", organisation=powys)
    return SeniorContact.objects.create(council=powys, user=leader, position=SeniorPosition.LEADER)


def escalate(report) -> list[Escalation]:
    escalation_services.escalate_serious_findings(inspection=report, today=GIVEN_ON)
    return list(Escalation.objects.select_related("council", "finding").order_by("finding__position"))


def test_four_escalations_of_one_report_have_distinct_titles(official, report):
    escalations = escalate(report)

    titles = [e.title for e in escalations]
    assert len(titles) == 4 and len(set(titles)) == 4
    for title, (theme, text) in zip(titles, FINDINGS, strict=True):
        assert str(theme.label) in title and text.split()[0] in title
        assert title.endswith("Powys County Council, raised on 17 October 2017")


def test_the_home_page_lists_each_escalation_once(client, official, powys_officer, report, senior_contact):
    escalations = escalate(report)

    for user in (official, senior_contact.user, powys_officer):
        page = page_text(get(client, user, reverse("home")))
        for escalation in escalations:
            link = reverse("intervention:escalation_detail", args=[escalation.pk])
            assert page.count(f'href="{link}"') == 1, (user, escalation.title)
            assert escalation.title in page
    # The official is addressed (the case has no lead), so they are asked, not told twice.
    response = get(client, official, reverse("home"))
    assert len(response.context["escalations_awaiting_me"]) == 4
    assert response.context["escalations_outstanding"] == []


def test_an_escalation_that_reached_nobody_at_the_council_is_a_warning(
    client, official, inspector, powys_officer, report
):
    escalation = escalate(report)[0]
    assert not escalation.recipients.filter(user__organisation=report.council).exists()

    for user in (official, inspector):
        response = get(client, user, reverse("home"))
        page = page_text(response)
        assert NOBODY_REACHED in page
        assert response.context["escalations_unreached_total"] == 4
        assert "Ask an administrator to record a senior contact" in page
        detail = page_text(get(client, user, escalation.get_absolute_url()))
        assert "This escalation reached nobody at Powys County Council" in detail
    # The council officer is not the one who records senior contacts: no warning for them.
    assert NOBODY_REACHED not in page_text(get(client, powys_officer, reverse("home")))


def test_staff_get_a_link_to_record_a_senior_contact(client, report):
    escalation = escalate(report)[0]
    staff_official = UserFactory(username="wg-admin-official", official=True, is_staff=True)

    page = page_text(get(client, staff_official, escalation.get_absolute_url()))

    add_url = reverse("admin:intervention_seniorcontact_add")
    assert f'href="{add_url}?council={report.council_id}"' in page


def test_no_warning_when_a_senior_contact_was_reached(client, official, inspector, report, senior_contact):
    escalation = escalate(report)[0]
    assert escalation.recipients.filter(user=senior_contact.user).exists()

    for user in (official, inspector):
        response = get(client, user, reverse("home"))
        assert NOBODY_REACHED not in page_text(response)
        assert response.context["escalations_unreached"] == []
        assert "reached nobody" not in page_text(get(client, user, escalation.get_absolute_url()))


def test_an_escalation_raised_before_its_case_names_the_case_not_no_open_case(client, official, report):
    escalation = escalate(report)[0]
    assert escalation.case is None
    case = services.case_open(
        by=official,
        council=report.council,
        title="Powys children's services",
        service_area=report.service_area,
        opened_on=GIVEN_ON,
        inspections=[report],
    )

    page = page_text(get(client, official, escalation.get_absolute_url()))

    assert "no open case" not in page
    assert case.title in page and "Opened after this escalation was raised" in page


def test_the_inspection_page_warns_when_its_escalations_reached_nobody_at_the_council(
    client, inspector, report
):
    escalate(report)

    page = page_text(get(client, inspector, reverse("inspections:detail", args=[report.pk])))

    assert "reached nobody at Powys County Council" in page


# The inspection page links its notice ------------------------------------------------------------


def test_the_inspection_page_links_the_notices_that_cite_it(
    client, official, powys_officer, cardiff_officer, issued_notice, serious_finding
):
    inspection = serious_finding.inspection  # the notice's ground rests on its finding
    notice_url = reverse("intervention:notice_detail", args=[issued_notice.pk])
    for user in (official, powys_officer):
        page = page_text(get(client, user, reverse("inspections:detail", args=[inspection.pk])))
        assert "Warning notices that cite this inspection" in page
        assert f'href="{notice_url}"' in page
    client.force_login(cardiff_officer)
    assert client.get(reverse("inspections:detail", args=[inspection.pk])).status_code == 404


def test_a_draft_notice_is_not_linked_for_the_council(client, powys_officer, draft_notice, serious_finding):
    page = page_text(
        get(client, powys_officer, reverse("inspections:detail", args=[serious_finding.inspection_id]))
    )
    assert reverse("intervention:notice_detail", args=[draft_notice.pk]) not in page


# Destructive buttons last ------------------------------------------------------------------------

BUTTON = re.compile(r'class="govuk-button([^"]*)"[^>]*>([^<]+)<')


def test_a_freshly_issued_notice_offers_the_usual_next_step_first_and_escalate_last(
    client, official, issued_notice
):
    page = get(client, official, reverse("intervention:notice_detail", args=[issued_notice.pk]))
    group = page.content.decode().split('<div class="govuk-button-group">', 1)[1].split("</div>", 1)[0]
    buttons = [(css.strip(), label.strip()) for css, label in BUTTON.findall(group)]

    assert buttons[0][0] == "", buttons  # the primary button comes first
    kinds = [css for css, _label in buttons]
    warnings = [i for i, css in enumerate(kinds) if "warning" in css]
    assert warnings and all(i > 0 for i in warnings)
    assert warnings == list(range(len(kinds) - len(warnings), len(kinds)))  # every red button last
    assert "Escalate" not in buttons[0][1]
