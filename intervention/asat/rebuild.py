"""An intervention case as it stood at the end of a chosen day, and its chronology: read-only selectors.

How the past is rebuilt (nothing here writes, and nothing is read from today's states):

- States come from the transition log. Each row carries the date the event happened
  (`occurred_on`), which may be long before the row was recorded (the Powys demo records 2017
  events today). An object's state at the end of day D is the target of its last logged
  transition dated on or before D; before its first transition it is in its first row's source
  state (or, with no transition at all, the state every such object starts in: state fields are
  protected, so a state never changes without a logged transition). A step can never take effect
  before the step it followed, so a step dated earlier than its predecessor counts from the
  predecessor's date.
- Existence comes from business dates: a case exists from `opened_on`; a notice's requirements,
  deadlines, improvement plan and Board report slots exist from the day the notice was given (they
  are created when it is issued); an intervention from the day it was proposed. A draft has no
  date of event, so (for officials only) a notice still a draft at D is shown if its first history
  row was recorded by D, and the page says that date is the date recorded.
- Whether a deadline was met comes from the deadline's history: each change of its "met on" date
  takes effect on the date of the transition that caused it (submitting the plan, accepting a
  requirement, returning the plan...), found as the last logged transition of the deadline's own
  objects recorded at or before the change. A change with no such transition is dated by when it
  was recorded, and the page says so.
- A requirement is judged by its own state at D, not only by its deadline: one with Welsh
  Government for review is not overdue, one accepted is met (on the day its accepted evidence was
  submitted). A requirement due by the end of the compliance period shares that deadline with the
  improvement plan, whose submission alone meets it, so the deadline's "met on" says nothing
  about the requirement.
- The words of a notice, a requirement or a deadline (letters, texts, due dates) are fixed once
  the notice is given, so they are read from the current rows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import TransitionLog
from accounts.permissions import is_official

from .. import calendars, deadlines
from ..choices import DeadlineKind, DeadlineUnit, NoticeState, PlanState, RequirementState
from ..models import (
    BoardReport,
    Deadline,
    ImprovementPlan,
    Intervention,
    InterventionCase,
    Requirement,
    WarningNotice,
)

if TYPE_CHECKING:
    from accounts.models import User

# The objects of a case whose state moves, in the order the chronology names them.
STATEFUL_MODELS = (InterventionCase, WarningNotice, Requirement, ImprovementPlan, BoardReport, Intervention)


# Rebuilding states from the transition log ---------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One logged transition of one object, with the day it takes effect."""

    transition: str
    source: str
    target: str
    occurred_on: datetime.date  # the date of the event as recorded
    effective_on: datetime.date  # the same, or the previous step's date if recorded as earlier
    recorded_at: datetime.datetime


def timelines(logs: Iterable[TransitionLog]) -> dict[tuple[int, int], list[Step]]:
    """Return each object's steps, keyed by (content type id, object id), in the order recorded.

    `logs` must come in the order they were recorded. A step dated before the step it followed
    takes effect on that earlier step's date, so every timeline moves forward in time.
    """
    result: dict[tuple[int, int], list[Step]] = defaultdict(list)
    for log in logs:
        steps = result[(log.content_type_id, log.object_id)]
        effective = log.occurred_on
        if steps and steps[-1].effective_on > effective:
            effective = steps[-1].effective_on
        steps.append(
            Step(
                transition=log.transition,
                source=log.source_state,
                target=log.target_state,
                occurred_on=log.occurred_on,
                effective_on=effective,
                recorded_at=log.recorded_at,
            )
        )
    return result


def state_on(steps: list[Step], day: datetime.date, *, initial: str) -> tuple[str, datetime.date | None]:
    """Return the state at the end of `day`, and the day the object entered it (None: from the start)."""
    state = steps[0].source if steps else initial
    since = None
    for step in steps:
        if step.effective_on > day:
            break
        if step.target != state:
            state, since = step.target, step.effective_on
    return state, since


def last_step_on(steps: list[Step], day: datetime.date, transition: str) -> Step | None:
    """Return the last `transition` step that had taken effect by the end of `day`, or None."""
    found = None
    for step in steps:
        if step.effective_on > day:
            break
        if step.transition == transition:
            found = step
    return found


def _initial_state(model: type[models.Model]) -> str:
    return model._meta.get_field("state").get_default()


def _state_label(model: type[models.Model], state: str) -> str:
    return str(dict(model._meta.get_field("state").flatchoices).get(state, state))


# Rebuilding whether a deadline was met from its history --------------------------------------


@dataclass(frozen=True)
class MetChange:
    """A change to a deadline's "met on" date, and the day it took effect."""

    met_on: datetime.date | None
    effective_on: datetime.date
    dated_by_recording: bool  # no transition caused it: dated by when it was recorded


def met_changes(history_rows: list[Any], causes: list[Step]) -> list[MetChange]:
    """Return the changes of one deadline's "met on" date, each dated by the transition behind it.

    `history_rows` are the deadline's history rows in the order recorded; `causes` are the steps of
    the objects that can meet or reopen it (its notice, plan, Board report and requirements), in
    the order recorded. Each change takes the date of the last of those steps recorded at or
    before it (they are written in the same action, the step first).
    """
    changes: list[MetChange] = []
    previous: datetime.date | None = None
    for row in history_rows:
        if row.met_on == previous:
            continue
        previous = row.met_on
        cause = None
        for step in causes:
            if step.recorded_at > row.history_date:
                break
            cause = step
        if cause is not None:
            effective, by_recording = cause.effective_on, False
        else:
            effective, by_recording = timezone.localdate(row.history_date), True
        if changes and changes[-1].effective_on > effective:
            effective = changes[-1].effective_on
        changes.append(MetChange(met_on=row.met_on, effective_on=effective, dated_by_recording=by_recording))
    return changes


def met_on_as_at(changes: list[MetChange], day: datetime.date) -> tuple[datetime.date | None, bool]:
    """Return the "met on" date in effect at the end of `day`, and whether a recorded date was used."""
    met_on, by_recording = None, False
    for change in changes:
        if change.effective_on > day:
            break
        met_on, by_recording = change.met_on, change.dated_by_recording
    return met_on, by_recording


# The case as at a day ------------------------------------------------------------------------


@dataclass
class DeadlineAsAt:
    deadline: Deadline
    met_on: datetime.date | None
    # "met", "overdue", "due" or "lapsed" (not met, but the notice was no longer in force); for a
    # requirement also "with_government" (submitted, awaiting review) or "withdrawn" (not required).
    status: str

    @property
    def is_overdue(self) -> bool:
        return self.status == "overdue"


@dataclass
class RequirementAsAt:
    requirement: Requirement
    state: str
    state_label: str
    since: datetime.date | None
    deadline: DeadlineAsAt | None


@dataclass
class PlanAsAt:
    plan: ImprovementPlan
    state: str
    state_label: str
    submitted_on: datetime.date | None
    agreed_on: datetime.date | None
    deadline: DeadlineAsAt
    # For a working-day compliance period: the working day the plan came in on (or, if not yet,
    # how many working days had passed by the chosen day) out of the days allowed.
    working_day: int | None = None
    working_days_allowed: int | None = None


@dataclass
class BoardReportAsAt:
    report: BoardReport
    state: str
    state_label: str
    submitted_on: datetime.date | None
    deadline: DeadlineAsAt


@dataclass
class InterventionAsAt:
    intervention: Intervention
    state: str
    state_label: str
    since: datetime.date | None


@dataclass
class NoticeAsAt:
    notice: WarningNotice
    state: str
    state_label: str
    given_on: datetime.date | None
    laid_on: datetime.date | None = None
    reported_on: datetime.date | None = None
    deadlines: list[DeadlineAsAt] = field(default_factory=list)
    requirements: list[RequirementAsAt] = field(default_factory=list)
    plan: PlanAsAt | None = None
    board_reports: list[BoardReportAsAt] = field(default_factory=list)
    interventions: list[InterventionAsAt] = field(default_factory=list)

    @property
    def overdue(self) -> list[DeadlineAsAt]:
        """The deadlines overdue, and the requirements overdue on a deadline the plan met (shared)."""
        listed = {id(row) for row in self.deadlines}
        shared = [
            row.deadline
            for row in self.requirements
            if row.deadline is not None and row.deadline.is_overdue and id(row.deadline) not in listed
        ]
        return [row for row in self.deadlines if row.is_overdue] + shared


@dataclass
class CaseAsAt:
    case: InterventionCase
    day: datetime.date
    state: str
    state_label: str
    notices: list[NoticeAsAt]
    # Where a date of event was missing and the date recorded was used instead, in plain words.
    recorded_date_notes: list[str] = field(default_factory=list)


def _content_types() -> dict[type[models.Model], int]:
    found = ContentType.objects.get_for_models(*STATEFUL_MODELS, for_concrete_models=True)
    return {model: content_type.pk for model, content_type in found.items()}


def case_as_at(case: InterventionCase, day: datetime.date, *, user: User, notices: QuerySet) -> CaseAsAt:
    """Return the case as it stood at the end of `day`: its notices and everything on them.

    `notices` is the case's notices the person may see today; a notice that was still a draft at
    the end of `day` is shown only to officials. A fixed number of queries, whatever the size.
    """
    notices = list(notices.order_by("given_on", "created_at", "id"))
    notice_ids = [n.pk for n in notices]
    requirements = list(Requirement.objects.filter(notice_id__in=notice_ids).order_by("position", "letter"))
    deadline_rows = list(Deadline.objects.filter(notice_id__in=notice_ids).order_by("due_on", "id"))
    plans = list(ImprovementPlan.objects.filter(notice_id__in=notice_ids))
    reports = list(BoardReport.objects.filter(notice_id__in=notice_ids).order_by("month"))
    interventions = list(Intervention.objects.filter(notice_id__in=notice_ids).order_by("proposed_on", "id"))
    ct = _content_types()
    wanted = [
        (InterventionCase, [case.pk]),
        (WarningNotice, notice_ids),
        (Requirement, [r.pk for r in requirements]),
        (ImprovementPlan, [p.pk for p in plans]),
        (BoardReport, [r.pk for r in reports]),
        (Intervention, [i.pk for i in interventions]),
    ]
    steps = timelines(_logs_of(ct, wanted).order_by("recorded_at", "id"))
    deadline_history: dict[int, list[Any]] = defaultdict(list)
    for row in Deadline.history.filter(notice_id__in=notice_ids).order_by("history_date", "history_id"):
        deadline_history[row.id].append(row)
    drafted_on = {
        row["id"]: timezone.localdate(row["history_date"])
        for row in WarningNotice.history.filter(id__in=notice_ids, history_type="+").values(
            "id", "history_date"
        )
    }

    def steps_of(model: type[models.Model], pk: int) -> list[Step]:
        return steps.get((ct[model], pk), [])

    starts = [d.start_on for d in deadline_rows]
    calendar = _WorkingCalendar(min(starts, default=day), max(day, *starts) if starts else day)

    case_state, _since = state_on(
        steps_of(InterventionCase, case.pk), day, initial=_initial_state(InterventionCase)
    )
    result = CaseAsAt(
        case=case,
        day=day,
        state=case_state,
        state_label=_state_label(InterventionCase, case_state),
        notices=[],
    )
    by_notice: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for requirement in requirements:
        by_notice[requirement.notice_id]["requirements"].append(requirement)
    for deadline in deadline_rows:
        by_notice[deadline.notice_id]["deadlines"].append(deadline)
    for plan in plans:
        by_notice[plan.notice_id]["plans"].append(plan)
    for report in reports:
        by_notice[report.notice_id]["reports"].append(report)
    for intervention in interventions:
        by_notice[intervention.notice_id]["interventions"].append(intervention)

    for notice in notices:
        notice_steps = steps_of(WarningNotice, notice.pk)
        issued = last_step_on(notice_steps, day, "issue")
        state, _since = state_on(notice_steps, day, initial=_initial_state(WarningNotice))
        if issued is None:
            drafted = drafted_on.get(notice.pk)
            if not is_official(user) or drafted is None or drafted > day:
                continue
            result.recorded_date_notes.append(
                _(
                    "%(notice)s was a draft; a draft has no date of event, so the date it was "
                    "recorded is used."
                )
                % {"notice": notice.title}
            )
        row = NoticeAsAt(
            notice=notice,
            state=state,
            state_label=_state_label(WarningNotice, state),
            given_on=issued.occurred_on if issued else None,
        )
        result.notices.append(row)
        if issued is None:
            continue  # a draft's contents are not rebuilt: nothing on it had started
        laid = last_step_on(notice_steps, day, "record_laying")
        reported = last_step_on(notice_steps, day, "record_report")
        row.laid_on = laid.occurred_on if laid else None
        row.reported_on = reported.occurred_on if reported else None
        parts = by_notice[notice.pk]
        causes_of = _deadline_causes(notice, parts, steps_of)
        in_force = state == NoticeState.ISSUED
        deadline_map = {}
        for deadline in parts["deadlines"]:
            changes = met_changes(deadline_history.get(deadline.pk, []), causes_of(deadline))
            met_on, by_recording = met_on_as_at(changes, day)
            if by_recording:
                result.recorded_date_notes.append(
                    _(
                        "A change to the deadline “%(label)s” has no date of event; the date it was "
                        "recorded is used."
                    )
                    % {"label": deadline.label}
                )
            deadline_map[deadline.pk] = DeadlineAsAt(
                deadline=deadline,
                met_on=met_on,
                status=_deadline_status(deadline, met_on, day, in_force=in_force),
            )
        for requirement in parts["requirements"]:
            r_steps = steps_of(Requirement, requirement.pk)
            r_state, r_since = state_on(r_steps, day, initial=_initial_state(Requirement))
            r_deadline = deadline_map.get(requirement.deadline_id)
            if r_deadline is not None:
                r_deadline = _requirement_deadline(r_deadline, r_state, r_steps, day, in_force=in_force)
                if r_deadline.deadline.kind == DeadlineKind.REQUIREMENT:
                    deadline_map[requirement.deadline_id] = r_deadline  # its own date: one status
            row.requirements.append(
                RequirementAsAt(
                    requirement=requirement,
                    state=r_state,
                    state_label=_state_label(Requirement, r_state),
                    since=r_since,
                    deadline=r_deadline,
                )
            )
        row.deadlines = list(deadline_map.values())
        for plan in parts["plans"]:
            row.plan = _plan_as_at(
                plan,
                steps_of(ImprovementPlan, plan.pk),
                deadline_map[plan.deadline_id],
                day,
                notice=notice,
                calendar=calendar,
            )
        for report in parts["reports"]:
            b_steps = steps_of(BoardReport, report.pk)
            b_state, _since = state_on(b_steps, day, initial=_initial_state(BoardReport))
            submitted = last_step_on(b_steps, day, "submit")
            row.board_reports.append(
                BoardReportAsAt(
                    report=report,
                    state=b_state,
                    state_label=_state_label(BoardReport, b_state),
                    submitted_on=submitted.occurred_on if submitted else None,
                    deadline=deadline_map[report.deadline_id],
                )
            )
        for intervention in parts["interventions"]:
            if intervention.proposed_on > day:
                continue
            i_state, i_since = state_on(
                steps_of(Intervention, intervention.pk), day, initial=_initial_state(Intervention)
            )
            row.interventions.append(
                InterventionAsAt(
                    intervention=intervention,
                    state=i_state,
                    state_label=_state_label(Intervention, i_state),
                    since=i_since,
                )
            )
    result.recorded_date_notes = list(dict.fromkeys(result.recorded_date_notes))
    return result


def _logs_of(
    ct: dict[type[models.Model], int], wanted: list[tuple[type[models.Model], list[int] | QuerySet]]
) -> QuerySet:
    """Return the transition-log rows of the objects named: ids, or a queryset of ids run as a subquery."""
    condition = Q(pk__in=[])
    for model, ids in wanted:
        if isinstance(ids, QuerySet) or ids:
            condition |= Q(content_type_id=ct[model], object_id__in=ids)
    return TransitionLog.objects.filter(condition)


def _deadline_causes(notice: WarningNotice, parts: dict[str, list], steps_of):
    """Return a function giving, for a deadline, the steps that can meet or reopen it, in recorded order."""

    def causes(deadline: Deadline) -> list[Step]:
        found: list[Step] = []
        if deadline.kind in (DeadlineKind.LAYING, DeadlineKind.REPORT):
            found += steps_of(WarningNotice, notice.pk)
        found += [
            s for p in parts["plans"] if p.deadline_id == deadline.pk for s in steps_of(ImprovementPlan, p.pk)
        ]
        found += [
            s for r in parts["reports"] if r.deadline_id == deadline.pk for s in steps_of(BoardReport, r.pk)
        ]
        if deadline.kind == DeadlineKind.REQUIREMENT:  # only a requirement's own date is met by it
            found += [
                s
                for r in parts["requirements"]
                if r.deadline_id == deadline.pk
                for s in steps_of(Requirement, r.pk)
            ]
        return sorted(found, key=lambda s: s.recorded_at)

    return causes


def _deadline_status(
    deadline: Deadline, met_on: datetime.date | None, day: datetime.date, *, in_force: bool
) -> str:
    """Met if met by `day`; overdue once the whole due date has passed unmet while the notice was in force."""
    if met_on is not None:
        return "met"
    if not deadlines.is_overdue(deadline.due_on, today=day):
        return "due"
    return "overdue" if in_force else "lapsed"


def _requirement_deadline(
    deadline: DeadlineAsAt, state: str, steps: list[Step], day: datetime.date, *, in_force: bool
) -> DeadlineAsAt:
    """Return how a requirement stood against its due date at the end of `day`, from its own state.

    Accepted: met on the day the accepted evidence was submitted (its own deadline's "met on" if it
    has one). With Welsh Government for review, or withdrawn: neither met nor overdue. Otherwise
    the council still owes it: due, overdue or lapsed by the date (a deadline shared with the
    improvement plan may be met by the plan, but not for the requirement).
    """
    if state == RequirementState.ACCEPTED:
        submitted = last_step_on(steps, day, "submit")
        met_on = deadline.met_on if deadline.deadline.kind == DeadlineKind.REQUIREMENT else None
        met_on = met_on or (submitted.occurred_on if submitted else None)
        return DeadlineAsAt(deadline=deadline.deadline, met_on=met_on, status="met")
    if state == RequirementState.SUBMITTED:
        return DeadlineAsAt(deadline=deadline.deadline, met_on=None, status="with_government")
    if state == RequirementState.WITHDRAWN:
        return DeadlineAsAt(deadline=deadline.deadline, met_on=None, status="withdrawn")
    if deadline.status == "met":  # met by something else: the plan, on a shared deadline
        status = _deadline_status(deadline.deadline, None, day, in_force=in_force)
        return DeadlineAsAt(deadline=deadline.deadline, met_on=None, status=status)
    return deadline


class _WorkingCalendar:
    """The working-day calendar from `first` to `last`, read at most once per Christmas Eve rule."""

    def __init__(self, first: datetime.date, last: datetime.date) -> None:
        self.first, self.last = first, last
        self._read: dict[bool, dict[datetime.date, str]] = {}

    def non_working(self, *, excludes_christmas_eve: bool) -> dict[datetime.date, str]:
        if excludes_christmas_eve not in self._read:
            self._read[excludes_christmas_eve] = calendars.non_working_days(
                self.first, self.last, excludes_christmas_eve=excludes_christmas_eve
            )
        return self._read[excludes_christmas_eve]


def _plan_as_at(
    plan: ImprovementPlan,
    steps: list[Step],
    deadline: DeadlineAsAt,
    day: datetime.date,
    *,
    notice: WarningNotice,
    calendar: _WorkingCalendar,
) -> PlanAsAt:
    state, _since = state_on(steps, day, initial=_initial_state(ImprovementPlan))
    # A plan returned to the council is back in drafting: its earlier submission no longer counts.
    submitted = last_step_on(steps, day, "submit") if state != PlanState.DRAFTING else None
    agreed = last_step_on(steps, day, "agree") if state == PlanState.AGREED else None
    row = PlanAsAt(
        plan=plan,
        state=state,
        state_label=_state_label(ImprovementPlan, state),
        submitted_on=submitted.occurred_on if submitted else None,
        agreed_on=agreed.occurred_on if agreed else None,
        deadline=deadline,
    )
    period = deadline.deadline
    if period.unit == DeadlineUnit.WORKING_DAYS and period.count:
        counted_to = row.submitted_on or day
        non_working = None
        if counted_to > period.due_on:
            excludes_eve = notice.compliance_excludes_christmas_eve
            non_working = calendar.non_working(excludes_christmas_eve=excludes_eve)
        row.working_day = working_day_number(period, counted_to, non_working=non_working)
        row.working_days_allowed = period.count
    return row


def working_day_number(
    deadline: Deadline, day: datetime.date, *, non_working: Collection[datetime.date] | None = None
) -> int:
    """Return which working day of `deadline`'s period `day` is (0 on or before its start).

    Within the period it counts with the days the deadline itself skipped when it was computed,
    so day `count` is always the due date; after the due date it needs the `non_working` days.
    """
    if day <= deadline.due_on:
        skipped = {datetime.date.fromisoformat(d["date"]) for d in deadline.skipped or []}
        return deadlines.working_days_between(deadline.start_on, day, non_working=skipped)
    if non_working is None:
        raise ValueError("Pass the non-working days to count past the due date.")
    return deadlines.working_days_between(deadline.start_on, day, non_working=non_working)
