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
    InterventionPower,
    InterventionState,
    NoticeState,
    ObligationKind,
    ObligationState,
)

from .factories import FindingFactory, InspectionFactory

if TYPE_CHECKING:
    from accounts.models import Organisation, User
    from inspections.models import Inspection
    from intervention.models import BoardReport, ImprovementPlan, Intervention, Obligation, WarningNotice

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

    def escalate(self, notice: WarningNotice) -> Intervention:
        return services.notice_escalate(
            notice=notice,
            by=self.official,
            reason="The council did not take the required action",
            power=InterventionPower.ADVISORY_SERVICES,
            terms="Obtain advisory services from a named adviser.",
            on=ESCALATED_ON,
        )

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

    def intervention(self, notice: WarningNotice, state: str) -> Intervention:
        """Escalate an issued notice and return its intervention, moved to `state`."""
        intervention = self.escalate(notice)
        if state == InterventionState.IN_FORCE:
            services.intervention_bring_into_force(
                intervention=intervention, by=self.official, on=IN_FORCE_ON
            )
        elif state == InterventionState.ENDED:
            services.intervention_end(
                intervention=intervention, by=self.official, on=ENDED_ON, reason="Improvement sustained"
            )
        return reread(intervention)
