"""Checks every intervention service makes before it changes anything, and its audited save."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from accounts.audit import (
    check_not_future,
    save_with_history,
)

from .choices import (
    NoticeState,
)
from .models import WarningNotice

if TYPE_CHECKING:
    from accounts.models import User


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You do not have permission to do this."))


def require_reason(reason: str, message: str) -> None:
    if not reason or not reason.strip():
        raise ValidationError({"reason": message})


def require_draft(notice: WarningNotice) -> None:
    """Refuse a change unless the notice is a draft as stored now, and hold it as one until commit.

    The row is re-read and locked (select_for_update; SQLite ignores the lock), so a change made at
    the same moment as the notice is issued or withdrawn cannot slip in after the check. Call inside
    transaction.atomic.
    """
    stored = WarningNotice.objects.select_for_update().filter(pk=notice.pk).values_list("state", flat=True)
    state = stored.first() if notice.pk else notice.state
    if state == NoticeState.DRAFT:
        return
    if state == NoticeState.WITHDRAWN:
        raise ValidationError(_("This notice was withdrawn, so its text cannot change."))
    raise ValidationError(_("This notice has been issued, so its text cannot change."))


def clean_and_save(obj, *, by: User, reason: str) -> None:
    exclude = ["state"] if hasattr(obj, "state") else []
    obj.full_clean(exclude=exclude)
    save_with_history(obj, by=by, reason=reason)


def check_past(day: datetime.date | None, *, what: str, field: str = "on") -> None:
    """Refuse a date in the future for something said to have happened (the error on `field`)."""
    if day is None:
        return
    try:
        check_not_future(day, what=what)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error


def check_after_given(notice: WarningNotice, on: datetime.date, *, field: str = "on") -> None:
    """Refuse a date in the future or before the notice was given (the error on `field`)."""
    try:
        check_not_future(on, what=_("The date"))
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error
    if notice.given_on and on < notice.given_on:
        raise ValidationError({field: _("The date cannot be before the notice was given.")})
