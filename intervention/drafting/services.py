"""Drafting a warning notice and issuing it: the contents s151(2) demands, then its deadlines."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from accounts.audit import (
    apply_transition,
    check_not_future,
    delete_with_history,
    save_with_history,
)
from inspections.choices import InspectionState
from inspections.models import Finding, StatutoryFunction

from .. import calendars, deadlines, permissions
from ..choices import (
    ComplianceRule,
    DeadlineKind,
    NoticeKind,
    RequirementDue,
    RequirementKind,
)
from ..models import (
    BoardReport,
    Deadline,
    Ground,
    ImprovementPlan,
    InterventionCase,
    NoticeGround,
    Requirement,
    WarningNotice,
    legislature_name,
)

if TYPE_CHECKING:
    from accounts.models import User
from ..checks import clean_and_save, require, require_draft

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
    require(permissions.can_draft_notice(case, by))
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
    clean_and_save(notice, by=by, reason="create")
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
    require(permissions.can_manage_notice(notice, by))
    require_draft(notice)
    unknown = set(changes) - set(NOTICE_DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"Fields that cannot be changed here: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(notice, name, value)
    _check_inspection(notice)
    clean_and_save(notice, by=by, reason="update draft")
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
    require(permissions.can_manage_notice(notice, by))
    require_draft(notice)
    if not reasons.strip():
        raise ValidationError({"reasons": _("Enter the reasons this ground exists.")})
    findings = list(findings)
    if any(f.inspection.council_id != notice.case.council_id for f in findings):
        raise ValidationError({"findings": _("Choose findings about this council.")})
    notice_ground = NoticeGround.objects.filter(notice=notice, ground=ground).first()
    if notice_ground is None:
        notice_ground = NoticeGround(notice=notice, ground=ground)
    notice_ground.reasons = reasons
    clean_and_save(notice_ground, by=by, reason="set ground")
    notice_ground._history_user = by
    notice_ground.findings.set(findings)
    del notice_ground._history_user
    return notice_ground


@transaction.atomic
def notice_remove_ground(*, notice: WarningNotice, by: User, ground: Ground) -> None:
    require(permissions.can_manage_notice(notice, by))
    require_draft(notice)
    for notice_ground in NoticeGround.objects.filter(notice=notice, ground=ground):
        delete_with_history(notice_ground, by=by, reason="remove ground")


@transaction.atomic
def notice_set_failed_functions(
    *, notice: WarningNotice, by: User, functions: Iterable[StatutoryFunction]
) -> WarningNotice:
    """Name the social services functions the council failed to perform."""
    require(permissions.can_manage_notice(notice, by))
    require_draft(notice)
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
    require(permissions.can_manage_notice(notice, by))
    require_draft(notice)
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
    clean_and_save(requirement, by=by, reason="create")
    return requirement


def _check_requirement_due(requirement: Requirement) -> None:
    if requirement.due == RequirementDue.FIXED_DATE and requirement.due_on_fixed is None:
        raise ValidationError({"due_on_fixed": _("Enter the date this requirement is due.")})
    if requirement.due != RequirementDue.FIXED_DATE:
        requirement.due_on_fixed = None


@transaction.atomic
def requirement_update(*, requirement: Requirement, by: User, **changes) -> Requirement:
    require(permissions.can_manage_notice(requirement.notice, by))
    require_draft(requirement.notice)
    unknown = set(changes) - set(REQUIREMENT_DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"Fields that cannot be changed here: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(requirement, name, value)
    _check_requirement_due(requirement)
    clean_and_save(requirement, by=by, reason="update")
    return requirement


@transaction.atomic
def requirement_remove(*, requirement: Requirement, by: User) -> None:
    require(permissions.can_manage_notice(requirement.notice, by))
    require_draft(requirement.notice)
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
    clean_and_save(deadline, by=by, reason="computed on issue")
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
    require(permissions.can_manage_notice(notice, by))
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
        clean_and_save(plan, by=by, reason="opened on issue")

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
        clean_and_save(slot, by=by, reason="slot opened on issue")
    return notice
