"""Drafting a warning notice (or an addendum, or a follow-up) and issuing it: then what it makes owed."""

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

from .. import calendars, permissions
from ..checks import clean_and_save, require, require_draft
from ..choices import (
    LIVE_STATES,
    ComplianceRule,
    NoticeKind,
    NoticeState,
    RequirementAnswer,
    RequirementDue,
    RequirementKind,
    VariationAction,
)
from ..models import (
    CarryOverDecision,
    Ground,
    InterventionCase,
    NoticeGround,
    Obligation,
    Requirement,
    RequirementVariation,
    WarningNotice,
)
from ..notices import services as notice_services
from ..notifications import services as notification_services
from ..obligations import services as obligation_services
from ..obligations.services import check_known_years

if TYPE_CHECKING:
    from accounts.models import User


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
    "board_reports_until_end",
    "ministers_duties_apply",
    "minded_to",
    "minded_to_powers",
    "announced_on",
)
REQUIREMENT_DRAFT_FIELDS = ("letter", "text", "kind", "answered_by", "due", "due_on_fixed", "position")


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
    if parent is not None and parent.state != NoticeState.ISSUED:
        raise ValidationError({"parent": _("Choose a notice that is in force.")})
    if kind == NoticeKind.ADDENDUM:
        # Whether s151(3) applies to an addendum is unverified: the official says, off unless set.
        fields.setdefault("ministers_duties_apply", False)
        fields.setdefault("requires_improvement_plan", False)
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
    """Name the social services functions the council failed to perform, in the notice's order."""
    require(permissions.can_manage_notice(notice, by))
    require_draft(notice)
    functions = list(functions)
    notice._history_user = by
    notice.failed_functions.set(functions)
    del notice._history_user
    notice.failed_functions_order = [f.pk for f in functions]
    save_with_history(notice, by=by, reason="failed functions", update_fields=["failed_functions_order"])
    return notice


@transaction.atomic
def requirement_add(
    *,
    notice: WarningNotice,
    by: User,
    letter: str,
    text: str,
    kind: str = RequirementKind.ONE_OFF,
    answered_by: str = RequirementAnswer.EVIDENCE,
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
        answered_by=answered_by,
        due=due,
        due_on_fixed=due_on_fixed,
        position=position,
    )
    _check_requirement_due(requirement)
    clean_and_save(requirement, by=by, reason="create")
    return requirement


def _check_requirement_due(requirement: Requirement) -> None:
    """Check how a requirement is answered and when it is due; a document brings its own date."""
    if not requirement.is_answered_by_evidence:
        requirement.due, requirement.due_on_fixed = RequirementDue.NONE, None
        taken = requirement.notice.requirements.filter(answered_by=requirement.answered_by)
        if taken.exclude(pk=requirement.pk).exists():
            raise ValidationError(
                {"answered_by": _("Another requirement of this notice is already answered by that.")}
            )
        return
    if requirement.due == RequirementDue.FIXED_DATE and requirement.due_on_fixed is None:
        raise ValidationError({"due_on_fixed": _("Enter the date this requirement is due.")})
    if requirement.due != RequirementDue.FIXED_DATE:
        requirement.due_on_fixed = None
    check_known_years(requirement.due_on_fixed)


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


def reasons_by_ground(grounds: list[NoticeGround]) -> list[tuple[str, str]]:
    """Return each distinct set of reasons once, with the grounds it is given for ("Grounds 1 and 3")."""
    found: dict[str, list[int]] = {}
    for notice_ground in grounds:
        found.setdefault(notice_ground.reasons.strip(), []).append(notice_ground.ground.number)
    result = []
    for reasons, numbers in found.items():
        if len(numbers) == 1:
            label = _("Ground %(number)s") % {"number": numbers[0]}
        else:
            label = _("Grounds %(numbers)s and %(last)s") % {
                "numbers": ", ".join(str(n) for n in numbers[:-1]),
                "last": numbers[-1],
            }
        result.append((label, reasons))
    return result


def render_notice_text(notice: WarningNotice, *, given_on: datetime.date) -> str:
    """Return the notice as it reads when given: the five contents s151(2) demands."""
    grounds = list(notice.grounds.select_related("ground").prefetch_related("findings"))
    return render_to_string(
        "intervention/warning_notice.txt",
        {
            "notice": notice,
            "given_on": given_on,
            "grounds": grounds,
            "reasons": reasons_by_ground(grounds),
            "functions": notice.failed_functions_in_order(),
            "requirements": notice.requirements.all(),
        },
    ).strip()


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
    if (notice.board_reports_count or notice.board_reports_until_end) and notice.board_reports_from is None:
        raise ValidationError({"board_reports_from": _("Enter the month of the first Board report.")})
    if notice.inspection and notice.inspection.published_on and on < notice.inspection.published_on:
        raise ValidationError(
            {"on": _("A notice cannot be given before the report it rests on was published.")}
        )
    if notice.parent is not None and notice.parent.given_on and on < notice.parent.given_on:
        raise ValidationError({"on": _("A notice cannot be given before the notice it follows or amends.")})
    fixed = notice.requirements.filter(due=RequirementDue.FIXED_DATE, due_on_fixed__lte=on)
    if fixed.exists():
        raise ValidationError(_("Every fixed requirement date must be after the notice is given."))
    if (
        not notice.sets_compliance_period()
        and notice.requirements.filter(due=RequirementDue.COMPLIANCE_PERIOD).exists()
    ):
        raise ValidationError(
            _("A requirement is due by the end of the compliance period, so set the compliance period.")
        )
    if not notice.requires_improvement_plan:
        by_plan = notice.requirements.filter(
            answered_by__in=[RequirementAnswer.IMPROVEMENT_PLAN, RequirementAnswer.PLAN_AGREEMENT]
        )
        if by_plan.exists():
            raise ValidationError(
                _("A requirement is answered by the improvement plan, so the notice must ask for a plan.")
            )
    if notice.requires_improvement_plan and not notice.sets_compliance_period():
        raise ValidationError(
            _("The improvement plan is due by the end of the compliance period, so set it.")
        )


@transaction.atomic
def notice_issue(*, notice: WarningNotice, by: User, on: datetime.date, reason: str = "") -> WarningNotice:
    """Give the notice: fix its text, work out its compliance period and open everything it makes owed.

    An addendum's variations take effect (requirements of the notice it amends get new words, or
    are no longer required); a follow-up notice supersedes the notice it follows, whose open
    obligations are carried over or closed as the official decided. The people affected are told.
    """
    require(permissions.can_manage_notice(notice, by))
    # Hold the row until commit: a requirement or ground changed at this moment waits, then finds
    # the notice issued (require_draft), so the fixed text cannot miss it.
    list(WarningNotice.objects.select_for_update().filter(pk=notice.pk).values_list("pk", flat=True))
    _validate_before_issue(notice, on)
    compliance = None
    if notice.sets_compliance_period():
        compliance = obligation_services.compute_compliance_period(notice, on=on)
        notice.compliance_ends_on = compliance.due_on
        notice.compliance_basis = compliance.basis[:300]
    notice.issued_text = render_notice_text(notice, given_on=on)
    apply_transition(notice, "issue", by=by, reason=reason, occurred_on=on, on=on)
    opened = obligation_services.open_for_notice(notice, by=by, on=on, compliance=compliance)
    lines = [_("The notice was given on %(date)s.") % {"date": calendars.format_date(on)}]
    if notice.kind == NoticeKind.ADDENDUM:
        lines += _apply_variations(notice, by=by, on=on)
    if notice.kind == NoticeKind.FOLLOW_UP:
        lines += _supersede_parent(notice, by=by, on=on)
    # The council's officers and senior contacts (and Welsh Government, for the Ministers' duties).
    notification_services.notice_issued(
        notice,
        by=by,
        lines=lines + obligation_services.describe_owed(opened),
        owners={o.owner for o in opened},
    )
    return notice


def _apply_variations(addendum: WarningNotice, *, by: User, on: datetime.date) -> list[str]:
    """Make an addendum's changes to the requirements of the notice it amends; say what changed."""
    lines = []
    given = calendars.format_date(on)
    for variation in addendum.variations.select_related("requirement__notice").order_by(
        "requirement__position"
    ):
        requirement = variation.requirement
        if variation.action == VariationAction.AMEND:
            variation.previous_text = requirement.text
            requirement.text = variation.new_text
            save_with_history(requirement, by=by, reason=f"amended by addendum: {variation.reason}")
            lines.append(
                _("Requirement (%(letter)s) now reads: %(text)s")
                % {"letter": requirement.letter, "text": requirement.text}
            )
        else:
            why = _("Withdrawn by the addendum given on %(date)s: %(reason)s") % {
                "date": given,
                "reason": variation.reason,
            }
            obligation_services.withdraw_requirement(requirement, by=by, on=on, why=why)
            lines.append(
                _("Requirement (%(letter)s) is no longer required.") % {"letter": requirement.letter}
            )
        variation.applied_on = on
        save_with_history(variation, by=by, reason="applied")
    return lines


def _supersede_parent(follow_up: WarningNotice, *, by: User, on: datetime.date) -> list[str]:
    """Carry over or close each open obligation of the notice a follow-up supersedes, as decided."""
    parent = follow_up.parent
    lines = []
    given = calendars.format_date(on)
    for decision in follow_up.carry_over_decisions.select_related(
        "obligation__requirement", "obligation__board_report"
    ):
        obligation = decision.obligation
        if obligation.state not in LIVE_STATES:
            continue
        if decision.carry_over:
            obligation.carried_to = follow_up
            obligation.changed_on = max(on, obligation.changed_on)
            save_with_history(obligation, by=by, reason=f"carried over to: {follow_up.title}"[:100])
            lines.append(_("Carried over to the follow-up notice: %(what)s") % {"what": obligation.label})
        else:
            why = _("Superseded by the follow-up notice given on %(date)s; closed.") % {"date": given}
            obligation_services.release(obligation, by=by, on=on, reason=why)
            lines.append(_("Closed, no longer required: %(what)s") % {"what": obligation.label})
    why = _("Superseded by the follow-up notice “%(notice)s” given on %(date)s.") % {
        "notice": follow_up.title,
        "date": given,
    }
    apply_transition(parent, "supersede", by=by, reason=why, occurred_on=on, on=on, closing_reason=why)
    notice_services.end_addenda(parent, by=by, on=on, why=why)
    return lines


# Addenda and follow-up notices, while drafted -----------------------------------------------------


def _require_kind(notice: WarningNotice, kind: str, message: str) -> None:
    if notice.kind != kind:
        raise ValidationError(message)


@transaction.atomic
def variation_set(
    *,
    addendum: WarningNotice,
    by: User,
    requirement: Requirement,
    action: str,
    reason: str,
    new_text: str = "",
) -> RequirementVariation:
    """Say how a draft addendum varies one requirement of the notice it amends (replacing any before)."""
    require(permissions.can_manage_notice(addendum, by))
    require_draft(addendum)
    _require_kind(addendum, NoticeKind.ADDENDUM, _("Only an addendum varies the requirements of a notice."))
    if requirement.notice_id != addendum.parent_id:
        raise ValidationError({"requirement": _("Choose a requirement of the notice this addendum amends.")})
    if not requirement.obligations.filter(state__in=LIVE_STATES).exists():
        raise ValidationError({"requirement": _("Choose a requirement that is still owed.")})
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Enter why the requirement is being changed.")})
    if action == VariationAction.AMEND and not new_text.strip():
        raise ValidationError({"new_text": _("Enter the new words of the requirement.")})
    variation = RequirementVariation.objects.filter(addendum=addendum, requirement=requirement).first()
    variation = variation or RequirementVariation(addendum=addendum, requirement=requirement)
    variation.action = action
    variation.new_text = new_text.strip() if action == VariationAction.AMEND else ""
    variation.reason = reason.strip()
    clean_and_save(variation, by=by, reason="set")
    return variation


@transaction.atomic
def variation_remove(*, variation: RequirementVariation, by: User) -> None:
    require(permissions.can_manage_notice(variation.addendum, by))
    require_draft(variation.addendum)
    delete_with_history(variation, by=by, reason="remove")


def parent_obligations_to_decide(follow_up: WarningNotice):
    """Return the council's open obligations of the notice a follow-up supersedes, to carry or close."""
    return (
        obligation_services.owed_by_council(follow_up.parent)
        .select_related("requirement", "board_report", "notice")
        .order_by("position", "id")
    )


@transaction.atomic
def carry_over_decide(
    *, follow_up: WarningNotice, by: User, obligation: Obligation, carry_over: bool
) -> CarryOverDecision:
    """Say whether a draft follow-up carries over one open obligation of its parent, or closes it."""
    require(permissions.can_manage_notice(follow_up, by))
    require_draft(follow_up)
    _require_kind(follow_up, NoticeKind.FOLLOW_UP, _("Only a follow-up notice carries obligations over."))
    if not parent_obligations_to_decide(follow_up).filter(pk=obligation.pk).exists():
        raise ValidationError({"obligation": _("Choose an open obligation of the notice this one follows.")})
    decision = CarryOverDecision.objects.filter(follow_up=follow_up, obligation=obligation).first()
    decision = decision or CarryOverDecision(
        follow_up=follow_up, obligation=obligation, carry_over=carry_over
    )
    decision.carry_over = carry_over
    clean_and_save(decision, by=by, reason="decided")
    return decision
