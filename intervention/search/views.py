"""The search page: a GET form, then the results grouped by kind, each kind paged on its own page.

With no kind chosen, each kind shows its best few matches and how many there are, with a link to
page through all of them; every result links to its own page (which checks access again).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.permissions import has_casework_role
from accounts.web import paginate

from . import selectors
from .forms import SearchForm

# How many of each kind the page shows before "show all".
FIRST_FEW = 5


@login_required
@require_safe
def search(request: HttpRequest) -> HttpResponse:
    if not has_casework_role(request.user):
        raise PermissionDenied
    form = SearchForm(request.GET if "q" in request.GET else None)
    context = {"form": form, "groups": [], "kind": None}
    if form.is_bound and form.is_valid():
        query, chosen = form.cleaned_data["q"], form.cleaned_data["kind"]
        if chosen:
            context["kind"] = selectors.KINDS[chosen]
            context.update(paginate(request, selectors.search(chosen, request.user, query)))
        else:
            for key, kind in selectors.KINDS.items():
                found = selectors.search(key, request.user, query)
                first = list(found[:FIRST_FEW])
                total = found.count() if len(first) == FIRST_FEW else len(first)
                context["groups"].append({"kind": kind, "results": first, "total": total})
        context["query"] = query
    return render(request, "intervention/search/search.html", context)
