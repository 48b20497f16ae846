"""The one way state changes and audited saves are written: history row plus transition log."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

import django_fsm as fsm
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import TransitionLog

CONCURRENT_CHANGE_MESSAGE = gettext_lazy(
    "Someone else changed this at the same time, so nothing was saved. "
    "Reload the page to see what changed, then try again."
)

if TYPE_CHECKING:
    from .models import User


def save_with_history(
    obj: models.Model, *, by: User, reason: str, update_fields: list[str] | None = None
) -> None:
    """Save `obj`, crediting the history row to `by` with `reason`, then forget both."""
    obj._history_user = by
    obj._change_reason = reason
    try:
        obj.save(update_fields=update_fields)
    finally:
        # simple-history leaves these on the instance; a later save must not inherit them.
        del obj._history_user
        del obj._change_reason


def failed_condition_message(method: Any) -> str | None:
    """Return why the transition's conditions are not met in the current state, or None."""
    meta = method._django_fsm
    instance = method.__self__
    transition = meta.get_transition(meta.field.get_state(instance))
    if transition is None:
        return None
    for condition in transition.conditions:
        if not condition(instance):
            return str(getattr(condition, "message", "")) or _("The conditions are not met.")
    return None


def apply_transition(
    obj: models.Model,
    name: str,
    *,
    by: User,
    reason: str = "",
    occurred_on: datetime.date | None = None,
    **kwargs: Any,
) -> models.Model:
    """Check and run transition `name` on `obj` for `by`, save it with history and log it.

    Raises PermissionDenied when `by` may not make the move, TransitionNotAllowed when the
    object's state or the transition's conditions forbid it, and ConcurrentTransition when
    someone else changed the state since `obj` was read. Call inside transaction.atomic.
    """
    method = getattr(obj, name)
    meta = method._django_fsm
    source = meta.field.get_state(obj)
    if not meta.has_transition(source):
        raise fsm.TransitionNotAllowed(
            _("This cannot be done while it is %(state)s.") % {"state": _display_state(obj)},
            object=obj,
            method=method,
        )
    # Fail closed: a transition that declares no permission may not be made by anybody.
    if meta.get_transition(source).permission is None or not meta.has_transition_perm(obj, source, by):
        raise PermissionDenied(_("You do not have permission to do this."))
    message = failed_condition_message(method)
    if message:
        raise fsm.TransitionNotAllowed(message, object=obj, method=method)
    occurred_on = occurred_on or timezone.localdate()
    check_not_future(occurred_on, what=_("The date it happened"))
    method(**kwargs)
    target = meta.field.get_state(obj)
    try:
        save_with_history(obj, by=by, reason=f"{name}: {reason}" if reason.strip() else name)
    except fsm.ConcurrentTransition as exc:
        raise fsm.ConcurrentTransition(CONCURRENT_CHANGE_MESSAGE) from exc
    # The row records `by` as they are at this moment (name, role, organisation) and the time now,
    # and is chained to the last row of the log (TransitionLog.save).
    TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk,
        object_repr=str(obj)[:300],
        transition=name,
        source_state=source,
        target_state=target,
        by=by,
        occurred_on=occurred_on,
        reason=reason,
    )
    return obj


def _display_state(obj: models.Model) -> str:
    getter = getattr(obj, "get_state_display", None)
    return str(getter()).lower() if getter else str(obj.state)


def delete_with_history(obj: models.Model, *, by: User, reason: str) -> None:
    """Delete `obj`, crediting the history row ("-") to `by` with `reason`."""
    obj._history_user = by
    obj._change_reason = reason
    obj.delete()


def check_not_future(day: datetime.date, *, what: str) -> None:
    """Refuse a date after today for something said to have happened already."""
    if day > timezone.localdate():
        raise ValidationError(_("%(what)s cannot be in the future.") % {"what": what})
