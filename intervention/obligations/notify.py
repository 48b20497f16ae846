"""Telling the people affected when what they owe changes: dates moved, obligations settled or added.

The council's obligations concern its active council officers; the Welsh Ministers' duties
concern Welsh Government: the case's lead, or every active official when the case has none. The
case's lead also hears of changes to what the council owes. Each is told in the tracker, and by
email once the change is committed (intervention.notifications: recorded, and retried if it fails).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from accounts.choices import OrganisationKind, Role
from accounts.permissions import is_official

from ..choices import Owner
from ..notifications import services as notification_services

if TYPE_CHECKING:
    from accounts.models import User

    from ..models import WarningNotice


def people_affected(notice: WarningNotice, owners: set[str], *, with_email_only: bool = True) -> list[User]:
    """Return who is told about a change to obligations with these owners under `notice`."""
    User = get_user_model()
    people: dict[int, User] = {}
    lead = notice.case.lead
    if Owner.COUNCIL in owners:
        officers = User.objects.filter(
            role=Role.COUNCIL_OFFICER,
            organisation_id=notice.case.council_id,
            organisation__kind=OrganisationKind.LOCAL_AUTHORITY,
            is_active=True,
        )
        people.update({u.pk: u for u in officers})
    if lead is not None and is_official(lead):
        people[lead.pk] = lead
    elif Owner.MINISTERS in owners:
        officials = User.objects.filter(
            role=Role.OFFICIAL, organisation__kind=OrganisationKind.GOVERNMENT, is_active=True
        )
        people.update({u.pk: u for u in officials})
    return sorted(
        (p for p in people.values() if p.email.strip() or not with_email_only), key=lambda p: p.username
    )


def obligations_changed(
    notice: WarningNotice, *, subject: str, lines: Iterable[str], owners: set[str], by: User | None
) -> int:
    """Tell the people affected by a change under `notice` to what `owners` owe: in the tracker, and
    by email (intervention.notifications: sent once the change is committed, recorded, retried).

    Return how many people are told.
    """
    if not owners:
        return 0
    people = people_affected(notice, owners, with_email_only=False)
    if not people:
        return 0
    body_lines = [
        _(
            "A change to what is owed under a warning notice was recorded in the statutory "
            "intervention tracker."
        ),
        "",
        _("Warning notice: %(notice)s") % {"notice": notice.title},
        _("Council: %(council)s") % {"council": notice.case.council.name},
        "",
        *lines,
    ]
    notification_services.obligations_changed(notice, people, subject=subject, lines=body_lines, by=by)
    return len(people)
