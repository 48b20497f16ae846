"""Read queries for escalations; `escalations_for_user` is the one gate of their visibility.

It agrees with permissions.can_view_escalation: officials see every escalation; a council officer
sees their own council's; an inspector sees those arising from inspection findings (CIW's own
reports), not those about what a council owes under a notice; anyone else sees none.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts.choices import Role
from accounts.history import with_people_then
from accounts.permissions import has_role, is_inspector, is_official

from .. import asat, calendars, deadlines, permissions
from ..choices import (
    LIVE_STATES,
    AcknowledgementState,
    EscalationSource,
    ObligationState,
    Owner,
    RecipientKind,
)
from ..models import Escalation, EscalationRecipient, Obligation, SeniorContact
from ..obligations import status as rules

if TYPE_CHECKING:
    from accounts.models import User

AWAITING = Q(recipients__state=AcknowledgementState.AWAITING)


def escalations_for_user(user: User) -> QuerySet[Escalation]:
    escalations = Escalation.objects.select_related(
        "council",
        "case__lead",
        "finding__inspection",
        "obligation__notice",
        "obligation__requirement",
        "obligation__board_report",
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


def reached_nobody_at_the_council(escalations: QuerySet[Escalation]) -> QuerySet[Escalation]:
    """Keep the escalations addressed to none of the council's senior contacts (none was recorded)."""
    senior = EscalationRecipient.objects.filter(escalation=OuterRef("pk"), kind=RecipientKind.SENIOR_CONTACT)
    return escalations.filter(~Exists(senior))


def unreached_councils(escalations: QuerySet[Escalation]) -> QuerySet[Escalation]:
    """Keep those that reached nobody at the council, whose council still has no active senior contact."""
    contact = SeniorContact.objects.filter(council=OuterRef("council_id"), is_active=True)
    return reached_nobody_at_the_council(escalations).filter(~Exists(contact))


def not_awaiting(escalations: QuerySet[Escalation], user: User) -> QuerySet[Escalation]:
    """Leave out the escalations `user` has still to acknowledge (listed apart, so each shows once)."""
    mine = EscalationRecipient.objects.filter(
        escalation=OuterRef("pk"), user_id=user.pk, state=AcknowledgementState.AWAITING
    )
    return escalations.filter(~Exists(mine))


def awaiting_acknowledgement_by(user: User) -> QuerySet[EscalationRecipient]:
    """Return the escalations addressed to `user` that they have not acknowledged, oldest first."""
    visible = escalations_for_user(user).values("pk")
    return (
        EscalationRecipient.objects.filter(
            user_id=user.pk, state=AcknowledgementState.AWAITING, escalation__in=visible
        )
        .select_related(
            "escalation__council",
            "escalation__finding__inspection",
            "escalation__obligation__requirement",
            "escalation__obligation__board_report",
            "escalation__obligation__notice",
        )
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
class OverdueObligation:
    obligation: Obligation
    due_on: datetime.date  # the day it became overdue: its due date, or the day it was breached
    working_days_late: int
    breached: bool = False


def overdue_obligations(*, today: datetime.date, working_days: int) -> list[OverdueObligation]:
    """Return what councils owe that is overdue by more than `working_days` working days on `today`.

    Judged as things stood at the end of `today` (a run `--today` a past date sees the past),
    by obligations/status.py from each obligation's history (asat.obligations_as_at): what was
    with Welsh Government for review then, met, not evidenced or no longer required is not late.
    One escalation per obligation and due date: those already raised are left out.
    """
    # More than N working days after the due date needs at least N + 1 calendar days.
    latest_due = today - datetime.timedelta(days=working_days + 1)
    already = Escalation.objects.filter(obligation=OuterRef("pk"), due_on=OuterRef("due_on"))
    # Changed since `today`: its due date then may not be its due date now, so judge it from history.
    changed_since = Q(changed_on__gt=today)
    # A continuing condition breached is overdue from the day it was breached (status.derive).
    breached_long_ago = Q(state=ObligationState.BREACHED, breached_on__lte=latest_due)
    candidates = (
        Obligation.objects.filter(owner=Owner.COUNCIL, opened_on__lte=today)
        .filter(Q(due_on__lte=latest_due) | breached_long_ago | changed_since)
        .filter(Q(state__in=LIVE_STATES) | changed_since)
        .exclude(Exists(already) & ~changed_since)
        .select_related("notice__case__council", "notice__case__lead", "requirement", "board_report")
        .order_by("due_on", "pk")
    )
    items = asat.obligations_as_at(candidates, today)
    raised = set(
        Escalation.objects.filter(obligation__in=[i.obligation.pk for i in items]).values_list(
            "obligation_id", "due_on"
        )
    )
    overdue = []
    for item in items:
        status, since = item.status, item.status.since
        late_enough = status.code == rules.OVERDUE and (status.working_days or 0) > working_days
        if late_enough and since and (item.obligation.pk, since) not in raised:
            breached = item.row.state == ObligationState.BREACHED
            overdue.append(OverdueObligation(item.obligation, since, status.working_days, breached))
    overdue.sort(key=lambda o: (o.due_on, o.obligation.pk))
    return overdue


def recipient_history(escalation: Escalation, *, limit: int = 100) -> list:
    """Return the newest history rows of an escalation's recipients (addressed, emailed, reminded...)."""
    return list(
        with_people_then(EscalationRecipient.history.filter(escalation_id=escalation.pk))
        .select_related("history_user", "user")
        .order_by("-history_date", "-history_id")[:limit]
    )
