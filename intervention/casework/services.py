"""The council's work and Welsh Government's decisions on it: evidence, the plan, Board reports."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import (
    apply_transition,
    check_not_future,
    save_with_history,
)

from ..choices import (
    SETTLED_REQUIREMENT_STATES,
    DeadlineKind,
    RequirementDue,
    SubmissionDecision,
)
from ..models import (
    EVIDENCE_HEADER_BYTES,
    BoardReport,
    EvidenceFile,
    ImprovementPlan,
    Intervention,
    Requirement,
    Submission,
    WarningNotice,
    evidence_content_type,
)

if TYPE_CHECKING:
    from accounts.models import User
from ..checks import check_after_given, clean_and_save, meet_deadline, require_reason

# The council's work and Welsh Government's decisions ---------------------------------------


@transaction.atomic
def requirement_submit(
    *, requirement: Requirement, by: User, statement: str, files: Iterable[UploadedFile] = ()
) -> Submission:
    """The council submits evidence that a requirement is met, with any files attached."""
    if not statement.strip():
        raise ValidationError({"statement": _("Enter how the council has met this requirement.")})
    uploads = [(upload, _evidence_type(upload)) for upload in files]
    apply_transition(requirement, "submit", by=by, reason=statement)
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
    return submission


def _evidence_type(upload: UploadedFile) -> str:
    """Return the content type the file's extension and first bytes agree on, or refuse the file."""
    upload.seek(0)
    head = upload.read(EVIDENCE_HEADER_BYTES)
    upload.seek(0)
    content_type = evidence_content_type(upload.name or "", head)
    if content_type is None:
        raise ValidationError(
            {"files": _("The selected file must be a PDF, Word document, Excel spreadsheet or image")}
        )
    return content_type


def _safe_file_name(name: str) -> str:
    """Keep the person's file name for display and download, without any path or control characters."""
    name = "".join(c for c in PurePath(name.replace("\\", "/")).name if c.isprintable())
    return name[-255:] or "evidence"


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
    """Welsh Government accepts the council's evidence; a requirement's own due date is met by it.

    A requirement due by the end of the compliance period shares that deadline with the
    improvement plan, whose submission alone meets it: accepting the requirement leaves it alone.
    """
    apply_transition(requirement, "accept", by=by, reason=reason)
    submission = _decide_pending(requirement, by=by, decision=SubmissionDecision.ACCEPTED, reason=reason)
    deadline = requirement.deadline
    if submission is not None and deadline is not None and deadline.kind == DeadlineKind.REQUIREMENT:
        met_on = timezone.localdate(submission.submitted_at)
        meet_deadline(deadline, met_on, by=by, why="requirement accepted")
    _meet_compliance_without_plan(requirement.notice, by=by)
    return requirement


def _meet_compliance_without_plan(notice: WarningNotice, *, by: User) -> None:
    """Without an improvement plan, meet the compliance period once what is due by its end is settled.

    A notice with a plan has one writer of its compliance deadline, the plan. Without one, the
    period is met when every requirement due by its end is accepted or withdrawn, on the day the
    last accepted evidence came in (or today, if none was accepted).
    """
    if notice.requires_improvement_plan:
        return
    compliance = notice.deadlines.filter(kind=DeadlineKind.COMPLIANCE).first()
    owed = notice.requirements.filter(due=RequirementDue.COMPLIANCE_PERIOD)
    if compliance is None or owed.exclude(state__in=SETTLED_REQUIREMENT_STATES).exists():
        return
    last = Submission.objects.filter(requirement__in=owed, decision=SubmissionDecision.ACCEPTED).aggregate(
        last=Max("submitted_at")
    )["last"]
    met_on = timezone.localdate(last) if last else timezone.localdate()
    meet_deadline(compliance, met_on, by=by, why="compliance requirements settled")


@transaction.atomic
def requirement_return(*, requirement: Requirement, by: User, reason: str) -> Requirement:
    """Welsh Government returns the submission to the council, saying why."""
    require_reason(reason, _("Enter why the submission is being returned."))
    apply_transition(requirement, "return_to_council", by=by, reason=reason)
    _decide_pending(requirement, by=by, decision=SubmissionDecision.RETURNED, reason=reason)
    return requirement


@transaction.atomic
def requirement_withdraw(*, requirement: Requirement, by: User, reason: str) -> Requirement:
    """Welsh Government no longer requires this action."""
    require_reason(reason, _("Enter why the requirement is being withdrawn."))
    apply_transition(requirement, "withdraw", by=by, reason=reason)
    _meet_compliance_without_plan(requirement.notice, by=by)
    return requirement


@transaction.atomic
def requirement_record_breach(*, requirement: Requirement, by: User, reason: str) -> Requirement:
    """Record that a continuing condition was broken."""
    require_reason(reason, _("Describe the breach."))
    apply_transition(requirement, "record_breach", by=by, reason=reason)
    _decide_pending(requirement, by=by, decision=SubmissionDecision.RETURNED, reason=reason)
    return requirement


def _submit_document(
    obj: ImprovementPlan | BoardReport,
    *,
    by: User,
    on: datetime.date,
    summary: str,
    document_reference: str,
    missing_summary: str,
    why: str,
) -> None:
    """The council submits a document (the plan, a Board report) on a date: it meets its deadline."""
    if not summary.strip():
        raise ValidationError({"summary": missing_summary})
    check_after_given(obj.notice, on)
    apply_transition(
        obj,
        "submit",
        by=by,
        reason=summary,
        occurred_on=on,
        on=on,
        summary=summary,
        document_reference=document_reference,
    )
    meet_deadline(obj.deadline, on, by=by, why=why)


@transaction.atomic
def plan_submit(
    *,
    plan: ImprovementPlan,
    by: User,
    on: datetime.date,
    summary: str,
    document_reference: str = "",
) -> ImprovementPlan:
    """The council submits its improvement plan."""
    _submit_document(
        plan,
        by=by,
        on=on,
        summary=summary,
        document_reference=document_reference,
        missing_summary=_("Enter a summary of the improvement plan."),
        why="improvement plan submitted",
    )
    return plan


@transaction.atomic
def plan_return(*, plan: ImprovementPlan, by: User, reason: str) -> ImprovementPlan:
    """Welsh Government asks for a revised plan; the deadline counts as unmet until resubmitted.

    The plan is the only thing that meets the compliance deadline, so reopening it reopens nothing
    else: requirements due by the same date keep their own states.
    """
    require_reason(reason, _("Enter why the plan is being returned."))
    apply_transition(plan, "return_to_council", by=by, reason=reason)
    meet_deadline(plan.deadline, None, by=by, why="improvement plan returned")
    return plan


@transaction.atomic
def plan_agree(*, plan: ImprovementPlan, by: User, on: datetime.date, reason: str = "") -> ImprovementPlan:
    """Record that the plan was agreed with the Improvement Board."""
    check_after_given(plan.notice, on)
    if plan.submitted_on and on < plan.submitted_on:
        raise ValidationError({"on": _("The plan cannot be agreed before it was submitted.")})
    return apply_transition(plan, "agree", by=by, reason=reason, occurred_on=on, on=on)


@transaction.atomic
def board_report_submit(
    *,
    report: BoardReport,
    by: User,
    on: datetime.date,
    summary: str,
    document_reference: str = "",
) -> BoardReport:
    """The council submits a month's Improvement Board report."""
    _submit_document(
        report,
        by=by,
        on=on,
        summary=summary,
        document_reference=document_reference,
        missing_summary=_("Enter a summary of the Board report."),
        why="Board report submitted",
    )
    return report


@transaction.atomic
def intervention_bring_into_force(
    *, intervention: Intervention, by: User, on: datetime.date, reason: str = ""
) -> Intervention:
    check_not_future(on, what=_("The date the direction took effect"))
    if on < intervention.proposed_on:
        raise ValidationError({"on": _("A direction cannot take effect before it was proposed.")})
    return apply_transition(intervention, "bring_into_force", by=by, reason=reason, occurred_on=on, on=on)


@transaction.atomic
def intervention_end(*, intervention: Intervention, by: User, on: datetime.date, reason: str) -> Intervention:
    require_reason(reason, _("Enter why the intervention is ending."))
    check_not_future(on, what=_("The date the intervention ended"))
    if on < intervention.proposed_on:
        raise ValidationError({"on": _("An intervention cannot end before it was proposed.")})
    return apply_transition(intervention, "end", by=by, reason=reason, occurred_on=on, on=on)
