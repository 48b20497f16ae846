"""The home page shows each person what needs their attention now, within their scope."""

import datetime

import pytest
from django.urls import reverse

from intervention import services
from intervention.choices import DeadlineKind, DeadlineUnit
from intervention.models import Deadline
from tests.conftest import GIVEN_ON

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_official_sees_deadlines_across_wales_grouped(client, official, issued_notice):
    client.force_login(official)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    groups = {g.key: g for g in response.context["groups"]}
    # Everything on the 2017 notice not yet met is overdue today.
    overdue_kinds = {d.kind for d in groups["overdue"].deadlines}
    assert {DeadlineKind.LAYING, DeadlineKind.REPORT, DeadlineKind.COMPLIANCE} <= overdue_kinds
    assert groups["due_soon"].total == 0
    assert "Tuesday 14 November 2017" in response.content.decode()


def test_due_soon_means_within_five_working_days(client, official, issued_notice):
    today = datetime.date.today()
    soon = Deadline.objects.create(
        notice=issued_notice,
        kind=DeadlineKind.REQUIREMENT,
        label="Due soon",
        start_on=GIVEN_ON,
        unit=DeadlineUnit.FIXED_DATE,
        due_on=today,
        basis="test",
    )
    later = Deadline.objects.create(
        notice=issued_notice,
        kind=DeadlineKind.REQUIREMENT,
        label="Later",
        start_on=GIVEN_ON,
        unit=DeadlineUnit.FIXED_DATE,
        due_on=today + datetime.timedelta(days=30),
        basis="test",
    )
    client.force_login(official)
    groups = {g.key: g for g in client.get(reverse("home")).context["groups"]}
    assert soon in groups["due_soon"].deadlines
    assert later in groups["later"].deadlines


def test_met_deadlines_are_not_listed(client, official, issued_notice):
    plan = issued_notice.improvement_plan
    services.plan_submit(
        plan=plan, by=_officer(issued_notice), on=datetime.date(2017, 11, 13), summary="Plan"
    )
    client.force_login(official)
    groups = client.get(reverse("home")).context["groups"]
    listed = [d for g in groups for d in g.deadlines]
    assert plan.deadline not in listed


def _officer(notice):
    from tests.factories import UserFactory

    return UserFactory(username="plan-author", organisation=notice.case.council)


def test_council_officer_sees_only_their_council(client, powys_officer, cardiff_officer, issued_notice):
    client.force_login(powys_officer)
    powys_groups = client.get(reverse("home")).context["groups"]
    assert sum(g.total for g in powys_groups) == issued_notice.deadlines.filter(met_on__isnull=True).count()
    client.force_login(cardiff_officer)
    response = client.get(reverse("home"))
    assert sum(g.total for g in response.context["groups"]) == 0
    assert issued_notice.title not in response.content.decode()


def test_council_officer_sees_what_was_returned(client, powys_officer, official, requirement_a):
    services.requirement_submit(requirement=requirement_a, by=powys_officer, statement="Done")
    services.requirement_return(requirement=requirement_a, by=official, reason="Send the letter")
    client.force_login(powys_officer)
    response = client.get(reverse("home"))
    assert response.context["returned"] == [requirement_a]
    client.force_login(official)
    assert client.get(reverse("home")).context["awaiting_review"] == []


def test_inspector_sees_inspections_by_stage(client, inspector, published_inspection):
    client.force_login(inspector)
    response = client.get(reverse("home"))
    stages = {state: count for state, _label, count, _newest in response.context["stages"]}
    assert stages["published"] == 1
    assert response.context["stages"][3][3] == [published_inspection]
    assert reverse("inspections:detail", args=[published_inspection.pk]) in response.content.decode()


@pytest.mark.parametrize("rows", [5, 500])
def test_home_query_budget_does_not_grow(
    client, official, powys_officer, issued_notice, rows, django_assert_max_num_queries
):
    Deadline.objects.bulk_create(
        Deadline(
            notice=issued_notice,
            kind=DeadlineKind.REQUIREMENT,
            label=f"Item {i}",
            start_on=GIVEN_ON,
            unit=DeadlineUnit.FIXED_DATE,
            due_on=GIVEN_ON + datetime.timedelta(days=i),
            basis="test",
        )
        for i in range(rows)
    )
    for user in (official, powys_officer):
        client.force_login(user)
        with django_assert_max_num_queries(20):
            assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("extra", [0, 30])
def test_a_cut_list_says_how_many_there_are(
    client, official, powys_case, extra, django_assert_max_num_queries
):
    from intervention.models import WarningNotice

    WarningNotice.objects.bulk_create(
        WarningNotice(case=powys_case, kind="original", title=f"Draft {i}") for i in range(5 + extra)
    )
    client.force_login(official)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("home"))
    page = response.content.decode()
    assert len(response.context["drafts"]) == min(5 + extra, 20)
    assert response.context["drafts_total"] == 5 + extra
    assert ("Showing the first 20 of 35." in page) is (extra > 0)
