"""The page where an official records that something owed was done, with its date or without one."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from inspections.check_answers import CheckAnswers
from intervention import permissions
from intervention.choices import ObligationKind
from intervention.models import Obligation
from intervention.web import GET_OR_POST, act, bound_form, notice_url

from . import selectors, services
from .forms import RecordDoneForm

HEADINGS = {
    ObligationKind.LAYING: gettext_lazy("Record the laying of the notice"),
    ObligationKind.LEGISLATURE_REPORT: gettext_lazy("Record the report to the legislature"),
}


def record_done_page(request: HttpRequest, obligation: Obligation) -> HttpResponse:
    anchor = "ministers-duties" if obligation.is_ministers else "owed"
    heading = HEADINGS.get(obligation.kind, _("Record as done"))
    return act(
        request,
        obj=obligation,
        allowed=permissions.can_settle_obligation(obligation, request.user),
        transition="meet",
        form=bound_form(request, RecordDoneForm),
        service=partial(services.obligation_record_done, obligation=obligation),
        success_message=_("Recorded as done: %(what)s.") % {"what": obligation.label},
        back_url=notice_url(obligation.notice_id, anchor),
        template="intervention/obligation_record_done.html",
        context={"obligation": obligation, "notice": obligation.notice, "heading": heading},
        check=CheckAnswers(
            heading=f"{heading}: {obligation.label}",
            button=_("Confirm and record"),
            caption=f"{obligation.notice.case.council.name}: {obligation.notice.title}",
        ),
    )


@login_required
@require_http_methods(GET_OR_POST)
def obligation_record_done(request: HttpRequest, pk: int) -> HttpResponse:
    obligation = get_object_or_404(selectors.obligations_for_user(request.user), pk=pk)
    return record_done_page(request, obligation)
