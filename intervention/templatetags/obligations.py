"""Template helpers for obligations: the status tag every page shows, from obligations/display.py."""

from django import template
from django.utils.html import format_html

from intervention.obligations import display

register = template.Library()


@register.simple_tag
def status_tag(status, reviewer: str = ""):
    """Render an obligation's status as a GOV.UK tag with what it rests on beside it."""
    if status is None:
        return ""
    colour = display.COLOURS.get(status.code, "grey")
    more = display.detail(status, reviewer=reviewer)
    if more:
        return format_html(
            '<strong class="govuk-tag govuk-tag--{}">{}</strong> <span class="govuk-body-s">{}</span>',
            colour,
            display.label(status),
            more,
        )
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, display.label(status))


@register.filter
def status_sentence(status) -> str:
    return display.sentence(status) if status is not None else ""
