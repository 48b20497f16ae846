"""The page where an official (or an inspector, for a report) corrects a recorded fact."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from inspections.submissions import run_once, with_token
from intervention.web import GET_OR_POST, bound_form

from . import selectors, services
from .facts import FACTS
from .forms import CorrectionForm


@login_required
@require_http_methods(GET_OR_POST)
def fact_correct(request: HttpRequest, fact: str, pk: int) -> HttpResponse:
    if fact not in FACTS:
        raise Http404
    fact = FACTS[fact]
    obj = get_object_or_404(fact.records(request.user), pk=pk)
    if not fact.allowed(obj, request.user):
        raise PermissionDenied
    form = with_token(bound_form(request, CorrectionForm, fact=fact))
    back_url = fact.page(obj)
    if request.method == "POST":
        response = run_once(
            request,
            form,
            partial(lambda: services.fact_correct(fact=fact, obj=obj, by=request.user, **form.cleaned_data)),
            success_message=_("The record has been corrected: %(what)s.") % {"what": fact.label},
            success_url=back_url.partition("#")[0],
        )
        if response is not None:
            return response
    context = {
        "fact": fact,
        "obj": obj,
        "form": form,
        "back_url": back_url,
        "current": fact.display(fact.value_of(obj)),
        "corrections": list(selectors.corrections_of(obj).filter(fact=fact.name)),
        "council": fact.council(obj),
    }
    return render(request, "intervention/corrections/fact_correct.html", context)
