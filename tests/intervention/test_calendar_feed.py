"""Private calendar feeds: a valid ICS of what the person follows, at an address that can be stopped."""

import datetime
import hashlib
import re

import icalendar
import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import feeds
from accounts.choices import Role
from accounts.models import CalendarFeed, User
from intervention import services
from intervention.choices import (
    DeadlineUnit,
    NoticeState,
    ObligationKind,
    Owner,
)
from intervention.models import Obligation, WarningNotice
from intervention.obligations import selectors as obligation_selectors
from tests.conftest import GIVEN_ON
from tests.factories import CaseFactory, UserFactory, add_owed

pytestmark = pytest.mark.django_db

SETTINGS_URL = reverse("intervention:calendar_feed_settings")


def feed_url(token: str) -> str:
    return reverse("intervention:calendar_feed", args=[token])


def add_obligation(notice: WarningNotice, kind: str, due_on: datetime.date, **fields) -> Obligation:
    """An obligation set up directly (only who owes it, and under which notice, matters here)."""
    owner = (
        Owner.MINISTERS
        if kind in (ObligationKind.LAYING, ObligationKind.LEGISLATURE_REPORT)
        else Owner.COUNCIL
    )
    return Obligation.objects.create(
        notice=notice,
        kind=kind,
        owner=owner,
        opened_on=GIVEN_ON,
        changed_on=GIVEN_ON,
        unit=DeadlineUnit.FIXED_DATE,
        start_on=GIVEN_ON,
        due_on=due_on,
        basis=fields.pop("basis", f"Fixed date: {due_on.isoformat()}"),
        **fields,
    )


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events(calendar: icalendar.Calendar) -> list[icalendar.Event]:
    return list(calendar.walk("VEVENT"))


def uids(response) -> set[str]:
    return {str(event["UID"]) for event in events(parse(response))}


def uids_of(obligations) -> set[str]:
    return {f"obligation-{o.pk}@testserver" for o in obligations}


def event_of(response, obligation: Obligation) -> icalendar.Event:
    [event] = [
        e for e in events(parse(response)) if str(e["UID"]) == f"obligation-{obligation.pk}@testserver"
    ]
    return event


def feed_of(client, user):
    return client.get(feed_url(feeds.calendar_feed_turn_on(user=user)))


@pytest.fixture
def cardiff_notice(cardiff, official):
    """An issued Cardiff notice (set up directly: only its council matters here), with a plan and a duty."""
    notice = WarningNotice.objects.create(
        case=CaseFactory(council=cardiff, title="Cardiff adult services"),
        kind="original",
        title="Warning notice: Cardiff adult services",
        state=NoticeState.ISSUED,
        given_on=GIVEN_ON,
    )
    add_obligation(notice, ObligationKind.IMPROVEMENT_PLAN, datetime.date(2017, 12, 1))
    add_obligation(notice, ObligationKind.LAYING, datetime.date(2017, 11, 7))
    return notice


@pytest.fixture
def powys_draft(powys_case):
    """A Powys draft no one but Welsh Government may see yet (a guard on the gate of visibility)."""
    notice = WarningNotice.objects.create(case=powys_case, kind="original", title="Draft follow-up")
    add_obligation(notice, ObligationKind.IMPROVEMENT_PLAN, datetime.date(2018, 1, 31))
    return notice


@pytest.fixture
def wales(issued_notice, cardiff_notice, powys_draft):
    return {"powys": issued_notice, "cardiff": cardiff_notice, "draft": powys_draft}


def dated(notice: WarningNotice, *owners: str):
    return notice.obligations.filter(due_on__isnull=False, owner__in=owners)


# The calendar itself ------------------------------------------------------------------------


def test_feed_is_a_valid_calendar_of_all_day_due_dates_with_their_basis_and_status(
    client, powys_officer, issued_notice
):
    response = feed_of(client, powys_officer)

    calendar = parse(response)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert "Powys County Council" in str(calendar["X-WR-CALNAME"])
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in response.content
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in response.content
    owed = {
        o.pk: o for o in dated(issued_notice, Owner.COUNCIL).select_related("requirement", "board_report")
    }
    assert len(owed) == 5  # the plan, (f) and three monthly Board reports; (a), (e), (g) have no date
    found = events(calendar)
    assert {str(e["UID"]) for e in found} == uids_of(owed.values())
    for event in found:
        obligation = owed[int(str(event["UID"]).split("@")[0].removeprefix("obligation-"))]
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is datetime.date and type(end) is datetime.date  # all-day, not timed
        assert event["DTSTART"].params["VALUE"] == "DATE"
        assert start == obligation.due_on
        assert end == obligation.due_on + datetime.timedelta(days=1)
        # Still owed: the summary is what is owed; the description says it is overdue, and by how much.
        assert str(event["SUMMARY"]) == f"Powys County Council: {obligation.label}"
        description = str(event["DESCRIPTION"])
        assert obligation.basis in description
        assert "Owed by: The council." in description
        assert re.search(r"Status: Overdue: \d+ working days late\.", description)
        assert str(event["URL"]) == f"http://testserver/notices/{issued_notice.pk}/"
        assert event["STATUS"] == "CONFIRMED"
        assert isinstance(event.decoded("DTSTAMP"), datetime.datetime)
    plan = next(e for e in found if "Improvement plan" in str(e["SUMMARY"]))
    assert plan.decoded("DTSTART") == datetime.date(2017, 11, 14)
    assert "20 working days after 17 October 2017" in str(plan["DESCRIPTION"])
    assert "Weekend days not counted: 8." in str(plan["DESCRIPTION"])


@pytest.mark.parametrize(
    "record, suffix, status_line",
    [
        ("plan_on_time", " (met)", "Status: Met: on 13 November 2017."),
        ("plan_late", " (met late)", "Status: Met late: on 16 November 2017, 2 working days late."),
        ("f_submitted", " (submitted)", "Status: Submitted: with Welsh Government for review since"),
        ("f_withdrawn", " (not required)", "Status: Not required: from"),
    ],
)
def test_each_event_says_the_status_derived_as_on_every_page(
    client, official, powys_officer, issued_notice, record, suffix, status_line
):
    plan = issued_notice.obligations.get(kind=ObligationKind.IMPROVEMENT_PLAN)
    f = issued_notice.requirements.get(letter="f")
    if record.startswith("plan"):
        on = datetime.date(2017, 11, 13) if record == "plan_on_time" else datetime.date(2017, 11, 16)
        services.plan_submit(plan=issued_notice.improvement_plan, by=powys_officer, on=on, summary="Plan")
        obligation = plan
    elif record == "f_submitted":
        services.requirement_submit(requirement=f, by=powys_officer, statement="Done.")
        obligation = f.obligations.get()
    else:
        services.requirement_withdraw(requirement=f, by=official, reason="Not needed.")
        obligation = f.obligations.get()
    obligation.refresh_from_db()

    event = event_of(feed_of(client, powys_officer), obligation)

    assert str(event["SUMMARY"]) == f"Powys County Council: {obligation.label}{suffix}"
    assert status_line in str(event["DESCRIPTION"])
    # Something no longer required binds nobody; everything else stands.
    assert event["STATUS"] == ("CANCELLED" if record == "f_withdrawn" else "CONFIRMED")


def test_a_moved_date_says_where_from_and_why(client, official, powys_officer, issued_notice):
    services.notice_extend_compliance_period(
        notice=issued_notice,
        by=official,
        ends_on=datetime.date(2017, 12, 1),
        decided_by="The Minister",
        reason="Time to consult the Board",
        decided_on=datetime.date(2017, 11, 10),
    )
    plan = issued_notice.obligations.get(kind=ObligationKind.IMPROVEMENT_PLAN)

    event = event_of(feed_of(client, powys_officer), plan)

    assert event.decoded("DTSTART") == datetime.date(2017, 12, 1)
    assert "Moved from 14 November 2017 because Extended to 1 December 2017" in str(event["DESCRIPTION"])


def test_text_is_escaped_and_folded_so_it_reads_back_exactly(client, official, issued_notice):
    title = "Notice; review, and sign off: " + "a long line that must be folded " * 4
    WarningNotice.objects.filter(pk=issued_notice.pk).update(title=title)
    obligation = add_obligation(
        issued_notice,
        ObligationKind.BOARD_REPORT,
        datetime.date(2018, 3, 1),
        basis="Line one\nLine two, with; marks",
    )

    response = feed_of(client, official)

    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))
    event = event_of(response, obligation)
    assert str(event["SUMMARY"]) == f"Powys County Council: {obligation.label}"
    assert "Basis: Line one\nLine two, with; marks" in str(event["DESCRIPTION"])
    assert f"Notice: {title} (Issued)" in str(event["DESCRIPTION"])


def test_a_withdrawn_notice_cancels_what_the_council_owed_but_not_the_ministers_duties(
    client, official, issued_notice
):
    services.notice_withdraw(notice=issued_notice, by=official, reason="Superseded")

    response = feed_of(client, official)

    found = {str(e["UID"]): e for e in events(parse(response))}
    council = uids_of(dated(issued_notice, Owner.COUNCIL))
    ministers = uids_of(dated(issued_notice, Owner.MINISTERS))
    assert set(found) == council | ministers
    assert {found[uid]["STATUS"] for uid in council} == {"CANCELLED"}
    # The Ministers' s151(3) duties arose from giving the notice: they stay owed.
    assert {found[uid]["STATUS"] for uid in ministers} == {"CONFIRMED"}


# Only what the person follows ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "sees"),
    [
        ("powys_officer", [("powys", Owner.COUNCIL)]),
        ("cardiff_officer", [("cardiff", Owner.COUNCIL)]),
        (
            "official",
            [
                ("powys", Owner.COUNCIL),
                ("powys", Owner.MINISTERS),
                ("cardiff", Owner.COUNCIL),
                ("cardiff", Owner.MINISTERS),
                ("draft", Owner.COUNCIL),
            ],
        ),
        ("inspector", [("powys", Owner.COUNCIL), ("cardiff", Owner.COUNCIL)]),
    ],
)
def test_feed_holds_only_what_the_person_follows(client, people, wales, person, sees):
    user = people[person]

    found = uids(feed_of(client, user))

    expected = set().union(*(uids_of(dated(wales[name], owner)) for name, owner in sees))
    assert found == expected
    # The same answer as the selector every dashboard and reminder uses.
    assert found == uids_of(obligation_selectors.owed_to_user(user).filter(due_on__isnull=False))


def test_a_council_officer_sees_none_of_another_councils_obligations(client, cardiff_officer, wales):
    body = feed_of(client, cardiff_officer).content.decode()

    assert "Powys" not in body
    assert "Draft follow-up" not in body
    assert f"/notices/{wales['powys'].pk}/" not in body


@pytest.mark.parametrize("person", ["powys_officer", "cardiff_officer"])
def test_a_council_officers_feed_never_holds_the_ministers_duties(client, people, official, wales, person):
    services.notice_record_laying(
        notice=wales["powys"], by=official, on=datetime.date(2017, 11, 1), reference="NDM 6512"
    )
    ministers = Obligation.objects.filter(owner=Owner.MINISTERS)
    assert ministers.count() == 3  # Powys's laying (met) and report (overdue), Cardiff's laying

    response = feed_of(client, people[person])

    assert uids(response)  # the council's own obligations are there
    assert not uids(response) & uids_of(ministers)
    body = response.content.decode()
    assert "Owed by: The Welsh Ministers." not in body
    assert "s151(3)" not in body
    assert "NDM 6512" not in body
    # Welsh Government's feed has them.
    assert uids_of(ministers) <= uids(feed_of(Client(), official))


# The address stops ------------------------------------------------------------------------------


def test_turning_off_stops_the_address_at_once(client, powys_officer, issued_notice):
    token = feeds.calendar_feed_turn_on(user=powys_officer)
    assert client.get(feed_url(token)).status_code == 200

    feeds.calendar_feed_turn_off(user=powys_officer)

    response = client.get(feed_url(token))
    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.content
    assert issued_notice.title.encode() not in response.content


def test_a_new_address_stops_the_old_one(client, powys_officer, issued_notice):
    old = feeds.calendar_feed_turn_on(user=powys_officer)

    new = feeds.calendar_feed_renew(user=powys_officer)

    assert new != old
    assert client.get(feed_url(old)).status_code == 404
    assert client.get(feed_url(new)).status_code == 200
    assert CalendarFeed.objects.filter(user=powys_officer).count() == 1


def test_turning_on_again_after_turning_off_gives_a_new_address(client, powys_officer, issued_notice):
    first = feeds.calendar_feed_turn_on(user=powys_officer)
    feeds.calendar_feed_turn_off(user=powys_officer)

    second = feeds.calendar_feed_turn_on(user=powys_officer)

    assert client.get(feed_url(first)).status_code == 404
    assert client.get(feed_url(second)).status_code == 200


def test_moving_to_another_council_turns_the_feed_off(client, powys_officer, cardiff, powys, issued_notice):
    token = feeds.calendar_feed_turn_on(user=powys_officer)

    powys_officer.organisation = cardiff
    powys_officer.save()

    assert client.get(feed_url(token)).status_code == 404
    feed = CalendarFeed.objects.get(user=powys_officer)
    assert feed.revoked_at is not None
    assert feed.history.first().history_change_reason == feeds.REASON_STALE
    # Moving back does not bring the old address back to life.
    powys_officer.organisation = powys
    powys_officer.save()
    assert client.get(feed_url(token)).status_code == 404


@pytest.mark.parametrize(
    "change",
    [
        {"organisation": "cardiff"},
        {"role": Role.ADMINISTRATOR},
        {"is_active": False},
    ],
    ids=["organisation", "role", "inactive"],
)
def test_the_address_is_checked_against_the_person_on_every_request(
    client, powys_officer, cardiff, issued_notice, change
):
    """Even a change that skips model signals (a bulk update, a script) stops the address."""
    token = feeds.calendar_feed_turn_on(user=powys_officer)
    if change.get("organisation") == "cardiff":
        change = {"organisation": cardiff}

    User.objects.filter(pk=powys_officer.pk).update(**change)

    assert client.get(feed_url(token)).status_code == 404
    assert CalendarFeed.objects.get(user=powys_officer).revoked_at is None  # no signal ran


def test_deactivating_the_person_turns_the_feed_off(client, powys_officer, issued_notice):
    token = feeds.calendar_feed_turn_on(user=powys_officer)

    powys_officer.is_active = False
    powys_officer.save()

    assert client.get(feed_url(token)).status_code == 404
    powys_officer.is_active = True
    powys_officer.save()
    assert client.get(feed_url(token)).status_code == 404


def test_signing_in_does_not_touch_the_feed(client, powys_officer, issued_notice):
    token = feeds.calendar_feed_turn_on(user=powys_officer)
    powys_officer.last_login = datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC)
    with CaptureQueriesContext(connection) as queries:
        powys_officer.save(update_fields=["last_login"])
    assert queries.captured_queries
    assert not any("accounts_calendarfeed" in q["sql"] for q in queries.captured_queries)
    assert client.get(feed_url(token)).status_code == 200


@pytest.mark.parametrize(
    "token",
    ["A" * 43, "not-a-token", "../../etc/passwd"],
    ids=["unknown", "too-short", "path"],
)
def test_unknown_addresses_answer_not_found(client, powys_officer, token):
    feeds.calendar_feed_turn_on(user=powys_officer)
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_only_a_hash_of_the_secret_is_stored(powys_officer):
    token = feeds.calendar_feed_turn_on(user=powys_officer)

    feed = CalendarFeed.objects.get(user=powys_officer)
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert len(token) >= 43  # 32 random bytes
    stored = [*CalendarFeed.objects.values_list(), *CalendarFeed.history.values_list()]
    assert not any(token in str(value) for row in stored for value in row)


def test_the_feed_needs_no_session(powys_officer, issued_notice):
    token = feeds.calendar_feed_turn_on(user=powys_officer)
    response = Client().get(feed_url(token))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_feed_answers_only_reads(client, powys_officer):
    token = feeds.calendar_feed_turn_on(user=powys_officer)
    assert client.post(feed_url(token)).status_code == 405


def test_turning_on_and_off_is_recorded_with_who_and_why(powys_officer):
    feeds.calendar_feed_turn_on(user=powys_officer)
    feeds.calendar_feed_renew(user=powys_officer)
    feeds.calendar_feed_turn_off(user=powys_officer)

    rows = list(CalendarFeed.objects.get(user=powys_officer).history.order_by("history_id"))
    assert [(r.history_type, r.history_change_reason) for r in rows] == [
        ("+", feeds.REASON_TURNED_ON),
        ("~", feeds.REASON_RENEWED),
        ("~", feeds.REASON_TURNED_OFF),
    ]
    assert {r.history_user for r in rows} == {powys_officer}
    assert len({r.token_hash for r in rows}) == 2


def test_a_role_without_deadlines_cannot_have_a_feed(administrator):
    with pytest.raises(PermissionDenied):
        feeds.calendar_feed_turn_on(user=administrator)
    assert not CalendarFeed.objects.exists()


# The settings page -----------------------------------------------------------------------------


def test_settings_page_needs_sign_in(client):
    response = client.get(SETTINGS_URL)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert client.post(SETTINGS_URL, {"action": "turn_on"}).status_code == 302
    assert not CalendarFeed.objects.exists()


def test_a_role_without_deadlines_is_refused(client, administrator):
    client.force_login(administrator)
    assert client.get(SETTINGS_URL).status_code == 403
    assert client.post(SETTINGS_URL, {"action": "turn_on"}).status_code == 403
    assert not CalendarFeed.objects.exists()
    assert SETTINGS_URL not in client.get(reverse("home")).content.decode()


def test_a_council_officer_of_the_wrong_kind_of_organisation_is_refused(client, official):
    # A council officer recorded against Welsh Government is no council officer at all.
    person = UserFactory(username="misfiled", role=Role.COUNCIL_OFFICER, organisation=official.organisation)
    client.force_login(person)
    assert client.get(SETTINGS_URL).status_code == 403


def test_turning_on_shows_the_address_once(client, powys_officer, issued_notice):
    client.force_login(powys_officer)
    page = client.get(SETTINGS_URL)
    assert page.status_code == 200
    assert "Turn on the calendar feed" in page.content.decode()
    assert SETTINGS_URL in page.content.decode()  # linked from the navigation

    response = client.post(SETTINGS_URL, {"action": "turn_on"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    address = response.context["feed_url"]
    assert address.startswith("http://testserver/calendar/") and address.endswith(".ics")
    html = response.content.decode()
    assert address in html
    assert "Your calendar feed is on." in html
    assert client.get(address.removeprefix("http://testserver")).status_code == 200
    # Never shown again: only its hash is kept.
    later = client.get(SETTINGS_URL).content.decode()
    assert address not in later
    assert "Create a new address" in later


def test_creating_a_new_address_from_the_page(client, powys_officer, issued_notice):
    old = feeds.calendar_feed_turn_on(user=powys_officer)
    client.force_login(powys_officer)

    response = client.post(SETTINGS_URL, {"action": "renew"})

    assert response.status_code == 200
    assert "The old address no longer works." in response.content.decode()
    assert client.get(feed_url(old)).status_code == 404
    assert client.get(response.context["feed_url"].removeprefix("http://testserver")).status_code == 200


def test_turning_off_from_the_page(client, powys_officer, issued_notice):
    token = feeds.calendar_feed_turn_on(user=powys_officer)
    client.force_login(powys_officer)

    response = client.post(SETTINGS_URL, {"action": "turn_off"}, follow=True)

    assert response.redirect_chain == [(SETTINGS_URL, 302)]
    assert "Your calendar feed is off." in response.content.decode()
    assert "Turn on the calendar feed" in response.content.decode()
    assert client.get(feed_url(token)).status_code == 404


def test_the_page_refuses_a_post_without_the_csrf_token(powys_officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(powys_officer)
    assert client.post(SETTINGS_URL, {"action": "turn_on"}).status_code == 403
    assert not CalendarFeed.objects.exists()


@pytest.mark.parametrize("data", [{}, {"action": "delete_everything"}], ids=["missing", "unknown"])
def test_a_bad_action_is_a_clear_error_and_changes_nothing(client, powys_officer, data):
    client.force_login(powys_officer)
    response = client.post(SETTINGS_URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Choose what to do with your calendar feed" in html
    assert not CalendarFeed.objects.exists()


def test_a_double_submission_keeps_the_first_address(client, powys_officer, issued_notice):
    token = feeds.calendar_feed_turn_on(user=powys_officer)
    client.force_login(powys_officer)

    response = client.post(SETTINGS_URL, {"action": "turn_on"})

    assert response.status_code == 409
    assert str(feeds.ALREADY_ON) in response.content.decode()
    assert client.get(feed_url(token)).status_code == 200


@pytest.mark.parametrize("action", ["renew", "turn_off"])
def test_a_feed_that_is_off_cannot_be_renewed_or_turned_off(client, powys_officer, action):
    client.force_login(powys_officer)
    response = client.post(SETTINGS_URL, {"action": action})
    assert response.status_code == 409
    assert str(feeds.NOT_ON) in response.content.decode()
    assert not CalendarFeed.objects.exists()


def test_a_stale_feed_shows_as_off(client, powys_officer, cardiff):
    feeds.calendar_feed_turn_on(user=powys_officer)
    User.objects.filter(pk=powys_officer.pk).update(organisation=cardiff)
    client.force_login(User.objects.get(pk=powys_officer.pk))
    assert client.get(SETTINGS_URL).context["feed"] is None


# Query budgets ----------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [5, 500])
def test_feed_query_budget_does_not_grow(
    client, official, powys_officer, issued_notice, cardiff_notice, rows, django_assert_max_num_queries
):
    for notice in (issued_notice, cardiff_notice):
        add_owed(
            notice,
            rows,
            due_on=lambda i: GIVEN_ON + datetime.timedelta(days=i),
            unit=DeadlineUnit.WORKING_DAYS,
            count=20,
            basis="20 working days after 17 October 2017",
            skipped=[{"date": "2017-12-25", "reason": "Christmas Day"}],
        )
    for user in (official, powys_officer):
        token = feeds.calendar_feed_turn_on(user=user)
        # The feed, the obligations, and the calendar's recorded days and confirmed years.
        with django_assert_max_num_queries(4):
            response = client.get(feed_url(token))
        owed = obligation_selectors.owed_to_user(user).filter(due_on__isnull=False)
        assert uids(response) == uids_of(owed)
    assert len(events(parse(response))) >= rows  # the 500 case really rendered 500 events


@pytest.mark.parametrize("rows", [5, 500])
def test_settings_page_query_budget_does_not_grow(
    client, powys_officer, issued_notice, rows, django_assert_max_num_queries
):
    add_owed(issued_notice, rows, due_on=lambda i: GIVEN_ON)
    feeds.calendar_feed_turn_on(user=powys_officer)
    client.force_login(powys_officer)
    with django_assert_max_num_queries(6):
        assert client.get(SETTINGS_URL).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.post(SETTINGS_URL, {"action": "renew"}).status_code == 200
