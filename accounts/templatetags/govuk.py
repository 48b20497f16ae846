"""Template helpers for GOV.UK Design System markup: widget classes, state tags, dates."""

import datetime

from django import template
from django.utils import dateformat
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

WIDGET_CLASSES = {
    "text": "govuk-input",
    "email": "govuk-input",
    "number": "govuk-input",
    "password": "govuk-input",
    "url": "govuk-input",
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "selectmultiple": "govuk-select",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
    "multiplefile": "govuk-file-upload",
    "checkbox": "govuk-checkboxes__input",
}

# One colour per state, shared by every page (GOV.UK tag modifiers).
STATE_COLOURS = {
    "planned": "grey",
    "fieldwork": "blue",
    "draft_issued": "yellow",
    "published": "green",
    "withdrawn": "grey",
    "open": "blue",
    "closed": "grey",
    "draft": "grey",
    "issued": "orange",
    "complied": "green",
    "escalated": "red",
    "submitted": "purple",
    "returned": "yellow",
    "accepted": "green",
    "breached": "red",
    "drafting": "grey",
    "agreed": "green",
    "due": "blue",
    "proposed": "yellow",
    "in_force": "red",
    "ended": "grey",
    "overdue": "red",
    "due_soon": "yellow",
    "met": "green",
    "later": "blue",
}


@register.filter
def govuk_widget(field):
    """Render a bound field's widget with GOV.UK classes and its hint and error described."""
    widget_type = field.widget_type
    attrs = {}
    css = WIDGET_CLASSES.get(widget_type)
    existing = field.field.widget.attrs.get("class", "")
    if css:
        error_class = f" {css.split('__')[0]}--error" if field.errors and widget_type != "checkbox" else ""
        attrs["class"] = f"{css}{error_class} {existing}".strip()
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
        attrs["has_error"] = True if widget_type == "govukdate" else None
    if described and widget_type != "govukdate":
        attrs["aria-describedby"] = " ".join(described)
    attrs = {k: v for k, v in attrs.items() if v is not None}
    return field.as_widget(attrs=attrs)


@register.simple_tag
def state_tag(obj, state=None, label=None):
    """Render an object's state as a coloured GOV.UK tag."""
    value = state if state is not None else obj.state
    text = label if label is not None else (obj.get_state_display() if obj is not None else value)
    colour = STATE_COLOURS.get(str(value), "grey")
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, text)


@register.filter
def long_date(day):
    """17 October 2017."""
    if not isinstance(day, datetime.date):
        return ""
    return dateformat.format(day, "j F Y")


@register.filter
def deadline_date(day):
    """Tuesday 14 November 2017: deadlines always show their weekday."""
    if not isinstance(day, datetime.date):
        return ""
    return dateformat.format(day, "l j F Y")


@register.filter
def or_not_recorded(value):
    return value if value not in (None, "") else _("Not recorded")
