"""Read queries for interventions; the `*_for_user` functions are the one gate of visibility.

They agree with the `can_view_*` predicates in permissions.py (a test checks both for every role):
officials see everything; inspectors see cases and given notices; a council officer sees only their
own council's cases and given notices, never a draft.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet

from accounts.choices import Role
from accounts.permissions import has_role, is_inspector, is_official

from .casework import returns
from .choices import NoticeState, ObligationKind, ObligationState, Owner
from .models import BoardReport, ImprovementPlan, InterventionCase, Obligation, Requirement, WarningNotice

if TYPE_CHECKING:
    from accounts.models import User


def cases_for_user(user: User) -> QuerySet[InterventionCase]:
    cases = InterventionCase.objects.select_related("council")
    if is_official(user) or is_inspector(user):
        return cases
    if has_role(user, Role.COUNCIL_OFFICER):
        return cases.filter(council_id=user.organisation_id)
    return cases.none()


def notices_for_user(user: User) -> QuerySet[WarningNotice]:
    notices = WarningNotice.objects.select_related("case__council", "inspection", "parent")
    if is_official(user):
        return notices
    # Given: not a draft, and not a draft withdrawn before it was ever given to the council.
    given = notices.exclude(state=NoticeState.DRAFT).filter(given_on__isnull=False)
    if is_inspector(user):
        return given
    if has_role(user, Role.COUNCIL_OFFICER):
        return given.filter(case__council_id=user.organisation_id)
    return notices.none()


def _visible_notice_ids(user: User) -> QuerySet:
    return notices_for_user(user).values("pk")


def requirements_for_user(user: User) -> QuerySet[Requirement]:
    return Requirement.objects.filter(notice__in=_visible_notice_ids(user)).select_related(
        "notice__case__council"
    )


def plans_for_user(user: User) -> QuerySet[ImprovementPlan]:
    return ImprovementPlan.objects.filter(notice__in=_visible_notice_ids(user)).select_related(
        "notice__case__council"
    )


def board_reports_for_user(user: User) -> QuerySet[BoardReport]:
    return BoardReport.objects.filter(notice__in=_visible_notice_ids(user)).select_related(
        "notice__case__council", "obligation"
    )


# The home page -----------------------------------------------------------------------------


def _council_work(user: User) -> QuerySet[Obligation]:
    obligations = Obligation.objects.filter(
        notice__in=_visible_notice_ids(user), owner=Owner.COUNCIL
    ).select_related("notice__case__council", "requirement", "board_report")
    if has_role(user, Role.COUNCIL_OFFICER):
        obligations = obligations.filter(notice__case__council_id=user.organisation_id)
    return obligations


def awaiting_review(user: User) -> QuerySet[Obligation]:
    """What the council has submitted evidence for and Welsh Government has not yet decided."""
    return (
        _council_work(user)
        .filter(state=ObligationState.SUBMITTED)
        .order_by("submitted_on", "notice_id", "position")
    )


def returned_to_council(user: User) -> QuerySet[Obligation]:
    """What Welsh Government returned (evidence, the plan), waiting for the council to send again."""
    returned = returns.returned(_council_work(user).select_related("notice__improvement_plan"))
    return returned.order_by("notice_id", "position")


def plans_awaiting_agreement(user: User) -> QuerySet[Obligation]:
    """Improvement plans submitted whose agreement with the Improvement Board is not yet recorded."""
    submitted = Obligation.objects.filter(
        notice=OuterRef("notice"), kind=ObligationKind.IMPROVEMENT_PLAN, state=ObligationState.MET
    )
    return (
        _council_work(user)
        .filter(
            kind=ObligationKind.PLAN_AGREEMENT, state__in=[ObligationState.OPEN, ObligationState.RETURNED]
        )
        .filter(Exists(submitted))
        .order_by("notice__given_on", "notice_id")
    )


def draft_notices(user: User) -> QuerySet[WarningNotice]:
    return notices_for_user(user).filter(state=NoticeState.DRAFT).order_by("-created_at")
