"""What happens to a notice once given: the Ministers' own duties, changes to its terms, its end.

Changes after issue (extending the compliance period, changing the Board report schedule) move
what is still owed and leave what was met alone; ending a notice (closed as complied, withdrawn,
escalated) settles everything the council still owes under it as no longer required, with the
reason, which stops its reminders. The people affected are told of each change.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import apply_transition

from .. import calendars, deadlines
from ..casework import services as casework_services
from ..checks import check_after_given, require_reason
from ..choices import (
    LIVE_STATES,
    NoticeKind,
    NoticeState,
    ObligationKind,
    ObligationState,
    Owner,
    RequirementAnswer,
)
from ..models import Obligation, WarningNotice
from ..obligations import notify
from ..obligations import services as obligation_services

if TYPE_CHECKING:
    from accounts.models import User


# The Ministers' own duties ---------------------------------------------------------------------


def ministers_duty(notice: WarningNotice, kind: str) -> Obligation:
    duty = notice.obligations.filter(kind=kind).first()
    if duty is None:
        raise ValidationError(_("The Ministers' duties under section 151(3) do not apply to this notice."))
    return duty


@transaction.atomic
def notice_record_laying(
    *, notice: WarningNotice, by: User, on: datetime.date, reference: str
) -> WarningNotice:
    """Record that a copy of the notice was laid before the legislature (s151(3)(a))."""
    obligation_services.obligation_record_done(
        obligation=ministers_duty(notice, ObligationKind.LAYING), by=by, on=on, source=reference
    )
    return notice


@transaction.atomic
def notice_record_report(
    *, notice: WarningNotice, by: User, on: datetime.date, reference: str
) -> WarningNotice:
    """Record the Ministers' report to the legislature on the council's action (s151(3)(b))."""
    obligation_services.obligation_record_done(
        obligation=ministers_duty(notice, ObligationKind.LEGISLATURE_REPORT), by=by, on=on, source=reference
    )
    return notice


# Changes to the notice's terms after issue ----------------------------------------------------------


@transaction.atomic
def notice_extend_compliance_period(
    *,
    notice: WarningNotice,
    by: User,
    ends_on: datetime.date,
    decided_by: str,
    reason: str,
    decided_on: datetime.date | None = None,
) -> list[Obligation]:
    """Extend the compliance period to `ends_on`, as `decided_by` decided on `decided_on`, and why.

    Everything still owed by the end of the period moves to the new date, with a history row
    saying why; what was met keeps the date it was met against. Returns the obligations moved.
    """
    require_reason(reason, _("Enter why the compliance period is being extended."))
    if not decided_by or not decided_by.strip():
        raise ValidationError({"decided_by": _("Enter who decided to extend the compliance period.")})
    decided_on = decided_on or timezone.localdate()
    check_after_given(notice, decided_on, field="decided_on")
    obligation_services.check_known_years(ends_on, field="ends_on")
    if notice.compliance_ends_on is not None and ends_on <= notice.compliance_ends_on:
        raise ValidationError(
            {
                "ends_on": _("The new end must be after the present end, %(date)s.")
                % {"date": calendars.format_date(notice.compliance_ends_on)}
            }
        )
    previous = notice.compliance_ends_on
    basis = _("Extended to %(new)s by %(who)s on %(on)s (it ended on %(old)s)") % {
        "new": calendars.format_date(ends_on),
        "who": decided_by.strip(),
        "on": calendars.format_date(decided_on),
        "old": calendars.format_date(previous) if previous else _("no date"),
    }
    why = _("%(basis)s: %(reason)s") % {"basis": basis, "reason": reason.strip()}
    apply_transition(
        notice,
        "extend_compliance_period",
        by=by,
        reason=why,
        occurred_on=decided_on,
        ends_on=ends_on,
        basis=basis[:300],
    )
    computed = calendars.fixed_date_deadline(decided_on, ends_on, basis=basis[:300])
    moved = []
    # Its own and those carried over to it; an addendum's follow the addendum's own period.
    following = Obligation.objects.filter(
        Q(notice=notice) | Q(carried_to=notice), state__in=LIVE_STATES, follows_compliance_period=True
    )
    for obligation in following.order_by("position", "id"):
        earlier = obligation.due_on
        if obligation_services.move_due(obligation, computed, by=by, on=decided_on, reason=why):
            moved.append((obligation, earlier))
    notify.obligations_changed(
        notice,
        subject=_("Compliance period extended: %(notice)s") % {"notice": notice.title},
        lines=[why, *obligation_services.describe_moves(moved)],
        owners={Owner.COUNCIL},
        by=by,
    )
    return [obligation for obligation, _earlier in moved]


@transaction.atomic
def notice_change_board_report_schedule(
    *,
    notice: WarningNotice,
    by: User,
    first_month: datetime.date | None,
    count: int = 0,
    until_end: bool = False,
    reason: str,
    on: datetime.date | None = None,
) -> WarningNotice:
    """Set when the monthly Improvement Board reports are due, from now on, and why.

    Months the new schedule names that are not yet owed become owed (from today); months it no
    longer names that are still owed become no longer required; a report already sent stays as it
    is. With no schedule at all, a requirement answered by the reports is owed with no date.
    """
    require_reason(reason, _("Enter why the Board report schedule is changing."))
    on = on or timezone.localdate()
    check_after_given(notice, on)
    if (count or until_end) and first_month is None:
        raise ValidationError({"first_month": _("Enter the month of the first Board report.")})
    if count and until_end:
        raise ValidationError(
            {"count": _("Give a number of reports, or say they run until the notice ends.")}
        )
    if first_month is not None:
        first_month = first_month.replace(day=1)
        obligation_services.check_known_years(first_month, field="first_month")
    if not count and not until_end:
        first_month = None
    _check_schedule(notice, first_month=first_month, count=count, until_end=until_end, on=on)
    apply_transition(
        notice,
        "change_board_report_schedule",
        by=by,
        reason=reason,
        occurred_on=on,
        first_month=first_month,
        count=count,
        until_end=until_end,
    )
    why = _("Board report schedule changed on %(date)s: %(reason)s") % {
        "date": calendars.format_date(on),
        "reason": reason.strip(),
    }
    changed = []
    reports = notice.obligations.filter(kind=ObligationKind.BOARD_REPORT).select_related("board_report")
    for obligation in reports.order_by("position", "id"):
        month = obligation.board_report.month if obligation.board_report_id else None
        if month is None:
            if notice.has_board_report_schedule and obligation.state in LIVE_STATES:
                changed.append(obligation_services.release(obligation, by=by, on=on, reason=why))
        elif not obligation_services.in_schedule(notice, month) and obligation.state == ObligationState.OPEN:
            changed.append(obligation_services.release(obligation, by=by, on=on, reason=why))
        elif (
            obligation_services.in_schedule(notice, month)
            and obligation.state == ObligationState.NOT_REQUIRED
        ):
            changed.append(obligation_services.transition(obligation, "reinstate", by=by, reason=why, on=on))
    changed += obligation_services.open_board_reports(notice, by=by, on=on)
    notify.obligations_changed(
        notice,
        subject=_("Board report schedule changed: %(notice)s") % {"notice": notice.title},
        lines=[why, *obligation_services.describe_owed(o for o in changed if o.state in LIVE_STATES)],
        owners={Owner.COUNCIL},
        by=by,
    )
    return notice


def _check_schedule(
    notice: WarningNotice,
    *,
    first_month: datetime.date | None,
    count: int,
    until_end: bool,
    on: datetime.date,
) -> None:
    """Refuse a schedule that would make a report owed after its month had ended, or is not owed at all."""
    withdrawn = notice.requirements.filter(
        answered_by=RequirementAnswer.BOARD_REPORTS, withdrawn_on__isnull=False
    ).first()
    if withdrawn is not None:
        raise ValidationError(
            _(
                "Requirement (%(letter)s), which the Board reports answer, was withdrawn on %(date)s, "
                "so no Board report is owed."
            )
            % {"letter": withdrawn.letter, "date": calendars.format_date(withdrawn.withdrawn_on)}
        )
    if first_month is None or notice.given_on is None:
        return  # no schedule; or never given, which the transition refuses
    given_month = notice.given_on.replace(day=1)
    if first_month < given_month:
        raise ValidationError(
            {
                "first_month": _("The first month cannot be before the notice was given, in %(month)s.")
                % {"month": calendars.format_month(given_month)}
            }
        )
    owed = set(
        notice.obligations.filter(kind=ObligationKind.BOARD_REPORT, board_report__isnull=False)
        .exclude(state=ObligationState.NOT_REQUIRED)
        .values_list("board_report__month", flat=True)
    )
    months = obligation_services.months_named(first_month, count=count, until_end=until_end, today=on)
    ended = [m for m in months if m not in owed and deadlines.add_months(m, 1) <= on]
    if ended:
        raise ValidationError(
            {
                "first_month": _(
                    "The report for %(month)s would be owed only after its month had ended: start "
                    "the schedule from a month that has not ended."
                )
                % {"month": calendars.format_month(ended[0])}
            }
        )


# The end of a notice --------------------------------------------------------------------------------


def _end(notice: WarningNotice, *, by: User, on: datetime.date, why: str) -> None:
    """What ends with a notice: the council's open obligations are released and pending evidence returned.

    The Welsh Ministers' own duties under s151(3) arose from giving the notice, so they stay owed.
    """
    obligation_services.settle_when_notice_ends(notice, by=by, on=on, reason=why)
    casework_services.close_pending_submissions(notice, by=by, reason=why)
    end_addenda(notice, by=by, on=on, why=why)


def end_addenda(notice: WarningNotice, *, by: User, on: datetime.date, why: str) -> None:
    """End the addenda in force of a notice that ended, as it ended: they are part of it.

    What the council owed under them was settled with the notice (WarningNotice.owed_q); the
    Ministers' own duties under an addendum stay owed, as the notice's do.
    """
    addenda = WarningNotice.objects.filter(parent=notice, kind=NoticeKind.ADDENDUM, state=NoticeState.ISSUED)
    for addendum in addenda.order_by("given_on", "pk"):
        addendum.parent = notice
        apply_transition(
            addendum, "end_with_parent", by=by, reason=why, occurred_on=on, on=on, closing_reason=why
        )


@transaction.atomic
def notice_close_as_complied(
    *, notice: WarningNotice, by: User, reason: str, on: datetime.date | None = None
) -> WarningNotice:
    """Close the notice because the council has done what it required; reports not yet due lapse."""
    require_reason(reason, _("Enter why the notice is being closed."))
    on = on or timezone.localdate()
    check_after_given(notice, on)
    apply_transition(
        notice, "close_as_complied", by=by, reason=reason, occurred_on=on, on=on, closing_reason=reason
    )
    why = _("The notice was closed as complied on %(date)s.") % {"date": calendars.format_date(on)}
    _end(notice, by=by, on=on, why=why)
    return notice


@transaction.atomic
def notice_withdraw(
    *, notice: WarningNotice, by: User, reason: str, on: datetime.date | None = None
) -> WarningNotice:
    """Withdraw the notice, saying why: nothing more is owed by the council under it."""
    require_reason(reason, _("Enter why the notice is being withdrawn."))
    on = on or timezone.localdate()
    if notice.given_on:
        check_after_given(notice, on)
    apply_transition(notice, "withdraw", by=by, reason=reason, occurred_on=on, on=on, closing_reason=reason)
    if notice.given_on:
        why = _("The notice was withdrawn on %(date)s: %(reason)s") % {
            "date": calendars.format_date(on),
            "reason": reason.strip(),
        }
        _end(notice, by=by, on=on, why=why)
    return notice
