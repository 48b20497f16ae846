"""The home page shows each person what needs their attention now, within their scope, by status."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from intervention import services
from intervention.calendars import WorkingCalendar
from intervention.choices import (
    ObligationKind,
    ObligationState,
    Owner,
    RequirementDue,
)
from intervention.obligations import status
from tests.conftest import GIVEN_ON
from tests.factories import add_owed
from tests.workflow import Casework

pytestmark = pytest.mark.django_db

COUNCIL_GROUPS = [status.OVERDUE, status.DUE_TODAY, status.DUE_SOON, status.SUBMITTED, status.NOT_DUE]
MINISTERS_LABELS = (
    "Lay a copy of the notice before the National Assembly for Wales (s151(3)(a))",
    "Report to the National Assembly for Wales on the council's action (s151(3)(b))",
)


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def text(response) -> str:
    return html.unescape(response.content.decode())


def by_key(groups):
    return {group.key: group for group in groups}


def labels(group):
    return [obligation.label for obligation in group.obligations]


@pytest.fixture
def days():
    """Today, the last day that counts as due soon (the 5th working day after today), and the next."""
    today = timezone.localdate()
    last_soon = status.due_soon_until(today, non_working=WorkingCalendar())
    return {"today": today, "last_soon": last_soon, "later": last_soon + datetime.timedelta(days=1)}


@pytest.fixture
def dated_notice(draft_notice, official, days):
    """The Powys notice with (h) due today, (i) due on the last day of due soon, (j) due the day after."""
    for letter, key in [("h", "today"), ("i", "last_soon"), ("j", "later")]:
        services.requirement_add(
            notice=draft_notice,
            by=official,
            letter=letter,
            text=f"Requirement {letter}",
            due=RequirementDue.FIXED_DATE,
            due_on_fixed=days[key],
        )
    return services.notice_issue(notice=draft_notice, by=official, on=GIVEN_ON)


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


# Officials: the Ministers' duties, apart from what councils owe --------------------------------


def test_official_sees_the_ministers_duties_apart_from_what_councils_owe(client, official, issued_notice):
    response = home(client, official)

    duties = by_key(response.context["duty_groups"])
    councils = by_key(response.context["groups"])
    assert list(duties) == [status.OVERDUE, status.DUE_TODAY, status.DUE_SOON, status.NOT_DUE]
    assert list(councils) == [status.OVERDUE, status.DUE_TODAY, status.DUE_SOON]
    # Both s151(3) duties of the 2017 notice are long overdue today; nothing else is the Ministers'.
    assert sorted(o.kind for o in duties[status.OVERDUE].obligations) == [
        ObligationKind.LAYING,
        ObligationKind.LEGISLATURE_REPORT,
    ]
    assert all(o.owner == Owner.MINISTERS for g in duties.values() for o in g.obligations)
    assert all(o.owner == Owner.COUNCIL for g in councils.values() for o in g.obligations)
    assert labels(councils[status.OVERDUE]) == [
        "Improvement plan (requirement (d))",
        "Requirement (f)",
        "Improvement Board report for November 2017 (requirement (c))",
        "Improvement Board report for December 2017 (requirement (c))",
        "Improvement Board report for January 2018 (requirement (c))",
    ]
    assert {o.status.code for g in (duties, councils) for o in g[status.OVERDUE].obligations} == {
        status.OVERDUE
    }
    page = text(response)
    assert "The Welsh Ministers' duties" in page
    assert "What councils owe: needing attention now" in page
    assert "Tuesday 14 November 2017" in page
    assert "Powys County Council" in page  # the councils' table names the council


def test_the_ministers_duties_stay_on_an_officials_page_after_the_notice_is_withdrawn(
    client, official, issued_notice
):
    services.notice_withdraw(notice=issued_notice, by=official, reason="Superseded")

    response = home(client, official)

    duties = by_key(response.context["duty_groups"])
    assert duties[status.OVERDUE].total == 2  # s151(3) arose from giving the notice
    assert sum(g.total for g in response.context["groups"]) == 0  # the council owes nothing now


# Council officers: what their council owes, never the Ministers' duties --------------------------


def test_council_officer_sees_what_their_council_owes_by_status(
    client, official, powys_officer, dated_notice, days
):
    requirement_a = dated_notice.requirements.get(letter="a")
    services.requirement_submit(requirement=requirement_a, by=powys_officer, statement="Appointed.")

    response = home(client, powys_officer)

    groups = by_key(response.context["groups"])
    assert list(groups) == COUNCIL_GROUPS
    assert "duty_groups" not in response.context
    assert labels(groups[status.DUE_TODAY]) == ["Requirement (h)"]
    [due_soon] = groups[status.DUE_SOON].obligations
    assert (due_soon.label, due_soon.due_on, due_soon.status.working_days) == (
        "Requirement (i)",
        days["last_soon"],
        5,
    )
    assert labels(groups[status.SUBMITTED]) == ["Requirement (a)"]
    later = labels(groups[status.NOT_DUE])
    assert "Requirement (j)" in later  # the 6th working day after today is no longer "soon"
    assert {
        "Requirement (g)",
        "Agreement of the improvement plan with the Improvement Board (requirement (e))",
    } <= set(later)
    page = text(response)
    for title in [
        "What your council owes",
        "Overdue",
        "Due today",
        "Due in the next 5 working days",
        "With Welsh Government for review",
        "Later, or with no date",
    ]:
        assert title in page


def test_a_council_officers_home_never_shows_the_ministers_duties(
    client, official, powys_officer, dated_notice
):
    ministers = dated_notice.obligations.filter(owner=Owner.MINISTERS)
    assert ministers.count() == 2  # owed, and overdue today: they would show if anything let them

    response = home(client, powys_officer)

    listed = [o for g in response.context["groups"] for o in g.obligations]
    assert listed
    assert not [o for o in listed if o.owner == Owner.MINISTERS]
    assert (
        sum(g.total for g in response.context["groups"])
        == dated_notice.obligations.filter(owner=Owner.COUNCIL).count()
    )
    page = text(response)
    assert "The Welsh Ministers' duties" not in page
    for label in MINISTERS_LABELS:
        assert label not in page


def test_what_was_met_is_not_listed(client, official, powys_officer, issued_notice):
    casework = Casework(official=official, officer=powys_officer)
    casework.plan(issued_notice, "submitted")
    casework.board_report(issued_notice, submitted=True)

    for person in (official, powys_officer):
        listed = [o.label for g in home(client, person).context["groups"] for o in g.obligations]
        assert "Improvement plan (requirement (d))" not in listed
        assert "Improvement Board report for November 2017 (requirement (c))" not in listed
        assert "Improvement Board report for December 2017 (requirement (c))" in listed


def test_council_officer_sees_only_their_council(client, powys_officer, cardiff_officer, issued_notice):
    powys_groups = home(client, powys_officer).context["groups"]
    owed = issued_notice.obligations.filter(owner=Owner.COUNCIL, state=ObligationState.OPEN)
    assert sum(g.total for g in powys_groups) == owed.count()

    response = home(client, cardiff_officer)

    assert sum(g.total for g in response.context["groups"]) == 0
    assert issued_notice.title not in text(response)


def test_council_officer_sees_what_was_returned(client, powys_officer, official, requirement_a, obligation_a):
    services.requirement_submit(requirement=requirement_a, by=powys_officer, statement="Done")
    services.requirement_return(requirement=requirement_a, by=official, reason="Send the letter")

    response = home(client, powys_officer)

    assert response.context["returned"] == [obligation_a]
    assert "Requirement (a) of Warning notice: Powys children's services" in text(response)
    assert home(client, official).context["awaiting_review"] == []


def test_inspector_sees_inspections_by_stage(client, inspector, published_inspection):
    client.force_login(inspector)
    response = client.get(reverse("home"))
    stages = {state: count for state, _label, count, _newest in response.context["stages"]}
    assert stages["published"] == 1
    assert response.context["stages"][3][3] == [published_inspection]
    assert reverse("inspections:detail", args=[published_inspection.pk]) in response.content.decode()


# Query budgets ------------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [5, 500])
def test_home_query_budget_does_not_grow(
    client, official, powys_officer, issued_notice, rows, django_assert_max_num_queries
):
    add_owed(issued_notice, rows, due_on=lambda i: GIVEN_ON + datetime.timedelta(days=i))
    overdue = rows + 5  # and the plan, (f) and three Board reports of the notice
    for user in (official, powys_officer):
        client.force_login(user)
        # 20, and the next step of each notice (its notices, their open obligations, a count) and the
        # escalations that reached nobody at the council (tests/test_home_next_steps.py).
        with django_assert_max_num_queries(24):
            response = client.get(reverse("home"))
        assert response.status_code == 200
        group = by_key(response.context["groups"])[status.OVERDUE]
        assert group.total == overdue
        assert len(group.obligations) == min(overdue, 50)
        assert ("Showing the first 50 of 505." in response.content.decode()) is (rows == 500)


@pytest.mark.parametrize("extra", [0, 30])
def test_a_cut_list_says_how_many_there_are(
    client, official, powys_case, extra, django_assert_max_num_queries
):
    from intervention.models import WarningNotice

    WarningNotice.objects.bulk_create(
        WarningNotice(case=powys_case, kind="original", title=f"Draft {i}") for i in range(5 + extra)
    )
    client.force_login(official)
    # +1: the unread notifications count in the header; +2: the notices in force (their next steps)
    # and the escalations that reached nobody at the council.
    with django_assert_max_num_queries(23):
        response = client.get(reverse("home"))
    page = text(response)
    assert len(response.context["drafts"]) == min(5 + extra, 20)
    assert response.context["drafts_total"] == 5 + extra
    assert ("Showing the first 20 of 35." in page) is (extra > 0)
