"""What is owed, as an iCalendar (RFC 5545) feed: one all-day event per due date, with its basis.

icalendar does the escaping and line folding; this module only decides what each event says. The
status in each event comes from obligations/status.py, as on every page.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

import icalendar
from django.utils.translation import gettext as _

from ..calendars import format_date
from ..models import Obligation
from ..obligations import display
from ..obligations import status as rules

PRODID = "-//Statutory intervention tracker//Deadlines//EN"
# Ask calendar apps to look again every hour (Apple and Google read the X- form, RFC 7986 the other).
REFRESH = datetime.timedelta(hours=1)
WEEKEND_REASONS = {"Saturday", "Sunday"}


def obligations_calendar(
    obligations: Iterable[Obligation],
    *,
    name: str,
    host: str,
    notice_url: Callable[[int], str],
    now: datetime.datetime,
) -> bytes:
    """Return the iCalendar text for `obligations` (each with `.status`; those with no date are left out).

    Each event's UID is `obligation-<pk>@<host>`, so a calendar app updates the same event when
    what is owed is met or moved. `notice_url(notice_id)` gives the absolute address of its notice.
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
    for obligation in obligations:
        if obligation.due_on is None:
            continue
        calendar.add_component(_event(obligation, host=host, url=notice_url(obligation.notice_id), now=now))
    return calendar.to_ical()


def _event(obligation: Obligation, *, host: str, url: str, now: datetime.datetime) -> icalendar.Event:
    council = obligation.notice.case.council.name
    status = obligation.status
    event = icalendar.Event()
    event.add("uid", f"obligation-{obligation.pk}@{host}")
    event.add("dtstamp", now)
    event.add("dtstart", obligation.due_on)
    event.add("dtend", obligation.due_on + datetime.timedelta(days=1))
    what = {"council": council, "what": obligation.label, "status": display.label(status).lower()}
    if status.code in rules.OPEN_CODES and status.code != rules.SUBMITTED:
        summary = _("%(council)s: %(what)s") % what
    else:
        summary = _("%(council)s: %(what)s (%(status)s)") % what
    event.add("summary", summary)
    event.add("description", _description(obligation))
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    # Something no longer required binds nobody.
    event.add("status", "CANCELLED" if status.code == rules.NOT_REQUIRED else "CONFIRMED")
    return event


def _description(obligation: Obligation) -> str:
    notice = obligation.notice
    lines = [
        _("Due on %(date)s.") % {"date": format_date(obligation.due_on)},
        _("Owed by: %(owner)s.") % {"owner": obligation.get_owner_display()},
        _("Basis: %(basis)s") % {"basis": obligation.basis},
    ]
    skipped = [day for day in obligation.skipped or [] if isinstance(day, dict) and "date" in day]
    holidays = [day for day in skipped if day.get("reason") not in WEEKEND_REASONS]
    weekend_days = len(skipped) - len(holidays)
    if holidays:
        listed = ", ".join(
            f"{format_date(datetime.date.fromisoformat(day['date']))} ({day['reason']})" for day in holidays
        )
        lines.append(_("Not counted: %(days)s.") % {"days": listed})
    if weekend_days:
        lines.append(_("Weekend days not counted: %(count)s.") % {"count": weekend_days})
    if obligation.previous_due_on:
        lines.append(
            _("Moved from %(old)s because %(why)s")
            % {"old": format_date(obligation.previous_due_on), "why": obligation.due_change_reason}
        )
    lines.append(_("Status: %(status)s.") % {"status": display.sentence(obligation.status)})
    lines.append(
        _("Notice: %(title)s (%(state)s)") % {"title": notice.title, "state": notice.get_state_display()}
    )
    return "\n".join(lines)
