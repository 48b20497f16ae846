"""Warning notices: the grounds, the notice itself, its requirements and its deadlines."""

import datetime

import django_fsm as fsm
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organisation
from inspections.models import Finding, Inspection, StatutoryFunction

from .. import permissions
from ..choices import (
    ACTIVE_REQUIREMENT_STATES,
    GIVEN_STATES,
    SETTLED_REQUIREMENT_STATES,
    ComplianceRule,
    DeadlineKind,
    DeadlineUnit,
    NoticeKind,
    NoticeState,
    PlanState,
    RequirementDue,
    RequirementKind,
    RequirementState,
)
from .cases import InterventionCase
from .common import condition


class Ground(models.Model):
    """A ground for intervention under section 150 of the 2014 Act."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("text of the Act"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("ground for intervention")
        verbose_name_plural = _("grounds for intervention")

    def __str__(self) -> str:
        return _("Ground %(number)s") % {"number": self.number}


class WarningNotice(fsm.ConcurrentTransitionMixin, models.Model):
    """A warning notice under s151: its five contents, its deadlines and its requirements."""

    case = models.ForeignKey(
        InterventionCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="notices"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("notice it follows or amends"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followed_by",
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("inspection report it rests on"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="warning_notices",
    )
    title = models.CharField(_("title"), max_length=300)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    minister = models.CharField(_("Minister"), max_length=200, blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    # s151(2)(b): the reasons, per ground, live on NoticeGround; this is the shared preamble.
    reasons_summary = models.TextField(_("summary of reasons"), blank=True)
    failed_functions = models.ManyToManyField(
        StatutoryFunction,
        verbose_name=_("social services functions failed"),
        blank=True,
        related_name="warning_notices",
    )
    # s151(2)(d): the compliance period.
    compliance_rule = models.CharField(
        _("compliance period rule"),
        max_length=20,
        choices=ComplianceRule.choices,
        default=ComplianceRule.WORKING_DAYS,
    )
    compliance_days = models.PositiveSmallIntegerField(_("number of days"), null=True, blank=True)
    compliance_start_on = models.DateField(
        _("counted from"),
        null=True,
        blank=True,
        help_text=_("For example the report's publication date. Empty: the date the notice is given."),
    )
    compliance_fixed_on = models.DateField(_("fixed date"), null=True, blank=True)
    compliance_excludes_christmas_eve = models.BooleanField(
        _("Christmas Eve is not a working day"), default=False
    )
    compliance_description = models.TextField(_("what must be done in the period"), blank=True)
    requires_improvement_plan = models.BooleanField(
        _("an improvement plan is due by the end of the compliance period"), default=True
    )
    board_reports_from = models.DateField(_("first monthly Board report month"), null=True, blank=True)
    board_reports_count = models.PositiveSmallIntegerField(_("number of monthly Board reports"), default=0)
    # s151(2)(e): what the Ministers are minded to do if the council fails.
    minded_to = models.TextField(_("action the Ministers are minded to take"), blank=True)
    minded_to_powers = models.CharField(
        _("powers named"), max_length=100, blank=True, help_text=_("For example ss152-161.")
    )
    given_on = models.DateField(_("given on"), null=True, blank=True)
    announced_on = models.DateField(_("announced on"), null=True, blank=True)
    issued_text = models.TextField(_("text as issued"), blank=True, editable=False)
    laid_on = models.DateField(_("laid before the legislature on"), null=True, blank=True)
    laying_reference = models.CharField(_("laying reference"), max_length=500, blank=True)
    reported_on = models.DateField(_("reported to the legislature on"), null=True, blank=True)
    report_reference = models.CharField(_("report reference"), max_length=500, blank=True)
    closed_reason = models.TextField(_("reason for closing or withdrawing"), blank=True)
    state = fsm.FSMField(
        _("state"),
        max_length=20,
        choices=NoticeState.choices,
        default=NoticeState.DRAFT,
        protected=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[failed_functions])

    class Meta:
        ordering = ["case", "given_on", "id"]
        indexes = [models.Index(fields=["state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=NoticeKind.ORIGINAL, parent__isnull=True)
                | (~Q(kind=NoticeKind.ORIGINAL) & Q(parent__isnull=False)),
                name="notice_parent_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(laid_on__isnull=True) | Q(laid_on__gte=F("given_on")),
                name="notice_laid_after_given",
            ),
            models.CheckConstraint(
                condition=Q(reported_on__isnull=True) | Q(reported_on__gte=F("given_on")),
                name="notice_reported_after_given",
            ),
        ]
        verbose_name = _("warning notice")
        verbose_name_plural = _("warning notices")

    def __str__(self) -> str:
        return self.title

    @property
    def council(self) -> Organisation:
        return self.case.council

    @property
    def is_given(self) -> bool:
        return self.given_on is not None and self.state in GIVEN_STATES

    @condition(_("Choose at least one ground and give the reasons for each."))
    def has_grounds_with_reasons(self) -> bool:
        grounds = list(self.grounds.all())
        return bool(grounds) and all(g.reasons.strip() for g in grounds)

    @condition(_("Add at least one requirement."))
    def has_requirements(self) -> bool:
        return self.requirements.exists()

    @condition(_("Set the compliance period."))
    def has_compliance_period(self) -> bool:
        if self.compliance_rule == ComplianceRule.FIXED_DATE:
            return self.compliance_fixed_on is not None
        return self.compliance_days is not None and self.compliance_days > 0

    @condition(_("Say what the Ministers are minded to do if the council fails."))
    def has_minded_to(self) -> bool:
        return bool(self.minded_to.strip())

    @condition(_("Every requirement must be accepted (or withdrawn) first."))
    def all_requirements_settled(self) -> bool:
        states = list(self.requirements.values_list("state", flat=True))
        return any(s == RequirementState.ACCEPTED for s in states) and all(
            s in SETTLED_REQUIREMENT_STATES for s in states
        )

    @condition(_("The improvement plan must be agreed first."))
    def plan_agreed_if_required(self) -> bool:
        if not self.requires_improvement_plan:
            return True
        from .documents import ImprovementPlan  # defined after the notice, which it refers to

        plan = ImprovementPlan.objects.filter(notice=self).first()
        return plan is not None and plan.state == PlanState.AGREED

    @condition(_("The notice was withdrawn before it was given, so there is nothing to record."))
    def was_given(self) -> bool:
        return self.given_on is not None

    @condition(_("This has already been recorded."))
    def not_yet_laid(self) -> bool:
        return self.laid_on is None

    @condition(_("This has already been recorded."))
    def not_yet_reported(self) -> bool:
        return self.reported_on is None

    @fsm.transition(
        field=state,
        source=NoticeState.DRAFT,
        target=NoticeState.ISSUED,
        conditions=[
            has_grounds_with_reasons,
            has_requirements,
            has_compliance_period,
            has_minded_to,
        ],
        permission=permissions.can_manage_notice,
        custom={"label": _("Issue notice")},
    )
    def issue(self, *, on: datetime.date) -> None:
        """The Welsh Ministers give the notice to the council; its text is fixed from now on."""
        self.given_on = on

    @fsm.transition(
        field=state,
        source=NoticeState.ISSUED,
        target=NoticeState.COMPLIED,
        conditions=[all_requirements_settled, plan_agreed_if_required],
        permission=permissions.can_manage_notice,
        custom={"label": _("Close as complied")},
    )
    def close_as_complied(self, *, closing_reason: str) -> None:
        """Welsh Government is satisfied the council has taken the required action."""
        self.closed_reason = closing_reason

    @fsm.transition(
        field=state,
        source=NoticeState.ISSUED,
        target=NoticeState.ESCALATED,
        permission=permissions.can_manage_notice,
        custom={"label": _("Escalate to intervention")},
    )
    def escalate(self) -> None:
        """The council failed to take the required action; the Ministers move to intervene."""

    @fsm.transition(
        field=state,
        source=[NoticeState.DRAFT, NoticeState.ISSUED],
        target=NoticeState.WITHDRAWN,
        permission=permissions.can_manage_notice,
        custom={"label": _("Withdraw notice")},
    )
    def withdraw(self, *, closing_reason: str) -> None:
        """The Ministers withdraw the notice."""
        self.closed_reason = closing_reason

    @fsm.transition(
        field=state,
        source=GIVEN_STATES,
        target=None,
        conditions=[was_given, not_yet_laid],
        permission=permissions.can_manage_notice,
        custom={"label": _("Record laying before the legislature")},
    )
    def record_laying(self, *, on: datetime.date, reference: str) -> None:
        """A copy of the notice was laid before the legislature (s151(3)(a))."""
        self.laid_on = on
        self.laying_reference = reference

    @fsm.transition(
        field=state,
        source=GIVEN_STATES,
        target=None,
        conditions=[was_given, not_yet_reported],
        permission=permissions.can_manage_notice,
        custom={"label": _("Record the report to the legislature")},
    )
    def record_report(self, *, on: datetime.date, reference: str) -> None:
        """The Ministers reported on the council's action in response (s151(3)(b))."""
        self.reported_on = on
        self.report_reference = reference


class NoticeGround(models.Model):
    """A ground a notice relies on, with the reasons (s151(2)(b)) and the findings they rest on."""

    notice = models.ForeignKey(WarningNotice, on_delete=models.CASCADE, related_name="grounds")
    ground = models.ForeignKey(Ground, verbose_name=_("ground"), on_delete=models.PROTECT)
    reasons = models.TextField(_("reasons the Ministers are satisfied this ground exists"))
    findings = models.ManyToManyField(
        Finding, verbose_name=_("findings relied on"), blank=True, related_name="notice_grounds"
    )
    history = HistoricalRecords(m2m_fields=[findings])

    class Meta:
        ordering = ["notice", "ground__number"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "ground"], name="notice_ground_once"),
        ]
        verbose_name = _("ground relied on")
        verbose_name_plural = _("grounds relied on")

    def __str__(self) -> str:
        return f"{self.notice}: {self.ground}"


class Deadline(models.Model):
    """A computed due date, stored with its basis and the days it skipped, so anyone can check it."""

    notice = models.ForeignKey(WarningNotice, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(_("kind"), max_length=20, choices=DeadlineKind.choices)
    label = models.CharField(_("what is due"), max_length=300)
    start_on = models.DateField(_("counted from"))
    count = models.PositiveSmallIntegerField(_("number of days"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, choices=DeadlineUnit.choices)
    due_on = models.DateField(_("due on"))
    basis = models.CharField(_("basis"), max_length=300)
    skipped = models.JSONField(_("days skipped"), default=list, blank=True)
    met_on = models.DateField(_("met on"), null=True, blank=True)
    created_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["due_on", "met_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "kind"],
                condition=Q(kind__in=["compliance", "laying", "report"]),
                name="one_statutory_deadline_per_notice",
            ),
        ]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")

    def __str__(self) -> str:
        return f"{self.label}: {self.due_on.isoformat()}"

    def is_overdue(self, *, today: datetime.date) -> bool:
        """Return True if not met and the whole of the due date has passed."""
        return self.met_on is None and today > self.due_on

    @property
    def falls_on_ministers(self) -> bool:
        return self.kind in (DeadlineKind.LAYING, DeadlineKind.REPORT)


class Requirement(fsm.ConcurrentTransitionMixin, models.Model):
    """One action the notice requires of the council, (a) to (g) in the Powys notice."""

    notice = models.ForeignKey(WarningNotice, on_delete=models.CASCADE, related_name="requirements")
    letter = models.CharField(_("letter"), max_length=5)
    text = models.TextField(_("requirement"))
    kind = models.CharField(
        _("kind"), max_length=30, choices=RequirementKind.choices, default=RequirementKind.ONE_OFF
    )
    due = models.CharField(
        _("due"), max_length=20, choices=RequirementDue.choices, default=RequirementDue.NONE
    )
    due_on_fixed = models.DateField(_("fixed due date"), null=True, blank=True)
    deadline = models.ForeignKey(
        Deadline,
        verbose_name=_("deadline"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requirements",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    state = fsm.FSMField(
        _("state"),
        max_length=20,
        choices=RequirementState.choices,
        default=RequirementState.OPEN,
        protected=True,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["notice", "position", "letter"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "letter"], name="requirement_letter_unique"),
            models.CheckConstraint(
                condition=~Q(due="fixed") | Q(due_on_fixed__isnull=False),
                name="requirement_fixed_due_has_date",
            ),
        ]
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")

    def __str__(self) -> str:
        return f"({self.letter}) {self.text[:80]}"

    @condition(_("The notice is not in force, so this cannot be done."))
    def notice_in_force(self) -> bool:
        return self.notice.state == NoticeState.ISSUED

    @condition(_("Only a continuing condition can be breached."))
    def is_continuing_condition(self) -> bool:
        return self.kind == RequirementKind.CONTINUING_CONDITION

    @fsm.transition(
        field=state,
        source=[RequirementState.OPEN, RequirementState.RETURNED],
        target=RequirementState.SUBMITTED,
        conditions=[notice_in_force],
        permission=permissions.can_submit_requirement,
        custom={"label": _("Submit evidence")},
    )
    def submit(self) -> None:
        """The council says the requirement is met and submits its evidence for review."""

    @fsm.transition(
        field=state,
        source=RequirementState.SUBMITTED,
        target=RequirementState.ACCEPTED,
        conditions=[notice_in_force],
        permission=permissions.can_decide_requirement,
        custom={"label": _("Accept")},
    )
    def accept(self) -> None:
        """Welsh Government is satisfied the requirement is met."""

    @fsm.transition(
        field=state,
        source=RequirementState.SUBMITTED,
        target=RequirementState.RETURNED,
        conditions=[notice_in_force],
        permission=permissions.can_decide_requirement,
        custom={"label": _("Return to the council")},
    )
    def return_to_council(self) -> None:
        """Welsh Government is not yet satisfied and says why; the council may resubmit."""

    @fsm.transition(
        field=state,
        source=[RequirementState.OPEN, RequirementState.RETURNED],
        target=RequirementState.WITHDRAWN,
        conditions=[notice_in_force],
        permission=permissions.can_decide_requirement,
        custom={"label": _("Withdraw requirement")},
    )
    def withdraw(self) -> None:
        """Welsh Government no longer requires this action."""

    @fsm.transition(
        field=state,
        source=ACTIVE_REQUIREMENT_STATES,
        target=RequirementState.BREACHED,
        conditions=[notice_in_force, is_continuing_condition],
        permission=permissions.can_decide_requirement,
        custom={"label": _("Record a breach")},
    )
    def record_breach(self) -> None:
        """A continuing condition, such as (g), was broken during the period."""
