"""What a sign-in writes: the time (without a history row) and what the session still owes."""

from django.contrib.auth.signals import user_logged_in
from django.utils import timezone

from . import second_factor

# Django's own receiver (django.contrib.auth.apps) is connected under this id; ours replaces it.
LAST_LOGIN_UID = "update_last_login"


def update_last_login(sender, user, **kwargs) -> None:
    """Record when `user` signed in, without a history row: last_login is not part of their history."""
    user.last_login = timezone.now()
    user.save_without_historical_record(update_fields=["last_login"])


def note_second_factor_need(sender, request, user, **kwargs) -> None:
    """Note at sign-in whether the session owes a code, or setting up an app, before any other page."""
    session = getattr(request, "session", None)
    if session is not None:
        session[second_factor.SESSION_NEED] = second_factor.need_at_sign_in(user)


def connect() -> None:
    user_logged_in.disconnect(dispatch_uid=LAST_LOGIN_UID)
    user_logged_in.connect(update_last_login, dispatch_uid=LAST_LOGIN_UID)
    user_logged_in.connect(note_second_factor_need, dispatch_uid="signin.note_second_factor_need")
