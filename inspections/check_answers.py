"""Check your answers before a permanent record (the GOV.UK pattern).

A page that makes a record nobody can take back (publishing a report, issuing a notice, recording
the laying, agreement, acceptance ...) goes through `run_checked`. The first POST checks the form
and what the service would refuse (the service runs in a transaction that is always rolled back:
nothing is written, nothing is sent), then shows the answers in a summary list, each with a Change
link, and a button that sends them again with `check_answers=confirmed`. Only that second POST
records, once however often it is sent (`submissions.run_once`, the one-time token going along).

The answers travel as hidden fields and are checked again in full when confirmed, so the record is
never made from answers the form and the service did not accept. They are also kept in the
session for this page, so Change and Back show the form filled in as it was.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import django_fsm as fsm
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import dateformat
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from accounts.web import add_validation_error

from .submissions import TOKEN_FIELD, run_once

CONFIRM_FIELD = "check_answers"
CONFIRMED = "confirmed"
CHANGE_PARAM = "change"
SESSION_KEY = "check_answers"
NOT_ANSWERS = {"csrfmiddlewaretoken", TOKEN_FIELD, CONFIRM_FIELD}
TEMPLATE = "check_answers.html"


@dataclass
class CheckAnswers:
    """What the check page of one record says: its heading, what confirming does, its button."""

    heading: str | Promise
    button: str | Promise
    explanation: str | Promise = ""
    caption: str = ""
    warning: bool = False
    context: dict = field(default_factory=dict)


@dataclass
class Answer:
    label: str
    value: str
    field_id: str


class _DryRun(Exception):
    """Raised to roll back the service run at the check step."""


def is_confirmed(request: HttpRequest) -> bool:
    return request.POST.get(CONFIRM_FIELD) == CONFIRMED


def _answers(data: QueryDict) -> dict[str, list[str]]:
    return {name: data.getlist(name) for name in data if name not in NOT_ANSWERS}


def _remember(request: HttpRequest, page: str) -> None:
    """Keep the answers for `page`, the page that asks them, so Change shows them again."""
    kept = request.session.get(SESSION_KEY, {})
    kept = {page: _answers(request.POST), **{k: v for k, v in kept.items() if k != page}}
    request.session[SESSION_KEY] = dict(list(kept.items())[:10])  # the last few pages only


def recalled_answers(request: HttpRequest) -> QueryDict | None:
    """Return the answers last checked on this page, when the person came back to change them."""
    if request.method != "GET" or CHANGE_PARAM not in request.GET:
        return None
    kept = request.session.get(SESSION_KEY, {}).get(request.path)
    if kept is None:
        return None
    data = QueryDict(mutable=True)
    for name, values in kept.items():
        data.setlist(name, values)
    return data


def form_data(request: HttpRequest) -> QueryDict | None:
    """Return the data to bind a page's form to: what was sent, or the answers being changed."""
    if request.method == "POST":
        return request.POST
    return recalled_answers(request)


def display(value: Any, bound: forms.BoundField) -> str:
    """Write one answer as the check page shows it."""
    formfield = bound.field
    if value in (None, "", [], ()):
        return _("Not given")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.date):
        return dateformat.format(value, "j F Y")
    if isinstance(formfield, forms.ChoiceField) and not isinstance(formfield, forms.ModelChoiceField):
        labels = {str(key): str(label) for key, label in formfield.choices}
        values = value if isinstance(value, list | tuple) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in values)
    if isinstance(value, Iterable) and not isinstance(value, str | models.Model):
        return ", ".join(str(item) for item in value)
    return str(value)


def summarise(form: forms.Form) -> list[Answer]:
    """Return the answers of a valid form as the person gave them, in the form's order."""
    rows = []
    for bound in form.visible_fields():
        # A form's clean() may fold an answer into others (a choice into a flag): show it as given.
        value = form.cleaned_data.get(bound.name, bound.data)
        field_id = f"{bound.auto_id}_0" if bound.widget_type == "govukdate" else bound.auto_id
        rows.append(Answer(str(bound.label), display(value, bound), field_id))
    return rows


def _would_refuse(action: Callable[[], Any], form: forms.Form) -> bool:
    """Run `action` and undo it; return True if the service refused (its errors put on the form)."""
    try:
        with transaction.atomic():
            action()
            raise _DryRun
    except _DryRun:
        return False
    except ValidationError as error:
        add_validation_error(form, error)
        return True


def run_checked(
    request: HttpRequest,
    form: forms.Form,
    action: Callable[[], Any],
    *,
    check: CheckAnswers,
    success_message: str,
    success_url: str | Callable[[Any], str],
    change_url: str | None = None,
    conflict_url: str | None = None,
) -> HttpResponse | None:
    """Show the check page for a valid first POST; record on the confirmed one; None shows the form.

    Moves no longer possible at the check step (someone acted first) are left to the confirmed
    POST, which says so on the object's page as `run_once` does.
    """
    if is_confirmed(request):
        return run_once(
            request,
            form,
            action,
            success_message=success_message,
            success_url=success_url,
            conflict_url=conflict_url,
        )
    if not form.is_valid():
        return None
    # A move refused for permission or state is left to the confirming POST, which refuses it as
    # every page does (403, or a message); a refusal of the answers themselves shows on the form.
    with contextlib.suppress(PermissionDenied, fsm.TransitionNotAllowed, fsm.ConcurrentTransition):
        if _would_refuse(action, form):
            return None
    page = change_url or request.path
    _remember(request, page)
    context = {
        "check": check,
        "answers": summarise(form),
        "hidden": [(name, value) for name, values in _answers(request.POST).items() for value in values],
        "submission_token": getattr(form, "submission_token", ""),
        "confirm_field": CONFIRM_FIELD,
        "confirmed": CONFIRMED,
        "change_url": f"{page}?{CHANGE_PARAM}=1",
        "back_url": f"{page}?{CHANGE_PARAM}=1",
        **check.context,
    }
    return render(request, TEMPLATE, context)
