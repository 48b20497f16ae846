"""The chronology of a case: every transition and recorded change, in the order things happened.

Each event is dated by the day it happened where the record has that day: a logged transition by
the date of event it was recorded with (a notice's issue, a plan's sending), a change of what is
owed by the day it took effect in the world (`changed_on`, counted as asat/rebuild.py counts it:
never before the change recorded before it). Anything else (drafting, a submission's words, a file)
has no date of its own beyond when it was recorded, and is dated by that, and says so. Events of
the same day keep the order they were recorded in (then the order read), so the file is the same
every time it is made.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import dateformat, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts.history import HIDDEN_FIELDS, Actor, action_label, actor_then, with_people_then

from .. import calendars
from ..models import (
    BoardReport,
    CarryOverDecision,
    Direction,
    EvidenceFile,
    Ground,
    ImprovementPlan,
    InterventionCase,
    NoticeGround,
    Obligation,
    PowerToIntervene,
    Requirement,
    RequirementVariation,
    Submission,
    WarningNotice,
)
from .rebuild import STATEFUL_MODELS, _content_types, _logs_of, _state_label


@dataclass
class ChronologyEvent:
    """One line of the case's chronology: a logged transition, or a change recorded in the history."""

    event_on: datetime.date
    dated_by_recording: bool  # True: no date of event was recorded, so the date recorded is used
    recorded_at: datetime.datetime
    who: Actor | None  # the person as they were when they acted (None: the tracker itself)
    subject: str
    kind: str  # "transition" or "change"
    what: str
    source: str
    target: str
    why: str
    changes: str = ""


# Transitions recording that something was done without the date it was done.
UNDATED_TRANSITIONS = frozenset({Obligation.record_not_evidenced.__name__})


def _history_querysets(
    case: InterventionCase, notice_ids: list[int]
) -> list[tuple[type[models.Model], QuerySet]]:
    """Return the history rows the chronology reads: the case, its notices and everything on them."""
    requirement_ids = Requirement.history.filter(notice_id__in=notice_ids).values("id")
    submission_ids = Submission.history.filter(requirement_id__in=requirement_ids).values("id")
    owed = Obligation.history.filter(Q(notice_id__in=notice_ids) | Q(carried_to_id__in=notice_ids))
    return [
        (InterventionCase, InterventionCase.history.filter(id=case.pk)),
        (WarningNotice, WarningNotice.history.filter(id__in=notice_ids)),
        (NoticeGround, NoticeGround.history.filter(notice_id__in=notice_ids)),
        (Requirement, Requirement.history.filter(notice_id__in=notice_ids)),
        (Obligation, Obligation.history.filter(id__in=owed.values("id"))),
        (RequirementVariation, RequirementVariation.history.filter(addendum_id__in=notice_ids)),
        (CarryOverDecision, CarryOverDecision.history.filter(follow_up_id__in=notice_ids)),
        (ImprovementPlan, ImprovementPlan.history.filter(notice_id__in=notice_ids)),
        (BoardReport, BoardReport.history.filter(notice_id__in=notice_ids)),
        (PowerToIntervene, PowerToIntervene.history.filter(case_id=case.pk)),
        (Direction, Direction.history.filter(power__case_id=case.pk)),
        (Submission, Submission.history.filter(requirement_id__in=requirement_ids)),
        (EvidenceFile, EvidenceFile.history.filter(submission_id__in=submission_ids)),
    ]


def _transition_labels(model: type[models.Model]) -> dict[str, str]:
    """Return the label people see for each transition of `model` (none for a model without states)."""
    if model not in STATEFUL_MODELS:
        return {}
    state = model._meta.get_field("state")
    return {t.name: str(t.custom.get("label", t.name)) for t in state.get_all_transitions(model)}


def _display(field_obj: models.Field, value: Any, names: dict[tuple[type, Any], str]) -> str:
    if value is None or value == "":
        return "—"
    if field_obj.choices:
        return str(dict(field_obj.flatchoices).get(value, value))
    if isinstance(field_obj, models.ForeignKey):
        return names.get((field_obj.related_model, value), f"#{value}")
    if isinstance(field_obj, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return dateformat.format(timezone.localtime(value), "j F Y H:i")
    if isinstance(value, datetime.date):
        return dateformat.format(value, "j F Y")
    return str(value)


def _tracked_fields(history_model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in history_model._meta.fields
        if not f.name.startswith("history_") and f.name not in HIDDEN_FIELDS and f.name != "state"
    ]


def case_chronology(case: InterventionCase, *, notices: QuerySet) -> list[ChronologyEvent]:
    """Return every event of the case in the order it happened: transitions and other changes.

    `notices` is the case's notices the person may see; the chronology covers the case and those
    notices with everything on them. Every logged transition is one event, dated by the date of
    event it was recorded with. Every other history row is one event: a change of what is owed
    (opened, a due date computed or moved) dated by the day it took effect, anything else
    (drafting, submissions, evidence files) by when it was recorded; the history rows that record
    a logged transition are left out, as the transition already stands for them. Sorted by that
    date, then by when recorded, then by the order read.
    Each event names the person as they were when they acted: the log keeps its own record of
    that, and a history row is matched with the person's own history.
    A fixed number of queries, whatever the size.
    """
    notice_ids = list(notices.values_list("pk", flat=True))
    histories = [
        (
            model,
            list(
                with_people_then(qs.select_related("history_user__organisation")).order_by(
                    "history_date", "history_id"
                )
            ),
        )
        for model, qs in _history_querysets(case, notice_ids)
    ]
    names = _names(histories)
    ct = _content_types()
    model_of_ct = {pk: model for model, pk in ct.items()}
    ids_by_model: dict[type[models.Model], set[int]] = defaultdict(set)
    for model, rows in histories:
        ids_by_model[model].update(r.id for r in rows)
    ids_by_model[InterventionCase].add(case.pk)
    wanted = [(model, sorted(ids_by_model[model])) for model in STATEFUL_MODELS]
    # Objects whose history rows are missing (written in bulk) still have their transitions listed.
    wanted += [
        (Obligation, Obligation.objects.filter(notice_id__in=notice_ids).values("pk")),
        (PowerToIntervene, PowerToIntervene.objects.filter(case=case).values("pk")),
        (Direction, Direction.objects.filter(power__case=case).values("pk")),
    ]
    logs = _logs_of(ct, wanted).order_by("recorded_at", "id")

    labels = {model: _transition_labels(model) for model in STATEFUL_MODELS}
    events: list[tuple[datetime.date, datetime.datetime, int, ChronologyEvent]] = []
    for log in logs:
        model = model_of_ct[log.content_type_id]
        events.append(
            (
                log.occurred_on,
                log.recorded_at,
                len(events),
                ChronologyEvent(
                    event_on=log.occurred_on,
                    # Done on a date not on record: the only date there is, is when it was recorded.
                    dated_by_recording=log.transition in UNDATED_TRANSITIONS,
                    recorded_at=log.recorded_at,
                    who=Actor.from_log(log),
                    subject=f"{capfirst(str(model._meta.verbose_name))}: {log.object_repr}",
                    kind="transition",
                    what=labels[model].get(log.transition, log.transition.replace("_", " ")),
                    source=_state_label(model, log.source_state),
                    target=_state_label(model, log.target_state),
                    why=log.reason,
                ),
            )
        )
    for model, rows in histories:
        transitions = set(labels.get(model, {}))
        fields = _tracked_fields(type(rows[0])) if rows else []
        previous_of: dict[int, Any] = {}
        took_effect: dict[int, datetime.date] = {}
        for row in rows:
            reason = row.history_change_reason or ""
            action, _sep, why = reason.partition(": ")
            previous = previous_of.get(row.id)
            previous_of[row.id] = row
            happened_on = _took_effect(model, row, took_effect)
            if action in transitions:
                continue  # a transition's own row: the logged transition above stands for it
            events.append(
                (
                    happened_on or timezone.localdate(row.history_date),
                    row.history_date,
                    len(events),
                    ChronologyEvent(
                        event_on=happened_on or timezone.localdate(row.history_date),
                        dated_by_recording=happened_on is None,
                        recorded_at=row.history_date,
                        who=actor_then(row),
                        subject=f"{capfirst(str(model._meta.verbose_name))}: {names[(model, row.id)]}",
                        kind="change",
                        what=str(action_label(action, model)) if action else row.get_history_type_display(),
                        source="",
                        target="",
                        why=why,
                        changes=_changes(row, previous, fields, names),
                    ),
                )
            )
    events.sort(key=lambda item: item[:3])
    return [event for _on, _recorded, _order, event in events]


def _took_effect(
    model: type[models.Model], row: Any, took_effect: dict[int, datetime.date]
) -> datetime.date | None:
    """Return the day a history row took effect in the world, where its model records it (else None).

    An obligation's change takes effect on its `changed_on`, never before the change recorded
    before it (asat.history_in_effect counts the same way); `took_effect` carries each
    obligation's latest day from row to row.
    """
    if model is not Obligation or row.history_type == "-":
        return None
    day = row.changed_on
    if row.id in took_effect:
        day = max(day, took_effect[row.id])
    took_effect[row.id] = day
    return day


def _changes(row: Any, previous: Any, fields: list[models.Field], names: dict) -> str:
    if row.history_type == "-":
        return ""
    parts = []
    for f in fields:
        new = getattr(row, f.attname)
        if previous is None:
            if new in (None, "", False):
                continue
            parts.append(f"{capfirst(str(f.verbose_name))}: {_display(f, new, names)}")
        elif getattr(previous, f.attname) != new:
            old = _display(f, getattr(previous, f.attname), names)
            parts.append(f"{capfirst(str(f.verbose_name))}: {old} → {_display(f, new, names)}")
    return "; ".join(parts)


def _names(histories: list[tuple[type[models.Model], list[Any]]]) -> dict[tuple[type, Any], str]:
    """Name every object the history rows are about or point to: one query per other model named."""
    names: dict[tuple[type, Any], str] = {}
    rows_of = dict(histories)
    for model in (InterventionCase, WarningNotice):
        for row in rows_of.get(model, []):
            names[(model, row.id)] = row.title
    for row in rows_of.get(Requirement, []):
        names[(Requirement, row.id)] = f"({row.letter}) {row.text[:80]}"  # as Requirement.__str__
    owed_ids = {row.id for row in rows_of.get(Obligation, [])}
    for obligation in Obligation.objects.filter(pk__in=owed_ids).select_related(
        "requirement", "board_report", "notice"
    ):
        names[(Obligation, obligation.pk)] = obligation.label
    for row in rows_of.get(RequirementVariation, []):
        names[(RequirementVariation, row.id)] = names.get(
            (Requirement, row.requirement_id), f"#{row.requirement_id}"
        )
    for row in rows_of.get(CarryOverDecision, []):
        names[(CarryOverDecision, row.id)] = names.get(
            (Obligation, row.obligation_id), f"#{row.obligation_id}"
        )
    for row in rows_of.get(ImprovementPlan, []):
        names[(ImprovementPlan, row.id)] = names.get((WarningNotice, row.notice_id), "")
    for row in rows_of.get(BoardReport, []):
        names[(BoardReport, row.id)] = calendars.format_month(row.month)
    for power in PowerToIntervene.objects.filter(
        pk__in={row.id for row in rows_of.get(PowerToIntervene, [])}
    ):
        names[(PowerToIntervene, power.pk)] = str(power)
    for direction in Direction.objects.filter(
        pk__in={row.id for row in rows_of.get(Direction, [])}
    ).select_related("provision"):
        names[(Direction, direction.pk)] = str(direction)
    for row in rows_of.get(Submission, []):
        names[(Submission, row.id)] = names.get((Requirement, row.requirement_id), "")
    for row in rows_of.get(EvidenceFile, []):
        names[(EvidenceFile, row.id)] = row.original_name
    # What the rows point to beyond these (people, the council, grounds, inspections).
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for _model, rows in histories:
        for f in _tracked_fields(type(rows[0])) if rows else []:
            if isinstance(f, models.ForeignKey):
                for row in rows:
                    value = getattr(row, f.attname)
                    if value is not None and (f.related_model, value) not in names:
                        wanted[f.related_model].add(value)
    for model, ids in wanted.items():
        for obj in model._default_manager.filter(pk__in=ids):
            names[(model, obj.pk)] = str(obj)
    for row in rows_of.get(NoticeGround, []):
        ground = names.get((Ground, row.ground_id), "")
        names[(NoticeGround, row.id)] = f"{ground}, {names.get((WarningNotice, row.notice_id), '')}"
    return names
