"""Reminder emails about deadlines: which are due, who is told, sending them and recording each one.

The rule for which reminder an item calls for on a day is the pure `deadlines.reminder_stage`.
`collect_due_reminders(today=...)` gathers from every source in REMINDER_SOURCES the reminders
that are due and not yet recorded; `send_reminders(...)` sends them one by one. A source is a
function `(today) -> list[DueReminder]`: another kind of item (escalations, say) adds its own
source, with its own record model, to REMINDER_SOURCES (or passes `sources=`).

Recipients: a council's deadlines go to the active council officers of that council and nobody
else; the Ministers' own duties (laying, report) go to the active Welsh Government officials.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.choices import OrganisationKind, Role

from . import calendars, deadlines
from .choices import (
    GIVEN_STATES,
    MINISTERS_DEADLINE_KINDS,
    DeadlineKind,
    NoticeState,
    ReminderKind,
    RequirementState,
)
from .models import Deadline, Reminder, Requirement

if TYPE_CHECKING:
    from accounts.models import User

# Requirement states in which the council still owes the action (not with Welsh Government, not settled).
OWED_REQUIREMENT_STATES = (RequirementState.OPEN, RequirementState.RETURNED)


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


# Deadlines --------------------------------------------------------------------------------


def deadlines_calling_for_reminders(*, today: datetime.date) -> QuerySet[Deadline]:
    """Return the deadlines unmet on `today` that may call for a reminder (due within the lead or past).

    A deadline met after `today` counts as unmet, so a run `--today` a past date sees it as it was.
    The council's deadlines count while the notice is in force; the Ministers' duties once it is given.
    """
    owed = Requirement.objects.filter(deadline=OuterRef("pk"), state__in=OWED_REQUIREMENT_STATES)
    return (
        Deadline.objects.filter(
            Q(met_on__isnull=True) | Q(met_on__gt=today),
            due_on__lte=deadlines.reminder_lookahead(today),
            notice__given_on__lte=today,
        )
        .filter(
            Q(kind__in=MINISTERS_DEADLINE_KINDS, notice__state__in=GIVEN_STATES)
            | (~Q(kind__in=MINISTERS_DEADLINE_KINDS) & Q(notice__state=NoticeState.ISSUED))
        )
        # A requirement's own date matters only while the council still owes it.
        .exclude(Q(kind=DeadlineKind.REQUIREMENT) & ~Exists(owed))
        .select_related("notice__case__council")
        .order_by("due_on", "id")
    )


def deadline_recipients(deadlines_: Iterable[Deadline]) -> dict[int, list[User]]:
    """Return, per deadline id, the people to remind: the council's officers or the Ministers' officials."""
    deadlines_ = list(deadlines_)
    users = get_user_model().objects.filter(is_active=True).select_related("organisation")
    council_ids = {d.notice.case.council_id for d in deadlines_ if d.kind not in MINISTERS_DEADLINE_KINDS}
    officers: dict[int, list[User]] = defaultdict(list)
    if council_ids:
        for user in users.filter(
            role=Role.COUNCIL_OFFICER,
            organisation_id__in=council_ids,
            organisation__kind=OrganisationKind.LOCAL_AUTHORITY,
        ).order_by("username"):
            officers[user.organisation_id].append(user)
    officials: list[User] = []
    if any(d.kind in MINISTERS_DEADLINE_KINDS for d in deadlines_):
        government = users.filter(role=Role.OFFICIAL, organisation__kind=OrganisationKind.GOVERNMENT)
        officials = list(government.order_by("username"))
    return {
        d.pk: officials if d.kind in MINISTERS_DEADLINE_KINDS else officers.get(d.notice.case.council_id, [])
        for d in deadlines_
    }


def deadline_item_name(deadline: Deadline) -> str:
    """Name what is due in a few words; the improvement plan is due by the end of the compliance period."""
    if deadline.kind == DeadlineKind.COMPLIANCE:
        if deadline.notice.requires_improvement_plan:
            return _("Improvement plan (end of the compliance period)")
        return _("End of the compliance period")
    return deadline.label


def deadline_reminders(today: datetime.date) -> list[DueReminder]:
    """Return the reminders the open deadlines call for on `today` that have not been recorded yet."""
    non_working = calendars.non_working_days(today, deadlines.reminder_lookahead(today))
    stages = {}
    for deadline in deadlines_calling_for_reminders(today=today):
        stage = deadlines.reminder_stage(deadline.due_on, today=today, non_working=non_working)
        if stage is not None:
            stages[deadline] = stage
    if not stages:
        return []
    recorded = set(
        Reminder.objects.filter(deadline__in=list(stages)).values_list(
            "deadline_id", "recipient_id", "kind", "week", "due_on"
        )
    )
    recipients = deadline_recipients(stages)
    due = []
    for deadline, stage in stages.items():
        for user in recipients[deadline.pk]:
            if (deadline.pk, user.pk, stage.kind, stage.week, deadline.due_on) in recorded:
                continue
            due.append(_deadline_reminder(deadline, stage, user, today=today, non_working=non_working))
    return due


def _deadline_reminder(
    deadline: Deadline,
    stage: deadlines.ReminderStage,
    user: User,
    *,
    today: datetime.date,
    non_working: dict[datetime.date, str],
) -> DueReminder:
    item = deadline_item_name(deadline)
    council = deadline.notice.case.council.name
    subject = reminder_subject(stage, item=item, due_on=deadline.due_on)

    def record() -> Reminder:
        reminder = Reminder(
            deadline=deadline,
            recipient=user,
            email=user.email.strip(),
            kind=stage.kind,
            week=stage.week,
            due_on=deadline.due_on,
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
        due_on=deadline.due_on,
        item=item,
        organisation=council,
        subject=subject,
        body=deadline_reminder_body(deadline, stage, user, item=item, today=today, non_working=non_working),
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


def deadline_reminder_body(
    deadline: Deadline,
    stage: deadlines.ReminderStage,
    user: User,
    *,
    item: str,
    today: datetime.date,
    non_working: dict[datetime.date, str],
) -> str:
    notice = deadline.notice
    url = settings.SITE_URL + reverse("intervention:notice_detail", args=[notice.pk])
    if deadline.kind in MINISTERS_DEADLINE_KINDS:
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
        _("This is a reminder from the statutory intervention tracker about: %(item)s.") % {"item": item},
        when_sentence(stage, due_on=deadline.due_on, today=today, non_working=non_working),
        "",
        _("What is due: %(label)s") % {"label": deadline.label},
        _("Warning notice: %(notice)s") % {"notice": notice.title},
        _("Council: %(council)s") % {"council": notice.case.council.name},
        _("How the date was worked out: %(basis)s") % {"basis": deadline.basis},
        "",
        _("See it in the tracker: %(url)s") % {"url": url},
        "",
        why,
        _("Reminders stop once the tracker records the item as done."),
    ]
    return "\n".join(lines) + "\n"


# Collecting and sending -------------------------------------------------------------------

REMINDER_SOURCES: list[ReminderSource] = [deadline_reminders]


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
    for reminder in reminders:
        try:
            with transaction.atomic():
                reminder.record()
                EmailMessage(
                    subject=reminder.subject,
                    body=reminder.body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[reminder.email],
                ).send()
        except IntegrityError:
            result.already_recorded.append(reminder)
        except Exception as error:  # noqa: BLE001 - any mail failure: report it, keep going, retry next run
            result.failed.append((reminder, first_line(error)))
        else:
            result.sent.append(reminder)
    return result


def first_line(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return f"{error.__class__.__name__}: {lines[0]}" if lines else error.__class__.__name__
