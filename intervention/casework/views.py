"""The council's work on an issued notice, and Welsh Government's decisions on it.

Every page looks its object up through a selector (404 outside the person's scope), refuses a
person whose role may not act (403), and on a valid POST makes exactly one service call.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from functools import partial

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from accounts.forms import DatedReasonForm, ReasonForm
from accounts.history import history_page
from inspections.check_answers import CheckAnswers
from intervention import permissions, selectors, services
from intervention.calendars import WorkingCalendar
from intervention.casework import returns
from intervention.casework import selectors as casework_selectors
from intervention.casework.forms import DocumentSubmitForm, EvidenceForm
from intervention.choices import ObligationKind, ObligationState, SubmissionDecision
from intervention.models import DocumentFile, EvidenceFile, Obligation, Requirement, Submission
from intervention.obligations import selectors as obligation_selectors
from intervention.obligations import status as rules
from intervention.web import GET_OR_POST, act, available_actions, bound_form, notice_url

logger = logging.getLogger(__name__)

# The moves on what the council owes for a requirement, and the pages that make them.
REQUIREMENT_ACTIONS = {
    "submit": "intervention:requirement_submit",
    "accept": "intervention:requirement_accept",
    "return_to_owner": "intervention:requirement_return",
    "release": "intervention:requirement_withdraw",
    "breach": "intervention:requirement_breach",
}
REQUIREMENT_LABELS = {"release": gettext_lazy("Withdraw requirement")}


def _requirement_url(requirement: Requirement) -> str:
    return reverse("intervention:requirement_detail", args=[requirement.pk])


def _evidence_for(user) -> QuerySet[EvidenceFile]:
    return EvidenceFile.objects.filter(
        submission__requirement__in=selectors.requirements_for_user(user).values("pk")
    )


def _submissions(requirement: Requirement) -> list[Submission]:
    """Return the requirement's submissions, newest first, with their people and files."""
    return list(
        requirement.submissions.select_related("submitted_by", "decided_by")
        .prefetch_related(Prefetch("files", queryset=EvidenceFile.objects.order_by("uploaded_at", "id")))
        .order_by("-submitted_at", "-id")
    )


def _latest_return(obligation: Obligation | None, submissions: list[Submission]) -> returns.Returned | None:
    """The decision a council must answer: the newest return, while what it owes stands returned."""
    if obligation is None or obligation.state != ObligationState.RETURNED:
        return None
    submission = next((s for s in submissions if s.decision == SubmissionDecision.RETURNED), None)
    return returns.Returned.of_submission(submission) if submission else None


def _evidence_obligation(requirement: Requirement) -> Obligation | None:
    """What the council owes for a requirement it answers with evidence (None if a document answers it)."""
    return (
        requirement.obligations.filter(kind=ObligationKind.REQUIREMENT)
        .select_related("notice__case__council", "requirement", "carried_to")
        .first()
    )


# Requirements ------------------------------------------------------------------------------


@login_required
@require_safe
def requirement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    requirement = _requirement(request, pk)
    submissions = _submissions(requirement)
    today = timezone.localdate()
    owed = obligation_selectors.with_status(
        requirement.obligations.select_related("board_report", "notice").order_by("position", "id"),
        today=today,
        calendar=WorkingCalendar(),
    )
    evidence = next((o for o in owed if o.kind == ObligationKind.REQUIREMENT), None)
    actions = []
    if evidence is not None:
        evidence.notice = requirement.notice
        actions = available_actions(
            evidence, request.user, REQUIREMENT_ACTIONS, pk=requirement.pk, labels=REQUIREMENT_LABELS
        )
    return render(
        request,
        "intervention/requirement_detail.html",
        {
            "requirement": requirement,
            "notice": requirement.notice,
            "owed": owed,
            "evidence": evidence,
            "status": rules.series(o.status for o in owed) if owed else None,
            "submissions": submissions,
            "latest_return": _latest_return(evidence, submissions),
            "actions": actions,
        },
    )


@login_required
@require_safe
def requirement_history(request: HttpRequest, pk: int) -> HttpResponse:
    requirement = _requirement(request, pk)
    return render(
        request,
        "intervention/requirement_history.html",
        {
            "requirement": requirement,
            "notice": requirement.notice,
            "submissions": _submissions(requirement),
            "owed": obligation_selectors.history_of(request, requirement.obligations.all()),
            **history_page(request, requirement.history.all()),
        },
    )


def _requirement(request: HttpRequest, pk: int) -> Requirement:
    return get_object_or_404(selectors.requirements_for_user(request.user), pk=pk)


def _requirement_action(
    request, requirement, *, transition, allowed, form, service, message, template, context=None, check=None
):
    obligation = _evidence_obligation(requirement)
    if obligation is None:
        raise Http404
    return act(
        request,
        obj=obligation,
        allowed=allowed(obligation, request.user),
        transition=transition,
        form=form,
        service=partial(service, requirement=requirement),
        success_message=message % {"letter": requirement.letter},
        back_url=_requirement_url(requirement),
        template=template,
        context={
            "requirement": requirement,
            "notice": requirement.notice,
            "evidence": obligation,
            **(context or {}),
        },
        check=check,
    )


@login_required
@require_http_methods(GET_OR_POST)
def requirement_submit(request: HttpRequest, pk: int) -> HttpResponse:
    requirement = _requirement(request, pk)
    obligation = _evidence_obligation(requirement)
    returned = obligation is not None and obligation.state == ObligationState.RETURNED
    submissions = _submissions(requirement) if returned else []
    return _requirement_action(
        request,
        requirement,
        transition="submit",
        allowed=permissions.can_submit_evidence,
        form=bound_form(request, EvidenceForm),
        service=services.requirement_submit,
        message=_("Your evidence for requirement (%(letter)s) has been sent to Welsh Government."),
        template="intervention/requirement_submit.html",
        context={"latest_return": _latest_return(obligation, submissions)},
    )


@login_required
@require_http_methods(GET_OR_POST)
def requirement_accept(request: HttpRequest, pk: int) -> HttpResponse:
    requirement = _requirement(request, pk)
    form = bound_form(
        request,
        ReasonForm,
        reason_label=_("Note (optional)"),
        reason_hint=_("The council will see this note"),
    )
    return _requirement_action(
        request,
        requirement,
        transition="accept",
        allowed=permissions.can_review_obligation,
        form=form,
        service=services.requirement_accept,
        message=_("Requirement (%(letter)s) has been accepted."),
        template="intervention/requirement_accept.html",
        check=CheckAnswers(
            heading=_("Accept the council's evidence for requirement (%(letter)s)")
            % {"letter": requirement.letter},
            button=_("Confirm and accept"),
            caption=f"{requirement.notice.case.council.name}: {requirement.notice.title}",
        ),
    )


@login_required
@require_http_methods(GET_OR_POST)
def requirement_return(request: HttpRequest, pk: int) -> HttpResponse:
    requirement = _requirement(request, pk)
    form = bound_form(
        request,
        ReasonForm,
        reason_required=True,
        reason_label=_("Why the submission is being returned"),
        reason_hint=_("The council will see this, so say what it needs to do or send"),
    )
    return _requirement_action(
        request,
        requirement,
        transition="return_to_owner",
        allowed=permissions.can_review_obligation,
        form=form,
        service=services.requirement_return,
        message=_("Requirement (%(letter)s) has been returned to the council."),
        template="intervention/requirement_return.html",
    )


@login_required
@require_http_methods(GET_OR_POST)
def requirement_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    requirement = _requirement(request, pk)
    form = bound_form(
        request, ReasonForm, reason_required=True, reason_label=_("Why the requirement is being withdrawn")
    )
    return _requirement_action(
        request,
        requirement,
        transition="release",
        allowed=permissions.can_settle_obligation,
        form=form,
        service=services.requirement_withdraw,
        message=_("Requirement (%(letter)s) has been withdrawn."),
        template="intervention/requirement_withdraw.html",
    )


@login_required
@require_http_methods(GET_OR_POST)
def requirement_breach(request: HttpRequest, pk: int) -> HttpResponse:
    requirement = _requirement(request, pk)
    form = bound_form(request, ReasonForm, reason_required=True, reason_label=_("Describe the breach"))
    return _requirement_action(
        request,
        requirement,
        transition="breach",
        allowed=permissions.can_settle_obligation,
        form=form,
        service=services.requirement_record_breach,
        message=_("A breach of requirement (%(letter)s) has been recorded."),
        template="intervention/requirement_breach.html",
    )


# The improvement plan and Board reports ----------------------------------------------------


def _plan_action(request, pk, *, kind, transition, allowed, form, service, message, template, check=None):
    plan = get_object_or_404(selectors.plans_for_user(request.user), pk=pk)
    obligation = get_object_or_404(
        Obligation.objects.select_related("notice__case__council", "carried_to"),
        notice=plan.notice,
        kind=kind,
    )
    # The plan as sent, for whoever reviews it or sends it again: its files, and why it came back.
    latest_return = returns.latest_return_of(obligation) if kind == ObligationKind.IMPROVEMENT_PLAN else None
    return act(
        request,
        obj=obligation,
        allowed=allowed(obligation, request.user),
        transition=transition,
        form=form,
        service=partial(service, plan=plan),
        success_message=message,
        back_url=notice_url(plan.notice_id, "improvement-plan"),
        template=template,
        context={
            "plan": plan,
            "notice": plan.notice,
            "obligation": obligation,
            "files": casework_selectors.files_of(plan),
            "latest_return": latest_return,
        },
        check=check and replace(check, caption=f"{plan.notice.case.council.name}: {plan.notice.title}"),
    )


def _may_send_documents(obligation: Obligation, user) -> bool:
    return permissions.can_send_documents(obligation.notice, user)


@login_required
@require_http_methods(GET_OR_POST)
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_action(
        request,
        pk,
        kind=ObligationKind.IMPROVEMENT_PLAN,
        transition="meet",
        allowed=_may_send_documents,
        form=bound_form(request, DocumentSubmitForm),
        service=services.plan_submit,
        message=_("Your improvement plan has been sent to Welsh Government."),
        template="intervention/plan_submit.html",
    )


@login_required
@require_http_methods(GET_OR_POST)
def plan_return(request: HttpRequest, pk: int) -> HttpResponse:
    form = bound_form(
        request,
        ReasonForm,
        reason_required=True,
        reason_label=_("Why the plan is being returned"),
        reason_hint=_("The council will see this"),
    )
    return _plan_action(
        request,
        pk,
        kind=ObligationKind.IMPROVEMENT_PLAN,
        transition="reopen",
        allowed=permissions.can_settle_obligation,
        form=form,
        service=services.plan_return,
        message=_("The improvement plan has been returned to the council."),
        template="intervention/plan_return.html",
    )


@login_required
@require_http_methods(GET_OR_POST)
def plan_agree(request: HttpRequest, pk: int) -> HttpResponse:
    form = bound_form(request, DatedReasonForm, reason_label=_("Note (optional)"))
    form.fields["on"].label = _("Date the plan was agreed with the Improvement Board")
    return _plan_action(
        request,
        pk,
        kind=ObligationKind.PLAN_AGREEMENT,
        transition="meet",
        allowed=permissions.can_settle_obligation,
        form=form,
        service=services.plan_agree,
        message=_("The improvement plan has been recorded as agreed."),
        template="intervention/plan_agree.html",
        check=CheckAnswers(
            heading=_("Record that the improvement plan was agreed"), button=_("Confirm and record")
        ),
    )


@login_required
@require_http_methods(GET_OR_POST)
def board_report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(selectors.board_reports_for_user(request.user), pk=pk)
    obligation = get_object_or_404(
        Obligation.objects.select_related("notice__case__council", "carried_to"), board_report=report
    )
    return act(
        request,
        obj=obligation,
        allowed=_may_send_documents(obligation, request.user),
        transition="meet",
        form=bound_form(request, DocumentSubmitForm),
        service=partial(services.board_report_submit, report=report),
        success_message=_("Your Board report has been sent to Welsh Government."),
        back_url=notice_url(report.notice_id, "board-reports"),
        template="intervention/board_report_submit.html",
        context={
            "report": report,
            "notice": report.notice,
            "obligation": obligation,
            "files": casework_selectors.files_of(report),
            "latest_return": returns.latest_return_of(obligation),
        },
    )


# Evidence files, and the files of the plan and Board reports -------------------------------


@login_required
@require_safe
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve an evidence file to a person who may see its requirement, always as a download.

    A file the store has lost gets a page saying so (404), and an error in the log to act on.
    """
    evidence = get_object_or_404(_evidence_for(request.user), pk=pk)
    return _serve(request, evidence, what="Evidence", missing="intervention/evidence_missing.html")


@login_required
@require_safe
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve a file of the plan or a Board report to a person who may see its notice, as evidence is."""
    document = get_object_or_404(casework_selectors.document_files_for_user(request.user), pk=pk)
    return _serve(request, document, what="Document", missing="intervention/document_missing.html")


def _serve(
    request: HttpRequest, stored_file: EvidenceFile | DocumentFile, *, what: str, missing: str
) -> HttpResponse:
    """Send a stored file as a download no browser renders, or a page saying the store has lost it."""
    try:
        stored = stored_file.file.open("rb")
    except (OSError, ValueError):  # FileNotFoundError from every storage; ValueError: no file at all
        logger.error(
            "%s file %s is missing: %r is not in the file store (%s)",
            what,
            stored_file.pk,
            stored_file.file.name,
            type(stored_file.file.storage).__name__,
            exc_info=True,
        )
        context = {"evidence": stored_file, "document": stored_file}
        return render(request, missing, context, status=404)
    response = FileResponse(
        stored,
        as_attachment=True,
        filename=stored_file.original_name,
        content_type=stored_file.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
