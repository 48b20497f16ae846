"""Warning notice pages: the list, one notice as it is being worked, and its history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.audit import failed_condition_message
from accounts.choices import Role
from accounts.forms import ReasonForm
from accounts.history import history_page
from accounts.permissions import has_casework_role, has_role, is_official
from accounts.web import paginate
from intervention import permissions, selectors, services
from intervention.calendars import format_date
from intervention.choices import DeadlineKind, NoticeState
from intervention.models import BoardReport, Deadline, Requirement, WarningNotice, legislature_name
from intervention.notices.forms import EscalateForm, NoticeFilterForm, RecordedDateForm
from intervention.web import GET_OR_POST, act, available_actions, bound_form, notice_url

NOTICE_ACTIONS = {
    "record_laying": "intervention:notice_record_laying",
    "record_report": "intervention:notice_record_report",
    "close_as_complied": "intervention:notice_close",
    "escalate": "intervention:notice_escalate",
    "withdraw": "intervention:notice_withdraw",
}
PLAN_ACTIONS = {
    "submit": "intervention:plan_submit",
    "return_to_council": "intervention:plan_return",
    "agree": "intervention:plan_agree",
}
BOARD_REPORT_ACTIONS = {"submit": "intervention:board_report_submit"}
INTERVENTION_ACTIONS = {
    "bring_into_force": "intervention:intervention_in_force",
    "end": "intervention:intervention_end",
}
WEEKEND_REASONS = {"Saturday", "Sunday"}


@login_required
@require_safe
def notice_list(request: HttpRequest) -> HttpResponse:
    if not has_casework_role(request.user):
        raise PermissionDenied
    form = NoticeFilterForm(
        request.GET or None, with_council=not has_role(request.user, Role.COUNCIL_OFFICER)
    )
    notices = selectors.notices_for_user(request.user).order_by("-given_on", "-created_at", "-id")
    if form.is_valid():
        notices = form.filter(notices)
    return render(
        request, "intervention/notice_list.html", {"filter_form": form, **paginate(request, notices)}
    )


@login_required
@require_safe
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(
        selectors.notices_for_user(request.user).select_related("improvement_plan__deadline"), pk=pk
    )
    if notice.state == NoticeState.DRAFT:
        from intervention.drafting import views as drafting

        return drafting.draft_overview(request, notice)
    context = notice_page(notice, user=request.user, today=timezone.localdate())
    return render(request, "intervention/notice_detail.html", context)


@login_required
@require_safe
def notice_history(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(selectors.notices_for_user(request.user), pk=pk)
    return render(
        request,
        "intervention/notice_history.html",
        {"notice": notice, **history_page(request, notice.history.all())},
    )


# What the notice page shows ----------------------------------------------------------------


@dataclass
class DeadlineRow:
    deadline: Deadline
    status: str  # "met", "overdue" or "due"
    skipped: list[tuple[datetime.date, str]] = field(default_factory=list)


@dataclass
class Duty:
    """One of the Ministers' own duties under s151(3), named as the legislature was called then."""

    text: str
    deadline: Deadline | None
    done_text: str
    reference: str
    status: str


def deadline_row(deadline: Deadline, *, today: datetime.date) -> DeadlineRow:
    if deadline.met_on:
        status = "met"
    elif deadline.is_overdue(today=today):
        status = "overdue"
    else:
        status = "due"
    skipped = [
        (
            datetime.date.fromisoformat(day["date"]),
            "" if day.get("reason") in WEEKEND_REASONS else day.get("reason", ""),
        )
        for day in deadline.skipped or []
    ]
    return DeadlineRow(deadline=deadline, status=status, skipped=skipped)


def ministers_duties(notice: WarningNotice, rows: list[DeadlineRow]) -> list[Duty]:
    if notice.given_on is None:  # withdrawn before it was given: s151(3) never applied
        return []
    by_kind = {row.deadline.kind: row for row in rows}
    duties = []
    for kind, done_on, reference, text, done_text in [
        (
            DeadlineKind.LAYING,
            notice.laid_on,
            notice.laying_reference,
            _("Lay a copy of the notice before %(legislature)s (section 151(3)(a))"),
            _("Laid on %(date)s"),
        ),
        (
            DeadlineKind.REPORT,
            notice.reported_on,
            notice.report_reference,
            _("Report to %(legislature)s on what the council has done in response (section 151(3)(b))"),
            _("Reported on %(date)s"),
        ),
    ]:
        row = by_kind.get(kind)
        when = done_on or (row.deadline.due_on if row else notice.given_on)
        duties.append(
            Duty(
                text=text % {"legislature": legislature_name(when)},
                deadline=row.deadline if row else None,
                done_text=done_text % {"date": format_date(done_on)} if done_on else "",
                reference=reference,
                status="met" if done_on else (row.status if row else "due"),
            )
        )
    return duties


def inspection_url(notice: WarningNotice) -> str:
    """Return the link to the inspection report, once the inspections pages have a detail page."""
    if notice.inspection_id is None:
        return ""
    try:
        return reverse("inspections:detail", args=[notice.inspection_id])
    except NoReverseMatch:
        return ""


def notice_page(notice: WarningNotice, *, user, today: datetime.date) -> dict:
    """Gather everything the notice page shows, in a fixed number of queries."""
    prefetch_related_objects(
        [notice],
        Prefetch("requirements", queryset=Requirement.objects.select_related("deadline")),
        Prefetch("deadlines", queryset=Deadline.objects.order_by("due_on", "id")),
        Prefetch("board_reports", queryset=BoardReport.objects.select_related("deadline")),
        "interventions",
    )
    rows = [deadline_row(d, today=today) for d in notice.deadlines.all()]
    plan = getattr(notice, "improvement_plan", None)
    board_reports = list(notice.board_reports.all())
    for report in board_reports:
        report.actions = available_actions(report, user, BOARD_REPORT_ACTIONS)
    interventions = list(notice.interventions.all())
    for intervention in interventions:
        intervention.actions = available_actions(intervention, user, INTERVENTION_ACTIONS)
    actions = available_actions(notice, user, NOTICE_ACTIONS)
    close_blocked = ""
    closable = any(a.name == "close_as_complied" for a in actions)
    if is_official(user) and notice.state == NoticeState.ISSUED and not closable:
        close_blocked = failed_condition_message(notice.close_as_complied) or ""
    return {
        "notice": notice,
        "inspection_url": inspection_url(notice),
        "actions": actions,
        "close_blocked": close_blocked,
        "duties": ministers_duties(notice, rows),
        "deadline_rows": rows,
        "requirements": list(notice.requirements.all()),
        "plan": plan,
        "plan_actions": available_actions(plan, user, PLAN_ACTIONS) if plan else [],
        "board_reports": board_reports,
        "interventions": interventions,
        "today": today,
    }


# The notice --------------------------------------------------------------------------------


def _notice_action(request, pk, *, transition, form, service, message, template):
    notice = get_object_or_404(selectors.notices_for_user(request.user), pk=pk)
    return act(
        request,
        obj=notice,
        allowed=permissions.can_manage_notice(notice, request.user),
        transition=transition,
        form=form,
        service=partial(service, notice=notice),
        success_message=message,
        back_url=notice_url(notice.pk),
        template=template,
        context={"notice": notice},
    )


@login_required
@require_http_methods(GET_OR_POST)
def notice_record_laying(request: HttpRequest, pk: int) -> HttpResponse:
    return _notice_action(
        request,
        pk,
        transition="record_laying",
        form=bound_form(request, RecordedDateForm),
        service=services.notice_record_laying,
        message=_("The laying of the notice has been recorded."),
        template="intervention/notice_record_laying.html",
    )


@login_required
@require_http_methods(GET_OR_POST)
def notice_record_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _notice_action(
        request,
        pk,
        transition="record_report",
        form=bound_form(request, RecordedDateForm),
        service=services.notice_record_report,
        message=_("The report to the legislature has been recorded."),
        template="intervention/notice_record_report.html",
    )


@login_required
@require_http_methods(GET_OR_POST)
def notice_close(request: HttpRequest, pk: int) -> HttpResponse:
    form = bound_form(
        request,
        ReasonForm,
        reason_required=True,
        reason_label=_("Why Welsh Government is satisfied the council has complied"),
    )
    return _notice_action(
        request,
        pk,
        transition="close_as_complied",
        form=form,
        service=services.notice_close_as_complied,
        message=_("The notice has been closed as complied."),
        template="intervention/notice_close.html",
    )


@login_required
@require_http_methods(GET_OR_POST)
def notice_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    form = bound_form(
        request, ReasonForm, reason_required=True, reason_label=_("Why the notice is being withdrawn")
    )
    return _notice_action(
        request,
        pk,
        transition="withdraw",
        form=form,
        service=services.notice_withdraw,
        message=_("The notice has been withdrawn."),
        template="intervention/notice_withdraw.html",
    )


@login_required
@require_http_methods(GET_OR_POST)
def notice_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    return _notice_action(
        request,
        pk,
        transition="escalate",
        form=bound_form(request, EscalateForm),
        service=services.notice_escalate,
        message=_("The notice has been escalated and the intervention proposed."),
        template="intervention/notice_escalate.html",
    )
