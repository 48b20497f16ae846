"""Query budgets: each inspection page costs the same with 5 rows as with 500."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from inspections import services
from inspections.choices import FindingKind, FindingTheme, InspectionState
from inspections.models import Finding, Inspection, Recommendation, StatutoryFunction
from tests.factories import InspectionFactory, StatutoryFunctionFactory

# Each budget: session, user and the person's organisation (3), the unread notifications count in
# the header (1), then the page's own queries.
LIST_BUDGET = 7  # + count, page of inspections, councils for the filter
# + inspection, fieldwork, the intervention cases it belongs to, findings, their functions,
# recommendations, their findings; the warning notices that cite it and (inspectors and officials)
# its escalations that reached nobody at the council (intervention's casework_links tag)
DETAIL_BUDGET = 13
# + inspection; then for its own history, its findings' and its recommendations': a count and a page
# each (6); council and lead names
HISTORY_BUDGET = 13

SIZES = [5, 500]


@pytest.fixture
def inspection(powys, inspector):
    inspection = InspectionFactory(
        council=powys,
        title="Inspection of children's services, Powys",
        state=InspectionState.DRAFT_ISSUED,
        draft_issued_on=datetime.date(2017, 9, 5),
        lead_inspector=inspector,
    )
    services.fieldwork_period_add(
        inspection=inspection,
        by=inspector,
        starts_on=datetime.date(2017, 6, 19),
        ends_on=datetime.date(2017, 6, 23),
    )
    return inspection


@pytest.mark.parametrize("rows", SIZES)
@pytest.mark.parametrize("role", ["inspector", "official", "powys_officer"])
def test_list(client, people, powys, cardiff, rows, role, django_assert_max_num_queries):
    Inspection.objects.bulk_create(
        Inspection(
            council=powys if n % 2 else cardiff,
            title=f"Inspection {n}",
            service_area="children",
            inspection_type="planned",
            lead_inspector=people["inspector"],
        )
        for n in range(rows)
    )
    client.force_login(people[role])
    with django_assert_max_num_queries(LIST_BUDGET):
        response = client.get(reverse("inspections:list"), {"page": 2 if rows > 25 else 1})
    assert response.status_code == 200


@pytest.mark.parametrize("rows", SIZES)
@pytest.mark.parametrize("role", ["inspector", "official", "powys_officer"])
def test_detail(client, people, inspection, rows, role, django_assert_max_num_queries):
    functions = StatutoryFunctionFactory.create_batch(3)
    findings = Finding.objects.bulk_create(
        Finding(
            inspection=inspection,
            theme=FindingTheme.values[n % len(FindingTheme.values)],
            kind=FindingKind.values[n % len(FindingKind.values)],
            text=f"Finding {n}",
            position=n + 1,
        )
        for n in range(rows)
    )
    Through = Finding.statutory_functions.through
    Through.objects.bulk_create(
        Through(finding_id=finding.pk, statutoryfunction_id=function.pk)
        for finding in findings
        for function in functions
    )
    recommendations = Recommendation.objects.bulk_create(
        Recommendation(inspection=inspection, number=n + 1, text=f"Recommendation {n}") for n in range(rows)
    )
    RecommendationFindings = Recommendation.findings.through
    RecommendationFindings.objects.bulk_create(
        RecommendationFindings(recommendation_id=recommendation.pk, finding_id=finding.pk)
        for recommendation, finding in zip(recommendations, findings, strict=True)
    )
    client.force_login(people[role])
    with django_assert_max_num_queries(DETAIL_BUDGET):
        response = client.get(reverse("inspections:detail", args=[inspection.pk]))
    assert response.status_code == 200
    assert f"Finding {rows - 1}" in response.content.decode()


def _copies(row, count):
    """Return `count` unsaved copies of history row `row`, a second apart."""
    values = {
        f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if f.attname != "history_id"
    }
    model = type(row)
    start = timezone.now()
    return [
        model(**{**values, "history_date": start + datetime.timedelta(seconds=n), "history_type": "~"})
        for n in range(count)
    ]


@pytest.mark.parametrize("rows", SIZES)
@pytest.mark.parametrize("role", ["inspector", "official", "powys_officer"])
def test_history(client, people, inspection, rows, role, django_assert_max_num_queries):
    inspector = people["inspector"]
    finding = services.finding_create(
        inspection=inspection, by=inspector, theme="assessment", kind="strength", text="Timely."
    )
    recommendation = services.recommendation_create(inspection=inspection, by=inspector, text="Keep it up.")
    Inspection.history.bulk_create(_copies(inspection.history.latest(), rows))
    Finding.history.bulk_create(_copies(finding.history.latest(), rows))
    Recommendation.history.bulk_create(_copies(recommendation.history.latest(), rows))
    client.force_login(people[role])
    url = reverse("inspections:history", args=[inspection.pk])
    with django_assert_max_num_queries(HISTORY_BUDGET):
        response = client.get(url)
    assert response.status_code == 200
    # Each of the three histories pages on its own, newest first; the last page holds the oldest.
    findings = response.context["finding_history"]["page_obj"].paginator
    assert findings.count == rows + 1
    with django_assert_max_num_queries(HISTORY_BUDGET):
        response = client.get(url, {"findings_page": findings.num_pages, "page": 1})
    assert response.context["finding_history"]["entries"][-1].action == "Created"
    assert response.context["history"]["page_obj"].number == 1
    if findings.num_pages > 1:
        assert f"findings_page={findings.num_pages - 1}#finding-history" in response.content.decode()


# Form pages whose choices grow: statutory functions for a finding, findings for a recommendation.
# + inspection (editing_view); the finding or recommendation (edit pages); then the choices.
FORM_BUDGETS = {
    "finding_add": 6,  # + the functions offered
    "finding_edit": 8,  # + the finding, the functions it cites, the functions offered
    "recommendation_add": 6,  # + the findings offered
    "recommendation_edit": 8,  # + the recommendation, the findings it rests on, the findings offered
}


@pytest.mark.parametrize("rows", SIZES)
@pytest.mark.parametrize("name", FORM_BUDGETS)
def test_form_pages(client, people, inspection, rows, name, django_assert_max_num_queries):
    inspector = people["inspector"]
    functions = StatutoryFunction.objects.bulk_create(
        StatutoryFunctionFactory.build(code=f"TEST-{n}", title=f"Function {n}") for n in range(rows)
    )
    finding = services.finding_create(
        inspection=inspection,
        by=inspector,
        theme="assessment",
        kind="strength",
        text="Timely.",
        statutory_functions=functions[:3],
    )
    Finding.objects.bulk_create(
        Finding(
            inspection=inspection, theme="assessment", kind="strength", text=f"Finding {n}", position=n + 2
        )
        for n in range(rows)
    )
    recommendation = services.recommendation_create(
        inspection=inspection, by=inspector, text="Keep it up.", findings=[finding]
    )
    args = {
        "finding_add": [inspection.pk],
        "finding_edit": [inspection.pk, finding.pk],
        "recommendation_add": [inspection.pk],
        "recommendation_edit": [inspection.pk, recommendation.pk],
    }[name]
    client.force_login(inspector)
    with django_assert_max_num_queries(FORM_BUDGETS[name]):
        response = client.get(reverse(f"inspections:{name}", args=args))
    assert response.status_code == 200
    page = response.content.decode()
    if name.startswith("finding"):
        assert f"Function {rows - 1}" in page
    else:
        assert f"Finding {rows - 1}" in page
