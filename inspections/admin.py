"""Admin for inspections: statutory functions are reference data; the rest is read-only."""

from __future__ import annotations

from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts.admin import AuditedAdmin, ReadOnlyInline, ReadOnlyRecordAdmin
from accounts.forms import GovukModelForm

from .models import FieldworkPeriod, Finding, Inspection, Recommendation, StatutoryFunction


def short_text(text: str) -> str:
    return Truncator(text).chars(80)


@admin.register(StatutoryFunction)
class StatutoryFunctionAdmin(AuditedAdmin):
    form = GovukModelForm
    list_display = (
        "code",
        "citation",
        "title",
        "act",
        "schedule2_listed",
        "effective_from",
        "effective_to",
        "confidence",
    )
    list_filter = (
        "confidence",
        "schedule2_listed",
        "act",
        ("effective_from", admin.DateFieldListFilter),
        ("effective_to", admin.DateFieldListFilter),
    )
    search_fields = ("code", "citation", "title", "act")

    def has_delete_permission(self, request, obj=None) -> bool:
        # A version ends by setting "in force until": deleting one would silently remove it
        # from the findings and warning notices that cite it, published ones included.
        return False


class FieldworkPeriodInline(ReadOnlyInline):
    model = FieldworkPeriod
    fields = ("starts_on", "ends_on")


class FindingInline(ReadOnlyInline):
    model = Finding
    fields = ("position", "theme", "kind", "text")


class RecommendationInline(ReadOnlyInline):
    model = Recommendation
    fields = ("number", "text")


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyRecordAdmin):
    list_display = (
        "title",
        "council",
        "service_area",
        "inspection_type",
        "lead_inspector",
        "state",
        "draft_issued_on",
        "published_on",
    )
    list_filter = (
        "state",
        "council",
        "service_area",
        "inspection_type",
        ("published_on", admin.DateFieldListFilter),
        ("draft_issued_on", admin.DateFieldListFilter),
    )
    list_select_related = ("council", "lead_inspector")
    search_fields = ("title", "report_reference", "council__name", "inspectorate_name")
    date_hierarchy = "published_on"
    readonly_fields = ("state", "draft_issued_on", "published_on", "created_at", "updated_at")
    raw_id_fields = ("lead_inspector",)
    inlines = (FieldworkPeriodInline, FindingInline, RecommendationInline)


@admin.register(FieldworkPeriod)
class FieldworkPeriodAdmin(ReadOnlyRecordAdmin):
    list_display = ("inspection", "council", "starts_on", "ends_on")
    list_filter = ("inspection__council", ("starts_on", admin.DateFieldListFilter))
    list_select_related = ("inspection__council",)
    search_fields = ("inspection__title", "inspection__council__name")
    date_hierarchy = "starts_on"
    raw_id_fields = ("inspection",)

    @admin.display(description=_("council"), ordering="inspection__council__name")
    def council(self, obj: FieldworkPeriod):
        return obj.inspection.council


@admin.register(Finding)
class FindingAdmin(ReadOnlyRecordAdmin):
    list_display = ("summary", "inspection", "council", "position", "theme", "kind")
    list_filter = ("kind", "theme", "inspection__state", "inspection__council")
    list_select_related = ("inspection__council",)
    search_fields = ("text", "evidence_summary", "inspection__title", "inspection__council__name")
    raw_id_fields = ("inspection",)

    @admin.display(description=_("finding"))
    def summary(self, obj: Finding) -> str:
        return short_text(obj.text)

    @admin.display(description=_("council"), ordering="inspection__council__name")
    def council(self, obj: Finding):
        return obj.inspection.council


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyRecordAdmin):
    list_display = ("number", "summary", "inspection", "council")
    list_filter = ("inspection__state", "inspection__council")
    list_select_related = ("inspection__council",)
    search_fields = ("text", "inspection__title", "inspection__council__name")
    raw_id_fields = ("inspection",)

    @admin.display(description=_("recommendation"))
    def summary(self, obj: Recommendation) -> str:
        return short_text(obj.text)

    @admin.display(description=_("council"), ordering="inspection__council__name")
    def council(self, obj: Recommendation):
        return obj.inspection.council
