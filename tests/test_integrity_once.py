"""A form sent twice (a double click, a resend after a timeout) makes one thing, not two.

Each page that creates something carries a one-time token; the second sending of the same form
with the same answers creates nothing and is sent to the page the first one went to. The same form
sent by several at the same moment is in test_integrity_concurrency.
"""

import datetime
import io
import re
from functools import cached_property

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfWriter

from inspections import services as inspection_services
from inspections.models import Finding, FormSubmission, Inspection, Recommendation
from intervention import services
from intervention.choices import DirectionKind, ObligationKind
from intervention.demo.powys_2017.people import ensure_requirement_template
from intervention.models import (
    Appointment,
    Board,
    BoardRemitChange,
    CaseEvent,
    Direction,
    InterventionCase,
    Obligation,
    PlanMilestone,
    PowerToIntervene,
    Requirement,
    Statement,
    Submission,
    WarningNotice,
)
from tests.factories import InspectionFactory

TOKEN = re.compile(r'name="submission_token" value="([0-9a-f]{32})"')


def date_data(name: str, day: datetime.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def token_on(page) -> str:
    assert page.status_code == 200
    found = TOKEN.findall(page.content.decode())
    assert len(found) == 1, "the page's form carries one one-time token"
    return found[0]


def send_twice(client, url: str, data) -> tuple:
    """Show the page, then send its form twice with the same token; return both answers."""
    token = token_on(client.get(url))
    first = client.post(url, {**data(), "submission_token": token})
    second = client.post(url, {**data(), "submission_token": token})
    return first, second


@pytest.fixture
def fieldwork_inspection(powys):
    return InspectionFactory(council=powys, title="Inspection of children's services", fieldwork=True)


FINDING = {"theme": "assessment", "kind": "strength", "text": "Good supervision."}


# Findings and cases ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_finding_sent_twice_is_recorded_once_and_both_answers_show_it(
    client, inspector, fieldwork_inspection
):
    client.force_login(inspector)
    url = reverse("inspections:finding_add", args=[fieldwork_inspection.pk])

    first, second = send_twice(client, url, lambda: FINDING)

    detail = reverse("inspections:detail", args=[fieldwork_inspection.pk])
    assert (first.status_code, first.url) == (302, detail)
    assert (second.status_code, second.url) == (302, detail)
    assert fieldwork_inspection.findings.count() == 1
    assert Finding.history.count() == 1
    page = client.get(detail).content.decode()
    assert page.count("Good supervision.") == 1


@pytest.mark.django_db
def test_a_case_and_its_draft_notice_sent_twice_are_opened_once(client, official, published_inspection):
    client.force_login(official)
    url = reverse("intervention:notice_start", args=[published_inspection.pk])
    data = {
        "kind": "original",
        "title": "Warning notice: Powys children's services",
        "case": "new",
        "case_title": "Powys County Council children's services",
        **date_data("case_opened_on", datetime.date(2017, 10, 17)),
    }

    token = token_on(client.get(url))
    first = client.post(url, {**data, "submission_token": token})
    rows = InterventionCase.history.count(), WarningNotice.history.count()
    second = client.post(url, {**data, "submission_token": token})

    notice = WarningNotice.objects.get()
    assert InterventionCase.objects.count() == 1
    assert (first.status_code, second.status_code) == (302, 302)
    assert first.url == second.url == reverse("intervention:notice_detail", args=[notice.pk])
    assert (InterventionCase.history.count(), WarningNotice.history.count()) == rows


@pytest.mark.django_db
def test_the_same_form_sent_again_with_other_answers_is_a_new_finding(
    client, inspector, fieldwork_inspection
):
    """A page reached again with the Back button, changed and sent: a second finding, not a replay."""
    client.force_login(inspector)
    url = reverse("inspections:finding_add", args=[fieldwork_inspection.pk])
    token = token_on(client.get(url))

    client.post(url, {**FINDING, "submission_token": token})
    client.post(url, {**FINDING, "text": "Poor records.", "submission_token": token})

    assert sorted(fieldwork_inspection.findings.values_list("text", flat=True)) == [
        "Good supervision.",
        "Poor records.",
    ]


@pytest.mark.django_db
def test_a_refused_form_keeps_its_token_and_is_accepted_once_corrected(
    client, inspector, fieldwork_inspection
):
    client.force_login(inspector)
    url = reverse("inspections:finding_add", args=[fieldwork_inspection.pk])
    token = token_on(client.get(url))

    refused = client.post(url, {**FINDING, "text": "", "submission_token": token})
    assert refused.status_code == 200 and token_on(refused) == token
    assert not FormSubmission.objects.exists()  # nothing claimed: the refusal rolled back

    accepted = client.post(url, {**FINDING, "submission_token": token})
    again = client.post(url, {**FINDING, "submission_token": token})
    assert (accepted.status_code, again.status_code) == (302, 302)
    assert fieldwork_inspection.findings.count() == 1


@pytest.mark.django_db
def test_someone_elses_token_does_not_lead_to_their_page(client, inspector, fieldwork_inspection):
    other = Client()
    other.force_login(inspector)
    url = reverse("inspections:finding_add", args=[fieldwork_inspection.pk])
    token = token_on(other.get(url))
    other.post(url, {**FINDING, "submission_token": token})
    colleague = type(inspector).objects.create(
        username="inspector-2", role=inspector.role, organisation=inspector.organisation
    )
    client.force_login(colleague)

    response = client.post(url, {**FINDING, "submission_token": token})

    assert response.status_code == 403
    assert fieldwork_inspection.findings.count() == 1


# Every page that creates something --------------------------------------------------------------


def pdf() -> SimpleUploadedFile:
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return SimpleUploadedFile("evidence.pdf", out.getvalue(), content_type="application/pdf")


BOARD = {
    "kind": "improvement_board",
    "name": "Improvement Board",
    "regime": "sswba_part8",
    "remit": "Oversee the Director.",
    "precision": "month",
    **date_data("established_on", datetime.date(2017, 11, 21)),
    "source": "https://gov.wales/written-statement-update-powys-county-council",
    "confidence": "V",
}


class World:
    """One of each thing a create page hangs off, made through the services when first asked for."""

    def __init__(self, **people_and_things) -> None:
        self.__dict__.update(people_and_things)

    def __getitem__(self, name: str):
        return getattr(self, name)

    @cached_property
    def fieldwork(self):
        inspection = InspectionFactory(council=self.powys, fieldwork=True)
        inspection_services.finding_create(
            inspection=inspection, by=self.inspector, theme="assessment", kind="strength", text="Good."
        )
        return inspection

    @cached_property
    def powys_template(self):
        return ensure_requirement_template(self.official)

    @cached_property
    def empty_draft(self):
        return services.notice_draft(case=self.case, by=self.official, title="Another draft")

    @cached_property
    def board(self):
        return services.board_establish(
            case=self.case,
            by=self.official,
            kind="improvement_board",
            name="Improvement Board",
            regime="sswba_part8",
            remit="Oversee the Director.",
            established_precision="month",
            established_on=datetime.date(2017, 11, 1),
            source="Statement",
            confidence="V",
        )

    @cached_property
    def power(self):
        return services.power_determine(
            notice=self.notice,
            by=self.official,
            on=datetime.date(2018, 3, 1),
            actions_not_taken=[self.requirement_a],
            reasons="The council did not take action (a).",
        )

    @cached_property
    def direction(self):
        return services.direction_give(
            power=self.power,
            by=self.official,
            kind=DirectionKind.SPECIFIED_ACTION,
            terms="Appoint a director of social services.",
            given_on=datetime.date(2018, 3, 5),
        )


@pytest.fixture
def world(
    powys, inspector, official, powys_officer, published_inspection, issued_notice, requirement_a, powys_case
):
    return World(
        powys=powys,
        inspector=inspector,
        official=official,
        powys_officer=powys_officer,
        published=published_inspection,
        notice=issued_notice,
        requirement_a=requirement_a,
        case=powys_case,
    )


# name: who sends it, its address, good answers, and what it creates (rows counted).
CREATE_PAGES = {
    "inspections:create": (
        "inspector",
        lambda w: reverse("inspections:create"),
        lambda w: {
            "council": w["powys"].pk,
            "title": "Inspection of adults' services",
            "service_area": "adults",
            "inspection_type": "planned",
            "inspectorate_name": "Care Inspectorate Wales",
        },
        lambda: Inspection.objects.count(),
    ),
    "inspections:finding_add": (
        "inspector",
        lambda w: reverse("inspections:finding_add", args=[w["fieldwork"].pk]),
        lambda w: FINDING,
        lambda: Finding.objects.count(),
    ),
    "inspections:recommendation_add": (
        "inspector",
        lambda w: reverse("inspections:recommendation_add", args=[w["fieldwork"].pk]),
        lambda w: {"text": "Supervise every social worker monthly."},
        lambda: Recommendation.objects.count(),
    ),
    "intervention:notice_start": (
        "official",
        lambda w: reverse("intervention:notice_start", args=[w["published"].pk]),
        lambda w: {"kind": "original", "title": "Second notice", "case": str(w["case"].pk)},
        lambda: WarningNotice.objects.count(),
    ),
    "intervention:requirement_add": (
        "official",
        lambda w: reverse("intervention:requirement_add", args=[w["empty_draft"].pk]),
        lambda w: {
            "letter": "a",
            "text": "Appoint",
            "kind": "one_off",
            "answered_by": "evidence",
            "due": "none",
        },
        lambda: Requirement.objects.count(),
    ),
    "intervention:requirements_from_template": (
        "official",
        # The list offers the templates there are: the Powys one is recorded before the page is shown.
        lambda w: (
            w["powys_template"] and reverse("intervention:notice_requirements", args=[w["empty_draft"].pk])
        ),
        lambda w: {"template": w["powys_template"].pk},
        lambda: Requirement.objects.count(),
    ),
    "intervention:statement_record": (
        "official",
        lambda w: reverse("intervention:statement_record", args=[w["case"].pk]),
        lambda w: {
            "kind": "written",
            "purpose": "update",
            **date_data("made_on", datetime.date(2018, 1, 15)),
            "minister": "Huw Irranca-Davies",
            "title": "Update on Powys County Council",
            "source": "gov.wales",
            "confidence": "V",
        },
        lambda: Statement.objects.count(),
    ),
    "intervention:board_establish": (
        "official",
        lambda w: reverse("intervention:board_establish", args=[w["case"].pk]),
        lambda w: {**BOARD, "name": "Second Improvement Board"},
        lambda: Board.objects.count(),
    ),
    "intervention:board_remit": (
        "official",
        lambda w: reverse("intervention:board_remit", args=[w["board"].pk]),
        lambda w: {
            "summary": "Education added",
            "remit": "Oversee the Director and education.",
            "precision": "none",
            "source": "County Times",
            "confidence": "R",
        },
        lambda: BoardRemitChange.objects.count(),
    ),
    "intervention:appointment_record": (
        "official",
        lambda w: reverse("intervention:appointment_record", args=[w["case"].pk]),
        lambda w: {
            "post": "director_of_social_services",
            "title": "Interim Director of Social Services",
            "interim": "on",
            "precision": "none",
            "source": "Statement",
            "confidence": "V",
        },
        lambda: Appointment.objects.count(),
    ),
    "intervention:event_record": (
        "official",
        lambda w: reverse("intervention:event_record", args=[w["case"].pk]),
        lambda w: {
            "description": "The report went to full Council.",
            "precision": "day",
            **date_data("happened_on", datetime.date(2017, 10, 19)),
            "source": "https://en.powys.gov.uk/article/1422",
            "confidence": "V",
        },
        lambda: CaseEvent.objects.count(),
    ),
    "intervention:milestone_add": (
        "official",
        lambda w: reverse("intervention:milestone_add", args=[w["notice"].improvement_plan.pk]),
        lambda w: {"label": "Recruit permanent social workers", "due_description": "at 6 months"},
        lambda: PlanMilestone.objects.count(),
    ),
    "intervention:direction_give": (
        "official",
        lambda w: reverse("intervention:direction_give", args=[w["power"].pk]),
        lambda w: {
            "kind": DirectionKind.SPECIFIED_ACTION,
            "terms": "Appoint a permanent director of social services.",
            **date_data("given_on", datetime.date(2018, 3, 6)),
        },
        lambda: Direction.objects.count(),
    ),
    "intervention:direction_require": (
        "official",
        lambda w: reverse("intervention:direction_require", args=[w["direction"].pk]),
        lambda w: {
            "description": "Appoint the director by 1 June 2018.",
            **date_data("on", datetime.date(2018, 3, 5)),
            **date_data("due_on", datetime.date(2018, 6, 1)),
        },
        lambda: Obligation.objects.filter(kind=ObligationKind.DIRECTION).count(),
    ),
    "intervention:requirement_submit": (
        "powys_officer",
        lambda w: reverse("intervention:requirement_submit", args=[w["requirement_a"].pk]),
        lambda w: {"statement": "Interim director appointed.", "files": pdf()},
        lambda: Submission.objects.count(),
    ),
}


@pytest.mark.parametrize("name", CREATE_PAGES)
def test_every_create_page_makes_one_thing_when_its_form_is_sent_twice(client, world, name):
    who, url_of, answers, count = CREATE_PAGES[name]
    client.force_login(world[who])
    page_url = url_of(world)
    # The Powys requirements are added by a button on the list of requirements, a form of its own.
    send_to = reverse(name, args=[world["empty_draft"].pk]) if name.endswith("from_template") else page_url
    before = count()
    token = token_on(client.get(page_url))

    first = client.post(send_to, {**answers(world), "submission_token": token})
    made = count() - before
    second = client.post(send_to, {**answers(world), "submission_token": token})

    assert first.status_code == 302, first.content.decode()[:2000]
    assert made >= 1
    assert (second.status_code, second.url) == (302, first.url)
    assert count() - before == made


def test_a_power_determined_twice_through_its_page_is_determined_once(
    client, official, issued_notice, requirement_a
):
    client.force_login(official)
    url = reverse("intervention:power_determine", args=[issued_notice.pk])
    data = {
        **date_data("on", datetime.date(2018, 3, 1)),
        "actions_not_taken": [requirement_a.pk],
        "reasons": "No.",
    }

    first, second = send_twice(client, url, lambda: data)

    assert (first.status_code, second.status_code) == (302, 302) and first.url == second.url
    assert PowerToIntervene.objects.count() == 1
