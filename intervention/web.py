"""What the intervention pages share: action buttons from the state machines, and one-move pages.

`act` is the shape of every page that makes one move on one object: check the person may act
(403 if not), say why the move is blocked on GET, and on a valid POST make exactly one service call,
once however often the form is sent (inspections.submissions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.audit import failed_condition_message
from inspections.check_answers import CheckAnswers, form_data, run_checked
from inspections.submissions import run_once, with_token

GET_OR_POST = ["GET", "HEAD", "POST"]


@dataclass
class Action:
    name: str
    label: str
    url: str


def available_actions(
    obj: Model, user, url_names: dict[str, str], *, pk: int | None = None, labels: dict | None = None
) -> list[Action]:
    """Return the moves `user` may make on `obj` now that have a page, for its action buttons.

    Each page's address takes `pk` (by default the object's own); `labels` can name a move as the
    page it is on calls it.
    """
    labels = labels or {}
    return [
        Action(
            name=t.name,
            label=str(labels.get(t.name) or t.custom.get("label", t.name)),
            url=reverse(url_names[t.name], args=[obj.pk if pk is None else pk]),
        )
        for t in obj.get_available_user_state_transitions(user)
        if t.name in url_names
    ]


def blocked_reason(obj: Model, transition: str) -> str | None:
    """Return why `transition` cannot be made on `obj` now (its state or a condition), or None."""
    method = getattr(obj, transition)
    meta = method._django_fsm
    if not meta.has_transition(meta.field.get_state(obj)):
        return _("This cannot be done while it is %(state)s.") % {"state": obj.get_state_display().lower()}
    return failed_condition_message(method)


def bound_form(request: HttpRequest, form_class: type[forms.Form], **kwargs: Any) -> forms.Form:
    """Return the form bound to what was sent, or to the answers being changed after a check page."""
    data = form_data(request)
    if data is not None:
        return form_class(data, request.FILES or None, **kwargs)
    return form_class(**kwargs)


def act(
    request: HttpRequest,
    *,
    obj: Model,
    allowed: bool,
    transition: str,
    form: forms.Form,
    service: Callable[..., Any],
    success_message: str,
    back_url: str,
    template: str,
    context: dict | None = None,
    check: CheckAnswers | None = None,
) -> HttpResponse:
    """Show the confirmation page for one move on `obj`; on a valid POST make it by one service call.

    With `check`, a permanent record: the valid POST shows the answers to check first, and only
    the confirmed POST makes the call (inspections.check_answers).
    """
    if not allowed:
        raise PermissionDenied
    with_token(form)
    if request.method == "POST":
        # The page's top, not the section `back_url` may point at: the banner saying what
        # happened takes focus there, and a jump to a section would take it away.
        run = partial(run_checked, check=check) if check else run_once
        response = run(
            request,
            form,
            lambda: service(by=request.user, **form.cleaned_data),
            success_message=success_message,
            success_url=back_url.partition("#")[0],
        )
        if response is not None:
            return response
    else:
        reason = blocked_reason(obj, transition)
        if reason:
            messages.error(request, reason)
            return redirect(back_url)
    return render(request, template, {"form": form, "back_url": back_url, **(context or {})})


def notice_url(notice_id: int, anchor: str = "") -> str:
    url = reverse("intervention:notice_detail", args=[notice_id])
    return f"{url}#{anchor}" if anchor else url
