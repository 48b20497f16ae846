"""The council's work on a notice and Welsh Government's decisions on it: evidence, the plan, Board reports.

Each function is one user action on what the council owes (intervention/obligations): it checks
the person may act, changes the obligation through its state machine (history and the transition
log), and keeps the document that goes with it (the evidence, the plan, the month's report).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from pathlib import PurePath
from typing import TYPE_CHECKING

import django_fsm as fsm
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import save_with_history

from .. import permissions
from ..checks import check_after_given, clean_and_save, require, require_reason
from ..choices import (
    LIVE_STATES,
    NoticeKind,
    NoticeState,
    ObligationKind,
    Owner,
    RequirementAnswer,
    SubmissionDecision,
)
from ..models import (
    Board,
    BoardReport,
    DocumentFile,
    EvidenceFile,
    ImprovementPlan,
    Obligation,
    Requirement,
    Submission,
    WarningNotice,
)
from ..notifications import services as notification_services
from ..obligations import services as obligation_services
from . import uploads

if TYPE_CHECKING:
    from accounts.models import User


# Evidence for a requirement ----------------------------------------------------------------


def evidence_obligation(requirement: Requirement) -> Obligation:
    """Return what the council owes for a requirement it answers with evidence, or say it has none."""
    obligation = requirement.obligations.filter(kind=ObligationKind.REQUIREMENT).first()
    if obligation is None and requirement.is_answered_by_evidence:
        # Nothing is owed before the notice is given.
        raise fsm.TransitionNotAllowed(_("The notice is not in force, so this cannot be done."))
    if obligation is None:
        raise ValidationError(
            _("Requirement (%(letter)s) is met by a document, not by evidence: send the document instead.")
            % {"letter": requirement.letter}
        )
    return obligation


@transaction.atomic
def requirement_submit(
    *, requirement: Requirement, by: User, statement: str, files: Iterable[UploadedFile] = ()
) -> Submission:
    """The council submits evidence that a requirement is met, with any files attached."""
    if not statement.strip():
        raise ValidationError({"statement": _("Enter how the council has met this requirement.")})
    uploads = [(upload, _evidence_type(upload)) for upload in files]
    obligation_services.transition(evidence_obligation(requirement), "submit", by=by, reason=statement)
    submission = Submission(requirement=requirement, statement=statement, submitted_by=by)
    clean_and_save(submission, by=by, reason="submitted")
    for upload, content_type in uploads:
        evidence = EvidenceFile(
            submission=submission,
            file=upload,
            original_name=_safe_file_name(upload.name),
            content_type=content_type,
            size=upload.size,
            uploaded_by=by,
        )
        clean_and_save(evidence, by=by, reason="uploaded")
    notification_services.evidence_submitted(submission, by=by)
    return submission


def _evidence_type(upload: UploadedFile) -> str:
    """Return the content type the file's name, declared type and structure agree on, or refuse it."""
    try:
        return uploads.evidence_content_type(upload)
    except ValidationError as refused:
        raise ValidationError({"files": refused.error_list}) from None


def _safe_file_name(name: str, *, default: str = "evidence") -> str:
    """Keep the person's file name for display and download, without any path or control characters."""
    name = "".join(c for c in PurePath(name.replace("\\", "/")).name if c.isprintable())
    return name[-255:] or default


def _decide_pending(requirement: Requirement, *, by: User, decision: str, reason: str) -> Submission | None:
    submission = (
        requirement.submissions.filter(decision=SubmissionDecision.PENDING)
        .order_by("-submitted_at", "-id")
        .first()
    )
    if submission is None:
        return None
    submission.decision = decision
    submission.decided_by = by
    submission.decided_at = timezone.now()
    submission.decision_reason = reason
    save_with_history(submission, by=by, reason=decision)
    return submission


@transaction.atomic
def requirement_accept(*, requirement: Requirement, by: User, reason: str = "") -> Requirement:
    """Welsh Government accepts the council's evidence: met on the day the evidence came in."""
    obligation = evidence_obligation(requirement)
    pending = requirement.submissions.filter(decision=SubmissionDecision.PENDING).order_by(
        "-submitted_at", "-id"
    )
    latest = pending.first()
    met_on = timezone.localdate(latest.submitted_at) if latest else obligation.submitted_on
    obligation_services.transition(
        obligation, "accept", by=by, reason=reason, met_on=met_on or timezone.localdate()
    )
    decided = _decide_pending(requirement, by=by, decision=SubmissionDecision.ACCEPTED, reason=reason)
    if decided is not None:
        notification_services.evidence_decided(decided, by=by)
    return requirement


@transaction.atomic
def requirement_return(*, requirement: Requirement, by: User, reason: str) -> Requirement:
    """Welsh Government returns the submission to the council, saying why; it is owed again."""
    require_reason(reason, _("Enter why the submission is being returned."))
    obligation_services.transition(evidence_obligation(requirement), "return_to_owner", by=by, reason=reason)
    decided = _decide_pending(requirement, by=by, decision=SubmissionDecision.RETURNED, reason=reason)
    if decided is not None:
        notification_services.evidence_decided(decided, by=by)
    return requirement


@transaction.atomic
def requirement_withdraw(*, requirement: Requirement, by: User, reason: str) -> Requirement:
    """Welsh Government no longer requires this action: whatever answers it is no longer owed."""
    require_reason(reason, _("Enter why the requirement is being withdrawn."))
    require(permissions.can_settle_obligation(None, by))
    if requirement.notice.state != NoticeState.ISSUED:
        raise fsm.TransitionNotAllowed(_("The notice is not in force, so this cannot be done."))
    # Board reports not yet owed (an open-ended schedule's later months) are withdrawn too.
    owed = requirement.obligations.filter(state__in=LIVE_STATES).exists()
    if requirement.withdrawn_on is not None or not (
        owed or requirement.answered_by == RequirementAnswer.BOARD_REPORTS
    ):
        raise ValidationError(
            _("Requirement (%(letter)s) is no longer owed, so there is nothing to withdraw.")
            % {"letter": requirement.letter}
        )
    why = _("Requirement withdrawn: %(reason)s") % {"reason": reason.strip()}
    obligation_services.withdraw_requirement(requirement, by=by, on=timezone.localdate(), why=why)
    _decide_pending(requirement, by=by, decision=SubmissionDecision.RETURNED, reason=reason)
    obligation_services.notify.obligations_changed(
        requirement.notice,
        subject=_("Requirement (%(letter)s) withdrawn") % {"letter": requirement.letter},
        lines=[why],
        owners={Owner.COUNCIL},
        by=by,
    )
    return requirement


@transaction.atomic
def requirement_record_breach(*, requirement: Requirement, by: User, reason: str) -> Requirement:
    """Record that a continuing condition was broken."""
    require_reason(reason, _("Describe the breach."))
    obligation = evidence_obligation(requirement)
    obligation_services.transition(obligation, "breach", by=by, reason=reason, why=reason.strip())
    _decide_pending(requirement, by=by, decision=SubmissionDecision.RETURNED, reason=reason)
    return requirement


# The improvement plan and Board reports ----------------------------------------------------------


def plan_obligation(notice: WarningNotice, kind: str = ObligationKind.IMPROVEMENT_PLAN) -> Obligation:
    obligation = notice.obligations.filter(kind=kind).first()
    if obligation is None:
        raise ValidationError(_("This notice does not ask for an improvement plan."))
    return obligation


def _hold_plan(notice: WarningNotice) -> None:
    """Lock the plan's obligations until commit: returning and agreeing the plan at once cannot both win.

    Each checks the other's state (an agreed plan cannot be returned; a returned one cannot be
    agreed); holding both rows makes the second wait, then see the first. SQLite ignores the lock
    but runs one write at a time.
    """
    kinds = [ObligationKind.IMPROVEMENT_PLAN, ObligationKind.PLAN_AGREEMENT]
    list(
        Obligation.objects.select_for_update()
        .filter(notice=notice, kind__in=kinds)
        .order_by("pk")
        .values("pk")
    )


def close_pending_submissions(notice: WarningNotice, *, by: User, reason: str) -> None:
    """Decide the evidence still awaiting review under a notice that ended (and its addenda): returned,
    saying why."""
    under = Q(requirement__notice=notice) | Q(
        requirement__notice__parent=notice, requirement__notice__kind=NoticeKind.ADDENDUM
    )
    pending = Submission.objects.filter(under, decision=SubmissionDecision.PENDING).select_related(
        "requirement"
    )
    for submission in pending:
        _decide_pending(submission.requirement, by=by, decision=SubmissionDecision.RETURNED, reason=reason)


def _submit_document(
    document: ImprovementPlan | BoardReport,
    obligation: Obligation,
    *,
    by: User,
    on: datetime.date,
    summary: str,
    document_reference: str,
    files: Iterable[UploadedFile],
    missing_summary: str,
) -> None:
    """The council sends a document on `on`: what it is owed as is met, and the document and its files kept.

    The files are checked as evidence is (uploads.py) before anything is written, and stored last.
    """
    require(permissions.can_send_documents(document.notice, by))
    if not summary.strip():
        raise ValidationError({"summary": missing_summary})
    uploads = [(upload, _evidence_type(upload)) for upload in files]
    check_after_given(document.notice, on)
    obligation_services.transition(
        obligation, "meet", by=by, reason=summary, on=on, source=document_reference
    )
    document.summary, document.document_reference = summary, document_reference
    clean_and_save(document, by=by, reason="submitted")
    owner = {"plan": document} if isinstance(document, ImprovementPlan) else {"board_report": document}
    for upload, content_type in uploads:
        stored = DocumentFile(
            **owner,
            file=upload,
            original_name=_safe_file_name(upload.name, default="document"),
            content_type=content_type,
            size=upload.size,
            uploaded_by=by,
        )
        clean_and_save(stored, by=by, reason="uploaded")


@transaction.atomic
def plan_submit(
    *,
    plan: ImprovementPlan,
    by: User,
    on: datetime.date,
    summary: str,
    document_reference: str = "",
    files: Iterable[UploadedFile] = (),
) -> ImprovementPlan:
    """The council sends its improvement plan on `on`, with any files: the plan (and the requirement asking
    for it) is met."""
    _submit_document(
        plan,
        plan_obligation(plan.notice),
        by=by,
        on=on,
        summary=summary,
        document_reference=document_reference,
        files=files,
        missing_summary=_("Enter a summary of the improvement plan."),
    )
    notification_services.plan_submitted(plan, plan_obligation(plan.notice), by=by)
    return plan


@transaction.atomic
def plan_return(
    *, plan: ImprovementPlan, by: User, reason: str, on: datetime.date | None = None
) -> ImprovementPlan:
    """Welsh Government asks for a revised plan: owed again, and overdue if its date has passed."""
    require_reason(reason, _("Enter why the plan is being returned."))
    on = on or timezone.localdate()
    _hold_plan(plan.notice)
    obligation = plan_obligation(plan.notice)
    if obligation.met_on and on < obligation.met_on:
        raise ValidationError({"on": _("The plan cannot be returned before it was submitted.")})
    obligation_services.transition(obligation, "reopen", by=by, reason=reason, on=on)
    notification_services.plan_decided(plan, obligation, agreed=False, reason=reason, by=by)
    return plan


@transaction.atomic
def plan_agree(*, plan: ImprovementPlan, by: User, on: datetime.date, reason: str = "") -> ImprovementPlan:
    """Record that the plan was agreed with the Improvement Board (and the requirement asking for it met)."""
    check_after_given(plan.notice, on)
    _hold_plan(plan.notice)
    submitted = plan_obligation(plan.notice)
    if submitted.met_on and on < submitted.met_on:
        raise ValidationError({"on": _("The plan cannot be agreed before it was submitted.")})
    agreement = plan_obligation(plan.notice, ObligationKind.PLAN_AGREEMENT)
    obligation_services.transition(agreement, "meet", by=by, reason=reason, on=on, source=reason.strip())
    notification_services.plan_decided(plan, agreement, agreed=True, reason=reason, by=by)
    return plan


def board_sitting_on(case_id: int, on: datetime.date) -> Board | None:
    """Return the board sitting on a case on `on` (the latest established), if one is on record.

    A board whose start is known only to the month counts from that month; one whose start is not
    evidenced counts as sitting until it stood down.
    """
    sitting = (
        Board.objects.filter(case_id=case_id)
        .filter(Q(established_on__isnull=True) | Q(established_on__lte=on))
        .filter(Q(stood_down_precision="") | Q(stood_down_on__gt=on))
    )
    return sitting.order_by(F("established_on").desc(nulls_last=True), "-pk").first()


@transaction.atomic
def board_report_submit(
    *,
    report: BoardReport,
    by: User,
    on: datetime.date,
    summary: str,
    document_reference: str = "",
    files: Iterable[UploadedFile] = (),
) -> BoardReport:
    """The council sends a month's Board report on `on`, with any files, to the board sitting then."""
    report.board = board_sitting_on(report.notice.case_id, on)
    _submit_document(
        report,
        report.obligation,
        by=by,
        on=on,
        summary=summary,
        document_reference=document_reference,
        files=files,
        missing_summary=_("Enter a summary of the Board report."),
    )
    notification_services.board_report_submitted(report, report.obligation, by=by)
    return report
