"""Obligations: everything owed under a notice, by whom, by when, and what is recorded about it.

One row per thing owed: each requirement the council answers with evidence, the improvement plan
(which is also the requirement that asks for it, such as (d)), the plan's agreement with the
Improvement Board (such as (e)), each monthly Board report (such as (c)), and the Welsh
Ministers' own duties to lay the notice and to report on it. Each has one owner, one due date
with its basis (or none, with the reason), and one state machine recording what happened; its
status on any day (overdue, met late, ...) is derived from these by obligations/status.py alone.

Every change records the date it took effect in the world (`changed_on`), so the history rows
rebuild the obligation as it stood on any past day (asat/).
"""

from __future__ import annotations

import datetime

import django_fsm as fsm
from django.db import models
from django.db.models import Q
from django.utils import dateformat
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from inspections.models import Inspection

from .. import permissions
from ..choices import (
    LIVE_STATES,
    MINISTERS_KINDS,
    CaseState,
    DeadlineUnit,
    DirectionState,
    NoDateReason,
    NoticeState,
    ObligationKind,
    ObligationState,
    Owner,
    RequirementKind,
)
from ..obligations import status as status_rules
from .common import condition, legislature_name
from .documents import BoardReport
from .notices import Requirement, WarningNotice

OWED = [ObligationState.OPEN, ObligationState.RETURNED]


class Obligation(fsm.ConcurrentTransitionMixin, models.Model):
    """One thing owed under a notice: who owes it, by when, and what is recorded about it."""

    notice = models.ForeignKey(
        WarningNotice, verbose_name=_("notice"), on_delete=models.PROTECT, related_name="obligations"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ObligationKind.choices)
    owner = models.CharField(_("owed by"), max_length=20, choices=Owner.choices)
    # The requirement of the notice this answers, if any: (d) for the improvement plan, say.
    requirement = models.ForeignKey(
        Requirement,
        verbose_name=_("requirement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="obligations",
    )
    board_report = models.OneToOneField(
        BoardReport,
        verbose_name=_("Board report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="obligation",
    )
    # What a direction requires, or what an inspection report asks by a date (kinds direction and
    # report_action): the direction or report it comes from, and its words.
    direction = models.ForeignKey(
        "intervention.Direction",
        verbose_name=_("direction"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="obligations",
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection report"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="obligations",
    )
    description = models.TextField(_("what is required"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    opened_on = models.DateField(_("owed from"), help_text=_("The day it became owed."))
    # A follow-up notice may carry an open obligation of the notice it supersedes.
    carried_to = models.ForeignKey(
        WarningNotice,
        verbose_name=_("carried over to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_obligations",
    )

    # The due date, with everything needed to check it and to work it out again.
    unit = models.CharField(_("how the date is set"), max_length=20, choices=DeadlineUnit.choices, blank=True)
    no_date_reason = models.CharField(
        _("why there is no date"), max_length=20, choices=NoDateReason.choices, blank=True
    )
    start_on = models.DateField(_("counted from"), null=True, blank=True)
    count = models.PositiveSmallIntegerField(_("number of days"), null=True, blank=True)
    excludes_christmas_eve = models.BooleanField(_("Christmas Eve is not a working day"), default=False)
    follows_compliance_period = models.BooleanField(
        _("due by the end of the compliance period"),
        default=False,
        help_text=_("Moves when the compliance period is extended."),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    basis = models.CharField(_("basis"), max_length=300, blank=True)
    skipped = models.JSONField(_("days skipped"), default=list, blank=True)
    previous_due_on = models.DateField(_("moved from"), null=True, blank=True)
    due_change_reason = models.TextField(_("why the date moved"), blank=True)

    # What is recorded (set only by the transitions below).
    state = fsm.FSMField(
        _("state"),
        max_length=20,
        choices=ObligationState.choices,
        default=ObligationState.OPEN,
        protected=True,
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    met_on = models.DateField(_("met on"), null=True, blank=True)
    done_by = models.DateField(
        _("known done by"),
        null=True,
        blank=True,
        help_text=_("Done on a date not on record: the latest day a source shows it had been done by."),
    )
    not_required_on = models.DateField(_("not required from"), null=True, blank=True)
    breached_on = models.DateField(_("breached on"), null=True, blank=True)
    source = models.CharField(
        _("source"),
        max_length=500,
        blank=True,
        help_text=_("Where the fact is recorded: a reference or link."),
    )
    settled_reason = models.TextField(_("reason"), blank=True)
    # The day the latest change took effect in the world (not the day it was recorded).
    changed_on = models.DateField(_("changed on"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["notice", "position", "id"]
        indexes = [
            models.Index(fields=["state", "due_on"], name="obligation_state_due"),
            models.Index(fields=["notice", "state"], name="obligation_notice_state"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "kind"],
                condition=Q(
                    kind__in=[
                        ObligationKind.IMPROVEMENT_PLAN,
                        ObligationKind.PLAN_AGREEMENT,
                        ObligationKind.LAYING,
                        ObligationKind.LEGISLATURE_REPORT,
                    ]
                ),
                name="obligation_once_per_notice",
            ),
            models.UniqueConstraint(
                fields=["requirement"],
                condition=Q(kind=ObligationKind.REQUIREMENT),
                name="obligation_once_per_requirement",
            ),
            models.CheckConstraint(
                condition=Q(owner=Owner.MINISTERS, kind__in=MINISTERS_KINDS)
                | (Q(owner=Owner.COUNCIL) & ~Q(kind__in=MINISTERS_KINDS)),
                name="obligation_owner_matches_kind",
            ),
            models.CheckConstraint(
                condition=(Q(unit="") & Q(due_on__isnull=True) & ~Q(no_date_reason=""))
                | (~Q(unit="") & Q(due_on__isnull=False) & Q(no_date_reason="")),
                name="obligation_due_date_or_reason",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ObligationKind.DIRECTION)
                | (Q(direction__isnull=False) & ~Q(description="")),
                name="obligation_direction_has_words",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ObligationKind.REPORT_ACTION)
                | (Q(inspection__isnull=False) & ~Q(description="")),
                name="obligation_report_action_has_words",
            ),
            models.CheckConstraint(
                condition=~Q(state=ObligationState.MET) | Q(met_on__isnull=False),
                name="obligation_met_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(state=ObligationState.SUBMITTED) | Q(submitted_on__isnull=False),
                name="obligation_submitted_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(state=ObligationState.NOT_EVIDENCED) | ~Q(source=""),
                name="obligation_not_evidenced_has_source",
            ),
            models.CheckConstraint(
                condition=~Q(state=ObligationState.NOT_REQUIRED) | Q(not_required_on__isnull=False),
                name="obligation_not_required_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(state=ObligationState.BREACHED) | Q(breached_on__isnull=False),
                name="obligation_breached_has_date",
            ),
        ]
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """Name what is owed in a few words, in the reader's language (needs requirement, report, notice)."""
        return obligation_label(self)

    @property
    def council_id(self) -> int:
        return self.notice.case.council_id

    @property
    def governing_notice(self) -> WarningNotice:
        """The notice it is owed under now: the follow-up it was carried over to, or its own."""
        return self.carried_to if self.carried_to_id else self.notice

    @property
    def is_ministers(self) -> bool:
        return self.owner == Owner.MINISTERS

    @property
    def has_due_date(self) -> bool:
        return self.due_on is not None

    @property
    def skipped_days(self) -> list[tuple[datetime.date, str]]:
        """The days the due date's count skipped, each with its reason unless it is a weekend day."""
        return [
            (
                datetime.date.fromisoformat(day["date"]),
                "" if day.get("reason") in ("Saturday", "Sunday") else day.get("reason", ""),
            )
            for day in self.skipped or []
            if isinstance(day, dict) and "date" in day
        ]

    def facts(self) -> status_rules.Facts:
        """Return what is recorded now, for obligations/status.py."""
        return facts_of(self)

    # Conditions -------------------------------------------------------------------------------

    @condition(_("The notice is not in force, so this cannot be done."))
    def notice_in_force(self) -> bool:
        """The council's work under a notice happens while the notice it is owed under is in force."""
        if self.owner == Owner.MINISTERS:
            return self.notice.given_on is not None
        if self.kind in (ObligationKind.DIRECTION, ObligationKind.REPORT_ACTION):
            return True  # their own conditions below
        return self.governing_notice.state == NoticeState.ISSUED

    @condition(_("The direction is not in force, so this cannot be done."))
    def direction_in_force(self) -> bool:
        """What a direction requires is owed while the direction is in force."""
        return self.kind != ObligationKind.DIRECTION or self.direction.state == DirectionState.IN_FORCE

    @condition(_("The case is closed, so this cannot be done."))
    def case_open(self) -> bool:
        """What an inspection report asks of the council is owed while the case is open."""
        return self.kind != ObligationKind.REPORT_ACTION or self.notice.case.state == CaseState.OPEN

    @condition(_("This is met by a document, not by evidence: send the document instead."))
    def answered_by_evidence(self) -> bool:
        return self.kind == ObligationKind.REQUIREMENT

    @condition(
        _("The improvement plan must be submitted, and not returned, before its agreement is recorded.")
    )
    def plan_submitted_if_agreement(self) -> bool:
        if self.kind != ObligationKind.PLAN_AGREEMENT:
            return True
        return self.notice.obligations.filter(
            kind=ObligationKind.IMPROVEMENT_PLAN, state=ObligationState.MET
        ).exists()

    @condition(_("Only an improvement plan whose agreement is not recorded can be returned."))
    def is_plan_not_agreed(self) -> bool:
        if self.kind != ObligationKind.IMPROVEMENT_PLAN:
            return False
        return not self.notice.obligations.filter(
            kind=ObligationKind.PLAN_AGREEMENT, state=ObligationState.MET
        ).exists()

    @condition(_("Only a month's Board report can be put back in the schedule."))
    def is_scheduled_report(self) -> bool:
        return self.kind == ObligationKind.BOARD_REPORT and self.board_report_id is not None

    @condition(_("The requirement this answers was withdrawn."))
    def requirement_not_withdrawn(self) -> bool:
        return self.requirement_id is None or self.requirement.withdrawn_on is None

    @condition(_("Only a continuing condition can be breached."))
    def is_continuing_condition(self) -> bool:
        return (
            self.requirement_id is not None and self.requirement.kind == RequirementKind.CONTINUING_CONDITION
        )

    # Transitions ------------------------------------------------------------------------------

    @fsm.transition(
        field=state,
        source=OWED,
        target=ObligationState.SUBMITTED,
        conditions=[answered_by_evidence, notice_in_force, direction_in_force, case_open],
        permission=permissions.can_submit_evidence,
        custom={"label": _("Submit evidence")},
    )
    def submit(self, *, on: datetime.date) -> None:
        """The council says the requirement is met and sends its evidence for review."""
        self.submitted_on = on
        self.changed_on = on

    @fsm.transition(
        field=state,
        source=ObligationState.SUBMITTED,
        target=ObligationState.MET,
        conditions=[notice_in_force, direction_in_force, case_open],
        permission=permissions.can_review_obligation,
        custom={"label": _("Accept")},
    )
    def accept(self, *, on: datetime.date, met_on: datetime.date) -> None:
        """Welsh Government is satisfied; it was met on the day the accepted evidence came in."""
        self.met_on = met_on
        self.changed_on = on

    @fsm.transition(
        field=state,
        source=ObligationState.SUBMITTED,
        target=ObligationState.RETURNED,
        conditions=[notice_in_force, direction_in_force, case_open],
        permission=permissions.can_review_obligation,
        custom={"label": _("Return to the council")},
    )
    def return_to_owner(self, *, on: datetime.date) -> None:
        """Welsh Government is not yet satisfied and says why; it is owed again."""
        self.submitted_on = None
        self.changed_on = on

    @fsm.transition(
        field=state,
        source=OWED,
        target=ObligationState.MET,
        conditions=[notice_in_force, direction_in_force, case_open, plan_submitted_if_agreement],
        permission=permissions.can_meet_obligation,
        custom={"label": _("Record as done")},
    )
    def meet(self, *, on: datetime.date, source: str = "") -> None:
        """It was done on `on`: a document sent, the Board's agreement, a duty carried out."""
        self.met_on = on
        self.source = source
        self.changed_on = on

    @fsm.transition(
        field=state,
        source=OWED,
        target=ObligationState.NOT_EVIDENCED,
        conditions=[plan_submitted_if_agreement],
        permission=permissions.can_settle_obligation,
        custom={"label": _("Record as done, date not evidenced")},
    )
    def record_not_evidenced(self, *, on: datetime.date, done_by: datetime.date | None, source: str) -> None:
        """It was done, but when is not on record; `done_by` is the latest day a source shows it done by.

        Recorded on `on`, but dated from the day it became owed: the record says nothing of when
        within that time (obligations/status.py never shows it as overdue).
        """
        self.done_by = done_by
        self.source = source
        self.changed_on = self.opened_on

    @fsm.transition(
        field=state,
        source=ObligationState.MET,
        target=ObligationState.OPEN,
        conditions=[is_plan_not_agreed, notice_in_force, direction_in_force, case_open],
        permission=permissions.can_settle_obligation,
        custom={"label": _("Return plan to the council")},
    )
    def reopen(self, *, on: datetime.date) -> None:
        """Welsh Government asks for a revised plan: it is owed again until resubmitted."""
        self.met_on = None
        self.changed_on = on

    @fsm.transition(
        field=state,
        source=LIVE_STATES,
        target=ObligationState.NOT_REQUIRED,
        permission=permissions.can_settle_obligation,
        custom={"label": _("No longer required")},
    )
    def release(self, *, on: datetime.date, why: str) -> None:
        """It is no longer required: withdrawn, varied out, superseded, or the notice ended."""
        self.not_required_on = on
        self.settled_reason = why
        self.changed_on = on

    @fsm.transition(
        field=state,
        source=ObligationState.NOT_REQUIRED,
        target=ObligationState.OPEN,
        conditions=[
            is_scheduled_report,
            requirement_not_withdrawn,
            notice_in_force,
            direction_in_force,
            case_open,
        ],
        permission=permissions.can_settle_obligation,
        custom={"label": _("Put back in the schedule")},
    )
    def reinstate(self, *, on: datetime.date) -> None:
        """A month's Board report taken out of the schedule is put back in it."""
        self.not_required_on = None
        self.settled_reason = ""
        self.changed_on = on

    @fsm.transition(
        field=state,
        source=[ObligationState.OPEN, ObligationState.SUBMITTED, ObligationState.RETURNED],
        target=ObligationState.BREACHED,
        conditions=[is_continuing_condition, notice_in_force, direction_in_force, case_open],
        permission=permissions.can_settle_obligation,
        custom={"label": _("Record a breach")},
    )
    def breach(self, *, on: datetime.date, why: str) -> None:
        """A continuing condition, such as (g), was broken."""
        self.breached_on = on
        self.submitted_on = None
        self.settled_reason = why
        self.changed_on = on


def obligation_label(row) -> str:
    """Name what an obligation (or one of its history rows) owes, in a few words."""
    if row.kind == ObligationKind.DIRECTION:
        return str(_("Direction: %(words)s") % {"words": _short(row.description)})
    if row.kind == ObligationKind.REPORT_ACTION:
        return str(_("Inspection report: %(words)s") % {"words": _short(row.description)})
    requirement = row.requirement if row.requirement_id else None
    letter = {"letter": requirement.letter} if requirement else {}
    if row.kind == ObligationKind.REQUIREMENT:
        return str(_("Requirement (%(letter)s)") % letter)
    if row.kind == ObligationKind.IMPROVEMENT_PLAN:
        if requirement:
            return str(_("Improvement plan (requirement (%(letter)s))") % letter)
        return str(_("Improvement plan"))
    if row.kind == ObligationKind.PLAN_AGREEMENT:
        if requirement:
            return str(
                _("Agreement of the improvement plan with the Improvement Board (requirement (%(letter)s))")
                % letter
            )
        return str(_("Agreement of the improvement plan with the Improvement Board"))
    if row.kind == ObligationKind.BOARD_REPORT:
        if row.board_report_id is None:
            text = _("Monthly Improvement Board reports: no schedule set")
        else:
            text = _("Improvement Board report for %(month)s") % {
                "month": dateformat.format(row.board_report.month, "F Y")
            }
        return str(f"{text} ({_('requirement (%(letter)s)') % letter})" if requirement else text)
    # Named as the legislature was called when the duty was done (or, until then, when it is due).
    legislature = legislature_name(row.met_on or row.due_on or row.opened_on)
    if row.kind == ObligationKind.LAYING:
        return str(
            _("Lay a copy of the notice before %(legislature)s (s151(3)(a))") % {"legislature": legislature}
        )
    return str(
        _("Report to %(legislature)s on the council's action (s151(3)(b))") % {"legislature": legislature}
    )


def _short(words: str, limit: int = 90) -> str:
    words = " ".join(words.split())
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "\u2026"


def facts_of(row) -> status_rules.Facts:
    """Return the facts of an obligation or of one of its history rows."""
    return status_rules.Facts(
        state=row.state,
        due_on=row.due_on,
        submitted_on=row.submitted_on,
        met_on=row.met_on,
        done_by=row.done_by,
        not_required_on=row.not_required_on,
        breached_on=row.breached_on,
    )
