"""Private calendar feeds: turning a person's secret feed address on, renewing it, turning it off.

The secret is `secrets.token_urlsafe(32)` (256 bits). Only its SHA-256 is stored, and a request is
matched by looking up the hash, so a copy of the database gives no working address and no
character-by-character comparison of the secret ever happens. The full address is shown to the
person once, right after it is made.

An address answers only while the feed is on and the person is active with the organisation and
role recorded when it was made: `live_feed_for_token` checks that on every request, which is the
guarantee; accounts.signals also turns the feed off when a person's organisation, role or active
flag changes, so an old address stays dead even if they later move back.
"""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audit import save_with_history
from .choices import Role
from .models import CalendarFeed, User
from .permissions import has_role, is_inspector, is_official

TOKEN_BYTES = 32
# token_urlsafe(32) gives 43 characters; accept a little either side, refuse anything odd early.
TOKEN_PATTERN = r"[A-Za-z0-9_-]{32,64}"

ALREADY_ON = _("Your calendar feed is already on. Create a new address if you need one.")
NOT_ON = _("Your calendar feed is not on.")
NOT_ALLOWED = _("Your role does not include deadlines, so you cannot have a calendar feed.")

REASON_TURNED_ON = "calendar feed turned on"
REASON_RENEWED = "calendar feed address replaced"
REASON_TURNED_OFF = "calendar feed turned off"
REASON_STALE = "calendar feed turned off: organisation, role or access changed"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def can_have_calendar_feed(user: User | None) -> bool:
    """Return True if `user` holds a role that sees deadlines (inspector, official, council officer)."""
    return is_official(user) or is_inspector(user) or has_role(user, Role.COUNCIL_OFFICER)


def feed_for_user(user: User) -> CalendarFeed | None:
    """Return `user`'s feed if it is on and still matches them, else None."""
    feed = CalendarFeed.objects.filter(user_id=user.pk, revoked_at__isnull=True).first()
    if feed is None or not feed.still_matches(user):
        return None
    return feed


def live_feed_for_token(token: str) -> CalendarFeed | None:
    """Return the feed whose address holds `token` if that address may answer now, else None.

    The feed comes with its person and their organisation, ready for the deadline selectors.
    """
    feed = (
        CalendarFeed.objects.select_related("user__organisation")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )
    if feed is None or not feed.still_matches(feed.user) or not can_have_calendar_feed(feed.user):
        return None
    return feed


@transaction.atomic
def calendar_feed_turn_on(*, user: User) -> str:
    """Turn on `user`'s calendar feed and return the secret for its address (shown once)."""
    feed = _locked_feed(user)
    if feed is not None and feed.is_on and feed.still_matches(user):
        raise ValidationError(ALREADY_ON, code="already_on")
    return _new_address(user, feed, reason=REASON_TURNED_ON)


@transaction.atomic
def calendar_feed_renew(*, user: User) -> str:
    """Replace `user`'s feed address with a new one; the old address stops at once."""
    feed = _locked_feed(user)
    if feed is None or not feed.is_on or not feed.still_matches(user):
        raise ValidationError(NOT_ON, code="not_on")
    return _new_address(user, feed, reason=REASON_RENEWED)


@transaction.atomic
def calendar_feed_turn_off(*, user: User) -> CalendarFeed:
    """Turn off `user`'s calendar feed; its address stops at once."""
    feed = _locked_feed(user)
    if feed is None or not feed.is_on:
        raise ValidationError(NOT_ON, code="not_on")
    feed.revoked_at = timezone.now()
    save_with_history(feed, by=user, reason=REASON_TURNED_OFF, update_fields=["revoked_at"])
    return feed


def calendar_feed_turn_off_if_stale(user: User) -> None:
    """Turn off `user`'s feed if they are no longer active with the organisation and role it was made for.

    Called whenever a person is saved; the change is credited to whoever is making the request
    (simple-history's request middleware), or to nobody when run from a script.
    """
    feed = CalendarFeed.objects.filter(user_id=user.pk, revoked_at__isnull=True).first()
    if feed is None or feed.still_matches(user):
        return
    feed.revoked_at = timezone.now()
    feed._change_reason = REASON_STALE
    try:
        feed.save(update_fields=["revoked_at"])
    finally:
        del feed._change_reason


def _locked_feed(user: User) -> CalendarFeed | None:
    if not can_have_calendar_feed(user):
        raise PermissionDenied(NOT_ALLOWED)
    # Lock the person's row so two clicks at once cannot both make a feed (one per person).
    User.objects.select_for_update().only("pk").get(pk=user.pk)
    return CalendarFeed.objects.filter(user_id=user.pk).first()


def _new_address(user: User, feed: CalendarFeed | None, *, reason: str) -> str:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = feed or CalendarFeed(user=user)
    feed.token_hash = hash_token(token)
    feed.organisation_id = user.organisation_id
    feed.role = user.role
    feed.created_at = timezone.now()
    feed.revoked_at = None
    save_with_history(feed, by=user, reason=reason)
    return token
