"""The notification pages: a person's own list, opening one, marking all read, the header count, emails."""

from __future__ import annotations

import pytest
from django.urls import reverse

from intervention.models import EmailFrequency, Notification, NotificationKind
from intervention.notifications import selectors

LIST = reverse("intervention:notification_list")
PREFERENCES = reverse("intervention:notification_preferences")
MARK_ALL_READ = reverse("intervention:notifications_mark_all_read")


def make(person, count: int, *, start: int = 0) -> list[Notification]:
    """Give `person` `count` unread notifications (the oldest first), each about its own page."""
    return Notification.objects.bulk_create(
        Notification(
            recipient=person,
            kind=NotificationKind.EVIDENCE_RETURNED,
            dedupe_key=f"test:{start + n}",
            subject=f"Evidence returned, item {start + n}",
            body=f"Reason: item {start + n} needs more.",
            path=f"/notices/{start + n}/",
        )
        for n in range(count)
    )


@pytest.fixture
def signed_in(client, powys_officer):
    client.force_login(powys_officer)
    return client


@pytest.mark.parametrize("url", [LIST, PREFERENCES, reverse("intervention:notification_open", args=[1])])
def test_anonymous_visitors_are_sent_to_sign_in(client, url, db):
    response = client.get(url)

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_list_shows_ones_own_notifications_newest_first_with_the_unread_marked(
    signed_in, powys_officer, cardiff_officer
):
    older, newer = make(powys_officer, 2)
    Notification.objects.filter(pk=older.pk).update(read_at=older.created_at)
    Notification.objects.filter(pk=newer.pk).update(created_at=older.created_at.replace(year=2030))
    make(cardiff_officer, 1, start=100)

    response = signed_in.get(LIST)

    text = response.content.decode()
    assert text.index("item 1") < text.index("item 0")  # newest first
    assert "item 100" not in text  # someone else's
    assert text.count(">Unread<") == 1
    assert reverse("intervention:notification_open", args=[newer.pk]) in text
    assert "You have 1 unread notification." in text
    assert PREFERENCES in text


def test_opening_a_notification_marks_it_read_and_goes_to_the_thing(signed_in, powys_officer):
    (notification,) = make(powys_officer, 1)

    response = signed_in.get(reverse("intervention:notification_open", args=[notification.pk]))

    assert response.status_code == 302 and response["Location"] == "/notices/0/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_link_that_leaves_the_service_is_not_followed(signed_in, powys_officer):
    (notification,) = make(powys_officer, 1)
    Notification.objects.filter(pk=notification.pk).update(path="//evil.example/")

    response = signed_in.get(reverse("intervention:notification_open", args=[notification.pk]))

    assert response["Location"] == LIST


def test_someone_elses_notification_answers_404_and_stays_unread(client, cardiff_officer, powys_officer):
    (notification,) = make(powys_officer, 1)
    client.force_login(cardiff_officer)

    response = client.get(reverse("intervention:notification_open", args=[notification.pk]))

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_as_read_marks_only_ones_own(signed_in, powys_officer, cardiff_officer):
    make(powys_officer, 3)
    make(cardiff_officer, 2, start=100)

    response = signed_in.post(MARK_ALL_READ, follow=True)

    assert "3 notifications marked as read." in response.content.decode()
    assert selectors.unread_count(powys_officer) == 0
    assert selectors.unread_count(cardiff_officer) == 2
    assert signed_in.get(MARK_ALL_READ).status_code == 405


def test_the_header_shows_the_unread_count_on_every_page(signed_in, powys_officer):
    make(powys_officer, 3)

    for url in (reverse("home"), reverse("signin:account"), LIST):
        text = signed_in.get(url).content.decode()
        assert "Notifications" in text
        assert (
            '<span aria-hidden="true">3</span><span class="govuk-visually-hidden">(3 unread)</span>' in text
        )

    signed_in.post(MARK_ALL_READ)
    text = signed_in.get(reverse("home")).content.decode()
    assert "unread)" not in text
    assert f'href="{LIST}"' in text


def test_the_account_page_links_to_the_email_choice(signed_in):
    text = signed_in.get(reverse("signin:account")).content.decode()

    assert PREFERENCES in text and LIST in text


def test_a_person_chooses_a_daily_digest(signed_in, powys_officer):
    page = signed_in.get(PREFERENCES).content.decode()
    assert 'type="radio"' in page and 'value="immediate"' in page and "checked" in page

    response = signed_in.post(PREFERENCES, {"email_frequency": EmailFrequency.DAILY})

    assert response.status_code == 302 and response["Location"] == LIST
    assert selectors.email_frequency(powys_officer) == EmailFrequency.DAILY


def test_a_choice_not_offered_is_refused_with_a_clear_message(signed_in, powys_officer):
    response = signed_in.post(PREFERENCES, {"email_frequency": "hourly"})

    assert response.status_code == 200
    text = response.content.decode()
    assert "There is a problem" in text and "govuk-error-summary" in text
    assert selectors.email_frequency(powys_officer) == EmailFrequency.IMMEDIATE
    response = signed_in.post(PREFERENCES, {})
    assert "Select how you want to get emails about your notifications" in response.content.decode()


@pytest.mark.parametrize("rows", [5, 500])
def test_the_pages_take_a_fixed_number_of_queries(
    signed_in, powys_officer, rows, django_assert_max_num_queries
):
    notifications = make(powys_officer, rows)

    # Session and user, the page, its count and the header's count.
    with django_assert_max_num_queries(6):
        response = signed_in.get(LIST)
    assert response.status_code == 200
    with django_assert_max_num_queries(6):
        signed_in.get(f"{LIST}?page=2")
    with django_assert_max_num_queries(5):
        signed_in.get(reverse("intervention:notification_open", args=[notifications[0].pk]))
    # Marking all read: one UPDATE, however many.
    with django_assert_max_num_queries(5):
        signed_in.post(MARK_ALL_READ)
    assert selectors.unread_count(powys_officer) == 0
    with django_assert_max_num_queries(6):
        signed_in.get(PREFERENCES)
