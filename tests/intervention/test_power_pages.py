"""The pages of the power to intervene, directions, statements and closing a case.

Each page: the official's journey through it, the wrong role (403) and the wrong council (404),
a clear error for bad input with nothing saved, and a query budget that does not grow with rows.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from accounts.models import TransitionLog
from intervention import services
from intervention.choices import (
    CaseState,
    DirectionKind,
    DirectionState,
    NoticeState,
    ObligationKind,
    ObligationState,
    PowerState,
)
from intervention.models import (
    Appointment,
    Board,
    BoardRemitChange,
    Direction,
    Obligation,
    PowerToIntervene,
    Statement,
)

DETERMINED_ON = datetime.date(2018, 3, 1)


def date_data(name: str, day: datetime.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def power(issued_notice, official, requirement_a):
    return services.power_determine(
        notice=issued_notice,
        by=official,
        on=DETERMINED_ON,
        actions_not_taken=[requirement_a],
        reasons="The council did not take action (a).",
    )


@pytest.fixture
def direction(power, official):
    return services.direction_give(
        power=power,
        by=official,
        kind=DirectionKind.SPECIFIED_ACTION,
        terms="Appoint a director of social services.",
        given_on=datetime.date(2018, 3, 5),
    )


def test_official_determines_the_power_through_the_page(client, official, issued_notice, requirement_a):
    url = reverse("intervention:power_determine", args=[issued_notice.pk])
    page = login(client, official).get(url)
    assert page.status_code == 200
    assert "Unverified" in page.content.decode()  # the s152 reference data shows its confidence
    response = client.post(
        url,
        {**date_data("on", DETERMINED_ON), "actions_not_taken": [requirement_a.pk], "reasons": "Not done."},
    )
    power = PowerToIntervene.objects.get()
    assert response.status_code == 302
    assert power.state == PowerState.LIVE and power.notice == issued_notice
    issued_notice.refresh_from_db()
    assert issued_notice.state == NoticeState.ESCALATED
    assert list(power.actions_not_taken.all()) == [requirement_a]


def test_determination_before_the_compliance_period_ends_is_refused_with_the_reason(
    client, official, issued_notice, requirement_a
):
    url = reverse("intervention:power_determine", args=[issued_notice.pk])
    last_day = issued_notice.compliance_ends_on
    response = login(client, official).post(
        url, {**date_data("on", last_day), "actions_not_taken": [requirement_a.pk], "reasons": "Not done."}
    )
    assert response.status_code == 200
    assert "cannot arise before" in response.content.decode()
    assert not PowerToIntervene.objects.exists()
    issued_notice.refresh_from_db()
    assert issued_notice.state == NoticeState.ISSUED


@pytest.mark.parametrize(
    "who, expected",
    [("inspector", 403), ("powys_officer", 403), ("cardiff_officer", 404), ("administrator", 404)],
)
def test_determination_page_refuses_the_wrong_person(client, people, issued_notice, who, expected):
    url = reverse("intervention:power_determine", args=[issued_notice.pk])
    assert login(client, people[who]).get(url).status_code == expected


@pytest.mark.parametrize(
    "who, expected",
    [("official", 200), ("inspector", 200), ("powys_officer", 200), ("cardiff_officer", 404)],
)
def test_power_and_direction_pages_are_seen_within_scope(client, people, direction, who, expected):
    login(client, people[who])
    assert client.get(reverse("intervention:power_detail", args=[direction.power_id])).status_code == expected
    assert client.get(reverse("intervention:direction_detail", args=[direction.pk])).status_code == expected


@pytest.mark.parametrize(
    "who, expected", [("inspector", 403), ("powys_officer", 403), ("cardiff_officer", 404)]
)
@pytest.mark.parametrize("name", ["direction_vary", "direction_revoke", "direction_end", "direction_require"])
def test_direction_moves_refuse_the_wrong_person(client, people, direction, who, expected, name):
    url = reverse(f"intervention:{name}", args=[direction.pk])
    assert login(client, people[who]).get(url).status_code == expected
    assert login(client, people[who]).post(url, {}).status_code == expected


def test_official_gives_a_direction_requires_an_action_and_revokes_it(client, official, power):
    login(client, official)
    response = client.post(
        reverse("intervention:direction_give", args=[power.pk]),
        {
            "kind": DirectionKind.SPECIFIED_ACTION,
            "terms": "Appoint a permanent director of social services.",
            **date_data("given_on", datetime.date(2018, 3, 5)),
        },
    )
    direction = Direction.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/directions/{direction.pk}/")
    assert direction.provision.section == "s154"
    response = client.post(
        reverse("intervention:direction_require", args=[direction.pk]),
        {
            "description": "Appoint the director by 1 June 2018.",
            **date_data("on", datetime.date(2018, 3, 5)),
            **date_data("due_on", datetime.date(2018, 6, 1)),
        },
    )
    assert response.status_code == 302
    owed = Obligation.objects.get(kind=ObligationKind.DIRECTION)
    assert owed.due_on == datetime.date(2018, 6, 1) and owed.state == ObligationState.OPEN
    page = client.get(reverse("intervention:direction_detail", args=[direction.pk])).content.decode()
    assert "Appoint the director by 1 June 2018." in page and "Overdue" in page
    response = client.post(
        reverse("intervention:direction_revoke", args=[direction.pk]),
        {**date_data("on", datetime.date(2018, 4, 1)), "reason": "No longer needed."},
    )
    assert response.status_code == 302
    direction.refresh_from_db()
    owed.refresh_from_db()
    assert direction.state == DirectionState.REVOKED
    assert owed.state == ObligationState.NOT_REQUIRED


def test_a_direction_without_terms_is_refused_and_nothing_saved(client, official, power):
    login(client, official)
    response = client.post(
        reverse("intervention:direction_give", args=[power.pk]),
        {
            "kind": DirectionKind.PERFORMED_BY_MINISTERS,
            "terms": "Perform s17.",
            **date_data("given_on", DETERMINED_ON),
        },
    )
    assert response.status_code == 200
    assert "Say who is to perform the function" in response.content.decode()
    assert not Direction.objects.exists()


def test_official_closes_the_case_and_everything_owed_is_settled(client, official, issued_notice, powys_case):
    for duty in issued_notice.obligations.filter(owner="ministers"):
        services.obligation_record_done(
            obligation=duty, by=official, on=datetime.date(2017, 11, 1), source="Laid"
        )
    login(client, official)
    url = reverse("intervention:case_close", args=[powys_case.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "check_answers": "confirmed",
            **date_data("on", datetime.date(2020, 11, 2)),
            "minister": "Julie Morgan MS",
            "decision": "The enhanced monitoring arrangements have been removed.",
            "source": "https://www.gov.wales/written-statement",
        },
    )
    assert response.status_code == 302
    powys_case.refresh_from_db()
    issued_notice.refresh_from_db()
    assert powys_case.state == CaseState.CLOSED
    assert issued_notice.state == NoticeState.ENDED_WITH_CASE
    council = Obligation.objects.filter(notice=issued_notice, owner="council")
    assert (
        council.exists()
        and not council.exclude(
            state__in=[ObligationState.NOT_REQUIRED, ObligationState.MET, ObligationState.NOT_EVIDENCED]
        ).exists()
    )
    page = client.get(reverse("intervention:case_detail", args=[powys_case.pk])).content.decode()
    assert "Julie Morgan MS" in page and "Reopen case" in page
    response = client.post(
        reverse("intervention:case_reopen", args=[powys_case.pk]),
        {
            "check_answers": "confirmed",
            **date_data("on", datetime.date(2021, 1, 4)),
            "reason": "New concerns.",
        },
    )
    powys_case.refresh_from_db()
    assert powys_case.state == CaseState.OPEN
    assert TransitionLog.objects.filter(transition="reopen", object_id=powys_case.pk).exists()


def test_closing_is_refused_while_the_ministers_duties_are_owed(client, official, issued_notice, powys_case):
    login(client, official)
    page = client.get(reverse("intervention:case_detail", args=[powys_case.pk])).content.decode()
    assert "cannot be closed yet" in page
    response = client.get(reverse("intervention:case_close", args=[powys_case.pk]))
    assert response.status_code == 302  # back to the case, with the reason
    powys_case.refresh_from_db()
    assert powys_case.state == CaseState.OPEN


@pytest.mark.parametrize(
    "who, expected",
    [("inspector", 403), ("powys_officer", 403), ("cardiff_officer", 404), ("administrator", 404)],
)
@pytest.mark.parametrize("name", ["case_close", "case_reopen", "statement_record"])
def test_case_moves_refuse_the_wrong_person(client, people, powys_case, who, expected, name):
    url = reverse(f"intervention:{name}", args=[powys_case.pk])
    assert login(client, people[who]).get(url).status_code == expected
    assert login(client, people[who]).post(url, {}).status_code == expected


def test_recording_the_90_day_report_statement_meets_the_duty(client, official, issued_notice, powys_case):
    login(client, official)
    response = client.post(
        reverse("intervention:statement_record", args=[powys_case.pk]),
        {
            "kind": "written",
            "purpose": "ninety_day_report",
            "notice": issued_notice.pk,
            **date_data("made_on", datetime.date(2018, 1, 15)),
            "minister": "Huw Irranca-Davies",
            "title": "Update on Powys County Council",
            "url": "https://gov.wales/node/6296",
            "source": "gov.wales",
            "confidence": "V",
        },
    )
    assert response.status_code == 302
    assert Statement.objects.get().made_on == datetime.date(2018, 1, 15)
    duty = issued_notice.obligations.get(kind=ObligationKind.LEGISLATURE_REPORT)
    assert duty.state == ObligationState.MET and duty.met_on == datetime.date(2018, 1, 15)
    page = client.get(reverse("intervention:case_detail", args=[powys_case.pk])).content.decode()
    assert "Update on Powys County Council" in page
    assert "Verified: read in a public source" in page  # each sourced entry shows its confidence


@pytest.mark.parametrize("rows", [5, 60])
def test_case_and_power_pages_keep_to_a_query_budget(
    client, official, power, rows, django_assert_max_num_queries
):
    for n in range(rows):
        direction = services.direction_give(
            power=power,
            by=official,
            kind=DirectionKind.ADVISORY_SERVICES,
            terms=f"Obtain advice {n}.",
            given_on=datetime.date(2018, 3, 5),
        )
        services.statement_record(
            case=power.case,
            by=official,
            kind="written",
            purpose="update",
            made_on=datetime.date(2018, 3, 6),
            minister="The Minister",
            title=f"Update {n}",
            source="gov.wales",
        )
    services.direction_require(
        direction=direction, by=official, on=datetime.date(2018, 3, 5), description="Report monthly."
    )
    login(client, official)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("intervention:case_detail", args=[power.case_id])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("intervention:power_detail", args=[power.pk])).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("intervention:direction_detail", args=[direction.pk])).status_code == 200


# Boards, appointments, events and plan milestones -----------------------------------------------


def board_post(**extra):
    return {
        "kind": "improvement_board",
        "name": "Improvement Board",
        "regime": "sswba_part8",
        "remit": "Oversee the Director.",
        "precision": "month",
        **date_data("established_on", datetime.date(2017, 11, 21)),
        "source": "https://gov.wales/written-statement-update-powys-county-council",
        "confidence": "V",
        **extra,
    }


def test_official_records_a_board_its_remit_change_and_its_end(client, official, powys_case):
    login(client, official)
    response = client.post(reverse("intervention:board_establish", args=[powys_case.pk]), board_post())
    assert response.status_code == 302
    board = Board.objects.get()
    # Known only to the month: held as the month's first day, shown as the month.
    assert board.established_on == datetime.date(2017, 11, 1) and board.established_display == "November 2017"
    response = client.post(
        reverse("intervention:board_remit", args=[board.pk]),
        {
            "summary": "Education added",
            "remit": "Oversee the Director and education.",
            "precision": "none",
            "source": "County Times",
            "confidence": "R",
        },
    )
    assert response.status_code == 302
    change = BoardRemitChange.objects.get()
    assert change.changed_on is None and change.remit_before == "Oversee the Director."
    response = client.post(
        reverse("intervention:board_stand_down", args=[board.pk]),
        {"precision": "day", **date_data("on", datetime.date(2018, 3, 20)), "source": "Statement"},
    )
    assert response.status_code == 302
    board.refresh_from_db()
    assert not board.is_sitting and board.stood_down_on == datetime.date(2018, 3, 20)
    page = client.get(reverse("intervention:case_detail", args=[powys_case.pk])).content.decode()
    assert "November 2017" in page and "Reported by a secondary source" in page


def test_a_board_with_a_day_but_no_date_is_refused_and_nothing_saved(client, official, powys_case):
    login(client, official)
    post = board_post(precision="day")
    for key in ("established_on_0", "established_on_1", "established_on_2"):
        post.pop(key)
    response = client.post(reverse("intervention:board_establish", args=[powys_case.pk]), post)
    assert response.status_code == 200
    assert "Enter the date, or select that it is not evidenced" in response.content.decode()
    assert not Board.objects.exists()


def test_a_director_of_social_services_needs_the_s144_title(client, official, powys_case):
    login(client, official)
    post = {
        "post": "director_of_social_services",
        "title": "Head of Social Care",
        "interim": "on",
        "precision": "none",
        "source": "Statement",
        "confidence": "V",
    }
    url = reverse("intervention:appointment_record", args=[powys_case.pk])
    response = client.post(url, post)
    assert response.status_code == 200 and "director of social services" in response.content.decode()
    assert not Appointment.objects.exists()
    response = client.post(url, {**post, "title": "Interim Director of Social Services"})
    assert response.status_code == 302
    assert Appointment.objects.get().starts_on is None


def test_official_records_an_event_with_its_source(client, official, powys_case):
    login(client, official)
    response = client.post(
        reverse("intervention:event_record", args=[powys_case.pk]),
        {
            "description": "The report went to full Council.",
            "precision": "day",
            **date_data("happened_on", datetime.date(2017, 10, 19)),
            "source": "https://en.powys.gov.uk/article/1422",
            "confidence": "V",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("intervention:case_detail", args=[powys_case.pk])).content.decode()
    assert "The report went to full Council." in page and "19 October 2017" in page


@pytest.mark.parametrize(
    "who, expected", [("inspector", 403), ("powys_officer", 403), ("cardiff_officer", 404)]
)
@pytest.mark.parametrize("name", ["board_establish", "appointment_record", "event_record"])
def test_case_record_pages_refuse_the_wrong_person(client, people, powys_case, who, expected, name):
    url = reverse(f"intervention:{name}", args=[powys_case.pk])
    assert login(client, people[who]).get(url).status_code == expected
    assert login(client, people[who]).post(url, {}).status_code == expected


def test_council_reports_progress_against_a_milestone_and_another_council_cannot(
    client, official, powys_officer, cardiff_officer, inspector, issued_notice
):
    plan = issued_notice.improvement_plan
    login(client, official)
    response = client.post(
        reverse("intervention:milestone_add", args=[plan.pk]),
        {"label": "Recruit permanent social workers", "due_description": "at 6 months"},
    )
    assert response.status_code == 302
    milestone = plan.milestones.get()
    url = reverse("intervention:milestone_report", args=[milestone.pk])
    assert login(client, official).get(url).status_code == 403
    assert login(client, inspector).get(url).status_code == 403
    assert login(client, cardiff_officer).get(url).status_code == 404
    login(client, powys_officer)
    response = client.post(url, {"progress": ""})
    assert response.status_code == 200 and "Enter the progress made" in response.content.decode()
    response = client.post(
        url, {**date_data("on", datetime.date(2018, 7, 23)), "progress": "Twelve recruited."}
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.progress == "Twelve recruited." and milestone.progress_on == datetime.date(2018, 7, 23)
    page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk])).content.decode()
    assert "Twelve recruited." in page
