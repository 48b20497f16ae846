"""The rest of a case's arc: statements to the legislature, boards, appointments and sourced events.

Each row says where the fact comes from and how sure the source is (verified, reported or
unverified), and a date only as precisely as the source gives it: the day, the month, or none.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import dateformat
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from inspections.choices import Confidence

from ..choices import BoardKind, BoardState, DatePrecision, Post, Regime, StatementKind, StatementPurpose
from .cases import InterventionCase
from .documents import ImprovementPlan
from .notices import WarningNotice


class Sourced(models.Model):
    """A fact with its source and how sure that source is."""

    source = models.CharField(
        _("source"), max_length=500, help_text=_("Where the fact is recorded: a reference or link.")
    )
    confidence = models.CharField(
        _("confidence"), max_length=1, choices=Confidence.choices, default=Confidence.VERIFIED
    )

    class Meta:
        abstract = True


def dated(day: datetime.date | None, precision: str) -> str:
    """Show a date only as precisely as the source gives it."""
    if day is None or precision == DatePrecision.NOT_EVIDENCED:
        return str(_("Date not evidenced"))
    if precision == DatePrecision.MONTH:
        return dateformat.format(day, "F Y")
    return dateformat.format(day, "j F Y")


def check_precision(day: datetime.date | None, precision: str, field: str) -> None:
    """A date given to the month is held as its first day; with no date, there is none."""
    if precision == DatePrecision.NOT_EVIDENCED and day is not None:
        raise ValidationError({field: _("A date that is not evidenced cannot have a value.")})
    if precision != DatePrecision.NOT_EVIDENCED and day is None:
        raise ValidationError({field: _("Enter the date, or say it is not evidenced.")})
    if precision == DatePrecision.MONTH and day is not None and day.day != 1:
        raise ValidationError({field: _("A date known only to the month is held as the month's first day.")})


class Statement(Sourced):
    """A written or oral statement by a Minister to the legislature about the case."""

    case = models.ForeignKey(
        InterventionCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="statements"
    )
    notice = models.ForeignKey(
        WarningNotice,
        verbose_name=_("notice it is about"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=StatementKind.choices)
    purpose = models.CharField(_("purpose"), max_length=30, choices=StatementPurpose.choices)
    made_on = models.DateField(_("made on"))
    minister = models.CharField(_("Minister"), max_length=300)
    title = models.CharField(_("title"), max_length=500)
    url = models.URLField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "made_on", "id"]
        verbose_name = _("statement to the legislature")
        verbose_name_plural = _("statements to the legislature")

    def __str__(self) -> str:
        return self.title


class Board(Sourced):
    """An Improvement Board, an Improvement and Assurance Board, or the council's own board."""

    case = models.ForeignKey(
        InterventionCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="boards"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=BoardKind.choices)
    name = models.CharField(_("name"), max_length=300)
    regime = models.CharField(_("regime it sits under"), max_length=20, choices=Regime.choices)
    chair = models.CharField(_("chair"), max_length=300, blank=True)
    chair_independent = models.BooleanField(_("independently chaired"), default=False)
    remit = models.TextField(_("remit"))
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("board it replaces"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    established_on = models.DateField(_("established"), null=True, blank=True)
    established_precision = models.CharField(
        _("how precisely the source dates it"), max_length=10, choices=DatePrecision.choices
    )
    stood_down_on = models.DateField(_("stood down"), null=True, blank=True)
    stood_down_precision = models.CharField(
        _("how precisely the source dates the end"), max_length=10, choices=DatePrecision.choices, blank=True
    )
    stood_down_source = models.CharField(_("source of the end"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "established_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stood_down_on__isnull=True)
                | Q(established_on__isnull=True)
                | Q(stood_down_on__gte=F("established_on")),
                name="board_stood_down_after_established",
            ),
        ]
        verbose_name = _("board")
        verbose_name_plural = _("boards")

    def __str__(self) -> str:
        return self.name

    @property
    def established_display(self) -> str:
        return dated(self.established_on, self.established_precision)

    @property
    def stood_down_display(self) -> str:
        return dated(self.stood_down_on, self.stood_down_precision)

    def clean(self) -> None:
        super().clean()
        check_precision(self.established_on, self.established_precision, "established_on")

    @property
    def is_sitting(self) -> bool:
        return not self.stood_down_precision

    @property
    def state_label(self) -> str:
        return str(BoardState.SITTING.label if self.is_sitting else BoardState.STOOD_DOWN.label)


class BoardRemitChange(Sourced):
    """A change to a board's remit: when, what it became, and why."""

    board = models.ForeignKey(
        Board, verbose_name=_("board"), on_delete=models.PROTECT, related_name="remit_changes"
    )
    changed_on = models.DateField(_("changed"), null=True, blank=True)
    precision = models.CharField(
        _("how precisely the source dates it"), max_length=10, choices=DatePrecision.choices
    )
    remit_before = models.TextField(_("remit before"))
    remit = models.TextField(_("remit after"))
    summary = models.CharField(_("what changed"), max_length=500)
    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "changed_on", "id"]
        verbose_name = _("change of a board's remit")
        verbose_name_plural = _("changes of boards' remits")

    def __str__(self) -> str:
        return self.summary

    @property
    def changed_display(self) -> str:
        return dated(self.changed_on, self.precision)


# Section 144(1) of the 2014 Act: the officer is known by this title (shared/domain.md, section 2).
S144_TITLE = "director of social services"


class Appointment(Sourced):
    """A key appointment on the case: an interim director of social services, a head of service."""

    case = models.ForeignKey(
        InterventionCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="appointments"
    )
    post = models.CharField(_("post"), max_length=40, choices=Post.choices)
    title = models.CharField(_("title of the post"), max_length=300)
    person = models.CharField(_("person"), max_length=300, blank=True)
    interim = models.BooleanField(_("interim"), default=False)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    starts_precision = models.CharField(
        _("how precisely the source dates it"), max_length=10, choices=DatePrecision.choices
    )
    ends_on = models.DateField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="appointment_ends_after_start",
            ),
        ]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")

    def __str__(self) -> str:
        return self.title

    @property
    def starts_display(self) -> str:
        return dated(self.starts_on, self.starts_precision)

    def clean(self) -> None:
        super().clean()
        check_precision(self.starts_on, self.starts_precision, "starts_on")
        if self.post == Post.DIRECTOR_OF_SOCIAL_SERVICES and S144_TITLE not in self.title.lower():
            raise ValidationError(
                {
                    "title": _(
                        "Section 144(1) of the 2014 Act requires the officer to be known by the title "
                        "\u201cdirector of social services\u201d: use that title."
                    )
                }
            )


class CaseEvent(Sourced):
    """Something that happened in the case that no other record holds, dated as its source dates it."""

    case = models.ForeignKey(
        InterventionCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="events"
    )
    happened_on = models.DateField(_("date"), null=True, blank=True)
    precision = models.CharField(
        _("how precisely the source dates it"), max_length=10, choices=DatePrecision.choices
    )
    description = models.TextField(_("what happened"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "happened_on", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return self.description[:100]

    @property
    def date_display(self) -> str:
        return dated(self.happened_on, self.precision)

    def clean(self) -> None:
        super().clean()
        check_precision(self.happened_on, self.precision, "happened_on")


class PlanMilestone(models.Model):
    """A milestone of an improvement plan that the council reports progress against."""

    plan = models.ForeignKey(
        ImprovementPlan,
        verbose_name=_("improvement plan"),
        on_delete=models.PROTECT,
        related_name="milestones",
    )
    label = models.CharField(_("milestone"), max_length=300)
    due_on = models.DateField(_("due by"), null=True, blank=True)
    due_description = models.CharField(
        _("when, as the plan says"), max_length=300, blank=True, help_text=_("For example: at 6 months.")
    )
    progress = models.TextField(_("progress reported"), blank=True)
    progress_on = models.DateField(_("progress reported on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "due_on", "id"]
        verbose_name = _("plan milestone")
        verbose_name_plural = _("plan milestones")

    def __str__(self) -> str:
        return self.label
