"""The drafting pages: a Welsh Government official writes a warning notice, previews it and issues it."""

import datetime
import html

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
    DeadlineKind,
    NoticeKind,
    NoticeState,
    RequirementKind,
)
from intervention.demo.powys_2017 import REQUIREMENTS as POWYS_REQUIREMENTS
from intervention.drafting import views as drafting
from intervention.models import InterventionCase, NoticeGround, Requirement, WarningNotice
from tests.factories import GroundFactory, InspectionFactory, StatutoryFunctionFactory
from tests.workflow import changed_tables, reread, snapshot

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
        response = client.post(page_url(name, notice), data)
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
    assert client.post(page_url("requirements_from_template", notice)).status_code == 302
    post(
        "notice_compliance",
        {
            "compliance_rule": "working_days",
            "compliance_days": "20",
            **date_data("compliance_start_on", GIVEN_ON),
            "compliance_description": "Produce an improvement plan",
            "requires_improvement_plan": "on",
            "board_reports_count": "0",
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

    # The preview stores nothing, and shows the deadlines for the date asked for.
    before = snapshot()
    preview = client.get(page_url("notice_preview", notice), date_data("preview_on", GIVEN_ON))
    assert changed_tables(before) == []
    content = preview.content.decode()
    assert "WARNING NOTICE: POWYS CHILDREN&#x27;S SERVICES" in content
    assert "Given on: 17 October 2017" in content
    assert "Within 20 working days of 17 October 2017." in content
    for due in ("Tuesday 14 November 2017", "Tuesday 7 November 2017", "Monday 15 January 2018"):
        assert due in content

    response = client.post(page_url("notice_issue", notice), date_data("on", GIVEN_ON))
    assert response.status_code == 302
    assert response.url == drafting.notice_url(notice)
    notice = reread(notice)
    assert notice.state == NoticeState.ISSUED and notice.given_on == GIVEN_ON
    assert "Within 20 working days of 17 October 2017." in notice.issued_text
    due = {d.kind: d.due_on for d in notice.deadlines.all()}
    assert due == {
        DeadlineKind.COMPLIANCE: datetime.date(2017, 11, 14),
        DeadlineKind.LAYING: datetime.date(2017, 11, 7),
        DeadlineKind.REPORT: datetime.date(2018, 1, 15),
    }
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


# The Powys template -------------------------------------------------------------------------


def test_the_powys_template_adds_a_to_g(client, official, powys_case):
    notice = services.notice_draft(case=powys_case, by=official, title="Empty draft")
    client.force_login(official)
    response = client.post(page_url("requirements_from_template", notice))
    assert response.status_code == 302
    assert response.url == reverse("intervention:notice_requirements", args=[notice.pk])
    rows = list(notice.requirements.order_by("position").values_list("letter", "text", "kind", "due"))
    assert rows == [tuple(r) for r in POWYS_REQUIREMENTS]
    assert notice.requirements.get(letter="g").kind == RequirementKind.CONTINUING_CONDITION
    assert notice.requirements.get(letter="a").history.latest().history_user == official


def test_the_powys_template_refuses_when_letters_are_taken(client, official, draft_notice):
    client.force_login(official)
    before = snapshot()
    response = client.post(page_url("requirements_from_template", draft_notice))
    assert response.status_code == 302
    assert changed_tables(before) == []
    assert any("already has (a), (c), (d), (g)" in m for m in messages_of(response))


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
        {"compliance_rule": "working_days", "compliance_days": "0", "board_reports_count": "0"},
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
            "board_reports_count": "0",
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
        "board_reports_count": "2",
        **date_data("board_reports_from", datetime.date(2017, 11, 17)),
    }
    assert client.post(page_url("notice_compliance", draft_notice), data).status_code == 302
    notice = reread(draft_notice)
    assert (notice.board_reports_from, notice.board_reports_count) == (datetime.date(2017, 11, 1), 2)
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
        {"letter": "(A)", "text": "Again", "kind": "one_off", "due": "none"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["letter"] == ["This notice already has a requirement (a)"]
    assert changed_tables(before) == []


def test_requirements_can_be_added_changed_and_removed(client, official, draft_notice):
    client.force_login(official)
    add = client.get(page_url("requirement_add", draft_notice))
    assert add.context["form"]["letter"].value() == "h"
    data = {"letter": "h", "text": "Report by a date", "kind": "one_off", "due": "fixed"}
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
    response = client.post(page_url("notice_issue", notice), date_data("on", GIVEN_ON))
    assert response.status_code == 302
    assert response.url == drafting.overview_url(notice)
    assert "Add at least one requirement." in messages_of(response)
    assert reread(notice).state == NoticeState.DRAFT
    assert changed_tables(before) == []


def test_issuing_in_the_future_is_refused(client, official, draft_notice):
    client.force_login(official)
    before = snapshot()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(page_url("notice_issue", draft_notice), date_data("on", tomorrow))
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
        page_url("notice_issue", draft_notice), date_data("on", datetime.date(2017, 10, 16))
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
def crowded_draft(draft_notice, serious_finding, grounds):
    """Return a function that gives the draft `n` requirements and `n` findings on its ground."""

    def crowd(n: int) -> WarningNotice:
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
        ("draft_overview", 8),
        ("notice_preview", 10),
        ("notice_grounds", 8),
        ("notice_requirements", 6),
        ("notice_functions", 6),
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
