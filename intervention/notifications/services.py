"""Telling the person who acts next that it is their turn: who is told, the notification, its email.

Each hand-off (a notice given, evidence or a document sent, a decision on it, an escalation
raised or acknowledged, what is owed changed, a direction given) calls one function here inside
the transaction that made the change, so the notifications are written with it or not at all.

Who is told: what the council must act on goes to that council's active officers (and its senior
contacts, for what concerns the whole council); what Welsh Government must act on goes to the
case's lead, or every active official when the case has none. Never anyone of another council,
and never the person who made the change.

Once: each notification carries a key naming the hand-off, unique per person, so a hand-off
reported twice tells each person once. Emails: sent once the change is committed to the people
who want each one straight away; a failure is recorded on the notification and `manage.py
send_notifications` tries again; the people who asked for a daily digest get one email a day
listing what came in. Each email is recorded on its notification (when, attempts, last error).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.audit import save_with_history
from accounts.choices import OrganisationKind, Role
from accounts.permissions import is_official

from ..choices import Owner, RecipientKind, SubmissionDecision
from ..models import (
    EmailFrequency,
    Notification,
    NotificationKind,
    NotificationPreference,
    SeniorContact,
)
from ..reminders.services import first_line
from . import selectors

if TYPE_CHECKING:
    from accounts.models import User

    from ..models import (
        BoardReport,
        Direction,
        Escalation,
        EscalationRecipient,
        ImprovementPlan,
        InterventionCase,
        Obligation,
        Submission,
        WarningNotice,
    )

logger = logging.getLogger(__name__)


# Who is told ------------------------------------------------------------------------------------


def council_officers(council_id: int) -> list[User]:
    """Return the active council officers of this council (and nobody of any other)."""
    return list(
        get_user_model().objects.filter(
            role=Role.COUNCIL_OFFICER,
            organisation_id=council_id,
            organisation__kind=OrganisationKind.LOCAL_AUTHORITY,
            is_active=True,
        )
    )


def senior_contacts(council_id: int) -> list[User]:
    """Return the council's active senior contacts, as escalations find them."""
    contacts = SeniorContact.objects.filter(
        council_id=council_id,
        is_active=True,
        user__is_active=True,
        user__role=Role.COUNCIL_OFFICER,
        user__organisation_id=council_id,
    ).select_related("user")
    return [c.user for c in contacts]


def welsh_government(case: InterventionCase) -> list[User]:
    """Return who acts for Welsh Government on a case: its lead, or every active official if none."""
    lead = case.lead
    if lead is not None and lead.is_active and is_official(lead):
        return [lead]
    return list(
        get_user_model().objects.filter(
            role=Role.OFFICIAL, organisation__kind=OrganisationKind.GOVERNMENT, is_active=True
        )
    )


def whole_council(council_id: int) -> list[User]:
    """Return who is told of what concerns the whole council: its officers and its senior contacts."""
    return [*council_officers(council_id), *senior_contacts(council_id)]


# Creating notifications ------------------------------------------------------------------------


@dataclass
class About:
    """What a notification is about: where the thing is and which council, case and notice it concerns."""

    path: str
    council_id: int | None = None
    case_id: int | None = None
    notice_id: int | None = None

    @classmethod
    def notice_page(cls, notice: WarningNotice, path: str | None = None) -> About:
        return cls(
            path=path or reverse("intervention:notice_detail", args=[notice.pk]),
            council_id=notice.case.council_id,
            case_id=notice.case_id,
            notice_id=notice.pk,
        )


def notify(
    *,
    kind: str,
    key: str,
    people: Iterable[User],
    about: About,
    subject: str,
    lines: Iterable[str] = (),
    by: User | None = None,
    email: bool = True,
) -> list[Notification]:
    """Tell each of `people` (each once, never `by`) of the hand-off named `key`; return what is new.

    Call inside the transaction of the change. A person already told of `key` is not told again.
    Their emails are sent once the change is committed.
    """
    by_id = getattr(by, "pk", None)
    wanted = {p.pk: p for p in people if p.pk != by_id}
    if not wanted:
        return []
    key = key[:200]
    told = set(
        Notification.objects.filter(dedupe_key=key, recipient_id__in=list(wanted)).values_list(
            "recipient_id", flat=True
        )
    )
    body = "\n".join(lines).strip()
    created = []
    for person_id in sorted(set(wanted) - told):
        notification = Notification(
            recipient=wanted[person_id],
            kind=kind,
            dedupe_key=key,
            subject=" ".join(subject.split())[:300],
            body=body,
            path=about.path[:500],
            council_id=about.council_id,
            case_id=about.case_id,
            notice_id=about.notice_id,
            email_wanted=email,
        )
        # A savepoint per row: the same hand-off reported at the same moment by another
        # transaction meets the unique key, and this person is simply not told twice.
        try:
            with transaction.atomic():
                save_with_history(notification, by=by, reason="notified")
        except IntegrityError:
            continue
        created.append(notification)
    ids = [n.pk for n in created if n.email_wanted]
    if ids:

        def send() -> None:  # a function, not a partial: Django names it if it fails
            send_immediate(notification_ids=ids)

        # Robust: a mail failure is recorded and retried by send_notifications; it never undoes
        # the change nor turns into an error page for the person who made it.
        transaction.on_commit(send, robust=True)
    return created


def _history_key(obj) -> int:
    """Return the id of the object's latest history row: it names the change just made to it."""
    return obj.history.aggregate(last=Max("history_id"))["last"] or 0


# The hand-offs ---------------------------------------------------------------------------------


def notice_issued(
    notice: WarningNotice, *, by: User | None, lines: Iterable[str], owners: Iterable[str] = ()
) -> list[Notification]:
    """A notice was given: the council's officers and senior contacts must act on it.

    Welsh Government is told too when the notice makes the Ministers owe something (laying it,
    reporting on it).
    """
    people = whole_council(notice.case.council_id)
    if Owner.MINISTERS in set(owners):
        people += welsh_government(notice.case)
    return notify(
        kind=NotificationKind.NOTICE_ISSUED,
        key=f"notice_issued:{notice.pk}",
        people=people,
        about=About.notice_page(notice),
        subject=_("Warning notice given to %(council)s: %(notice)s")
        % {"council": notice.case.council.name, "notice": notice.title},
        lines=lines,
        by=by,
    )


def evidence_submitted(submission: Submission, *, by: User | None) -> list[Notification]:
    """The council sent evidence for a requirement: Welsh Government reviews it."""
    requirement = submission.requirement
    notice = requirement.notice
    return notify(
        kind=NotificationKind.EVIDENCE_SUBMITTED,
        key=f"evidence_submitted:{submission.pk}",
        people=welsh_government(notice.case),
        about=About.notice_page(notice, reverse("intervention:requirement_detail", args=[requirement.pk])),
        subject=_("Evidence to review: requirement (%(letter)s) of %(notice)s")
        % {"letter": requirement.letter, "notice": notice.title},
        lines=[
            _("%(council)s submitted evidence that requirement (%(letter)s) is met.")
            % {"council": notice.case.council.name, "letter": requirement.letter},
            _("Requirement (%(letter)s): %(text)s")
            % {"letter": requirement.letter, "text": requirement.text},
        ],
        by=by,
    )


def evidence_decided(submission: Submission, *, by: User | None) -> list[Notification]:
    """Welsh Government accepted or returned the evidence: the council's officers learn which, and why."""
    requirement = submission.requirement
    notice = requirement.notice
    accepted = submission.decision == SubmissionDecision.ACCEPTED
    values = {"letter": requirement.letter, "notice": notice.title}
    lines = [
        _("Requirement (%(letter)s): %(text)s") % {"letter": requirement.letter, "text": requirement.text}
    ]
    if submission.decision_reason.strip():
        lines.append(_("Reason: %(reason)s") % {"reason": submission.decision_reason.strip()})
    if not accepted:
        lines.append(_("The requirement is owed again: send the evidence again once it is met."))
    return notify(
        kind=NotificationKind.EVIDENCE_ACCEPTED if accepted else NotificationKind.EVIDENCE_RETURNED,
        key=f"evidence_{submission.decision}:{submission.pk}",
        people=whole_council(notice.case.council_id),
        about=About.notice_page(notice, reverse("intervention:requirement_detail", args=[requirement.pk])),
        subject=(
            _("Evidence accepted: requirement (%(letter)s) of %(notice)s")
            if accepted
            else _("Evidence returned: requirement (%(letter)s) of %(notice)s")
        )
        % values,
        lines=lines,
        by=by,
    )


def plan_submitted(plan: ImprovementPlan, obligation: Obligation, *, by: User | None) -> list[Notification]:
    """The council sent its improvement plan: Welsh Government reviews it."""
    notice = plan.notice
    return notify(
        kind=NotificationKind.PLAN_SUBMITTED,
        key=f"plan_submitted:{obligation.pk}:{_history_key(obligation)}",
        people=welsh_government(notice.case),
        about=About.notice_page(notice),
        subject=_("Improvement plan to review: %(notice)s") % {"notice": notice.title},
        lines=[
            _("%(council)s submitted its improvement plan.") % {"council": notice.case.council.name},
            _("Summary: %(summary)s") % {"summary": plan.summary},
        ],
        by=by,
    )


def plan_decided(
    plan: ImprovementPlan, obligation: Obligation, *, agreed: bool, reason: str, by: User | None
) -> list[Notification]:
    """Welsh Government returned the plan or recorded it agreed: the council's officers are told."""
    notice = plan.notice
    kind = NotificationKind.PLAN_AGREED if agreed else NotificationKind.PLAN_RETURNED
    lines = []
    if reason.strip():
        lines.append(_("Reason: %(reason)s") % {"reason": reason.strip()})
    if not agreed:
        lines.append(_("The plan is owed again: send a revised plan."))
    return notify(
        kind=kind,
        key=f"{kind}:{obligation.pk}:{_history_key(obligation)}",
        people=whole_council(notice.case.council_id),
        about=About.notice_page(notice),
        subject=(
            _("Improvement plan agreed: %(notice)s") if agreed else _("Improvement plan returned: %(notice)s")
        )
        % {"notice": notice.title},
        lines=lines,
        by=by,
    )


def board_report_submitted(
    report: BoardReport, obligation: Obligation, *, by: User | None
) -> list[Notification]:
    """The council sent a month's Board report: Welsh Government reads it."""
    notice = report.notice
    return notify(
        kind=NotificationKind.BOARD_REPORT_SUBMITTED,
        key=f"board_report_submitted:{obligation.pk}:{_history_key(obligation)}",
        people=welsh_government(notice.case),
        about=About.notice_page(notice),
        subject=_("Board report to read: %(what)s") % {"what": obligation.label},
        lines=[
            _("%(council)s submitted %(what)s.")
            % {"council": notice.case.council.name, "what": obligation.label},
            _("Summary: %(summary)s") % {"summary": report.summary},
        ],
        by=by,
    )


def escalation_raised(
    escalation: Escalation, recipients: Iterable[User], *, by: User | None
) -> list[Notification]:
    """An escalation was raised: each person it is addressed to sees it in the tracker.

    Not emailed from here: the escalation sends (and records, and reminds of) its own emails.
    """
    return notify(
        kind=NotificationKind.ESCALATION_RAISED,
        key=f"escalation_raised:{escalation.pk}",
        people=recipients,
        about=About(
            path=escalation.get_absolute_url(),
            council_id=escalation.council_id,
            case_id=escalation.case_id,
            notice_id=None,
        ),
        subject=_("Escalation to acknowledge: %(council)s") % {"council": escalation.council.name},
        lines=[escalation.reason],
        by=by,
        email=False,
    )


def escalation_acknowledged(recipient: EscalationRecipient, *, by: User | None) -> list[Notification]:
    """Someone acknowledged an escalation: the Welsh Government people it was addressed to are told."""
    escalation = recipient.escalation
    government = [RecipientKind.CASE_LEAD, RecipientKind.GOVERNMENT_OFFICIAL]
    people = [
        r.user
        for r in escalation.recipients.filter(kind__in=government, user__is_active=True).select_related(
            "user"
        )
    ]
    who = recipient.user.get_full_name() or recipient.user.username
    lines = [escalation.reason]
    if recipient.acknowledgement_note:
        lines.append(_("Their note: %(note)s") % {"note": recipient.acknowledgement_note})
    return notify(
        kind=NotificationKind.ESCALATION_ACKNOWLEDGED,
        key=f"escalation_acknowledged:{recipient.pk}",
        people=people,
        about=About(
            path=escalation.get_absolute_url(),
            council_id=escalation.council_id,
            case_id=escalation.case_id,
        ),
        subject=_("%(who)s acknowledged an escalation about %(council)s")
        % {"who": who, "council": escalation.council.name},
        lines=lines,
        by=by,
    )


def obligations_changed(
    notice: WarningNotice, people: Iterable[User], *, subject: str, lines: Iterable[str], by: User | None
) -> list[Notification]:
    """What is owed under a notice changed (dates moved, extended, settled): the people affected are told.

    The key is the change itself: the notice, what is said, and the latest history row of its
    obligations, so the same change reported twice tells each person once.
    """
    from ..models import Obligation

    lines = list(lines)
    last = Obligation.history.filter(notice_id=notice.pk).aggregate(last=Max("history_id"))["last"] or 0
    digest = hashlib.sha256("\n".join([subject, *lines]).encode()).hexdigest()[:32]
    return notify(
        kind=NotificationKind.OBLIGATIONS_CHANGED,
        key=f"obligations_changed:{notice.pk}:{last}:{digest}",
        people=people,
        about=About.notice_page(notice),
        subject=subject,
        lines=lines,
        by=by,
    )


def direction_given(direction: Direction, *, by: User | None) -> list[Notification]:
    """The Welsh Ministers gave the council a direction: its officers and senior contacts are told."""
    case = direction.power.case
    return notify(
        kind=NotificationKind.DIRECTION_GIVEN,
        key=f"direction_given:{direction.pk}",
        people=whole_council(case.council_id),
        about=About(
            path=reverse("intervention:direction_detail", args=[direction.pk]),
            council_id=case.council_id,
            case_id=case.pk,
        ),
        subject=_("Direction given to %(council)s: %(kind)s")
        % {"council": case.council.name, "kind": direction.get_kind_display()},
        lines=[_("Terms: %(terms)s") % {"terms": direction.terms}],
        by=by,
    )


# Reading ----------------------------------------------------------------------------------------


def notification_open(*, notification: Notification, by: User) -> Notification:
    """The person opened their notification: it is read from now on."""
    if notification.recipient_id != by.pk:
        raise PermissionError("Only the recipient opens a notification.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        # read_at is not in the history (see the model), so an UPDATE loses nothing.
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the person read, in one statement; return how many."""
    # read_at is not in the history (see the model), so an UPDATE loses nothing.
    return selectors.unread(user).update(read_at=timezone.now())


@transaction.atomic
def notification_preference_set(*, user: User, email_frequency: str) -> NotificationPreference:
    """Record how the person wants notifications emailed."""
    if email_frequency not in EmailFrequency.values:
        raise ValueError(email_frequency)
    preference = NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)
    if preference.pk is None or preference.email_frequency != email_frequency:
        preference.email_frequency = email_frequency
        save_with_history(preference, by=user, reason=f"emails: {email_frequency}")
    return preference


# Emails -----------------------------------------------------------------------------------------


@dataclass
class EmailRun:
    """What one round of notification emails did."""

    sent: list[Notification] = field(default_factory=list)
    failed: list[tuple[Notification, str]] = field(default_factory=list)
    digests: list[tuple[User, list[Notification]]] = field(default_factory=list)
    digests_failed: list[tuple[User, str]] = field(default_factory=list)


def _link(path: str) -> str:
    return settings.SITE_URL + path


def _footer(user: User) -> list[str]:
    return [
        _("You receive this because you use the statutory intervention tracker."),
        _("Choose how you get these emails: %(url)s")
        % {"url": _link(reverse("intervention:notification_preferences"))},
    ]


def notification_email(notification: Notification) -> tuple[str, str]:
    """Return the subject and body of the email of one notification."""
    user = notification.recipient
    lines = [
        _("Dear %(name)s,") % {"name": user.get_full_name() or user.username},
        "",
        notification.subject,
    ]
    if notification.body:
        lines += ["", notification.body]
    lines += [
        "",
        _("See it in the tracker: %(url)s") % {"url": _link(notification.path)},
        "",
        *_footer(user),
    ]
    return notification.subject, "\n".join(lines) + "\n"


def digest_email(user: User, notifications: list[Notification], *, today: datetime.date) -> tuple[str, str]:
    """Return the subject and body of a person's daily digest."""
    count = len(notifications)
    subject = ngettext(
        "%(count)s notification from the statutory intervention tracker",
        "%(count)s notifications from the statutory intervention tracker",
        count,
    ) % {"count": count}
    lines = [
        _("Dear %(name)s,") % {"name": user.get_full_name() or user.username},
        "",
        _("What came in for you up to %(date)s:") % {"date": today.strftime("%-d %B %Y")},
        "",
    ]
    for notification in notifications:
        lines += [f"- {notification.subject}", f"  {_link(notification.path)}"]
    lines += [
        "",
        _("All your notifications: %(url)s") % {"url": _link(reverse("intervention:notification_list"))},
        "",
        *_footer(user),
    ]
    return subject, "\n".join(lines) + "\n"


def _email_one(notification: Notification, connection) -> str | None:
    """Send the email of a notification still owed one, and record it; return an error, or None.

    The row is locked until the email has gone and is recorded: two senders at once (the commit
    of the change and the daily command) send it once.
    """
    try:
        with transaction.atomic():
            fresh = (
                selectors.emails_owed_now()
                .select_for_update(of=("self",))
                .select_related("recipient")
                .filter(pk=notification.pk)
                .first()
            )
            if fresh is None:
                return None  # emailed meanwhile, or the person now wants a digest
            subject, body = notification_email(fresh)
            EmailMessage(
                subject=subject,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[fresh.recipient.email.strip()],
                connection=connection,
            ).send()
            fresh.emailed_at = timezone.now()
            fresh.email_attempts += 1
            fresh.email_error = ""
            save_with_history(
                fresh,
                by=None,
                reason="emailed",
                update_fields=["emailed_at", "email_attempts", "email_error"],
            )
    except Exception as error:  # noqa: BLE001 - any mail failure: record it, keep going, retry next run
        message = first_line(error)
        logger.warning("Notification %s: the email failed (%s).", notification.pk, message)
        with transaction.atomic():
            failed = Notification.objects.select_for_update().get(pk=notification.pk)
            failed.email_attempts += 1
            failed.email_error = message
            save_with_history(
                failed,
                by=None,
                reason=f"email failed: {message}"[:2000],
                update_fields=["email_attempts", "email_error"],
            )
        return message
    return None


def _send_each(notifications: Iterable[Notification], run: EmailRun) -> EmailRun:
    connection = get_connection()
    _open(connection)
    try:
        for notification in notifications:
            error = _email_one(notification, connection)
            if error is None:
                if Notification.objects.filter(pk=notification.pk, emailed_at__isnull=False).exists():
                    run.sent.append(notification)
            else:
                run.failed.append((notification, error))
                connection.close()
                _open(connection)
    finally:
        connection.close()
    return run


def send_immediate(*, notification_ids: Iterable[int]) -> EmailRun:
    """Email each of these notifications to a person who wants each straight away, once."""
    owed = selectors.emails_owed_now().filter(pk__in=list(notification_ids)).order_by("pk")
    return _send_each(list(owed), EmailRun())


def retry_failed_emails() -> EmailRun:
    """Email every notification owed one to a person who wants each straight away (a failed one, say)."""
    return _send_each(list(selectors.emails_owed_now().order_by("pk")), EmailRun())


def send_digests(*, today: datetime.date, run: EmailRun | None = None) -> EmailRun:
    """Send each person who asked for a daily digest one email of what came in up to the end of `today`.

    The items are recorded as emailed in the same transaction as the email goes: a digest that
    failed is not recorded, so the next run sends it; one that went is never sent again.
    """
    run = run or EmailRun()
    by_person: dict[int, list[Notification]] = {}
    for notification in (
        selectors.digest_owed(today=today).select_related("recipient").order_by("created_at", "pk")
    ):
        by_person.setdefault(notification.recipient_id, []).append(notification)
    connection = get_connection()
    _open(connection)
    try:
        for items in by_person.values():
            user = items[0].recipient
            try:
                with transaction.atomic():
                    ids = [n.pk for n in items]
                    locked = list(
                        selectors.digest_owed(today=today)
                        .select_for_update(of=("self",))
                        .filter(pk__in=ids)
                        .order_by("created_at", "pk")
                    )
                    if not locked:
                        continue
                    now = timezone.now()
                    for notification in locked:
                        notification.emailed_at = now
                        notification.email_attempts += 1
                        notification.email_error = ""
                        save_with_history(
                            notification,
                            by=None,
                            reason="emailed in the daily digest",
                            update_fields=["emailed_at", "email_attempts", "email_error"],
                        )
                    subject, body = digest_email(user, locked, today=today)
                    EmailMessage(
                        subject=subject,
                        body=body,
                        from_email=settings.DEFAULT_FROM_EMAIL,
                        to=[user.email.strip()],
                        connection=connection,
                    ).send()
            except Exception as error:  # noqa: BLE001 - recorded below; the next run sends it
                message = first_line(error)
                logger.warning("The daily digest to %s failed (%s).", user, message)
                with transaction.atomic():
                    for notification in Notification.objects.select_for_update().filter(pk__in=ids):
                        notification.email_attempts += 1
                        notification.email_error = message
                        save_with_history(
                            notification,
                            by=None,
                            reason=f"digest email failed: {message}"[:2000],
                            update_fields=["email_attempts", "email_error"],
                        )
                run.digests_failed.append((user, message))
                connection.close()
                _open(connection)
            else:
                run.digests.append((user, locked))
    finally:
        connection.close()
    return run


def _open(connection) -> None:
    """Open the connection to the mail server if it can be; if not, each email tries on its own."""
    try:
        connection.open()
    except Exception:  # noqa: BLE001 - the failure is reported with each email that cannot go
        connection.close()
