"""Forms that act once however often they are sent: a double click, a resend after a timeout.

A page that creates something (or makes a move) gives its form a hidden one-time token
(`with_token`) and makes its service call through `run_once`. In the transaction that acts, the
token is claimed together with what was sent (a FormSubmission row, unique); the first sending
acts and records the page it led to, and the same form sent again with the same answers does
nothing and goes to that page, with the same message. A form sent without a token (an older page,
a script) runs as before.

The table lives in this app, the lowest one with its own migrations, so that the intervention pages
use the same mechanism.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import django_fsm as fsm
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from accounts.web import add_validation_error

from .models import FormSubmission

if TYPE_CHECKING:
    from accounts.models import User

# The name the token is sent under; forms/form.html renders it as a hidden input (not a form field,
# so it is never among the answers a view hands its service).
TOKEN_FIELD = "submission_token"
TOKEN_FORMAT = re.compile(r"[0-9a-f]{32}")
# A form sent again after this long creates again: its page was surely reloaded since.
KEEP_FOR = datetime.timedelta(days=2)
NOT_HASHED = {"csrfmiddlewaretoken"}


def with_token(form: forms.Form) -> forms.Form:
    """Give `form` its one-time token: the one it was sent with, else a new one; return the form."""
    form.submission_token = _sent_token(form.data) or secrets.token_hex(16)
    return form


def _sent_token(data) -> str:
    token = data.get(TOKEN_FIELD, "") if data else ""
    return token if TOKEN_FORMAT.fullmatch(token) else ""


def _key(request: HttpRequest, token: str) -> str:
    """Return what identifies this sending: the token and everything sent with it."""
    digest = hashlib.sha256(token.encode())
    for name in sorted(set(request.POST) - NOT_HASHED):
        for value in request.POST.getlist(name):
            digest.update(f"\0{name}\0{value}".encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(f"\0{name}\0{upload.name}\0{upload.size}".encode())
    return digest.hexdigest()


def _sent_before(key: str, user: User) -> str | None:
    """Return the page the first sending went to, if this form was sent before with these answers."""
    sent = FormSubmission.objects.filter(key=key, user=user).exclude(url="")
    return sent.values_list("url", flat=True).first()


def _claim(key: str, user: User) -> str | None:
    """Claim `key` for `user`: None if it is new, else the page the first sending went to.

    Call inside the transaction that creates. If the first sending is still running, the insert
    waits for it (PostgreSQL's unique index; SQLite's write lock), then finds its row.
    """
    FormSubmission.objects.filter(user=user, created_at__lt=timezone.now() - KEEP_FOR).delete()
    try:
        with transaction.atomic():
            FormSubmission.objects.create(key=key, user=user)
    except IntegrityError:
        url = FormSubmission.objects.filter(key=key, user=user).values_list("url", flat=True).first()
        if not url:  # someone else's token: not a page this person was shown
            raise PermissionDenied from None
        return url
    return None


def run_once(
    request: HttpRequest,
    form: forms.Form,
    action: Callable[[], Any],
    *,
    success_message: str,
    success_url: str | Callable[[Any], str],
    conflict_url: str | None = None,
) -> HttpResponse | None:
    """Check the POSTed form and run `action` once per token and answers, then redirect.

    Return None to show the form again: it is not valid, or the service refused it (its
    ValidationError becomes form errors). A form sent again goes where the first sending went
    before it is checked: what the first one made could make it invalid now (a letter now taken).
    `success_url` is the page to go to, or a function of what `action` returned. A move no longer
    possible is a message on `conflict_url` (by default the success page, else this page), as in
    accounts.web.run_service.
    """
    token = _sent_token(request.POST)
    key = _key(request, token) if token else ""
    url = _sent_before(key, request.user) if key else None
    if url is None:
        if not form.is_valid():
            return None
        try:
            with transaction.atomic():
                # Sent at the same moment as the first sending: the claim waits for it, then finds it.
                url = _claim(key, request.user) if key else None
                if url is None:
                    result = action()
                    url = success_url(result) if callable(success_url) else success_url
                    if key:
                        FormSubmission.objects.filter(key=key).update(url=url)
        except ValidationError as error:
            add_validation_error(form, error)
            return None
        except (fsm.TransitionNotAllowed, fsm.ConcurrentTransition) as error:
            messages.error(request, str(error))
            fallback = success_url if isinstance(success_url, str) else request.get_full_path()
            return redirect(conflict_url or fallback)
    messages.success(request, success_message)
    return redirect(url)
