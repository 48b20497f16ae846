"""Read queries for escalations; `escalations_for_user` is the one gate of their visibility.

It agrees with permissions.can_view_escalation: officials see every escalation; a council officer
sees their own council's; an inspector sees those arising from inspection findings (CIW's own
reports), not those about a notice's requirements; anyone else sees none.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts.choices import Role
from accounts.permissions import has_role, is_inspector, is_official

from . import calendars, deadlines
from .choices import AcknowledgementState, EscalationSource
from .models import Escalation, EscalationRecipient

if TYPE_CHECKING:
    from accounts.models import User

AWAITING = Q(recipients__state=AcknowledgementState.AWAITING)


def escalations_for_user(user: User) -> QuerySet[Escalation]:
    escalations = Escalation.objects.select_related(
        "council", "case__lead", "finding__inspection", "requirement__notice"
    )
    if is_official(user):
        return escalations
    if has_role(user, Role.COUNCIL_OFFICER):
        return escalations.filter(council_id=user.organisation_id)
    if is_inspector(user):
        return escalations.filter(source=EscalationSource.SERIOUS_FINDING)
    return escalations.none()


def with_acknowledgement_counts(escalations: QuerySet[Escalation]) -> QuerySet[Escalation]:
    """Add `recipient_count` and `awaiting_count` (people yet to acknowledge) to each escalation."""
    return escalations.annotate(
        recipient_count=Count("recipients", distinct=True),
        awaiting_count=Count("recipients", filter=AWAITING, distinct=True),
    )


def unacknowledged(escalations: QuerySet[Escalation]) -> QuerySet[Escalation]:
    """Keep the escalations someone addressed has not yet acknowledged."""
    awaiting = EscalationRecipient.objects.filter(
        escalation=OuterRef("pk"), state=AcknowledgementState.AWAITING
    )
    return escalations.filter(Exists(awaiting))


def awaiting_acknowledgement_by(user: User) -> QuerySet[EscalationRecipient]:
    """Return the escalations addressed to `user` that they have not acknowledged, oldest first."""
    visible = escalations_for_user(user).values("pk")
    return (
        EscalationRecipient.objects.filter(
            user_id=user.pk, state=AcknowledgementState.AWAITING, escalation__in=visible
        )
        .select_related("escalation__council", "escalation__finding", "escalation__requirement")
        .order_by("escalation__raised_on", "escalation_id")
    )


def unacknowledged_escalation_reminders(*, today: datetime.date) -> list[EscalationRecipient]:
    """Return the people to remind today of an escalation they have still not acknowledged.

    The rule (deadlines.escalation_reminder_due): 2 working days after it was raised, then weekly.
    People without an email address or no longer active are left out (the dashboard still shows
    their escalations).
    """
    week_ago = today - datetime.timedelta(days=deadlines.ESCALATION_REMINDER_INTERVAL_DAYS)
    awaiting = list(
        EscalationRecipient.objects.filter(
            state=AcknowledgementState.AWAITING, user__is_active=True, escalation__raised_on__lt=today
        )
        .exclude(user__email="")
        .exclude(last_reminded_on__gt=week_ago)
        .select_related("escalation__council", "user")
        .order_by("escalation__raised_on", "escalation_id", "id")
    )
    if not awaiting:
        return []
    calendar = calendars.non_working_days(min(r.escalation.raised_on for r in awaiting), today)
    return [
        r
        for r in awaiting
        if deadlines.escalation_reminder_due(
            r.escalation.raised_on, last_reminded_on=r.last_reminded_on, today=today, non_working=calendar
        )
    ]


def recipient_history(escalation: Escalation, *, limit: int = 100) -> list:
    """Return the newest history rows of an escalation's recipients (addressed, emailed, reminded...)."""
    return list(
        EscalationRecipient.history.filter(escalation_id=escalation.pk)
        .select_related("history_user", "user")
        .order_by("-history_date", "-history_id")[:limit]
    )
