"""The power to intervene (s152) and directions under it (ss153-161): the only way they change.

The power arises by the Ministers' determination after a warning notice's compliance period has
ended, naming the required actions not taken; it lasts until they give the council written
notice that it has ended. Directions are given under a live power; what one requires of the
council is owed as an obligation (kind direction) for as long as the direction is in force.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import apply_transition
from inspections.models import StatutoryFunction

from .. import calendars, permissions
from ..checks import check_past, clean_and_save, require, require_reason
from ..choices import (
    LIVE_STATES,
    DirectionKind,
    DirectionState,
    NoDateReason,
    NoticeState,
    ObligationKind,
    Owner,
    PerformedBy,
    PowerState,
)
from ..models import (
    Direction,
    DirectionVariation,
    InterventionCase,
    Obligation,
    PowerRoute,
    PowerToIntervene,
    Provision,
    Requirement,
    WarningNotice,
)
from ..notifications import services as notification_services
from ..obligations import services as obligation_services

if TYPE_CHECKING:
    from accounts.models import User

# The route reference data names (migration 0010): after a warning notice, and the unverified one.
AFTER_WARNING_NOTICE = "after-warning-notice"


def require_case_open(case: InterventionCase) -> None:
    """Refuse any change to a closed case: it must be reopened first (itself recorded)."""
    if InterventionCase.objects.filter(pk=case.pk, closed_on__isnull=False).exists():
        raise ValidationError(_("This case is closed, so nothing on it can change. Reopen the case first."))


# The power -----------------------------------------------------------------------------------


@transaction.atomic
def power_determine(
    *,
    notice: WarningNotice,
    by: User,
    on: datetime.date,
    actions_not_taken: Iterable[Requirement],
    reasons: str,
    reference: str = "",
) -> PowerToIntervene:
    """Record the Ministers' determination that the power to intervene has arisen after `notice`.

    Refused before the compliance period has ended, and without the required actions not taken
    and the reasons. The notice ends there: what the council still owed under it is no longer
    owed under the notice (the Ministers may require it again by direction).
    """
    case = notice.case
    require(permissions.can_manage_case(case, by))
    require_case_open(case)
    route = PowerRoute.objects.filter(code=AFTER_WARNING_NOTICE, enabled=True).first()
    if route is None:
        raise ValidationError(
            _("The route to the power after a warning notice is switched off in the reference data.")
        )
    check_past(on, what=_("The date of the determination"))
    # A notice not in force (a draft has no period yet) or an addendum is refused by the transition,
    # which says why.
    in_force = notice.state == NoticeState.ISSUED and not notice.is_addendum
    if in_force and notice.compliance_ends_on is None:
        raise ValidationError(_("The notice sets no compliance period, so the power cannot arise under it."))
    if in_force and on <= notice.compliance_ends_on:
        raise ValidationError(
            {
                "on": _(
                    "The compliance period ends on %(end)s, so the power to intervene cannot arise before "
                    "%(first)s (s152)."
                )
                % {
                    "end": calendars.format_date(notice.compliance_ends_on),
                    "first": calendars.format_date(notice.compliance_ends_on + datetime.timedelta(days=1)),
                }
            }
        )
    if notice.given_on and on < notice.given_on:
        raise ValidationError({"on": _("The date cannot be before the notice was given.")})
    require_reason(reasons, _("Enter the reasons for the determination."))
    actions = list(actions_not_taken)
    if not actions:
        raise ValidationError(
            {"actions_not_taken": _("Select the required actions the council did not take.")}
        )
    allowed = set(
        Requirement.objects.filter(
            notice__in=WarningNotice.objects.filter(pk=notice.pk)
            | WarningNotice.objects.filter(parent=notice, kind="addendum"),
            withdrawn_on__isnull=True,
        ).values_list("pk", flat=True)
    )
    if any(a.pk not in allowed for a in actions):
        raise ValidationError({"actions_not_taken": _("Choose required actions of this notice.")})
    # Imported here: the notice services import the casework services, which import these.
    from ..notices.services import _end

    apply_transition(notice, "escalate", by=by, reason=reasons, occurred_on=on, on=on)
    power = PowerToIntervene(
        case=case, route=route, notice=notice, determined_on=on, reasons=reasons.strip(), reference=reference
    )
    clean_and_save(power, by=by, reason="determined")
    power._history_user, power._change_reason = by, "determined: actions not taken"
    power.actions_not_taken.set(actions)
    del power._history_user, power._change_reason
    why = _(
        "The notice ended on %(date)s: the Ministers determined that the power to intervene had arisen."
    ) % {"date": calendars.format_date(on)}
    _end(notice, by=by, on=on, why=why)
    return power


@transaction.atomic
def power_determine_without_notice(
    *, case: InterventionCase, route: PowerRoute, by: User, on: datetime.date, reasons: str, reference: str
) -> PowerToIntervene:
    """Record the power arising by a route that needs no warning notice, if one is switched on."""
    require(permissions.can_manage_case(case, by))
    require_case_open(case)
    if route.requires_warning_notice or not route.enabled:
        raise ValidationError({"route": _("This route to the power is not available.")})
    check_past(on, what=_("The date of the determination"))
    require_reason(reasons, _("Enter the reasons for the determination."))
    if not reference.strip():
        raise ValidationError({"reference": _("Enter the reference of the determination.")})
    power = PowerToIntervene(
        case=case, route=route, determined_on=on, reasons=reasons.strip(), reference=reference
    )
    clean_and_save(power, by=by, reason="determined")
    return power


@transaction.atomic
def power_end(
    *, power: PowerToIntervene, by: User, on: datetime.date, reference: str, reasons: str
) -> PowerToIntervene:
    """Record the Ministers' written notice to the council that the power has ended.

    Directions still in force end with it, and so does what they required of the council.
    """
    require(permissions.can_manage_case(power.case, by))
    require_case_open(power.case)
    check_past(on, what=_("The date of the written notice"))
    if on < power.determined_on:
        raise ValidationError({"on": _("The power cannot end before it arose.")})
    if not reference.strip():
        raise ValidationError({"reference": _("Enter the reference of the written notice.")})
    require_reason(reasons, _("Enter why the power has ended."))
    why = _("The power to intervene ended on %(date)s.") % {"date": calendars.format_date(on)}
    for direction in power.directions.filter(state=DirectionState.IN_FORCE).order_by("given_on", "pk"):
        if on < direction.given_on:
            raise ValidationError({"on": _("The power cannot end before a direction given under it.")})
        _stop(direction, "end", by=by, on=on, reason=why)
    return apply_transition(
        power,
        "end",
        by=by,
        reason=reasons,
        occurred_on=on,
        on=on,
        reference=reference.strip(),
        reasons=reasons,
    )


# Directions ----------------------------------------------------------------------------------


def provision_for(kind: str, on: datetime.date) -> Provision:
    """Return the provision that gives a kind of direction, as the reference data stood on `on`."""
    provision = (
        Provision.objects.in_force_on(on).filter(direction_kind=kind).order_by("-effective_from").first()
    )
    if provision is None:
        raise ValidationError(
            {
                "kind": _(
                    "No section of the Act is recorded for this kind of direction: "
                    "ask an administrator to add it."
                )
            }
        )
    return provision


@transaction.atomic
def direction_give(
    *,
    power: PowerToIntervene,
    by: User,
    kind: str,
    terms: str,
    given_on: datetime.date,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    period: str = "",
    functions: Iterable[StatutoryFunction] = (),
    performed_by: str = "",
    nominee: str = "",
    relates_to: Direction | None = None,
    reference: str = "",
) -> Direction:
    """Give a direction under a live power to intervene."""
    require(permissions.can_manage_case(power.case, by))
    require_case_open(power.case)
    if PowerToIntervene.objects.filter(pk=power.pk, state=PowerState.LIVE).count() == 0:
        raise ValidationError(_("The power to intervene has ended, so no direction can be given under it."))
    check_past(given_on, what=_("The date the direction was given"), field="given_on")
    if given_on < power.determined_on:
        raise ValidationError(
            {"given_on": _("A direction cannot be given before the power to intervene arose.")}
        )
    if kind not in DirectionKind.values:
        raise ValidationError({"kind": _("Select the kind of direction.")})
    if not terms.strip():
        raise ValidationError({"terms": _("Enter the terms of the direction.")})
    starts_on = starts_on or given_on
    if starts_on < given_on:
        raise ValidationError({"starts_on": _("A direction cannot take effect before it is given.")})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("A direction cannot end before it takes effect.")})
    if kind == DirectionKind.PERFORMED_BY_MINISTERS:
        if performed_by not in PerformedBy.values:
            raise ValidationError({"performed_by": _("Say who is to perform the function.")})
        if performed_by == PerformedBy.NOMINEE and not nominee.strip():
            raise ValidationError({"nominee": _("Enter the nominee who is to perform the function.")})
        if performed_by == PerformedBy.MINISTERS:
            nominee = ""
    else:
        performed_by = ""
    if kind == DirectionKind.FURTHER_PROVISION:
        if (
            relates_to is None
            or relates_to.power_id != power.pk
            or relates_to.kind != DirectionKind.PERFORMED_BY_MINISTERS
            or relates_to.state != DirectionState.IN_FORCE
        ):
            raise ValidationError(
                {
                    "relates_to": _(
                        "Choose the direction in force, that a function be performed, that this provides for."
                    )
                }
            )
    else:
        relates_to = None
    functions = list(functions)
    if kind == DirectionKind.PERFORMED_BY_MINISTERS and not functions:
        raise ValidationError({"functions": _("Select the functions to be performed.")})
    direction = Direction(
        power=power,
        kind=kind,
        provision=provision_for(kind, given_on),
        relates_to=relates_to,
        reference=reference.strip(),
        terms=terms.strip(),
        performed_by=performed_by,
        nominee=nominee.strip(),
        given_on=given_on,
        starts_on=starts_on,
        ends_on=ends_on,
        period=period.strip(),
    )
    clean_and_save(direction, by=by, reason="given")
    if functions:
        direction._history_user, direction._change_reason = by, "given: functions concerned"
        direction.functions.set(functions)
        del direction._history_user, direction._change_reason
    notification_services.direction_given(direction, by=by)
    return direction


@transaction.atomic
def direction_vary(
    *,
    direction: Direction,
    by: User,
    on: datetime.date,
    terms: str,
    reason: str,
    ends_on: datetime.date | None = None,
    period: str = "",
    nominee: str = "",
    reference: str = "",
) -> Direction:
    """Vary a direction in force: its terms, its end or its nominee, keeping what it said before."""
    require(permissions.can_manage_case(direction.case, by))
    require_case_open(direction.case)
    check_past(on, what=_("The date of the variation"))
    if on < direction.given_on:
        raise ValidationError({"on": _("A direction cannot be varied before it was given.")})
    require_reason(reason, _("Enter why the direction is varied."))
    if not terms.strip():
        raise ValidationError({"terms": _("Enter the terms of the direction as varied.")})
    if ends_on is not None and ends_on < direction.starts_on:
        raise ValidationError({"ends_on": _("A direction cannot end before it takes effect.")})
    if direction.performed_by == PerformedBy.NOMINEE and not nominee.strip():
        raise ValidationError({"nominee": _("Enter the nominee who is to perform the function.")})
    variation = DirectionVariation(
        direction=direction,
        varied_on=on,
        terms_before=direction.terms,
        ends_on_before=direction.ends_on,
        nominee_before=direction.nominee,
        reason=reason.strip(),
        reference=reference.strip(),
    )
    apply_transition(
        direction,
        "vary",
        by=by,
        reason=reason,
        occurred_on=on,
        terms=terms.strip(),
        ends_on=ends_on,
        period=period.strip(),
        nominee=nominee.strip() if direction.performed_by == PerformedBy.NOMINEE else direction.nominee,
    )
    clean_and_save(variation, by=by, reason="varied")
    return direction


def _stop(direction: Direction, name: str, *, by: User, on: datetime.date, reason: str) -> Direction:
    """Revoke or end a direction, and release what it still required of the council."""
    apply_transition(direction, name, by=by, reason=reason, occurred_on=on, on=on, reason_text=reason)
    if name == "revoke":
        why = _("The direction was revoked on %(date)s: %(reason)s")
    else:
        why = _("The direction ended on %(date)s: %(reason)s")
    release_direction_obligations(
        direction, by=by, on=on, why=why % {"date": calendars.format_date(on), "reason": reason.strip()}
    )
    return direction


@transaction.atomic
def direction_revoke(*, direction: Direction, by: User, on: datetime.date, reason: str) -> Direction:
    """The Ministers revoke a direction: what it required of the council is no longer owed."""
    return _stop_checked(direction, "revoke", by=by, on=on, reason=reason, what=_("The date it was revoked"))


@transaction.atomic
def direction_end(*, direction: Direction, by: User, on: datetime.date, reason: str) -> Direction:
    """A direction's period is over: what it required of the council is no longer owed."""
    return _stop_checked(direction, "end", by=by, on=on, reason=reason, what=_("The date it ended"))


def _stop_checked(
    direction: Direction, name: str, *, by: User, on: datetime.date, reason: str, what: str
) -> Direction:
    require(permissions.can_manage_case(direction.case, by))
    require_case_open(direction.case)
    check_past(on, what=what)
    if on < direction.given_on:
        raise ValidationError({"on": _("The date cannot be before the direction was given.")})
    require_reason(reason, _("Enter the reason."))
    return _stop(direction, name, by=by, on=on, reason=reason)


@transaction.atomic
def direction_require(
    *,
    direction: Direction,
    by: User,
    on: datetime.date,
    description: str,
    due_on: datetime.date | None = None,
) -> Obligation:
    """Record something the direction requires of the council: owed from `on`, by `due_on` if it sets one."""
    require(permissions.can_manage_case(direction.case, by))
    require_case_open(direction.case)
    if direction.state != DirectionState.IN_FORCE:
        raise ValidationError(_("The direction is not in force, so it requires nothing more."))
    notice = direction.power.notice
    if notice is None:
        raise ValidationError(
            _(
                "This power did not follow a warning notice, so what its directions require "
                "cannot be tracked yet."
            )
        )
    check_past(on, what=_("The date it became required"))
    if on < direction.given_on:
        raise ValidationError({"on": _("The date cannot be before the direction was given.")})
    if not description.strip():
        raise ValidationError({"description": _("Enter what the direction requires of the council.")})
    obligation = Obligation(
        notice=notice,
        kind=ObligationKind.DIRECTION,
        owner=Owner.COUNCIL,
        direction=direction,
        description=description.strip(),
        position=1000 + direction.obligations.count(),
        opened_on=on,
        changed_on=on,
    )
    if due_on is None:
        obligation_services._set_due(obligation, None, no_date=NoDateReason.NOT_SET_BY_DIRECTION)
    else:
        if due_on < on:
            raise ValidationError({"due_on": _("The due date cannot be before it became required.")})
        obligation_services.check_known_years(on, due_on, field="due_on")
        obligation_services._set_due(
            obligation,
            calendars.fixed_date_deadline(
                on,
                due_on,
                basis=_("Set in the direction given on %(date)s: %(due)s")
                % {"date": calendars.format_date(direction.given_on), "due": calendars.format_date(due_on)},
            ),
        )
    clean_and_save(obligation, by=by, reason="opened")
    return obligation


def release_direction_obligations(direction: Direction, *, by: User, on: datetime.date, why: str) -> None:
    for obligation in direction.obligations.filter(state__in=LIVE_STATES).order_by("position", "pk"):
        obligation_services.release(obligation, by=by, on=on, reason=why)
