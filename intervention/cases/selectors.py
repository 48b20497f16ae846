"""The whole arc of a case for its page: one timeline of dated, sourced events, and its parts.

Every entry is dated only as precisely as its record is (a day, a month, or not evidenced), and
carries its source and confidence where the record has them. A fixed number of queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from ..choices import DatePrecision, ObligationKind, ObligationState
from ..models import (
    Appointment,
    Board,
    Direction,
    InterventionCase,
    Obligation,
    PowerToIntervene,
    Statement,
    dated,
)

if TYPE_CHECKING:
    from accounts.models import User


@dataclass
class ArcEntry:
    on: datetime.date | None
    precision: str
    text: str
    url: str = ""
    source: str = ""
    confidence: str = ""
    confidence_label: str = ""

    def get_confidence_display(self) -> str:
        """Name the confidence as the models do, for the confidence tag."""
        return self.confidence_label

    @property
    def date_display(self) -> str:
        return dated(self.on, self.precision)

    @property
    def sort_key(self) -> tuple:
        return (self.on is None, self.on or datetime.date.max)


@dataclass
class CaseArc:
    entries: list[ArcEntry] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    boards: list[Board] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    powers: list[PowerToIntervene] = field(default_factory=list)
    directions: list[Direction] = field(default_factory=list)
    plans: list[Obligation] = field(default_factory=list)
    inspections: list = field(default_factory=list)


def _sourced(obj) -> dict:
    return {
        "source": obj.source,
        "confidence": obj.confidence,
        "confidence_label": str(obj.get_confidence_display()),
    }


def case_arc(case: InterventionCase, *, user: User, notices: QuerySet) -> CaseArc:
    """Return everything on the case in the order it happened, for the case page."""
    arc = CaseArc()
    day = DatePrecision.DAY
    notices = list(notices.order_by("given_on", "pk"))
    arc.inspections = list(case.inspections.order_by("published_on", "pk"))
    for inspection in arc.inspections:
        if inspection.published_on:
            arc.entries.append(
                ArcEntry(
                    inspection.published_on,
                    day,
                    _("Report published: %(title)s (%(kind)s)")
                    % {"title": inspection.title, "kind": inspection.get_inspection_type_display()},
                    reverse("inspections:detail", args=[inspection.pk]),
                )
            )
    for notice in notices:
        url = reverse("intervention:notice_detail", args=[notice.pk])
        if notice.given_on:
            arc.entries.append(
                ArcEntry(
                    notice.given_on,
                    day,
                    _("%(kind)s given: %(title)s")
                    % {"kind": notice.get_kind_display(), "title": notice.title},
                    url,
                )
            )
        if notice.ended_on:
            arc.entries.append(
                ArcEntry(
                    notice.ended_on,
                    day,
                    _("%(title)s: %(state)s") % {"title": notice.title, "state": notice.get_state_display()},
                    url,
                )
            )
    arc.plans = list(
        Obligation.objects.filter(
            notice__in=[n.pk for n in notices], kind=ObligationKind.IMPROVEMENT_PLAN
        ).select_related("notice", "requirement")
    )
    for plan in arc.plans:
        if plan.state == ObligationState.MET and plan.met_on:
            arc.entries.append(
                ArcEntry(
                    plan.met_on,
                    day,
                    _("Improvement plan submitted under %(notice)s") % {"notice": plan.notice.title},
                    reverse("intervention:notice_detail", args=[plan.notice_id]),
                )
            )
    arc.statements = list(case.statements.order_by("made_on", "pk"))
    for statement in arc.statements:
        arc.entries.append(
            ArcEntry(
                statement.made_on,
                day,
                _("%(kind)s by %(minister)s: %(title)s")
                % {
                    "kind": statement.get_kind_display(),
                    "minister": statement.minister,
                    "title": statement.title,
                },
                statement.url,
                **_sourced(statement),
            )
        )
    arc.boards = list(case.boards.prefetch_related("remit_changes").order_by("established_on", "pk"))
    for board in arc.boards:
        arc.entries.append(
            ArcEntry(
                board.established_on,
                board.established_precision,
                _("%(name)s established (%(kind)s)") % {"name": board.name, "kind": board.get_kind_display()},
                **_sourced(board),
            )
        )
        for change in board.remit_changes.all():
            arc.entries.append(
                ArcEntry(
                    change.changed_on,
                    change.precision,
                    _("%(name)s: remit changed: %(summary)s")
                    % {"name": board.name, "summary": change.summary},
                    **_sourced(change),
                )
            )
        if not board.is_sitting:
            arc.entries.append(
                ArcEntry(
                    board.stood_down_on,
                    board.stood_down_precision,
                    _("%(name)s stood down") % {"name": board.name},
                    source=board.stood_down_source,
                )
            )
    arc.appointments = list(case.appointments.order_by("starts_on", "pk"))
    for appointment in arc.appointments:
        who = f"{appointment.title}: {appointment.person}" if appointment.person else appointment.title
        arc.entries.append(
            ArcEntry(
                appointment.starts_on,
                appointment.starts_precision,
                _("Appointed: %(who)s") % {"who": who},
                **_sourced(appointment),
            )
        )
    arc.powers = list(case.powers.select_related("route__provision").order_by("determined_on", "pk"))
    arc.directions = list(
        Direction.objects.filter(power__case=case).select_related("provision").order_by("given_on", "pk")
    )
    for power in arc.powers:
        url = reverse("intervention:power_detail", args=[power.pk])
        arc.entries.append(ArcEntry(power.determined_on, day, _("The power to intervene arose (s152)"), url))
        if power.ended_on:
            arc.entries.append(
                ArcEntry(power.ended_on, day, _("Written notice that the power to intervene has ended"), url)
            )
    for direction in arc.directions:
        arc.entries.append(
            ArcEntry(
                direction.given_on,
                day,
                _("Direction given: %(kind)s (%(section)s)")
                % {"kind": direction.get_kind_display(), "section": direction.provision.section},
                reverse("intervention:direction_detail", args=[direction.pk]),
            )
        )
    for event in case.events.order_by("happened_on", "pk"):
        arc.entries.append(ArcEntry(event.happened_on, event.precision, event.description, **_sourced(event)))
    if case.closed_on:
        arc.entries.append(
            ArcEntry(
                case.closed_on,
                day,
                _("Case closed by the Welsh Ministers (%(minister)s): %(decision)s")
                % {"minister": case.closure_minister, "decision": case.closure_decision},
                source=case.closure_source,
            )
        )
    arc.entries.sort(key=lambda e: e.sort_key)
    return arc
