"""The case as it stood on a past day, and its chronology: rebuilt from the record, read-only."""

from .chronology import ChronologyEvent, case_chronology
from .rebuild import case_as_at, last_step_on, state_on, timelines, working_day_number

__all__ = [
    "ChronologyEvent",
    "case_as_at",
    "case_chronology",
    "last_step_on",
    "state_on",
    "timelines",
    "working_day_number",
]
