"""An object's change history as people read it: who, when, why, and which fields changed."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import django_fsm as fsm
from django.db import models
from django.db.models import F, Window
from django.db.models.functions import Lag
from django.http import HttpRequest
from django.utils import dateformat
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .web import paginate

HIDDEN_FIELDS = {"id", "password", "last_login", "updated_at", "created_at", "issued_text", "skipped"}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: Any
    who: Any
    action: Promise | str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)
    subject: str = ""


def _tracked_fields(history_model) -> list[models.Field]:
    skip = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}
    return [
        f
        for f in history_model._meta.fields
        if f.name not in skip and f.name not in HIDDEN_FIELDS and not f.name.startswith("history_")
    ]


def _display(field_obj: models.Field, value: Any, related_names: dict) -> str:
    if value is None or value == "":
        return "—"
    if field_obj.choices:
        return str(dict(field_obj.flatchoices).get(value, value))
    if isinstance(field_obj, models.ForeignKey):
        return related_names.get((field_obj.related_model, value), f"#{value}")
    if isinstance(field_obj, models.BooleanField):
        return _("Yes") if value else _("No")
    if hasattr(value, "strftime"):
        return dateformat.format(value, "j F Y H:i" if hasattr(value, "hour") else "j F Y")
    return str(value)


def _subject(record) -> str:
    """Name the object a history row describes, as it was then, without a query."""
    model = type(record).instance_type
    values = {
        f.attname: getattr(record, f.attname)
        for f in model._meta.concrete_fields
        if hasattr(record, f.attname)
    }
    return str(model(**values))


# What each recorded action is called ---------------------------------------------------------
#
# History rows carry a reason such as "create", "update draft" or "issue: <why>": the part before
# ": " is an action code written by the services, in English. People see a translated label: a
# transition's own custom["label"] where the code names a transition of the model, else the label
# an app registered for the code, else the code made readable.

_ACTION_LABELS: dict[str, Promise | str] = {
    "create": gettext_lazy("Created"),
    "update": gettext_lazy("Changed"),
    "delete": gettext_lazy("Deleted"),
    "remove": gettext_lazy("Removed"),
    "admin add": gettext_lazy("Added in the administration pages"),
    "admin change": gettext_lazy("Changed in the administration pages"),
    "admin delete": gettext_lazy("Deleted in the administration pages"),
    "calendar feed turned on": gettext_lazy("Calendar feed turned on"),
    "calendar feed address replaced": gettext_lazy("Calendar feed address replaced"),
    "calendar feed turned off": gettext_lazy("Calendar feed turned off"),
}


def register_action_labels(labels: Mapping[str, Promise | str]) -> None:
    """Name more action codes (an app registers the codes its services write, from its AppConfig)."""
    _ACTION_LABELS.update(labels)


@cache
def _transition_labels(model: type[models.Model]) -> dict[str, Promise | str]:
    labels: dict[str, Promise | str] = {}
    for field_obj in model._meta.fields:
        if isinstance(field_obj, fsm.FSMFieldMixin):
            for transition in field_obj.get_all_transitions(model):
                if "label" in transition.custom:
                    labels.setdefault(transition.name, transition.custom["label"])
    return labels


def action_label(code: str, model: type[models.Model] | None = None) -> Promise | str:
    """Return what people call action `code`: the transition's label, a registered label, or the code."""
    if model is not None:
        label = _transition_labels(model).get(code)
        if label is not None:
            return label
    label = _ACTION_LABELS.get(code)
    if label is not None:
        return label
    return capfirst(code.replace("_", " "))


# Reading a history -------------------------------------------------------------------------

HISTORY_PER_PAGE = 50
PREVIOUS = "history_previous_"  # prefix of the annotations holding each row's previous values


def history_page(
    request: HttpRequest,
    records_queryset: models.QuerySet,
    *,
    per_page: int = HISTORY_PER_PAGE,
    param: str = "page",
    with_subject: bool = False,
    subject: Callable[[Any], str] | None = None,
    hidden: Collection[str] = (),
) -> dict[str, Any]:
    """Return one page of a history, newest first, for templates/includes/history.html.

    `param` names the page in the query string, so one page can show several histories. A fixed
    number of queries whatever the page: the count, the rows, one per related model named.
    `subject(record)`, if given, names the object each row describes (else, with `with_subject`,
    the object as it was then).
    """
    fields = _fields_of(records_queryset.model, hidden)
    context = paginate(request, _with_previous(records_queryset, fields), per_page=per_page, param=param)
    page_obj = context["page_obj"]
    page_obj.object_list = list(page_obj.object_list)
    context["entries"] = _entries(page_obj.object_list, fields, with_subject=with_subject, subject=subject)
    return context


def _fields_of(history_model, hidden: Collection[str]) -> list[models.Field]:
    return [f for f in _tracked_fields(history_model) if f.name not in hidden]


def _with_previous(records_queryset: models.QuerySet, fields: list[models.Field]) -> models.QuerySet:
    """Order the rows newest first, each carrying the values of the previous row of its object.

    The previous values come from window functions over the whole (filtered) history, so a page
    of rows can be compared with rows on earlier pages without another query.
    """
    pk_name = records_queryset.model.instance_type._meta.pk.attname
    window = {
        "partition_by": [F(pk_name)],
        "order_by": [F("history_date").asc(), F("history_id").asc()],
    }
    annotations = {f"{PREVIOUS}{f.attname}": Window(Lag(f.attname), **window) for f in fields}
    annotations[f"{PREVIOUS}history_id"] = Window(Lag("history_id"), **window)
    return (
        records_queryset.select_related("history_user")
        .annotate(**annotations)
        .order_by("-history_date", "-history_id")
    )


def _entries(
    records: list,
    fields: list[models.Field],
    *,
    with_subject: bool,
    subject: Callable[[Any], str] | None = None,
) -> list[HistoryEntry]:
    """Describe each row (newest first) with the fields it changed since its object's previous row."""
    if not records:
        return []
    model = records[0].instance_type

    def has_previous(record) -> bool:
        return getattr(record, f"{PREVIOUS}history_id") is not None

    wanted: dict[type, set] = {}
    for f in fields:
        if isinstance(f, models.ForeignKey):
            ids = {getattr(r, f.attname) for r in records}
            ids |= {getattr(r, PREVIOUS + f.attname) for r in records if has_previous(r)}
            ids -= {None}
            if ids:
                wanted.setdefault(f.related_model, set()).update(ids)
    related_names = {}
    for related_model, ids in wanted.items():
        for related in related_model._default_manager.filter(pk__in=ids):
            related_names[(related_model, related.pk)] = str(related)
    entries = []
    for record in records:
        previous = has_previous(record)
        changes = []
        for f in fields:
            new = getattr(record, f.attname)
            old = getattr(record, PREVIOUS + f.attname) if previous else None
            if not previous and record.history_type == "+" and new in (None, "", False):
                continue
            if not previous or new != old:
                changes.append(
                    FieldChange(
                        label=str(f.verbose_name).capitalize(),
                        old=_display(f, old, related_names) if previous else "",
                        new=_display(f, new, related_names),
                    )
                )
        reason = record.history_change_reason or ""
        code, _sep, why = reason.partition(": ")
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                action=action_label(code, model) if code else record.get_history_type_display(),
                reason=why,
                changes=changes if record.history_type != "-" else [],
                subject=subject(record) if subject else (_subject(record) if with_subject else ""),
            )
        )
    return entries
