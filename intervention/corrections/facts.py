"""The recorded facts an official (and, for a report's publication, an inspector) may correct.

Each fact names the record it is on, the field, who may correct it, the rules a new value must
keep (dates in order, never in the future) and what follows from it (due dates worked out from
the date a notice was given). Only facts recorded once and then fixed are here: anything still
being drafted or worked on is changed on its own page.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import check_not_future
from accounts.permissions import is_inspector, is_official
from inspections import selectors as inspection_selectors
from inspections.choices import InspectionState
from inspections.services import check_after_fieldwork

from .. import calendars, selectors
from ..choices import NoticeState, ObligationKind, ObligationState
from ..obligations import selectors as obligation_selectors

if TYPE_CHECKING:
    from accounts.models import Organisation, User

DATE, TEXT = "date", "text"


@dataclass(frozen=True)
class Fact:
    """A recorded fact that can be corrected."""

    name: str
    label: Promise
    field: str
    kind: str
    records: Callable[[User], QuerySet]  # the records of this fact `user` may see (404 outside)
    allowed: Callable[[Any, User], bool]
    council: Callable[[Any], Organisation]
    page: Callable[[Any], str]  # where the fact is shown
    check: Callable[[Any, Any], None] = lambda obj, value: None
    max_length: int = 100

    def value_of(self, obj: Model) -> Any:
        return getattr(obj, self.field)

    def display(self, value: Any) -> str:
        if isinstance(value, datetime.date):
            return calendars.format_date(value)
        return str(value or "")

    def stored(self, value: Any) -> str:
        """Write a value as the correction keeps it: a date as YYYY-MM-DD, text as it is."""
        return value.isoformat() if isinstance(value, datetime.date) else str(value or "")


def _notice_page(notice) -> str:
    return reverse("intervention:notice_detail", args=[notice.pk])


def _obligation_page(obligation) -> str:
    anchor = "ministers-duties" if obligation.is_ministers else "improvement-plan"
    return f"{_notice_page(obligation.notice)}#{anchor}"


def _given_notices(user: User) -> QuerySet:
    return selectors.notices_for_user(user).exclude(state=NoticeState.DRAFT).filter(given_on__isnull=False)


def _met(kind: str) -> Callable[[User], QuerySet]:
    def records(user: User) -> QuerySet:
        return obligation_selectors.obligations_for_user(user).filter(
            kind=kind, state=ObligationState.MET, met_on__isnull=False
        )

    return records


def _in_past(value: datetime.date, what: str) -> None:
    try:
        check_not_future(value, what=what)
    except ValidationError as error:
        raise ValidationError({"value": error.messages}) from error


def _check_given_on(notice, value: datetime.date) -> None:
    _in_past(value, _("The date the notice was given"))
    inspection = notice.inspection
    if inspection is not None and inspection.published_on and value < inspection.published_on:
        raise ValidationError(
            {"value": _("A notice cannot be given before the report it rests on was published.")}
        )
    if notice.parent_id and notice.parent.given_on and value < notice.parent.given_on:
        message = _("A notice cannot be given before the notice it follows or amends.")
        raise ValidationError({"value": message})
    if notice.ended_on and value > notice.ended_on:
        raise ValidationError({"value": _("A notice cannot be given after it ended.")})
    recorded = [
        day
        for row in notice.obligations.values_list("submitted_on", "met_on", "breached_on")
        for day in row
        if day is not None
    ]
    if recorded and value > min(recorded):
        message = _("The notice cannot have been given after %(date)s, when something it made owed was done.")
        raise ValidationError({"value": message % {"date": calendars.format_date(min(recorded))}})


def _check_met_on(obligation, value: datetime.date) -> None:
    _in_past(value, _("The date"))
    if value < obligation.opened_on:
        raise ValidationError(
            {
                "value": _("The date cannot be before %(date)s, when it became owed.")
                % {"date": calendars.format_date(obligation.opened_on)}
            }
        )
    if obligation.kind == ObligationKind.PLAN_AGREEMENT:
        plan = obligation.notice.obligations.filter(kind=ObligationKind.IMPROVEMENT_PLAN).first()
        submitted = plan and (plan.submitted_on or plan.met_on)
        if submitted and value < submitted:
            raise ValidationError(
                {
                    "value": _("The plan cannot have been agreed before it was submitted, on %(date)s.")
                    % {"date": calendars.format_date(submitted)}
                }
            )


def _check_published_on(inspection, value: datetime.date) -> None:
    _in_past(value, _("The publication date"))
    if inspection.draft_issued_on and value < inspection.draft_issued_on:
        raise ValidationError({"value": _("The report cannot be published before its draft was issued.")})
    try:
        check_after_fieldwork(inspection, value, what=_("The date the report was published"))
    except ValidationError as error:
        raise ValidationError({"value": error.message_dict["on"]}) from error
    given = [day for day in inspection.warning_notices.values_list("given_on", flat=True) if day]
    if given and value > min(given):
        message = _("The report cannot have been published after %(date)s, when a notice rests on it.")
        raise ValidationError({"value": message % {"date": calendars.format_date(min(given))}})


def _check_reference(notice, value: str) -> None:
    if not value.strip():
        raise ValidationError({"value": _("Enter the reference")})


FACTS = {
    fact.name: fact
    for fact in (
        Fact(
            name="notice_given_on",
            label=gettext_lazy("Date the notice was given"),
            field="given_on",
            kind=DATE,
            records=_given_notices,
            allowed=lambda notice, user: is_official(user),
            council=lambda notice: notice.case.council,
            page=_notice_page,
            check=_check_given_on,
        ),
        Fact(
            name="notice_reference",
            label=gettext_lazy("Reference of the notice"),
            field="reference",
            kind=TEXT,
            records=_given_notices,
            allowed=lambda notice, user: is_official(user),
            council=lambda notice: notice.case.council,
            page=_notice_page,
            check=_check_reference,
        ),
        Fact(
            name="laying_date",
            label=gettext_lazy("Date the notice was laid"),
            field="met_on",
            kind=DATE,
            records=_met(ObligationKind.LAYING),
            allowed=lambda obligation, user: is_official(user),
            council=lambda obligation: obligation.notice.case.council,
            page=_obligation_page,
            check=_check_met_on,
        ),
        Fact(
            name="plan_agreed_on",
            label=gettext_lazy("Date the improvement plan was agreed"),
            field="met_on",
            kind=DATE,
            records=_met(ObligationKind.PLAN_AGREEMENT),
            allowed=lambda obligation, user: is_official(user),
            council=lambda obligation: obligation.notice.case.council,
            page=_obligation_page,
            check=_check_met_on,
        ),
        Fact(
            name="report_published_on",
            label=gettext_lazy("Date the report was published"),
            field="published_on",
            kind=DATE,
            records=lambda user: inspection_selectors.inspections_for_user(user).filter(
                state=InspectionState.PUBLISHED, published_on__isnull=False
            ),
            allowed=lambda inspection, user: is_official(user) or is_inspector(user),
            council=lambda inspection: inspection.council,
            page=lambda inspection: reverse("inspections:detail", args=[inspection.pk]),
            check=_check_published_on,
        ),
    )
}
