"""Correcting a recorded fact: with a reason, the original kept and shown, and followed through."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from intervention import calendars
from intervention.choices import ObligationKind
from intervention.corrections.facts import FACTS
from intervention.corrections.services import fact_correct
from intervention.models import Correction
from intervention.obligations import services as obligation_services

from .workflow import GIVEN_ON, LAID_ON, changed_tables, reread, snapshot

pytestmark = pytest.mark.django_db

CORRECTED_ON = datetime.date(2017, 10, 18)
WHY = "Mistyped: the notice was given on 18 October 2017"


def _url(fact: str, pk: int) -> str:
    return reverse("intervention:fact_correct", args=[fact, pk])


def _date(day: datetime.date, name: str = "value") -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def test_official_corrects_the_date_a_notice_was_given(client, people, issued_notice):
    notice = issued_notice
    laying = notice.obligations.get(kind=ObligationKind.LAYING)
    plan = notice.obligations.get(kind=ObligationKind.IMPROVEMENT_PLAN)
    assert laying.due_on == GIVEN_ON + datetime.timedelta(days=21)
    client.force_login(people["official"])

    response = client.post(_url("notice_given_on", notice.pk), {**_date(CORRECTED_ON), "reason": WHY})

    assert response.status_code == 302
    notice = reread(notice)
    assert notice.given_on == CORRECTED_ON
    correction = Correction.objects.get()
    assert (correction.original, correction.corrected, correction.reason) == (
        GIVEN_ON.isoformat(),
        CORRECTED_ON.isoformat(),
        WHY,
    )
    assert correction.corrected_by == people["official"]
    row = notice.history.latest()
    assert row.history_user == people["official"] and WHY in row.history_change_reason
    assert notice.history.filter(history_change_reason__startswith="correct given_on").exists()
    # What is worked out from the date follows it: the Ministers' 21 days, the compliance period.
    assert reread(laying).due_on == CORRECTED_ON + datetime.timedelta(days=21)
    expected_end = obligation_services.compute_compliance_period(notice, on=CORRECTED_ON).due_on
    assert notice.compliance_ends_on == expected_end == reread(plan).due_on
    assert reread(laying).opened_on == CORRECTED_ON
    assert calendars.format_date(CORRECTED_ON) in notice.issued_text
    # The page shows the fact as corrected, with the original, who, when and why.
    page = client.get(reverse("intervention:notice_detail", args=[notice.pk])).content.decode()
    assert "Corrected" in page
    assert "First recorded as 17 October 2017" in page
    assert WHY in page
    assert people["official"].get_full_name() in page


def test_a_correction_needs_a_reason_and_changes_nothing_without_one(client, people, issued_notice):
    client.force_login(people["official"])
    before = snapshot()

    response = client.post(_url("notice_given_on", issued_notice.pk), {**_date(CORRECTED_ON), "reason": ""})

    assert response.status_code == 200
    assert "Enter why the record is being corrected" in response.content.decode()
    assert changed_tables(before) == []


def test_the_same_value_is_not_a_correction(official, issued_notice):
    with pytest.raises(Exception) as refused:
        fact_correct(
            fact=FACTS["notice_given_on"], obj=issued_notice, by=official, value=GIVEN_ON, reason="x"
        )
    assert "already recorded" in str(refused.value)
    assert not Correction.objects.exists()


def test_a_corrected_date_keeps_the_order_of_events(client, people, official, issued_notice):
    """A notice cannot have been given after what it made owed was done (laid on 7 November 2017)."""
    obligation_services.obligation_record_done(
        obligation=issued_notice.obligations.get(kind=ObligationKind.LAYING),
        by=official,
        on=LAID_ON,
        source="Laid",
    )
    client.force_login(people["official"])
    before = snapshot()
    response = client.post(
        _url("notice_given_on", issued_notice.pk), {**_date(datetime.date(2017, 11, 10)), "reason": WHY}
    )
    page = response.content.decode()
    assert "cannot have been given after 7 November 2017" in page
    assert 'href="#id_value_0"' in page  # the error summary links to the date
    assert changed_tables(before) == []


@pytest.mark.parametrize(
    "role, status", [("powys_officer", 403), ("inspector", 403), ("cardiff_officer", 404)]
)
def test_who_may_correct_a_notice(client, people, issued_notice, role, status):
    client.force_login(people[role])
    before = snapshot()
    url = _url("notice_given_on", issued_notice.pk)
    assert client.get(url).status_code == status
    assert client.post(url, {**_date(CORRECTED_ON), "reason": WHY}).status_code == status
    assert changed_tables(before) == []


def test_the_laying_date_is_corrected_and_shown(client, people, official, issued_notice):
    obligation_services.obligation_record_done(
        obligation=issued_notice.obligations.get(kind=ObligationKind.LAYING),
        by=official,
        on=LAID_ON,
        source="Laid paper",
    )
    laying = issued_notice.obligations.get(kind=ObligationKind.LAYING)
    client.force_login(people["official"])

    client.post(
        _url("laying_date", laying.pk), {**_date(datetime.date(2017, 11, 8)), "reason": "Laid a day later"}
    )

    assert reread(laying).met_on == datetime.date(2017, 11, 8)
    assert reread(laying).history.filter(history_change_reason="correct met_on: Laid a day later").exists()
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    assert "First recorded as 7 November 2017" in page and "Laid a day later" in page


def test_an_inspector_corrects_the_publication_date_and_a_council_officer_may_not(
    client, people, published_inspection
):
    url = _url("report_published_on", published_inspection.pk)
    client.force_login(people["powys_officer"])
    assert client.post(url, {**_date(datetime.date(2017, 10, 18)), "reason": "Typo"}).status_code == 403
    client.force_login(people["inspector"])

    response = client.post(url, {**_date(datetime.date(2017, 10, 18)), "reason": "Typo"})

    assert response.status_code == 302
    assert reread(published_inspection).published_on == datetime.date(2017, 10, 18)
    page = client.get(reverse("inspections:detail", args=[published_inspection.pk])).content.decode()
    assert "Corrected" in page and "First recorded as 17 October 2017" in page and "Typo" in page


def test_corrections_are_append_only(official, issued_notice):
    correction = fact_correct(
        fact=FACTS["notice_reference"], obj=issued_notice, by=official, value="WG-17-01", reason="Missing"
    )
    with pytest.raises(PermissionError):
        Correction.objects.update(reason="changed")
    with pytest.raises(PermissionError):
        correction.delete()
    with pytest.raises(PermissionError):
        correction.save()


@pytest.mark.parametrize("count", [5, 500])
def test_correction_page_query_budget(
    client, people, official, issued_notice, count, django_assert_max_num_queries
):
    day = GIVEN_ON
    for index in range(count):
        Correction.objects.create(
            content_type_id=Correction.objects.model._meta.apps.get_model("contenttypes", "ContentType")
            .objects.get_for_model(issued_notice)
            .pk,
            object_id=issued_notice.pk,
            fact="notice_given_on",
            field="given_on",
            label="Date the notice was given",
            original=day.isoformat(),
            corrected=(day + datetime.timedelta(days=index + 1)).isoformat(),
            reason=f"Correction {index}",
            corrected_by=official,
            council=issued_notice.case.council,
        )
    client.force_login(people["official"])
    with django_assert_max_num_queries(12):
        response = client.get(_url("notice_given_on", issued_notice.pk))
    assert response.status_code == 200
