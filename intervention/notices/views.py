"""Warning notice pages: the list, one notice as it is being worked, and its history."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import replace
from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, prefetch_related_objects
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
from inspections.check_answers import CheckAnswers
from intervention import permissions, selectors, services
from intervention.calendars import WorkingCalendar
from intervention.casework import selectors as casework_selectors
from intervention.choices import CaseState, NoticeState, ObligationKind, Owner
from intervention.corrections import selectors as correction_selectors
from intervention.models import Obligation, RequirementVariation, WarningNotice
from intervention.notices.forms import BoardScheduleForm, ExtendComplianceForm, NoticeFilterForm
from intervention.obligations import selectors as obligation_selectors
from intervention.obligations import status as rules
from intervention.obligations.views import record_done_page
from intervention.web import GET_OR_POST, Action, act, available_actions, bound_form, notice_url

NOTICE_ACTIONS = {
    "extend_compliance_period": "intervention:notice_extend",
    "change_board_report_schedule": "intervention:notice_board_schedule",
    "close_as_complied": "intervention:notice_close",
    "escalate": "intervention:power_determine",
    "withdraw": "intervention:notice_withdraw",
}


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
    notice = get_object_or_404(selectors.notices_for_user(request.user), pk=pk)
    if notice.state == NoticeState.DRAFT:
        from intervention.drafting import views as drafting

        return drafting.draft_overview(request, notice)
    context = notice_page(notice, user=request.user, today=timezone.localdate())
    return render(request, "intervention/notice_detail.html", context)


@login_required
@require_safe
def notice_history(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(selectors.notices_for_user(request.user), pk=pk)
    owed = Obligation.objects.filter(Q(notice=notice) | Q(carried_to=notice))
    return render(
        request,
        "intervention/notice_history.html",
        {
            "notice": notice,
            "owed": obligation_selectors.history_of(request, owed),
            **history_page(request, notice.history.all()),
        },
    )


# What the notice page shows ----------------------------------------------------------------


def obligation_actions(obligation: Obligation, user) -> list[Action]:
    """Return what `user` may do now about one obligation, as links to the pages that do it."""
    moves = {t.name for t in obligation.get_available_user_state_transitions(user)}
    actions = []
    official = is_official(user)
    if obligation.kind == ObligationKind.IMPROVEMENT_PLAN:
        plan_id = obligation.notice.improvement_plan.pk
        if "meet" in moves and not official:
            actions.append(
                Action(
                    "submit",
                    _("Submit the improvement plan"),
                    reverse("intervention:plan_submit", args=[plan_id]),
                )
            )
        if "reopen" in moves:
            actions.append(
                Action(
                    "return",
                    _("Return the plan to the council"),
                    reverse("intervention:plan_return", args=[plan_id]),
                )
            )
    elif obligation.kind == ObligationKind.PLAN_AGREEMENT and "meet" in moves and official:
        plan_id = obligation.notice.improvement_plan.pk
        actions.append(
            Action(
                "agree",
                _("Record agreement with the Board"),
                reverse("intervention:plan_agree", args=[plan_id]),
            )
        )
        return actions
    elif obligation.board_report_id and "meet" in moves and not official:
        url = reverse("intervention:board_report_submit", args=[obligation.board_report_id])
        actions.append(Action("submit", _("Submit the Board report"), url))
    if official and ({"meet", "record_not_evidenced"} & moves):
        url = reverse("intervention:obligation_record_done", args=[obligation.pk])
        actions.append(Action("record_done", _("Record as done"), url))
    return actions


def notice_page(notice: WarningNotice, *, user, today: datetime.date) -> dict:
    """Gather everything the notice page shows, in a fixed number of queries."""
    prefetch_related_objects(
        [notice],
        "requirements",
        "powers",
        Prefetch("variations", queryset=RequirementVariation.objects.select_related("requirement")),
        Prefetch("followed_by", queryset=WarningNotice.objects.exclude(state=NoticeState.DRAFT)),
    )
    calendar = WorkingCalendar()
    owed = (
        Obligation.objects.filter(Q(notice=notice) | Q(carried_to=notice))
        .select_related(
            "notice__case__council", "notice__improvement_plan", "requirement", "board_report", "carried_to"
        )
        .order_by("position", "id")
    )
    obligations = obligation_selectors.with_status(owed, today=today, calendar=calendar)
    answering = defaultdict(list)
    for obligation in obligations:
        obligation.actions = obligation_actions(obligation, user)
        if obligation.requirement_id:
            answering[obligation.requirement_id].append(obligation)
    requirements = list(notice.requirements.all())
    amended = defaultdict(list)
    for variation in RequirementVariation.objects.filter(
        requirement__in=requirements, applied_on__isnull=False
    ).select_related("addendum"):
        amended[variation.requirement_id].append(variation)
    for requirement in requirements:
        found = answering.get(requirement.pk, [])
        requirement.owed = found
        requirement.status = rules.series(o.status for o in found) if found else None
        requirement.variations_applied = amended.get(requirement.pk, [])
    own = [o for o in obligations if o.notice_id == notice.pk]
    actions = available_actions(notice, user, NOTICE_ACTIONS)
    plan = getattr(notice, "improvement_plan", None)
    close_blocked = ""
    closable = any(a.name == "close_as_complied" for a in actions)
    if is_official(user) and notice.state == NoticeState.ISSUED and not closable:
        close_blocked = failed_condition_message(notice.close_as_complied) or ""
    return {
        "notice": notice,
        "inspection_url": inspection_url(notice),
        "actions": actions,
        "close_blocked": close_blocked,
        "requirements": requirements,
        "plan": plan,
        # Why the plan or a report stands returned (on each obligation), and the files sent.
        **casework_selectors.notice_documents(plan, obligations),
        "milestones": list(plan.milestones.order_by("due_on", "pk")) if plan else [],
        "can_add_milestones": bool(plan)
        and notice.case.state == CaseState.OPEN
        and (permissions.can_manage_case(notice.case, user) or permissions.can_send_documents(notice, user)),
        "can_report_milestones": bool(plan)
        and notice.case.state == CaseState.OPEN
        and permissions.can_send_documents(notice, user),
        "plan_obligation": next((o for o in own if o.kind == ObligationKind.IMPROVEMENT_PLAN), None),
        "agreement": next((o for o in own if o.kind == ObligationKind.PLAN_AGREEMENT), None),
        "board_reports": [o for o in own if o.kind == ObligationKind.BOARD_REPORT],
        "duties": [o for o in own if o.owner == Owner.MINISTERS],
        "carried_in": [o for o in obligations if o.carried_to_id == notice.pk],
        "carried_out": [o for o in own if o.carried_to_id],
        "variations": list(notice.variations.all()),
        "followed_by": list(notice.followed_by.all()),
        "powers": list(notice.powers.all()),
        "corrections": correction_selectors.for_notice(notice, user, owed=own),
        "today": today,
    }


def inspection_url(notice: WarningNotice) -> str:
    """Return the link to the inspection report, once the inspections pages have a detail page."""
    if notice.inspection_id is None:
        return ""
    try:
        return reverse("inspections:detail", args=[notice.inspection_id])
    except NoReverseMatch:
        return ""


# The notice --------------------------------------------------------------------------------


def _notice_action(request, pk, *, transition, form, service, message, template, context=None, check=None):
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
        context={"notice": notice, **(context or {})},
        check=check and replace(check, caption=f"{notice.case.council.name}: {notice.title}"),
    )


def _duty_page(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    notice = get_object_or_404(selectors.notices_for_user(request.user), pk=pk)
    duty = get_object_or_404(
        obligation_selectors.obligations_for_user(request.user), notice=notice, kind=kind
    )
    return record_done_page(request, duty)


@login_required
@require_http_methods(GET_OR_POST)
def notice_record_laying(request: HttpRequest, pk: int) -> HttpResponse:
    return _duty_page(request, pk, ObligationKind.LAYING)


@login_required
@require_http_methods(GET_OR_POST)
def notice_record_report(request: HttpRequest, pk: int) -> HttpResponse:
    return _duty_page(request, pk, ObligationKind.LEGISLATURE_REPORT)


@login_required
@require_http_methods(GET_OR_POST)
def notice_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _notice_action(
        request,
        pk,
        transition="extend_compliance_period",
        form=bound_form(request, ExtendComplianceForm),
        service=services.notice_extend_compliance_period,
        message=_("The compliance period has been extended, and what is still owed by its end moved."),
        template="intervention/notice_extend.html",
    )


@login_required
@require_http_methods(GET_OR_POST)
def notice_board_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    return _notice_action(
        request,
        pk,
        transition="change_board_report_schedule",
        form=bound_form(request, BoardScheduleForm),
        service=services.notice_change_board_report_schedule,
        message=_("The Board report schedule has been changed."),
        template="intervention/notice_board_schedule.html",
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
        check=CheckAnswers(
            heading=_("Close the notice as complied"), button=_("Confirm and close the notice")
        ),
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
