"""Writing obligations: opening them when a notice is given, recording what happened, moving dates.

These are the only functions that change an obligation. The user actions (issuing a notice,
submitting evidence or a plan, extending the compliance period, withdrawing a notice, ...) call
them inside their own transaction; `obligation_record_done` is itself a user action (an official
records that a duty was done, with its date or with the date not evidenced).

Every change is saved with history and, for a change of state, a transition-log row; each sets
`changed_on` to the day it took effect, so the past can be rebuilt (asat/).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import apply_transition, check_not_future, save_with_history

from .. import calendars, deadlines, permissions
from ..checks import clean_and_save, require
from ..choices import (
    LIVE_STATES,
    NOTICE_KINDS,
    ComplianceRule,
    DeadlineUnit,
    NoDateReason,
    NoticeState,
    ObligationKind,
    Owner,
    RequirementAnswer,
    RequirementDue,
    RequirementKind,
)
from ..models import BoardReport, ImprovementPlan, NonWorkingDay, Obligation, Requirement, WarningNotice
from . import notify

if TYPE_CHECKING:
    from accounts.models import User

# s151(3): the Ministers' own duties, in calendar days from the giving of the notice.
LAYING_DAYS = 21
REPORT_DAYS = 90

# Positions order a notice's obligations: requirements in their order (a Board report series
# within its requirement's place), then the plan and its agreement where no requirement names
# them, then the Ministers' duties.
STEP = 100
PLAN_POSITION = 90_000
MINISTERS_POSITION = 100_000


# Due dates ----------------------------------------------------------------------------------


def compute_compliance_period(
    notice: WarningNotice, *, on: datetime.date, calendar: calendars.WorkingCalendar | None = None
) -> calendars.ComputedDeadline:
    """Return the end of the compliance period the notice sets, for a notice given on `on`."""
    start = notice.compliance_start_on or on
    if notice.compliance_rule == ComplianceRule.WORKING_DAYS:
        return calendars.working_day_deadline(
            start,
            notice.compliance_days,
            excludes_christmas_eve=notice.compliance_excludes_christmas_eve,
            calendar=calendar if not notice.compliance_excludes_christmas_eve else None,
        )
    if notice.compliance_rule == ComplianceRule.CALENDAR_DAYS:
        return calendars.calendar_day_deadline(start, notice.compliance_days, calendar=calendar)
    return calendars.fixed_date_deadline(start, notice.compliance_fixed_on, calendar=calendar)


def _set_due(
    obligation: Obligation, computed: calendars.ComputedDeadline | None, *, no_date: str = ""
) -> None:
    """Put a computed due date (or none, with the reason) on an obligation not yet saved."""
    if computed is None:
        obligation.unit, obligation.no_date_reason = "", no_date or NoDateReason.NOT_SET
        obligation.due_on = obligation.start_on = obligation.count = None
        obligation.basis, obligation.skipped = "", []
        return
    obligation.unit = computed.unit
    obligation.no_date_reason = ""
    obligation.start_on = computed.start_on
    obligation.count = computed.count
    obligation.excludes_christmas_eve = computed.excludes_christmas_eve
    obligation.due_on = computed.due_on
    obligation.basis = computed.basis[:300]
    obligation.skipped = computed.skipped_as_data()


# Opening obligations when a notice is given ----------------------------------------------------


@dataclass
class _Opener:
    """Creates a notice's obligations, all owed from the day it is given."""

    notice: WarningNotice
    by: User
    on: datetime.date
    calendar: calendars.WorkingCalendar

    def create(
        self,
        *,
        kind: str,
        position: int,
        computed: calendars.ComputedDeadline | None,
        requirement: Requirement | None = None,
        board_report: BoardReport | None = None,
        no_date: str = "",
        follows_compliance_period: bool = False,
        opened_on: datetime.date | None = None,
    ) -> Obligation:
        owner = (
            Owner.MINISTERS
            if kind in (ObligationKind.LAYING, ObligationKind.LEGISLATURE_REPORT)
            else Owner.COUNCIL
        )
        opened_on = opened_on or self.on
        obligation = Obligation(
            notice=self.notice,
            kind=kind,
            owner=owner,
            requirement=requirement,
            board_report=board_report,
            position=position,
            opened_on=opened_on,
            follows_compliance_period=follows_compliance_period,
            changed_on=opened_on,
        )
        _set_due(obligation, computed, no_date=no_date)
        clean_and_save(obligation, by=self.by, reason="opened")
        return obligation


def open_for_notice(
    notice: WarningNotice,
    *,
    by: User,
    on: datetime.date,
    compliance: calendars.ComputedDeadline | None,
) -> list[Obligation]:
    """Open everything a notice given on `on` makes owed, each with its due date and basis.

    The council: each requirement it answers with evidence (due by the end of the compliance
    period, by a fixed date, or with no date); the improvement plan, due by the end of the
    compliance period, and its agreement with the Improvement Board, if the notice asks for a
    plan; each Board report the notice's schedule names (or, where a requirement asks for the
    reports but the notice sets no schedule, one obligation with no date until a schedule is set).
    The Welsh Ministers: laying the notice within 21 days and reporting within 90 (s151(3)),
    unless the notice is an addendum they do not apply to. `compliance` is the end of the
    compliance period as worked out for the notice (None if it sets none).
    """
    calendar = calendars.WorkingCalendar()
    opener = _Opener(notice=notice, by=by, on=on, calendar=calendar)
    requirements = list(notice.requirements.order_by("position", "letter"))
    answering = {r.answered_by: r for r in requirements if not r.is_answered_by_evidence}
    opened = []
    for requirement in requirements:
        if not requirement.is_answered_by_evidence:
            continue
        computed, no_date, follows = None, "", False
        if requirement.due == RequirementDue.COMPLIANCE_PERIOD and compliance is not None:
            computed, follows = compliance, True
        elif requirement.due == RequirementDue.FIXED_DATE:
            computed = calendars.fixed_date_deadline(on, requirement.due_on_fixed, calendar=calendar)
        elif requirement.kind == RequirementKind.CONTINUING_CONDITION:
            no_date = NoDateReason.CONTINUING
        opened.append(
            opener.create(
                kind=ObligationKind.REQUIREMENT,
                position=requirement.position * STEP,
                requirement=requirement,
                computed=computed,
                no_date=no_date,
                follows_compliance_period=follows,
            )
        )
    if notice.requires_improvement_plan:
        clean_and_save(ImprovementPlan(notice=notice), by=by, reason="opened on issue")
        plan_requirement = answering.get(RequirementAnswer.IMPROVEMENT_PLAN)
        agreement_requirement = answering.get(RequirementAnswer.PLAN_AGREEMENT)
        opened.append(
            opener.create(
                kind=ObligationKind.IMPROVEMENT_PLAN,
                position=_position(plan_requirement, PLAN_POSITION),
                requirement=plan_requirement,
                computed=compliance,
                follows_compliance_period=True,
            )
        )
        opened.append(
            opener.create(
                kind=ObligationKind.PLAN_AGREEMENT,
                position=_position(agreement_requirement, PLAN_POSITION + 1),
                requirement=agreement_requirement,
                computed=None,
            )
        )
    opened += _open_board_reports(
        notice, opener=opener, today=on, requirement=answering.get(RequirementAnswer.BOARD_REPORTS)
    )
    if notice.ministers_duties_apply:
        opened.append(
            opener.create(
                kind=ObligationKind.LAYING,
                position=MINISTERS_POSITION,
                computed=calendars.calendar_day_deadline(on, LAYING_DAYS, calendar=calendar),
            )
        )
        opened.append(
            opener.create(
                kind=ObligationKind.LEGISLATURE_REPORT,
                position=MINISTERS_POSITION + 1,
                computed=calendars.calendar_day_deadline(on, REPORT_DAYS, calendar=calendar),
            )
        )
    return opened


def _position(requirement: Requirement | None, default: int) -> int:
    return requirement.position * STEP if requirement is not None else default


# Board reports ----------------------------------------------------------------------------------


def scheduled_months(notice: WarningNotice, *, today: datetime.date) -> list[datetime.date]:
    """Return the months the notice's Board report schedule names up to `today` (for an open end)."""
    return months_named(
        notice.board_reports_from,
        count=notice.board_reports_count,
        until_end=notice.board_reports_until_end,
        today=today,
    )


def months_named(
    first: datetime.date | None, *, count: int, until_end: bool, today: datetime.date
) -> list[datetime.date]:
    """Return the months a Board report schedule names up to `today` (for an open end).

    A schedule of N reports names N months from the first; a schedule "until the notice ends"
    names every month from the first up to the month that contains `today` (the daily job adds
    each new month as it begins). No schedule names no months.
    """
    if first is None:
        return []
    if until_end:
        months, month = [], first
        while month <= today:
            months.append(month)
            month = deadlines.add_months(month, 1)
        return months
    return [deadlines.add_months(first, index) for index in range(count)]


def in_schedule(notice: WarningNotice, month: datetime.date) -> bool:
    """Return True if the notice's Board report schedule names `month` (now, or once it begins)."""
    first = notice.board_reports_from
    if first is None or month < first:
        return False
    if notice.board_reports_until_end:
        return True
    return month < deadlines.add_months(first, notice.board_reports_count)


def _board_report_requirement(notice: WarningNotice) -> Requirement | None:
    return notice.requirements.filter(answered_by=RequirementAnswer.BOARD_REPORTS).first()


def _open_board_reports(
    notice: WarningNotice, *, opener: _Opener, today: datetime.date, requirement: Requirement | None
) -> list[Obligation]:
    """Open the Board reports the schedule names that are not open yet; or, with no schedule, a placeholder.

    Each is owed from `opener.on` (the day the notice was given, or the schedule set); under an
    open-ended schedule a month's report is owed from the later of that day and the month's start.
    """
    base = _position(requirement, PLAN_POSITION + 2)
    existing = {
        o.board_report.month: o
        for o in notice.obligations.filter(
            kind=ObligationKind.BOARD_REPORT, board_report__isnull=False
        ).select_related("board_report")
    }
    opened = []
    for index, month in enumerate(scheduled_months(notice, today=today)):
        if month in existing:
            continue
        report = BoardReport(notice=notice, month=month)
        clean_and_save(report, by=opener.by, reason="scheduled")
        opened.append(
            opener.create(
                kind=ObligationKind.BOARD_REPORT,
                position=base + 1 + index,
                requirement=requirement,
                board_report=report,
                computed=calendars.month_end_deadline(month, calendar=opener.calendar),
                opened_on=max(opener.on, month) if notice.board_reports_until_end else opener.on,
            )
        )
    placeholder = notice.obligations.filter(
        kind=ObligationKind.BOARD_REPORT, board_report__isnull=True, state__in=LIVE_STATES
    ).first()
    if requirement is not None and not notice.has_board_report_schedule and placeholder is None:
        opened.append(
            opener.create(
                kind=ObligationKind.BOARD_REPORT,
                position=base,
                requirement=requirement,
                computed=None,
                no_date=NoDateReason.NOT_SET,
            )
        )
    return opened


def open_board_reports(notice: WarningNotice, *, by: User, on: datetime.date) -> list[Obligation]:
    """Open the Board reports a newly set schedule names that are not owed yet, owed from `on`."""
    opener = _Opener(notice=notice, by=by, on=on, calendar=calendars.WorkingCalendar())
    return _open_board_reports(notice, opener=opener, today=on, requirement=_board_report_requirement(notice))


def open_new_board_report_months(*, today: datetime.date, by: User | None = None) -> list[Obligation]:
    """Open each month's Board report that an open-ended schedule names once its month has begun.

    Run by the daily job; a month already open is left alone, so it can run any number of times.
    """
    opened = []
    notices = WarningNotice.objects.filter(
        state=NoticeState.ISSUED, board_reports_until_end=True, board_reports_from__lte=today
    ).exclude(  # the requirement the reports answer was withdrawn: none is owed any more
        requirements__answered_by=RequirementAnswer.BOARD_REPORTS, requirements__withdrawn_on__isnull=False
    )
    calendar = calendars.WorkingCalendar()
    for notice in notices:
        with transaction.atomic():
            opener = _Opener(notice=notice, by=by, on=notice.given_on, calendar=calendar)
            requirement = _board_report_requirement(notice)
            opened += _open_board_reports(notice, opener=opener, today=today, requirement=requirement)
    return opened


# Recording what happened ------------------------------------------------------------------------


def transition(
    obligation: Obligation,
    name: str,
    *,
    by: User,
    reason: str = "",
    on: datetime.date | None = None,
    **kwargs,
) -> Obligation:
    """Make transition `name` on `obligation` for `by`, dated `on`, with history and a log row."""
    on = on or timezone.localdate()
    return apply_transition(obligation, name, by=by, reason=reason, occurred_on=on, on=on, **kwargs)


def check_fact_date(obligation: Obligation, on: datetime.date, *, what: str, field: str = "on") -> None:
    """Refuse a date in the future, or before the obligation was owed (the error on `field`)."""
    try:
        check_not_future(on, what=what)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error
    if on < obligation.opened_on:
        message = _("The date cannot be before %(date)s, when it became owed.") % {
            "date": calendars.format_date(obligation.opened_on)
        }
        raise ValidationError({field: message})


@transaction.atomic
def obligation_record_done(
    *,
    obligation: Obligation,
    by: User,
    source: str,
    on: datetime.date | None = None,
    not_evidenced: bool = False,
    done_by: datetime.date | None = None,
) -> Obligation:
    """An official records that a duty was done: on a date, or (the date not being on record) not evidenced.

    For cases taken over from before the tracker, and where the sources are silent about when,
    the date is recorded as not evidenced, with the source and, if a source shows it, the latest
    day it had been done by; it is then never shown as overdue, nor as met on any date. Recorded
    before it falls due, it is known done by the day it is recorded.
    """
    require(permissions.can_settle_obligation(obligation, by))
    if not source or not source.strip():
        raise ValidationError(
            {"source": _("Enter where this is recorded, for example a link or a reference.")}
        )
    source = source.strip()
    if not_evidenced:
        today = timezone.localdate()
        if done_by is None and (obligation.due_on is None or obligation.due_on > today):
            # Not yet due, yet done: known done by today, so it is never chased.
            done_by = today
        if done_by is not None:
            check_fact_date(
                obligation, done_by, what=_("The date it is known to have been done by"), field="done_by"
            )
        return transition(
            obligation, "record_not_evidenced", by=by, reason=source, on=today, done_by=done_by, source=source
        )
    if on is None:
        raise ValidationError({"on": _("Enter the date it was done, or say the date is not evidenced.")})
    check_fact_date(obligation, on, what=_("The date it was done"))
    return transition(obligation, "meet", by=by, reason=source, on=on, source=source)


def release(obligation: Obligation, *, by: User, on: datetime.date, reason: str) -> Obligation:
    """Settle an obligation as no longer required, saying why (within the caller's transaction)."""
    return transition(obligation, "release", by=by, reason=reason, on=on, why=reason)


def live_obligations(notice: WarningNotice) -> QuerySet[Obligation]:
    """Return the obligations owed (or with the reviewer) under a notice: its addenda's and the
    carried-over ones too (WarningNotice.owed_q)."""
    return Obligation.objects.filter(notice.owed_q(), state__in=LIVE_STATES)


def withdraw_requirement(
    requirement: Requirement, *, by: User, on: datetime.date, why: str
) -> list[Obligation]:
    """Withdraw a requirement (within the caller's transaction): whatever answers it is no longer
    owed, and nothing can put it back. Withdrawing the improvement plan also ends its agreement.

    Returns the obligations released.
    """
    requirement.withdrawn_on = on
    save_with_history(requirement, by=by, reason=f"withdrawn: {why}"[:100])
    released = [
        release(obligation, by=by, on=on, reason=why)
        for obligation in requirement.obligations.filter(state__in=LIVE_STATES).order_by("position", "id")
    ]
    if requirement.answered_by == RequirementAnswer.IMPROVEMENT_PLAN:
        agreement = requirement.notice.obligations.filter(
            kind=ObligationKind.PLAN_AGREEMENT, state__in=LIVE_STATES
        ).first()
        if agreement is not None:
            reason = _("No improvement plan is required any more, so neither is its agreement: %(why)s") % {
                "why": why
            }
            released.append(release(agreement, by=by, on=on, reason=reason))
    return released


def settle_when_notice_ends(
    notice: WarningNotice, *, by: User, on: datetime.date, reason: str, notify_people: bool = True
) -> list[Obligation]:
    """Settle every open obligation of the council under a notice that ended, with the reason.

    The Welsh Ministers' own duties under s151(3) arise from giving the notice, so they stay
    owed whatever becomes of it.
    """
    settled = []
    own = live_obligations(notice).filter(owner=Owner.COUNCIL, kind__in=NOTICE_KINDS)
    for obligation in own.order_by("position", "id"):
        settled.append(release(obligation, by=by, on=on, reason=reason))
    if settled and notify_people:
        notify.obligations_changed(
            notice,
            subject=_("No longer required: %(notice)s") % {"notice": notice.title},
            lines=[reason, *(_("No longer required: %(what)s") % {"what": o.label} for o in settled)],
            owners={Owner.COUNCIL},
            by=by,
        )
    return settled


def move_due(
    obligation: Obligation,
    computed: calendars.ComputedDeadline,
    *,
    by: User | None,
    on: datetime.date | None,
    reason: str,
    follows_compliance_period: bool | None = None,
) -> bool:
    """Give an obligation still owed a new due date, saying why; return False if nothing moved.

    `on` is the day a decision moved it (an extension of the compliance period, say): from then
    on, the case as it stood shows the new date. A correction of the calendar (`on` None) is no
    event in the case: the calendar as now known applies to every day, as it does to every
    status, so the move does not change when the obligation's recorded facts took effect.
    """
    if obligation.state not in LIVE_STATES:
        raise ValidationError(_("Only an obligation still owed can have its date moved."))
    if obligation.due_on == computed.due_on and obligation.basis == computed.basis[:300]:
        return False
    previous = obligation.due_on
    _set_due(obligation, computed)
    if follows_compliance_period is not None:
        obligation.follows_compliance_period = follows_compliance_period
    obligation.previous_due_on = previous
    obligation.due_change_reason = reason
    if on is not None:
        obligation.changed_on = max(on, obligation.changed_on)
    save_with_history(obligation, by=by, reason=f"date moved: {reason}")
    return previous != computed.due_on


def check_known_years(*days: datetime.date | None, field: str | None = None) -> None:
    """Refuse a date whose year the working-day calendar does not know (a one-line error, on `field`)."""
    try:
        calendars.WorkingCalendar().check_dates(*days)
    except calendars.UnknownCalendarYear as error:
        if field is None:
            raise
        raise ValidationError({field: error.messages}) from error


def affected_by_day(day: datetime.date) -> QuerySet[Obligation]:
    """Return the obligations still owed whose working-day or month-end date a change to `day` can move."""
    rule_based = Q(unit=DeadlineUnit.WORKING_DAYS, start_on__lt=day) | Q(
        unit=DeadlineUnit.MONTH_END, start_on__year=day.year, start_on__month=day.month
    )
    return Obligation.objects.filter(rule_based, state__in=LIVE_STATES).select_related(
        "notice__case__council", "requirement", "board_report"
    )


def recompute_for_day(
    day: datetime.date, *, by: User | None, why: str
) -> list[tuple[Obligation, datetime.date | None]]:
    """Work out again every date still owed that a change to the non-working day `day` can move.

    Met, not evidenced and no-longer-required obligations never move. Each one moved gets a
    history row naming the day and its source; compliance periods of notices in force move too.
    Returns the obligations whose date changed, each with its previous date.
    """
    calendar = calendars.WorkingCalendar()
    moved = []
    for obligation in affected_by_day(day).order_by("notice_id", "position", "id"):
        computed = calendars.recompute(
            unit=obligation.unit,
            start_on=obligation.start_on,
            count=obligation.count,
            excludes_christmas_eve=obligation.excludes_christmas_eve,
            calendar=calendar,
        )
        previous = obligation.due_on
        if computed is not None and move_due(obligation, computed, by=by, on=None, reason=why):
            moved.append((obligation, previous))
    notices = WarningNotice.objects.filter(
        state=NoticeState.ISSUED,
        compliance_rule=ComplianceRule.WORKING_DAYS,
        compliance_extended=False,
        compliance_ends_on__gte=day,
        given_on__isnull=False,
    )
    for notice in notices:
        computed = compute_compliance_period(notice, on=notice.given_on, calendar=calendar)
        if computed.due_on != notice.compliance_ends_on:
            notice.compliance_ends_on = computed.due_on
            notice.compliance_basis = computed.basis[:300]
            save_with_history(notice, by=by, reason=f"compliance period worked out again: {why}")
    return moved


def owed_by_council(notice: WarningNotice) -> QuerySet[Obligation]:
    return live_obligations(notice).filter(owner=Owner.COUNCIL)


def describe_moves(moves: Iterable[tuple[Obligation, datetime.date | None]]) -> list[str]:
    """Say, one line each, what moved from when to when."""
    return [
        _("%(what)s: moved from %(old)s to %(new)s.")
        % {
            "what": obligation.label,
            "old": calendars.format_date(previous) if previous else _("no date"),
            "new": calendars.format_date(obligation.due_on),
        }
        for obligation, previous in moves
    ]


def _owner_in_a_sentence(obligation: Obligation) -> str:
    """The owner as it reads inside a sentence: "the council", "the Welsh Ministers" (names keep capitals)."""
    owner = str(obligation.get_owner_display())
    return owner[:1].lower() + owner[1:]


def describe_owed(obligations: Iterable[Obligation]) -> list[str]:
    """Say, one line each, what is owed by whom and when."""
    lines = []
    for obligation in obligations:
        due = (
            calendars.format_date(obligation.due_on)
            if obligation.due_on
            else str(obligation.get_no_date_reason_display())
        )
        lines.append(
            _("%(what)s, owed by %(owner)s: %(due)s")
            % {"what": obligation.label, "owner": _owner_in_a_sentence(obligation), "due": due}
        )
    return lines


# The calendar changed -----------------------------------------------------------------------------


@transaction.atomic
def non_working_day_save(
    *, day: NonWorkingDay, by: User | None, previous: datetime.date | None = None
) -> list[tuple[Obligation, datetime.date | None]]:
    """Record (or change) an extra non-working day, and move every date still owed that it touches.

    In the same transaction, each obligation still owed whose working-day or month-end date the
    day changes is worked out again, with a history row naming the day and its source; dates
    already met never move. `previous` is the day's date before an administrator changed it.
    Returns the obligations moved, each with its date before. A day may be in a year the calendar
    does not know yet: recording that year's bank holidays comes before confirming the year (but
    not a year no date may fall in: see calendars.check_recordable).
    """
    try:
        calendars.check_recordable(day.day)
    except ValidationError as error:
        raise ValidationError({"day": error.messages}) from error
    save_with_history(day, by=by, reason="admin change" if previous else "admin add")
    why = _("%(date)s was recorded as a non-working day (%(what)s; source: %(source)s)") % {
        "date": calendars.format_date(day.day),
        "what": day.description,
        "source": day.source,
    }
    moved = []
    if previous is not None and previous != day.day:
        undone = _("%(date)s is no longer a non-working day") % {"date": calendars.format_date(previous)}
        moved += recompute_for_day(previous, by=by, why=undone)
    moved += recompute_for_day(day.day, by=by, why=why)
    _tell_moves(moved, why, by=by)
    return moved


@transaction.atomic
def non_working_day_delete(
    *, day: NonWorkingDay, by: User | None
) -> list[tuple[Obligation, datetime.date | None]]:
    """Remove an extra non-working day, and move every date still owed that it touched."""
    date = day.day
    why = _("%(date)s is no longer a non-working day (it was recorded as: %(what)s; source: %(source)s)") % {
        "date": calendars.format_date(date),
        "what": day.description,
        "source": day.source,
    }
    day._history_user = by
    day._change_reason = "admin delete"
    day.delete()
    moved = recompute_for_day(date, by=by, why=why)
    _tell_moves(moved, why, by=by)
    return moved


def _tell_moves(moved: list[tuple[Obligation, datetime.date | None]], why: str, *, by: User | None) -> None:
    by_notice: dict[int, list[tuple[Obligation, datetime.date | None]]] = {}
    for obligation, previous in moved:
        by_notice.setdefault(obligation.notice_id, []).append((obligation, previous))
    for moves in by_notice.values():
        notice = moves[0][0].notice
        notify.obligations_changed(
            notice,
            subject=_("Dates moved: %(notice)s") % {"notice": notice.title},
            lines=[why, *describe_moves(moves)],
            owners={o.owner for o, _p in moves},
            by=by,
        )
