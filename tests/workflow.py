"""Helpers for the transition, permission and audit tests.

`snapshot()` reads every row the project owns (history and transition log included), so a test can
prove that a refused action wrote nothing. `Casework` drives objects into each state through the
services, as the people involved would, so no test depends on a state set behind the model's back.
"""

from __future__ import annotations

import datetime
import functools
from typing import TYPE_CHECKING

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Model
from django.utils import timezone

from inspections import services as inspection_services
from inspections.choices import InspectionState
from intervention import services
from intervention.choices import (
    LIVE_STATES,
    BoardKind,
    DatePrecision,
    DirectionKind,
    DirectionState,
    NoticeState,
    ObligationKind,
    ObligationState,
    Owner,
    PerformedBy,
    PowerState,
    Regime,
)

from .factories import FindingFactory, InspectionFactory, StatutoryFunctionFactory

if TYPE_CHECKING:
    from accounts.models import Organisation, User
    from inspections.models import Inspection
    from intervention.models import (
        Board,
        BoardReport,
        Direction,
        ImprovementPlan,
        InterventionCase,
        Obligation,
        PlanMilestone,
        PowerToIntervene,
        WarningNotice,
    )

PROJECT_APPS = ("accounts", "inspections", "intervention")

# The Powys timeline (see shared/domain.md Part A), used wherever a service needs a date.
FIELDWORK_ON = datetime.date(2017, 7, 17)
DRAFT_ISSUED_ON = datetime.date(2017, 9, 5)
PUBLISHED_ON = datetime.date(2017, 10, 17)
GIVEN_ON = datetime.date(2017, 10, 17)
LAID_ON = datetime.date(2017, 11, 7)
PLAN_SUBMITTED_ON = datetime.date(2017, 11, 13)
BOARD_REPORT_ON = datetime.date(2017, 11, 30)
PLAN_AGREED_ON = datetime.date(2017, 12, 5)
REPORTED_ON = datetime.date(2018, 1, 15)
# The Ministers determine that the power to intervene has arisen (after the compliance period),
# give a direction under it, and later give written notice that the power has ended.
ESCALATED_ON = datetime.date(2018, 1, 15)
IN_FORCE_ON = datetime.date(2018, 2, 1)
ENDED_ON = datetime.date(2019, 7, 31)
CLOSED_ON = datetime.date(2020, 7, 1)

# A notice withdrawn while still a draft: never given to the council.
WITHDRAWN_DRAFT = "withdrawn_draft"

# The improvement plan's steps (its obligations): submitted, then agreed with the Board.
PLAN_SUBMITTED = "submitted"
PLAN_AGREED = "agreed"


def snapshot() -> dict[str, list[tuple]]:
    """Return every row of the project's tables, history, many-to-many links and transition log."""
    rows = {}
    with connection.cursor() as cursor:
        for table in _project_tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")  # noqa: S608
            rows[table] = cursor.fetchall()
    return rows


@functools.cache
def _project_tables() -> tuple[str, ...]:
    return tuple(
        model._meta.db_table
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    )


def changed_tables(before: dict[str, list[tuple]]) -> list[str]:
    """Return the labels of the tables whose rows differ from `before`."""
    after = snapshot()
    return sorted(label for label in after.keys() | before.keys() if after.get(label) != before.get(label))


def reread(obj: Model) -> Model:
    """Return a fresh copy of `obj` from the database."""
    return type(obj)._base_manager.get(pk=obj.pk)


def as_user(person: User | None) -> User | AnonymousUser:
    """Return the person, or an anonymous visitor for None (services always take a user)."""
    return AnonymousUser() if person is None else person


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def inspection_in(state: str, *, council: Organisation, inspector: User) -> Inspection:
    """Return an inspection of `council` in `state`, with one finding, moved there by the services."""
    inspection = InspectionFactory(council=council)
    if state == InspectionState.PLANNED:
        return inspection
    if state == InspectionState.WITHDRAWN:
        return inspection_services.inspection_withdraw(inspection=inspection, by=inspector, reason="Stopped")
    inspection_services.inspection_start_fieldwork(inspection=inspection, by=inspector, on=FIELDWORK_ON)
    FindingFactory(inspection=inspection)
    if state == InspectionState.FIELDWORK:
        return inspection
    inspection_services.inspection_issue_draft(inspection=inspection, by=inspector, on=DRAFT_ISSUED_ON)
    if state == InspectionState.DRAFT_ISSUED:
        return inspection
    return inspection_services.inspection_publish(inspection=inspection, by=inspector, on=PUBLISHED_ON)


class Casework:
    """Drive a Powys notice and everything on it into a given state, through the services."""

    def __init__(self, *, official: User, officer: User) -> None:
        self.official = official
        self.officer = officer

    # Notices -------------------------------------------------------------------------------

    def issue(self, notice: WarningNotice) -> WarningNotice:
        return services.notice_issue(notice=notice, by=self.official, on=GIVEN_ON)

    def settle_everything(self, notice: WarningNotice) -> WarningNotice:
        """Meet everything the council owes (evidence accepted, plan agreed, reports sent).

        The notice can then be closed as complied.
        """
        owed = [ObligationState.OPEN, ObligationState.RETURNED]  # not those withdrawn or varied out
        for obligation in notice.obligations.filter(kind=ObligationKind.REQUIREMENT, state__in=owed):
            self.requirement(notice, ObligationState.MET, letter=obligation.requirement.letter)
        if notice.obligations.filter(kind=ObligationKind.IMPROVEMENT_PLAN).exists():
            self.plan(notice, PLAN_AGREED)
        for report in notice.board_reports.order_by("month"):
            services.board_report_submit(report=report, by=self.officer, on=BOARD_REPORT_ON, summary="Report")
        return reread(notice)

    def notice(self, draft: WarningNotice, state: str) -> WarningNotice:
        """Return `draft` moved to `state` (or WITHDRAWN_DRAFT: withdrawn before it was given)."""
        if state == NoticeState.DRAFT:
            return draft
        if state == WITHDRAWN_DRAFT:
            return services.notice_withdraw(notice=draft, by=self.official, reason="Not needed")
        notice = self.issue(draft)
        if state == NoticeState.ISSUED:
            return notice
        if state == NoticeState.COMPLIED:
            notice = self.settle_everything(notice)
            return services.notice_close_as_complied(notice=notice, by=self.official, reason="All met")
        if state == NoticeState.ESCALATED:
            self.escalate(notice)
            return reread(notice)
        if state == NoticeState.WITHDRAWN:
            return services.notice_withdraw(notice=notice, by=self.official, reason="Superseded")
        raise ValueError(state)

    def escalate(self, notice: WarningNotice) -> PowerToIntervene:
        """Determine that the power to intervene arose after `notice`: its first requirement not taken."""
        return services.power_determine(
            notice=notice,
            by=self.official,
            on=ESCALATED_ON,
            actions_not_taken=notice.requirements.order_by("position", "pk")[:1],
            reasons="The council did not take the required action",
            reference="WG-2018-001",
        )

    def record_ministers_duties(self, notice: WarningNotice) -> WarningNotice:
        """Record the Ministers' s151(3) duties under `notice` as done: a case cannot close while owed."""
        duties = notice.obligations.filter(owner=Owner.MINISTERS, state__in=LIVE_STATES)
        if duties.filter(kind=ObligationKind.LAYING).exists():
            laid_on = max(LAID_ON, notice.given_on)
            services.notice_record_laying(notice=notice, by=self.official, on=laid_on, reference="Laid")
        if duties.filter(kind=ObligationKind.LEGISLATURE_REPORT).exists():
            reported_on = max(REPORTED_ON, notice.given_on)
            services.notice_record_report(notice=notice, by=self.official, on=reported_on, reference="Report")
        return reread(notice)

    # Work on an issued notice --------------------------------------------------------------

    def requirement(self, notice: WarningNotice, state: str, *, letter: str = "g") -> Obligation:
        """Return what the council owes for requirement `letter` (answered by evidence), moved to `state`.

        `state` is an ObligationState: submitted, returned, met (accepted), not required (withdrawn)
        or breached.
        """
        requirement = notice.requirements.get(letter=letter)
        obligation = requirement.obligations.get(kind=ObligationKind.REQUIREMENT)
        if state in (ObligationState.SUBMITTED, ObligationState.RETURNED, ObligationState.MET):
            services.requirement_submit(requirement=requirement, by=self.officer, statement="Done.")
        if state == ObligationState.RETURNED:
            services.requirement_return(requirement=requirement, by=self.official, reason="Need more.")
        elif state == ObligationState.MET:
            services.requirement_accept(requirement=requirement, by=self.official)
        elif state == ObligationState.NOT_REQUIRED:
            services.requirement_withdraw(requirement=requirement, by=self.official, reason="Not needed.")
        elif state == ObligationState.BREACHED:
            services.requirement_record_breach(requirement=requirement, by=self.official, reason="Broken.")
        return reread(obligation)

    def plan(self, notice: WarningNotice, state: str) -> ImprovementPlan:
        """Return the improvement plan of an issued notice, submitted (PLAN_SUBMITTED) or also agreed."""
        plan = notice.improvement_plan
        if state in (PLAN_SUBMITTED, PLAN_AGREED):
            services.plan_submit(plan=plan, by=self.officer, on=PLAN_SUBMITTED_ON, summary="The plan")
        if state == PLAN_AGREED:
            services.plan_agree(plan=plan, by=self.official, on=PLAN_AGREED_ON)
        return reread(plan)

    def board_report(self, notice: WarningNotice, *, submitted: bool = False) -> BoardReport:
        """Return the first monthly Board report of an issued notice, sent if `submitted`."""
        report = notice.board_reports.order_by("month").first()
        if submitted:
            services.board_report_submit(report=report, by=self.officer, on=BOARD_REPORT_ON, summary="Nov")
        return reread(report)

    # The power to intervene and directions under it -------------------------------------------

    def power(self, notice: WarningNotice, state: str = PowerState.LIVE) -> PowerToIntervene:
        """Determine the power to intervene after an issued notice and return it, moved to `state`."""
        power = self.escalate(notice)
        if state == PowerState.ENDED:
            services.power_end(
                power=power,
                by=self.official,
                on=ENDED_ON,
                reference="Letter of 31 July 2019",
                reasons="Improvement sustained",
            )
        return reread(power)

    def direction(
        self,
        power: PowerToIntervene,
        state: str = DirectionState.IN_FORCE,
        *,
        kind: str = DirectionKind.ADVISORY_SERVICES,
        **fields,
    ) -> Direction:
        """Give a direction of `kind` under a live power on IN_FORCE_ON and return it, moved to `state`."""
        if kind == DirectionKind.PERFORMED_BY_MINISTERS:
            fields.setdefault("performed_by", PerformedBy.NOMINEE)
            fields.setdefault("nominee", "A named commissioner")
            fields.setdefault("functions", [StatutoryFunctionFactory(code="SSWBA-s144")])
        if kind == DirectionKind.FURTHER_PROVISION and "relates_to" not in fields:
            fields["relates_to"] = self.direction(power, kind=DirectionKind.PERFORMED_BY_MINISTERS)
        direction = services.direction_give(
            power=power,
            by=self.official,
            kind=kind,
            terms="Obtain advisory services from a named adviser.",
            given_on=IN_FORCE_ON,
            **fields,
        )
        if state == DirectionState.REVOKED:
            services.direction_revoke(direction=direction, by=self.official, on=ENDED_ON, reason="Not needed")
        elif state == DirectionState.ENDED:
            services.direction_end(direction=direction, by=self.official, on=ENDED_ON, reason="Period over")
        return reread(direction)

    # The rest of the case's arc ----------------------------------------------------------------

    def close(self, case: InterventionCase) -> InterventionCase:
        """Record the Ministers' duties under every notice given, then close the case on CLOSED_ON."""
        for notice in case.notices.exclude(given_on=None).order_by("pk"):
            self.record_ministers_duties(notice)
        return services.case_close(
            case=case,
            by=self.official,
            on=CLOSED_ON,
            minister="The Minister for Children and Social Care",
            decision="Sufficient progress has been made.",
            source="Written statement, 1 July 2020",
        )

    def board(self, case: InterventionCase, **fields) -> Board:
        """Establish an Improvement Board on the case, in the month after the notice was given."""
        fields = {
            "kind": BoardKind.IMPROVEMENT_BOARD,
            "name": "Powys Improvement Board",
            "regime": Regime.SSWBA_PART_8,
            "remit": "Oversee the improvement plan.",
            "source": "Written statement, 7 November 2017",
            "established_on": datetime.date(2017, 11, 1),
            "established_precision": DatePrecision.MONTH,
            **fields,
        }
        return services.board_establish(case=case, by=self.official, **fields)

    def milestone(self, notice: WarningNotice, **fields) -> PlanMilestone:
        """Add a milestone to the improvement plan of an issued notice, as the council's officer."""
        fields = {"label": "Recruit permanent social workers", "due_description": "At 6 months", **fields}
        return services.milestone_add(plan=notice.improvement_plan, by=self.officer, **fields)
