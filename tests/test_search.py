"""Search across inspections, findings, notices and requirements: found by council, reference and
text, and scoped exactly like every list (a council sees only its own; drafts only officials;
findings not while the inspection is in fieldwork). Runs on SQLite and on PostgreSQL (full text)."""

import datetime

import pytest
from django.urls import reverse

from inspections.choices import FindingKind, FindingTheme, InspectionState
from inspections.models import Finding, Inspection
from intervention.choices import NoticeState
from intervention.models import Requirement, WarningNotice
from intervention.search import selectors as search_selectors
from intervention.search.views import FIRST_FEW

from .factories import CaseFactory, FindingFactory, InspectionFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("intervention:search")


def search(client, user, q, **params):
    client.force_login(user)
    return client.get(SEARCH, {"q": q, **params})


def found(response) -> dict[str, list[str]]:
    """The results on the page, by kind: each one's link."""
    if response.context.get("kind"):
        return {response.context["kind"].key: [_title(r) for r in response.context["page_obj"]]}
    return {g["kind"].key: [_title(r) for r in g["results"]] for g in response.context["groups"]}


def _title(result) -> str:
    return getattr(result, "title", None) or getattr(result, "text", "")


def everything(response) -> list[str]:
    return [title for titles in found(response).values() for title in titles]


def publish(inspection):
    """Publish the report once its findings are written (they cannot be added after)."""
    Inspection.objects.filter(pk=inspection.pk).update(
        state=InspectionState.PUBLISHED,
        draft_issued_on=datetime.date(2019, 1, 7),
        published_on=datetime.date(2019, 2, 1),
    )


@pytest.fixture
def cardiff_world(cardiff, official):
    """A Cardiff inspection with a published finding, a case and an issued notice with a requirement."""
    inspection = InspectionFactory(
        council=cardiff, title="Inspection of Cardiff adult services", fieldwork=True
    )
    FindingFactory(inspection=inspection, text="Cardiff safeguarding referrals were not followed up.")
    publish(inspection)
    case = CaseFactory(council=cardiff, title="Cardiff adult services")
    notice = WarningNotice.objects.create(
        case=case,
        kind="original",
        title="Warning notice to Cardiff Council",
        reference="WG-CDF-2019-01",
        state=NoticeState.ISSUED,
        given_on=datetime.date(2019, 3, 1),
    )
    Requirement.objects.create(notice=notice, letter="a", text="Recruit permanent safeguarding managers.")
    return notice


@pytest.fixture
def powys_world(issued_notice, official):
    """The Powys notice (issued, with a reference), a requirement with telling words, and a draft."""
    WarningNotice.objects.filter(pk=issued_notice.pk).update(reference="WG-PWS-2017-10")
    Requirement.objects.filter(notice=issued_notice, letter="a").update(
        text="Appoint an interim Director of Social Services."
    )
    draft = WarningNotice.objects.create(
        case=issued_notice.case, kind="original", title="Unseen draft warning notice to Powys"
    )
    Requirement.objects.create(notice=draft, letter="a", text="Unseen draft requirement about fostering.")
    return issued_notice


# Finding things ---------------------------------------------------------------------------------


def test_finds_a_notice_by_its_reference(client, official, powys_world, cardiff_world):
    response = search(client, official, "WG-PWS-2017-10")
    assert found(response)["notices"] == [powys_world.title]
    # Part of a reference finds it too.
    assert found(search(client, official, "CDF-2019"))["notices"] == [cardiff_world.title]


def test_finds_requirements_and_findings_by_their_words_in_any_order(
    client, official, powys_world, cardiff_world
):
    results = found(search(client, official, "director interim"))
    assert results["requirements"] == ["Appoint an interim Director of Social Services."]
    results = found(search(client, official, "safeguarding referrals"))
    assert results["findings"] == ["Cardiff safeguarding referrals were not followed up."]


def test_finds_everything_of_a_council_by_its_name(client, official, powys_world, cardiff_world):
    results = found(search(client, official, "Cardiff"))
    assert results == {
        "inspections": ["Inspection of Cardiff adult services"],
        "findings": ["Cardiff safeguarding referrals were not followed up."],
        "notices": ["Warning notice to Cardiff Council"],
        "requirements": ["Recruit permanent safeguarding managers."],
    }


def test_each_result_links_to_its_own_page(client, official, powys_world, cardiff_world):
    page = search(client, official, "Cardiff").content.decode()
    finding_inspection = cardiff_world.case.council.inspections.get()
    for url in [
        reverse("inspections:detail", args=[finding_inspection.pk]),
        reverse("intervention:notice_detail", args=[cardiff_world.pk]),
        reverse("intervention:requirement_detail", args=[cardiff_world.requirements.get().pk]),
    ]:
        assert f'href="{url}"' in page


# Scoped like every list ---------------------------------------------------------------------------


def test_a_council_never_finds_another_councils_records(
    client, cardiff_officer, powys_officer, powys_world, cardiff_world
):
    for query in ["Powys", "WG-PWS-2017-10", "Director", "Requirement", "statutory visits"]:
        assert everything(search(client, cardiff_officer, query)) == [], query
    for query in ["Cardiff", "WG-CDF-2019-01", "safeguarding"]:
        results = everything(search(client, powys_officer, query))
        assert not any("Cardiff" in r or "safeguarding managers" in r for r in results), query


def test_only_officials_find_drafts(client, people, powys_world):
    for who in ["inspector", "powys_officer"]:
        results = found(search(client, people[who], "unseen draft"))
        assert results["notices"] == [] and results["requirements"] == [], who
    results = found(search(client, people["official"], "unseen draft"))
    assert results["notices"] == ["Unseen draft warning notice to Powys"]
    assert results["requirements"] == ["Unseen draft requirement about fostering."]


def test_a_council_does_not_find_findings_written_during_fieldwork(client, powys, inspector, powys_officer):
    finding = FindingFactory(inspection__council=powys, text="Fieldwork note on unallocated cases.")
    assert finding.inspection.state == InspectionState.FIELDWORK
    assert found(search(client, powys_officer, "unallocated"))["findings"] == []
    assert found(search(client, inspector, "unallocated"))["findings"] == [finding.text]
    # From the draft report on, the council reads them, and finds them.
    Inspection.objects.filter(pk=finding.inspection_id).update(
        state=InspectionState.DRAFT_ISSUED, draft_issued_on=datetime.date(2017, 9, 5)
    )
    assert found(search(client, powys_officer, "unallocated"))["findings"] == [finding.text]


def test_the_search_matches_exactly_what_each_list_may_show(people, powys_world, cardiff_world):
    """Nothing found that the kind's own gate (the selector of its list) does not let through."""
    for who, user in people.items():
        if user is None:
            continue
        for kind in search_selectors.KINDS:
            visible = set(search_selectors.visible(kind, user).values_list("pk", flat=True))
            for query in ["Powys", "Cardiff", "unseen draft", "Requirement"]:
                hits = set(search_selectors.search(kind, user, query).values_list("pk", flat=True))
                assert hits <= visible, (who, kind, query)


@pytest.mark.parametrize(
    "who, status", [("anonymous", 302), ("administrator", 403), ("inspector", 200), ("cardiff_officer", 200)]
)
def test_who_may_search(client, people, who, status):
    if people[who] is not None:
        client.force_login(people[who])
    assert client.get(SEARCH, {"q": "Powys"}).status_code == status


# The form ----------------------------------------------------------------------------------------


def test_the_page_is_a_get_form_with_a_label(client, official):
    client.force_login(official)
    page = client.get(SEARCH).content.decode()
    assert '<form method="get"' in page
    assert '<label class="govuk-label govuk-label--s" for="id_q">Search</label>' in page
    assert "There is a problem" not in page  # nothing asked yet: no error


@pytest.mark.parametrize(
    "q, message",
    [
        ("", "Enter what to search for"),
        ("   ", "Enter what to search for"),
        ("x" * 201, "Search must be 200 characters or fewer"),
    ],
)
def test_an_empty_or_too_long_search_is_told_what_is_wrong(client, official, powys_world, q, message):
    response = search(client, official, q)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert 'href="#id_q"' in page  # the error summary leads to the field
    assert response.context["groups"] == []


@pytest.mark.parametrize("q", ["'", "& | ! :*", '"unclosed', "-", "(a"])
def test_punctuation_is_searched_without_error(client, official, powys_world, q):
    response = search(client, official, q)
    assert response.status_code == 200
    assert "There is a problem" not in response.content.decode()


def test_a_search_of_200_characters_is_searched(client, official, powys_world):
    assert search(client, official, "Powys " + "x" * 194).status_code == 200


def test_each_kind_pages_through_all_its_results(client, official, powys_world):
    Requirement.objects.bulk_create(
        Requirement(notice=powys_world, letter=f"z{i}", text=f"Monthly staffing return {i}", position=200 + i)
        for i in range(30)
    )
    response = search(client, official, "staffing return")
    [requirements] = [g for g in response.context["groups"] if g["kind"].key == "requirements"]
    assert (len(requirements["results"]), requirements["total"]) == (FIRST_FEW, 30)
    assert "kind=requirements" in response.content.decode()
    first = search(client, official, "staffing return", kind="requirements")
    assert len(first.context["page_obj"]) == 25 and first.context["page_obj"].paginator.count == 30
    second = search(client, official, "staffing return", kind="requirements", page=2)
    seen = {r.pk for r in first.context["page_obj"]} | {r.pk for r in second.context["page_obj"]}
    assert len(seen) == 30
    # An unknown kind shows every kind.
    assert search(client, official, "staffing return", kind="nonsense").context["groups"]


# Query budgets -----------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [5, 500])
@pytest.mark.parametrize("who", ["official", "powys_officer"])
def test_search_keeps_to_a_query_budget(
    client, people, powys_world, rows, who, django_assert_max_num_queries
):
    Requirement.objects.bulk_create(
        Requirement(notice=powys_world, letter=f"z{i}", text=f"Powys staffing return {i}", position=200 + i)
        for i in range(rows)
    )
    inspection = InspectionFactory(council=powys_world.case.council, title="Powys report", published=True)
    Finding.objects.bulk_create(
        Finding(
            inspection=inspection,
            theme=FindingTheme.LEADERSHIP,
            kind=FindingKind.AREA_FOR_IMPROVEMENT,
            text=f"Powys {i}",
        )
        for i in range(rows)
    )
    client.force_login(people[who])
    # The session and its person, the navigation, then a count and the first few of each kind.
    with django_assert_max_num_queries(16):
        response = client.get(SEARCH, {"q": "Powys"})
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        response = client.get(SEARCH, {"q": "Powys staffing", "kind": "requirements", "page": 2})
    assert response.context["page_obj"].paginator.count == rows
