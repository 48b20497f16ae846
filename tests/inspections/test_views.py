"""The inspection pages: who may see and do what, the inspector's journey, and bad input."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import escape

from accounts.models import TransitionLog
from inspections import services
from inspections.choices import FindingKind, FindingTheme, InspectionState
from inspections.models import FieldworkPeriod, Finding, Inspection, Recommendation
from tests.factories import FindingFactory, InspectionFactory, StatutoryFunctionFactory, UserFactory

FROZEN = "its contents are part of the record and cannot change"


# Shared setup: a Powys inspection in fieldwork with one finding and one recommendation.


@pytest.fixture
def inspection(powys, inspector):
    inspection = InspectionFactory(
        council=powys, title="Inspection of children's services, Powys", fieldwork=True
    )
    services.finding_create(
        inspection=inspection,
        by=inspector,
        theme=FindingTheme.SAFEGUARDING,
        kind=FindingKind.SERIOUS_CONCERN,
        text="No record of statutory visits for six months.",
    )
    return inspection


@pytest.fixture
def finding(inspection):
    return inspection.findings.get()


@pytest.fixture
def recommendation(inspection, finding, inspector):
    return services.recommendation_create(
        inspection=inspection, by=inspector, text="Visit every child on time.", findings=[finding]
    )


@pytest.fixture
def in_force_function(db):
    return StatutoryFunctionFactory(code="SSWBA-s21", citation="SSWBA 2014 s21", title="Assessing needs")


@pytest.fixture
def repealed_function(db):
    return StatutoryFunctionFactory(
        code="CA1989-s17",
        citation="Children Act 1989 s17",
        title="Children in need",
        effective_to=datetime.date(2016, 4, 5),
    )


def client_for(client, user):
    if user is not None:
        client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def audit_rows() -> int:
    """Count every history row an inspection page could write."""
    return (
        Inspection.history.count()
        + Finding.history.count()
        + Recommendation.history.count()
        + FieldworkPeriod.history.count()
        + TransitionLog.objects.count()
    )


# What each page needs when it is POSTed with good data, by URL name.
READ_PAGES = ["list", "detail", "history"]
CHANGE_PAGES = [
    "edit",
    "finding_add",
    "finding_edit",
    "finding_delete",
    "recommendation_add",
    "recommendation_edit",
    "recommendation_delete",
    "start_fieldwork",
    "issue_draft",
    "publish",
    "withdraw",
]
GOOD_POST = {
    "create": {"title": "T", "service_area": "children", "inspection_type": "planned"},
    "edit": {
        "title": "Changed",
        "service_area": "children",
        "inspection_type": "planned",
        "inspectorate_name": "CIW",
    },
    "finding_add": {"theme": "assessment", "kind": "strength", "text": "Good."},
    "finding_edit": {"theme": "assessment", "kind": "strength", "text": "Changed."},
    "finding_delete": {"reason": ""},
    "recommendation_add": {"text": "Do better."},
    "recommendation_edit": {"text": "Changed."},
    "recommendation_delete": {"reason": ""},
    "start_fieldwork": {"reason": ""},
    "issue_draft": {"on_0": "5", "on_1": "9", "on_2": "2017"},
    "publish": {"on_0": "17", "on_1": "10", "on_2": "2017", "check_answers": "confirmed"},
    "withdraw": {"reason": "Stopped."},
}


def url_of(name, inspection, finding=None, recommendation=None) -> str:
    if name == "list":
        return reverse("inspections:list")
    if name == "create":
        return reverse("inspections:create")
    if name.startswith("finding_") and name != "finding_add":
        return reverse(f"inspections:{name}", args=[inspection.pk, finding.pk])
    if name.startswith("recommendation_") and name != "recommendation_add":
        return reverse(f"inspections:{name}", args=[inspection.pk, recommendation.pk])
    return reverse(f"inspections:{name}", args=[inspection.pk])


@pytest.fixture
def pages(inspection, finding, recommendation):
    return lambda name: url_of(name, inspection, finding, recommendation)


class TestWhoMaySee:
    """One test per person, each walking every page so a failure names the pages that answer wrongly."""

    @pytest.mark.parametrize("role", ["inspector", "official", "powys_officer"])
    def test_people_in_scope_can_read(self, client, people, pages, role):
        client_for(client, people[role])
        assert {name: client.get(pages(name)).status_code for name in READ_PAGES} == dict.fromkeys(
            READ_PAGES, 200
        )

    def test_inspector_can_open_every_page_for_the_moves_open_now(self, client, inspector, pages):
        client_for(client, inspector)
        open_now = ["create", *CHANGE_PAGES]
        open_now.remove("start_fieldwork")  # fieldwork has started already
        open_now.remove("publish")  # no draft has been issued
        assert {name: client.get(pages(name)).status_code for name in open_now} == dict.fromkeys(
            open_now, 200
        )

    def test_anonymous_is_sent_to_sign_in(self, client, pages):
        names = [*READ_PAGES, "create", *CHANGE_PAGES]
        responses = {name: client.get(pages(name)) for name in names}
        assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(names, 302)
        assert all(r.url.startswith(reverse("login")) for r in responses.values())

    @pytest.mark.parametrize(
        "role, expected",
        [
            # They can see the inspection, so they are told they may not act (403).
            ("official", 403),
            ("powys_officer", 403),
            # Administrators work in the admin: the inspection pages do not show them anything.
            ("administrator", 404),
        ],
    )
    def test_people_who_may_not_act_are_refused_and_nothing_changes(
        self, client, people, pages, inspection, role, expected
    ):
        client_for(client, people[role])
        before = audit_rows()
        answers = {
            name: (client.get(pages(name)).status_code, client.post(pages(name), GOOD_POST[name]).status_code)
            for name in CHANGE_PAGES
        }
        assert answers == dict.fromkeys(CHANGE_PAGES, (expected, expected))
        assert client.get(pages("create")).status_code == 403
        assert (
            client.post(
                pages("create"), {**GOOD_POST["create"], "council": inspection.council_id}
            ).status_code
            == 403
        )
        assert audit_rows() == before
        inspection.refresh_from_db()
        assert (inspection.state, inspection.title) == (
            InspectionState.FIELDWORK,
            "Inspection of children's services, Powys",
        )

    def test_a_role_without_casework_is_refused_the_list_and_sees_no_inspection(
        self, client, administrator, pages
    ):
        """Administrators work in the admin: no list (403), and no inspection exists for them (404)."""
        client_for(client, administrator)
        assert {name: client.get(pages(name)).status_code for name in READ_PAGES} == {
            "list": 403,
            "detail": 404,
            "history": 404,
        }

    def test_other_council_gets_404_on_every_page_get_and_post(
        self, client, cardiff_officer, inspection, pages
    ):
        client_for(client, cardiff_officer)
        names = ["detail", "history", *CHANGE_PAGES]
        before = audit_rows()
        answers = {
            name: (
                client.get(pages(name)).status_code,
                client.post(pages(name), GOOD_POST.get(name, {})).status_code,
            )
            for name in names
        }
        assert answers == dict.fromkeys(names, (404, 404))
        assert audit_rows() == before
        inspection.refresh_from_db()
        assert inspection.state == InspectionState.FIELDWORK

    def test_other_council_does_not_see_it_listed(self, client, cardiff_officer, inspection):
        response = client_for(client, cardiff_officer).get(reverse("inspections:list"))
        assert escape(inspection.title) not in response.content.decode()

    def test_finding_of_another_inspection_gets_404(self, client, inspector, inspection, powys):
        other = FindingFactory(inspection__council=powys)
        client_for(client, inspector)
        for name in ["finding_edit", "finding_delete"]:
            url = reverse(f"inspections:{name}", args=[inspection.pk, other.pk])
            assert client.get(url).status_code == 404
            assert client.post(url, GOOD_POST[name]).status_code == 404
        assert Finding.objects.filter(pk=other.pk, text=other.text).exists()

    def test_recommendation_of_another_inspection_gets_404(
        self, client, inspector, inspection, recommendation
    ):
        other = InspectionFactory(council=inspection.council, fieldwork=True)
        url = reverse("inspections:recommendation_edit", args=[other.pk, recommendation.pk])
        assert client_for(client, inspector).post(url, {"text": "Hijacked"}).status_code == 404
        recommendation.refresh_from_db()
        assert recommendation.text == "Visit every child on time."


class TestList:
    def test_rows_link_to_the_detail_page(self, client, inspector, inspection):
        response = client_for(client, inspector).get(reverse("inspections:list"))
        assert reverse("inspections:detail", args=[inspection.pk]) in response.content.decode()

    def test_create_button_for_inspectors_only(self, client, inspector, official, inspection):
        create_url = reverse("inspections:create")
        assert create_url in client_for(client, inspector).get(reverse("inspections:list")).content.decode()
        assert (
            create_url not in client_for(client, official).get(reverse("inspections:list")).content.decode()
        )

    def test_filters_by_council_stage_and_type(self, client, official, inspection, cardiff):
        other = InspectionFactory(council=cardiff, title="Cardiff adults", published=True)
        client_for(client, official)
        url = reverse("inspections:list")
        by_council = client.get(url, {"council": cardiff.pk}).content.decode()
        title = escape(inspection.title)
        assert other.title in by_council and title not in by_council
        by_stage = client.get(url, {"state": "fieldwork"}).content.decode()
        assert title in by_stage and other.title not in by_stage
        by_type = client.get(url, {"inspection_type": "follow_up"}).content.decode()
        assert title not in by_type and other.title not in by_type

    def test_a_bad_filter_is_summarised_and_named_in_the_title(self, client, official, inspection):
        response = client_for(client, official).get(reverse("inspections:list"), {"council": 99999})
        page = response.content.decode()
        assert response.status_code == 200
        assert response.context["filter_form"].errors["council"]
        assert "<title>Error:" in page
        assert 'class="govuk-error-summary"' in page and 'href="#id_council"' in page

    def test_a_good_filter_has_no_error_summary(self, client, official, inspection, powys):
        page = client_for(client, official).get(reverse("inspections:list"), {"council": powys.pk})
        assert "govuk-error-summary" not in page.content.decode()
        assert "<title>Error:" not in page.content.decode()


class TestCreate:
    def post_data(self, powys, inspector, **overrides):
        data = {
            "council": powys.pk,
            "title": "Inspection of children's services, Powys",
            "service_area": "children",
            "inspection_type": "planned",
            "inspectorate_name": "Care and Social Services Inspectorate Wales",
            "lead_inspector": inspector.pk,
            "report_reference": "CSSIW-2017-PCC",
            "report_url": "https://careinspectorate.wales/powys-2017",
            "fieldwork_1_starts_on_0": "19",
            "fieldwork_1_starts_on_1": "6",
            "fieldwork_1_starts_on_2": "2017",
            "fieldwork_1_ends_on_0": "23",
            "fieldwork_1_ends_on_1": "6",
            "fieldwork_1_ends_on_2": "2017",
            "fieldwork_2_starts_on_0": "3",
            "fieldwork_2_starts_on_1": "7",
            "fieldwork_2_starts_on_2": "2017",
            "fieldwork_2_ends_on_0": "7",
            "fieldwork_2_ends_on_1": "7",
            "fieldwork_2_ends_on_2": "2017",
        }
        return {**data, **overrides}

    def test_inspector_creates_an_inspection_with_two_fieldwork_periods(self, client, powys, inspector):
        response = client_for(client, inspector).post(
            reverse("inspections:create"), self.post_data(powys, inspector)
        )
        inspection = Inspection.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("inspections:detail", args=[inspection.pk])
        assert (inspection.council, inspection.lead_inspector, inspection.state) == (
            powys,
            inspector,
            InspectionState.PLANNED,
        )
        assert list(inspection.fieldwork_periods.values_list("starts_on", "ends_on")) == [
            (datetime.date(2017, 6, 19), datetime.date(2017, 6, 23)),
            (datetime.date(2017, 7, 3), datetime.date(2017, 7, 7)),
        ]
        row = inspection.history.latest()
        assert (row.history_user, row.history_change_reason) == (inspector, "create")
        assert "The inspection has been created." in messages_of(response)
        page = client.get(response.url).content.decode()
        assert "19 June 2017 to 23 June 2017" in page

    def test_the_form_offers_councils_and_inspectors(self, client, powys, cardiff, inspector):
        UserFactory(username="lead", first_name="Gwen", last_name="Lead", inspector=True)
        UserFactory(username="wg", first_name="Owain", last_name="Official", official=True)
        page = client_for(client, inspector).get(reverse("inspections:create")).content.decode()
        assert "Powys County Council" in page and "Cardiff Council" in page
        assert "Gwen Lead" in page
        assert "Owain Official" not in page

    def test_missing_title_is_an_error_and_nothing_is_written(self, client, powys, inspector):
        response = client_for(client, inspector).post(
            reverse("inspections:create"), self.post_data(powys, inspector, title="")
        )
        page = response.content.decode()
        assert response.status_code == 200
        assert "Enter the title of the inspection" in page
        assert 'href="#id_title"' in page
        assert "<title>Error:" in page
        assert "CSSIW-2017-PCC" in page  # what was typed is kept
        assert not Inspection.objects.exists()

    @pytest.mark.parametrize(
        "overrides, message",
        [
            (
                {"fieldwork_1_ends_on_0": "31", "fieldwork_1_ends_on_1": "2"},
                "First fieldwork period: last day must be a real date",
            ),
            ({"fieldwork_1_ends_on_1": "5"}, "The last day must be the same as or after the first day"),
            (
                {"fieldwork_2_ends_on_0": "", "fieldwork_2_ends_on_1": "", "fieldwork_2_ends_on_2": ""},
                "Enter the last day of the fieldwork period",
            ),
            ({"report_url": "not a link"}, "Enter a web address in the correct format"),
        ],
    )
    def test_bad_fieldwork_dates_are_errors(self, client, powys, inspector, overrides, message):
        response = client_for(client, inspector).post(
            reverse("inspections:create"), self.post_data(powys, inspector, **overrides)
        )
        assert message in response.content.decode()
        assert not Inspection.objects.exists()
        assert not FieldworkPeriod.objects.exists()

    def test_fieldwork_is_optional(self, client, powys, inspector):
        data = {k: v for k, v in self.post_data(powys, inspector).items() if not k.startswith("fieldwork")}
        response = client_for(client, inspector).post(reverse("inspections:create"), data)
        assert response.status_code == 302
        assert not FieldworkPeriod.objects.exists()


class TestDetail:
    def test_shows_findings_by_theme_with_kind_and_functions(
        self, client, official, inspection, finding, recommendation, in_force_function, inspector
    ):
        services.finding_update(finding=finding, by=inspector, statutory_functions=[in_force_function])
        services.finding_create(
            inspection=inspection,
            by=inspector,
            theme=FindingTheme.ASSESSMENT,
            kind="strength",
            text="Timely.",
        )
        page = client_for(client, official).get(reverse("inspections:detail", args=[inspection.pk])).content
        page = page.decode()
        assert page.index("Assessment") < page.index("Safeguarding")  # the framework's order
        assert "govuk-tag--red" in page and "Serious concern" in page
        assert "SSWBA 2014 s21" in page
        assert "Visit every child on time." in page and "finding 1" in page

    def test_inspector_sees_edit_links_and_the_moves_available_now(
        self, client, inspector, inspection, finding
    ):
        page = client_for(client, inspector).get(reverse("inspections:detail", args=[inspection.pk]))
        page = page.content.decode()
        assert reverse("inspections:finding_add", args=[inspection.pk]) in page
        assert reverse("inspections:finding_edit", args=[inspection.pk, finding.pk]) in page
        assert reverse("inspections:edit", args=[inspection.pk]) in page
        assert reverse("inspections:issue_draft", args=[inspection.pk]) in page
        assert reverse("inspections:withdraw", args=[inspection.pk]) in page
        assert reverse("inspections:publish", args=[inspection.pk]) not in page
        assert reverse("inspections:history", args=[inspection.pk]) in page

    @pytest.mark.parametrize("role", ["official", "powys_officer"])
    def test_readers_see_no_edit_links_or_actions(self, client, people, inspection, finding, role):
        page = client_for(client, people[role]).get(reverse("inspections:detail", args=[inspection.pk]))
        page = page.content.decode()
        assert reverse("inspections:finding_add", args=[inspection.pk]) not in page
        assert reverse("inspections:edit", args=[inspection.pk]) not in page
        assert reverse("inspections:issue_draft", args=[inspection.pk]) not in page

    def test_published_inspection_is_read_only(self, client, inspector, published_inspection):
        page = client_for(client, inspector).get(
            reverse("inspections:detail", args=[published_inspection.pk])
        )
        page = page.content.decode()
        assert "The report was published on 17 October 2017" in page
        assert "part of the record" in page
        assert reverse("inspections:finding_add", args=[published_inspection.pk]) not in page
        assert reverse("inspections:withdraw", args=[published_inspection.pk]) not in page

    @pytest.mark.parametrize(
        "role, published, offered",
        [
            ("official", True, True),
            ("official", False, False),  # a notice rests only on a published report
            ("inspector", True, False),
            ("powys_officer", True, False),
        ],
    )
    def test_only_an_official_is_offered_a_notice_on_a_published_report(
        self, client, people, inspection, published_inspection, role, published, offered
    ):
        shown = published_inspection if published else inspection
        page = client_for(client, people[role]).get(reverse("inspections:detail", args=[shown.pk]))
        start = reverse("intervention:notice_start", args=[shown.pk])
        assert (start in page.content.decode()) is offered


class TestEdit:
    def test_inspector_changes_the_details(self, client, inspector, inspection):
        url = reverse("inspections:edit", args=[inspection.pk])
        client_for(client, inspector)
        assert escape(inspection.title) in client.get(url).content.decode()
        response = client.post(url, {**GOOD_POST["edit"], "report_reference": "REF-1"})
        assert response.status_code == 302
        inspection.refresh_from_db()
        assert (inspection.title, inspection.report_reference) == ("Changed", "REF-1")
        row = inspection.history.latest()
        assert (row.history_user, row.history_change_reason) == (inspector, "update")

    def test_missing_title_is_an_error(self, client, inspector, inspection):
        response = client_for(client, inspector).post(
            reverse("inspections:edit", args=[inspection.pk]), {**GOOD_POST["edit"], "title": ""}
        )
        assert "Enter the title of the inspection" in response.content.decode()
        inspection.refresh_from_db()
        assert inspection.title == "Inspection of children's services, Powys"


class TestFindings:
    def test_add_a_finding_citing_functions(self, client, inspector, inspection, in_force_function):
        data = {
            "theme": "assessment",
            "kind": "area_for_improvement",
            "text": "Assessments are late.",
            "evidence_summary": "12 of 20 files",
            "statutory_functions": [in_force_function.pk],
        }
        response = client_for(client, inspector).post(
            reverse("inspections:finding_add", args=[inspection.pk]), data
        )
        assert response.status_code == 302
        assert response.url == reverse("inspections:detail", args=[inspection.pk])
        finding = inspection.findings.get(text="Assessments are late.")
        assert list(finding.statutory_functions.all()) == [in_force_function]
        created = finding.history.earliest()
        assert (created.history_user, created.history_change_reason) == (inspector, "create")
        assert {row.history_user for row in finding.history.all()} == {inspector}
        assert "The finding has been added." in messages_of(response)

    def test_only_functions_in_force_are_offered(
        self, client, inspector, inspection, in_force_function, repealed_function
    ):
        url = reverse("inspections:finding_add", args=[inspection.pk])
        client_for(client, inspector)
        page = client.get(url).content.decode()
        assert "SSWBA 2014 s21" in page and "Children Act 1989 s17" not in page
        data = {
            "theme": "assessment",
            "kind": "strength",
            "text": "X",
            "statutory_functions": [repealed_function.pk],
        }
        response = client.post(url, data)
        assert "Select a valid choice" in response.content.decode()
        assert inspection.findings.count() == 1

    def test_edit_keeps_a_function_cited_before_its_repeal(
        self, client, inspector, inspection, finding, repealed_function
    ):
        finding.statutory_functions.add(repealed_function)
        url = reverse("inspections:finding_edit", args=[inspection.pk, finding.pk])
        client_for(client, inspector)
        assert "Children Act 1989 s17" in client.get(url).content.decode()
        data = {
            "theme": finding.theme,
            "kind": finding.kind,
            "text": "Changed.",
            "statutory_functions": [repealed_function.pk],
        }
        assert client.post(url, data).status_code == 302
        finding.refresh_from_db()
        assert finding.text == "Changed."
        assert list(finding.statutory_functions.all()) == [repealed_function]
        row = finding.history.latest()
        assert (row.history_user, row.history_change_reason) == (inspector, "update")

    def test_missing_text_is_an_error_and_nothing_is_written(self, client, inspector, inspection, finding):
        url = reverse("inspections:finding_edit", args=[inspection.pk, finding.pk])
        before = audit_rows()
        response = client_for(client, inspector).post(
            url, {"theme": "assessment", "kind": "strength", "text": ""}
        )
        assert "Enter the finding" in response.content.decode()
        assert audit_rows() == before

    def test_delete_asks_first_then_removes(self, client, inspector, inspection, finding):
        url = reverse("inspections:finding_delete", args=[inspection.pk, finding.pk])
        client_for(client, inspector)
        assert "Remove finding 1" in client.get(url).content.decode()
        assert Finding.objects.filter(pk=finding.pk).exists()
        response = client.post(url, {"reason": "Duplicate"})
        assert response.status_code == 302
        assert not Finding.objects.filter(pk=finding.pk).exists()
        row = Finding.history.filter(id=finding.pk).latest()
        assert (row.history_type, row.history_user, row.history_change_reason) == (
            "-",
            inspector,
            "delete: Duplicate",
        )

    @pytest.mark.parametrize("name", ["finding_add", "finding_edit", "finding_delete"])
    def test_published_findings_cannot_change(self, client, inspector, serious_finding, name):
        inspection = serious_finding.inspection
        url = url_of(name, inspection, serious_finding)
        client_for(client, inspector)
        before = audit_rows()
        for response in (client.get(url), client.post(url, GOOD_POST[name])):
            assert response.status_code == 302
            assert response.url == reverse("inspections:detail", args=[inspection.pk])
            assert any(FROZEN in m for m in messages_of(response))
        assert audit_rows() == before
        serious_finding.refresh_from_db()
        assert serious_finding.text == "No record of statutory visits for six months."
        assert inspection.findings.count() == 1


class TestRecommendations:
    def test_add_edit_and_delete(self, client, inspector, inspection, finding):
        client_for(client, inspector)
        add_url = reverse("inspections:recommendation_add", args=[inspection.pk])
        assert finding.text[:20] in client.get(add_url).content.decode()
        response = client.post(add_url, {"text": "Visit on time.", "findings": [finding.pk]})
        assert response.status_code == 302
        recommendation = inspection.recommendations.get()
        assert (recommendation.number, list(recommendation.findings.all())) == (1, [finding])
        assert recommendation.history.latest().history_user == inspector

        edit_url = reverse("inspections:recommendation_edit", args=[inspection.pk, recommendation.pk])
        assert client.post(edit_url, {"text": "Visit every child on time."}).status_code == 302
        recommendation.refresh_from_db()
        assert recommendation.text == "Visit every child on time."
        assert not recommendation.findings.exists()

        delete_url = reverse("inspections:recommendation_delete", args=[inspection.pk, recommendation.pk])
        assert client.post(delete_url, {"reason": ""}).status_code == 302
        assert not inspection.recommendations.exists()
        row = Recommendation.history.filter(id=recommendation.pk).latest()
        assert (row.history_type, row.history_user) == ("-", inspector)

    def test_findings_of_another_inspection_cannot_be_chosen(self, client, inspector, inspection, powys):
        other = FindingFactory(inspection__council=powys)
        response = client_for(client, inspector).post(
            reverse("inspections:recommendation_add", args=[inspection.pk]),
            {"text": "X", "findings": [other.pk]},
        )
        assert "Select a valid choice" in response.content.decode()
        assert not Recommendation.objects.exists()

    def test_missing_text_is_an_error(self, client, inspector, inspection):
        response = client_for(client, inspector).post(
            reverse("inspections:recommendation_add", args=[inspection.pk]), {"text": ""}
        )
        assert "Enter the recommendation" in response.content.decode()
        assert not Recommendation.objects.exists()


class TestTransitions:
    def test_start_fieldwork(self, client, inspector, powys):
        inspection = InspectionFactory(council=powys)
        url = reverse("inspections:start_fieldwork", args=[inspection.pk])
        client_for(client, inspector)
        assert "Starting fieldwork records" in client.get(url).content.decode()
        response = client.post(url, {"reason": ""})
        assert response.status_code == 302
        inspection.refresh_from_db()
        assert inspection.state == InspectionState.FIELDWORK
        row = inspection.history.latest()
        assert (row.history_user, row.history_change_reason) == (inspector, "start_fieldwork")
        assert "Fieldwork has started." in messages_of(response)

    def test_issue_draft(self, client, inspector, inspection):
        url = reverse("inspections:issue_draft", args=[inspection.pk])
        response = client_for(client, inspector).post(url, GOOD_POST["issue_draft"])
        assert response.status_code == 302
        inspection.refresh_from_db()
        assert (inspection.state, inspection.draft_issued_on) == (
            InspectionState.DRAFT_ISSUED,
            datetime.date(2017, 9, 5),
        )
        assert inspection.history.latest().history_user == inspector

    def test_publish_says_what_will_happen_then_publishes(self, client, inspector, powys):
        inspection = InspectionFactory(
            council=powys, state=InspectionState.DRAFT_ISSUED, draft_issued_on=datetime.date(2017, 9, 5)
        )
        url = reverse("inspections:publish", args=[inspection.pk])
        client_for(client, inspector)
        page = client.get(url).content.decode()
        assert "part of the record: they cannot be changed afterwards" in page
        response = client.post(url, {"check_answers": "confirmed", **GOOD_POST["publish"]})
        assert response.status_code == 302
        inspection.refresh_from_db()
        assert (inspection.state, inspection.published_on) == (
            InspectionState.PUBLISHED,
            datetime.date(2017, 10, 17),
        )
        row = inspection.history.latest()
        assert (row.history_user, row.history_change_reason) == (inspector, "publish")
        log = TransitionLog.objects.get(transition="publish")
        assert (log.by, log.occurred_on) == (inspector, datetime.date(2017, 10, 17))

    def test_publish_before_the_draft_is_an_error(self, client, inspector, powys):
        inspection = InspectionFactory(
            council=powys, state=InspectionState.DRAFT_ISSUED, draft_issued_on=datetime.date(2017, 9, 5)
        )
        before = audit_rows()
        response = client_for(client, inspector).post(
            reverse("inspections:publish", args=[inspection.pk]), {"on_0": "4", "on_1": "9", "on_2": "2017"}
        )
        assert response.status_code == 200
        assert "cannot be published before its draft was issued" in response.content.decode()
        inspection.refresh_from_db()
        assert (inspection.state, inspection.published_on) == (InspectionState.DRAFT_ISSUED, None)
        assert audit_rows() == before

    @pytest.mark.parametrize(
        "data, message",
        [
            (
                {"on_0": "31", "on_1": "2", "on_2": "2017"},
                "Date the draft report was issued must be a real date",
            ),
            ({"on_0": "", "on_1": "", "on_2": ""}, "Enter the date the draft report was issued"),
            (
                {"on_0": "5", "on_1": "", "on_2": "2017"},
                "Date the draft report was issued must include a month",
            ),
            (
                {"on_0": "1", "on_1": "1", "on_2": "2199"},
                "Date the draft report was issued must be today or in the past",
            ),
        ],
    )
    def test_bad_draft_dates_are_errors(self, client, inspector, inspection, data, message):
        before = audit_rows()
        response = client_for(client, inspector).post(
            reverse("inspections:issue_draft", args=[inspection.pk]), data
        )
        page = response.content.decode()
        assert message in page
        assert 'href="#id_on_0"' in page  # the error summary leads to the day box
        inspection.refresh_from_db()
        assert inspection.state == InspectionState.FIELDWORK
        assert audit_rows() == before

    def test_withdraw_needs_a_reason(self, client, inspector, inspection):
        url = reverse("inspections:withdraw", args=[inspection.pk])
        client_for(client, inspector)
        assert (
            "Enter why the inspection is being withdrawn"
            in client.post(url, {"check_answers": "confirmed", "reason": "  "}).content.decode()
        )
        inspection.refresh_from_db()
        assert inspection.state == InspectionState.FIELDWORK
        assert (
            client.post(
                url, {"check_answers": "confirmed", "reason": "The council is being restructured."}
            ).status_code
            == 302
        )
        inspection.refresh_from_db()
        assert inspection.state == InspectionState.WITHDRAWN
        row = inspection.history.latest()
        assert (row.history_user, row.history_change_reason) == (
            inspector,
            "withdraw: The council is being restructured.",
        )

    @pytest.mark.parametrize("name", ["start_fieldwork", "publish"])
    def test_a_move_no_longer_possible_is_explained_on_the_detail_page(
        self, client, inspector, inspection, name
    ):
        url = reverse(f"inspections:{name}", args=[inspection.pk])
        client_for(client, inspector)
        before = audit_rows()
        for response in (client.get(url), client.post(url, GOOD_POST[name])):
            assert response.status_code == 302
            assert response.url == reverse("inspections:detail", args=[inspection.pk])
        page = client.get(response.url).content.decode()
        assert "This cannot be done while the inspection is fieldwork." in page
        assert audit_rows() == before

    def test_issue_draft_without_findings_says_why(self, client, inspector, powys):
        inspection = InspectionFactory(council=powys, fieldwork=True)
        response = client_for(client, inspector).get(reverse("inspections:issue_draft", args=[inspection.pk]))
        assert "Record at least one finding" in " ".join(messages_of(response))


class TestHistory:
    def test_shows_the_inspection_and_its_findings(self, client, official, inspection, finding, inspector):
        services.finding_update(finding=finding, by=inspector, text="Visits were six months late.")
        services.inspection_withdraw(inspection=inspection, by=inspector, reason="Restructure")
        page = client_for(client, official).get(reverse("inspections:history", args=[inspection.pk]))
        page = page.content.decode()
        assert "Its findings" in page
        assert "Visits were six months late." in page
        assert "Restructure" in page
        assert str(inspector) in page
