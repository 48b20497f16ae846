"""An object's change history as people read it: who, when, why, and which fields changed."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import django_fsm as fsm
from django.db import models
from django.db.models import F, OuterRef, Subquery, Window
from django.db.models.functions import JSONObject, Lag
from django.http import HttpRequest
from django.utils import dateformat
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import Role
from .models import User
from .web import paginate

HIDDEN_FIELDS = {"id", "password", "last_login", "updated_at", "created_at", "issued_text", "skipped"}


@dataclass(frozen=True)
class Actor:
    """A person as they were when they acted: their name, role and organisation at that moment."""

    name: str
    role: str = ""
    organisation: str = ""

    def __str__(self) -> str:
        return self.name

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else self.role

    @property
    def role_and_organisation(self) -> str:
        return ", ".join(part for part in (self.role_label, self.organisation) if part)

    @classmethod
    def from_user(cls, user) -> Actor:
        """Return the person as they are now (when nothing says how they were)."""
        organisation = user.organisation.name if user.organisation_id else ""
        return cls(str(user), user.role, organisation)

    @classmethod
    def from_log(cls, log) -> Actor:
        """Return the person a transition log row recorded, as they were when it was written."""
        return cls(log.by_name, log.by_role, log.by_organisation)


PERSON_THEN = "history_person_then"  # the annotation with_people_then adds


def with_people_then(records_queryset: models.QuerySet) -> models.QuerySet:
    """Annotate each history row with the person who made it as they were then, from their own history.

    The person's last history row at or before the row's date gives their name, role and
    organisation then (a move to another council later does not rewrite who did what before).
    A subquery, not another query; `actor_then` reads it.
    """
    person_then = (
        User.history.model._base_manager.filter(
            id=OuterRef("history_user_id"), history_date__lte=OuterRef("history_date")
        )
        .order_by("-history_date", "-history_id")
        .values(
            data=JSONObject(
                first_name="first_name",
                last_name="last_name",
                username="username",
                role="role",
                organisation="organisation__name",
            )
        )[:1]
    )
    return records_queryset.annotate(**{PERSON_THEN: Subquery(person_then, output_field=models.JSONField())})


def actor_then(record) -> Actor | None:
    """Return who made history row `record` as they were then (None: the tracker itself).

    Reads the annotation of `with_people_then`; a person with no history from before the row is
    shown as they are now (`history_user` should be selected with the row).
    """
    data = getattr(record, PERSON_THEN, None)
    if data:
        name = f"{data['first_name'] or ''} {data['last_name'] or ''}".strip() or data["username"]
        return Actor(name, data["role"] or "", data["organisation"] or "")
    if record.history_user_id is None:
        return None
    return Actor.from_user(record.history_user)


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: Any
    who: Any  # the account
    action: Promise | str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)
    subject: str = ""
    actor: Actor | None = None  # the person as they were then (None: the tracker itself)


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
    return with_people_then(
        records_queryset.select_related("history_user__organisation")
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
                actor=actor_then(record),
            )
        )
    return entries
