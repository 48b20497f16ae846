"""The home pages answer "what do I do next?": per notice in force, the next thing owed and who acts."""

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from intervention import services
from intervention.calendars import WorkingCalendar
from intervention.choices import (
    DeadlineUnit,
    NoticeState,
    ObligationKind,
    ObligationState,
    Owner,
)
from intervention.models import Obligation, Requirement, WarningNotice
from intervention.obligations import selectors as obligation_selectors
from intervention.obligations import status
from tests.conftest import GIVEN_ON

pytestmark = pytest.mark.django_db

# The Powys notice given on 17 October 2017: the Ministers had to lay it within 21 days (7 November),
# the council to send its plan within 20 working days of the report (14 November).
LAYING = "Lay a copy of the notice before the National Assembly for Wales (s151(3)(a))"


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def steps_by_notice(response):
    return {step.notice.pk: step for step in response.context["next_steps"]}


def test_an_official_sees_each_notice_with_the_ministers_duty_that_comes_first(
    client, official, issued_notice
):
    step = steps_by_notice(home(client, official))[issued_notice.pk]

    assert step.obligation.label == LAYING
    assert step.obligation.due_on == datetime.date(2017, 11, 7)
    assert step.status.code == status.OVERDUE  # as derived by obligations/status.py, today
    assert (step.acts, step.acts_label) == (Owner.MINISTERS, "Welsh Government")
    page = html.unescape(home(client, official).content.decode())
    assert "What is next on each notice in force" in page and LAYING in page


def test_a_council_officer_sees_what_their_council_owes_next(client, powys_officer, issued_notice):
    step = steps_by_notice(home(client, powys_officer))[issued_notice.pk]

    assert step.obligation.owner == Owner.COUNCIL
    assert step.obligation.due_on == datetime.date(2017, 11, 14)
    assert step.status.code == status.OVERDUE
    assert (step.acts, step.acts_label) == (Owner.COUNCIL, "Powys County Council")
    page = html.unescape(home(client, powys_officer).content.decode())
    assert LAYING not in page  # never the Ministers' duties on a council's page


def test_welsh_government_acts_next_on_what_the_council_submitted(powys_officer, issued_notice):
    Obligation.objects.filter(notice=issued_notice, owner=Owner.COUNCIL).exclude(
        kind=ObligationKind.REQUIREMENT, requirement__letter="a"
    ).update(state=ObligationState.NOT_REQUIRED, not_required_on=GIVEN_ON)
    Obligation.objects.filter(notice=issued_notice, requirement__letter="a").update(
        state=ObligationState.SUBMITTED, submitted_on=GIVEN_ON
    )

    steps, total = obligation_selectors.next_steps(
        powys_officer, today=timezone.localdate(), calendar=WorkingCalendar()
    )

    assert total == 1
    assert steps[0].status.code == status.SUBMITTED
    assert (steps[0].acts, steps[0].acts_label) == (
        Owner.MINISTERS,
        "Welsh Government, to decide on what was sent",
    )


def test_a_notice_with_nothing_open_says_so(client, official, issued_notice):
    Obligation.objects.filter(notice=issued_notice).update(
        state=ObligationState.NOT_REQUIRED, not_required_on=GIVEN_ON
    )

    response = home(client, official)

    assert steps_by_notice(response)[issued_notice.pk].obligation is None
    assert "Nothing is open under this notice." in response.content.decode()


def test_another_councils_officer_never_sees_the_notice(client, cardiff_officer, issued_notice):
    assert home(client, cardiff_officer).context["next_steps"] == []


def test_a_draft_or_ended_notice_has_no_next_step(client, official, draft_notice):
    assert home(client, official).context["next_steps"] == []


def test_inspectors_have_no_next_steps(client, inspector, issued_notice):
    assert "next_steps" not in home(client, inspector).context


# Query budgets ------------------------------------------------------------------------------------


def add_notices(case, rows: int) -> None:
    """`rows` more notices in force on `case`, each owing one requirement, in bulk."""
    notices = WarningNotice.objects.bulk_create(
        WarningNotice(
            case=case, kind="original", title=f"Notice {i}", state=NoticeState.ISSUED, given_on=GIVEN_ON
        )
        for i in range(rows)
    )
    requirements = Requirement.objects.bulk_create(
        Requirement(notice=notice, letter="a", text="Appoint", position=1) for notice in notices
    )
    Obligation.objects.bulk_create(
        Obligation(
            notice=requirement.notice,
            kind=ObligationKind.REQUIREMENT,
            owner=Owner.COUNCIL,
            requirement=requirement,
            position=100,
            opened_on=GIVEN_ON,
            changed_on=GIVEN_ON,
            start_on=GIVEN_ON,
            unit=DeadlineUnit.FIXED_DATE,
            basis="Fixed date set in the notice",
            due_on=GIVEN_ON + datetime.timedelta(days=30 + i),
        )
        for i, requirement in enumerate(requirements)
    )


@pytest.mark.parametrize("rows", [5, 500])
def test_next_steps_query_budget_does_not_grow(
    client, official, powys_officer, issued_notice, rows, django_assert_max_num_queries
):
    add_notices(issued_notice.case, rows)
    for user in (official, powys_officer):
        client.force_login(user)
        with django_assert_max_num_queries(24):
            response = client.get(reverse("home"))
        assert len(response.context["next_steps"]) == min(rows + 1, obligation_selectors.NEXT_STEP_ROWS)
        assert response.context["next_steps_total"] == rows + 1
        assert ("Showing the first 50 of 501." in response.content.decode()) is (rows == 500)


def test_next_steps_follow_the_record(client, official, issued_notice):
    """Once the Ministers' duties are recorded as done, the official's next step is the council's."""
    for kind in (ObligationKind.LAYING, ObligationKind.LEGISLATURE_REPORT):
        services.obligation_record_done(
            obligation=issued_notice.obligations.get(kind=kind), by=official, on=GIVEN_ON, source="Record"
        )

    step = steps_by_notice(home(client, official))[issued_notice.pk]

    assert step.obligation.owner == Owner.COUNCIL
    assert step.acts_label == "Powys County Council"
