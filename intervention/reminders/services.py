"""Reminder emails about what is owed: which are due, who is told, sending them and recording each one.

The rule for which reminder an item calls for on a day is the pure `deadlines.reminder_stage`.
`collect_due_reminders(today=...)` gathers from every source in REMINDER_SOURCES the reminders
that are due and not yet recorded; `send_reminders(...)` sends them one by one. A source is a
function `(today) -> list[DueReminder]`: another kind of item (escalations, say) adds its own
source, with its own record model, to REMINDER_SOURCES (or passes `sources=`).

Items: each obligation with a due date that is owed at the end of `today`, as obligations/status.py
says (due soon, due today or overdue); what is with Welsh Government for review, met, not
evidenced or no longer required is not chased. A run `--today` a past date sees each obligation
as it stood then (asat.obligations_as_at).

Recipients: what the council owes goes to the active council officers of that council and
nobody else; the Welsh Ministers' own duties (laying, report) go to the active officials.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.choices import OrganisationKind, Role

from .. import asat, calendars, deadlines
from ..choices import LIVE_STATES, ObligationState, Owner, ReminderKind
from ..models import Obligation, Reminder
from ..obligations import status as rules

if TYPE_CHECKING:
    from accounts.models import User

# The statuses that call for a reminder: still owed, with a due date.
CHASED = (rules.DUE_SOON, rules.DUE_TODAY, rules.OVERDUE)


@dataclass
class DueReminder:
    """One reminder email to one person, ready to send, with the way to record that it went."""

    recipient: User
    kind: str  # a ReminderKind value
    week: int  # weeks overdue for OVERDUE_WEEKLY, else 0
    due_on: datetime.date
    item: str
    organisation: str
    subject: str
    body: str
    # Write the record of this reminder. Called inside the sending transaction, before the email
    # goes; it must raise IntegrityError if the same reminder is already recorded.
    record: Callable[[], object] = field(repr=False)

    @property
    def email(self) -> str:
        return (self.recipient.email or "").strip()

    def describe(self) -> str:
        """Say in one line who gets which reminder about what, and when that is due."""
        reminder = ReminderKind(self.kind).label
        if self.week:
            reminder = _("%(reminder)s, week %(week)s") % {"reminder": reminder, "week": self.week}
        return _("%(reminder)s to %(name)s <%(email)s> about %(item)s (%(organisation)s), due %(date)s") % {
            "reminder": reminder,
            "name": self.recipient.get_full_name() or self.recipient.username,
            "email": self.email or _("no email address"),
            "item": self.item,
            "organisation": self.organisation,
            "date": format_deadline_date(self.due_on),
        }


ReminderSource = Callable[[datetime.date], list[DueReminder]]


@dataclass
class CollectedReminders:
    to_send: list[DueReminder]
    no_email: list[DueReminder]


@dataclass
class SendResult:
    sent: list[DueReminder] = field(default_factory=list)
    failed: list[tuple[DueReminder, str]] = field(default_factory=list)
    already_recorded: list[DueReminder] = field(default_factory=list)


def format_deadline_date(day: datetime.date) -> str:
    """Write a due date with its weekday: Tuesday 14 November 2017."""
    return dateformat.format(day, "l j F Y")


# Obligations -------------------------------------------------------------------------------


def obligations_calling_for_reminders(
    *, today: datetime.date, calendar: calendars.WorkingCalendar | None = None
) -> list[asat.ObligationAsAt]:
    """Return the obligations that, as they stood at the end of `today`, call for a reminder.

    Candidates are read in SQL (due within the reminder lead or past, owed by then, and either
    still open or changed after `today`); each is then judged as it stood on `today`, with the
    due date it had then.
    """
    # Changed since `today`: its due date then may not be its due date now, so judge it from history.
    changed_since = Q(changed_on__gt=today)
    candidates = (
        Obligation.objects.filter(opened_on__lte=today, due_on__isnull=False)
        .filter(Q(due_on__lte=deadlines.reminder_lookahead(today)) | changed_since)
        .filter(
            Q(state__in=LIVE_STATES)
            | changed_since
            | Q(state=ObligationState.NOT_EVIDENCED, done_by__gt=today)
            | Q(state=ObligationState.NOT_EVIDENCED, done_by__isnull=True, due_on__gt=today)
        )
        .select_related("notice__case__council", "requirement", "board_report")
    )
    lookahead = deadlines.reminder_lookahead(today)
    # A breach is no date coming due: Welsh Government recorded it, and escalation follows it up.
    return [
        item
        for item in asat.obligations_as_at(candidates, today, calendar=calendar)
        if item.status.code in CHASED
        and item.row.state != ObligationState.BREACHED
        and item.row.due_on is not None
        and item.row.due_on <= lookahead
    ]


def obligation_recipients(obligations: Iterable[Obligation]) -> dict[int, list[User]]:
    """Return, per obligation id, the people to remind: the council's officers, or the officials."""
    obligations = list(obligations)
    council_ids = {o.notice.case.council_id for o in obligations if o.owner == Owner.COUNCIL}
    wanted = Q(pk__in=[])
    if council_ids:
        wanted |= Q(
            role=Role.COUNCIL_OFFICER,
            organisation_id__in=council_ids,
            organisation__kind=OrganisationKind.LOCAL_AUTHORITY,
        )
    if any(o.owner == Owner.MINISTERS for o in obligations):
        wanted |= Q(role=Role.OFFICIAL, organisation__kind=OrganisationKind.GOVERNMENT)
    officers: dict[int, list[User]] = defaultdict(list)
    officials: list[User] = []
    users = get_user_model().objects.filter(wanted, is_active=True).select_related("organisation")
    for user in users.order_by("username"):
        if user.role == Role.OFFICIAL:
            officials.append(user)
        else:
            officers[user.organisation_id].append(user)
    return {
        o.pk: officials if o.owner == Owner.MINISTERS else officers.get(o.notice.case.council_id, [])
        for o in obligations
    }


def obligation_reminders(today: datetime.date) -> list[DueReminder]:
    """Return the reminders the obligations owed call for on `today` that have not been recorded yet."""
    calendar = calendars.WorkingCalendar()
    stages = []
    for item in obligations_calling_for_reminders(today=today, calendar=calendar):
        stage = deadlines.reminder_stage(item.row.due_on, today=today, non_working=calendar)
        if stage is not None:
            stages.append((item.obligation, item.row.due_on, stage))
    if not stages:
        return []
    recorded = set(
        Reminder.objects.filter(obligation__in=[o.pk for o, _d, _s in stages]).values_list(
            "obligation_id", "recipient_id", "kind", "week", "due_on"
        )
    )
    recipients = obligation_recipients(o for o, _d, _s in stages)
    due = []
    for obligation, due_on, stage in sorted(stages, key=lambda item: (item[1], item[0].pk)):
        for user in recipients[obligation.pk]:
            if (obligation.pk, user.pk, stage.kind, stage.week, due_on) in recorded:
                continue
            due.append(
                _obligation_reminder(obligation, due_on, stage, user, today=today, non_working=calendar)
            )
    return due


def _obligation_reminder(
    obligation: Obligation,
    due_on: datetime.date,
    stage: deadlines.ReminderStage,
    user: User,
    *,
    today: datetime.date,
    non_working,
) -> DueReminder:
    item = obligation.label
    council = obligation.notice.case.council.name
    subject = reminder_subject(stage, item=item, due_on=due_on)

    def record() -> Reminder:
        reminder = Reminder(
            obligation=obligation,
            recipient=user,
            email=user.email.strip(),
            kind=stage.kind,
            week=stage.week,
            due_on=due_on,
            as_of=today,
            subject=subject[:300],
        )
        reminder._change_reason = "reminder sent"
        reminder.save(force_insert=True)
        return reminder

    return DueReminder(
        recipient=user,
        kind=stage.kind,
        week=stage.week,
        due_on=due_on,
        item=item,
        organisation=council,
        subject=subject,
        body=obligation_reminder_body(obligation, due_on, stage, user, today=today, non_working=non_working),
        record=record,
    )


def reminder_subject(stage: deadlines.ReminderStage, *, item: str, due_on: datetime.date) -> str:
    values = {"item": item, "date": format_deadline_date(due_on), "week": stage.week}
    if stage.kind == ReminderKind.FIVE_DAYS:
        return _("Due on %(date)s: %(item)s") % values
    if stage.kind == ReminderKind.DUE_TODAY:
        return _("Due today: %(item)s") % values
    if stage.kind == ReminderKind.OVERDUE:
        return _("Overdue: %(item)s") % values
    return _("Still overdue: %(item)s") % values


def when_sentence(
    stage: deadlines.ReminderStage,
    *,
    due_on: datetime.date,
    today: datetime.date,
    non_working: dict[datetime.date, str],
) -> str:
    """Say when the item is or was due, as seen on `today`."""
    date = format_deadline_date(due_on)
    if stage.kind == ReminderKind.FIVE_DAYS:
        left = deadlines.working_days_between(today, due_on, non_working=non_working)
        if left == 0:
            return _("It is due on %(date)s, which is not a working day.") % {"date": date}
        return ngettext(
            "It is due on %(date)s, %(count)s working day from today.",
            "It is due on %(date)s, %(count)s working days from today.",
            left,
        ) % {"date": date, "count": left}
    if stage.kind == ReminderKind.DUE_TODAY:
        return _("It is due today, %(date)s.") % {"date": date}
    if stage.kind == ReminderKind.OVERDUE:
        return _("It was due on %(date)s and is now overdue.") % {"date": date}
    weeks = stage.week
    return ngettext(
        "It was due on %(date)s and has been overdue for more than %(weeks)s week.",
        "It was due on %(date)s and has been overdue for more than %(weeks)s weeks.",
        weeks,
    ) % {"date": date, "weeks": weeks}


def obligation_reminder_body(
    obligation: Obligation,
    due_on: datetime.date,
    stage: deadlines.ReminderStage,
    user: User,
    *,
    today: datetime.date,
    non_working,
) -> str:
    notice = obligation.notice
    if obligation.requirement_id and obligation.requirement.is_answered_by_evidence:
        url = settings.SITE_URL + reverse("intervention:requirement_detail", args=[obligation.requirement_id])
    else:
        url = settings.SITE_URL + reverse("intervention:notice_detail", args=[notice.pk])
    what = obligation.label
    if obligation.requirement_id:
        what = _("%(what)s: %(text)s") % {"what": what, "text": obligation.requirement.text}
    if obligation.owner == Owner.MINISTERS:
        why = _(
            "You receive this as a Welsh Government official: this is one of the Welsh Ministers' duties."
        )
    else:
        why = _("You receive this as a council officer of %(council)s.") % {
            "council": notice.case.council.name
        }
    lines = [
        _("Dear %(name)s,") % {"name": user.get_full_name() or user.username},
        "",
        _("This is a reminder from the statutory intervention tracker about: %(item)s.")
        % {"item": obligation.label},
        when_sentence(stage, due_on=due_on, today=today, non_working=non_working),
        "",
        _("What is due: %(label)s") % {"label": what},
        _("Warning notice: %(notice)s") % {"notice": notice.title},
        _("Council: %(council)s") % {"council": notice.case.council.name},
        _("How the date was worked out: %(basis)s") % {"basis": obligation.basis},
        "",
        _("See it in the tracker: %(url)s") % {"url": url},
        "",
        why,
        _("Reminders stop once the tracker records the item as done."),
    ]
    return "\n".join(lines) + "\n"


# Collecting and sending -------------------------------------------------------------------

REMINDER_SOURCES: list[ReminderSource] = [obligation_reminders]


def collect_due_reminders(
    *, today: datetime.date, sources: Iterable[ReminderSource] | None = None
) -> CollectedReminders:
    """Return every reminder due on `today` and not yet recorded, from each source in turn.

    People without an email address are set apart so the caller can report them.
    """
    collected = CollectedReminders(to_send=[], no_email=[])
    for source in REMINDER_SOURCES if sources is None else sources:
        for reminder in source(today):
            (collected.to_send if reminder.email else collected.no_email).append(reminder)
    return collected


def send_reminders(reminders: Iterable[DueReminder]) -> SendResult:
    """Send each reminder and record it; a failed email is not recorded, so the next run sends it.

    Each reminder is recorded and sent in its own transaction: the record is committed only if
    the email went, and the unique record stops two overlapping runs sending it twice.
    """
    result = SendResult()
    # One connection to the mail server for the whole run, not one per email; after a failure it
    # starts afresh, so one broken email does not take the rest of the run with it.
    connection = get_connection()
    _open(connection)
    try:
        for reminder in reminders:
            try:
                with transaction.atomic():
                    reminder.record()
                    EmailMessage(
                        subject=reminder.subject,
                        body=reminder.body,
                        from_email=settings.DEFAULT_FROM_EMAIL,
                        to=[reminder.email],
                        connection=connection,
                    ).send()
            except IntegrityError:
                result.already_recorded.append(reminder)
            except Exception as error:  # noqa: BLE001 - any mail failure: report it, keep going, retry next run
                result.failed.append((reminder, first_line(error)))
                connection.close()
                _open(connection)
            else:
                result.sent.append(reminder)
    finally:
        connection.close()
    return result


def _open(connection) -> None:
    """Open the connection to the mail server if it can be; if not, each email tries on its own."""
    try:
        connection.open()
    except Exception:  # noqa: BLE001 - the failure is reported with each email that cannot go
        connection.close()


def first_line(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return f"{error.__class__.__name__}: {lines[0]}" if lines else error.__class__.__name__
