"""Reminder emails about deadlines: which are due, who is told, sending them and recording each one.

The rule for which reminder an item calls for on a day is the pure `deadlines.reminder_stage`.
`collect_due_reminders(today=...)` gathers from every source in REMINDER_SOURCES the reminders
that are due and not yet recorded; `send_reminders(...)` sends them one by one. A source is a
function `(today) -> list[DueReminder]`: another kind of item (escalations, say) adds its own
source, with its own record model, to REMINDER_SOURCES (or passes `sources=`).

Items: each deadline not yet met (the improvement plan for the compliance deadline, a Board
report, a requirement's own date, the Ministers' duties), and each requirement due by the end of
the compliance period that the council still owes. Those requirements share the compliance
deadline with the plan but are done separately, so each is chased as an item of its own.

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
from accounts.models import TransitionLog

from .. import asat, calendars, deadlines
from ..choices import (
    GIVEN_STATES,
    MINISTERS_DEADLINE_KINDS,
    DeadlineKind,
    NoticeState,
    ReminderKind,
    RequirementDue,
    RequirementState,
)
from ..models import Deadline, ImprovementPlan, Reminder, Requirement

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
    The compliance deadline is the improvement plan's (the plan alone meets it), so it calls for a
    reminder only on a notice that asks for a plan. A requirement's own date still has to be checked
    against the requirement (`requirements_owed_on`): it matters only while the council owes it.
    """
    plan = ImprovementPlan.objects.filter(deadline=OuterRef("pk"))
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
        .exclude(Q(kind=DeadlineKind.COMPLIANCE) & ~Exists(plan))
        .select_related("notice__case__council")
        .order_by("due_on", "id")
    )


def requirements_calling_for_reminders(
    *, today: datetime.date, deadline_ids: Iterable[int] = ()
) -> QuerySet[Requirement]:
    """Return the requirements that may call for a reminder on `today`, whatever their state then.

    Those due by the end of the compliance period (due within the lead or past, on a notice in
    force), and those whose own deadline is among `deadline_ids`.
    """
    compliance = Q(
        due=RequirementDue.COMPLIANCE_PERIOD,
        deadline__kind=DeadlineKind.COMPLIANCE,
        deadline__due_on__lte=deadlines.reminder_lookahead(today),
        notice__given_on__lte=today,
        notice__state=NoticeState.ISSUED,
    )
    return (
        Requirement.objects.filter(compliance | Q(deadline_id__in=list(deadline_ids)))
        .select_related("deadline__notice__case__council")
        .order_by("deadline__due_on", "notice_id", "position", "letter")
    )


def requirements_owed_on(requirements: Iterable[Requirement], today: datetime.date) -> set[int]:
    """Return the ids of the requirements the council still owed at the end of `today`.

    Owed: open or returned, as rebuilt from the transition log (as the case as-at page does), so a
    run `--today` a past date sees a requirement submitted or accepted later as it then was.
    """
    ids = [r.pk for r in requirements]
    if not ids:
        return set()
    logs = TransitionLog.objects.filter(
        content_type__app_label=Requirement._meta.app_label,
        content_type__model=Requirement._meta.model_name,
        object_id__in=ids,
    ).order_by("recorded_at", "id")
    steps = {object_id: found for (_ct, object_id), found in asat.timelines(logs).items()}
    return {
        pk
        for pk in ids
        if asat.state_on(steps.get(pk, []), today, initial=RequirementState.OPEN)[0]
        in OWED_REQUIREMENT_STATES
    }


def deadline_recipients(deadlines_: Iterable[Deadline]) -> dict[int, list[User]]:
    """Return, per deadline id, the people to remind: the council's officers or the Ministers' officials."""
    deadlines_ = list(deadlines_)
    council_ids = {d.notice.case.council_id for d in deadlines_ if d.kind not in MINISTERS_DEADLINE_KINDS}
    wanted = Q(pk__in=[])
    if council_ids:
        wanted |= Q(
            role=Role.COUNCIL_OFFICER,
            organisation_id__in=council_ids,
            organisation__kind=OrganisationKind.LOCAL_AUTHORITY,
        )
    if any(d.kind in MINISTERS_DEADLINE_KINDS for d in deadlines_):
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
        d.pk: officials if d.kind in MINISTERS_DEADLINE_KINDS else officers.get(d.notice.case.council_id, [])
        for d in deadlines_
    }


def deadline_item_name(deadline: Deadline) -> str:
    """Name what is due in a few words; the improvement plan is due by the end of the compliance period."""
    if deadline.kind == DeadlineKind.COMPLIANCE:
        return _("Improvement plan (end of the compliance period)")
    return deadline.label


def requirement_item_name(requirement: Requirement) -> str:
    """Name a requirement due by the end of the compliance period: Requirement (d) (end of ...)."""
    return _("Requirement (%(letter)s) (end of the compliance period)") % {"letter": requirement.letter}


@dataclass(frozen=True)
class _Item:
    """One thing owed by a due date: a deadline, or one requirement due on the compliance deadline."""

    deadline: Deadline
    requirement: Requirement | None = None


def _items_calling_for_reminders(today: datetime.date) -> list[_Item]:
    found = list(deadlines_calling_for_reminders(today=today))
    own_dates = [d.pk for d in found if d.kind == DeadlineKind.REQUIREMENT]
    requirements = list(requirements_calling_for_reminders(today=today, deadline_ids=own_dates))
    owed = requirements_owed_on(requirements, today)
    owed_dates = {r.deadline_id for r in requirements if r.pk in owed}
    items = [_Item(d) for d in found if d.kind != DeadlineKind.REQUIREMENT or d.pk in owed_dates]
    items += [
        _Item(r.deadline, r)
        for r in requirements
        if r.pk in owed
        and r.due == RequirementDue.COMPLIANCE_PERIOD
        and r.deadline.kind == DeadlineKind.COMPLIANCE
    ]
    return sorted(items, key=lambda i: (i.deadline.due_on, i.deadline.pk, i.requirement is not None))


def deadline_reminders(today: datetime.date) -> list[DueReminder]:
    """Return the reminders the open items call for on `today` that have not been recorded yet."""
    non_working = calendars.non_working_days(today, deadlines.reminder_lookahead(today))
    stages = {}
    for item in _items_calling_for_reminders(today):
        stage = deadlines.reminder_stage(item.deadline.due_on, today=today, non_working=non_working)
        if stage is not None:
            stages[item] = stage
    if not stages:
        return []
    requirement_ids = [i.requirement.pk for i in stages if i.requirement is not None]
    deadline_ids = [i.deadline.pk for i in stages if i.requirement is None]
    recorded = set(
        Reminder.objects.filter(
            Q(deadline__in=deadline_ids, requirement__isnull=True) | Q(requirement__in=requirement_ids)
        ).values_list("deadline_id", "requirement_id", "recipient_id", "kind", "week", "due_on")
    )
    recipients = deadline_recipients({i.deadline for i in stages})
    due = []
    for item, stage in stages.items():
        deadline = item.deadline
        requirement_id = item.requirement.pk if item.requirement is not None else None
        for user in recipients[deadline.pk]:
            if (deadline.pk, requirement_id, user.pk, stage.kind, stage.week, deadline.due_on) in recorded:
                continue
            due.append(
                _deadline_reminder(
                    deadline, stage, user, requirement=item.requirement, today=today, non_working=non_working
                )
            )
    return due


def _deadline_reminder(
    deadline: Deadline,
    stage: deadlines.ReminderStage,
    user: User,
    *,
    requirement: Requirement | None = None,
    today: datetime.date,
    non_working: dict[datetime.date, str],
) -> DueReminder:
    item = deadline_item_name(deadline) if requirement is None else requirement_item_name(requirement)
    council = deadline.notice.case.council.name
    subject = reminder_subject(stage, item=item, due_on=deadline.due_on)

    def record() -> Reminder:
        reminder = Reminder(
            deadline=deadline,
            requirement=requirement,
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
        body=deadline_reminder_body(
            deadline,
            stage,
            user,
            item=item,
            requirement=requirement,
            today=today,
            non_working=non_working,
        ),
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
    requirement: Requirement | None = None,
    today: datetime.date,
    non_working: dict[datetime.date, str],
) -> str:
    notice = deadline.notice
    if requirement is None:
        url = settings.SITE_URL + reverse("intervention:notice_detail", args=[notice.pk])
        what = deadline.label
    else:
        url = settings.SITE_URL + reverse("intervention:requirement_detail", args=[requirement.pk])
        what = _("Requirement (%(letter)s): %(text)s") % {
            "letter": requirement.letter,
            "text": requirement.text,
        }
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
        _("What is due: %(label)s") % {"label": what},
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
