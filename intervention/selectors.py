"""Read queries for interventions; the `*_for_user` functions are the one gate of visibility.

They agree with the `can_view_*` predicates in permissions.py (a test checks both for every role):
officials see everything; inspectors see cases and given notices; a council officer sees only their
own council's cases and given notices, never a draft.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.permissions import has_role, is_inspector, is_official

from . import calendars
from .choices import NoticeState, PlanState, RequirementState
from .models import BoardReport, Deadline, ImprovementPlan, InterventionCase, Requirement, WarningNotice

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
        "notice__case__council", "deadline"
    )


def deadlines_for_user(user: User) -> QuerySet[Deadline]:
    return Deadline.objects.filter(notice__in=_visible_notice_ids(user)).select_related(
        "notice__case__council"
    )


def plans_for_user(user: User) -> QuerySet[ImprovementPlan]:
    return ImprovementPlan.objects.filter(notice__in=_visible_notice_ids(user)).select_related(
        "notice__case__council", "deadline"
    )


def board_reports_for_user(user: User) -> QuerySet[BoardReport]:
    return BoardReport.objects.filter(notice__in=_visible_notice_ids(user)).select_related(
        "notice__case__council", "deadline"
    )


def open_deadlines(queryset: QuerySet[Deadline]) -> QuerySet[Deadline]:
    """Return the deadlines not yet met on notices still being worked on."""
    return queryset.filter(Q(met_on__isnull=True), notice__state=NoticeState.ISSUED)


# The home page -----------------------------------------------------------------------------

DUE_SOON_WORKING_DAYS = 5
DASHBOARD_ROWS = 50


@dataclass
class DeadlineGroup:
    key: str
    title: str
    deadlines: list
    total: int


def due_soon_until(today: datetime.date) -> datetime.date:
    """Return the last day counted as "due soon": 5 working days after today."""
    return calendars.working_day_deadline(today, DUE_SOON_WORKING_DAYS).due_on


def deadline_groups(user: User, *, today: datetime.date) -> list[DeadlineGroup]:
    """Group the open deadlines `user` may see: overdue, due in 5 working days, later."""
    open_ones = open_deadlines(deadlines_for_user(user)).order_by("due_on", "id")
    soon = due_soon_until(today)
    groups = [
        ("overdue", _("Overdue"), open_ones.filter(due_on__lt=today)),
        (
            "due_soon",
            _("Due in the next 5 working days"),
            open_ones.filter(due_on__gte=today, due_on__lte=soon),
        ),
        ("later", _("Later"), open_ones.filter(due_on__gt=soon)),
    ]
    return [
        DeadlineGroup(key=key, title=title, deadlines=list(qs[:DASHBOARD_ROWS]), total=qs.count())
        for key, title, qs in groups
    ]


def awaiting_review(user: User) -> QuerySet[Requirement]:
    """Requirements the council has submitted and Welsh Government has not yet decided."""
    return (
        requirements_for_user(user)
        .filter(state=RequirementState.SUBMITTED, notice__state=NoticeState.ISSUED)
        .order_by("notice__given_on", "position")
    )


def returned_to_council(user: User) -> QuerySet[Requirement]:
    """Requirements Welsh Government returned, waiting for the council to resubmit."""
    return (
        requirements_for_user(user)
        .filter(state=RequirementState.RETURNED, notice__state=NoticeState.ISSUED)
        .order_by("notice__given_on", "position")
    )


def plans_awaiting_agreement(user: User) -> QuerySet[ImprovementPlan]:
    return plans_for_user(user).filter(state=PlanState.SUBMITTED, notice__state=NoticeState.ISSUED)


def draft_notices(user: User) -> QuerySet[WarningNotice]:
    return notices_for_user(user).filter(state=NoticeState.DRAFT).order_by("-created_at")
