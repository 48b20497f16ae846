"""Read queries for inspections; `inspections_for_user` is the one gate of visibility."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from accounts.choices import Role
from accounts.permissions import has_role, is_inspector, is_official

from .choices import FINDINGS_SHOWN_TO_COUNCIL_STATES, InspectionState
from .models import Finding, Inspection, Recommendation

if TYPE_CHECKING:
    from accounts.models import User


def inspections_for_user(user: User) -> QuerySet[Inspection]:
    """Return the inspections `user` may see: all for CIW and Welsh Government, else their council's."""
    inspections = Inspection.objects.select_related("council", "lead_inspector")
    if is_inspector(user) or is_official(user):
        return inspections
    if has_role(user, Role.COUNCIL_OFFICER):
        return inspections.filter(council_id=user.organisation_id)
    return inspections.none()


def inspections_with_findings_for_user(user: User) -> QuerySet[Inspection]:
    """Return the inspections whose findings `user` may read (permissions.can_view_findings, in SQL).

    CIW and Welsh Government read them as they are written; a council officer only from the draft
    report on, so not during fieldwork.
    """
    inspections = inspections_for_user(user)
    if is_inspector(user) or is_official(user):
        return inspections
    shown = Q(state__in=FINDINGS_SHOWN_TO_COUNCIL_STATES) | Q(draft_issued_on__isnull=False)
    return inspections.filter(shown)


def findings_for_user(user: User) -> QuerySet[Finding]:
    """Return the findings `user` may read (see inspections_with_findings_for_user)."""
    visible = inspections_with_findings_for_user(user).values("pk")
    return Finding.objects.filter(inspection__in=visible).select_related("inspection")


def recommendations_for_user(user: User) -> QuerySet[Recommendation]:
    """Return the recommendations `user` may read: those of the inspections whose findings they may."""
    visible = inspections_with_findings_for_user(user).values("pk")
    return Recommendation.objects.filter(inspection__in=visible).select_related("inspection")


def inspections_by_stage(user: User, *, per_stage: int = 10) -> list[tuple[str, str, int, list[Inspection]]]:
    """Return, for each stage, its name, how many inspections are in it and the newest few."""
    visible = inspections_for_user(user)
    counts = dict(visible.order_by().values_list("state").annotate(n=Count("id")))
    stages = []
    for state, label in InspectionState.choices:
        newest = (
            list(visible.filter(state=state).order_by("-created_at")[:per_stage]) if counts.get(state) else []
        )
        stages.append((state, label, counts.get(state, 0), newest))
    return stages
