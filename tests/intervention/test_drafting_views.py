"""The drafting pages: a Welsh Government official writes a warning notice, previews it and issues it."""

import datetime
import html
import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from inspections.models import Finding, StatutoryFunction
from intervention import selectors, services
from intervention.choices import (
    CaseState,
    ComplianceRule,
    NoticeKind,
    NoticeState,
    ObligationKind,
    ObligationState,
    Owner,
    RequirementAnswer,
    RequirementDue,
    RequirementKind,
    VariationAction,
)
from intervention.deadlines import add_months
from intervention.demo.powys_2017 import REQUIREMENTS as POWYS_REQUIREMENTS
from intervention.demo.powys_2017.people import ensure_requirement_template
from intervention.drafting import views as drafting
from intervention.models import (
    CarryOverDecision,
    InterventionCase,
    NoticeGround,
    Obligation,
    Requirement,
    RequirementVariation,
    WarningNotice,
)
from tests.factories import GroundFactory, InspectionFactory, StatutoryFunctionFactory, add_owed
from tests.workflow import Casework, changed_tables, reread, snapshot

pytestmark = pytest.mark.django_db

GIVEN_ON = datetime.date(2017, 10, 17)

# Every drafting page of a notice, and what an official gets on GET.
NOTICE_PAGES = [
    ("draft_overview", 200),
    ("notice_edit_details", 200),
    ("notice_grounds", 200),
    ("notice_functions", 200),
    ("notice_requirements", 200),
    ("requirement_add", 200),
    ("requirement_edit", 200),
    ("requirement_remove", 200),
    ("requirements_from_template", 405),  # a POST button only
    ("notice_compliance", 200),
    ("notice_minded_to", 200),
    ("notice_preview", 200),
    ("notice_issue", 302),  # GET goes back to the preview
]
REQUIREMENT_PAGES = {"requirement_edit", "requirement_remove"}


def page_url(name: str, notice: WarningNotice) -> str:
    if name in REQUIREMENT_PAGES:
        requirement = notice.requirements.order_by("position").first()
        return reverse(f"intervention:{name}", args=[notice.pk, requirement.pk])
    return reverse(f"intervention:{name}", args=[notice.pk])


def start_url(inspection) -> str:
    return reverse("intervention:notice_start", args=[inspection.pk])


def date_data(name: str, day: datetime.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def words(html: str) -> str:
    """The text a person reads, tags dropped and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'").strip()


def preview_rows(response) -> list[tuple[str, ...]]:
    """The preview's table of due dates: what, due by, basis."""
    table = response.content.decode().split("Deadlines if it is given on")[1].split("</table>")[0]
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.S)[1:]
    return [tuple(words(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)) for row in rows]


def error_summary(response) -> dict[str, str]:
    """The error summary: each error message, with the id of the field its link leads to."""
    page = response.content.decode()
    assert "<title>Error:" in page
    summary = page.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    return {
        words(message): anchor for anchor, message in re.findall(r'<a href="#([^"]+)">(.*?)</a>', summary)
    }


@pytest.fixture
def grounds(db):
    return {n: GroundFactory(number=n, title=f"Ground title {n}") for n in (1, 2, 3)}


# Who may see the drafting pages --------------------------------------------------------------


def test_official_may_open_every_drafting_page(client, official, draft_notice, grounds):
    client.force_login(official)
    for name, status in NOTICE_PAGES:
        assert client.get(page_url(name, draft_notice)).status_code == status, name


@pytest.mark.parametrize("role", ["inspector", "powys_officer", "cardiff_officer", "administrator"])
def test_nobody_else_can_see_a_draft(client, people, draft_notice, role):
    """The selector hides drafts from all but officials: 404 on GET and POST, and nothing changes."""
    client.force_login(people[role])
    before = snapshot()
    for name, _status in NOTICE_PAGES:
        url = page_url(name, draft_notice)
        assert client.get(url).status_code == 404, name
        assert client.post(url, {"title": "Changed", **date_data("on", GIVEN_ON)}).status_code == 404, name
    assert changed_tables(before) == []


def test_anonymous_is_sent_to_sign_in(client, draft_notice):
    for name, _status in NOTICE_PAGES:
        url = page_url(name, draft_notice)
        for response in (client.get(url), client.post(url, {})):
            assert response.status_code == 302, name
            assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "role, status",
    [
        # They may see the given notice, so they are told they may not draft it (403).
        ("inspector", 403),
        ("powys_officer", 403),
        # Another council's notice does not exist for them (404).
        ("cardiff_officer", 404),
    ],
)
@pytest.mark.parametrize("name", [name for name, _status in NOTICE_PAGES])
def test_people_who_may_not_draft_an_issued_notice_are_refused_on_every_page(
    client, people, issued_notice, role, status, name
):
    client.force_login(people[role])
    url = page_url(name, issued_notice)
    before = snapshot()
    assert client.get(url).status_code == status
    assert client.post(url, {"title": "Changed", **date_data("on", GIVEN_ON)}).status_code == status
    assert changed_tables(before) == []


@pytest.mark.parametrize(
    "role, status",
    [
        ("official", 200),
        ("inspector", 403),  # sees the inspection, may not draft a notice
        ("powys_officer", 403),
        ("cardiff_officer", 404),  # cannot see a Powys inspection
        ("administrator", 404),
    ],
)
def test_notice_start_role_table(client, people, published_inspection, role, status):
    client.force_login(people[role])
    before = snapshot()
    assert client.get(start_url(published_inspection)).status_code == status
    response = client.post(start_url(published_inspection), {"kind": "original", "title": "x", "case": "new"})
    assert response.status_code == (200 if role == "official" else status)
    assert changed_tables(before) == []


def test_notice_start_anonymous_is_sent_to_sign_in(client, published_inspection):
    response = client.get(start_url(published_inspection))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_notice_start_needs_a_published_report(client, official, powys):
    inspection = InspectionFactory(council=powys, fieldwork=True)
    client.force_login(official)
    before = snapshot()
    response = client.get(start_url(inspection))
    assert response.status_code == 302
    assert response.url == reverse("inspections:detail", args=[inspection.pk])
    assert any("published inspection report" in m for m in messages_of(response))
    client.post(start_url(inspection), {"kind": "original", "title": "x", "case": "new"})
    assert changed_tables(before) == []


@pytest.mark.parametrize(
    "role, offered", [("official", True), ("inspector", False), ("powys_officer", False)]
)
def test_the_published_report_offers_a_draft_to_officials(
    client, people, published_inspection, role, offered
):
    client.force_login(people[role])
    response = client.get(reverse("inspections:detail", args=[published_inspection.pk]))
    assert (start_url(published_inspection) in response.content.decode()) is offered


def test_a_requirement_of_another_notice_answers_404(client, official, draft_notice, powys_case):
    other = services.notice_draft(case=powys_case, by=official, title="Another draft")
    client.force_login(official)
    requirement = draft_notice.requirements.first()
    url = reverse("intervention:requirement_edit", args=[other.pk, requirement.pk])
    assert client.get(url).status_code == 404


# The whole flow, through the pages -------------------------------------------------------------


def test_the_whole_drafting_flow_ends_in_an_issued_notice(client, official, serious_finding, grounds):
    inspection = reread(serious_finding.inspection)
    functions = [StatutoryFunctionFactory(code="SSWBA-s144"), StatutoryFunctionFactory(code="CA1989-s47")]
    client.force_login(official)

    # Start: a new case opened on the day the report was published.
    response = client.get(start_url(inspection))
    assert response.status_code == 200
    assert response.context["form"]["case_opened_on"].value() == inspection.published_on
    response = client.post(
        start_url(inspection),
        {
            "kind": NoticeKind.ORIGINAL,
            "parent": "",
            "title": "Warning notice: Powys children's services",
            "case": "new",
            "case_title": "Powys County Council children's services",
            **date_data("case_opened_on", GIVEN_ON),
        },
    )
    notice = WarningNotice.objects.get()
    assert response.status_code == 302
    assert response.url == drafting.overview_url(notice)
    assert notice.inspection == inspection and notice.state == NoticeState.DRAFT
    case = InterventionCase.objects.get()
    assert (case.council, case.opened_on, case.state) == (inspection.council, GIVEN_ON, CaseState.OPEN)
    assert list(case.inspections.all()) == [inspection]
    assert notice.history.latest().history_user == official

    overview = client.get(reverse("intervention:draft_overview", args=[notice.pk]))
    assert overview.status_code == 200
    assert not any(task.done for task in overview.context["tasks"] if task.key != "details")

    def post(name: str, data: dict) -> None:
        response = client.post(page_url(name, notice), {"check_answers": "confirmed", **data})
        assert response.status_code == 302, response.context["form"].errors if response.context else ""
        assert response.url == drafting.overview_url(notice)
        assert messages_of(response)[-1].endswith("been saved.")

    post(
        "notice_edit_details",
        {
            "title": "Warning notice: Powys children's services",
            "reference": "WN-2017-1",
            "minister": "Minister for Social Services and Public Health",
            "purpose": "This is a warning notice under section 151.",
            **date_data("announced_on", GIVEN_ON),
        },
    )
    post(
        "notice_grounds",
        {
            "reasons_summary": "CSSIW inspected children's services in July 2017.",
            "ground_1": "on",
            "reasons_1": "No Director of Social Services is appointed.",
            "findings_1": [serious_finding.pk],
            "ground_3": "on",
            "reasons_3": "Functions are not performed to an adequate standard.",
        },
    )
    post("notice_functions", {"functions": [f.pk for f in functions]})
    template = ensure_requirement_template(official)
    assert (
        client.post(page_url("requirements_from_template", notice), {"template": template.pk}).status_code
        == 302
    )
    post(
        "notice_compliance",
        {
            "compliance_rule": "working_days",
            "compliance_days": "20",
            **date_data("compliance_start_on", GIVEN_ON),
            "compliance_description": "Produce an improvement plan",
            "requires_improvement_plan": "on",
            "board_reports_schedule": "count",
            **date_data("board_reports_from", datetime.date(2017, 11, 1)),
            "board_reports_count": "3",
        },
    )
    post("notice_minded_to", {"minded_to": "Intervene more directly.", "minded_to_powers": "ss152-161"})

    notice = reread(notice)
    assert notice.reference == "WN-2017-1" and notice.announced_on == GIVEN_ON
    assert notice.reasons_summary.startswith("CSSIW")
    assert [g.ground.number for g in notice.grounds.all()] == [1, 3]
    assert list(notice.grounds.get(ground__number=1).findings.all()) == [serious_finding]
    assert set(notice.failed_functions.all()) == set(functions)
    assert notice.compliance_days == 20 and notice.compliance_start_on == GIVEN_ON
    assert notice.history.latest().history_user == official

    overview = client.get(reverse("intervention:draft_overview", args=[notice.pk]))
    assert all(task.done for task in overview.context["tasks"])
    assert overview.context["missing"] == []

    # The preview stores nothing, and shows the due dates the notice would set if given that day.
    before = snapshot()
    preview = client.get(page_url("notice_preview", notice), date_data("preview_on", GIVEN_ON))
    assert changed_tables(before) == []
    content = preview.content.decode()
    assert "WARNING NOTICE: POWYS CHILDREN&#x27;S SERVICES" in content
    assert "Given on: 17 October 2017" in content
    assert "Within 20 working days of 17 October 2017." in content
    assert preview_rows(preview) == [
        ("Produce an improvement plan", "Tuesday 14 November 2017", "20 working days after 17 October 2017"),
        (
            "Lay a copy of the notice before the National Assembly for Wales (s151(3)(a))",
            "Tuesday 7 November 2017",
            "21 calendar days after 17 October 2017",
        ),
        (
            "Report to the National Assembly for Wales on the council's action (s151(3)(b))",
            "Monday 15 January 2018",
            "90 calendar days after 17 October 2017",
        ),
        (
            "Improvement Board report for November 2017",
            "Thursday 30 November 2017",
            "Last working day of November 2017",
        ),
        (
            "Improvement Board report for December 2017",
            "Friday 29 December 2017",
            "Last working day of December 2017",
        ),
        (
            "Improvement Board report for January 2018",
            "Wednesday 31 January 2018",
            "Last working day of January 2018",
        ),
    ]

    response = client.post(
        page_url("notice_issue", notice), {"check_answers": "confirmed", **date_data("on", GIVEN_ON)}
    )
    assert response.status_code == 302
    assert response.url == drafting.notice_url(notice)
    notice = reread(notice)
    assert notice.state == NoticeState.ISSUED and notice.given_on == GIVEN_ON
    assert "Within 20 working days of 17 October 2017." in notice.issued_text
    assert notice.compliance_ends_on == datetime.date(2017, 11, 14)
    # What the preview showed is what the notice now owes, each by whom it is owed.
    due = {(o.label, o.owner, o.due_on) for o in notice.obligations.exclude(due_on=None)}
    assert due == {
        ("Improvement plan (requirement (d))", Owner.COUNCIL, datetime.date(2017, 11, 14)),
        (
            "Lay a copy of the notice before the National Assembly for Wales (s151(3)(a))",
            Owner.MINISTERS,
            datetime.date(2017, 11, 7),
        ),
        (
            "Report to the National Assembly for Wales on the council's action (s151(3)(b))",
            Owner.MINISTERS,
            datetime.date(2018, 1, 15),
        ),
        (
            "Improvement Board report for November 2017 (requirement (c))",
            Owner.COUNCIL,
            datetime.date(2017, 11, 30),
        ),
        (
            "Improvement Board report for December 2017 (requirement (c))",
            Owner.COUNCIL,
            datetime.date(2017, 12, 29),
        ),
        (
            "Improvement Board report for January 2018 (requirement (c))",
            Owner.COUNCIL,
            datetime.date(2018, 1, 31),
        ),
    }
    undated = notice.obligations.filter(due_on=None).order_by("position")
    assert [o.label for o in undated] == [
        "Requirement (a)",
        "Requirement (b)",
        "Agreement of the improvement plan with the Improvement Board (requirement (e))",
        "Requirement (f)",
        "Requirement (g)",
    ]
    assert {o.state for o in notice.obligations.all()} == {ObligationState.OPEN}
    assert notice.history.latest().history_user == official
    assert "The warning notice has been issued and its deadlines have been set." in messages_of(response)


def test_start_a_follow_up_on_the_open_case(client, official, issued_notice, published_inspection):
    client.force_login(official)
    response = client.get(start_url(published_inspection))
    assert response.context["form"]["case"].value() == str(issued_notice.case_id)
    response = client.post(
        start_url(published_inspection),
        {
            "kind": NoticeKind.FOLLOW_UP,
            "parent": issued_notice.pk,
            "title": "Follow-up",
            "case": issued_notice.case_id,
        },
    )
    assert response.status_code == 302
    follow_up = WarningNotice.objects.get(title="Follow-up")
    assert (follow_up.case, follow_up.parent, follow_up.kind) == (
        issued_notice.case,
        issued_notice,
        "follow_up",
    )
    assert InterventionCase.objects.count() == 1


def test_the_overview_works_when_the_notice_page_hands_it_a_notice(official, draft_notice):
    request = RequestFactory().get("/")
    request.user = official
    notice = selectors.notices_for_user(official).get(pk=draft_notice.pk)
    response = drafting.draft_overview(request, notice)
    assert response.status_code == 200
    assert html.escape(draft_notice.title) in response.content.decode()


# The Powys template (data an administrator keeps; load_demo records it) ---------------------


@pytest.fixture
def powys_template(official):
    return ensure_requirement_template(official)


def test_the_powys_template_adds_a_to_g(client, official, powys_case, powys_template):
    notice = services.notice_draft(case=powys_case, by=official, title="Empty draft")
    client.force_login(official)
    response = client.post(page_url("requirements_from_template", notice), {"template": powys_template.pk})
    assert response.status_code == 302
    assert response.url == reverse("intervention:notice_requirements", args=[notice.pk])
    rows = list(
        notice.requirements.order_by("position").values_list("letter", "text", "kind", "answered_by", "due")
    )
    # A requirement a document answers takes the document's date, so it keeps no date of its own.
    assert rows == [
        (letter, text, kind, answer, due if answer == RequirementAnswer.EVIDENCE else RequirementDue.NONE)
        for letter, text, kind, answer, due in POWYS_REQUIREMENTS
    ]
    answers = dict(notice.requirements.values_list("letter", "answered_by"))
    assert (answers["c"], answers["d"], answers["e"]) == (
        RequirementAnswer.BOARD_REPORTS,
        RequirementAnswer.IMPROVEMENT_PLAN,
        RequirementAnswer.PLAN_AGREEMENT,
    )
    assert notice.requirements.get(letter="g").kind == RequirementKind.CONTINUING_CONDITION
    assert notice.requirements.get(letter="a").history.latest().history_user == official


def test_the_powys_template_without_a_plan_asks_for_evidence_of_d_and_e(
    client, official, powys_case, powys_template
):
    notice = services.notice_draft(
        case=powys_case, by=official, title="No plan", requires_improvement_plan=False
    )
    client.force_login(official)
    client.post(page_url("requirements_from_template", notice), {"template": powys_template.pk})
    answers = dict(notice.requirements.values_list("letter", "answered_by"))
    assert (answers["c"], answers["d"], answers["e"]) == (
        RequirementAnswer.BOARD_REPORTS,
        RequirementAnswer.EVIDENCE,
        RequirementAnswer.EVIDENCE,
    )


def test_the_powys_template_refuses_when_letters_are_taken(client, official, draft_notice, powys_template):
    client.force_login(official)
    before = snapshot()
    response = client.post(
        page_url("requirements_from_template", draft_notice), {"template": powys_template.pk}
    )
    assert response.status_code == 302
    assert changed_tables(before) == []
    assert any("already has (a), (c), (d), (e), (f), (g)" in m for m in messages_of(response))


# Bad input: a clear error, nothing written -------------------------------------------------


def test_a_chosen_ground_needs_reasons(client, official, draft_notice, grounds):
    client.force_login(official)
    before = snapshot()
    response = client.post(page_url("notice_grounds", draft_notice), {"ground_1": "on", "reasons_1": " "})
    assert response.status_code == 200
    assert response.context["form"].errors["reasons_1"] == [
        "Enter the reasons the Ministers are satisfied ground 1 exists"
    ]
    assert "govuk-error-summary" in response.content.decode()
    assert changed_tables(before) == []


def test_removing_a_ground_through_the_page(client, official, draft_notice, grounds, serious_finding):
    client.force_login(official)
    data = {"ground_3": "on", "reasons_3": "Not adequate.", "findings_3": [serious_finding.pk]}
    assert client.post(page_url("notice_grounds", draft_notice), data).status_code == 302
    assert [g.ground.number for g in draft_notice.grounds.all()] == [3]


def test_zero_days_is_refused(client, official, draft_notice):
    client.force_login(official)
    before = snapshot()
    response = client.post(
        page_url("notice_compliance", draft_notice),
        {"compliance_rule": "working_days", "compliance_days": "0", "board_reports_schedule": "none"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["compliance_days"] == ["The number of days must be 1 or more"]
    assert changed_tables(before) == []


def test_a_fixed_date_in_the_past_is_refused(client, official, draft_notice):
    client.force_login(official)
    before = snapshot()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        page_url("notice_compliance", draft_notice),
        {
            "compliance_rule": "fixed_date",
            **date_data("compliance_fixed_on", yesterday),
            "board_reports_schedule": "none",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["compliance_fixed_on"] == [
        "The fixed date must be today or in the future"
    ]
    assert changed_tables(before) == []


def test_board_reports_month_is_stored_as_its_first_day(client, official, draft_notice):
    client.force_login(official)
    data = {
        "compliance_rule": "calendar_days",
        "compliance_days": "30",
        "board_reports_schedule": "count",
        "board_reports_count": "2",
        **date_data("board_reports_from", datetime.date(2017, 11, 17)),
    }
    assert client.post(page_url("notice_compliance", draft_notice), data).status_code == 302
    notice = reread(draft_notice)
    assert (notice.board_reports_from, notice.board_reports_count) == (datetime.date(2017, 11, 1), 2)
    assert notice.board_reports_until_end is False
    assert notice.compliance_start_on is None and notice.requires_improvement_plan is False


def test_a_follow_up_needs_its_parent(client, official, published_inspection):
    client.force_login(official)
    before = snapshot()
    response = client.post(
        start_url(published_inspection),
        {
            "kind": NoticeKind.FOLLOW_UP,
            "parent": "",
            "title": "Follow-up",
            "case": "new",
            "case_title": "Powys",
            **date_data("case_opened_on", GIVEN_ON),
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["parent"] == ["Select the notice this one follows or amends"]
    assert changed_tables(before) == []


def test_a_duplicate_letter_is_refused(client, official, draft_notice):
    client.force_login(official)
    before = snapshot()
    response = client.post(
        page_url("requirement_add", draft_notice),
        {"letter": "(A)", "text": "Again", "kind": "one_off", "answered_by": "evidence", "due": "none"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["letter"] == ["This notice already has a requirement (a)"]
    assert changed_tables(before) == []


def test_requirements_can_be_added_changed_and_removed(client, official, draft_notice):
    client.force_login(official)
    add = client.get(page_url("requirement_add", draft_notice))
    assert add.context["form"]["letter"].value() == "h"
    data = {
        "letter": "h",
        "text": "Report by a date",
        "kind": "one_off",
        "answered_by": "evidence",
        "due": "fixed",
    }
    data |= date_data("due_on_fixed", datetime.date(2018, 2, 7))
    assert client.post(page_url("requirement_add", draft_notice), data).status_code == 302
    added = draft_notice.requirements.get(letter="h")
    assert added.due_on_fixed == datetime.date(2018, 2, 7)
    edit = reverse("intervention:requirement_edit", args=[draft_notice.pk, added.pk])
    assert client.post(edit, data | {"text": "Changed", "due": "none"}).status_code == 302
    added = reread(added)
    assert (added.text, added.due_on_fixed) == ("Changed", None)
    remove = reverse("intervention:requirement_remove", args=[draft_notice.pk, added.pk])
    assert client.post(remove).status_code == 302
    assert not draft_notice.requirements.filter(letter="h").exists()


# Issuing --------------------------------------------------------------------------------------


def test_issuing_with_a_missing_content_leaves_the_draft(client, official, powys_case):
    notice = services.notice_draft(
        case=powys_case, by=official, title="No requirements", compliance_days=20, minded_to="Intervene."
    )
    services.notice_set_ground(notice=notice, by=official, ground=GroundFactory(number=1), reasons="Failed.")
    client.force_login(official)
    before = snapshot()
    response = client.post(
        page_url("notice_issue", notice), {"check_answers": "confirmed", **date_data("on", GIVEN_ON)}
    )
    assert response.status_code == 302
    assert response.url == drafting.overview_url(notice)
    assert "Add at least one requirement." in messages_of(response)
    assert reread(notice).state == NoticeState.DRAFT
    assert changed_tables(before) == []


def test_issuing_in_the_future_is_refused(client, official, draft_notice):
    client.force_login(official)
    before = snapshot()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        page_url("notice_issue", draft_notice), {"check_answers": "confirmed", **date_data("on", tomorrow)}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["on"] == [
        "The date the notice is given must be today or in the past"
    ]
    assert reread(draft_notice).state == NoticeState.DRAFT
    assert changed_tables(before) == []


def test_issuing_before_the_report_was_published_is_refused(
    client, official, draft_notice, published_inspection
):
    services.notice_update_draft(notice=draft_notice, by=official, inspection=published_inspection)
    client.force_login(official)
    before = snapshot()
    response = client.post(
        page_url("notice_issue", draft_notice),
        {"check_answers": "confirmed", **date_data("on", datetime.date(2017, 10, 16))},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["on"] == [
        "A notice cannot be given before the report it rests on was published."
    ]
    assert changed_tables(before) == []


@pytest.mark.parametrize("name", ["notice_edit_details", "notice_grounds", "requirement_add", "notice_issue"])
def test_an_issued_notice_cannot_be_changed(client, official, issued_notice, name):
    client.force_login(official)
    before = snapshot()
    response = client.post(page_url(name, issued_notice), {"title": "Changed", **date_data("on", GIVEN_ON)})
    assert response.status_code == 302
    assert response.url == drafting.notice_url(issued_notice)
    assert "This notice has been issued, so its text cannot change." in messages_of(response)
    assert changed_tables(before) == []


def test_a_withdrawn_draft_cannot_be_changed(client, official, draft_notice):
    services.notice_withdraw(notice=draft_notice, by=official, reason="Not needed")
    client.force_login(official)
    response = client.get(page_url("notice_edit_details", draft_notice))
    assert response.status_code == 302
    assert "This notice was withdrawn, so its text cannot change." in messages_of(response)


# A change racing the issue: the services check the notice as stored, not as read earlier ----


@pytest.fixture
def stale_draft(draft_notice, official):
    """A copy of the draft read before someone else issued it: in memory it is still a draft."""
    stale = WarningNotice.objects.get(pk=draft_notice.pk)
    services.notice_issue(notice=draft_notice, by=official, on=GIVEN_ON)
    assert stale.state == NoticeState.DRAFT
    return stale


def _stale_requirement(notice: WarningNotice) -> Requirement:
    """Requirement (a), carrying the notice as it was read (a draft)."""
    requirement = Requirement.objects.get(notice=notice, letter="a")
    requirement.notice = notice
    return requirement


STALE_EDITS = {
    "requirement_add": lambda notice, by: services.requirement_add(
        notice=notice, by=by, letter="z", text="Slipped in"
    ),
    "requirement_update": lambda notice, by: services.requirement_update(
        requirement=_stale_requirement(notice), by=by, text="Reworded"
    ),
    "requirement_remove": lambda notice, by: services.requirement_remove(
        requirement=_stale_requirement(notice), by=by
    ),
    "notice_update_draft": lambda notice, by: services.notice_update_draft(notice=notice, by=by, title="X"),
    "notice_set_failed_functions": lambda notice, by: services.notice_set_failed_functions(
        notice=notice, by=by, functions=[]
    ),
    "notice_remove_ground": lambda notice, by: services.notice_remove_ground(
        notice=notice, by=by, ground=notice.grounds.get().ground
    ),
}


@pytest.mark.parametrize("edit", STALE_EDITS)
def test_a_stale_draft_whose_notice_was_issued_is_refused(stale_draft, official, edit):
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        STALE_EDITS[edit](stale_draft, official)
    assert refused.value.messages == ["This notice has been issued, so its text cannot change."]
    assert changed_tables(before) == []


def test_a_stale_requirement_of_a_withdrawn_notice_is_refused_in_words_for_withdrawal(draft_notice, official):
    requirement = draft_notice.requirements.select_related("notice").get(letter="a")
    services.notice_withdraw(
        notice=WarningNotice.objects.get(pk=draft_notice.pk), by=official, reason="Not needed"
    )
    assert requirement.notice.state == NoticeState.DRAFT  # as read before the withdrawal
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        services.requirement_update(requirement=requirement, by=official, text="Reworded")
    assert refused.value.messages == ["This notice was withdrawn, so its text cannot change."]
    assert changed_tables(before) == []


# Query budgets: the same with 5 rows as with 500 -------------------------------------------


@pytest.fixture
def crowded_draft(draft_notice, official, serious_finding, grounds):
    """Return a function that gives the draft `n` requirements, `n` findings on its ground, `n` failed
    functions and `n` monthly Board reports up to this month (so the preview lists `n` due dates)."""

    def crowd(n: int) -> WarningNotice:
        this_month = timezone.localdate().replace(day=1)
        services.notice_update_draft(
            notice=draft_notice,
            by=official,
            board_reports_from=add_months(this_month, -(n - 1)),
            board_reports_count=0,
            board_reports_until_end=True,
        )
        Requirement.objects.bulk_create(
            Requirement(notice=draft_notice, letter=f"r{i}", text=f"Requirement {i}", position=10 + i)
            for i in range(n)
        )
        findings = Finding.objects.bulk_create(
            Finding(
                inspection=serious_finding.inspection,
                theme="safeguarding",
                kind="serious_concern",
                text=f"F{i}",
            )
            for i in range(n)
        )
        ground = NoticeGround.objects.get(notice=draft_notice)
        NoticeGround.findings.through.objects.bulk_create(
            NoticeGround.findings.through(noticeground=ground, finding=f) for f in findings
        )
        functions = StatutoryFunction.objects.bulk_create(
            StatutoryFunctionFactory.build(code=f"TEST-{i}", title=f"Function {i}") for i in range(n)
        )
        WarningNotice.failed_functions.through.objects.bulk_create(
            WarningNotice.failed_functions.through(warningnotice=draft_notice, statutoryfunction=f)
            for f in functions
        )
        return draft_notice

    return crowd


@pytest.mark.parametrize("rows", [5, 500])
@pytest.mark.parametrize(
    "name, budget",
    [
        # Each +1 for the unread notifications count in the header.
        ("draft_overview", 9),
        # Was 10; 11 with the due dates the preview lists (one read of the calendar). It does 2 more
        # queries for every date it lists, so it grows with the Board reports: see the report.
        ("notice_preview", 12),
        ("notice_grounds", 9),
        # +2 for the templates of requirements offered, and their requirements.
        ("notice_requirements", 9),
        ("notice_functions", 7),
    ],
)
def test_query_budget_does_not_grow(
    client, official, crowded_draft, rows, name, budget, django_assert_max_num_queries
):
    notice = crowded_draft(rows)
    client.force_login(official)
    with django_assert_max_num_queries(budget):
        response = client.get(page_url(name, notice))
    assert response.status_code == 200
    if name == "notice_preview":  # the compliance period, the Ministers' two duties, and each report
        assert len(preview_rows(response)) == 3 + rows


def test_a_refused_draft_opens_no_case(client, official, published_inspection, monkeypatch):
    """Opening the case and starting the draft happen together or not at all."""

    def refuse(**kwargs):
        raise ValidationError({"parent": "Choose a notice on the same case."})

    monkeypatch.setattr(services, "notice_draft", refuse)
    client.force_login(official)
    before = snapshot()
    response = client.post(
        start_url(published_inspection),
        {
            "kind": NoticeKind.ORIGINAL,
            "title": "A notice",
            "case": "new",
            "case_title": "Powys",
            **date_data("case_opened_on", GIVEN_ON),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["parent"] == ["Choose a notice on the same case."]
    assert changed_tables(before) == []


def test_a_fixed_compliance_date_shows_its_weekday(client, official, draft_notice):
    services.notice_update_draft(
        notice=draft_notice,
        by=official,
        compliance_rule=ComplianceRule.FIXED_DATE,
        compliance_days=None,
        compliance_fixed_on=datetime.date(2017, 11, 14),
    )
    client.force_login(official)
    page = client.get(page_url("draft_overview", draft_notice)).content.decode()
    assert "By Tuesday 14 November 2017" in page


def test_a_bad_preview_date_is_summarised_and_named_in_the_title(client, official, draft_notice):
    client.force_login(official)
    response = client.get(
        page_url("notice_preview", draft_notice),
        date_data("preview_on", datetime.date(2017, 1, 1)) | {"preview_on_0": "31", "preview_on_1": "2"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["date_form"].errors
    assert "<title>Error:" in page and "govuk-error-summary" in page
    assert "<title>Error:" not in client.get(page_url("notice_preview", draft_notice)).content.decode()


# What answers a requirement, and the Board report schedule --------------------------------------


def test_a_requirement_answered_by_a_document_keeps_no_date_of_its_own(client, official, powys_case):
    notice = services.notice_draft(case=powys_case, by=official, title="Draft")
    client.force_login(official)
    data = {
        "letter": "d",
        "text": "Draw up an improvement plan",
        "kind": "one_off",
        "answered_by": RequirementAnswer.IMPROVEMENT_PLAN,
        "due": "fixed",
        **date_data("due_on_fixed", datetime.date(2018, 2, 7)),
    }
    assert client.post(page_url("requirement_add", notice), data).status_code == 302
    added = notice.requirements.get(letter="d")
    assert (added.answered_by, added.due, added.due_on_fixed) == (
        RequirementAnswer.IMPROVEMENT_PLAN,
        RequirementDue.NONE,
        None,
    )


def test_only_one_requirement_is_answered_by_the_plan(client, official, draft_notice):
    client.force_login(official)
    before = snapshot()
    response = client.post(
        page_url("requirement_add", draft_notice),
        {
            "letter": "h",
            "text": "Another plan",
            "kind": "one_off",
            "answered_by": "improvement_plan",
            "due": "none",
        },
    )
    assert response.status_code == 200
    assert error_summary(response) == {
        "Another requirement of this notice is already answered by that.": "id_answered_by_0"
    }
    assert changed_tables(before) == []


def test_a_requirement_needs_what_answers_it(client, official, draft_notice):
    client.force_login(official)
    before = snapshot()
    response = client.post(
        page_url("requirement_add", draft_notice),
        {"letter": "h", "text": "x", "kind": "one_off", "due": "none"},
    )
    assert error_summary(response) == {"Select what shows the requirement is done": "id_answered_by_0"}
    assert changed_tables(before) == []


def test_a_requirement_answered_by_the_plan_needs_the_notice_to_ask_for_one(client, official, draft_notice):
    services.notice_update_draft(notice=draft_notice, by=official, requires_improvement_plan=False)
    client.force_login(official)
    before = snapshot()
    response = client.post(
        page_url("notice_issue", draft_notice), {"check_answers": "confirmed", **date_data("on", GIVEN_ON)}
    )
    assert response.status_code == 200
    assert error_summary(response) == {
        "A requirement is answered by the improvement plan, so the notice must ask for a plan.": "form-errors"
    }
    assert reread(draft_notice).state == NoticeState.DRAFT
    assert changed_tables(before) == []


def test_board_reports_until_the_notice_ends(client, official, draft_notice):
    client.force_login(official)
    data = {
        "compliance_rule": "working_days",
        "compliance_days": "20",
        "board_reports_schedule": "until_end",
        **date_data("board_reports_from", datetime.date(2017, 11, 17)),
        "board_reports_count": "7",  # ignored: the reports run until the notice ends
    }
    assert client.post(page_url("notice_compliance", draft_notice), data).status_code == 302
    notice = reread(draft_notice)
    assert (notice.board_reports_from, notice.board_reports_count, notice.board_reports_until_end) == (
        datetime.date(2017, 11, 1),
        0,
        True,
    )
    overview = client.get(page_url("draft_overview", notice)).content.decode()
    assert "Monthly from November 2017 until the notice ends" in overview
    form = client.get(page_url("notice_compliance", notice))
    assert form.context["form"]["board_reports_schedule"].value() == "until_end"


def test_no_board_report_schedule_clears_the_month_and_number(client, official, draft_notice):
    client.force_login(official)
    data = {
        "compliance_rule": "working_days",
        "compliance_days": "20",
        "board_reports_schedule": "none",
        **date_data("board_reports_from", datetime.date(2017, 11, 1)),
        "board_reports_count": "3",
    }
    assert client.post(page_url("notice_compliance", draft_notice), data).status_code == 302
    notice = reread(draft_notice)
    assert (notice.board_reports_from, notice.board_reports_count, notice.board_reports_until_end) == (
        None,
        0,
        False,
    )


@pytest.mark.parametrize(
    "schedule, errors",
    [
        ({}, {"Select the Board report schedule the notice sets": "id_board_reports_schedule_0"}),
        (
            {"board_reports_schedule": "count", "board_reports_count": "3"},
            {"Enter the month of the first Board report": "id_board_reports_from_0"},
        ),
        (
            {"board_reports_schedule": "until_end"},
            {"Enter the month of the first Board report": "id_board_reports_from_0"},
        ),
        (
            {
                "board_reports_schedule": "count",
                **date_data("board_reports_from", datetime.date(2017, 11, 1)),
            },
            {"Enter the number of monthly Board reports": "id_board_reports_count"},
        ),
        (
            {
                "board_reports_schedule": "count",
                **date_data("board_reports_from", datetime.date(2017, 11, 1)),
                "board_reports_count": "37",
            },
            {"The number of Board reports must be 36 or fewer": "id_board_reports_count"},
        ),
    ],
    ids=["no-schedule", "count-no-month", "until-end-no-month", "count-no-number", "count-too-many"],
)
def test_a_board_report_schedule_needs_its_month_and_number(client, official, draft_notice, schedule, errors):
    client.force_login(official)
    before = snapshot()
    response = client.post(
        page_url("notice_compliance", draft_notice),
        {"compliance_rule": "working_days", "compliance_days": "20", **schedule},
    )
    assert response.status_code == 200
    assert error_summary(response) == errors
    assert changed_tables(before) == []


def test_the_preview_of_an_open_ended_schedule_lists_each_month_so_far(client, official, draft_notice):
    services.notice_update_draft(
        notice=draft_notice,
        by=official,
        board_reports_from=datetime.date(2017, 11, 1),
        board_reports_count=0,
        board_reports_until_end=True,
    )
    client.force_login(official)
    response = client.get(
        page_url("notice_preview", draft_notice), date_data("preview_on", datetime.date(2017, 12, 4))
    )
    rows = preview_rows(response)
    assert [row[0] for row in rows[3:]] == [
        "Improvement Board report for November 2017",
        "Improvement Board report for December 2017",
    ]
    page = words(response.content.decode())
    assert "No monthly Improvement Board reports are required." not in page
    assert "Monthly from November 2017 until the notice ends" in page


def test_the_preview_says_when_a_date_is_beyond_the_calendar(client, official, draft_notice):
    services.notice_update_draft(
        notice=draft_notice, by=official, board_reports_from=datetime.date(2101, 1, 1)
    )
    client.force_login(official)
    response = client.get(page_url("notice_preview", draft_notice), date_data("preview_on", GIVEN_ON))
    assert response.status_code == 200
    assert (
        "The calendar does not know the bank holidays of 2101: it covers 1872 to 2100 and any year an "
        "administrator has confirmed, so a date that needs 2101 cannot be worked out."
    ) in [row[0] for row in preview_rows(response)]


# An addendum: how it varies the notice it amends ------------------------------------------------


@pytest.fixture
def casework(official, powys_officer):
    return Casework(official=official, officer=powys_officer)


@pytest.fixture
def draft_addendum(issued_notice, official):
    return services.notice_draft(
        case=issued_notice.case,
        by=official,
        title="Addendum to the warning notice",
        kind=NoticeKind.ADDENDUM,
        parent=issued_notice,
        minded_to="Intervene more directly.",
    )


def _vary(addendum, official, letter="f", action=VariationAction.AMEND):
    return services.variation_set(
        addendum=addendum,
        by=official,
        requirement=addendum.parent.requirements.get(letter=letter),
        action=action,
        new_text=f"Requirement {letter}, reworded" if action == VariationAction.AMEND else "",
        reason="Clearer.",
    )


ADDENDUM_PAGES = ["notice_variations", "variation_edit", "notice_ministers_duties"]


def addendum_url(name: str, addendum: WarningNotice, letter: str = "f") -> str:
    if name == "variation_edit":
        requirement = addendum.parent.requirements.get(letter=letter)
        return reverse(f"intervention:{name}", args=[addendum.pk, requirement.pk])
    return reverse(f"intervention:{name}", args=[addendum.pk])


VARY_F = {"action": VariationAction.AMEND, "new_text": "Reworded", "reason": "Clearer."}


@pytest.mark.parametrize("name", ADDENDUM_PAGES)
def test_official_opens_every_addendum_page(client, official, draft_addendum, name):
    client.force_login(official)
    assert client.get(addendum_url(name, draft_addendum)).status_code == 200


@pytest.mark.parametrize("name", ADDENDUM_PAGES)
@pytest.mark.parametrize("role", ["inspector", "powys_officer", "cardiff_officer", "administrator"])
def test_nobody_else_sees_a_draft_addendum(client, people, draft_addendum, name, role):
    client.force_login(people[role])
    url = addendum_url(name, draft_addendum)
    before = snapshot()
    assert client.get(url).status_code == 404
    assert client.post(url, VARY_F | {"ministers_duties_apply": "on"}).status_code == 404
    assert changed_tables(before) == []


@pytest.mark.parametrize("name", ADDENDUM_PAGES)
@pytest.mark.parametrize(
    "role, status", [("inspector", 403), ("powys_officer", 403), ("cardiff_officer", 404)]
)
def test_people_who_may_not_draft_an_issued_addendum_are_refused(
    client, people, official, draft_addendum, name, role, status
):
    _vary(draft_addendum, official)
    services.notice_issue(notice=draft_addendum, by=official, on=datetime.date(2017, 11, 1))
    client.force_login(people[role])
    url = addendum_url(name, draft_addendum)
    before = snapshot()
    assert client.get(url).status_code == status
    assert (
        client.post(
            url, {"check_answers": "confirmed", **VARY_F | {"ministers_duties_apply": "on"}}
        ).status_code
        == status
    )
    assert changed_tables(before) == []


@pytest.mark.parametrize("name", ADDENDUM_PAGES)
def test_the_addendum_pages_are_only_for_an_addendum(client, official, issued_notice, powys_case, name):
    notice = services.notice_draft(case=powys_case, by=official, title="An original notice")
    client.force_login(official)
    requirement = issued_notice.requirements.get(letter="f")
    url = (
        reverse(f"intervention:{name}", args=[notice.pk, requirement.pk])
        if name == "variation_edit"
        else reverse(f"intervention:{name}", args=[notice.pk])
    )
    before = snapshot()
    assert client.get(url).status_code == 404
    assert client.post(url, VARY_F).status_code == 404
    assert changed_tables(before) == []


def test_an_addendum_varies_only_the_notice_it_amends(client, official, draft_addendum, powys_case):
    other = services.notice_draft(case=powys_case, by=official, title="Another draft")
    elsewhere = services.requirement_add(notice=other, by=official, letter="a", text="Elsewhere")
    client.force_login(official)
    url = reverse("intervention:variation_edit", args=[draft_addendum.pk, elsewhere.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, VARY_F).status_code == 404
    assert not RequirementVariation.objects.exists()


def test_the_variations_list_shows_what_is_still_owed_and_each_change(
    client, official, casework, draft_addendum
):
    casework.requirement(draft_addendum.parent, ObligationState.MET, letter="a")  # accepted: nothing to vary
    _vary(draft_addendum, official, "f")
    _vary(draft_addendum, official, "g", VariationAction.WITHDRAW)
    client.force_login(official)
    page = client.get(addendum_url("notice_variations", draft_addendum)).content.decode()
    letters = re.findall(r"<td class=\"govuk-table__cell\">\((\w+)\) ", page)
    assert letters == ["c", "d", "e", "f", "g"]
    assert "Amend the words: Requirement f, reworded" in words(page)
    assert "Withdraw the requirement" in page
    assert addendum_url("variation_edit", draft_addendum, "c") in page


def test_amend_withdraw_and_undo_a_variation_through_the_pages(client, official, draft_addendum):
    client.force_login(official)
    edit_f = addendum_url("variation_edit", draft_addendum, "f")
    assert client.get(edit_f).context["form"]["new_text"].value() == "Requirement f"  # starts from the words
    response = client.post(
        edit_f, {"action": "amend", "new_text": "Implement the plan by March.", "reason": "Clearer."}
    )
    assert response.status_code == 302
    assert response.url == addendum_url("notice_variations", draft_addendum)
    assert messages_of(response)[-1] == "The change to requirement (f) has been saved."
    variation = draft_addendum.variations.get()
    assert (variation.requirement.letter, variation.action, variation.new_text, variation.reason) == (
        "f",
        VariationAction.AMEND,
        "Implement the plan by March.",
        "Clearer.",
    )
    assert variation.history.latest().history_user == official
    overview = client.get(page_url("draft_overview", draft_addendum))
    assert {t.key: t.done for t in overview.context["tasks"]}["variations"] is True

    edit_g = addendum_url("variation_edit", draft_addendum, "g")
    client.post(edit_g, {"action": "withdraw", "new_text": "ignored", "reason": "No longer needed."})
    g = draft_addendum.variations.get(requirement__letter="g")
    assert (g.action, g.new_text) == (VariationAction.WITHDRAW, "")

    client.post(edit_f, {"action": "none"})
    assert list(draft_addendum.variations.values_list("requirement__letter", flat=True)) == ["g"]
    # Nothing is varied until the addendum is given.
    assert draft_addendum.parent.requirements.get(letter="f").text == "Requirement f"
    assert draft_addendum.parent.requirements.get(letter="g").obligations.get().state == ObligationState.OPEN


@pytest.mark.parametrize(
    "data, errors",
    [
        ({"reason": "x"}, {"Select how the addendum changes this requirement": "id_action_0"}),
        (
            {"action": "amend", "new_text": " ", "reason": "x"},
            {"Enter the new words of the requirement": "id_new_text"},
        ),
        ({"action": "amend", "new_text": "New words"}, {"Enter why the requirement is changed": "id_reason"}),
        ({"action": "withdraw", "reason": ""}, {"Enter why the requirement is changed": "id_reason"}),
    ],
    ids=["no-action", "amend-no-words", "amend-no-reason", "withdraw-no-reason"],
)
def test_a_variation_with_bad_input_is_refused(client, official, draft_addendum, data, errors):
    client.force_login(official)
    before = snapshot()
    response = client.post(addendum_url("variation_edit", draft_addendum), data)
    assert response.status_code == 200
    assert error_summary(response) == errors
    assert changed_tables(before) == []


def test_the_ministers_duties_on_an_addendum_are_the_officials_call(client, official, draft_addendum):
    _vary(draft_addendum, official)
    client.force_login(official)
    preview = client.get(page_url("notice_preview", draft_addendum), date_data("preview_on", GIVEN_ON))
    assert not any("s151(3)" in row[0] for row in preview_rows(preview))
    response = client.post(
        addendum_url("notice_ministers_duties", draft_addendum), {"ministers_duties_apply": "on"}
    )
    assert response.status_code == 302
    assert reread(draft_addendum).ministers_duties_apply is True
    preview = client.get(page_url("notice_preview", draft_addendum), date_data("preview_on", GIVEN_ON))
    assert [row[0] for row in preview_rows(preview) if "s151(3)" in row[0]] == [
        "Lay a copy of the notice before the National Assembly for Wales (s151(3)(a))",
        "Report to the National Assembly for Wales on the council's action (s151(3)(b))",
    ]
    client.post(addendum_url("notice_ministers_duties", draft_addendum), {})
    assert reread(draft_addendum).ministers_duties_apply is False


def test_issuing_an_addendum_applies_its_variations(client, official, draft_addendum):
    parent = draft_addendum.parent
    _vary(draft_addendum, official, "f")
    _vary(draft_addendum, official, "g", VariationAction.WITHDRAW)
    client.force_login(official)
    response = client.post(
        page_url("notice_issue", draft_addendum),
        {"check_answers": "confirmed", **date_data("on", datetime.date(2017, 11, 1))},
    )
    assert response.status_code == 302
    assert reread(draft_addendum).state == NoticeState.ISSUED
    assert parent.requirements.get(letter="f").text == "Requirement f, reworded"
    g = parent.requirements.get(letter="g").obligations.get()
    assert (g.state, g.not_required_on) == (ObligationState.NOT_REQUIRED, datetime.date(2017, 11, 1))
    assert not draft_addendum.obligations.exists()  # it adds no requirement, and s151(3) was not applied
    page = words(client.get(reverse("intervention:notice_detail", args=[parent.pk])).content.decode())
    assert "Amended by an addendum on 1 November 2017. Before, it read: Requirement f" in page
    assert "Withdrawn by an addendum on 1 November 2017." in page


@pytest.mark.parametrize("rows", [5, 500])
def test_the_variations_list_query_budget(
    client, official, draft_addendum, rows, django_assert_max_num_queries
):
    owed = add_owed(draft_addendum.parent, rows, due_on=lambda i: datetime.date(2018, 1, 1))
    requirements = [o.requirement for o in owed]
    RequirementVariation.objects.bulk_create(
        RequirementVariation(
            addendum=draft_addendum, requirement=r, action="amend", new_text="New", reason="x"
        )
        for r in requirements[::2]
    )
    client.force_login(official)
    with django_assert_max_num_queries(7):  # +1: the unread notifications count in the header
        response = client.get(addendum_url("notice_variations", draft_addendum))
    assert response.status_code == 200
    assert len(response.context["requirements"]) == rows + 6


# A follow-up notice: what happens to the open obligations of the notice it follows -----------------


@pytest.fixture
def draft_follow_up(issued_notice, official):
    return services.notice_draft(
        case=issued_notice.case,
        by=official,
        title="Follow-up warning notice",
        kind=NoticeKind.FOLLOW_UP,
        parent=issued_notice,
        compliance_rule=ComplianceRule.FIXED_DATE,
        compliance_fixed_on=datetime.date(2018, 3, 1),
        requires_improvement_plan=False,
        minded_to="Intervene more directly.",
    )


def carry_over_url(notice: WarningNotice) -> str:
    return reverse("intervention:notice_carry_over", args=[notice.pk])


def _decisions(notice: WarningNotice, carry=("a", "f")) -> dict[str, str]:
    """Carry over the evidence owed for requirements `carry`; close everything else."""
    decisions = {}
    for obligation in services.parent_obligations_to_decide(notice):
        carried = obligation.kind == ObligationKind.REQUIREMENT and obligation.requirement.letter in carry
        decisions[f"obligation_{obligation.pk}"] = "carry" if carried else "close"
    return decisions


def test_the_carry_over_page_lists_what_the_council_still_owes(client, official, casework, draft_follow_up):
    parent = draft_follow_up.parent
    casework.requirement(parent, ObligationState.MET, letter="a")
    client.force_login(official)
    response = client.get(carry_over_url(draft_follow_up))
    assert response.status_code == 200
    page = words(response.content.decode())
    for label in [
        "Requirement (f)",
        "Requirement (g)",
        "Improvement plan (requirement (d))",
        "Agreement of the improvement plan with the Improvement Board (requirement (e))",
        "Improvement Board report for November 2017 (requirement (c))",
        "Improvement Board report for January 2018 (requirement (c))",
    ]:
        assert label in page
    assert "Requirement (a)" not in page  # already met
    assert "s151(3)(a)" not in page  # the Ministers' duties on the notice stay as they are


def test_carry_over_decisions_are_saved_and_complete_the_task(client, official, draft_follow_up):
    client.force_login(official)
    overview = client.get(page_url("draft_overview", draft_follow_up))
    assert {t.key: t.done for t in overview.context["tasks"]}["carry_over"] is False
    response = client.post(carry_over_url(draft_follow_up), _decisions(draft_follow_up))
    assert response.status_code == 302
    assert response.url == drafting.overview_url(draft_follow_up)
    assert messages_of(response)[-1] == "Your decisions have been saved."
    decided = {
        (d.obligation.label, d.carry_over)
        for d in CarryOverDecision.objects.filter(follow_up=draft_follow_up).select_related(
            "obligation__requirement", "obligation__board_report"
        )
    }
    assert ("Requirement (a)", True) in decided and ("Requirement (f)", True) in decided
    assert ("Requirement (g)", False) in decided and ("Improvement plan (requirement (d))", False) in decided
    assert len(decided) == 8
    assert CarryOverDecision.objects.first().history.latest().history_user == official
    overview = client.get(page_url("draft_overview", draft_follow_up))
    assert {t.key: t.done for t in overview.context["tasks"]}["carry_over"] is True
    # Nothing happens to the obligations until the follow-up is given.
    assert {o.carried_to_id for o in Obligation.objects.all()} == {None}


def test_a_carry_over_left_undecided_is_refused(client, official, draft_follow_up):
    decisions = _decisions(draft_follow_up)
    undecided = next(iter(decisions))
    del decisions[undecided]
    client.force_login(official)
    before = snapshot()
    response = client.post(carry_over_url(draft_follow_up), decisions)
    assert response.status_code == 200
    assert error_summary(response) == {"Select whether to carry it over or close it": f"id_{undecided}_0"}
    assert changed_tables(before) == []


def test_issuing_the_follow_up_carries_over_or_closes_and_supersedes(client, official, draft_follow_up):
    parent = draft_follow_up.parent
    services.notice_set_ground(
        notice=draft_follow_up, by=official, ground=GroundFactory(number=2), reasons="Still failing."
    )
    services.requirement_add(
        notice=draft_follow_up, by=official, letter="h", text="Report monthly on progress"
    )
    client.force_login(official)
    client.post(
        carry_over_url(draft_follow_up), {"check_answers": "confirmed", **_decisions(draft_follow_up)}
    )
    response = client.post(
        page_url("notice_issue", draft_follow_up),
        {"check_answers": "confirmed", **date_data("on", datetime.date(2017, 12, 1))},
    )
    assert response.status_code == 302
    assert reread(parent).state == NoticeState.SUPERSEDED
    f = parent.requirements.get(letter="f").obligations.get()
    assert (f.state, f.carried_to_id) == (ObligationState.OPEN, draft_follow_up.pk)
    g = parent.requirements.get(letter="g").obligations.get()
    assert (g.state, g.carried_to_id) == (ObligationState.NOT_REQUIRED, None)
    assert {o.state for o in parent.obligations.filter(owner=Owner.MINISTERS)} == {ObligationState.OPEN}
    page = client.get(reverse("intervention:notice_detail", args=[draft_follow_up.pk])).content.decode()
    carried = words(page.split('id="carried-over"')[1].split("</table>")[0])
    assert "Requirement (a)" in carried and "Requirement (f)" in carried and "Requirement (g)" not in carried


def test_the_carry_over_page_is_only_for_a_follow_up(client, official, draft_addendum):
    client.force_login(official)
    before = snapshot()
    assert client.get(carry_over_url(draft_addendum)).status_code == 404
    assert client.post(carry_over_url(draft_addendum), {}).status_code == 404
    assert changed_tables(before) == []


@pytest.mark.parametrize("role", ["inspector", "powys_officer", "cardiff_officer", "administrator"])
def test_nobody_else_sees_the_carry_over_of_a_draft(client, people, draft_follow_up, role):
    client.force_login(people[role])
    before = snapshot()
    assert client.get(carry_over_url(draft_follow_up)).status_code == 404
    assert client.post(carry_over_url(draft_follow_up), _decisions(draft_follow_up)).status_code == 404
    assert changed_tables(before) == []


@pytest.mark.parametrize(
    "role, status", [("inspector", 403), ("powys_officer", 403), ("cardiff_officer", 404)]
)
def test_people_who_may_not_draft_a_given_follow_up_are_refused(
    client, people, official, draft_follow_up, role, status
):
    decisions = _decisions(draft_follow_up)
    for obligation in services.parent_obligations_to_decide(draft_follow_up):
        services.carry_over_decide(
            follow_up=draft_follow_up, by=official, obligation=obligation, carry_over=False
        )
    services.notice_set_ground(
        notice=draft_follow_up, by=official, ground=GroundFactory(number=2), reasons="Still."
    )
    services.requirement_add(notice=draft_follow_up, by=official, letter="h", text="More")
    services.notice_issue(notice=draft_follow_up, by=official, on=datetime.date(2017, 12, 1))
    client.force_login(people[role])
    before = snapshot()
    assert client.get(carry_over_url(draft_follow_up)).status_code == status
    assert (
        client.post(carry_over_url(draft_follow_up), {"check_answers": "confirmed", **decisions}).status_code
        == status
    )
    assert changed_tables(before) == []


@pytest.mark.parametrize("rows", [5, 500])
def test_the_carry_over_page_query_budget(
    client, official, draft_follow_up, rows, django_assert_max_num_queries
):
    owed = add_owed(draft_follow_up.parent, rows, due_on=lambda i: datetime.date(2018, 1, 1))
    CarryOverDecision.objects.bulk_create(
        CarryOverDecision(follow_up=draft_follow_up, obligation=o, carry_over=True) for o in owed[::2]
    )
    client.force_login(official)
    with django_assert_max_num_queries(7):  # +1: the unread notifications count in the header
        response = client.get(carry_over_url(draft_follow_up))
    assert response.status_code == 200
    assert len(response.context["obligations"]) == rows + 8
    assert f"Requirement (z{rows - 1})" in response.content.decode()
