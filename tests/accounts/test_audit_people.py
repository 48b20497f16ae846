"""Who did what, as they were then: a person's later move or new name does not rewrite the past.

An officer of Powys who later moves to Cardiff did their Powys work as a Powys officer; the
chronology and the history pages must say so.
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from accounts.audit import save_with_history
from accounts.history import actor_then, with_people_then
from accounts.models import Organisation, TransitionLog
from intervention import services

pytestmark = pytest.mark.django_db

NOV_13 = datetime.date(2017, 11, 13)


def _chronology(client, case_id):
    text = client.get(reverse("intervention:case_chronology", args=[case_id])).content.decode()
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


@pytest.fixture
def powys_work(issued_notice, powys_officer, official, requirement_a):
    """The Powys officer submits evidence and the improvement plan (transitions and changes)."""
    services.requirement_submit(requirement=requirement_a, by=powys_officer, statement="Appointed Ms Jones.")
    services.plan_submit(plan=issued_notice.improvement_plan, by=powys_officer, on=NOV_13, summary="Plan")
    return issued_notice


@pytest.fixture
def moved_to_cardiff(powys_work, powys_officer, cardiff, administrator):
    """Then the officer moves to Cardiff Council and changes their name, as an administrator records."""
    before = str(powys_officer)
    powys_officer.organisation = cardiff
    powys_officer.last_name = "Jones-Price"
    save_with_history(powys_officer, by=administrator, reason="admin change")
    return before


def test_the_chronology_credits_past_work_to_the_officer_as_they_were(
    client, official, powys_officer, powys_work, moved_to_cardiff
):
    client.force_login(official)

    rows = _chronology(client, powys_work.case_id)

    theirs = [r for r in rows if r["Who"] == moved_to_cardiff]
    assert {r["Kind of event"] for r in theirs} == {"Transition", "Change"}
    assert {(r["Role"], r["Organisation"]) for r in theirs} == {("Council officer", "Powys County Council")}
    assert not [r for r in rows if r["Organisation"] == "Cardiff Council" or r["Who"] == str(powys_officer)]


def test_the_history_page_credits_past_work_to_the_officer_as_they_were(
    client, official, powys_officer, requirement_a, powys_work, moved_to_cardiff
):
    client.force_login(official)

    page = client.get(reverse("intervention:requirement_history", args=[requirement_a.pk])).content.decode()

    as_they_were = (
        f'{moved_to_cardiff}<br><span class="govuk-body-s">Council officer, Powys County Council</span>'
    )
    assert as_they_were in page
    assert "Council officer, Cardiff Council" not in page


def test_the_log_keeps_who_they_were_when_it_was_written(powys_work, powys_officer, moved_to_cardiff):
    row = TransitionLog.objects.filter(by=powys_officer).earliest("sequence")

    assert (row.by_name, row.by_role, row.by_organisation) == (
        moved_to_cardiff,
        "council_officer",
        "Powys County Council",
    )


def test_what_they_do_after_the_move_is_credited_to_the_new_council(powys_officer, cardiff, administrator):
    save_with_history(cardiff, by=powys_officer, reason="update")  # as a Powys officer
    powys_officer.organisation = cardiff
    save_with_history(powys_officer, by=administrator, reason="admin change")
    save_with_history(cardiff, by=powys_officer, reason="update")  # as a Cardiff officer

    rows = with_people_then(Organisation.history.filter(id=cardiff.pk, history_user=powys_officer))
    people = [actor_then(r) for r in rows.order_by("history_id")]

    assert [p.organisation for p in people] == ["Powys County Council", "Cardiff Council"]
    assert {p.name for p in people} == {str(powys_officer)}
