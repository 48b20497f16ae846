"""Admin for interventions: grounds and extra non-working days are reference data; the rest is read-only."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts.admin import AuditedAdmin, ReadOnlyInline, ReadOnlyRecordAdmin

from .models import (
    BoardReport,
    Deadline,
    Escalation,
    EscalationRecipient,
    EvidenceFile,
    Ground,
    ImprovementPlan,
    Intervention,
    InterventionCase,
    NonWorkingDay,
    NoticeGround,
    Reminder,
    Requirement,
    SeniorContact,
    Submission,
    WarningNotice,
)

COUNCIL_FILTER = ("notice__case__council", admin.RelatedFieldListFilter)


def short_text(text: str) -> str:
    return Truncator(text).chars(80)


class NoticeCouncilMixin:
    """A council column for rows that hang off a notice (select_related notice__case__council)."""

    @admin.display(description=_("council"), ordering="notice__case__council__name")
    def council(self, obj):
        return obj.notice.case.council


# Reference data ---------------------------------------------------------------------------


@admin.register(Ground)
class GroundAdmin(AuditedAdmin):
    list_display = ("number", "title")
    search_fields = ("title", "text")
    ordering = ("number",)


@admin.register(NonWorkingDay)
class NonWorkingDayAdmin(AuditedAdmin):
    list_display = ("day", "description", "source")
    list_filter = (("day", admin.DateFieldListFilter),)
    search_fields = ("description", "source")
    date_hierarchy = "day"


# Read-only records ------------------------------------------------------------------------


class WarningNoticeInline(ReadOnlyInline):
    model = WarningNotice
    fields = ("title", "kind", "state", "given_on")


@admin.register(InterventionCase)
class InterventionCaseAdmin(ReadOnlyRecordAdmin):
    list_display = ("title", "council", "service_area", "regime", "state", "opened_on", "closed_on")
    list_filter = (
        "state",
        "council",
        "service_area",
        "regime",
        ("opened_on", admin.DateFieldListFilter),
        ("closed_on", admin.DateFieldListFilter),
    )
    list_select_related = ("council",)
    search_fields = ("title", "council__name", "closure_decision", "closure_source")
    date_hierarchy = "opened_on"
    readonly_fields = ("state", "closed_on", "closure_decision", "closure_source", "created_at")
    inlines = (WarningNoticeInline,)
    # The one field an administrator sets here: the Welsh Government lead escalations go to.
    editable_fields = ("lead",)

    def has_change_permission(self, request, obj=None) -> bool:
        return admin.ModelAdmin.has_change_permission(self, request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return [name for name in readonly if name not in self.editable_fields]


class NoticeGroundInline(ReadOnlyInline):
    model = NoticeGround
    fields = ("ground", "reasons")

    def get_queryset(self, request):
        # The row's name (its __str__) reads the notice and the ground.
        return super().get_queryset(request).select_related("notice", "ground")


class RequirementInline(ReadOnlyInline):
    model = Requirement
    fields = ("letter", "text", "kind", "due", "state")


class DeadlineInline(ReadOnlyInline):
    model = Deadline
    fields = ("kind", "label", "basis", "due_on", "met_on")


class BoardReportInline(ReadOnlyInline):
    model = BoardReport
    fields = ("month", "state", "submitted_on", "document_reference")


@admin.register(WarningNotice)
class WarningNoticeAdmin(ReadOnlyRecordAdmin):
    list_display = ("title", "case", "council", "kind", "state", "given_on", "laid_on", "reported_on")
    list_filter = (
        "state",
        "kind",
        ("case__council", admin.RelatedFieldListFilter),
        "compliance_rule",
        ("given_on", admin.DateFieldListFilter),
    )
    list_select_related = ("case__council",)
    search_fields = ("title", "reference", "minister", "case__title", "case__council__name")
    date_hierarchy = "given_on"
    readonly_fields = (
        "state",
        "given_on",
        "issued_text",
        "laid_on",
        "laying_reference",
        "reported_on",
        "report_reference",
        "closed_reason",
        "created_at",
        "updated_at",
    )
    raw_id_fields = ("case", "parent", "inspection")
    fieldsets = (
        (
            _("Notice"),
            {
                "fields": (
                    "case",
                    "kind",
                    "parent",
                    "inspection",
                    "title",
                    "reference",
                    "minister",
                    "purpose",
                    "reasons_summary",
                    "failed_functions",
                )
            },
        ),
        (
            _("Compliance period"),
            {
                "fields": (
                    "compliance_rule",
                    "compliance_days",
                    "compliance_start_on",
                    "compliance_fixed_on",
                    "compliance_excludes_christmas_eve",
                    "compliance_description",
                    "requires_improvement_plan",
                    "board_reports_from",
                    "board_reports_count",
                )
            },
        ),
        (_("If the council fails"), {"fields": ("minded_to", "minded_to_powers")}),
        (
            _("Giving the notice and the Ministers' duties"),
            {
                "fields": (
                    "state",
                    "transition_log_link",
                    "given_on",
                    "announced_on",
                    "laid_on",
                    "laying_reference",
                    "reported_on",
                    "report_reference",
                    "closed_reason",
                )
            },
        ),
        (_("Text as issued"), {"classes": ("collapse",), "fields": ("issued_text",)}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    inlines = (NoticeGroundInline, RequirementInline, DeadlineInline, BoardReportInline)

    @admin.display(description=_("council"), ordering="case__council__name")
    def council(self, obj: WarningNotice):
        return obj.case.council


@admin.register(NoticeGround)
class NoticeGroundAdmin(NoticeCouncilMixin, ReadOnlyRecordAdmin):
    list_display = ("notice", "council", "ground", "short_reasons")
    list_filter = ("ground", COUNCIL_FILTER)
    list_select_related = ("notice__case__council", "ground")
    search_fields = ("reasons", "notice__title", "notice__case__council__name")
    raw_id_fields = ("notice",)

    @admin.display(description=_("reasons"))
    def short_reasons(self, obj: NoticeGround) -> str:
        return short_text(obj.reasons)


@admin.register(Deadline)
class DeadlineAdmin(NoticeCouncilMixin, ReadOnlyRecordAdmin):
    list_display = ("label", "notice", "council", "kind", "basis", "due_on", "met_on", "overdue")
    list_filter = (
        "kind",
        "unit",
        COUNCIL_FILTER,
        ("due_on", admin.DateFieldListFilter),
        ("met_on", admin.EmptyFieldListFilter),
    )
    list_select_related = ("notice__case__council",)
    search_fields = ("label", "basis", "notice__title", "notice__case__council__name")
    date_hierarchy = "due_on"
    # Computed and stored when the notice is issued; met_on follows the services.
    readonly_fields = (
        "notice",
        "kind",
        "label",
        "start_on",
        "count",
        "unit",
        "due_on",
        "basis",
        "skipped",
        "met_on",
        "created_at",
    )
    raw_id_fields = ("notice",)

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj: Deadline) -> bool:
        return obj.is_overdue(today=timezone.localdate())


class SubmissionInline(ReadOnlyInline):
    model = Submission
    fields = ("submitted_at", "submitted_by", "statement", "decision", "decided_by", "decided_at")

    def get_queryset(self, request):
        # The row's name (its __str__) reads the requirement.
        return super().get_queryset(request).select_related("requirement", "submitted_by", "decided_by")


@admin.register(Requirement)
class RequirementAdmin(NoticeCouncilMixin, ReadOnlyRecordAdmin):
    list_display = ("letter", "summary", "notice", "council", "kind", "due", "due_date", "state")
    list_filter = ("state", "kind", "due", COUNCIL_FILTER)
    list_select_related = ("notice__case__council", "deadline")
    search_fields = ("text", "letter", "notice__title", "notice__case__council__name")
    readonly_fields = ("state", "deadline")
    raw_id_fields = ("notice", "deadline")
    inlines = (SubmissionInline,)

    @admin.display(description=_("requirement"))
    def summary(self, obj: Requirement) -> str:
        return short_text(obj.text)

    @admin.display(description=_("due on"), ordering="deadline__due_on")
    def due_date(self, obj: Requirement):
        return obj.deadline.due_on if obj.deadline else obj.due_on_fixed


# The stored file itself is never linked here: evidence is served only through the scoped
# download view, so the admin shows what was uploaded, not where it is stored.
EVIDENCE_FIELDS = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")


class EvidenceFileInline(ReadOnlyInline):
    model = EvidenceFile
    fields = EVIDENCE_FIELDS

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyRecordAdmin):
    list_display = (
        "requirement",
        "notice",
        "submitted_by",
        "submitted_at",
        "decision",
        "decided_by",
        "decided_at",
    )
    list_filter = (
        "decision",
        ("requirement__notice__case__council", admin.RelatedFieldListFilter),
        ("submitted_at", admin.DateFieldListFilter),
        ("decided_at", admin.DateFieldListFilter),
    )
    list_select_related = ("requirement__notice", "submitted_by", "decided_by")
    search_fields = (
        "statement",
        "decision_reason",
        "requirement__text",
        "requirement__notice__title",
        "submitted_by__username",
        "submitted_by__last_name",
    )
    date_hierarchy = "submitted_at"
    readonly_fields = (
        "submitted_by",
        "submitted_at",
        "decision",
        "decided_by",
        "decided_at",
        "decision_reason",
    )
    raw_id_fields = ("requirement", "submitted_by", "decided_by")
    inlines = (EvidenceFileInline,)

    @admin.display(description=_("notice"), ordering="requirement__notice__title")
    def notice(self, obj: Submission):
        return obj.requirement.notice


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyRecordAdmin):
    list_display = ("original_name", "submission", "content_type", "size", "uploaded_by", "uploaded_at")
    list_filter = (
        "content_type",
        ("submission__requirement__notice__case__council", admin.RelatedFieldListFilter),
        ("uploaded_at", admin.DateFieldListFilter),
    )
    list_select_related = ("submission__requirement", "uploaded_by")
    search_fields = ("original_name", "submission__requirement__notice__title", "uploaded_by__username")
    date_hierarchy = "uploaded_at"
    fields = ("submission", *EVIDENCE_FIELDS)
    readonly_fields = ("submission", *EVIDENCE_FIELDS)
    raw_id_fields = ("submission", "uploaded_by")


@admin.register(ImprovementPlan)
class ImprovementPlanAdmin(NoticeCouncilMixin, ReadOnlyRecordAdmin):
    list_display = ("notice", "council", "state", "due_on", "submitted_on", "agreed_on", "document_reference")
    list_filter = (
        "state",
        COUNCIL_FILTER,
        ("submitted_on", admin.DateFieldListFilter),
        ("agreed_on", admin.DateFieldListFilter),
    )
    list_select_related = ("notice__case__council", "deadline")
    search_fields = ("notice__title", "summary", "document_reference", "notice__case__council__name")
    readonly_fields = ("state", "deadline", "submitted_on", "agreed_on", "summary", "document_reference")
    raw_id_fields = ("notice", "deadline")

    @admin.display(description=_("due on"), ordering="deadline__due_on")
    def due_on(self, obj: ImprovementPlan):
        return obj.deadline.due_on


@admin.register(BoardReport)
class BoardReportAdmin(NoticeCouncilMixin, ReadOnlyRecordAdmin):
    list_display = ("month", "notice", "council", "state", "due_on", "submitted_on", "document_reference")
    list_filter = (
        "state",
        COUNCIL_FILTER,
        ("month", admin.DateFieldListFilter),
        ("submitted_on", admin.DateFieldListFilter),
    )
    list_select_related = ("notice__case__council", "deadline")
    search_fields = ("notice__title", "summary", "document_reference", "notice__case__council__name")
    date_hierarchy = "month"
    readonly_fields = ("state", "deadline", "submitted_on", "summary", "document_reference")
    raw_id_fields = ("notice", "requirement", "deadline")

    @admin.display(description=_("due on"), ordering="deadline__due_on")
    def due_on(self, obj: BoardReport):
        return obj.deadline.due_on


@admin.register(Intervention)
class InterventionAdmin(NoticeCouncilMixin, ReadOnlyRecordAdmin):
    list_display = ("power", "notice", "council", "state", "proposed_on", "in_force_on", "ended_on")
    list_filter = (
        "state",
        "power",
        COUNCIL_FILTER,
        ("proposed_on", admin.DateFieldListFilter),
        ("in_force_on", admin.DateFieldListFilter),
    )
    list_select_related = ("notice__case__council",)
    search_fields = ("terms", "nominee", "notice__title", "notice__case__council__name")
    date_hierarchy = "proposed_on"
    readonly_fields = ("state", "proposed_on", "in_force_on", "ended_on")
    raw_id_fields = ("notice",)


@admin.register(Reminder)
class ReminderAdmin(NoticeCouncilMixin, ReadOnlyRecordAdmin):
    """The record of every reminder email sent by `manage.py send_reminders`; append-only."""

    list_display = ("sent_at", "kind", "week", "recipient", "email", "deadline", "council", "due_on", "as_of")
    list_filter = (
        "kind",
        ("deadline__notice__case__council", admin.RelatedFieldListFilter),
        ("sent_at", admin.DateFieldListFilter),
        ("due_on", admin.DateFieldListFilter),
    )
    list_select_related = ("recipient", "deadline__notice__case__council")
    search_fields = ("email", "subject", "recipient__username", "deadline__label", "deadline__notice__title")
    date_hierarchy = "sent_at"
    readonly_fields = (
        "deadline",
        "recipient",
        "email",
        "kind",
        "week",
        "due_on",
        "as_of",
        "subject",
        "sent_at",
    )
    raw_id_fields = ("deadline", "recipient")

    @admin.display(description=_("council"), ordering="deadline__notice__case__council__name")
    def council(self, obj: Reminder):
        return obj.deadline.notice.case.council


# Escalations --------------------------------------------------------------------------------


@admin.register(SeniorContact)
class SeniorContactAdmin(AuditedAdmin):
    """Reference data an administrator keeps: who each council's escalations are addressed to."""

    list_display = ("council", "position", "title", "user", "is_active")
    list_filter = ("is_active", "position", ("council", admin.RelatedFieldListFilter))
    list_select_related = ("council", "user")
    search_fields = ("council__name", "title", "user__username", "user__first_name", "user__last_name")
    raw_id_fields = ("user",)


class EscalationRecipientInline(ReadOnlyInline):
    model = EscalationRecipient
    fields = ("user", "position", "kind", "notified_at", "last_reminded_on", "state", "acknowledged_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyRecordAdmin):
    list_display = ("raised_on", "council", "source", "case", "due_on")
    list_filter = (
        "source",
        ("council", admin.RelatedFieldListFilter),
        ("raised_on", admin.DateFieldListFilter),
    )
    list_select_related = ("council", "case")
    search_fields = ("reason", "council__name")
    date_hierarchy = "raised_on"
    readonly_fields = ("source", "council", "case", "finding", "requirement", "due_on", "reason", "raised_on")
    raw_id_fields = ("case", "finding", "requirement")
    inlines = (EscalationRecipientInline,)


@admin.register(EscalationRecipient)
class EscalationRecipientAdmin(ReadOnlyRecordAdmin):
    list_display = ("escalation", "user", "position", "kind", "notified_at", "state", "acknowledged_at")
    list_filter = ("state", "kind", ("escalation__council", admin.RelatedFieldListFilter))
    list_select_related = ("escalation__council", "user")
    search_fields = ("user__username", "user__last_name", "position", "escalation__council__name")
    readonly_fields = (
        "state",
        "notified_at",
        "last_reminded_on",
        "reminders_sent",
        "acknowledged_at",
        "acknowledgement_note",
    )
    raw_id_fields = ("escalation", "user")
