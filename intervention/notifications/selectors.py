"""Reading notifications: a person's own, the unread count, and which emails are owed."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ..models import EmailFrequency, Notification, NotificationPreference

if TYPE_CHECKING:
    from accounts.models import User


def notifications_for_user(user: User) -> QuerySet[Notification]:
    """Return the person's own notifications, newest first (nobody sees anyone else's)."""
    return Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")


def unread(user: User) -> QuerySet[Notification]:
    return notifications_for_user(user).filter(read_at__isnull=True)


def unread_count(user: User) -> int:
    """Return how many of the person's notifications are unread, in one query."""
    return unread(user).count()


def _wants_digest() -> Exists:
    return Exists(
        NotificationPreference.objects.filter(
            user_id=OuterRef("recipient_id"), email_frequency=EmailFrequency.DAILY
        )
    )


def _emails_owed() -> QuerySet[Notification]:
    """Notifications to be emailed and not yet emailed, to an active person with an email address."""
    return Notification.objects.filter(
        email_wanted=True, emailed_at__isnull=True, recipient__is_active=True
    ).exclude(Q(recipient__email="") | Q(recipient__email__isnull=True))


def emails_owed_now() -> QuerySet[Notification]:
    """Return the notifications owed an email of their own: their person wants each straight away."""
    return _emails_owed().filter(~_wants_digest())


def digest_owed(*, today: datetime.date) -> QuerySet[Notification]:
    """Return what the people who want a daily digest are owed, up to the end of `today`."""
    start_of_next_day = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min)
    )
    return _emails_owed().filter(_wants_digest(), created_at__lt=start_of_next_day)


def without_email_address() -> QuerySet[Notification]:
    """Return the notifications to be emailed to a person with no email address (reported, not sent)."""
    return Notification.objects.filter(
        email_wanted=True, emailed_at__isnull=True, recipient__is_active=True
    ).filter(Q(recipient__email="") | Q(recipient__email__isnull=True))


def email_frequency(user: User) -> str:
    """Return how the person wants notifications emailed (straight away unless they chose a digest)."""
    preference = NotificationPreference.objects.filter(user_id=user.pk).first()
    return preference.email_frequency if preference else EmailFrequency.IMMEDIATE
