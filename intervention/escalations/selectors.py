"""Read queries for escalations; `escalations_for_user` is the one gate of their visibility.

It agrees with permissions.can_view_escalation: officials see every escalation; a council officer
sees their own council's; an inspector sees those arising from inspection findings (CIW's own
reports), not those about a notice's requirements; anyone else sees none.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.choices import Role
from accounts.models import TransitionLog
from accounts.permissions import has_role, is_inspector, is_official

from .. import asat, calendars, deadlines, permissions
from ..choices import AcknowledgementState, EscalationSource, NoticeState, RequirementState
from ..models import Escalation, EscalationRecipient, Requirement, WarningNotice

if TYPE_CHECKING:
    from accounts.models import User

AWAITING = Q(recipients__state=AcknowledgementState.AWAITING)
# Requirements the council still has to act on. Evidence awaiting review is not the council's delay;
# accepted, withdrawn and breached requirements are not chased.
COUNCIL_TO_ACT_STATES = (RequirementState.OPEN, RequirementState.RETURNED)


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


def may_still_be_told(recipient: EscalationRecipient) -> bool:
    """Return True if the person addressed may still see the escalation, so may be emailed about it.

    A senior contact who moved to another council, or a lead who is no longer an official, keeps
    their row (and their acknowledgement, if any) but is told nothing more. `recipient` needs its
    `user__organisation` and `escalation` loaded.
    """
    return recipient.user.is_active and permissions.can_view_escalation(recipient.escalation, recipient.user)


def _awaiting_recipients() -> QuerySet[EscalationRecipient]:
    """People still to acknowledge, active and with an email address, with what the checks need."""
    return (
        EscalationRecipient.objects.filter(state=AcknowledgementState.AWAITING, user__is_active=True)
        .exclude(user__email="")
        .select_related("escalation__council", "user__organisation")
        .order_by("escalation__raised_on", "escalation_id", "id")
    )


def undelivered_escalations(*, today: datetime.date) -> list[EscalationRecipient]:
    """Return the people still to acknowledge whose first email has not gone (it failed, say).

    The daily run (`manage.py send_reminders`) sends them, so a failed first email is retried.
    Only escalations raised by `today` count (a run `--today` a past date leaves later ones alone).
    """
    awaiting = _awaiting_recipients().filter(notified_at__isnull=True, escalation__raised_on__lte=today)
    return [r for r in awaiting if may_still_be_told(r)]


def unacknowledged_escalation_reminders(*, today: datetime.date) -> list[EscalationRecipient]:
    """Return the people to remind today of an escalation they have still not acknowledged.

    The rule (deadlines.escalation_reminder_due): 2 working days after it was raised, then weekly.
    People without an email address, no longer active or no longer allowed to see the escalation
    are left out (the dashboard still shows their escalations); so are those whose first email has
    not gone yet (`undelivered_escalations`: they get that first).
    """
    week_ago = today - datetime.timedelta(days=deadlines.ESCALATION_REMINDER_INTERVAL_DAYS)
    awaiting = [
        r
        for r in _awaiting_recipients()
        .filter(escalation__raised_on__lt=today, notified_at__isnull=False)
        .exclude(last_reminded_on__gt=week_ago)
        if may_still_be_told(r)
    ]
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


@dataclass(frozen=True)
class OverdueRequirement:
    requirement: Requirement
    due_on: datetime.date
    working_days_late: int


def overdue_requirements(*, today: datetime.date, working_days: int) -> list[OverdueRequirement]:
    """Return the requirements overdue by more than `working_days` working days on `today`, not yet escalated.

    Judged as things stood at the end of `today` (a run `--today` a past date sees the past): the
    council still owed the requirement then (open or returned), under a notice then in force, and
    its due date was far enough before. The states then are rebuilt from the transition log
    (intervention.asat); the deadline's `met_on` plays no part, because a requirement due by the
    end of the compliance period shares that deadline with the improvement plan, which meets it.
    One escalation per requirement and due date: those already raised are left out.
    """
    # More than N working days after the due date needs at least N + 1 calendar days.
    latest_due = today - datetime.timedelta(days=working_days + 1)
    end_of_day = timezone.make_aware(datetime.datetime.combine(today, datetime.time.max))
    types = ContentType.objects.get_for_models(Requirement, WarningNotice)
    requirement_type, notice_type = types[Requirement].pk, types[WarningNotice].pk

    def changed_since(content_type_id: int, object_id: str) -> Exists:
        return Exists(
            TransitionLog.objects.filter(
                content_type_id=content_type_id, object_id=OuterRef(object_id), recorded_at__gt=end_of_day
            )
        )

    already = Escalation.objects.filter(requirement=OuterRef("pk"), due_on=OuterRef("deadline__due_on"))
    # Nothing recorded since the end of `today` means today's states are the states then.
    candidates = list(
        Requirement.objects.filter(deadline__due_on__lte=latest_due, notice__given_on__lte=today)
        .filter(
            Q(state__in=COUNCIL_TO_ACT_STATES, notice__state=NoticeState.ISSUED)
            | changed_since(requirement_type, "pk")
            | changed_since(notice_type, "notice_id")
        )
        .exclude(Exists(already))
        .select_related("deadline", "notice__case__council", "notice__case__lead")
        .order_by("deadline__due_on", "pk")
    )
    if not candidates:
        return []
    logs = TransitionLog.objects.filter(
        Q(content_type_id=requirement_type, object_id__in=[r.pk for r in candidates])
        | Q(content_type_id=notice_type, object_id__in={r.notice_id for r in candidates})
    ).order_by("recorded_at", "id")
    steps = asat.timelines(logs)

    def state_then(content_type_id: int, obj: Requirement | WarningNotice) -> str:
        return asat.state_on(steps.get((content_type_id, obj.pk), []), today, initial=obj.state)[0]

    calendar = calendars.non_working_days(min(r.deadline.due_on for r in candidates), today)
    overdue = []
    for requirement in candidates:
        due_on = requirement.deadline.due_on
        if (
            state_then(requirement_type, requirement) in COUNCIL_TO_ACT_STATES
            and state_then(notice_type, requirement.notice) == NoticeState.ISSUED
            and deadlines.is_overdue_by_more_than(due_on, working_days, today=today, non_working=calendar)
        ):
            late = deadlines.working_days_between(due_on, today, non_working=calendar)
            overdue.append(OverdueRequirement(requirement, due_on, late))
    return overdue


def recipient_history(escalation: Escalation, *, limit: int = 100) -> list:
    """Return the newest history rows of an escalation's recipients (addressed, emailed, reminded...)."""
    return list(
        EscalationRecipient.history.filter(escalation_id=escalation.pk)
        .select_related("history_user", "user")
        .order_by("-history_date", "-history_id")[:limit]
    )
