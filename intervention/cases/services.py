"""Opening and closing an intervention case."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import (
    apply_transition,
    check_not_future,
)
from accounts.choices import OrganisationKind
from inspections.models import Inspection

from .. import permissions
from ..models import (
    InterventionCase,
)

if TYPE_CHECKING:
    from accounts.models import Organisation, User
from ..checks import clean_and_save, require, require_reason

# Cases ------------------------------------------------------------------------------------


@transaction.atomic
def case_open(
    *,
    by: User,
    council: Organisation,
    title: str,
    service_area: str,
    opened_on: datetime.date,
    regime: str = "",
    inspections: Iterable[Inspection] = (),
) -> InterventionCase:
    """Open an intervention case for a council's service area."""
    require(permissions.can_create_case(by))
    if council.kind != OrganisationKind.LOCAL_AUTHORITY:
        raise ValidationError({"council": _("Choose a council.")})
    check_not_future(opened_on, what=_("The date the case was opened"))
    case = InterventionCase(council=council, title=title, service_area=service_area, opened_on=opened_on)
    if regime:
        case.regime = regime
    clean_and_save(case, by=by, reason="create")
    inspections = list(inspections)
    if any(i.council_id != council.pk for i in inspections):
        raise ValidationError({"inspections": _("Choose inspections of this council.")})
    if inspections:
        case._history_user = by
        case.inspections.set(inspections)
        del case._history_user
    return case


@transaction.atomic
def case_close(
    *, case: InterventionCase, by: User, on: datetime.date, decision: str, source: str
) -> InterventionCase:
    """Record the Ministers' dated decision that the case is over, with its source."""
    require_reason(decision, _("Enter the Ministers' decision to close the case."))
    if not source.strip():
        raise ValidationError({"source": _("Enter where the decision is recorded.")})
    check_not_future(on, what=_("The date of the decision"))
    if on < case.opened_on:
        raise ValidationError({"on": _("The case cannot close before it opened.")})
    return apply_transition(
        case,
        "close",
        by=by,
        reason=decision,
        occurred_on=on,
        on=on,
        decision=decision,
        source=source,
    )
