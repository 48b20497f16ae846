"""Saying an obligation's status in words, the same way on every page, email and feed."""

from __future__ import annotations

from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..choices import ObligationStatus
from . import status as rules

# One GOV.UK tag colour per status; late is never green.
COLOURS = {
    rules.OVERDUE: "red",
    rules.DUE_TODAY: "orange",
    rules.DUE_SOON: "yellow",
    rules.NOT_DUE: "blue",
    rules.SUBMITTED: "purple",
    rules.MET: "green",
    rules.MET_LATE: "pink",
    rules.NOT_EVIDENCED: "turquoise",
    rules.NOT_REQUIRED: "grey",
}


def _date(day) -> str:
    return dateformat.format(day, "j F Y")


def label(status: rules.Status) -> str:
    """The status's name: Overdue, Met late, ..."""
    return str(ObligationStatus(status.code).label)


def detail(status: rules.Status, *, reviewer: str = "") -> str:
    """Say what the status rests on: the date, and how many working days late or left."""
    code, days, since = status.code, status.working_days, status.since
    if code == rules.OVERDUE:
        return ngettext("%(count)s working day late", "%(count)s working days late", days or 0) % {
            "count": days or 0
        }
    if code == rules.MET_LATE:
        return ngettext(
            "on %(date)s, %(count)s working day late", "on %(date)s, %(count)s working days late", days or 0
        ) % {"date": _date(since), "count": days or 0}
    if code == rules.MET:
        return _("on %(date)s") % {"date": _date(since)}
    if code == rules.DUE_SOON:
        return ngettext("in %(count)s working day", "in %(count)s working days", days or 0) % {
            "count": days or 0
        }
    if code == rules.SUBMITTED:
        who = reviewer or _("Welsh Government")
        return _("with %(reviewer)s for review since %(date)s") % {"reviewer": who, "date": _date(since)}
    if code == rules.NOT_REQUIRED and since:
        return _("from %(date)s") % {"date": _date(since)}
    if code == rules.NOT_EVIDENCED:
        if since:
            return _("the date is not on record; done by %(date)s at the latest") % {"date": _date(since)}
        return _("the date is not on record")
    if code == rules.NOT_DUE and status.due_on is None:
        return _("no date")
    return ""


def sentence(status: rules.Status) -> str:
    """The status and its detail in one phrase: Met late: on 8 December 2017, 18 working days late."""
    more = detail(status)
    return f"{label(status)}: {more}" if more else label(status)
