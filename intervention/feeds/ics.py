"""Deadlines as an iCalendar (RFC 5545) feed: one all-day event per deadline, with its basis.

icalendar does the escaping and line folding; this module only decides what each event says.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

import icalendar
from django.utils.translation import gettext as _

from ..calendars import format_date
from ..choices import NoticeState
from ..models import Deadline

PRODID = "-//Statutory intervention tracker//Deadlines//EN"
# Ask calendar apps to look again every hour (Apple and Google read the X- form, RFC 7986 the other).
REFRESH = datetime.timedelta(hours=1)
WEEKEND_REASONS = {"Saturday", "Sunday"}


def deadlines_calendar(
    deadlines: Iterable[Deadline],
    *,
    name: str,
    host: str,
    notice_url: Callable[[int], str],
    now: datetime.datetime,
) -> bytes:
    """Return the iCalendar text for `deadlines`.

    Each event's UID is `deadline-<pk>@<host>`, so a calendar app updates the same event when a
    deadline is met or moved. `notice_url(notice_id)` gives the absolute address of its notice.
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    for deadline in deadlines:
        calendar.add_component(_event(deadline, host=host, url=notice_url(deadline.notice_id), now=now))
    return calendar.to_ical()


def _event(deadline: Deadline, *, host: str, url: str, now: datetime.datetime) -> icalendar.Event:
    notice = deadline.notice
    council = notice.case.council.name
    event = icalendar.Event()
    event.add("uid", f"deadline-{deadline.pk}@{host}")
    event.add("dtstamp", now)
    event.add("dtstart", deadline.due_on)
    event.add("dtend", deadline.due_on + datetime.timedelta(days=1))
    summary = _("%(council)s: %(what)s (met)") if deadline.met_on else _("%(council)s: %(what)s")
    event.add("summary", summary % {"council": council, "what": deadline.label})
    event.add("description", _description(deadline))
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    # A withdrawn notice's deadlines no longer bind anyone.
    event.add("status", "CANCELLED" if notice.state == NoticeState.WITHDRAWN else "CONFIRMED")
    return event


def _description(deadline: Deadline) -> str:
    notice = deadline.notice
    lines = [
        _("Due on %(date)s.") % {"date": format_date(deadline.due_on)},
        _("Basis: %(basis)s") % {"basis": deadline.basis},
    ]
    skipped = [day for day in deadline.skipped or [] if isinstance(day, dict) and "date" in day]
    holidays = [day for day in skipped if day.get("reason") not in WEEKEND_REASONS]
    weekend_days = len(skipped) - len(holidays)
    if holidays:
        listed = ", ".join(
            f"{format_date(datetime.date.fromisoformat(day['date']))} ({day['reason']})" for day in holidays
        )
        lines.append(_("Not counted: %(days)s.") % {"days": listed})
    if weekend_days:
        lines.append(_("Weekend days not counted: %(count)s.") % {"count": weekend_days})
    if deadline.met_on:
        lines.append(_("Met on %(date)s.") % {"date": format_date(deadline.met_on)})
    lines.append(
        _("Notice: %(title)s (%(state)s)") % {"title": notice.title, "state": notice.get_state_display()}
    )
    return "\n".join(lines)
