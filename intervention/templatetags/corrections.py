"""Showing corrected facts: the value first recorded, and a record's corrections."""

import datetime

from django import template

from intervention.calendars import format_date
from intervention.corrections.selectors import for_record

register = template.Library()


@register.filter
def as_recorded_value(stored: str) -> str:
    """Write a corrected value as people read it: a date as 17 October 2017, text as it is."""
    try:
        return format_date(datetime.date.fromisoformat(stored))
    except (TypeError, ValueError):
        return stored


@register.simple_tag
def record_corrections(obj, user, *names):
    """Return the named facts of `obj` with their corrections and where to correct them (one query)."""
    return for_record(obj, user, list(names))
