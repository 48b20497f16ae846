"""Warning notices: the grounds, the notice itself, its requirements and how an addendum varies them."""

import datetime

import django_fsm as fsm
from django.db import models
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organisation
from inspections.models import Finding, Inspection, StatutoryFunction

from .. import permissions
from ..choices import (
    ENDED_STATES,
    GIVEN_STATES,
    LIVE_STATES,
    ComplianceRule,
    NoticeKind,
    NoticeState,
    ObligationKind,
    ObligationState,
    Owner,
    RequirementAnswer,
    RequirementDue,
    RequirementKind,
    VariationAction,
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


# The most monthly Board reports a notice's schedule can name (longer: "until the notice ends").
MAX_BOARD_REPORTS = 36


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
    # The failed functions in the order the notice lists them, (i), (ii)...: their primary keys.
    failed_functions_order = models.JSONField(
        _("order of the failed functions"), default=list, blank=True, editable=False
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
    # The end of the compliance period, worked out when the notice is given (and moved by an extension).
    compliance_ends_on = models.DateField(_("compliance period ends on"), null=True, blank=True)
    compliance_basis = models.CharField(_("how the end was worked out"), max_length=300, blank=True)
    compliance_extended = models.BooleanField(
        _("extended by a decision"),
        default=False,
        help_text=_("Once extended, the period ends on the date decided, whatever the calendar."),
    )
    # The Board report schedule, as the notice's terms set it: none, a number of months, or monthly
    # until the notice ends. No report is expected that the schedule does not name.
    board_reports_from = models.DateField(_("first monthly Board report month"), null=True, blank=True)
    board_reports_count = models.PositiveSmallIntegerField(_("number of monthly Board reports"), default=0)
    board_reports_until_end = models.BooleanField(
        _("monthly Board reports until the notice ends"), default=False
    )
    # s151(3) applies to an original notice and a follow-up; whether it applies to an addendum is
    # unverified (shared/domain.md, section 7), so for an addendum the official says.
    ministers_duties_apply = models.BooleanField(
        _("the Ministers' duties under s151(3) apply"),
        default=True,
        help_text=_("Whether s151(3) applies to an addendum is unverified."),
    )
    # s151(2)(e): what the Ministers are minded to do if the council fails.
    minded_to = models.TextField(_("action the Ministers are minded to take"), blank=True)
    minded_to_powers = models.CharField(
        _("powers named"), max_length=100, blank=True, help_text=_("For example ss152-161.")
    )
    given_on = models.DateField(_("given on"), null=True, blank=True)
    announced_on = models.DateField(_("announced on"), null=True, blank=True)
    issued_text = models.TextField(_("text as issued"), blank=True, editable=False)
    closed_reason = models.TextField(_("reason for closing or withdrawing"), blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
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
                condition=Q(ended_on__isnull=True)
                | Q(given_on__isnull=True)
                | Q(ended_on__gte=F("given_on")),
                name="notice_ended_after_given",
            ),
            models.CheckConstraint(
                condition=Q(board_reports_count=0) | Q(board_reports_until_end=False),
                name="notice_board_schedule_count_or_until_end",
            ),
        ]
        verbose_name = _("warning notice")
        verbose_name_plural = _("warning notices")

    def __str__(self) -> str:
        return self.title

    def failed_functions_in_order(self) -> list[StatutoryFunction]:
        """Return the failed functions in the order the notice lists them."""
        order = {pk: index for index, pk in enumerate(self.failed_functions_order or [])}
        functions = list(self.failed_functions.all())
        return sorted(functions, key=lambda f: (order.get(f.pk, len(order)), f.code))

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

    @property
    def is_addendum(self) -> bool:
        return self.kind == NoticeKind.ADDENDUM

    @property
    def has_board_report_schedule(self) -> bool:
        return self.board_reports_from is not None and (
            self.board_reports_count > 0 or self.board_reports_until_end
        )

    @condition(_("Add at least one requirement."))
    def has_requirements(self) -> bool:
        if self.is_addendum:
            return self.requirements.exists() or self.variations.exists()
        return self.requirements.exists()

    def sets_compliance_period(self) -> bool:
        """Return True if the notice's terms say when the compliance period ends."""
        if self.compliance_rule == ComplianceRule.FIXED_DATE:
            return self.compliance_fixed_on is not None
        return self.compliance_days is not None and self.compliance_days > 0

    @condition(_("The notice sets no compliance period, so there is none to extend."))
    def has_compliance_end(self) -> bool:
        return self.compliance_ends_on is not None

    @condition(_("Set the compliance period."))
    def has_compliance_period(self) -> bool:
        if self.is_addendum and not self.requirements.filter(due=RequirementDue.COMPLIANCE_PERIOD).exists():
            return True  # an addendum may vary or add requirements without a period of its own
        return self.sets_compliance_period()

    @condition(_("Say what the Ministers are minded to do if the council fails."))
    def has_minded_to(self) -> bool:
        return self.is_addendum or bool(self.minded_to.strip())

    @condition(_("Choose at least one ground and give the reasons for each."))
    def has_grounds_if_notice(self) -> bool:
        return self.is_addendum or self.has_grounds_with_reasons()

    @condition(
        _("Say what happens to each open obligation of the notice this one follows: carried over, or closed.")
    )
    def carry_over_decided(self) -> bool:
        if self.kind != NoticeKind.FOLLOW_UP:
            return True
        from .obligations import Obligation  # defined after the notice, which it refers to

        open_ones = Obligation.objects.filter(
            self.parent.owed_q(), state__in=LIVE_STATES, owner=Owner.COUNCIL
        )
        return not open_ones.exclude(carry_over_decisions__follow_up=self).exists()

    @condition(_("The notice this one follows or amends must be in force."))
    def parent_in_force(self) -> bool:
        return self.parent_id is None or self.parent.state == NoticeState.ISSUED

    @condition(
        _(
            "Every obligation of the council must be met or no longer required first, and at least one "
            "met (Board reports not yet due are released when the notice closes)."
        )
    )
    def council_obligations_settled(self) -> bool:
        from .obligations import Obligation

        # Checked when the official closes the notice, so "not yet due" is as of that day.
        future_reports = Q(kind=ObligationKind.BOARD_REPORT, state=ObligationState.OPEN) & (
            Q(due_on__isnull=True) | Q(due_on__gte=timezone.localdate())
        )
        counts = Obligation.objects.filter(self.owed_q(), owner=Owner.COUNCIL).aggregate(
            done=Count("pk", filter=Q(state__in=[ObligationState.MET, ObligationState.NOT_EVIDENCED])),
            owed=Count("pk", filter=Q(state__in=LIVE_STATES) & ~future_reports),
        )
        return counts["done"] > 0 and counts["owed"] == 0

    @fsm.transition(
        field=state,
        source=NoticeState.DRAFT,
        target=NoticeState.ISSUED,
        conditions=[
            has_grounds_if_notice,
            has_requirements,
            has_compliance_period,
            has_minded_to,
            parent_in_force,
            carry_over_decided,
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
        conditions=[council_obligations_settled],
        permission=permissions.can_manage_notice,
        custom={"label": _("Close as complied")},
    )
    def close_as_complied(self, *, on: datetime.date, closing_reason: str) -> None:
        """Welsh Government is satisfied the council has taken the required action."""
        self.closed_reason = closing_reason
        self.ended_on = on

    @condition(_("An addendum is part of the notice it amends: record the determination on that notice."))
    def is_not_addendum(self) -> bool:
        return not self.is_addendum

    @condition(
        _(
            "The compliance period has not ended, so the power to intervene cannot have arisen yet "
            "(s152): it can be determined from the day after the period ends."
        )
    )
    def compliance_period_over(self) -> bool:
        return self.compliance_ends_on is not None and self.compliance_ends_on < timezone.localdate()

    @fsm.transition(
        field=state,
        source=NoticeState.ISSUED,
        target=NoticeState.ESCALATED,
        conditions=[is_not_addendum, compliance_period_over],
        permission=permissions.can_manage_notice,
        custom={"label": _("Determine that the power to intervene has arisen")},
    )
    def escalate(self, *, on: datetime.date) -> None:
        """The council failed to take the required action; the Ministers move to intervene."""
        self.ended_on = on

    @fsm.transition(
        field=state,
        source=[NoticeState.DRAFT, NoticeState.ISSUED],
        target=NoticeState.WITHDRAWN,
        permission=permissions.can_manage_notice,
        custom={"label": _("Withdraw notice")},
    )
    def withdraw(self, *, on: datetime.date, closing_reason: str) -> None:
        """The Ministers withdraw the notice."""
        self.closed_reason = closing_reason
        self.ended_on = on if self.given_on else None

    @fsm.transition(
        field=state,
        source=NoticeState.ISSUED,
        target=None,
        conditions=[has_compliance_end],
        permission=permissions.can_manage_notice,
        custom={"label": _("Extend the compliance period")},
    )
    def extend_compliance_period(self, *, ends_on: datetime.date, basis: str) -> None:
        """The Ministers give the council longer: the period now ends on the date decided."""
        self.compliance_ends_on = ends_on
        self.compliance_basis = basis
        self.compliance_extended = True

    @fsm.transition(
        field=state,
        source=NoticeState.ISSUED,
        target=None,
        permission=permissions.can_manage_notice,
        custom={"label": _("Change the Board report schedule")},
    )
    def change_board_report_schedule(
        self, *, first_month: datetime.date | None, count: int, until_end: bool
    ) -> None:
        """The Ministers change when the Improvement Board reports are due."""
        self.board_reports_from = first_month
        self.board_reports_count = count
        self.board_reports_until_end = until_end

    @fsm.transition(
        field=state,
        source=NoticeState.ISSUED,
        target=NoticeState.SUPERSEDED,
        permission=permissions.can_manage_notice,
        custom={"label": _("Superseded by a follow-up notice")},
    )
    def supersede(self, *, on: datetime.date, closing_reason: str) -> None:
        """A follow-up notice is given in its place."""
        self.closed_reason = closing_reason
        self.ended_on = on

    @condition(_("A notice ends with its case only when the Welsh Ministers close the case."))
    def case_closing(self) -> bool:
        return getattr(self, "_case_closing", False)

    @fsm.transition(
        field=state,
        source=NoticeState.ISSUED,
        target=NoticeState.ENDED_WITH_CASE,
        conditions=[case_closing],
        permission=permissions.can_manage_notice,
        custom={"label": _("Ended when the case closed")},
    )
    def end_with_case(self, *, on: datetime.date, closing_reason: str) -> None:
        """The Ministers closed the case while the notice was in force; it ends with it."""
        self.closed_reason = closing_reason
        self.ended_on = on

    @condition(_("Only an addendum ends with the notice it amends, once that notice has ended."))
    def amends_an_ended_notice(self) -> bool:
        return self.is_addendum and self.parent.state in ENDED_STATES

    @fsm.transition(
        field=state,
        source=NoticeState.ISSUED,
        target=fsm.RETURN_VALUE(*ENDED_STATES),
        conditions=[amends_an_ended_notice],
        permission=permissions.can_manage_notice,
        custom={"label": _("Ended with the notice it amends")},
    )
    def end_with_parent(self, *, on: datetime.date, closing_reason: str) -> str:
        """An addendum is part of the notice it amends: it ends when, and as, that notice ends."""
        self.closed_reason = closing_reason
        self.ended_on = on
        return self.parent.state

    def owed_q(self) -> Q:
        """Select the obligations owed under this notice: its own and its addenda's, and those carried
        over to it (not those it carried over to a follow-up notice)."""
        own = Q(notice=self) | Q(notice__parent=self, notice__kind=NoticeKind.ADDENDUM)
        return (own & Q(carried_to__isnull=True)) | Q(carried_to=self)


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


class Requirement(models.Model):
    """One action the notice requires of the council, (a) to (g) in the Powys notice.

    What is owed for it, and its status, are its obligations (usually one; a requirement answered
    by the monthly Board reports has one per report): a requirement has no state of its own, so
    it can never disagree with the document that answers it.
    """

    notice = models.ForeignKey(WarningNotice, on_delete=models.CASCADE, related_name="requirements")
    letter = models.CharField(_("letter"), max_length=5)
    text = models.TextField(_("requirement"))
    kind = models.CharField(
        _("kind"), max_length=30, choices=RequirementKind.choices, default=RequirementKind.ONE_OFF
    )
    answered_by = models.CharField(
        _("answered by"),
        max_length=30,
        choices=RequirementAnswer.choices,
        default=RequirementAnswer.EVIDENCE,
    )
    due = models.CharField(
        _("due"), max_length=20, choices=RequirementDue.choices, default=RequirementDue.NONE
    )
    due_on_fixed = models.DateField(_("fixed due date"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Set when Welsh Government withdraws it (or an addendum does): nothing answers it from then.
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["notice", "position", "letter"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "letter"], name="requirement_letter_unique"),
            models.CheckConstraint(
                condition=~Q(due="fixed") | Q(due_on_fixed__isnull=False),
                name="requirement_fixed_due_has_date",
            ),
            models.UniqueConstraint(
                fields=["notice", "answered_by"],
                condition=~Q(answered_by=RequirementAnswer.EVIDENCE),
                name="requirement_one_per_document",
            ),
        ]
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")

    def __str__(self) -> str:
        return f"({self.letter}) {self.text[:80]}"

    @property
    def is_answered_by_evidence(self) -> bool:
        return self.answered_by == RequirementAnswer.EVIDENCE


class RequirementVariation(models.Model):
    """How an addendum varies a requirement of the notice it amends: new words, or withdrawn.

    The words before the change are kept here as well as in the requirement's history, so the
    requirement's page can say what it said before.
    """

    addendum = models.ForeignKey(
        WarningNotice, verbose_name=_("addendum"), on_delete=models.CASCADE, related_name="variations"
    )
    requirement = models.ForeignKey(
        Requirement, verbose_name=_("requirement varied"), on_delete=models.PROTECT, related_name="variations"
    )
    action = models.CharField(_("change"), max_length=20, choices=VariationAction.choices)
    new_text = models.TextField(_("new words"), blank=True)
    previous_text = models.TextField(_("words before the change"), blank=True)
    reason = models.TextField(_("reason"))
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["addendum", "requirement__position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["addendum", "requirement"], name="variation_once_per_requirement"
            ),
            models.CheckConstraint(
                condition=~Q(action="amend") | ~Q(new_text=""), name="variation_amend_has_text"
            ),
        ]
        verbose_name = _("variation of a requirement")
        verbose_name_plural = _("variations of requirements")

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.requirement}"


class CarryOverDecision(models.Model):
    """What a follow-up notice does with one open obligation of the notice it supersedes."""

    follow_up = models.ForeignKey(
        WarningNotice,
        verbose_name=_("follow-up notice"),
        on_delete=models.CASCADE,
        related_name="carry_over_decisions",
    )
    obligation = models.ForeignKey(
        "intervention.Obligation",
        verbose_name=_("obligation"),
        on_delete=models.PROTECT,
        related_name="carry_over_decisions",
    )
    carry_over = models.BooleanField(_("carried over (otherwise closed)"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["follow_up", "obligation__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["follow_up", "obligation"], name="carry_over_decided_once"),
        ]
        verbose_name = _("carry-over decision")
        verbose_name_plural = _("carry-over decisions")

    def __str__(self) -> str:
        return str(self.obligation)
