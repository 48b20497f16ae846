"""Check your answers before every permanent record: nothing is written until the answers are confirmed.

Each page that makes a record nobody can take back (publishing a report, recording one already
published, issuing a notice, recording its laying, the plan's agreement, accepting evidence,
closing a notice as complied) first shows the answers with a Change link for each; the confirmed
POST records, once however often it is sent; Change shows the form filled in as it was.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from inspections.choices import InspectionState
from intervention import services
from intervention.choices import NoticeState, ObligationKind, ObligationState

from .factories import InspectionFactory
from .workflow import PLAN_SUBMITTED, Casework, changed_tables, reread, snapshot

pytestmark = pytest.mark.django_db

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def confirm_form(page: str) -> dict[str, list[str]]:
    """Return what the check page's button sends: every hidden field of its form."""
    data: dict[str, list[str]] = {}
    for name, value in HIDDEN.findall(page):
        if name != "csrfmiddlewaretoken":
            data.setdefault(name, []).append(value)
    return data


@dataclass
class Record:
    """One permanent record: who makes it, its page, the answers, and how to tell it was made."""

    user: str
    url: Callable[[Any], str]
    answers: dict[str, str]
    made: Callable[[Any], bool]
    shown: str  # an answer as the check page shows it


def _laying(notice):
    return notice.obligations.get(kind=ObligationKind.LAYING)


def _state(owner, kind: str) -> str:
    return owner.obligations.get(kind=kind).state


RECORDS = {
    "publish": Record(
        "inspector",
        lambda w: reverse("inspections:publish", args=[w["inspection"].pk]),
        {"on_0": "17", "on_1": "10", "on_2": "2017", "reason": ""},
        lambda w: reread(w["inspection"]).state == InspectionState.PUBLISHED,
        "17 October 2017",
    ),
    "record_published": Record(
        "inspector",
        lambda w: reverse("inspections:record_published", args=[w["old_inspection"].pk]),
        {"on_0": "9", "on_1": "1", "on_2": "2019", "source": "CIW website"},
        lambda w: reread(w["old_inspection"]).state == InspectionState.PUBLISHED,
        "9 January 2019",
    ),
    "issue": Record(
        "official",
        lambda w: reverse("intervention:notice_issue", args=[w["draft"].pk]),
        {"on_0": "17", "on_1": "10", "on_2": "2017"},
        lambda w: reread(w["draft"]).state == NoticeState.ISSUED,
        "17 October 2017",
    ),
    "laying": Record(
        "official",
        lambda w: reverse("intervention:notice_record_laying", args=[w["notice"].pk]),
        {"when": "date", "on_0": "7", "on_1": "11", "on_2": "2017", "source": "Laid paper WN-1"},
        lambda w: _laying(w["notice"]).state == ObligationState.MET,
        "Laid paper WN-1",
    ),
    "plan_agree": Record(
        "official",
        lambda w: reverse("intervention:plan_agree", args=[w["plan"].pk]),
        {"on_0": "5", "on_1": "12", "on_2": "2017", "reason": ""},
        lambda w: (
            w["notice"].obligations.get(kind=ObligationKind.PLAN_AGREEMENT).state == ObligationState.MET
        ),
        "5 December 2017",
    ),
    "requirement_accept": Record(
        "official",
        lambda w: reverse("intervention:requirement_accept", args=[w["submitted"].pk]),
        {"reason": "Sufficient evidence"},
        lambda w: (
            w["submitted"].obligations.get(kind=ObligationKind.REQUIREMENT).state == ObligationState.MET
        ),
        "Sufficient evidence",
    ),
}


@pytest.fixture
def world(request, powys):
    """Two inspections ready to publish, and the notice each record needs (only what it needs)."""
    objects = {
        "inspection": InspectionFactory(
            council=powys, state=InspectionState.DRAFT_ISSUED, draft_issued_on=datetime.date(2017, 9, 5)
        ),
        "old_inspection": InspectionFactory(council=powys, state=InspectionState.PLANNED),
    }
    name = getattr(request, "param", None) or request.node.callspec.params.get("name", "")
    if name == "issue":
        objects["draft"] = request.getfixturevalue("draft_notice")
    elif name in ("laying", "plan_agree", "requirement_accept"):
        official = request.getfixturevalue("official")
        officer = request.getfixturevalue("powys_officer")
        notice = request.getfixturevalue("issued_notice")
        Casework(official=official, officer=officer).plan(notice, PLAN_SUBMITTED)
        submitted = notice.requirements.get(letter="a")
        services.requirement_submit(requirement=submitted, by=officer, statement="Done.")
        objects.update(notice=notice, plan=notice.improvement_plan, submitted=submitted)
    return objects


@pytest.mark.parametrize("name", list(RECORDS))
def test_check_page_first_then_recorded_once(client, people, world, name):
    record = RECORDS[name]
    client.force_login(people[record.user])
    url = record.url(world)
    before = snapshot()

    page = client.post(url, record.answers)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Check your answers" in html
    assert record.shown in html
    assert 'data-testid="check-answers"' in html and ">Change<" in html
    assert changed_tables(before) == [], "nothing is written before the answers are confirmed"
    assert not record.made(world)

    confirm = confirm_form(html)
    assert confirm["check_answers"] == ["confirmed"]
    first = client.post(url, confirm)
    assert first.status_code == 302
    assert record.made(world)
    after_first = snapshot()

    again = client.post(url, confirm)  # a double click on the button, or the page sent again

    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert changed_tables(after_first) == [], "recorded once"


@pytest.mark.parametrize("name", ["publish", "laying", "plan_agree"])
def test_change_keeps_the_answers(client, people, world, name):
    record = RECORDS[name]
    client.force_login(people[record.user])
    url = record.url(world)
    client.post(url, record.answers)

    form = client.get(url, {"change": "1"})

    assert form.status_code == 200
    html = form.content.decode()
    for field, value in record.answers.items():
        if value and field.startswith("on_"):
            assert f'name="{field}" type="text" inputmode="numeric" value="{value}"' in html
        elif value and field in ("source", "reason"):
            assert value in html
    assert not record.made(world)


@pytest.mark.parametrize("name", ["publish"])
def test_an_answer_the_service_refuses_is_an_error_on_the_form_not_a_check_page(client, people, world, name):
    client.force_login(people["inspector"])
    url = RECORDS["publish"].url(world)
    before = snapshot()

    page = client.post(url, {"on_0": "1", "on_1": "9", "on_2": "2017"})  # before the draft was issued

    html = page.content.decode()
    assert page.status_code == 200
    assert "Check your answers" not in html
    assert "cannot be published before its draft was issued" in html
    assert changed_tables(before) == []


@pytest.mark.parametrize("name", ["plan_agree"])
def test_an_invalid_answer_shows_the_form_with_its_error(client, people, world, name):
    client.force_login(people["official"])
    page = client.post(RECORDS["plan_agree"].url(world), {"on_0": "31", "on_1": "2", "on_2": "2017"})
    html = page.content.decode()
    assert "Check your answers" not in html
    assert "Date the plan was agreed with the Improvement Board must be a real date" in html


def test_closing_a_notice_as_complied_is_checked_first(
    client, people, official, powys_officer, issued_notice
):
    casework = Casework(official=official, officer=powys_officer)
    notice = casework.settle_everything(issued_notice)
    client.force_login(people["official"])
    url = reverse("intervention:notice_close", args=[notice.pk])
    before = snapshot()

    page = client.post(url, {"reason": "Every requirement met"})

    assert "Check your answers" in page.content.decode()
    assert changed_tables(before) == []
    response = client.post(url, confirm_form(page.content.decode()))
    assert response.status_code == 302
    assert reread(notice).state == NoticeState.COMPLIED


@pytest.mark.parametrize("count", [5, 500])
@pytest.mark.parametrize("name", ["laying"])
def test_check_page_query_budget(client, people, world, name, count, django_assert_max_num_queries):
    """The check page of the laying costs the same whatever the number of notices and obligations."""
    from intervention.models import WarningNotice

    case = world["notice"].case
    WarningNotice.objects.bulk_create(
        [
            WarningNotice(case=case, kind="original", title=f"N{i}", state=NoticeState.ISSUED)
            for i in range(count)
        ]
    )
    client.force_login(people["official"])
    url = RECORDS["laying"].url(world)
    with django_assert_max_num_queries(40):
        page = client.post(url, RECORDS["laying"].answers)
    assert "Check your answers" in page.content.decode()
