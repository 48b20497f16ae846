"""The case as it stood on a past day, and its chronology: rebuilt from the record, read-only."""

from .chronology import ChronologyEvent, case_chronology
from .rebuild import (
    ObligationAsAt,
    all_obligations_as_at,
    case_as_at,
    history_in_effect,
    last_step_on,
    obligations_as_at,
    state_on,
    timelines,
)

__all__ = [
    "ChronologyEvent",
    "ObligationAsAt",
    "all_obligations_as_at",
    "case_as_at",
    "case_chronology",
    "history_in_effect",
    "last_step_on",
    "obligations_as_at",
    "state_on",
    "timelines",
]
