"""Templates of requirements are data an administrator keeps, not code; drafting reveals fields only
when the option that needs them is chosen (the GOV.UK conditional reveal)."""

import html
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from intervention import services
from intervention.choices import RequirementAnswer, RequirementDue, RequirementKind
from intervention.demo.powys_2017 import REQUIREMENTS
from intervention.demo.powys_2017.people import POWYS_TEMPLATE_NAME, ensure_requirement_template
from intervention.models import Requirement, RequirementTemplate

pytestmark = pytest.mark.django_db

TEMPLATE_NAME = "Leadership notice (two requirements)"


def requirements_url(notice) -> str:
    return reverse("intervention:notice_requirements", args=[notice.pk])


def from_template_url(notice) -> str:
    return reverse("intervention:requirements_from_template", args=[notice.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def empty_draft(powys_case, official):
    return services.notice_draft(case=powys_case, by=official, title="Empty draft")


@pytest.fixture
def admin_template(client, administrator):
    """A template an administrator records in the admin, with its two requirements."""
    client.force_login(administrator)
    response = client.post(
        reverse("admin:intervention_requirementtemplate_add"),
        {
            "name": TEMPLATE_NAME,
            "description": "For a notice about leadership.",
            "is_active": "on",
            "items-TOTAL_FORMS": "2",
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "1000",
            "items-0-position": "1",
            "items-0-letter": "a",
            "items-0-text": "to appoint a Director of Social Services",
            "items-0-kind": RequirementKind.ONE_OFF,
            "items-0-answered_by": RequirementAnswer.EVIDENCE,
            "items-0-due": RequirementDue.COMPLIANCE_PERIOD,
            "items-1-position": "2",
            "items-1-letter": "b",
            "items-1-text": "no new organisational structures during the plan period",
            "items-1-kind": RequirementKind.CONTINUING_CONDITION,
            "items-1-answered_by": RequirementAnswer.EVIDENCE,
            "items-1-due": RequirementDue.NONE,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    client.logout()
    return RequirementTemplate.objects.get(name=TEMPLATE_NAME)


def test_a_template_an_administrator_records_is_offered_and_applied(
    client, official, empty_draft, admin_template
):
    assert admin_template.history.latest().history_type == "+"
    assert admin_template.items.count() == 2 and admin_template.items.first().history.exists()
    client.force_login(official)

    page = html.unescape(client.get(requirements_url(empty_draft)).content.decode())
    assert TEMPLATE_NAME in page and "For a notice about leadership." in page
    assert f'value="{admin_template.pk}"' in page

    response = client.post(from_template_url(empty_draft), {"template": admin_template.pk})

    assert response.status_code == 302 and response.url == requirements_url(empty_draft)
    rows = list(empty_draft.requirements.order_by("position").values_list("letter", "text", "kind", "due"))
    assert rows == [
        (
            "a",
            "to appoint a Director of Social Services",
            RequirementKind.ONE_OFF,
            RequirementDue.COMPLIANCE_PERIOD,
        ),
        (
            "b",
            "no new organisational structures during the plan period",
            RequirementKind.CONTINUING_CONDITION,
            RequirementDue.NONE,
        ),
    ]
    assert empty_draft.requirements.get(letter="a").history.latest().history_user == official
    assert any(TEMPLATE_NAME in m and "have been added" in m for m in messages_of(response))


def test_an_inactive_template_is_not_offered_nor_applied(client, official, empty_draft, admin_template):
    admin_template.is_active = False
    admin_template.save()
    client.force_login(official)

    page = client.get(requirements_url(empty_draft)).content.decode()
    response = client.post(from_template_url(empty_draft), {"template": admin_template.pk})

    assert TEMPLATE_NAME not in html.unescape(page)
    assert "Start from a template" not in page
    assert response.status_code == 302
    assert not empty_draft.requirements.exists()
    assert any("no longer offered" in m for m in messages_of(response))


def test_choosing_no_template_says_so_and_adds_nothing(client, official, empty_draft, admin_template):
    client.force_login(official)

    response = client.post(from_template_url(empty_draft), {})

    assert response.status_code == 302 and not empty_draft.requirements.exists()
    assert "Select a template of requirements" in messages_of(response)


@pytest.mark.parametrize("who", ["powys_officer", "inspector", "cardiff_officer"])
def test_only_officials_may_start_from_a_template(client, people, empty_draft, admin_template, who):
    client.force_login(people[who])

    response = client.post(from_template_url(empty_draft), {"template": admin_template.pk})

    assert response.status_code == 404  # a draft is invisible outside Welsh Government
    assert not Requirement.objects.filter(notice=empty_draft).exists()


def test_an_administrators_template_change_is_in_its_history(client, administrator, admin_template):
    client.force_login(administrator)
    url = reverse("admin:intervention_requirementtemplate_history", args=[admin_template.pk])
    assert client.get(url).status_code == 200
    assert admin_template.history.latest().history_user == administrator


def test_the_demo_records_the_powys_template_from_its_texts_once(official):
    first = ensure_requirement_template(official)
    again = ensure_requirement_template(official)

    assert first == again and RequirementTemplate.objects.filter(name=POWYS_TEMPLATE_NAME).count() == 1
    rows = list(first.items.order_by("position").values_list("letter", "text", "kind", "answered_by", "due"))
    assert rows == [tuple(r) for r in REQUIREMENTS]
    assert [r[0] for r in rows] == list("abcdefg")


# Conditional reveal ----------------------------------------------------------------------------


def reveal_of(page: str, option_id: str) -> tuple[str, str]:
    """Return the classes and the content of the block revealed by the radio `option_id`."""
    match = re.search(
        rf'id="{option_id}"[^>]*data-aria-controls="(conditional-{option_id})".*?'
        rf'<div class="govuk-radios__conditional([^"]*)" id="\1">(.*?)\n      </div>',
        page,
        re.S,
    )
    assert match, f"{option_id} reveals nothing"
    return match.group(2), match.group(3)


def test_a_fixed_due_date_is_revealed_only_when_chosen(client, official, empty_draft):
    client.force_login(official)
    url = reverse("intervention:requirement_add", args=[empty_draft.pk])

    page = client.get(url).content.decode()
    hidden, content = reveal_of(page, "id_due_2")
    assert "govuk-radios__conditional--hidden" in hidden  # shown by the radios script once chosen
    assert 'name="due_on_fixed_0"' in content
    assert page.count('name="due_on_fixed_0"') == 1

    refused = client.post(
        url, {"letter": "a", "text": "Appoint", "kind": "one_off", "answered_by": "evidence", "due": "fixed"}
    )
    shown, content = reveal_of(refused.content.decode(), "id_due_2")
    assert "hidden" not in shown and "Enter the date the requirement is due" in content


def test_the_compliance_page_reveals_the_fixed_date_under_its_option(client, official, empty_draft):
    client.force_login(official)

    page = client.get(reverse("intervention:notice_compliance", args=[empty_draft.pk])).content.decode()

    _hidden, content = reveal_of(page, "id_compliance_rule_2")
    assert 'name="compliance_fixed_on_0"' in content
    _hidden, content = reveal_of(page, "id_board_reports_schedule_1")
    assert 'name="board_reports_count"' in content


def test_a_new_cases_title_is_revealed_under_open_a_new_case(client, official, serious_finding):
    client.force_login(official)

    page = client.get(
        reverse("intervention:notice_start", args=[serious_finding.inspection_id])
    ).content.decode()

    _hidden, content = reveal_of(page, "id_case_0")
    assert 'name="case_title"' in content and 'name="case_opened_on_0"' in content
