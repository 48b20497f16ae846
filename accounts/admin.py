"""The Django admin: reference data and people are edited here; everything else is read-only.

Domain objects (inspections, notices, requirements...) change only through the services, which
check permissions, ask for reasons and write the transition log; the admin shows them and their
history. Nothing in the audit trail (history rows, the transition log) can be changed here.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import CalendarFeed, Organisation, TransitionLog, User
from .signin.actions import reset_second_factor, unlock_sign_in

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def model_field_names(model: type[models.Model]) -> list[str]:
    """Return the names of `model`'s own fields, in declaration order, without the primary key."""
    opts = model._meta
    return [f.name for f in [*opts.concrete_fields, *opts.many_to_many] if not f.primary_key]


class AuditedAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history can be read but never reverted.

    SIMPLE_HISTORY_REVERT_DISABLED only hides the Revert button: simple-history's version page
    still saves the historical copy on POST, checking only the view permission. Refuse it here.
    """

    # Django 6 makes https the default scheme of a typed link; use it now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in SAFE_METHODS:
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        obj._change_reason = "admin change" if change else "admin add"
        try:
            super().save_model(request, obj, form, change)
        finally:
            # simple-history leaves these on the instance (V3); forget them after the save.
            obj.__dict__.pop("_history_user", None)
            obj.__dict__.pop("_change_reason", None)

    def delete_model(self, request, obj) -> None:
        obj._history_user = request.user
        obj._change_reason = "admin delete"
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset) -> None:
        # One object at a time, so each history row carries the person and the reason.
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyRecordAdmin(AuditedAdmin):
    """Show a domain object and its history; it is created and changed only through the services.

    Subclasses list in `readonly_fields` the state and the fields transitions and services set,
    so they stay read-only even if editing is ever allowed; today every field is read-only.
    """

    actions = None

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        declared = list(super().get_readonly_fields(request, obj))
        names = model_field_names(self.model)
        extra = [name for name in declared if name not in names]
        if "state" in names and "transition_log_link" not in extra:
            extra.append("transition_log_link")
        return [*names, *extra]

    @admin.display(description=_("transition log"))
    def transition_log_link(self, obj) -> str:
        if obj is None or obj.pk is None:
            return "—"
        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
        url = reverse("admin:accounts_transitionlog_changelist")
        query = urlencode({"content_type__id__exact": content_type.pk, "object_id": obj.pk})
        return format_html('<a href="{}?{}">{}</a>', url, query, _("Every state change of this record"))


class ReadOnlyInline(admin.TabularInline):
    """Rows shown beside their parent for reading only; `fields` are all read-only."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return [*self.get_fields(request, obj)]


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ("name", "code", "kind", "name_cy")
    list_filter = ("kind",)
    search_fields = ("name", "code", "name_cy")
    ordering = ("name",)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        # People's roles and councils' records depend on the kind; it is fixed once they exist.
        if obj is not None and self._is_in_use(obj):
            readonly.append("kind")
        return readonly

    @staticmethod
    def _is_in_use(obj: Organisation) -> bool:
        return obj.people.exists() or obj.inspections.exists() or obj.intervention_cases.exists()


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Organisation and role"), {"fields": ("organisation", "role", "job_title")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "usable_password", "password1", "password2"),
            },
        ),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Organisation and role"), {"fields": ("organisation", "role", "job_title")}),
    )
    list_display = (
        "username",
        "first_name",
        "last_name",
        "organisation",
        "role",
        "job_title",
        "is_active",
        "is_staff",
    )
    list_filter = ("role", "organisation__kind", "organisation", "is_active", "is_staff", "is_superuser")
    list_select_related = ("organisation",)
    search_fields = ("username", "first_name", "last_name", "email", "job_title", "organisation__name")
    readonly_fields = ("last_login", "date_joined")
    actions = [unlock_sign_in, reset_second_factor]

    def has_delete_permission(self, request, obj=None) -> bool:
        # People are deactivated, never deleted: deleting would blank them out of history rows.
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyRecordAdmin):
    """Who has a calendar feed on; a person turns theirs off on the service, or by being deactivated."""

    list_display = ("user", "organisation", "role", "created_at", "revoked_at")
    list_filter = ("role", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("user", "organisation")
    search_fields = ("user__username", "user__last_name")
    # The hash of the address secret is of no use to anyone reading this page.
    fields = ("user", "organisation", "role", "created_at", "revoked_at")


@admin.register(TransitionLog)
class TransitionLogAdmin(admin.ModelAdmin):
    """The append-only log of state changes: read it, filter it, search it; nothing else."""

    list_display = (
        "object_link",
        "content_type",
        "transition",
        "source_state",
        "target_state",
        "by_name",
        "by_role",
        "by_organisation",
        "recorded_at",
        "occurred_on",
        "short_reason",
    )
    list_filter = (
        ("content_type", admin.RelatedOnlyFieldListFilter),
        "transition",
        "target_state",
        ("occurred_on", admin.DateFieldListFilter),
        ("recorded_at", admin.DateFieldListFilter),
    )
    list_select_related = ("content_type", "by")
    search_fields = ("object_repr", "transition", "reason", "by__username", "by_name", "by_organisation")
    date_hierarchy = "recorded_at"
    readonly_fields = (
        "content_type",
        "object_id",
        "object_link",
        "transition",
        "source_state",
        "target_state",
        "by",
        "by_name",
        "by_role",
        "by_organisation",
        "recorded_at",
        "occurred_on",
        "reason",
        "sequence",
        "prev_hash",
        "row_hash",
    )
    fields = readonly_fields
    actions = None

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("object"), ordering="object_repr")
    def object_link(self, obj: TransitionLog) -> str:
        content_type = obj.content_type
        try:
            url = reverse(f"admin:{content_type.app_label}_{content_type.model}_change", args=[obj.object_id])
        except NoReverseMatch:
            return obj.object_repr
        return format_html('<a href="{}">{}</a>', url, obj.object_repr)

    @admin.display(description=_("reason"))
    def short_reason(self, obj: TransitionLog) -> str:
        return Truncator(obj.reason).chars(80)
