import datetime
import uuid
from pathlib import PurePath

import django_fsm as fsm
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.choices import OrganisationKind, Role
from accounts.models import AppendOnlyQuerySet, Organisation
from accounts.permissions import has_role, is_official
from inspections.choices import ServiceArea
from inspections.models import Finding, Inspection, StatutoryFunction

from . import permissions
from .choices import (
    ACTIVE_REQUIREMENT_STATES,
    GIVEN_STATES,
    SETTLED_REQUIREMENT_STATES,
    AcknowledgementState,
    BoardReportState,
    CaseState,
    ComplianceRule,
    DeadlineKind,
    DeadlineUnit,
    EscalationSource,
    InterventionPower,
    InterventionState,
    NoticeKind,
    NoticeState,
    PlanState,
    RecipientKind,
    Regime,
    ReminderKind,
    RequirementDue,
    RequirementKind,
    RequirementState,
    SeniorPosition,
    SubmissionDecision,
)

# The Senedd and Elections (Wales) Act 2020 renamed the legislature with effect from this date.
SENEDD_RENAMED_ON = datetime.date(2020, 5, 6)


def legislature_name(on: datetime.date) -> str:
    """Return the name of the Welsh legislature as it was on `on`."""
    if on < SENEDD_RENAMED_ON:
        return str(_("the National Assembly for Wales"))
    return str(_("Senedd Cymru"))


def condition(message):
    """Attach the sentence a person sees when this transition condition is not met."""

    def decorate(func):
        func.message = message
        return func

    return decorate


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


class NonWorkingDay(models.Model):
    """A day an administrator has recorded as not a working day (beyond the bank holidays)."""

    day = models.DateField(_("date"), unique=True)
    description = models.CharField(_("description"), max_length=200)
    source = models.CharField(
        _("source"), max_length=500, help_text=_("Where this was announced: a link or reference.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["day"]
        verbose_name = _("extra non-working day")
        verbose_name_plural = _("extra non-working days")

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.description}"


class InterventionCase(fsm.ConcurrentTransitionMixin, models.Model):
    """One council's service area under intervention over the years, with all its notices."""

    council = models.ForeignKey(
        Organisation,
        verbose_name=_("council"),
        on_delete=models.PROTECT,
        related_name="intervention_cases",
        limit_choices_to={"kind": OrganisationKind.LOCAL_AUTHORITY},
    )
    title = models.CharField(_("title"), max_length=300)
    service_area = models.CharField(_("service area"), max_length=20, choices=ServiceArea.choices)
    regime = models.CharField(_("regime"), max_length=20, choices=Regime.choices, default=Regime.SSWBA_PART_8)
    opened_on = models.DateField(_("opened on"))
    inspections = models.ManyToManyField(
        Inspection, verbose_name=_("inspections"), blank=True, related_name="intervention_cases"
    )
    # Escalations about the case go to this official; with none recorded, to every active official.
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Welsh Government lead"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_led",
        limit_choices_to={"role": Role.OFFICIAL, "is_active": True},
        help_text=_("The Welsh Government official escalations about this case are addressed to."),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_decision = models.TextField(_("closing decision"), blank=True)
    closure_source = models.CharField(_("source of the closing decision"), max_length=500, blank=True)
    state = fsm.FSMField(
        _("state"), max_length=20, choices=CaseState.choices, default=CaseState.OPEN, protected=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[inspections])

    class Meta:
        ordering = ["-opened_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="case_closed_after_opened",
            ),
        ]
        verbose_name = _("intervention case")
        verbose_name_plural = _("intervention cases")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.lead_id is not None and not is_official(self.lead):
            raise ValidationError({"lead": _("Choose an active Welsh Government official.")})

    @condition(_("Every notice on the case must be complied, escalated or withdrawn first."))
    def has_no_live_notice(self) -> bool:
        return not self.notices.filter(state__in=[NoticeState.DRAFT, NoticeState.ISSUED]).exists()

    @condition(_("Every intervention on the case must have ended first."))
    def has_no_live_intervention(self) -> bool:
        return not Intervention.objects.filter(
            notice__case=self, state__in=[InterventionState.PROPOSED, InterventionState.IN_FORCE]
        ).exists()

    @fsm.transition(
        field=state,
        source=CaseState.OPEN,
        target=CaseState.CLOSED,
        conditions=[has_no_live_notice, has_no_live_intervention],
        permission=permissions.can_manage_case,
        custom={"label": _("Close case")},
    )
    def close(self, *, on: datetime.date, decision: str, source: str) -> None:
        """The Welsh Ministers decide, on a recorded date and source, that the case is over."""
        self.closed_on = on
        self.closure_decision = decision
        self.closure_source = source


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


class Submission(models.Model):
    """The council's evidence that a requirement is met, and Welsh Government's decision on it."""

    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="submissions")
    statement = models.TextField(_("statement"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="submissions_made",
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decision = models.CharField(
        _("decision"),
        max_length=20,
        choices=SubmissionDecision.choices,
        default=SubmissionDecision.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions_decided",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["requirement", "submitted_at", "id"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self) -> str:
        return _("Submission for %(requirement)s") % {"requirement": self.requirement}


# The evidence files accepted: extension -> (content type stored and served, the first bytes the
# file must start with). The extension alone proves nothing: a renamed program fails the check.
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 and Excel 97-2003
_OOXML = b"PK\x03\x04"  # .docx and .xlsx are ZIP archives
EVIDENCE_TYPES = {
    ".pdf": ("application/pdf", b"%PDF"),
    ".doc": ("application/msword", _OLE2),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _OOXML),
    ".xls": ("application/vnd.ms-excel", _OLE2),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _OOXML),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
}
EVIDENCE_HEADER_BYTES = 8


def evidence_content_type(name: str, head: bytes) -> str | None:
    """Return the content type of a file whose extension and first bytes agree, or None."""
    kind = EVIDENCE_TYPES.get(PurePath(name).suffix.lower())
    if kind is None:
        return None
    content_type, signature = kind
    return content_type if head.startswith(signature) else None


def evidence_upload_to(instance: "EvidenceFile", filename: str) -> str:
    """Store evidence under a random name; the person's own file name is kept only as data."""
    suffix = PurePath(filename).suffix.lower()
    suffix = suffix if suffix in EVIDENCE_TYPES else ""
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class EvidenceFile(models.Model):
    """A file the council attached to a submission; served only through the scoped download view."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="evidence_uploaded",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["submission", "uploaded_at", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name


class ImprovementPlan(fsm.ConcurrentTransitionMixin, models.Model):
    """The council's improvement plan, due by the end of the compliance period."""

    notice = models.OneToOneField(WarningNotice, on_delete=models.CASCADE, related_name="improvement_plan")
    deadline = models.ForeignKey(
        Deadline, verbose_name=_("deadline"), on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(_("summary"), blank=True)
    document_reference = models.CharField(_("document reference"), max_length=500, blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    state = fsm.FSMField(
        _("state"),
        max_length=20,
        choices=PlanState.choices,
        default=PlanState.DRAFTING,
        protected=True,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("improvement plan")
        verbose_name_plural = _("improvement plans")

    def __str__(self) -> str:
        return _("Improvement plan for %(notice)s") % {"notice": self.notice}

    @condition(_("The notice is not in force, so this cannot be done."))
    def notice_in_force(self) -> bool:
        return self.notice.state == NoticeState.ISSUED

    @fsm.transition(
        field=state,
        source=PlanState.DRAFTING,
        target=PlanState.SUBMITTED,
        conditions=[notice_in_force],
        permission=permissions.can_submit_plan,
        custom={"label": _("Submit improvement plan")},
    )
    def submit(self, *, on: datetime.date, summary: str, document_reference: str) -> None:
        """The council sends its improvement plan to Welsh Government."""
        self.submitted_on = on
        self.summary = summary
        self.document_reference = document_reference

    @fsm.transition(
        field=state,
        source=PlanState.SUBMITTED,
        target=PlanState.DRAFTING,
        conditions=[notice_in_force],
        permission=permissions.can_decide_plan,
        custom={"label": _("Return plan to the council")},
    )
    def return_to_council(self) -> None:
        """Welsh Government asks for a revised plan."""

    @fsm.transition(
        field=state,
        source=PlanState.SUBMITTED,
        target=PlanState.AGREED,
        conditions=[notice_in_force],
        permission=permissions.can_decide_plan,
        custom={"label": _("Record agreement with the Board")},
    )
    def agree(self, *, on: datetime.date) -> None:
        """The plan and its timescales are agreed with the Improvement Board."""
        self.agreed_on = on


class BoardReport(fsm.ConcurrentTransitionMixin, models.Model):
    """One month's Improvement Board report, due by a computed date; created when a notice is issued."""

    notice = models.ForeignKey(WarningNotice, on_delete=models.CASCADE, related_name="board_reports")
    requirement = models.ForeignKey(
        Requirement,
        verbose_name=_("requirement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="board_reports",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    deadline = models.OneToOneField(
        Deadline, verbose_name=_("deadline"), on_delete=models.PROTECT, related_name="board_report"
    )
    summary = models.TextField(_("summary"), blank=True)
    document_reference = models.CharField(_("document reference"), max_length=500, blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    state = fsm.FSMField(
        _("state"),
        max_length=20,
        choices=BoardReportState.choices,
        default=BoardReportState.DUE,
        protected=True,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["notice", "month"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "month"], name="board_report_month_once"),
            models.CheckConstraint(condition=Q(month__day=1), name="board_report_month_first_day"),
        ]
        verbose_name = _("Board report")
        verbose_name_plural = _("Board reports")

    def __str__(self) -> str:
        return _("Board report for %(month)s") % {"month": f"{self.month:%Y-%m}"}

    @condition(_("The notice is not in force, so this cannot be done."))
    def notice_in_force(self) -> bool:
        return self.notice.state == NoticeState.ISSUED

    @fsm.transition(
        field=state,
        source=BoardReportState.DUE,
        target=BoardReportState.SUBMITTED,
        conditions=[notice_in_force],
        permission=permissions.can_submit_board_report,
        custom={"label": _("Submit Board report")},
    )
    def submit(self, *, on: datetime.date, summary: str, document_reference: str) -> None:
        """The council sends this month's Board report."""
        self.submitted_on = on
        self.summary = summary
        self.document_reference = document_reference


class Intervention(fsm.ConcurrentTransitionMixin, models.Model):
    """Escalation under ss152-161 after a notice was not complied with."""

    notice = models.ForeignKey(WarningNotice, on_delete=models.PROTECT, related_name="interventions")
    power = models.CharField(_("power"), max_length=20, choices=InterventionPower.choices)
    terms = models.TextField(_("terms of the direction"))
    nominee = models.CharField(_("nominee"), max_length=300, blank=True)
    proposed_on = models.DateField(_("proposed on"))
    in_force_on = models.DateField(_("in force from"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    state = fsm.FSMField(
        _("state"),
        max_length=20,
        choices=InterventionState.choices,
        default=InterventionState.PROPOSED,
        protected=True,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["notice", "proposed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(in_force_on__isnull=True) | Q(in_force_on__gte=F("proposed_on")),
                name="intervention_in_force_after_proposed",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("proposed_on")),
                name="intervention_ended_after_proposed",
            ),
        ]
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")

    def __str__(self) -> str:
        return f"{self.get_power_display()}: {self.notice}"

    @fsm.transition(
        field=state,
        source=InterventionState.PROPOSED,
        target=InterventionState.IN_FORCE,
        permission=permissions.can_manage_intervention,
        custom={"label": _("Bring into force")},
    )
    def bring_into_force(self, *, on: datetime.date) -> None:
        """The direction takes effect."""
        self.in_force_on = on

    @fsm.transition(
        field=state,
        source=[InterventionState.PROPOSED, InterventionState.IN_FORCE],
        target=InterventionState.ENDED,
        permission=permissions.can_manage_intervention,
        custom={"label": _("End intervention")},
    )
    def end(self, *, on: datetime.date) -> None:
        """The Ministers notify the council that the intervention has ended."""
        self.ended_on = on


class Reminder(models.Model):
    """A reminder email sent about a deadline: to whom, about which due date, which reminder and when.

    Written only after the email went, and never changed; the unique constraint makes sending each
    reminder once a database guarantee, even if two runs overlap.
    """

    deadline = models.ForeignKey(
        Deadline, verbose_name=_("deadline"), on_delete=models.PROTECT, related_name="reminders"
    )
    # Set when the reminder is about one requirement due on a deadline it shares (the end of the
    # compliance period, which is also the improvement plan's): empty for the deadline's own item.
    requirement = models.ForeignKey(
        Requirement,
        verbose_name=_("requirement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reminders",
    )
    # For traceability a person who was sent reminders cannot be deleted.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent to"),
        on_delete=models.PROTECT,
        related_name="reminders_received",
    )
    email = models.EmailField(_("email address used"))
    kind = models.CharField(_("reminder"), max_length=20, choices=ReminderKind.choices)
    week = models.PositiveSmallIntegerField(
        _("weeks overdue"), default=0, help_text=_("For the weekly reminder; 0 for the others.")
    )
    due_on = models.DateField(_("due date it was about"))
    as_of = models.DateField(_("run as of"))
    subject = models.CharField(_("subject"), max_length=300)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now, editable=False)
    # Like every record, shown with its history in the admin; the row is written once, never changed.
    history = HistoricalRecords()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "recipient", "kind", "week", "due_on"],
                condition=Q(requirement__isnull=True),
                name="reminder_sent_once",
            ),
            models.UniqueConstraint(
                fields=["deadline", "requirement", "recipient", "kind", "week", "due_on"],
                condition=Q(requirement__isnull=False),
                name="requirement_reminder_sent_once",
            ),
            models.CheckConstraint(
                condition=Q(kind=ReminderKind.OVERDUE_WEEKLY, week__gte=1)
                | (~Q(kind=ReminderKind.OVERDUE_WEEKLY) & Q(week=0)),
                name="reminder_week_only_when_weekly",
            ),
        ]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")

    def __str__(self) -> str:
        about = self.deadline.label
        if self.requirement_id:
            about = _("%(deadline)s, requirement (%(letter)s)") % {
                "deadline": about,
                "letter": self.requirement.letter,
            }
        return f"{self.get_kind_display()}: {about} ({self.recipient})"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionError("Reminder records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Reminder records cannot be deleted.")


# Escalation of serious matters ----------------------------------------------------------------
# The 2018 review of Powys found serious findings held by senior officers for a year without
# reaching councillors. A serious concern in a published report, or a requirement long overdue,
# is therefore addressed to named people, each of whom must acknowledge it in the tracker.


class SeniorContact(models.Model):
    """A council's senior post-holder (leader, chief executive, director) to whom escalations go."""

    council = models.ForeignKey(
        Organisation,
        verbose_name=_("council"),
        on_delete=models.PROTECT,
        related_name="senior_contacts",
        limit_choices_to={"kind": OrganisationKind.LOCAL_AUTHORITY},
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="senior_contact_posts",
        limit_choices_to={"role": Role.COUNCIL_OFFICER},
        help_text=_("A council officer account of this council, so they can acknowledge in the tracker."),
    )
    position = models.CharField(_("position"), max_length=30, choices=SeniorPosition.choices)
    title = models.CharField(
        _("title"),
        max_length=200,
        blank=True,
        help_text=_("Required for 'Other'; otherwise shown instead of the position if given."),
    )
    is_active = models.BooleanField(
        _("receives escalations"), default=True, help_text=_("Untick when the person leaves the post.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["council", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["council", "user"], name="senior_contact_once_per_council"),
            models.CheckConstraint(
                condition=~Q(position=SeniorPosition.OTHER) | ~Q(title=""),
                name="senior_contact_other_has_title",
            ),
        ]
        verbose_name = _("council senior contact")
        verbose_name_plural = _("council senior contacts")

    def __str__(self) -> str:
        return f"{self.position_label}, {self.council}: {self.user}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.position == SeniorPosition.OTHER and not self.title.strip():
            errors["title"] = _("Enter the title of the post.")
        officer_here = self.user_id is not None and (
            has_role(self.user, Role.COUNCIL_OFFICER) and self.user.organisation_id == self.council_id
        )
        if self.council_id is not None and self.user_id is not None and not officer_here:
            errors["user"] = _("Choose an active council officer of this council.")
        if errors:
            raise ValidationError(errors)

    @property
    def position_label(self) -> str:
        return self.title.strip() or str(self.get_position_display())


class Escalation(models.Model):
    """A serious matter put before a council's senior people and Welsh Government's lead."""

    source = models.CharField(_("raised because of"), max_length=30, choices=EscalationSource.choices)
    council = models.ForeignKey(
        Organisation, verbose_name=_("council"), on_delete=models.PROTECT, related_name="escalations"
    )
    case = models.ForeignKey(
        InterventionCase,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalations",
    )
    finding = models.ForeignKey(
        Finding,
        verbose_name=_("finding"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalations",
    )
    requirement = models.ForeignKey(
        Requirement,
        verbose_name=_("requirement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalations",
    )
    # For an overdue requirement: the due date it was late against. One escalation per requirement
    # and due date, so a daily run never raises the same lateness twice.
    due_on = models.DateField(_("due on"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    raised_on = models.DateField(_("raised on"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_on", "-id"]
        indexes = [models.Index(fields=["council", "raised_on"], name="escalation_council_raised")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        source=EscalationSource.SERIOUS_FINDING,
                        finding__isnull=False,
                        requirement__isnull=True,
                        due_on__isnull=True,
                    )
                    | Q(
                        source=EscalationSource.OVERDUE_REQUIREMENT,
                        finding__isnull=True,
                        requirement__isnull=False,
                        due_on__isnull=False,
                    )
                ),
                name="escalation_exactly_one_source",
            ),
            models.UniqueConstraint(
                fields=["finding"], condition=Q(finding__isnull=False), name="escalation_once_per_finding"
            ),
            models.UniqueConstraint(
                fields=["requirement", "due_on"],
                condition=Q(requirement__isnull=False),
                name="escalation_once_per_overdue_spell",
            ),
        ]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")

    def __str__(self) -> str:
        return _("Escalation: %(source)s, %(council)s, %(on)s") % {
            "source": self.get_source_display(),
            "council": self.council,
            "on": self.raised_on.isoformat(),
        }

    def get_absolute_url(self) -> str:
        return reverse("intervention:escalation_detail", args=[self.pk])


class EscalationRecipient(fsm.ConcurrentTransitionMixin, models.Model):
    """One person an escalation is addressed to: when they were emailed, reminded, and acknowledged."""

    escalation = models.ForeignKey(
        Escalation, verbose_name=_("escalation"), on_delete=models.CASCADE, related_name="recipients"
    )
    # For traceability and accountability a person addressed cannot be deleted.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="escalations_received",
    )
    kind = models.CharField(_("addressed as"), max_length=30, choices=RecipientKind.choices)
    position = models.CharField(_("position at the time"), max_length=300)
    notified_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    last_reminded_on = models.DateField(_("last reminded on"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledgement_note = models.TextField(_("note"), blank=True)
    state = fsm.FSMField(
        _("state"),
        max_length=20,
        choices=AcknowledgementState.choices,
        default=AcknowledgementState.AWAITING,
        protected=True,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["escalation", "-kind", "id"]
        indexes = [models.Index(fields=["user", "state"], name="escalation_recipient_awaiting")]
        constraints = [
            models.UniqueConstraint(fields=["escalation", "user"], name="escalation_recipient_once"),
            models.CheckConstraint(
                condition=Q(state=AcknowledgementState.AWAITING, acknowledged_at__isnull=True)
                | Q(state=AcknowledgementState.ACKNOWLEDGED, acknowledged_at__isnull=False),
                name="escalation_acknowledged_has_time",
            ),
        ]
        verbose_name = _("escalation recipient")
        verbose_name_plural = _("escalation recipients")

    def __str__(self) -> str:
        return f"{self.user} ({self.position})"

    @fsm.transition(
        field=state,
        source=AcknowledgementState.AWAITING,
        target=AcknowledgementState.ACKNOWLEDGED,
        permission=permissions.can_acknowledge,
        custom={"label": _("Acknowledge")},
    )
    def acknowledge(self, *, at: datetime.datetime, note: str) -> None:
        """The person confirms they have read the escalation and know it is theirs to act on."""
        self.acknowledged_at = at
        self.acknowledgement_note = note
