"""Telling the people affected when what they owe changes: dates moved, obligations settled or added.

The council's obligations concern its active council officers; the Welsh Ministers' duties
concern Welsh Government: the case's lead, or every active official when the case has none. The
case's lead also hears of changes to what the council owes. Each email goes once the change is
committed; a mail failure is logged and never undoes the change, which the history records anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.choices import OrganisationKind, Role
from accounts.permissions import is_official

from ..choices import Owner

if TYPE_CHECKING:
    from accounts.models import User

    from ..models import WarningNotice

logger = logging.getLogger(__name__)


def people_affected(notice: WarningNotice, owners: set[str]) -> list[User]:
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
    return sorted((p for p in people.values() if p.email.strip()), key=lambda p: p.username)


def obligations_changed(
    notice: WarningNotice, *, subject: str, lines: Iterable[str], owners: set[str]
) -> int:
    """Email the people affected by a change under `notice` to what `owners` owe, once committed.

    Return how many people will be told.
    """
    if not owners:
        return 0
    people = people_affected(notice, owners)
    if not people:
        return 0
    url = settings.SITE_URL + reverse("intervention:notice_detail", args=[notice.pk])
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
        "",
        _("See it in the tracker: %(url)s") % {"url": url},
    ]
    body = "\n".join(body_lines) + "\n"
    messages = [
        (subject[:300], body, settings.DEFAULT_FROM_EMAIL, [person.email.strip()]) for person in people
    ]

    def send() -> None:
        try:
            send_mass_mail(messages, fail_silently=False)
        except Exception:  # a mail failure must not undo the change; the history holds it
            logger.exception("Telling people about a change to notice %s failed.", notice.pk)

    transaction.on_commit(send, robust=True)
    return len(people)
