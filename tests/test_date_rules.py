"""Dates in the order events happen, errors that name their field, and optional fields that are optional."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from inspections.choices import InspectionState
from inspections.forms import InspectionCreateForm, IssueDraftForm, PublishForm
from inspections.models import FieldworkPeriod
from intervention.obligations.forms import RecordDoneForm

from .factories import FindingFactory, InspectionFactory
from .workflow import changed_tables, reread, snapshot

pytestmark = pytest.mark.django_db


def _on(day: int, month: int, year: int, name: str = "on") -> dict[str, str]:
    return {f"{name}_0": str(day), f"{name}_1": str(month), f"{name}_2": str(year)}


@pytest.fixture
def in_fieldwork(powys):
    inspection = InspectionFactory(council=powys, state=InspectionState.FIELDWORK)
    FindingFactory(inspection=inspection)  # a draft report needs a finding
    FieldworkPeriod.objects.create(
        inspection=inspection, starts_on=datetime.date(2017, 7, 17), ends_on=datetime.date(2017, 7, 21)
    )
    return inspection


def test_the_draft_report_cannot_be_issued_before_fieldwork_ends(client, people, in_fieldwork):
    client.force_login(people["inspector"])
    before = snapshot()

    response = client.post(reverse("inspections:issue_draft", args=[in_fieldwork.pk]), _on(20, 7, 2017))

    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "The date the draft report was issued must be on or after the last day of fieldwork, 21 July 2017"
        in page
    )
    assert changed_tables(before) == []


def test_the_draft_report_may_be_issued_on_the_last_day_of_fieldwork(client, people, in_fieldwork):
    client.force_login(people["inspector"])
    response = client.post(reverse("inspections:issue_draft", args=[in_fieldwork.pk]), _on(21, 7, 2017))
    assert response.status_code == 302
    assert reread(in_fieldwork).draft_issued_on == datetime.date(2017, 7, 21)


def test_the_second_fieldwork_period_starts_after_the_first(powys):
    form = InspectionCreateForm(
        {
            "council": powys.pk,
            "title": "T",
            "service_area": "children",
            "inspection_type": "planned",
            **_on(17, 7, 2017, "fieldwork_1_starts_on"),
            **_on(21, 7, 2017, "fieldwork_1_ends_on"),
            **_on(20, 7, 2017, "fieldwork_2_starts_on"),
            **_on(25, 7, 2017, "fieldwork_2_ends_on"),
        }
    )
    assert not form.is_valid()
    assert form.errors["fieldwork_2_starts_on"] == [
        "The second fieldwork period must start after the first one ends"
    ]


@pytest.mark.parametrize(
    "data, message",
    [
        (_on(31, 2, 2017), "Date the draft report was issued must be a real date"),
        (
            {"on_0": "5", "on_1": "", "on_2": ""},
            "Date the draft report was issued must include a month and year",
        ),
        ({"on_0": "", "on_1": "9", "on_2": "2017"}, "Date the draft report was issued must include a day"),
        ({}, "Enter the date the draft report was issued"),
    ],
)
def test_date_errors_name_their_field(data, message):
    form = IssueDraftForm(data)
    assert not form.is_valid()
    assert form.errors["on"] == [message]


def test_a_future_date_error_names_its_field():
    form = PublishForm(_on(1, 1, 2199))
    assert not form.is_valid()
    assert form.errors["on"] == ["Date the report was published must be today or in the past"]


def test_each_date_of_a_form_is_named_in_its_own_error():
    form = RecordDoneForm({"when": "date", **_on(31, 2, 2017), **_on(1, 1, 2199, "done_by"), "source": "x"})
    assert not form.is_valid()
    assert form.errors["on"] == ["Date it was done must be a real date"]
    assert form.errors["done_by"] == ["Known to have been done by must be today or in the past"]


def test_optional_fields_left_blank_are_accepted(powys):
    """Every field labelled "(optional)" of these forms may be left blank."""
    assert IssueDraftForm({**_on(5, 9, 2017), "reason": ""}).is_valid()
    assert PublishForm({**_on(17, 10, 2017), "reason": ""}).is_valid()
    assert RecordDoneForm({"when": "not_evidenced", "source": "Minutes"}).is_valid()
    form = InspectionCreateForm(
        {
            "council": powys.pk,
            "title": "T",
            "service_area": "children",
            "inspection_type": "planned",
            "inspectorate_name": "CIW",
        }
    )
    assert form.is_valid(), form.errors


def test_optional_notes_left_blank_are_accepted_by_the_service(client, people, in_fieldwork):
    client.force_login(people["inspector"])
    response = client.post(
        reverse("inspections:issue_draft", args=[in_fieldwork.pk]), {**_on(5, 9, 2017), "reason": ""}
    )
    assert response.status_code == 302
    assert reread(in_fieldwork).state == InspectionState.DRAFT_ISSUED
