"""An intervention case as it stood at the end of a chosen day: read-only, rebuilt from the record.

How the past is rebuilt (nothing here writes, and nothing is read from today's states):

- A notice's and a case's states come from the transition log. Each row carries the date the
  event happened (`occurred_on`), which may be long before the row was recorded (the Powys demo
  records 2017 events today). An object's state at the end of day D is the target of its last
  logged transition dated on or before D; before its first transition it is in its first row's
  source state. A step can never take effect before the step it followed, so a step dated
  earlier than its predecessor counts from the predecessor's date.
- What is owed, and what was recorded about it, come from each obligation's history rows: every
  change of an obligation records the day it took effect in the world (`changed_on`), so the
  obligation at the end of D is its last history row that had taken effect by D (counted in the
  order recorded, each no earlier than the one before). An obligation whose first row takes
  effect after D was not yet owed. A due date moved because the calendar was corrected (an
  extra non-working day recorded) is no event in the case: like every status here, it is judged
  by the calendar as now known, so the move does not date the facts recorded after it.
- Its status at D is then derived by obligations/status.py, the same code every live page uses,
  with D as "today": the case as it stood and the live pages cannot disagree about a day.
- The words of a requirement are those in force at D: an addendum's new words apply from the day
  the addendum was given.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import TransitionLog
from accounts.permissions import is_official

from .. import calendars
from ..choices import ObligationKind, Owner
from ..models import (
    Direction,
    InterventionCase,
    Obligation,
    PowerToIntervene,
    Requirement,
    RequirementVariation,
    WarningNotice,
    facts_of,
)
from ..obligations import status as rules

if TYPE_CHECKING:
    from accounts.models import User

# The objects of a case whose state moves, in the order the chronology names them.
STATEFUL_MODELS = (InterventionCase, WarningNotice, Obligation, PowerToIntervene, Direction)


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


def _content_types() -> dict[type[models.Model], int]:
    found = ContentType.objects.get_for_models(*STATEFUL_MODELS, for_concrete_models=True)
    return {model: content_type.pk for model, content_type in found.items()}


def _logs_of(
    ct: dict[type[models.Model], int], wanted: list[tuple[type[models.Model], list[int] | QuerySet]]
) -> QuerySet:
    """Return the transition-log rows of the objects named: ids, or a queryset of ids run as a subquery."""
    condition = Q(pk__in=[])
    for model, ids in wanted:
        if isinstance(ids, QuerySet) or ids:
            condition |= Q(content_type_id=ct[model], object_id__in=ids)
    return TransitionLog.objects.filter(condition)


# Obligations as they stood ---------------------------------------------------------------------


@dataclass
class ObligationAsAt:
    """An obligation at the end of a day: its history row then, and the status derived from it."""

    obligation: Obligation  # today's row: what it is (kind, requirement, report), never its facts
    row: Any  # the history row in effect at the end of the day
    status: rules.Status

    @property
    def label(self) -> str:
        return self.obligation.label

    @property
    def notice_id(self) -> int:
        return self.row.notice_id

    @property
    def carried_to_id(self) -> int | None:
        return self.row.carried_to_id

    @property
    def owner(self) -> str:
        return self.row.owner

    @property
    def due_on(self) -> datetime.date | None:
        return self.row.due_on


def history_in_effect(rows: list[Any], day: datetime.date) -> Any | None:
    """Return the history row of one obligation in effect at the end of `day` (None: not yet owed).

    `rows` come in the order recorded; each takes effect on its `changed_on`, or on the day the
    row before it took effect if that is later.
    """
    found, effective = None, None
    for row in rows:
        if row.history_type == "-":
            return found if effective is not None and effective <= day else None
        effective = row.changed_on if effective is None else max(effective, row.changed_on)
        if effective > day:
            break
        found = row
    return found


def obligations_as_at(
    obligations: Iterable[Obligation],
    day: datetime.date,
    *,
    calendar: calendars.WorkingCalendar | None = None,
) -> list[ObligationAsAt]:
    """Return the obligations owed (or settled) at the end of `day`, with their statuses then.

    Two queries, whatever the number: the obligations' history rows, read once.
    """
    calendar = calendar or calendars.WorkingCalendar()
    obligations = {o.pk: o for o in obligations}
    rows_of: dict[int, list[Any]] = defaultdict(list)
    history = Obligation.history.filter(id__in=list(obligations)).order_by("history_date", "history_id")
    for row in history:
        rows_of[row.id].append(row)
    result = []
    for pk, obligation in obligations.items():
        row = history_in_effect(rows_of.get(pk, []), day)
        if row is None:
            continue
        status = rules.derive(facts_of(row), today=day, non_working=calendar)
        result.append(ObligationAsAt(obligation=obligation, row=row, status=status))
    result.sort(key=lambda item: (item.row.position, item.obligation.pk))
    return result


# The case as at a day ------------------------------------------------------------------------


@dataclass
class RequirementAsAt:
    requirement: Requirement
    text: str
    status: rules.Status
    obligations: list[ObligationAsAt]


@dataclass
class DirectionAsAt:
    direction: Direction
    state: str
    state_label: str
    since: datetime.date | None


@dataclass
class PowerAsAt:
    power: PowerToIntervene
    state: str
    state_label: str
    since: datetime.date | None
    directions: list[DirectionAsAt] = field(default_factory=list)


@dataclass
class NoticeAsAt:
    notice: WarningNotice
    state: str
    state_label: str
    given_on: datetime.date | None
    obligations: list[ObligationAsAt] = field(default_factory=list)
    requirements: list[RequirementAsAt] = field(default_factory=list)

    def of_kind(self, *kinds: str) -> list[ObligationAsAt]:
        return [o for o in self.obligations if o.obligation.kind in kinds]

    @property
    def plan(self) -> ObligationAsAt | None:
        return next(iter(self.of_kind(ObligationKind.IMPROVEMENT_PLAN)), None)

    @property
    def agreement(self) -> ObligationAsAt | None:
        return next(iter(self.of_kind(ObligationKind.PLAN_AGREEMENT)), None)

    @property
    def board_reports(self) -> list[ObligationAsAt]:
        return self.of_kind(ObligationKind.BOARD_REPORT)

    @property
    def duties(self) -> list[ObligationAsAt]:
        return [o for o in self.obligations if o.owner == Owner.MINISTERS]

    @property
    def overdue(self) -> list[ObligationAsAt]:
        return [o for o in self.obligations if o.status.code == rules.OVERDUE]


@dataclass
class CaseAsAt:
    case: InterventionCase
    day: datetime.date
    state: str
    state_label: str
    notices: list[NoticeAsAt]
    powers: list[PowerAsAt] = field(default_factory=list)
    # Where a date of event was missing and the date recorded was used instead, in plain words.
    recorded_date_notes: list[str] = field(default_factory=list)


def text_as_at(requirement: Requirement, variations: list[RequirementVariation], day: datetime.date) -> str:
    """Return a requirement's words at the end of `day`: undo the amendments given after it."""
    text = requirement.text
    for variation in sorted(variations, key=lambda v: (v.applied_on, v.pk), reverse=True):
        if variation.applied_on and variation.applied_on > day and variation.previous_text:
            text = variation.previous_text
    return text


def case_as_at(case: InterventionCase, day: datetime.date, *, user: User, notices: QuerySet) -> CaseAsAt:
    """Return the case as it stood at the end of `day`: its notices and what was owed under each.

    `notices` is the case's notices the person may see today; a notice that was still a draft at
    the end of `day` is shown only to officials. A fixed number of queries, whatever the size.
    """
    notices = list(notices.order_by("given_on", "created_at", "id"))
    notice_ids = [n.pk for n in notices]
    requirements = list(Requirement.objects.filter(notice_id__in=notice_ids).order_by("position", "letter"))
    variations: dict[int, list[RequirementVariation]] = defaultdict(list)
    for variation in RequirementVariation.objects.filter(
        requirement__in=requirements, applied_on__isnull=False
    ):
        variations[variation.requirement_id].append(variation)
    obligations = Obligation.objects.filter(
        Q(notice_id__in=notice_ids) | Q(carried_to_id__in=notice_ids)
    ).select_related("requirement", "board_report", "notice")
    owed = obligations_as_at(obligations, day)
    powers = list(case.powers.filter(determined_on__lte=day).order_by("determined_on", "id"))
    directions = list(
        Direction.objects.filter(power__in=powers, given_on__lte=day)
        .select_related("provision")
        .order_by("given_on", "id")
    )
    ct = _content_types()
    wanted = [
        (InterventionCase, [case.pk]),
        (WarningNotice, notice_ids),
        (PowerToIntervene, [p.pk for p in powers]),
        (Direction, [d.pk for d in directions]),
    ]
    steps = timelines(_logs_of(ct, wanted).order_by("recorded_at", "id"))
    drafted_on = {
        row["id"]: timezone.localdate(row["history_date"])
        for row in WarningNotice.history.filter(id__in=notice_ids, history_type="+").values(
            "id", "history_date"
        )
    }

    def steps_of(model: type[models.Model], pk: int) -> list[Step]:
        return steps.get((ct[model], pk), [])

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
    owed_under: dict[int, list[ObligationAsAt]] = defaultdict(list)
    for item in owed:
        owed_under[item.carried_to_id or item.notice_id].append(item)
    answering: dict[int, list[ObligationAsAt]] = defaultdict(list)
    for item in owed:
        if item.obligation.requirement_id:
            answering[item.obligation.requirement_id].append(item)
    requirements_of: dict[int, list[Requirement]] = defaultdict(list)
    for requirement in requirements:
        requirements_of[requirement.notice_id].append(requirement)
    for power in powers:
        p_state, p_since = state_on(
            steps_of(PowerToIntervene, power.pk), day, initial=_initial_state(PowerToIntervene)
        )
        item = PowerAsAt(
            power=power, state=p_state, state_label=_state_label(PowerToIntervene, p_state), since=p_since
        )
        for direction in directions:
            if direction.power_id != power.pk:
                continue
            d_state, d_since = state_on(
                steps_of(Direction, direction.pk), day, initial=_initial_state(Direction)
            )
            item.directions.append(
                DirectionAsAt(
                    direction=direction,
                    state=d_state,
                    state_label=_state_label(Direction, d_state),
                    since=d_since,
                )
            )
        result.powers.append(item)

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
        row.obligations = owed_under.get(notice.pk, [])
        for requirement in requirements_of.get(notice.pk, []):
            items = answering.get(requirement.pk, [])
            if not items:
                continue  # not yet owed on this day
            row.requirements.append(
                RequirementAsAt(
                    requirement=requirement,
                    text=text_as_at(requirement, variations.get(requirement.pk, []), day),
                    status=rules.series(item.status for item in items),
                    obligations=items,
                )
            )
    result.recorded_date_notes = list(dict.fromkeys(result.recorded_date_notes))
    return result


# Every obligation of every notice, as at a day (the `obligations` command) --------------------------


@dataclass
class ReportRow:
    notice: WarningNotice
    item: ObligationAsAt


def all_obligations_as_at(
    day: datetime.date, *, notices: QuerySet[WarningNotice] | None = None
) -> list[ReportRow]:
    """Return every obligation of every notice given by the end of `day`, as it stood then.

    A notice counts as given from its logged issue (its date of event); `notices` narrows the
    notices considered (a council's, say).
    """
    notices = notices if notices is not None else WarningNotice.objects.all()
    given = {n.pk: n for n in notices.filter(given_on__lte=day).select_related("case__council")}
    obligations = Obligation.objects.filter(notice_id__in=list(given)).select_related(
        "requirement", "board_report", "notice"
    )
    rows = []
    for item in obligations_as_at(obligations, day):
        rows.append(
            ReportRow(
                notice=given.get(item.row.notice_id, item.obligation.notice),
                item=item,
            )
        )
    rows.sort(
        key=lambda r: (
            r.notice.case.council.name,
            r.notice.given_on,
            r.notice.pk,
            r.item.row.position,
            r.item.obligation.pk,
        )
    )
    return rows
