"""An object's change history as people read it: who, when, why, and which fields changed."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import dateformat
from django.utils.translation import gettext as _

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
    action: str
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


def history_entries(obj: models.Model, *, limit: int = 200) -> list[HistoryEntry]:
    """Return the newest `limit` history rows of `obj`, each with the fields it changed.

    A fixed number of queries: one for the rows (with their users), one per related model named.
    """
    return entries_from_history(obj.history.all(), limit=limit)


def entries_from_history(
    records_queryset: models.QuerySet,
    *,
    limit: int = 200,
    with_subject: bool = False,
    hidden: Collection[str] = (),
) -> list[HistoryEntry]:
    """Return the newest `limit` rows of a history queryset, each with the fields it changed.

    The rows may belong to several objects (every finding of an inspection): each row is compared
    with the previous row of the same object. `with_subject` names the object on each entry;
    `hidden` leaves out fields every row shares (the parent). A fixed number of queries.
    """
    records = list(
        records_queryset.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    records.reverse()
    fields = [f for f in _tracked_fields(type(records[0])) if f.name not in hidden] if records else []
    pk_name = type(records[0]).instance_type._meta.pk.attname if records else "id"
    wanted: dict[type, set] = {}
    for f in fields:
        if isinstance(f, models.ForeignKey):
            ids = {getattr(r, f.attname) for r in records} - {None}
            if ids:
                wanted.setdefault(f.related_model, set()).update(ids)
    related_names = {}
    for model, ids in wanted.items():
        for related in model._default_manager.filter(pk__in=ids):
            related_names[(model, related.pk)] = str(related)
    entries = []
    previous_of: dict[Any, Any] = {}
    for record in records:
        previous = previous_of.get(getattr(record, pk_name))
        changes = []
        for f in fields:
            new = getattr(record, f.attname)
            old = getattr(previous, f.attname) if previous is not None else None
            if previous is None and record.history_type == "+" and new in (None, "", False):
                continue
            if previous is None or new != old:
                changes.append(
                    FieldChange(
                        label=str(f.verbose_name).capitalize(),
                        old=_display(f, old, related_names) if previous is not None else "",
                        new=_display(f, new, related_names),
                    )
                )
        reason = record.history_change_reason or ""
        action, _sep, why = reason.partition(": ")
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                action=action.replace("_", " ") or record.get_history_type_display(),
                reason=why,
                changes=changes if record.history_type != "-" else [],
                subject=_subject(record) if with_subject else "",
            )
        )
        previous_of[getattr(record, pk_name)] = record
    entries.reverse()
    return entries[:limit]
