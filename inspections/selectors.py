"""Read queries for inspections; `inspections_for_user` is the one gate of visibility."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from accounts.choices import Role
from accounts.permissions import has_role, is_inspector, is_official

from .choices import InspectionState
from .models import Finding, Inspection

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


def findings_for_user(user: User) -> QuerySet[Finding]:
    """Return the findings of the inspections `user` may see."""
    return Finding.objects.filter(inspection__in=inspections_for_user(user).values("pk")).select_related(
        "inspection"
    )


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
