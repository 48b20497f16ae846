"""What happens to a notice once given: the Ministers' own duties, closing, withdrawing, escalating."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import (
    apply_transition,
)

from ..choices import (
    DeadlineKind,
)
from ..models import (
    Intervention,
    WarningNotice,
)

if TYPE_CHECKING:
    from accounts.models import User
from ..checks import check_after_given, clean_and_save, meet_deadline, require_reason


@transaction.atomic
def notice_record_laying(
    *, notice: WarningNotice, by: User, on: datetime.date, reference: str
) -> WarningNotice:
    """Record that a copy of the notice was laid before the legislature (s151(3)(a))."""
    check_after_given(notice, on)
    apply_transition(
        notice, "record_laying", by=by, reason=reference, occurred_on=on, on=on, reference=reference
    )
    deadline = notice.deadlines.filter(kind=DeadlineKind.LAYING).first()
    meet_deadline(deadline, on, by=by, why="laying recorded")
    return notice


@transaction.atomic
def notice_record_report(
    *, notice: WarningNotice, by: User, on: datetime.date, reference: str
) -> WarningNotice:
    """Record the Ministers' report to the legislature on the council's action (s151(3)(b))."""
    check_after_given(notice, on)
    apply_transition(
        notice, "record_report", by=by, reason=reference, occurred_on=on, on=on, reference=reference
    )
    deadline = notice.deadlines.filter(kind=DeadlineKind.REPORT).first()
    meet_deadline(deadline, on, by=by, why="report recorded")
    return notice


@transaction.atomic
def notice_close_as_complied(*, notice: WarningNotice, by: User, reason: str) -> WarningNotice:
    """Close the notice because every requirement has been accepted."""
    require_reason(reason, _("Enter why the notice is being closed."))
    return apply_transition(notice, "close_as_complied", by=by, reason=reason, closing_reason=reason)


@transaction.atomic
def notice_withdraw(*, notice: WarningNotice, by: User, reason: str) -> WarningNotice:
    """Withdraw the notice; a reason is required."""
    require_reason(reason, _("Enter why the notice is being withdrawn."))
    return apply_transition(notice, "withdraw", by=by, reason=reason, closing_reason=reason)


@transaction.atomic
def notice_escalate(
    *,
    notice: WarningNotice,
    by: User,
    reason: str,
    power: str,
    terms: str,
    nominee: str = "",
    on: datetime.date | None = None,
) -> Intervention:
    """Record that the Ministers move to intervene under ss152-161, and propose the direction."""
    require_reason(reason, _("Enter why the notice is being escalated."))
    if not terms.strip():
        raise ValidationError({"terms": _("Enter the terms of the proposed direction.")})
    on = on or timezone.localdate()
    check_after_given(notice, on)
    apply_transition(notice, "escalate", by=by, reason=reason, occurred_on=on)
    intervention = Intervention(notice=notice, power=power, terms=terms, nominee=nominee, proposed_on=on)
    clean_and_save(intervention, by=by, reason=f"proposed: {reason}")
    return intervention
