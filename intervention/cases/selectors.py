"""The case on one page: where it stands today, its parts, and one timeline of what happened.

Every timeline entry is dated by the day the fact happened (a notice's giving, a plan's sending,
a board's establishment), only as precisely as its record is (a day, a month, or not evidenced),
and carries its source and confidence where the record has them. Entries of the same day keep a
fixed order (the order they are gathered in, each kind ordered by its date and id), so the page
reads the same every time. Statuses come from obligations/status.py through
obligations.selectors.with_status, the one place they are derived. A fixed number of queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Case, F, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _

from inspections import selectors as inspection_selectors

from .. import calendars, selectors
from ..choices import CaseState, DatePrecision, ObligationKind, ObligationState
from ..escalations import selectors as escalation_selectors
from ..models import (
    Appointment,
    Board,
    Direction,
    Escalation,
    ImprovementPlan,
    InterventionCase,
    Obligation,
    PowerToIntervene,
    Statement,
    WarningNotice,
    dated,
)
from ..obligations import selectors as obligation_selectors
from ..obligations import status as rules

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
        """Undated entries last; the sort is stable, so entries of one day keep the order gathered."""
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
    escalations: list[Escalation] = field(default_factory=list)


def _sourced(obj) -> dict:
    return {
        "source": obj.source,
        "confidence": obj.confidence,
        "confidence_label": str(obj.get_confidence_display()),
    }


def case_inspections(case: InterventionCase, *, user: User, notice_ids: list[int]) -> QuerySet:
    """Return the inspections of the case `user` may see: linked to it, or that a notice rests on."""
    linked = Q(intervention_cases=case) | Q(warning_notices__in=notice_ids)
    return (
        inspection_selectors.inspections_for_user(user)
        .filter(linked)
        .distinct()
        .order_by(F("published_on").asc(nulls_last=True), "pk")
    )


def case_escalations(case: InterventionCase, *, user: User, inspection_ids: list[int]) -> QuerySet:
    """Return the escalations of the case `user` may see, oldest first.

    Those raised on the case, those about what is owed under its notices, and those about a serious
    finding of one of its inspections raised before the case was linked (no case recorded).
    """
    about_case = (
        Q(case=case)
        | Q(obligation__notice__case=case)
        | Q(case__isnull=True, finding__inspection__in=inspection_ids)
    )
    return (
        escalation_selectors.escalations_for_user(user)
        .filter(about_case)
        .select_related("obligation__notice__case__council")
        .order_by("raised_on", "pk")
    )


def _obligation_entry(obligation: Obligation) -> ArcEntry | None:
    """Return the timeline entry of what was recorded about one obligation, on the day it happened."""
    url = reverse("intervention:notice_detail", args=[obligation.notice_id])
    words = {"what": obligation.label, "notice": obligation.notice.title}
    day = DatePrecision.DAY
    if obligation.state == ObligationState.MET and obligation.met_on:
        if obligation.kind == ObligationKind.IMPROVEMENT_PLAN:
            text = _("Improvement plan submitted under %(notice)s") % words
        else:
            text = _("%(what)s: done, under %(notice)s") % words
        return ArcEntry(obligation.met_on, day, text, url, source=obligation.source)
    if obligation.state == ObligationState.SUBMITTED and obligation.submitted_on:
        text = _("%(what)s: sent to Welsh Government, under %(notice)s") % words
        return ArcEntry(obligation.submitted_on, day, text, url)
    if obligation.state == ObligationState.BREACHED and obligation.breached_on:
        text = _("%(what)s: breached, under %(notice)s") % words
        return ArcEntry(obligation.breached_on, day, text, url)
    return None


def _escalation_entry(escalation: Escalation) -> ArcEntry:
    if escalation.finding_id:
        text = _("Serious concern escalated: %(report)s") % {"report": escalation.finding.inspection.title}
    else:
        text = _("Escalated as overdue: %(what)s, under %(notice)s") % {
            "what": escalation.obligation.label,
            "notice": escalation.obligation.notice.title,
        }
    return ArcEntry(escalation.raised_on, DatePrecision.DAY, text, escalation.get_absolute_url())


def case_arc(
    case: InterventionCase,
    *,
    user: User,
    notices: QuerySet | list[WarningNotice],
    obligations: list[Obligation] | None = None,
    inspections: list | None = None,
    escalations: list[Escalation] | None = None,
) -> CaseArc:
    """Return everything on the case in the order it happened, for the case page.

    `notices` are the case's notices `user` may see; the obligations, inspections and escalations
    are read here unless given (case_overview reads them once for the whole page).
    """
    arc = CaseArc()
    day = DatePrecision.DAY
    if isinstance(notices, QuerySet):
        notices = list(notices.order_by("given_on", "pk"))
    notice_ids = [n.pk for n in notices]
    if inspections is None:
        inspections = list(case_inspections(case, user=user, notice_ids=notice_ids))
    arc.inspections = inspections
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
    if obligations is None:
        obligations = list(
            obligation_selectors.obligations_for_user(user)
            .filter(notice__in=notice_ids)
            .order_by("notice__given_on", "notice_id", "position", "id")
        )
    arc.plans = [o for o in obligations if o.kind == ObligationKind.IMPROVEMENT_PLAN]
    for obligation in obligations:
        entry = _obligation_entry(obligation)
        if entry is not None:
            arc.entries.append(entry)
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
    if escalations is None:
        escalations = list(case_escalations(case, user=user, inspection_ids=[i.pk for i in arc.inspections]))
    arc.escalations = escalations
    arc.entries.extend(_escalation_entry(escalation) for escalation in escalations)
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


# The case at a glance ---------------------------------------------------------------------------


@dataclass
class NoticeWork:
    """One notice of the case with what is owed under it and, while any is open, what comes next."""

    notice: WarningNotice
    obligations: list[Obligation]
    next: Obligation | None = None  # the most pressing open obligation (status.series decides)

    @property
    def board_reports(self) -> list[Obligation]:
        return [o for o in self.obligations if o.kind == ObligationKind.BOARD_REPORT]


@dataclass
class CaseOverview:
    case: InterventionCase
    arc: CaseArc
    work: list[NoticeWork]  # every notice of the case the person may see, in the order given
    overdue: list[Obligation]  # everything overdue on the case today, the longest overdue first
    plans: list[ImprovementPlan]
    today: datetime.date

    @property
    def next_steps(self) -> list[NoticeWork]:
        return [w for w in self.work if w.next is not None]

    @property
    def board_reports(self) -> list[Obligation]:
        return [o for w in self.work for o in w.board_reports]


def case_overview(
    case: InterventionCase, *, user: User, notices: QuerySet, today: datetime.date
) -> CaseOverview:
    """Return the whole case for its page: at a glance, its parts, and the timeline.

    `notices` are the case's notices `user` may see (selectors.notices_for_user). Each obligation
    carries its status for `today` from obligations/status.py; the next step of each notice is the
    open obligation status.series picks as the most pressing. A fixed number of queries.
    """
    notices = list(notices.order_by("given_on", "created_at", "pk"))
    notice_ids = [n.pk for n in notices]
    owed = (
        obligation_selectors.obligations_for_user(user)
        .filter(notice__in=notice_ids)
        .order_by("notice__given_on", "notice_id", "position", "id")
    )
    obligations = obligation_selectors.with_status(owed, today=today, calendar=calendars.WorkingCalendar())
    by_notice: dict[int, list[Obligation]] = {pk: [] for pk in notice_ids}
    for obligation in obligations:
        # Carried over to a follow-up: owed under the follow-up now, if the person sees it.
        key = obligation.carried_to_id if obligation.carried_to_id in by_notice else obligation.notice_id
        by_notice[key].append(obligation)
        if obligation.status.is_open:
            obligation.who_acts = obligation_selectors.who_acts(obligation)
    work = []
    for notice in notices:
        found = by_notice[notice.pk]
        upcoming = obligation_selectors.most_pressing(found)
        work.append(NoticeWork(notice=notice, obligations=found, next=upcoming))
    overdue = sorted(
        (o for o in obligations if o.status.code == rules.OVERDUE),
        key=lambda o: (o.status.since or datetime.date.min, o.notice_id, o.position, o.pk),
    )
    inspections = list(case_inspections(case, user=user, notice_ids=notice_ids))
    escalations = list(case_escalations(case, user=user, inspection_ids=[i.pk for i in inspections]))
    arc = case_arc(
        case,
        user=user,
        notices=notices,
        obligations=obligations,
        inspections=inspections,
        escalations=escalations,
    )
    plans = list(
        ImprovementPlan.objects.filter(notice__in=notice_ids)
        .select_related("notice")
        .order_by("notice__given_on", "notice_id")
    )
    plan_owed = {o.notice_id: o for o in obligations if o.kind == ObligationKind.IMPROVEMENT_PLAN}
    agreement = {o.notice_id: o for o in obligations if o.kind == ObligationKind.PLAN_AGREEMENT}
    for plan in plans:
        plan.obligation = plan_owed.get(plan.notice_id)
        plan.agreement = agreement.get(plan.notice_id)
    return CaseOverview(case=case, arc=arc, work=work, overdue=overdue, plans=plans, today=today)


# The list of cases ------------------------------------------------------------------------------


def case_list(user: User) -> QuerySet[InterventionCase]:
    """Return the cases `user` may see for the list: open ones first, then the newest opened."""
    open_first = Case(When(state=CaseState.OPEN, then=Value(0)), default=Value(1))
    return selectors.cases_for_user(user).order_by(open_first, "-opened_on", "-id")
