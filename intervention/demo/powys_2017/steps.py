"""The case's events in the order of their days, and loading them all at once."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from accounts.models import Organisation
from intervention.models import InterventionCase

from . import monitoring, notices
from .notices import CASE_TITLE, d
from .people import ensure_reference_history, ensure_requirement_template, ensure_users


@dataclass
class Step:
    """One event of the case: the day it belongs to, and the services call that records it."""

    on: datetime.date
    what: str
    record: Callable[[dict], None]


def steps() -> list[Step]:
    """Return the case's events in the order of the days they belong to.

    A date the source gives only to the month is recorded on the month's last day (by then it
    had happened). A duty done on a day no source gives is recorded on the day it became owed, or,
    where a source shows it done by a day, on that day: so the case as it stood shows it the same
    way on every day, and never as overdue.
    """
    return [
        Step(
            d("2017-07-17"),
            "inspection planned; site visits in the weeks commencing 17 and 31 July",
            notices.inspect,
        ),
        Step(d("2017-09-05"), "draft report sent to the council", notices.draft_report),
        Step(
            d("2017-10-17"),
            "report published (its serious concerns escalated); case opened",
            notices.publish_and_open_case,
        ),
        Step(d("2017-10-17"), "warning notice given; the Minister's statement", notices.give_notice),
        Step(d("2017-10-17"), "laying done, date not evidenced", notices.record_laying),
        Step(d("2017-10-19"), "report to the full County Council", notices.report_to_council),
        Step(d("2017-11-13"), "improvement plan submitted", notices.submit_plan),
        Step(d("2017-11-14"), "the Leader asks for statutory support", notices.leader_asks_for_support),
        Step(
            d("2017-11-21"),
            "the Ministers' update: (a), (b), the Board and the interim Director",
            notices.ministers_update,
        ),
        Step(d("2017-12-31"), "Sean Harriss appointed (December 2017)", notices.harriss_appointed),
        Step(
            d("2018-01-04"),
            "the December 2017 monitoring visit's findings letter",
            notices.monitoring_visit_letter,
        ),
        Step(d("2018-01-15"), "90-day report; (e) agreed by then", notices.ninety_day_report),
        Step(d("2018-01-15"), "follow-up warning notice given", notices.give_follow_up),
        Step(d("2018-01-15"), "follow-up notice laid, date not evidenced", notices.record_follow_up_laying),
        Step(d("2018-01-23"), "revised improvement plan submitted", notices.submit_revised_plan),
        Step(
            d("2018-02-14"),
            "the Ministers' statement on an Improvement and Assurance Board",
            monitoring.assurance_board_announced,
        ),
        Step(
            d("2018-03-31"),
            "Improvement and Assurance Board established; monitoring visit (March 2018)",
            monitoring.assurance_board_established,
        ),
        Step(
            d("2018-04-16"),
            "90-day report on the follow-up notice; addendum issued",
            monitoring.follow_up_report_and_addendum,
        ),
        Step(
            d("2018-05-01"),
            "adult services report; statement on corporate support",
            monitoring.adult_services_report,
        ),
        Step(
            d("2019-01-09"),
            "follow-up inspection report published; plan review",
            monitoring.follow_up_inspection_published,
        ),
        Step(
            d("2019-09-30"),
            "education added to the Board's remit (September 2019)",
            monitoring.education_added,
        ),
        Step(
            d("2020-03-31"),
            "interim assurance review; external review of the Board (March 2020)",
            monitoring.reviews_of_march_2020,
        ),
        Step(
            d("2020-07-31"),
            "move from the statutory Board agreed (July 2020)",
            monitoring.statutory_board_to_end,
        ),
        Step(d("2020-10-09"), "improvement conference", monitoring.improvement_conference),
        Step(
            d("2020-10-29"),
            "performance evaluation inspection: enhanced monitoring no longer required",
            monitoring.monitoring_no_longer_required,
        ),
        Step(d("2020-11-02"), "enhanced monitoring removed: the case closed", monitoring.case_closed),
    ]


def load() -> bool:
    """Load the case; return False (and change nothing) if it is already there."""
    powys = Organisation.objects.get(code="powys")
    if InterventionCase.objects.filter(council=powys, title=CASE_TITLE).exists():
        return False
    people = ensure_users()
    ensure_reference_history(people["admin"])
    ensure_requirement_template(people["admin"])
    state = {"people": people, "powys": powys}
    for step in steps():
        step.record(state)
    return True
