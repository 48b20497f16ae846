"""Correcting a recorded fact: one atomic, audited change, and what follows from it."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import dateformat, translation
from django.utils.translation import gettext as _

from accounts.audit import save_with_history

from .. import calendars
from ..choices import LIVE_STATES, ObligationKind
from ..models import Correction, Obligation, WarningNotice
from ..obligations import services as obligation_services
from .facts import Fact

if TYPE_CHECKING:
    from accounts.models import User

SAME_VALUE = _("This is the value already recorded: enter the corrected one")


@transaction.atomic
def fact_correct(*, fact: Fact, obj: Model, by: User, value: Any, reason: str) -> Correction:
    """Correct one recorded fact of `obj` to `value`, saying why; keep the original and follow it through.

    The record is re-read and locked first, so two corrections at once are made one after the
    other. Its history records the change (reason "correct <field>: <why>"), a Correction row keeps
    from what to what, and what is worked out from the fact (due dates from the date a notice was
    given) is worked out again.
    """
    if not fact.allowed(obj, by):
        raise PermissionDenied(_("You do not have permission to do this."))
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Enter why the record is being corrected")})
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    original = fact.value_of(obj)
    if isinstance(value, str):
        value = value.strip()
    if value == original:
        raise ValidationError({"value": SAME_VALUE})
    fact.check(obj, value)
    setattr(obj, fact.field, value)
    reason = reason.strip()
    save_with_history(obj, by=by, reason=f"correct {fact.field}: {reason}", update_fields=[fact.field])
    if fact.name == "notice_given_on":
        _follow_given_on(obj, old=original, new=value, by=by, reason=reason)
    return Correction.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        fact=fact.name,
        field=fact.field,
        label=str(fact.label),
        original=fact.stored(original),
        corrected=fact.stored(value),
        reason=reason,
        corrected_by=by,
        council=fact.council(obj),
    )


def _redate(obligation: Obligation, computed: calendars.ComputedDeadline, *, by: User, why: str) -> None:
    """Give an obligation the due date now worked out; one already settled keeps its state."""
    if obligation.state in LIVE_STATES:
        obligation_services.move_due(obligation, computed, by=by, on=None, reason=why)
        return
    if obligation.due_on == computed.due_on:
        return
    obligation_services._set_due(obligation, computed)
    save_with_history(obligation, by=by, reason=f"date moved: {why}")


def _follow_given_on(
    notice: WarningNotice, *, old: datetime.date, new: datetime.date, by: User, reason: str
) -> None:
    """Work out again what follows from the date a notice was given, now that it is corrected.

    Everything owed from that day is owed from the corrected one; the Ministers' duties (21 and
    90 days) and a compliance period counted from the giving move with it; the notice's text as
    issued names the corrected date.
    """
    why = _("the date the notice was given was corrected: %(reason)s") % {"reason": reason}
    calendar = calendars.WorkingCalendar()
    for obligation in notice.obligations.filter(opened_on=old):
        obligation.opened_on = new
        obligation.changed_on = new if obligation.changed_on == old else max(obligation.changed_on, new)
        save_with_history(obligation, by=by, reason=f"correction: {why}")
    counted_from_giving = notice.compliance_start_on is None and not notice.compliance_extended
    if notice.sets_compliance_period() and counted_from_giving:
        computed = obligation_services.compute_compliance_period(notice, on=new, calendar=calendar)
        notice.compliance_ends_on = computed.due_on
        notice.compliance_basis = computed.basis[:300]
        for obligation in notice.obligations.filter(follows_compliance_period=True):
            _redate(obligation, computed, by=by, why=why)
    for kind, days in (
        (ObligationKind.LAYING, obligation_services.LAYING_DAYS),
        (ObligationKind.LEGISLATURE_REPORT, obligation_services.REPORT_DAYS),
    ):
        for obligation in notice.obligations.filter(kind=kind):
            _redate(obligation, calendars.calendar_day_deadline(new, days, calendar=calendar), by=by, why=why)
    text = notice.issued_text
    for language in {translation.get_language() or "en", "en"}:
        with translation.override(language):
            text = text.replace(dateformat.format(old, "j F Y"), dateformat.format(new, "j F Y"))
    notice.issued_text = text
    save_with_history(notice, by=by, reason=f"correction: {why}")
