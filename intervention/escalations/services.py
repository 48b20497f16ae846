"""Escalating serious matters: raising them, telling the people addressed, reminding, acknowledging.

What is escalated (the 2018 review of Powys: serious findings sat with senior officers for a year):
- each finding of kind "serious concern", when its inspection report is published (before that the
  findings are a draft); raised by the `inspection_published` signal (intervention/signals.py);
- each thing a council owes under a notice (a requirement, the improvement plan, a Board
  report...) overdue by more than settings.ESCALATION_AFTER_WORKING_DAYS working days, raised by
  `manage.py escalate_overdue` (one escalation per obligation and due date).

Who it is addressed to: the council's active senior contacts (SeniorContact, kept by an
administrator) and the case's Welsh Government lead; when the case has no lead (or there is no
case yet, as with most inspections), every active Welsh Government official, so that it always
reaches someone in Welsh Government. Each person is emailed when it is raised, reminded while it
stays unacknowledged, and must acknowledge it in the tracker; every step is in the history.

Emails go only to people who may still see the escalation (permissions.can_view_escalation): a
senior contact who moved to another council is told nothing more. The first email is tried once
the escalation is committed; if it fails, the daily `manage.py send_reminders` sends it. Each
email is claimed in the database before it is sent (and the claim undone if it fails), so two
runs at once never send the same one twice; the claim, the email sent or failed, and the undoing
are each a history row of the person addressed.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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

from .. import calendars
from ..choices import (
    AcknowledgementState,
    CaseState,
    EscalationSource,
    RecipientKind,
    SeniorPosition,
)
from ..models import Escalation, EscalationRecipient, InterventionCase, Obligation, SeniorContact
from ..notifications import services as notification_services
from ..reminders.services import first_line
from . import selectors as escalation_selectors

if TYPE_CHECKING:
    from accounts.models import Organisation
    from inspections.models import Finding

logger = logging.getLogger(__name__)

NOTE_MAX_LENGTH = 5000
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
    obligation: Obligation | None = None,
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
                obligation=obligation,
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
            # In the tracker too; the emails are the escalation's own (below), so not sent twice.
            notification_services.escalation_raised(escalation, [a.user for a in addressees], by=by)
    except IntegrityError:
        return None
    if not any(a.kind == RecipientKind.SENIOR_CONTACT for a in addressees):
        logger.warning("Escalation %s: %s has no active senior contacts recorded.", escalation.pk, council)
    escalation_id = escalation.pk

    def deliver() -> None:  # a function, not a partial: Django names it if it fails
        deliver_escalation(escalation_id=escalation_id)

    # Robust: a failure (a broken template, say) is logged and never turns into an error page for
    # the person whose action raised it; the daily send_reminders run emails whoever was missed.
    transaction.on_commit(deliver, robust=True)
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
    # Raised on the day the report was published: that is when the findings became known.
    today = today or inspection.published_on or timezone.localdate()
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


# What councils owe, overdue ------------------------------------------------------------------------


def overdue_reason(
    overdue: escalation_selectors.OverdueObligation, *, today: datetime.date, threshold: int
) -> str:
    """Say why an overdue obligation is escalated: the reason recorded and emailed."""
    obligation = overdue.obligation
    if overdue.breached:
        text = _(
            "%(what)s of “%(notice)s” was breached on %(due)s and on %(today)s the breach was "
            "%(late)s working days old (escalated after more than %(threshold)s)."
        )
    else:
        text = _(
            "%(what)s of “%(notice)s” was due on %(due)s and on %(today)s was %(late)s working days "
            "overdue (escalated after more than %(threshold)s)."
        )
    return text % {
        "what": obligation.label,
        "notice": obligation.notice.title,
        "due": calendars.format_date(overdue.due_on),
        "today": calendars.format_date(today),
        "late": overdue.working_days_late,
        "threshold": threshold,
    }


def escalation_threshold(working_days: int | None = None) -> int:
    return settings.ESCALATION_AFTER_WORKING_DAYS if working_days is None else working_days


def escalate_overdue_obligations(
    *, today: datetime.date, working_days: int | None = None
) -> list[Escalation]:
    """Raise an escalation for each obligation of a council overdue by more than the threshold.

    Judged as things stood on `today` (see escalation_selectors.overdue_obligations). Idempotent:
    one escalation per obligation and due date, however often it runs.
    """
    threshold = escalation_threshold(working_days)
    raised = []
    for overdue in escalation_selectors.overdue_obligations(today=today, working_days=threshold):
        case = overdue.obligation.notice.case
        escalation = _raise(
            source=EscalationSource.OVERDUE_OBLIGATION,
            council=case.council,
            case=case,
            obligation=overdue.obligation,
            due_on=overdue.due_on,
            reason=overdue_reason(overdue, today=today, threshold=threshold),
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


@dataclass
class EmailRun:
    """What one round of escalation emails did: who was emailed, and whose email failed (and why)."""

    sent: list[EscalationRecipient] = field(default_factory=list)
    failed: list[tuple[EscalationRecipient, str]] = field(default_factory=list)


def describe(recipient: EscalationRecipient) -> str:
    """Say in one line who is told about which escalation."""
    user, escalation = recipient.user, recipient.escalation
    return _("%(name)s <%(email)s> about escalation %(id)s (%(source)s, %(council)s, raised on %(on)s)") % {
        "name": user.get_full_name() or user.username,
        "email": user.email or _("no email address"),
        "id": escalation.pk,
        "source": escalation.get_source_display(),
        "council": escalation.council.name,
        "on": calendars.format_date(escalation.raised_on),
    }


def _send(escalation: Escalation, recipient: EscalationRecipient, *, reminder: bool) -> str | None:
    """Email `recipient`; return None if it went, else what went wrong (logged; the next run retries)."""
    email = recipient.user.email
    if not email:
        logger.warning("Escalation %s: %s has no email address.", escalation.pk, recipient.user)
        return _("no email address")
    subject, body = escalation_email(escalation, recipient, reminder=reminder)
    try:
        send_mail(subject, body, None, [email])
    except Exception as error:  # a mail server failure must not stop the others; the next run retries
        logger.exception("Escalation %s: the email to %s failed.", escalation.pk, email)
        return first_line(error)
    return None


def _record(recipient: EscalationRecipient, *, reason: str, fields: list[str]) -> None:
    """Write the history row of an email already claimed in the database (see _deliver, _remind)."""
    try:
        with transaction.atomic():
            save_with_history(recipient, by=None, reason=reason, update_fields=fields)
    except fsm.ConcurrentTransition:  # acknowledged while the email went: re-read and record it
        fresh = EscalationRecipient.objects.get(pk=recipient.pk)
        save_with_history(fresh, by=None, reason=reason, update_fields=fields)


def _change_if_unchanged(
    recipient: EscalationRecipient, *, expected: dict[str, Any], new: dict[str, Any], reason: str
) -> bool:
    """Set `new` on the recipient's row only if it still holds `expected`; return False if not.

    The conditional update is the claim: of two runs at once only one makes it, on any database.
    QuerySet.update writes no history, so the row is read again and saved with its history row in
    the same transaction: every value the row ever held is in its history, with the reason.
    """
    with transaction.atomic():
        if not EscalationRecipient.objects.filter(pk=recipient.pk, **expected).update(**new):
            return False
        fresh = EscalationRecipient.objects.get(pk=recipient.pk)
        save_with_history(fresh, by=None, reason=reason, update_fields=list(new))
    for name, value in new.items():
        setattr(recipient, name, value)
    return True


def _deliver(recipient: EscalationRecipient, run: EmailRun) -> None:
    """Send the first email, claimed first so that two runs at once cannot both send it."""
    escalation = recipient.escalation
    now = timezone.now()
    claimed = _change_if_unchanged(
        recipient,
        expected={"state": AcknowledgementState.AWAITING, "notified_at": None},
        new={"notified_at": now},
        reason="emailing",
    )
    if not claimed:
        return  # emailed by another run meanwhile, or acknowledged
    error = _send(escalation, recipient, reminder=False)
    if error is not None:
        # Undone, so the next run sends it.
        _change_if_unchanged(
            recipient,
            expected={"notified_at": now},
            new={"notified_at": None},
            reason=f"email failed: {error}",
        )
        run.failed.append((recipient, error))
        return
    _record(recipient, reason="emailed", fields=["notified_at"])
    run.sent.append(recipient)


def deliver_escalation(*, escalation_id: int) -> int:
    """Email everyone an escalation is addressed to who has not been emailed yet; return how many.

    Run once the escalation is committed (transaction.on_commit, robust: a failure is logged and
    never undoes or breaks the action that raised it); whoever it failed for is emailed by the next
    `manage.py send_reminders` (deliver_undelivered_escalations).
    """
    escalation = Escalation.objects.select_related("council").get(pk=escalation_id)
    run = EmailRun()
    recipients = escalation.recipients.filter(
        state=AcknowledgementState.AWAITING, notified_at__isnull=True
    ).select_related("user__organisation")
    for recipient in recipients:
        recipient.escalation = escalation
        if escalation_selectors.may_still_be_told(recipient):
            _deliver(recipient, run)
    return len(run.sent)


def deliver_undelivered_escalations(*, today: datetime.date) -> EmailRun:
    """Send every first email still owed (it failed before, say); each is recorded when it goes."""
    run = EmailRun()
    for recipient in escalation_selectors.undelivered_escalations(today=today):
        _deliver(recipient, run)
    return run


def _remind(recipient: EscalationRecipient, *, today: datetime.date, run: EmailRun) -> None:
    """Send a reminder, claimed first by a conditional update so two runs at once send it once.

    The claim is undone if the email fails, so the next run sends it.
    """
    before = {"last_reminded_on": recipient.last_reminded_on, "reminders_sent": recipient.reminders_sent}
    after = {"last_reminded_on": today, "reminders_sent": recipient.reminders_sent + 1}
    claimed = _change_if_unchanged(
        recipient, expected={"state": AcknowledgementState.AWAITING, **before}, new=after, reason="reminding"
    )
    if not claimed:
        return  # reminded by another run meanwhile, or acknowledged
    error = _send(recipient.escalation, recipient, reminder=True)
    if error is not None:
        _change_if_unchanged(recipient, expected=after, new=before, reason=f"reminder failed: {error}")
        run.failed.append((recipient, error))
        return
    _record(recipient, reason="reminded", fields=list(after))
    run.sent.append(recipient)


def send_escalation_reminders(*, today: datetime.date) -> EmailRun:
    """Remind each person whose escalation is still unacknowledged (see deadlines.escalation_reminder_due).

    Each reminder is recorded on the recipient (last reminded on, how many) before it is sent, so
    a second run on the same day, or one running at the same time, sends nothing more; a failed
    email is not recorded, so the next run sends it.
    """
    run = EmailRun()
    for recipient in escalation_selectors.unacknowledged_escalation_reminders(today=today):
        _remind(recipient, today=today, run=run)
    return run


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
    apply_transition(recipient, "acknowledge", by=by, reason=note, at=timezone.now(), note=note)
    notification_services.escalation_acknowledged(recipient, by=by)
    return recipient
