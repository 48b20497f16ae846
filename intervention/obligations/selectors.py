"""Reading obligations with their status: for pages, dashboards, reminders, feeds and the command.

`with_status` attaches to each obligation the status obligations/status.py derives (the one
place statuses come from). `status_q` selects in SQL exactly the obligations that `derive` gives
a status code on a day, so lists can be filtered, counted and paged in the database;
tests/intervention/test_obligation_selectors.py proves the two agree.

Who sees what is owed: the council's dashboards, reminders and calendar feeds show only what the
council owes; the Welsh Ministers' duties go to Welsh Government officials only (`owed_to_user`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.history import history_page
from accounts.permissions import has_role, is_inspector, is_official

from .. import calendars, selectors
from ..choices import (
    NOTICE_KINDS,
    CaseState,
    DirectionState,
    NoticeState,
    ObligationKind,
    ObligationState,
    ObligationStatus,
    Owner,
)
from ..models import Obligation, Requirement, WarningNotice, facts_of
from . import status as rules

if TYPE_CHECKING:
    from accounts.models import User

RELATED = ("notice__case__council", "requirement", "board_report", "carried_to")


def obligations_for_user(user: User) -> QuerySet[Obligation]:
    """Return the obligations of the notices `user` may see (the one gate: notices_for_user)."""
    visible = selectors.notices_for_user(user).values("pk")
    return Obligation.objects.filter(notice__in=visible).select_related(*RELATED)


def owed_to_user(user: User) -> QuerySet[Obligation]:
    """Return the obligations a person's dashboard, reminders and calendar feed are about.

    A council officer: what their council owes, never the Ministers' duties. An official: all of
    it (they act for the Ministers and follow every council). An inspector: what councils owe.
    """
    obligations = obligations_for_user(user)
    if is_official(user):
        return obligations
    if has_role(user, Role.COUNCIL_OFFICER):
        return obligations.filter(owner=Owner.COUNCIL, notice__case__council_id=user.organisation_id)
    if is_inspector(user):
        return obligations.filter(owner=Owner.COUNCIL)
    return obligations.none()


# Statuses -------------------------------------------------------------------------------------


def with_status(
    obligations: Iterable[Obligation],
    *,
    today: datetime.date,
    calendar: calendars.WorkingCalendar | None = None,
) -> list[Obligation]:
    """Return the obligations, each with `.status` (a status.Status) as derived for `today`."""
    calendar = calendar or calendars.WorkingCalendar()
    found = list(obligations)
    for obligation in found:
        obligation.status = rules.derive(facts_of(obligation), today=today, non_working=calendar)
    return found


def _owed_q(today: datetime.date) -> Q:
    """Owed on `today`: open or returned, or done on a date not on record that does not count yet."""
    not_yet_known = (
        Q(state=ObligationState.NOT_EVIDENCED)
        & (Q(done_by__gt=today) | Q(done_by__isnull=True, due_on__isnull=False))
        & (Q(due_on__isnull=True) | Q(due_on__gt=today))
    )
    return Q(state__in=[ObligationState.OPEN, ObligationState.RETURNED]) | not_yet_known


def status_q(code: str, *, today: datetime.date, soon_until: datetime.date) -> Q:
    """Return the filter selecting the obligations whose status on `today` is `code`.

    `soon_until` is status.due_soon_until(today): the last day that counts as due soon.
    """
    owed = _owed_q(today)
    if code == rules.NOT_REQUIRED:
        return Q(state=ObligationState.NOT_REQUIRED)
    if code == rules.MET:
        return Q(state=ObligationState.MET) & (Q(due_on__isnull=True) | Q(met_on__lte=F("due_on")))
    if code == rules.MET_LATE:
        return Q(state=ObligationState.MET, met_on__gt=F("due_on"))
    if code == rules.NOT_EVIDENCED:
        return Q(state=ObligationState.NOT_EVIDENCED) & (
            Q(done_by__lte=today) | Q(due_on__lte=today) | Q(done_by__isnull=True, due_on__isnull=True)
        )
    if code == rules.SUBMITTED:
        return Q(state=ObligationState.SUBMITTED)
    if code == rules.OVERDUE:
        return (owed & Q(due_on__lt=today)) | Q(state=ObligationState.BREACHED)
    if code == rules.DUE_TODAY:
        return owed & Q(due_on=today)
    if code == rules.DUE_SOON:
        return owed & Q(due_on__gt=today, due_on__lte=soon_until)
    if code == rules.NOT_DUE:
        return owed & (Q(due_on__isnull=True) | Q(due_on__gt=soon_until))
    raise ValueError(f"Unknown status code: {code}")


def open_q(*, today: datetime.date) -> Q:
    """Return the filter selecting the obligations whose status on `today` is open (owed or submitted)."""
    return _owed_q(today) | Q(state__in=[ObligationState.SUBMITTED, ObligationState.BREACHED])


def requirement_statuses(
    requirements: Iterable[Requirement],
    *,
    today: datetime.date,
    calendar: calendars.WorkingCalendar | None = None,
) -> dict[int, rules.Status]:
    """Return each requirement's status: that of what answers it (several: status.series)."""
    requirements = list(requirements)
    by_requirement: dict[int, list[rules.Status]] = defaultdict(list)
    obligations = Obligation.objects.filter(requirement__in=[r.pk for r in requirements])
    for obligation in with_status(obligations, today=today, calendar=calendar):
        by_requirement[obligation.requirement_id].append(obligation.status)
    return {r.pk: rules.series(by_requirement.get(r.pk, [])) for r in requirements}


# Dashboards ------------------------------------------------------------------------------------

DASHBOARD_ROWS = 50


@dataclass
class ObligationGroup:
    key: str
    title: str
    obligations: list[Obligation]
    total: int


def _council_groups() -> list[tuple[str, str]]:
    return [
        (rules.OVERDUE, _("Overdue")),
        (rules.DUE_TODAY, _("Due today")),
        (rules.DUE_SOON, _("Due in the next 5 working days")),
        (rules.SUBMITTED, _("With Welsh Government for review")),
        (rules.NOT_DUE, _("Later, or with no date")),
    ]


def dashboard_groups(
    obligations: QuerySet[Obligation],
    *,
    today: datetime.date,
    codes: Iterable[tuple[str, str]] | None = None,
    calendar: calendars.WorkingCalendar | None = None,
) -> list[ObligationGroup]:
    """Group the open obligations of notices still in force by status: the first rows and the count."""
    calendar = calendar or calendars.WorkingCalendar()
    soon_until = rules.due_soon_until(today, non_working=calendar)
    live = obligations.filter(
        Q(notice__state=NoticeState.ISSUED, kind__in=NOTICE_KINDS)
        | Q(carried_to__state=NoticeState.ISSUED)
        | Q(owner=Owner.MINISTERS)
        | Q(kind=ObligationKind.DIRECTION, direction__state=DirectionState.IN_FORCE)
        | Q(kind=ObligationKind.REPORT_ACTION, notice__case__state=CaseState.OPEN)
    )
    groups = []
    for code, title in codes if codes is not None else _council_groups():
        found = live.filter(status_q(code, today=today, soon_until=soon_until)).order_by(
            "due_on", "notice_id", "position", "id"
        )
        rows = with_status(found[:DASHBOARD_ROWS], today=today, calendar=calendar)
        total = found.count() if len(rows) == DASHBOARD_ROWS else len(rows)
        groups.append(ObligationGroup(key=code, title=title, obligations=rows, total=total))
    return groups


def status_label(code: str) -> str:
    return str(ObligationStatus(code).label)


def history_of(request, obligations: QuerySet[Obligation], *, param: str = "owed_page") -> dict:
    """One page of the history of what is owed (newest first), each row named by what it is about.

    For templates/includes/history.html; a fixed number of queries however many rows.
    """
    names = {o.pk: o.label for o in obligations.select_related("requirement", "board_report", "notice")}
    history = Obligation.history.filter(id__in=list(names))
    return history_page(
        request, history, param=param, subject=lambda record: names.get(record.id, ""), hidden={"position"}
    )


# What is next on each notice (the home pages) ----------------------------------------------------

NEXT_STEP_ROWS = 50
# What comes first when a notice has several things open: the most pressing, then the earliest due.
NEXT_STEP_ORDER = rules.URGENCY


def most_pressing(obligations: Iterable[Obligation]) -> Obligation | None:
    """Return the open obligation to act on first, as status.series ranks them; None if none is open.

    Each obligation carries its status (with_status). Ties keep the order given.
    """
    open_ones = [o for o in obligations if o.status.is_open]
    if not open_ones:
        return None
    pressing = rules.series(o.status for o in open_ones)
    return next(o for o in open_ones if o.status is pressing)


def acts_next(obligation: Obligation) -> str:
    """Return who acts next on an open obligation: Owner.MINISTERS (Welsh Government) or Owner.COUNCIL.

    Welsh Government acts on the Ministers' own duties and on what the council sent for review.
    """
    if obligation.owner == Owner.MINISTERS or obligation.status.code == rules.SUBMITTED:
        return Owner.MINISTERS
    return Owner.COUNCIL


def who_acts(obligation: Obligation) -> str:
    """Name who acts next on an open obligation, for a page: Welsh Government or the council."""
    if obligation.status.code == rules.SUBMITTED:
        return _("Welsh Government, to decide on what was sent")
    if acts_next(obligation) == Owner.MINISTERS:
        return _("Welsh Government")
    return obligation.notice.case.council.name


@dataclass
class NextStep:
    """The next thing owed under a notice in force, and who has to act on it."""

    notice: WarningNotice
    obligation: Obligation | None  # None: nothing is open under the notice

    @property
    def status(self) -> rules.Status | None:
        return self.obligation.status if self.obligation is not None else None

    @property
    def acts(self) -> str:
        """Who acts next: Owner.MINISTERS (Welsh Government) or Owner.COUNCIL.

        Welsh Government acts on its own duties and on what the council submitted for review.
        """
        return acts_next(self.obligation) if self.obligation is not None else ""

    @property
    def acts_label(self) -> str:
        return who_acts(self.obligation) if self.obligation is not None else ""

    @property
    def rank(self) -> tuple:
        if self.status is None:
            return (len(NEXT_STEP_ORDER), datetime.date.max)
        return (NEXT_STEP_ORDER.index(self.status.code), self.status.due_on or datetime.date.max)


def _in_order(obligation: Obligation) -> tuple:
    """The order of a notice's obligations, so that of equally pressing ones the first is chosen."""
    return (obligation.position, obligation.pk)


def next_steps(
    user: User,
    *,
    today: datetime.date,
    calendar: calendars.WorkingCalendar | None = None,
    limit: int = NEXT_STEP_ROWS,
) -> tuple[list[NextStep], int]:
    """Return, for each notice in force `user` follows, its next step (most pressing first), and how many.

    An official: every notice in force, what councils owe and the Ministers' own duties. A council
    officer: their council's notices, what the council owes (Welsh Government acts next on what it
    submitted). Statuses come from obligations/status.py; a fixed number of queries.
    """
    notices = selectors.notices_for_user(user).filter(state=NoticeState.ISSUED)
    if has_role(user, Role.COUNCIL_OFFICER) and not is_official(user):
        notices = notices.filter(case__council_id=user.organisation_id)
    elif not is_official(user):
        return [], 0
    notices = notices.order_by("-given_on", "-id")
    shown = list(notices[:limit])
    total = notices.count() if len(shown) == limit else len(shown)
    if not shown:
        return [], 0
    ids = [notice.pk for notice in shown]
    owed = Obligation.objects.filter(
        Q(notice__in=ids, carried_to__isnull=True) | Q(carried_to__in=ids), kind__in=NOTICE_KINDS
    ).filter(open_q(today=today))
    if not is_official(user):
        owed = owed.filter(owner=Owner.COUNCIL)
    by_notice: dict[int, list[Obligation]] = defaultdict(list)
    for obligation in with_status(owed.select_related(*RELATED), today=today, calendar=calendar):
        if obligation.status.code in NEXT_STEP_ORDER:
            by_notice[obligation.carried_to_id or obligation.notice_id].append(obligation)
    steps = [NextStep(notice, most_pressing(sorted(by_notice[notice.pk], key=_in_order))) for notice in shown]
    steps.sort(key=lambda step: step.rank)
    return steps, total
