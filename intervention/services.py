"""Every change to an intervention, one function per user action: checked, atomic and audited.

Each function checks the person's permission (django-fsm-2 does not enforce `permission=` when a
transition is called), runs in one transaction, saves with history and logs transitions through
accounts.audit.apply_transition. Input problems raise ValidationError; a wrong role raises
PermissionDenied; a move the state or its conditions forbid raises fsm.TransitionNotAllowed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import (
    apply_transition,
    check_not_future,
    delete_with_history,
    save_with_history,
)
from accounts.choices import OrganisationKind
from inspections.choices import InspectionState
from inspections.models import Finding, Inspection, StatutoryFunction

from . import calendars, deadlines, permissions
from .choices import (
    SETTLED_REQUIREMENT_STATES,
    ComplianceRule,
    DeadlineKind,
    NoticeKind,
    NoticeState,
    RequirementDue,
    RequirementKind,
    SubmissionDecision,
)
from .models import (
    EVIDENCE_HEADER_BYTES,
    BoardReport,
    Deadline,
    EvidenceFile,
    Ground,
    ImprovementPlan,
    Intervention,
    InterventionCase,
    NoticeGround,
    Requirement,
    Submission,
    WarningNotice,
    evidence_content_type,
    legislature_name,
)

if TYPE_CHECKING:
    from accounts.models import Organisation, User

# s151(3): the Ministers' own duties, in calendar days from the giving of the notice.
LAYING_DAYS = 21
REPORT_DAYS = 90

NOTICE_DRAFT_FIELDS = (
    "title",
    "reference",
    "minister",
    "purpose",
    "reasons_summary",
    "inspection",
    "compliance_rule",
    "compliance_days",
    "compliance_start_on",
    "compliance_fixed_on",
    "compliance_excludes_christmas_eve",
    "compliance_description",
    "requires_improvement_plan",
    "board_reports_from",
    "board_reports_count",
    "minded_to",
    "minded_to_powers",
    "announced_on",
)
REQUIREMENT_DRAFT_FIELDS = ("letter", "text", "kind", "due", "due_on_fixed", "position")


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You do not have permission to do this."))


def _require_reason(reason: str, message: str) -> None:
    if not reason or not reason.strip():
        raise ValidationError({"reason": message})


def _require_draft(notice: WarningNotice) -> None:
    """Refuse a change unless the notice is a draft as stored now, and hold it as one until commit.

    The row is re-read and locked (select_for_update; SQLite ignores the lock), so a change made at
    the same moment as the notice is issued or withdrawn cannot slip in after the check. Call inside
    transaction.atomic.
    """
    stored = WarningNotice.objects.select_for_update().filter(pk=notice.pk).values_list("state", flat=True)
    state = stored.first() if notice.pk else notice.state
    if state == NoticeState.DRAFT:
        return
    if state == NoticeState.WITHDRAWN:
        raise ValidationError(_("This notice was withdrawn, so its text cannot change."))
    raise ValidationError(_("This notice has been issued, so its text cannot change."))


def _clean_and_save(obj, *, by: User, reason: str) -> None:
    exclude = ["state"] if hasattr(obj, "state") else []
    obj.full_clean(exclude=exclude)
    save_with_history(obj, by=by, reason=reason)


# Cases ------------------------------------------------------------------------------------


@transaction.atomic
def case_open(
    *,
    by: User,
    council: Organisation,
    title: str,
    service_area: str,
    opened_on: datetime.date,
    regime: str = "",
    inspections: Iterable[Inspection] = (),
) -> InterventionCase:
    """Open an intervention case for a council's service area."""
    _require(permissions.can_create_case(by))
    if council.kind != OrganisationKind.LOCAL_AUTHORITY:
        raise ValidationError({"council": _("Choose a council.")})
    check_not_future(opened_on, what=_("The date the case was opened"))
    case = InterventionCase(council=council, title=title, service_area=service_area, opened_on=opened_on)
    if regime:
        case.regime = regime
    _clean_and_save(case, by=by, reason="create")
    inspections = list(inspections)
    if any(i.council_id != council.pk for i in inspections):
        raise ValidationError({"inspections": _("Choose inspections of this council.")})
    if inspections:
        case._history_user = by
        case.inspections.set(inspections)
        del case._history_user
    return case


@transaction.atomic
def case_close(
    *, case: InterventionCase, by: User, on: datetime.date, decision: str, source: str
) -> InterventionCase:
    """Record the Ministers' dated decision that the case is over, with its source."""
    _require_reason(decision, _("Enter the Ministers' decision to close the case."))
    if not source.strip():
        raise ValidationError({"source": _("Enter where the decision is recorded.")})
    check_not_future(on, what=_("The date of the decision"))
    if on < case.opened_on:
        raise ValidationError({"on": _("The case cannot close before it opened.")})
    return apply_transition(
        case,
        "close",
        by=by,
        reason=decision,
        occurred_on=on,
        on=on,
        decision=decision,
        source=source,
    )


# Drafting a notice -------------------------------------------------------------------------


@transaction.atomic
def notice_draft(
    *,
    case: InterventionCase,
    by: User,
    title: str,
    kind: str = NoticeKind.ORIGINAL,
    parent: WarningNotice | None = None,
    **fields,
) -> WarningNotice:
    """Start drafting a warning notice on a case."""
    _require(permissions.can_draft_notice(case, by))
    unknown = set(fields) - set(NOTICE_DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"Fields that cannot be set here: {sorted(unknown)}")
    if parent is not None and parent.case_id != case.pk:
        raise ValidationError({"parent": _("Choose a notice on the same case.")})
    if kind == NoticeKind.ORIGINAL and parent is not None:
        raise ValidationError({"parent": _("An original notice does not follow another notice.")})
    if kind != NoticeKind.ORIGINAL and parent is None:
        raise ValidationError({"parent": _("Choose the notice this one follows or amends.")})
    notice = WarningNotice(case=case, title=title, kind=kind, parent=parent, **fields)
    _check_inspection(notice)
    _clean_and_save(notice, by=by, reason="create")
    return notice


def _check_inspection(notice: WarningNotice) -> None:
    inspection = notice.inspection
    if inspection is None:
        return
    if inspection.council_id != notice.case.council_id:
        raise ValidationError({"inspection": _("Choose an inspection of this council.")})
    if inspection.state != InspectionState.PUBLISHED:
        raise ValidationError({"inspection": _("A notice can rest only on a published inspection report.")})


@transaction.atomic
def notice_update_draft(*, notice: WarningNotice, by: User, **changes) -> WarningNotice:
    """Change a notice while it is a draft."""
    _require(permissions.can_manage_notice(notice, by))
    _require_draft(notice)
    unknown = set(changes) - set(NOTICE_DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"Fields that cannot be changed here: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(notice, name, value)
    _check_inspection(notice)
    _clean_and_save(notice, by=by, reason="update draft")
    return notice


@transaction.atomic
def notice_set_ground(
    *,
    notice: WarningNotice,
    by: User,
    ground: Ground,
    reasons: str,
    findings: Iterable[Finding] = (),
) -> NoticeGround:
    """Rely on a ground, with the reasons and the findings they rest on (replacing any before)."""
    _require(permissions.can_manage_notice(notice, by))
    _require_draft(notice)
    if not reasons.strip():
        raise ValidationError({"reasons": _("Enter the reasons this ground exists.")})
    findings = list(findings)
    if any(f.inspection.council_id != notice.case.council_id for f in findings):
        raise ValidationError({"findings": _("Choose findings about this council.")})
    notice_ground = NoticeGround.objects.filter(notice=notice, ground=ground).first()
    if notice_ground is None:
        notice_ground = NoticeGround(notice=notice, ground=ground)
    notice_ground.reasons = reasons
    _clean_and_save(notice_ground, by=by, reason="set ground")
    notice_ground._history_user = by
    notice_ground.findings.set(findings)
    del notice_ground._history_user
    return notice_ground


@transaction.atomic
def notice_remove_ground(*, notice: WarningNotice, by: User, ground: Ground) -> None:
    _require(permissions.can_manage_notice(notice, by))
    _require_draft(notice)
    for notice_ground in NoticeGround.objects.filter(notice=notice, ground=ground):
        delete_with_history(notice_ground, by=by, reason="remove ground")


@transaction.atomic
def notice_set_failed_functions(
    *, notice: WarningNotice, by: User, functions: Iterable[StatutoryFunction]
) -> WarningNotice:
    """Name the social services functions the council failed to perform."""
    _require(permissions.can_manage_notice(notice, by))
    _require_draft(notice)
    notice._history_user = by
    notice.failed_functions.set(list(functions))
    del notice._history_user
    return notice


@transaction.atomic
def requirement_add(
    *,
    notice: WarningNotice,
    by: User,
    letter: str,
    text: str,
    kind: str = RequirementKind.ONE_OFF,
    due: str = RequirementDue.NONE,
    due_on_fixed: datetime.date | None = None,
    position: int | None = None,
) -> Requirement:
    """Add a requirement, such as (a), to a draft notice."""
    _require(permissions.can_manage_notice(notice, by))
    _require_draft(notice)
    if notice.requirements.filter(letter=letter).exists():
        raise ValidationError({"letter": _("This notice already has a requirement (%s).") % letter})
    if position is None:
        position = notice.requirements.count() + 1
    requirement = Requirement(
        notice=notice,
        letter=letter,
        text=text,
        kind=kind,
        due=due,
        due_on_fixed=due_on_fixed,
        position=position,
    )
    _check_requirement_due(requirement)
    _clean_and_save(requirement, by=by, reason="create")
    return requirement


def _check_requirement_due(requirement: Requirement) -> None:
    if requirement.due == RequirementDue.FIXED_DATE and requirement.due_on_fixed is None:
        raise ValidationError({"due_on_fixed": _("Enter the date this requirement is due.")})
    if requirement.due != RequirementDue.FIXED_DATE:
        requirement.due_on_fixed = None


@transaction.atomic
def requirement_update(*, requirement: Requirement, by: User, **changes) -> Requirement:
    _require(permissions.can_manage_notice(requirement.notice, by))
    _require_draft(requirement.notice)
    unknown = set(changes) - set(REQUIREMENT_DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"Fields that cannot be changed here: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(requirement, name, value)
    _check_requirement_due(requirement)
    _clean_and_save(requirement, by=by, reason="update")
    return requirement


@transaction.atomic
def requirement_remove(*, requirement: Requirement, by: User) -> None:
    _require(permissions.can_manage_notice(requirement.notice, by))
    _require_draft(requirement.notice)
    delete_with_history(requirement, by=by, reason="remove")


# Issuing and the Ministers' duties ---------------------------------------------------------


def render_notice_text(notice: WarningNotice, *, given_on: datetime.date) -> str:
    """Return the notice as it reads when given: the five contents s151(2) demands."""
    grounds = notice.grounds.select_related("ground").prefetch_related("findings")
    return render_to_string(
        "intervention/warning_notice.txt",
        {
            "notice": notice,
            "given_on": given_on,
            "grounds": grounds,
            "functions": notice.failed_functions.all(),
            "requirements": notice.requirements.all(),
        },
    ).strip()


def compute_compliance_deadline(notice: WarningNotice) -> calendars.ComputedDeadline:
    """Return the end of the compliance period as the notice sets it."""
    start = notice.compliance_start_on or notice.given_on
    if notice.compliance_rule == ComplianceRule.WORKING_DAYS:
        return calendars.working_day_deadline(
            start,
            notice.compliance_days,
            excludes_christmas_eve=notice.compliance_excludes_christmas_eve,
        )
    if notice.compliance_rule == ComplianceRule.CALENDAR_DAYS:
        return calendars.calendar_day_deadline(start, notice.compliance_days)
    return calendars.fixed_date_deadline(start, notice.compliance_fixed_on)


def _store_deadline(
    notice: WarningNotice,
    *,
    kind: str,
    label: str,
    computed: calendars.ComputedDeadline,
    by: User,
) -> Deadline:
    deadline = Deadline(
        notice=notice,
        kind=kind,
        label=label[:300],
        start_on=computed.start_on,
        count=computed.count,
        unit=computed.unit,
        due_on=computed.due_on,
        basis=computed.basis,
        skipped=computed.skipped_as_data(),
    )
    _clean_and_save(deadline, by=by, reason="computed on issue")
    return deadline


def _validate_before_issue(notice: WarningNotice, on: datetime.date) -> None:
    check_not_future(on, what=_("The date the notice is given"))
    start = notice.compliance_start_on or on
    fixed_on = notice.compliance_fixed_on
    if notice.compliance_rule == ComplianceRule.FIXED_DATE and fixed_on and fixed_on <= on:
        raise ValidationError(
            {"compliance_fixed_on": _("The compliance date must be after the notice is given.")}
        )
    if start > on + datetime.timedelta(days=366):
        raise ValidationError({"compliance_start_on": _("The compliance period starts too late.")})
    if notice.board_reports_count and notice.board_reports_from is None:
        raise ValidationError({"board_reports_from": _("Enter the month of the first Board report.")})
    if notice.inspection and notice.inspection.published_on and on < notice.inspection.published_on:
        raise ValidationError(
            {"on": _("A notice cannot be given before the report it rests on was published.")}
        )
    fixed = notice.requirements.filter(due=RequirementDue.FIXED_DATE, due_on_fixed__lte=on)
    if fixed.exists():
        raise ValidationError(_("Every fixed requirement date must be after the notice is given."))


@transaction.atomic
def notice_issue(*, notice: WarningNotice, by: User, on: datetime.date, reason: str = "") -> WarningNotice:
    """Give the notice: fix its text, compute its deadlines, open its plan and Board report slots."""
    _require(permissions.can_manage_notice(notice, by))
    # Hold the row until commit: a requirement or ground changed at this moment waits, then finds
    # the notice issued (_require_draft), so the fixed text cannot miss it.
    list(WarningNotice.objects.select_for_update().filter(pk=notice.pk).values_list("pk", flat=True))
    _validate_before_issue(notice, on)
    notice.issued_text = render_notice_text(notice, given_on=on)
    apply_transition(notice, "issue", by=by, reason=reason, occurred_on=on, on=on)

    compliance = _store_deadline(
        notice,
        kind=DeadlineKind.COMPLIANCE,
        label=notice.compliance_description or _("End of the compliance period"),
        computed=compute_compliance_deadline(notice),
        by=by,
    )
    laying = calendars.calendar_day_deadline(on, LAYING_DAYS)
    _store_deadline(
        notice,
        kind=DeadlineKind.LAYING,
        label=_("Lay a copy of the notice before %(legislature)s (s151(3)(a))")
        % {"legislature": legislature_name(laying.due_on)},
        computed=laying,
        by=by,
    )
    report = calendars.calendar_day_deadline(on, REPORT_DAYS)
    _store_deadline(
        notice,
        kind=DeadlineKind.REPORT,
        label=_("Report to %(legislature)s on the council's action (s151(3)(b))")
        % {"legislature": legislature_name(report.due_on)},
        computed=report,
        by=by,
    )
    if notice.requires_improvement_plan:
        plan = ImprovementPlan(notice=notice, deadline=compliance)
        _clean_and_save(plan, by=by, reason="opened on issue")

    requirements = list(notice.requirements.all())
    for requirement in requirements:
        if requirement.due == RequirementDue.COMPLIANCE_PERIOD:
            requirement.deadline = compliance
        elif requirement.due == RequirementDue.FIXED_DATE:
            requirement.deadline = _store_deadline(
                notice,
                kind=DeadlineKind.REQUIREMENT,
                label=_("Requirement (%(letter)s)") % {"letter": requirement.letter},
                computed=calendars.fixed_date_deadline(on, requirement.due_on_fixed),
                by=by,
            )
        else:
            continue
        save_with_history(requirement, by=by, reason="deadline set on issue")

    recurring = next((r for r in requirements if r.kind == RequirementKind.RECURRING_REPORT), None)
    for index in range(notice.board_reports_count):
        month = deadlines.add_months(notice.board_reports_from, index)
        computed = calendars.month_end_deadline(month)
        deadline = _store_deadline(
            notice,
            kind=DeadlineKind.BOARD_REPORT,
            label=_("Improvement Board report for %(month)s") % {"month": calendars.format_month(month)},
            computed=computed,
            by=by,
        )
        slot = BoardReport(notice=notice, requirement=recurring, month=month, deadline=deadline)
        _clean_and_save(slot, by=by, reason="slot opened on issue")
    return notice


def _meet_deadline(deadline: Deadline | None, on: datetime.date | None, *, by: User, why: str) -> None:
    if deadline is None or deadline.met_on == on:
        return
    deadline.met_on = on
    save_with_history(deadline, by=by, reason=why)


@transaction.atomic
def notice_record_laying(
    *, notice: WarningNotice, by: User, on: datetime.date, reference: str
) -> WarningNotice:
    """Record that a copy of the notice was laid before the legislature (s151(3)(a))."""
    _check_after_given(notice, on)
    apply_transition(
        notice, "record_laying", by=by, reason=reference, occurred_on=on, on=on, reference=reference
    )
    deadline = notice.deadlines.filter(kind=DeadlineKind.LAYING).first()
    _meet_deadline(deadline, on, by=by, why="laying recorded")
    return notice


@transaction.atomic
def notice_record_report(
    *, notice: WarningNotice, by: User, on: datetime.date, reference: str
) -> WarningNotice:
    """Record the Ministers' report to the legislature on the council's action (s151(3)(b))."""
    _check_after_given(notice, on)
    apply_transition(
        notice, "record_report", by=by, reason=reference, occurred_on=on, on=on, reference=reference
    )
    deadline = notice.deadlines.filter(kind=DeadlineKind.REPORT).first()
    _meet_deadline(deadline, on, by=by, why="report recorded")
    return notice


def _check_after_given(notice: WarningNotice, on: datetime.date) -> None:
    check_not_future(on, what=_("The date"))
    if notice.given_on and on < notice.given_on:
        raise ValidationError({"on": _("The date cannot be before the notice was given.")})


@transaction.atomic
def notice_close_as_complied(*, notice: WarningNotice, by: User, reason: str) -> WarningNotice:
    """Close the notice because every requirement has been accepted."""
    _require_reason(reason, _("Enter why the notice is being closed."))
    return apply_transition(notice, "close_as_complied", by=by, reason=reason, closing_reason=reason)


@transaction.atomic
def notice_withdraw(*, notice: WarningNotice, by: User, reason: str) -> WarningNotice:
    """Withdraw the notice; a reason is required."""
    _require_reason(reason, _("Enter why the notice is being withdrawn."))
    return apply_transition(notice, "withdraw", by=by, reason=reason, closing_reason=reason)


@transaction.atomic
def notice_escalate(
    *,
    notice: WarningNotice,
    by: User,
    reason: str,
    power: str,
    terms: str,
    nominee: str = "",
    on: datetime.date | None = None,
) -> Intervention:
    """Record that the Ministers move to intervene under ss152-161, and propose the direction."""
    _require_reason(reason, _("Enter why the notice is being escalated."))
    if not terms.strip():
        raise ValidationError({"terms": _("Enter the terms of the proposed direction.")})
    on = on or timezone.localdate()
    _check_after_given(notice, on)
    apply_transition(notice, "escalate", by=by, reason=reason, occurred_on=on)
    intervention = Intervention(notice=notice, power=power, terms=terms, nominee=nominee, proposed_on=on)
    _clean_and_save(intervention, by=by, reason=f"proposed: {reason}")
    return intervention


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
    _clean_and_save(submission, by=by, reason="submitted")
    for upload, content_type in uploads:
        evidence = EvidenceFile(
            submission=submission,
            file=upload,
            original_name=_safe_file_name(upload.name),
            content_type=content_type,
            size=upload.size,
            uploaded_by=by,
        )
        _clean_and_save(evidence, by=by, reason="uploaded")
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
        _meet_deadline(deadline, met_on, by=by, why="requirement accepted")
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
    _meet_deadline(compliance, met_on, by=by, why="compliance requirements settled")


@transaction.atomic
def requirement_return(*, requirement: Requirement, by: User, reason: str) -> Requirement:
    """Welsh Government returns the submission to the council, saying why."""
    _require_reason(reason, _("Enter why the submission is being returned."))
    apply_transition(requirement, "return_to_council", by=by, reason=reason)
    _decide_pending(requirement, by=by, decision=SubmissionDecision.RETURNED, reason=reason)
    return requirement


@transaction.atomic
def requirement_withdraw(*, requirement: Requirement, by: User, reason: str) -> Requirement:
    """Welsh Government no longer requires this action."""
    _require_reason(reason, _("Enter why the requirement is being withdrawn."))
    apply_transition(requirement, "withdraw", by=by, reason=reason)
    _meet_compliance_without_plan(requirement.notice, by=by)
    return requirement


@transaction.atomic
def requirement_record_breach(*, requirement: Requirement, by: User, reason: str) -> Requirement:
    """Record that a continuing condition was broken."""
    _require_reason(reason, _("Describe the breach."))
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
    _check_after_given(obj.notice, on)
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
    _meet_deadline(obj.deadline, on, by=by, why=why)


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
    _require_reason(reason, _("Enter why the plan is being returned."))
    apply_transition(plan, "return_to_council", by=by, reason=reason)
    _meet_deadline(plan.deadline, None, by=by, why="improvement plan returned")
    return plan


@transaction.atomic
def plan_agree(*, plan: ImprovementPlan, by: User, on: datetime.date, reason: str = "") -> ImprovementPlan:
    """Record that the plan was agreed with the Improvement Board."""
    _check_after_given(plan.notice, on)
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
    _require_reason(reason, _("Enter why the intervention is ending."))
    check_not_future(on, what=_("The date the intervention ended"))
    if on < intervention.proposed_on:
        raise ValidationError({"on": _("An intervention cannot end before it was proposed.")})
    return apply_transition(intervention, "end", by=by, reason=reason, occurred_on=on, on=on)
