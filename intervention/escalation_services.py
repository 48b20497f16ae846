"""Escalating serious matters: raising them, telling the people addressed, reminding, acknowledging.

What is escalated (the 2018 review of Powys: serious findings sat with senior officers for a year):
- each finding of kind "serious concern", when its inspection report is published (before that the
  findings are a draft); raised by the `inspection_published` signal (intervention/signals.py);
- each requirement overdue by more than settings.ESCALATION_AFTER_WORKING_DAYS working days,
  raised by `manage.py escalate_overdue` (one escalation per requirement and due date).

Who it is addressed to: the council's active senior contacts (SeniorContact, kept by an
administrator) and the case's Welsh Government lead; when the case has no lead (or there is no
case yet, as with most inspections), every active Welsh Government official, so that it always
reaches someone in Welsh Government. Each person is emailed when it is raised, reminded while it
stays unacknowledged, and must acknowledge it in the tracker; every step is in the history.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import django_fsm as fsm
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import apply_transition, save_with_history
from accounts.choices import OrganisationKind, Role
from accounts.models import User
from accounts.permissions import is_official
from inspections.choices import FindingKind, InspectionState, ServiceArea
from inspections.models import Inspection

from . import calendars, deadlines
from .choices import (
    AcknowledgementState,
    CaseState,
    EscalationSource,
    NoticeState,
    RecipientKind,
    RequirementState,
    SeniorPosition,
)
from .escalation_selectors import unacknowledged_escalation_reminders
from .models import Escalation, EscalationRecipient, InterventionCase, Requirement, SeniorContact

if TYPE_CHECKING:
    from accounts.models import Organisation
    from inspections.models import Finding

logger = logging.getLogger(__name__)

NOTE_MAX_LENGTH = 5000
# Requirements the council still has to act on: evidence awaiting review is not the council's delay.
COUNCIL_TO_ACT_STATES = (RequirementState.OPEN, RequirementState.RETURNED)
# Senior contacts are addressed in the order of the council's hierarchy.
POSITION_ORDER = list(SeniorPosition.values)


@dataclass(frozen=True)
class Addressee:
    user: User
    kind: str
    position: str


def escalation_addressees(*, council_id: int, case: InterventionCase | None) -> list[Addressee]:
    """Return who an escalation about this council (and case) goes to, each person once."""
    contacts = sorted(
        SeniorContact.objects.filter(
            council_id=council_id,
            is_active=True,
            user__is_active=True,
            user__role=Role.COUNCIL_OFFICER,
            user__organisation_id=council_id,
        )
        .select_related("user")
        .order_by("id"),
        key=lambda c: POSITION_ORDER.index(c.position),
    )
    addressees = [Addressee(c.user, RecipientKind.SENIOR_CONTACT, c.position_label) for c in contacts]
    lead = case.lead if case is not None else None
    if lead is not None and is_official(lead):
        addressees.append(Addressee(lead, RecipientKind.CASE_LEAD, str(RecipientKind.CASE_LEAD.label)))
    else:
        officials = User.objects.filter(
            role=Role.OFFICIAL, is_active=True, organisation__kind=OrganisationKind.GOVERNMENT
        ).order_by("username")
        addressees += [
            Addressee(u, RecipientKind.GOVERNMENT_OFFICIAL, u.job_title or _("Welsh Government official"))
            for u in officials
        ]
    seen: set[int] = set()
    unique = []
    for addressee in addressees:
        if addressee.user.pk not in seen:
            seen.add(addressee.user.pk)
            unique.append(addressee)
    return unique


def _raise(
    *,
    source: str,
    council: Organisation,
    case: InterventionCase | None,
    reason: str,
    raised_on: datetime.date,
    by: User | None,
    finding: Finding | None = None,
    requirement: Requirement | None = None,
    due_on: datetime.date | None = None,
) -> Escalation | None:
    """Record one escalation and its recipients; None if it was already raised (a concurrent run)."""
    try:
        with transaction.atomic():
            escalation = Escalation(
                source=source,
                council=council,
                case=case,
                finding=finding,
                requirement=requirement,
                due_on=due_on,
                reason=reason,
                raised_on=raised_on,
            )
            save_with_history(escalation, by=by, reason="raised")
            addressees = escalation_addressees(council_id=council.pk, case=case)
            for addressee in addressees:
                recipient = EscalationRecipient(
                    escalation=escalation,
                    user=addressee.user,
                    kind=addressee.kind,
                    position=addressee.position[:300],
                )
                save_with_history(recipient, by=by, reason="addressed")
    except IntegrityError:
        return None
    if not any(a.kind == RecipientKind.SENIOR_CONTACT for a in addressees):
        logger.warning("Escalation %s: %s has no active senior contacts recorded.", escalation.pk, council)
    transaction.on_commit(partial(deliver_escalation, escalation_id=escalation.pk))
    return escalation


# Serious concerns in a published report ---------------------------------------------------------


def case_for_inspection(inspection: Inspection) -> InterventionCase | None:
    """Return the case an inspection belongs to: one it is linked to, else the council's open case.

    Open cases come first, then the newest; an unlinked inspection counts towards an open case of
    the same service area (or one covering all services). None when the council has no such case.
    """
    cases = InterventionCase.objects.filter(council_id=inspection.council_id).select_related("lead")
    newest = ("-opened_on", "-id")
    linked = cases.filter(inspections=inspection)
    case = linked.filter(state=CaseState.OPEN).order_by(*newest).first() or linked.order_by(*newest).first()
    if case is None:
        areas = [inspection.service_area, ServiceArea.ALL]
        case = cases.filter(state=CaseState.OPEN, service_area__in=areas).order_by(*newest).first()
    return case


@transaction.atomic
def escalate_serious_findings(
    *, inspection: Inspection, by: User | None = None, today: datetime.date | None = None
) -> list[Escalation]:
    """Raise an escalation for each serious concern of a published report not yet escalated."""
    if inspection.state != InspectionState.PUBLISHED:
        return []
    today = today or timezone.localdate()
    findings = list(
        inspection.findings.filter(kind=FindingKind.SERIOUS_CONCERN)
        .exclude(Exists(Escalation.objects.filter(finding=OuterRef("pk"))))
        .order_by("position", "id")
    )
    if not findings:
        return []
    case = case_for_inspection(inspection)
    raised = []
    for finding in findings:
        reason = _("Serious concern in the published report “%(inspection)s” (%(theme)s): %(text)s") % {
            "inspection": inspection.title,
            "theme": finding.get_theme_display(),
            "text": finding.text,
        }
        escalation = _raise(
            source=EscalationSource.SERIOUS_FINDING,
            council=inspection.council,
            case=case,
            finding=finding,
            reason=reason,
            raised_on=today,
            by=by,
        )
        if escalation is not None:
            raised.append(escalation)
    return raised


# Requirements overdue ------------------------------------------------------------------------------


def overdue_requirement_candidates(*, today: datetime.date, working_days: int):
    """Requirements the council has not met whose due date is far enough past, not yet escalated."""
    # More than N working days after the due date needs at least N + 1 calendar days.
    latest_due = today - datetime.timedelta(days=working_days + 1)
    already = Escalation.objects.filter(requirement=OuterRef("pk"), due_on=OuterRef("deadline__due_on"))
    return (
        Requirement.objects.filter(
            state__in=COUNCIL_TO_ACT_STATES,
            notice__state=NoticeState.ISSUED,
            deadline__met_on__isnull=True,
            deadline__due_on__lte=latest_due,
        )
        .exclude(Exists(already))
        .select_related("deadline", "notice__case__council", "notice__case__lead")
        .order_by("deadline__due_on", "pk")
    )


def escalate_overdue_requirements(
    *, today: datetime.date, working_days: int | None = None
) -> list[Escalation]:
    """Raise an escalation for each requirement overdue by more than the threshold in working days.

    Idempotent: one escalation per requirement and due date, however often it runs.
    """
    threshold = settings.ESCALATION_AFTER_WORKING_DAYS if working_days is None else working_days
    candidates = list(overdue_requirement_candidates(today=today, working_days=threshold))
    if not candidates:
        return []
    calendar = calendars.non_working_days(min(r.deadline.due_on for r in candidates), today)
    raised = []
    for requirement in candidates:
        due_on = requirement.deadline.due_on
        if not deadlines.is_overdue_by_more_than(due_on, threshold, today=today, non_working=calendar):
            continue
        late_by = deadlines.working_days_between(due_on, today, non_working=calendar)
        notice = requirement.notice
        reason = _(
            "Requirement (%(letter)s) of “%(notice)s” was due on %(due)s and on %(today)s was "
            "%(late)s working days overdue (escalated after more than %(threshold)s)."
        ) % {
            "letter": requirement.letter,
            "notice": notice.title,
            "due": calendars.format_date(due_on),
            "today": calendars.format_date(today),
            "late": late_by,
            "threshold": threshold,
        }
        escalation = _raise(
            source=EscalationSource.OVERDUE_REQUIREMENT,
            council=notice.case.council,
            case=notice.case,
            requirement=requirement,
            due_on=due_on,
            reason=reason,
            raised_on=today,
            by=None,
        )
        if escalation is not None:
            raised.append(escalation)
    return raised


# Telling people --------------------------------------------------------------------------------


def escalation_email(
    escalation: Escalation, recipient: EscalationRecipient, *, reminder: bool
) -> tuple[str, str]:
    """Return the subject and body of the email to `recipient`."""
    context = {
        "escalation": escalation,
        "recipient": recipient,
        "reminder": reminder,
        "url": f"{settings.SITE_URL}{escalation.get_absolute_url()}",
        "raised_on": calendars.format_date(escalation.raised_on),
    }
    subject = render_to_string("intervention/escalations/email_subject.txt", context)
    body = render_to_string("intervention/escalations/email_body.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def _send(escalation: Escalation, recipient: EscalationRecipient, *, reminder: bool) -> bool:
    email = recipient.user.email
    if not email:
        logger.warning("Escalation %s: %s has no email address.", escalation.pk, recipient.user)
        return False
    subject, body = escalation_email(escalation, recipient, reminder=reminder)
    try:
        send_mail(subject, body, None, [email])
    except Exception:  # a mail server failure must not stop the others; the next run retries
        logger.exception("Escalation %s: the email to %s failed.", escalation.pk, email)
        return False
    return True


def deliver_escalation(*, escalation_id: int) -> int:
    """Email everyone an escalation is addressed to who has not been emailed yet; return how many."""
    escalation = Escalation.objects.select_related("council").get(pk=escalation_id)
    sent = 0
    for recipient in escalation.recipients.filter(notified_at__isnull=True).select_related("user"):
        if not _send(escalation, recipient, reminder=False):
            continue
        recipient.notified_at = timezone.now()
        try:
            with transaction.atomic():
                save_with_history(recipient, by=None, reason="emailed", update_fields=["notified_at"])
        except fsm.ConcurrentTransition:  # acknowledged meanwhile: re-read and record the email
            recipient = EscalationRecipient.objects.get(pk=recipient.pk)
            recipient.notified_at = timezone.now()
            save_with_history(recipient, by=None, reason="emailed", update_fields=["notified_at"])
        sent += 1
    return sent


def send_escalation_reminders(*, today: datetime.date) -> int:
    """Remind each person whose escalation is still unacknowledged (see deadlines.escalation_reminder_due).

    Each reminder is recorded on the recipient (last reminded on, how many), so a second run on
    the same day sends nothing. Return the number sent.
    """
    sent = 0
    for recipient in unacknowledged_escalation_reminders(today=today):
        if not _send(recipient.escalation, recipient, reminder=True):
            continue
        recipient.last_reminded_on = today
        recipient.reminders_sent += 1
        try:
            with transaction.atomic():
                save_with_history(
                    recipient,
                    by=None,
                    reason="reminded",
                    update_fields=["last_reminded_on", "reminders_sent"],
                )
        except fsm.ConcurrentTransition:
            continue  # acknowledged while the email went: nothing more to remind
        sent += 1
    return sent


# Acknowledging -------------------------------------------------------------------------------


@transaction.atomic
def escalation_acknowledge(*, escalation: Escalation, by: User, note: str = "") -> EscalationRecipient:
    """The person addressed confirms they have read the escalation; recorded with their note."""
    recipient = escalation.recipients.filter(user_id=getattr(by, "pk", None)).first()
    if recipient is None:
        raise PermissionDenied(_("This escalation was not addressed to you, so you cannot acknowledge it."))
    recipient.escalation = escalation
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": _("The note must be %(max)s characters or fewer.") % {"max": NOTE_MAX_LENGTH}}
        )
    if recipient.state == AcknowledgementState.ACKNOWLEDGED:
        raise fsm.TransitionNotAllowed(
            _("You already acknowledged this escalation on %(date)s.")
            % {"date": calendars.format_date(timezone.localdate(recipient.acknowledged_at))}
        )
    return apply_transition(recipient, "acknowledge", by=by, reason=note, at=timezone.now(), note=note)
