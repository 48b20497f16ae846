"""Admin for interventions: grounds and extra non-working days are reference data; the rest is read-only."""

from __future__ import annotations

import threading

from django.contrib import admin
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts.admin import AuditedAdmin, ReadOnlyInline, ReadOnlyRecordAdmin
from accounts.forms import GovukModelForm

from . import calendars
from .calendars import WorkingCalendar
from .models import (
    Appointment,
    Board,
    BoardRemitChange,
    BoardReport,
    CarryOverDecision,
    CaseEvent,
    ConfirmedCalendarYear,
    Correction,
    Direction,
    DirectionVariation,
    DocumentFile,
    Escalation,
    EscalationRecipient,
    EvidenceFile,
    Ground,
    ImprovementPlan,
    InterventionCase,
    NonWorkingDay,
    NoticeGround,
    Notification,
    NotificationPreference,
    Obligation,
    PlanMilestone,
    PowerRoute,
    PowerToIntervene,
    Provision,
    Reminder,
    Requirement,
    RequirementTemplate,
    RequirementTemplateItem,
    RequirementVariation,
    SeniorContact,
    Statement,
    Submission,
    WarningNotice,
)
from .obligations import display
from .obligations import services as obligation_services
from .obligations.status import derive

COUNCIL_FILTER = ("notice__case__council", admin.RelatedFieldListFilter)


def short_text(text: str) -> str:
    return Truncator(text).chars(80)


class NoticeCouncilMixin:
    """A council column for rows that hang off a notice (select_related notice__case__council)."""

    @admin.display(description=_("council"), ordering="notice__case__council__name")
    def council(self, obj):
        return obj.notice.case.council


# Reference data ---------------------------------------------------------------------------


class NonWorkingDayForm(GovukModelForm):
    def clean_day(self):
        day = self.cleaned_data["day"]
        calendars.check_recordable(day)
        return day


class ConfirmedCalendarYearForm(GovukModelForm):
    def clean_year(self):
        year = self.cleaned_data["year"]
        calendars.check_confirmable(year)
        return year


@admin.register(Ground)
class GroundAdmin(AuditedAdmin):
    form = GovukModelForm
    list_display = ("number", "title")
    search_fields = ("title", "text")
    ordering = ("number",)


@admin.register(NonWorkingDay)
class NonWorkingDayAdmin(AuditedAdmin):
    """Extra non-working days: adding, changing or removing one moves every date still owed it touches.

    Saving goes through obligations.services, which works those dates out again in the same
    transaction, records why in each one's history, and tells the people affected.
    """

    form = NonWorkingDayForm
    list_display = ("day", "description", "source")
    list_filter = (("day", admin.DateFieldListFilter),)
    search_fields = ("description", "source")
    date_hierarchy = "day"

    def save_model(self, request, obj, form, change) -> None:
        previous = form.initial.get("day") if change else None
        moved = obligation_services.non_working_day_save(day=obj, by=request.user, previous=previous)
        self._say_moved(request, moved)

    def delete_model(self, request, obj) -> None:
        moved = obligation_services.non_working_day_delete(day=obj, by=request.user)
        self._say_moved(request, moved)

    def _say_moved(self, request, moved) -> None:
        if moved:
            lines = obligation_services.describe_moves(moved)
            self.message_user(request, " ".join(lines))


@admin.register(Provision)
class ProvisionAdmin(AuditedAdmin):
    """The sections of the Act the tracker quotes, each with its confidence and source."""

    form = GovukModelForm
    list_display = ("section", "heading", "direction_kind", "confidence", "effective_from", "effective_to")
    list_filter = ("confidence", "direction_kind")
    search_fields = ("code", "section", "heading", "description", "source")


@admin.register(PowerRoute)
class PowerRouteAdmin(AuditedAdmin):
    """The routes to the power to intervene; one is switched on only with a source."""

    form = GovukModelForm
    list_display = ("name", "requires_warning_notice", "enabled", "confidence")
    list_filter = ("enabled", "confidence")
    search_fields = ("name", "description", "source")


@admin.register(ConfirmedCalendarYear)
class ConfirmedCalendarYearAdmin(AuditedAdmin):
    """Years beyond the bank holiday data whose non-working days an administrator has checked."""

    form = ConfirmedCalendarYearForm
    list_display = ("year", "source")
    search_fields = ("source", "note")


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
    readonly_fields = (
        "state",
        "closed_on",
        "closure_minister",
        "closure_decision",
        "closure_source",
        "reopened_on",
        "created_at",
    )
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
    fields = ("letter", "text", "kind", "answered_by", "due")


class ObligationInline(ReadOnlyInline):
    model = Obligation
    fk_name = "notice"
    fields = ("kind", "owner", "requirement", "board_report", "due_on", "basis", "state", "met_on")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("requirement", "board_report", "notice")


class BoardReportInline(ReadOnlyInline):
    model = BoardReport
    fields = ("month", "summary", "document_reference")


@admin.register(WarningNotice)
class WarningNoticeAdmin(ReadOnlyRecordAdmin):
    list_display = ("title", "case", "council", "kind", "state", "given_on", "compliance_ends_on", "ended_on")
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
        "compliance_ends_on",
        "compliance_basis",
        "compliance_extended",
        "closed_reason",
        "ended_on",
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
                    "compliance_ends_on",
                    "compliance_basis",
                    "compliance_extended",
                    "requires_improvement_plan",
                    "board_reports_from",
                    "board_reports_count",
                    "board_reports_until_end",
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
                    "ministers_duties_apply",
                    "closed_reason",
                    "ended_on",
                )
            },
        ),
        (_("Text as issued"), {"classes": ("collapse",), "fields": ("issued_text",)}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    inlines = (NoticeGroundInline, RequirementInline, ObligationInline, BoardReportInline)

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


@admin.register(Obligation)
class ObligationAdmin(NoticeCouncilMixin, ReadOnlyRecordAdmin):
    """What is owed under each notice; it changes only through the services, with its history."""

    list_display = ("what", "notice", "council", "owner", "kind", "due_on", "state", "status_today")
    list_filter = (
        "state",
        "kind",
        "owner",
        COUNCIL_FILTER,
        ("due_on", admin.DateFieldListFilter),
    )
    list_select_related = ("notice__case__council", "requirement", "board_report")
    search_fields = ("basis", "source", "settled_reason", "notice__title", "notice__case__council__name")
    date_hierarchy = "due_on"
    raw_id_fields = ("notice", "requirement", "board_report", "carried_to")
    readonly_fields = (
        "state",
        "kind",
        "owner",
        "carried_to",
        "unit",
        "start_on",
        "count",
        "due_on",
        "basis",
        "skipped",
        "previous_due_on",
        "due_change_reason",
        "submitted_on",
        "met_on",
        "done_by",
        "not_required_on",
        "breached_on",
        "source",
        "settled_reason",
        "changed_on",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._request_calendar = threading.local()

    def get_changelist_instance(self, request):
        # One reading of the calendar for the whole list, as it is on this request (the admin
        # object lives as long as the process, so nothing read here may outlast the request).
        self._request_calendar.value = WorkingCalendar()
        return super().get_changelist_instance(request)

    @admin.display(description=_("what is owed"))
    def what(self, obj: Obligation) -> str:
        return obj.label

    @admin.display(description=_("status today"))
    def status_today(self, obj: Obligation) -> str:
        calendar = getattr(self._request_calendar, "value", None) or WorkingCalendar()
        return display.sentence(derive(obj.facts(), today=timezone.localdate(), non_working=calendar))


class SubmissionInline(ReadOnlyInline):
    model = Submission
    fields = ("submitted_at", "submitted_by", "statement", "decision", "decided_by", "decided_at")

    def get_queryset(self, request):
        # The row's name (its __str__) reads the requirement.
        return super().get_queryset(request).select_related("requirement", "submitted_by", "decided_by")


@admin.register(Requirement)
class RequirementAdmin(NoticeCouncilMixin, ReadOnlyRecordAdmin):
    list_display = ("letter", "summary", "notice", "council", "kind", "answered_by", "due", "due_on_fixed")
    list_filter = ("kind", "answered_by", "due", COUNCIL_FILTER)
    list_select_related = ("notice__case__council",)
    search_fields = ("text", "letter", "notice__title", "notice__case__council__name")
    raw_id_fields = ("notice",)
    inlines = (SubmissionInline,)

    @admin.display(description=_("requirement"))
    def summary(self, obj: Requirement) -> str:
        return short_text(obj.text)


@admin.register(RequirementVariation)
class RequirementVariationAdmin(ReadOnlyRecordAdmin):
    list_display = ("requirement", "action", "addendum", "applied_on")
    list_filter = ("action", ("applied_on", admin.DateFieldListFilter))
    list_select_related = ("requirement", "addendum")
    search_fields = ("new_text", "previous_text", "reason", "addendum__title")
    raw_id_fields = ("addendum", "requirement")
    readonly_fields = ("previous_text", "applied_on")


@admin.register(CarryOverDecision)
class CarryOverDecisionAdmin(ReadOnlyRecordAdmin):
    list_display = ("obligation", "follow_up", "carry_over")
    list_filter = ("carry_over",)
    list_select_related = (
        "obligation__requirement",
        "obligation__board_report",
        "obligation__notice",
        "follow_up",
    )
    search_fields = ("follow_up__title",)
    raw_id_fields = ("follow_up", "obligation")


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


@admin.register(DocumentFile)
class DocumentFileAdmin(ReadOnlyRecordAdmin):
    """Files of the improvement plan and Board reports: what was uploaded, not where it is stored."""

    list_display = (
        "original_name",
        "plan",
        "board_report",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    )
    list_filter = ("content_type", ("uploaded_at", admin.DateFieldListFilter))
    list_select_related = ("plan__notice", "board_report__notice", "uploaded_by")
    search_fields = (
        "original_name",
        "plan__notice__title",
        "board_report__notice__title",
        "uploaded_by__username",
    )
    date_hierarchy = "uploaded_at"
    fields = ("plan", "board_report", *EVIDENCE_FIELDS)
    readonly_fields = ("plan", "board_report", *EVIDENCE_FIELDS)
    raw_id_fields = ("plan", "board_report", "uploaded_by")


@admin.register(ImprovementPlan)
class ImprovementPlanAdmin(NoticeCouncilMixin, ReadOnlyRecordAdmin):
    """The plan as sent; whether it was on time and agreed is on its obligations."""

    list_display = ("notice", "council", "document_reference")
    list_filter = (COUNCIL_FILTER,)
    list_select_related = ("notice__case__council",)
    search_fields = ("notice__title", "summary", "document_reference", "notice__case__council__name")
    raw_id_fields = ("notice",)


@admin.register(BoardReport)
class BoardReportAdmin(NoticeCouncilMixin, ReadOnlyRecordAdmin):
    """Each month's report as sent; whether it was on time is on its obligation."""

    list_display = ("month", "notice", "council", "document_reference")
    list_filter = (COUNCIL_FILTER, ("month", admin.DateFieldListFilter))
    list_select_related = ("notice__case__council",)
    search_fields = ("notice__title", "summary", "document_reference", "notice__case__council__name")
    date_hierarchy = "month"
    raw_id_fields = ("notice",)


@admin.register(PowerToIntervene)
class PowerToInterveneAdmin(ReadOnlyRecordAdmin):
    list_display = ("__str__", "case", "route", "state", "determined_on", "ended_on")
    list_filter = ("state", ("determined_on", admin.DateFieldListFilter))
    list_select_related = ("case", "route")
    search_fields = ("reasons", "reference", "case__title")
    raw_id_fields = ("case", "notice")
    readonly_fields = ("state", "determined_on", "ended_on", "end_reference", "end_reasons")


@admin.register(Direction)
class DirectionAdmin(ReadOnlyRecordAdmin):
    list_display = ("__str__", "kind", "state", "given_on", "starts_on", "ends_on")
    list_filter = ("state", "kind", ("given_on", admin.DateFieldListFilter))
    list_select_related = ("provision",)
    search_fields = ("terms", "nominee", "reference")
    raw_id_fields = ("power", "relates_to")
    readonly_fields = ("state", "revoked_on", "ended_on", "end_reason")


@admin.register(DirectionVariation)
class DirectionVariationAdmin(ReadOnlyRecordAdmin):
    list_display = ("direction", "varied_on", "reason")
    list_filter = (("varied_on", admin.DateFieldListFilter),)
    list_select_related = ("direction__provision",)
    search_fields = ("reason", "terms_before", "reference")
    raw_id_fields = ("direction",)
    readonly_fields = ("terms_before", "ends_on_before", "nominee_before")


@admin.register(Statement)
class StatementAdmin(ReadOnlyRecordAdmin):
    list_display = ("made_on", "title", "minister", "purpose", "case")
    list_filter = ("purpose", "kind", ("made_on", admin.DateFieldListFilter))
    list_select_related = ("case",)
    search_fields = ("title", "minister")
    raw_id_fields = ("case", "notice")


@admin.register(Board)
class BoardAdmin(ReadOnlyRecordAdmin):
    list_display = ("name", "kind", "case", "chair", "established_on", "stood_down_on")
    list_filter = ("kind",)
    list_select_related = ("case",)
    search_fields = ("name", "chair", "remit")
    raw_id_fields = ("case", "replaces")


@admin.register(BoardRemitChange)
class BoardRemitChangeAdmin(ReadOnlyRecordAdmin):
    list_display = ("summary", "board", "changed_on", "precision")
    list_select_related = ("board",)
    search_fields = ("summary", "remit", "remit_before")
    raw_id_fields = ("board",)
    readonly_fields = ("remit_before",)


@admin.register(PlanMilestone)
class PlanMilestoneAdmin(ReadOnlyRecordAdmin):
    list_display = ("label", "plan", "due_on", "due_description", "progress_on")
    list_select_related = ("plan__notice",)
    search_fields = ("label", "progress")
    raw_id_fields = ("plan",)
    readonly_fields = ("progress", "progress_on")


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyRecordAdmin):
    list_display = ("title", "person", "post", "interim", "starts_on", "case")
    list_filter = ("post", "interim")
    list_select_related = ("case",)
    search_fields = ("title", "person")
    raw_id_fields = ("case",)


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyRecordAdmin):
    list_display = ("happened_on", "precision", "__str__", "confidence", "case")
    list_filter = ("confidence", "precision")
    list_select_related = ("case",)
    search_fields = ("description", "source")
    raw_id_fields = ("case",)


@admin.register(Reminder)
class ReminderAdmin(NoticeCouncilMixin, ReadOnlyRecordAdmin):
    """The record of every reminder email sent by `manage.py send_reminders`; append-only."""

    list_display = (
        "sent_at",
        "kind",
        "week",
        "recipient",
        "email",
        "obligation",
        "council",
        "due_on",
        "as_of",
    )
    list_filter = (
        "kind",
        ("obligation__notice__case__council", admin.RelatedFieldListFilter),
        ("sent_at", admin.DateFieldListFilter),
        ("due_on", admin.DateFieldListFilter),
    )
    list_select_related = (
        "recipient",
        "obligation__notice__case__council",
        "obligation__requirement",
        "obligation__board_report",
    )
    search_fields = ("email", "subject", "recipient__username", "obligation__notice__title")
    date_hierarchy = "sent_at"
    readonly_fields = (
        "obligation",
        "recipient",
        "email",
        "kind",
        "week",
        "due_on",
        "as_of",
        "subject",
        "sent_at",
    )
    raw_id_fields = ("obligation", "recipient")

    @admin.display(description=_("council"), ordering="obligation__notice__case__council__name")
    def council(self, obj: Reminder):
        return obj.obligation.notice.case.council


# Escalations --------------------------------------------------------------------------------


@admin.register(SeniorContact)
class SeniorContactAdmin(AuditedAdmin):
    """Reference data an administrator keeps: who each council's escalations are addressed to."""

    form = GovukModelForm
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
    readonly_fields = ("source", "council", "case", "finding", "obligation", "due_on", "reason", "raised_on")
    raw_id_fields = ("case", "finding", "obligation")
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


# Templates of requirements (reference data an administrator keeps) ------------------------------


class RequirementTemplateItemInline(admin.TabularInline):
    model = RequirementTemplateItem
    form = GovukModelForm
    fields = ("position", "letter", "text", "kind", "answered_by", "due")
    extra = 1


@admin.register(RequirementTemplate)
class RequirementTemplateAdmin(AuditedAdmin):
    """The sets of requirements officials may start a draft notice from (Powys 2017 (a) to (g)...)."""

    form = GovukModelForm
    list_display = ("name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "description", "items__text")
    inlines = (RequirementTemplateItemInline,)


@admin.register(RequirementTemplateItem)
class RequirementTemplateItemAdmin(AuditedAdmin):
    form = GovukModelForm
    list_display = ("template", "position", "letter", "kind", "answered_by", "due")
    list_filter = (("template", admin.RelatedFieldListFilter),)
    list_select_related = ("template",)
    search_fields = ("text", "template__name")


# Notifications ------------------------------------------------------------------------------------


@admin.register(Notification)
class NotificationAdmin(ReadOnlyRecordAdmin):
    """Who was told of which hand-off, and their email (intervention.notifications); written by services."""

    list_display = (
        "created_at",
        "kind",
        "recipient",
        "subject",
        "council",
        "read_at",
        "emailed_at",
        "email_attempts",
    )
    list_filter = (
        "kind",
        ("created_at", admin.DateFieldListFilter),
        ("council", admin.RelatedFieldListFilter),
    )
    list_select_related = ("recipient", "council")
    search_fields = ("subject", "recipient__username", "dedupe_key")
    date_hierarchy = "created_at"
    raw_id_fields = ("recipient", "council", "case", "notice")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyRecordAdmin):
    """How each person chose to get emails about their notifications; each person sets their own."""

    list_display = ("user", "email_frequency")
    list_filter = ("email_frequency",)
    list_select_related = ("user",)
    search_fields = ("user__username",)
    raw_id_fields = ("user",)


# Corrections --------------------------------------------------------------------------------------


@admin.register(Correction)
class CorrectionAdmin(ReadOnlyRecordAdmin):
    """Every correction of a recorded fact: from what to what, who, when and why; append-only."""

    list_display = ("corrected_at", "label", "original", "corrected", "corrected_by", "council")
    list_filter = (
        "fact",
        ("corrected_at", admin.DateFieldListFilter),
        ("council", admin.RelatedFieldListFilter),
    )
    list_select_related = ("corrected_by", "council")
    search_fields = ("label", "reason", "original", "corrected")
    raw_id_fields = ("corrected_by", "council", "content_type")
