"""The list of cases; one case: its page, as it stood on a chosen day, and its chronology as CSV.

Every page looks the case up through selectors.cases_for_user (404 outside the person's scope) and
shows only the notices selectors.notices_for_user lets the person see.
"""

from __future__ import annotations

import csv
from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.forms import DatedReasonForm
from accounts.permissions import has_casework_role
from accounts.web import paginate
from inspections.submissions import run_once, with_token
from intervention import asat, permissions, selectors, services
from intervention.cases import selectors as case_selectors
from intervention.cases.forms import (
    AppointmentForm,
    AsAtForm,
    BoardForm,
    CloseCaseForm,
    EventForm,
    MilestoneForm,
    MilestoneProgressForm,
    RemitChangeForm,
    StandDownForm,
    StatementForm,
)
from intervention.choices import CaseState
from intervention.models import Board, ImprovementPlan, InterventionCase, PlanMilestone
from intervention.web import GET_OR_POST, act, available_actions, blocked_reason, bound_form

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _case_for(request: HttpRequest, pk: int) -> InterventionCase:
    return get_object_or_404(selectors.cases_for_user(request.user), pk=pk)


def _notices_for(request: HttpRequest, case: InterventionCase):
    return selectors.notices_for_user(request.user).filter(case=case)


CASE_ACTIONS = {"close": "intervention:case_close", "reopen": "intervention:case_reopen"}


@login_required
@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    if not has_casework_role(request.user):
        raise PermissionDenied
    cases = case_selectors.case_list(request.user)
    return render(request, "intervention/cases/case_list.html", paginate(request, cases))


@login_required
@require_safe
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk)
    overview = case_selectors.case_overview(
        case, user=request.user, notices=_notices_for(request, case), today=timezone.localdate()
    )
    close_blocked = ""
    actions = available_actions(case, request.user, CASE_ACTIONS)
    official = permissions.can_manage_case(case, request.user)
    if official and case.state == CaseState.OPEN and not any(a.name == "close" for a in actions):
        close_blocked = blocked_reason(case, "close") or ""
    return render(
        request,
        "intervention/cases/case_detail.html",
        {
            "case": case,
            "overview": overview,
            "arc": overview.arc,
            "actions": actions,
            "close_blocked": close_blocked,
            "can_record": permissions.can_manage_case(case, request.user) and case.state == CaseState.OPEN,
        },
    )


def _case_url(case: InterventionCase) -> str:
    return reverse("intervention:case_detail", args=[case.pk])


@login_required
@require_http_methods(GET_OR_POST)
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk)
    return act(
        request,
        obj=case,
        allowed=permissions.can_manage_case(case, request.user),
        transition="close",
        form=bound_form(request, CloseCaseForm),
        service=partial(services.case_close, case=case),
        success_message=_("The case has been closed."),
        back_url=_case_url(case),
        template="intervention/cases/case_close.html",
        context={"case": case},
    )


@login_required
@require_http_methods(GET_OR_POST)
def case_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk)
    form = bound_form(
        request, DatedReasonForm, reason_required=True, reason_label=_("Why the case is reopened")
    )
    form.fields["on"].label = _("Date the case was reopened")
    return act(
        request,
        obj=case,
        allowed=permissions.can_manage_case(case, request.user),
        transition="reopen",
        form=form,
        service=partial(services.case_reopen, case=case),
        success_message=_("The case has been reopened."),
        back_url=_case_url(case),
        template="intervention/cases/case_reopen.html",
        context={"case": case},
    )


def _record_page(
    request: HttpRequest,
    *,
    case: InterventionCase,
    form_class,
    service,
    title: str,
    message: str,
    form_kwargs: dict | None = None,
    service_kwargs: dict | None = None,
    back_url: str = "",
    explanation: str = "",
    allowed: bool | None = None,
) -> HttpResponse:
    """One page that records one fact on a case through one service call (officials, by default).

    Sent twice, the form records the fact once (inspections.submissions).
    """
    if not (permissions.can_manage_case(case, request.user) if allowed is None else allowed):
        raise PermissionDenied
    back_url = back_url or _case_url(case)
    form = with_token(bound_form(request, form_class, **(form_kwargs or {})))
    if request.method == "POST":
        response = run_once(
            request,
            form,
            lambda: service(by=request.user, **(service_kwargs or {}), **form.cleaned_data),
            success_message=message,
            success_url=back_url,
        )
        if response is not None:
            return response
    return render(
        request,
        "intervention/cases/record.html",
        {"form": form, "case": case, "back_url": back_url, "title": title, "explanation": explanation},
    )


@login_required
@require_http_methods(GET_OR_POST)
def board_establish(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk)
    return _record_page(
        request,
        case=case,
        form_class=BoardForm,
        service=services.board_establish,
        title=_("Record a board"),
        message=_("The board has been recorded."),
        form_kwargs={"boards": case.boards.filter(stood_down_precision="")},
        service_kwargs={"case": case},
        explanation=_(
            "A board it replaces is recorded as stood down on the same date, with the same source."
        ),
    )


def _board_for(request: HttpRequest, pk: int) -> Board:
    return get_object_or_404(
        Board.objects.filter(case__in=selectors.cases_for_user(request.user).values("pk")).select_related(
            "case"
        ),
        pk=pk,
    )


@login_required
@require_http_methods(GET_OR_POST)
def board_remit(request: HttpRequest, pk: int) -> HttpResponse:
    board = _board_for(request, pk)
    return _record_page(
        request,
        case=board.case,
        form_class=RemitChangeForm,
        service=services.board_change_remit,
        title=_("Record a change to %(board)s's remit") % {"board": board.name},
        message=_("The change to the board's remit has been recorded."),
        form_kwargs={"initial": {"remit": board.remit}},
        service_kwargs={"board": board},
        explanation=_("The remit before the change is kept with it."),
    )


@login_required
@require_http_methods(GET_OR_POST)
def board_stand_down(request: HttpRequest, pk: int) -> HttpResponse:
    board = _board_for(request, pk)
    return _record_page(
        request,
        case=board.case,
        form_class=StandDownForm,
        service=services.board_stand_down,
        title=_("Record that %(board)s stood down") % {"board": board.name},
        message=_("The board has been recorded as stood down."),
        service_kwargs={"board": board},
    )


@login_required
@require_http_methods(GET_OR_POST)
def appointment_record(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk)
    return _record_page(
        request,
        case=case,
        form_class=AppointmentForm,
        service=services.appointment_record,
        title=_("Record a key appointment"),
        message=_("The appointment has been recorded."),
        service_kwargs={"case": case},
    )


@login_required
@require_http_methods(GET_OR_POST)
def event_record(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk)
    return _record_page(
        request,
        case=case,
        form_class=EventForm,
        service=services.event_record,
        title=_("Record an event of the case"),
        message=_("The event has been recorded."),
        service_kwargs={"case": case},
        explanation=_(
            "For something that happened that no other record of the tracker holds, with its source."
        ),
    )


def _plan_for(request: HttpRequest, pk: int) -> ImprovementPlan:
    notices = selectors.notices_for_user(request.user).values("pk")
    return get_object_or_404(
        ImprovementPlan.objects.filter(notice__in=notices).select_related("notice__case__council"), pk=pk
    )


@login_required
@require_http_methods(GET_OR_POST)
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    notice = plan.notice
    return _record_page(
        request,
        case=notice.case,
        form_class=MilestoneForm,
        service=services.milestone_add,
        title=_("Add a milestone of the improvement plan"),
        message=_("The milestone has been added."),
        service_kwargs={"plan": plan},
        back_url=reverse("intervention:notice_detail", args=[notice.pk]) + "#plan",
        allowed=permissions.can_manage_case(notice.case, request.user)
        or permissions.can_send_documents(notice, request.user),
    )


@login_required
@require_http_methods(GET_OR_POST)
def milestone_report(request: HttpRequest, pk: int) -> HttpResponse:
    notices = selectors.notices_for_user(request.user).values("pk")
    milestone = get_object_or_404(
        PlanMilestone.objects.filter(plan__notice__in=notices).select_related("plan__notice__case__council"),
        pk=pk,
    )
    notice = milestone.plan.notice
    return _record_page(
        request,
        case=notice.case,
        form_class=MilestoneProgressForm,
        service=services.milestone_report,
        title=_("Report progress against: %(milestone)s") % {"milestone": milestone.label},
        message=_("The progress has been reported."),
        service_kwargs={"milestone": milestone},
        back_url=reverse("intervention:notice_detail", args=[notice.pk]) + "#plan",
        allowed=permissions.can_send_documents(notice, request.user),
    )


@login_required
@require_http_methods(GET_OR_POST)
def statement_record(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk)
    if not permissions.can_manage_case(case, request.user):
        raise PermissionDenied
    notices = _notices_for(request, case).filter(given_on__isnull=False).order_by("given_on", "pk")
    form = with_token(bound_form(request, StatementForm, notices=notices))
    if request.method == "POST":
        response = run_once(
            request,
            form,
            lambda: services.statement_record(case=case, by=request.user, **form.cleaned_data),
            success_message=_("The statement has been recorded."),
            success_url=_case_url(case),
        )
        if response is not None:
            return response
    return render(
        request,
        "intervention/cases/statement_record.html",
        {"form": form, "case": case, "back_url": _case_url(case)},
    )


@login_required
@require_safe
def case_as_at(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk)
    asked = any(f"on_{index}" in request.GET for index in range(3))
    form = AsAtForm(request.GET if asked else None, opened_on=case.opened_on, today=timezone.localdate())
    as_at = None
    if form.is_bound and form.is_valid():
        as_at = asat.case_as_at(
            case, form.cleaned_data["on"], user=request.user, notices=_notices_for(request, case)
        )
    return render(request, "intervention/cases/case_as_at.html", {"case": case, "form": form, "as_at": as_at})


@login_required
@require_safe
def case_chronology(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_for(request, pk)
    events = asat.case_chronology(case, notices=_notices_for(request, case))
    today = timezone.localdate()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"chronology-{slugify(case.title)[:60]}-case-{case.pk}-{today.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # a byte order mark, so spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Date of event"),
            _("Date of event is"),
            _("Recorded at"),
            _("Who"),
            _("Role"),
            _("Organisation"),
            _("Object"),
            _("Kind of event"),
            _("What"),
            _("From"),
            _("To"),
            _("Why"),
            _("Changes"),
        ]
    )
    for event in events:
        who = event.who
        writer.writerow(
            safe_cells(
                [
                    event.event_on.isoformat(),
                    _("the date recorded") if event.dated_by_recording else _("the date it happened"),
                    timezone.localtime(event.recorded_at).strftime("%Y-%m-%d %H:%M:%S"),
                    str(who) if who else _("System"),
                    who.role_label if who else "",
                    who.organisation if who else "",
                    event.subject,
                    _("Transition") if event.kind == "transition" else _("Change"),
                    event.what,
                    event.source,
                    event.target,
                    event.why,
                    event.changes,
                ]
            )
        )
    return response


def safe_cells(cells: list[str]) -> list[str]:
    """Return the cells with any that a spreadsheet would run as a formula made plain text."""
    return [f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell for cell in cells]
