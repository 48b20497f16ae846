import datetime

import django_fsm as fsm
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.choices import OrganisationKind
from accounts.models import Organisation

from . import permissions
from .choices import (
    EDITABLE_STATES,
    Confidence,
    FindingKind,
    FindingTheme,
    InspectionState,
    InspectionType,
    ServiceArea,
)


class StatutoryFunctionQuerySet(models.QuerySet):
    def in_force_on(self, day: datetime.date) -> "StatutoryFunctionQuerySet":
        """Return the entries of Schedule 2 as they stood on `day`."""
        return self.filter(
            Q(effective_from__isnull=True) | Q(effective_from__lte=day),
            Q(effective_to__isnull=True) | Q(effective_to__gte=day),
        )


class StatutoryFunction(models.Model):
    """A social services function (Schedule 2 to the 2014 Act), versioned by effective dates."""

    code = models.SlugField(_("code"), max_length=40, help_text=_("For example SSWBA-s17."))
    citation = models.CharField(_("citation"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    act = models.CharField(_("Act"), max_length=200)
    url = models.URLField(_("link to the legislation"), blank=True)
    schedule2_listed = models.BooleanField(_("listed in Schedule 2"), default=True)
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=1, choices=Confidence.choices, default=Confidence.UNVERIFIED
    )
    history = HistoricalRecords()

    objects = StatutoryFunctionQuerySet.as_manager()

    class Meta:
        ordering = ["code", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="function_version"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(effective_to__gte=F("effective_from")),
                name="function_effective_range",
            ),
        ]
        verbose_name = _("statutory function")
        verbose_name_plural = _("statutory functions")

    def __str__(self) -> str:
        return f"{self.citation} ({self.title})"


class Inspection(fsm.ConcurrentTransitionMixin, models.Model):
    """An inspection of one council's social services, from planning to the published report."""

    council = models.ForeignKey(
        Organisation,
        verbose_name=_("council"),
        on_delete=models.PROTECT,
        related_name="inspections",
        limit_choices_to={"kind": OrganisationKind.LOCAL_AUTHORITY},
    )
    title = models.CharField(_("title"), max_length=300)
    service_area = models.CharField(_("service area"), max_length=20, choices=ServiceArea.choices)
    inspection_type = models.CharField(_("inspection type"), max_length=30, choices=InspectionType.choices)
    inspectorate_name = models.CharField(
        _("inspectorate"),
        max_length=200,
        default="Care Inspectorate Wales",
        help_text=_("As named at the time (CSSIW until 2018)."),
    )
    lead_inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead inspector"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections_led",
    )
    report_reference = models.CharField(_("report reference"), max_length=200, blank=True)
    report_url = models.URLField(_("report link"), blank=True)
    fieldwork_note = models.CharField(
        _("fieldwork, as the source gives it"),
        max_length=300,
        blank=True,
        help_text=_("When the source gives no days, for example: October 2018."),
    )
    draft_issued_on = models.DateField(_("draft issued on"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    # Protected: the state changes only through the transitions below (see accounts.audit).
    state = fsm.FSMField(
        _("state"),
        max_length=20,
        choices=InspectionState.choices,
        default=InspectionState.PLANNED,
        protected=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-published_on", "-created_at"]
        indexes = [models.Index(fields=["council", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(published_on__isnull=True)
                | Q(draft_issued_on__isnull=True)
                | Q(published_on__gte=F("draft_issued_on")),
                name="inspection_published_after_draft",
            ),
        ]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        """Return True while findings and recommendations may still change."""
        return self.state in EDITABLE_STATES

    def has_findings(self) -> bool:
        return self.findings.exists()

    has_findings.message = _("Record at least one finding before issuing the draft report.")

    @fsm.transition(
        field=state,
        source=InspectionState.PLANNED,
        target=InspectionState.FIELDWORK,
        permission=permissions.can_manage_inspection,
        custom={"label": _("Start fieldwork")},
    )
    def start_fieldwork(self) -> None:
        """Inspectors begin their visits and case tracking."""

    @fsm.transition(
        field=state,
        source=InspectionState.FIELDWORK,
        target=InspectionState.DRAFT_ISSUED,
        conditions=[has_findings],
        permission=permissions.can_manage_inspection,
        custom={"label": _("Issue draft report")},
    )
    def issue_draft(self, *, on: datetime.date) -> None:
        """The draft report goes to the council for its factual accuracy check."""
        self.draft_issued_on = on

    @fsm.transition(
        field=state,
        source=InspectionState.DRAFT_ISSUED,
        target=InspectionState.PUBLISHED,
        permission=permissions.can_manage_inspection,
        custom={"label": _("Publish report")},
    )
    def publish(self, *, on: datetime.date) -> None:
        """The final report is published; its findings become part of the record."""
        self.published_on = on

    @fsm.transition(
        field=state,
        source=InspectionState.PLANNED,
        target=InspectionState.PUBLISHED,
        permission=permissions.can_manage_inspection,
        custom={"label": _("Record a report already published")},
    )
    def record_published(self, *, on: datetime.date) -> None:
        """A report published before the tracker held the inspection is recorded as it was published."""
        self.published_on = on

    @fsm.transition(
        field=state,
        source=EDITABLE_STATES,
        target=InspectionState.WITHDRAWN,
        permission=permissions.can_manage_inspection,
        custom={"label": _("Withdraw inspection")},
    )
    def withdraw(self) -> None:
        """The inspection is stopped before any report is published."""


class FieldworkPeriod(models.Model):
    """A stretch of days the inspectors were on site (Powys 2017: two separate weeks)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="fieldwork_periods")
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    # The source names the week ("the week commencing 17 July"), not the days on site.
    week_commencing = models.BooleanField(_("the source gives the week, not the days"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")) | Q(ends_on__isnull=True, week_commencing=True),
                name="fieldwork_ends_after_start",
            ),
        ]
        verbose_name = _("fieldwork period")
        verbose_name_plural = _("fieldwork periods")

    def __str__(self) -> str:
        if self.week_commencing:
            return str(_("week commencing %(date)s") % {"date": f"{self.starts_on:%d %b %Y}"})
        return f"{self.starts_on:%d %b %Y} – {self.ends_on:%d %b %Y}"


class FrozenAfterPublication(models.Model):
    """Refuse changes once the parent inspection's report is published or withdrawn."""

    frozen_message = _("This inspection's report is published, so its contents cannot change.")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.check_editable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.check_editable()
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        self.check_editable()

    def check_editable(self) -> None:
        """Raise ValidationError if the inspection's report is published or withdrawn."""
        # The stored row's inspection counts too: moving a published finding away changes the record.
        stored = type(self)._base_manager.filter(pk=self.pk).values("inspection_id")
        closed = Inspection.objects.filter(Q(pk=self.inspection_id) | Q(pk__in=stored))
        if closed.exclude(state__in=EDITABLE_STATES).exists():
            raise ValidationError(self.frozen_message)


class Finding(FrozenAfterPublication):
    """One finding of an inspection report: a strength, an area for improvement or a concern."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    theme = models.CharField(_("theme"), max_length=30, choices=FindingTheme.choices)
    kind = models.CharField(_("kind"), max_length=30, choices=FindingKind.choices)
    text = models.TextField(_("finding"))
    evidence_summary = models.TextField(_("evidence summary"), blank=True)
    statutory_functions = models.ManyToManyField(
        StatutoryFunction,
        verbose_name=_("statutory functions cited"),
        blank=True,
        related_name="findings",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords(m2m_fields=[statutory_functions])

    class Meta:
        ordering = ["inspection", "position", "id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:80]}"

    @property
    def is_serious(self) -> bool:
        return self.kind == FindingKind.SERIOUS_CONCERN


class Recommendation(FrozenAfterPublication):
    """A numbered recommendation of the report, resting on some of its findings."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("recommendation"))
    findings = models.ManyToManyField(
        Finding, verbose_name=_("findings it rests on"), blank=True, related_name="recommendations"
    )
    history = HistoricalRecords(m2m_fields=[findings])

    class Meta:
        ordering = ["inspection", "number"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="recommendation_number_unique"),
        ]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"


class FormSubmission(models.Model):
    """A form sent once: who sent it and the page of what it made (see inspections.submissions).

    The key stands for the form's one-time token together with what was sent, so sending the same
    form again (a double click, a resend after a timeout) finds the row and shows that page, while
    the same form sent with other answers is a new submission.
    """

    key = models.CharField(_("key"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), on_delete=models.CASCADE, related_name="+"
    )
    url = models.CharField(_("page of what it made"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"
