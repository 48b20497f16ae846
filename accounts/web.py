"""What every view shares: running one service call from a valid form and saying what happened."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_fsm as fsm
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def run_service(
    request: HttpRequest,
    form: forms.Form,
    action: Callable[[], Any],
    *,
    success_message: str,
    success_url: str,
    conflict_url: str | None = None,
) -> HttpResponse | None:
    """Run `action` for a valid form and redirect; return None to show the form again with errors.

    Input problems the service finds become form errors; a move that is no longer possible (the
    state changed, or someone else acted first) becomes a message on the object's page, with
    nothing saved. PermissionDenied is left to Django (403).
    """
    try:
        action()
    except ValidationError as error:
        add_validation_error(form, error)
        return None
    except (fsm.TransitionNotAllowed, fsm.ConcurrentTransition) as error:
        messages.error(request, str(error))
        return redirect(conflict_url or success_url)
    messages.success(request, success_message)
    return redirect(success_url)


def add_validation_error(form: forms.Form, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form's matching fields, or to the whole form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item)
    else:
        for message in error.messages:
            form.add_error(None, message)


def paginate(request: HttpRequest, queryset, *, per_page: int = 25, param: str = "page") -> dict[str, Any]:
    """Return the page of `queryset` asked for, and the query string to keep filters across pages.

    `param` names the page number in the query string (a page showing two lists gives each its own).
    """
    page_obj = Paginator(queryset, per_page).get_page(request.GET.get(param))
    params = request.GET.copy()
    params.pop(param, None)
    encoded = params.urlencode()
    return {
        "page_obj": page_obj,
        "querystring_without_page": f"{encoded}&" if encoded else "",
        "page_param": param,
    }
