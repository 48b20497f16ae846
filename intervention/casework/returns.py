"""Why work came back to the council: the reason, who returned it and when.

A return is not a status: obligations/status.py derives the status (overdue, due soon, ...) from
the recorded facts. Why the work is owed again is in the transition log, the row of the move that
returned it (`return_to_owner` for evidence, `reopen` for the improvement plan), which carries the
reason, the person as they were then, and when. Work stands returned while it is owed and that
move is the latest one made on it; the council's next submission ends it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from accounts.models import TransitionLog

from ..choices import OWED_STATES
from ..models import Obligation, Submission

# The moves by which Welsh Government sends work back to the council.
RETURN_MOVES = ("return_to_owner", "reopen")


@dataclass(frozen=True)
class Returned:
    """Why Welsh Government returned something to the council, who returned it and when."""

    reason: str
    by: str
    # The day it was returned: when the decision was recorded, or the day a return took effect.
    on: datetime.date | datetime.datetime

    @classmethod
    def of_submission(cls, submission: Submission) -> Returned:
        return cls(
            reason=submission.decision_reason,
            by=str(submission.decided_by) if submission.decided_by_id else "",
            on=submission.decided_at,
        )

    @classmethod
    def of_log(cls, row: TransitionLog) -> Returned:
        who = ", ".join(part for part in (row.by_name, row.by_organisation) if part)
        return cls(reason=row.reason, by=who, on=row.occurred_on)


def _obligation_log() -> QuerySet[TransitionLog]:
    # By the content type's natural key, joined in the same query (no ContentType lookup first).
    return TransitionLog.objects.filter(
        content_type__app_label=Obligation._meta.app_label, content_type__model=Obligation._meta.model_name
    )


def _last_move_of(field: str = "pk") -> Subquery:
    return Subquery(
        _obligation_log()
        .filter(object_id=OuterRef(field))
        .order_by("-recorded_at", "-sequence")
        .values("transition")[:1]
    )


def returned(obligations: QuerySet[Obligation]) -> QuerySet[Obligation]:
    """Return those of `obligations` Welsh Government returned and the council has not yet sent again."""
    return (
        obligations.filter(state__in=OWED_STATES)
        .annotate(last_move=_last_move_of())
        .filter(last_move__in=RETURN_MOVES)
    )


def latest_returns(obligations: Iterable[Obligation]) -> dict[int, Returned]:
    """Return, by obligation id, why each of `obligations` that stands returned was returned (one query)."""
    owed = [o.pk for o in obligations if o.state in OWED_STATES]
    if not owed:
        return {}
    latest = (
        TransitionLog.objects.filter(content_type=OuterRef("content_type"), object_id=OuterRef("object_id"))
        .order_by("-recorded_at", "-sequence")
        .values("pk")[:1]
    )
    rows = _obligation_log().filter(object_id__in=owed, transition__in=RETURN_MOVES, pk=Subquery(latest))
    return {row.object_id: Returned.of_log(row) for row in rows}


def with_returns(obligations: list[Obligation]) -> list[Obligation]:
    """Put on each obligation why it was returned (`latest_return`, None unless it stands returned)."""
    found = latest_returns(obligations)
    for obligation in obligations:
        obligation.latest_return = found.get(obligation.pk)
    return obligations


def latest_return_of(obligation: Obligation | None) -> Returned | None:
    """Why one obligation was returned, while it stands returned."""
    if obligation is None:
        return None
    return latest_returns([obligation]).get(obligation.pk)
