"""The Welsh Ministers' power to intervene (s152) and the directions given under it (ss153-161).

What the sections say beyond the start of s152 is unverified (shared/domain.md, section 1.4), so
their numbers, headings and descriptions are reference data (`Provision`), each with its
confidence and source, and every page that quotes one shows them. Whether s152 has a route to the
power that skips the warning notice is unverified too: each route is a `PowerRoute` row an
administrator switches on with a source; only the route after a warning notice is on at first.
"""

from __future__ import annotations

import datetime

import django_fsm as fsm
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from inspections.choices import Confidence
from inspections.models import StatutoryFunction

from .. import permissions
from ..choices import DirectionKind, DirectionState, PerformedBy, PowerState
from .cases import InterventionCase
from .common import condition
from .notices import Requirement, WarningNotice


class ProvisionQuerySet(models.QuerySet):
    def in_force_on(self, day: datetime.date) -> ProvisionQuerySet:
        """Return the provisions as they stood on `day`."""
        return self.filter(
            Q(effective_from__isnull=True) | Q(effective_from__lte=day),
            Q(effective_to__isnull=True) | Q(effective_to__gte=day),
        )


class Provision(models.Model):
    """A section of an Act as the tracker quotes it, versioned by dates, with its confidence and source."""

    code = models.SlugField(_("code"), max_length=40, help_text=_("For example SSWBA-s154."))
    section = models.CharField(_("section"), max_length=40, help_text=_("For example s154."))
    act = models.CharField(_("Act"), max_length=200)
    heading = models.CharField(_("heading"), max_length=300)
    description = models.TextField(_("what it provides"))
    # The kind of direction this section provides for, if any.
    direction_kind = models.CharField(
        _("kind of direction"), max_length=30, choices=DirectionKind.choices, blank=True
    )
    url = models.URLField(_("link to the legislation"), blank=True)
    source = models.TextField(_("source"), help_text=_("Where the heading and description come from."))
    confidence = models.CharField(
        _("confidence"), max_length=1, choices=Confidence.choices, default=Confidence.UNVERIFIED
    )
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ProvisionQuerySet.as_manager()

    class Meta:
        ordering = ["code", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="provision_version"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(effective_to__gte=F("effective_from")),
                name="provision_effective_range",
            ),
        ]
        verbose_name = _("statutory provision")
        verbose_name_plural = _("statutory provisions")

    def __str__(self) -> str:
        return f"{self.section} {self.heading}"


class PowerRoute(models.Model):
    """A way the power to intervene arises under s152, switched on only with a source."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"))
    provision = models.ForeignKey(
        Provision, verbose_name=_("provision"), on_delete=models.PROTECT, related_name="routes"
    )
    requires_warning_notice = models.BooleanField(_("follows a warning notice"), default=True)
    enabled = models.BooleanField(_("can be used"), default=False)
    source = models.TextField(_("source"), blank=True)
    confidence = models.CharField(
        _("confidence"), max_length=1, choices=Confidence.choices, default=Confidence.UNVERIFIED
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requires_warning_notice", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(enabled=False) | ~Q(source=""), name="power_route_enabled_with_source"
            ),
        ]
        verbose_name = _("route to the power to intervene")
        verbose_name_plural = _("routes to the power to intervene")

    def __str__(self) -> str:
        return self.name


class PowerToIntervene(fsm.ConcurrentTransitionMixin, models.Model):
    """The Ministers' determination that the power to intervene has arisen, and its end."""

    case = models.ForeignKey(
        InterventionCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="powers"
    )
    route = models.ForeignKey(PowerRoute, verbose_name=_("route"), on_delete=models.PROTECT, related_name="+")
    notice = models.ForeignKey(
        WarningNotice,
        verbose_name=_("warning notice it follows"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="powers",
    )
    determined_on = models.DateField(_("determined on"))
    actions_not_taken = models.ManyToManyField(
        Requirement, verbose_name=_("required actions not taken"), blank=True, related_name="+"
    )
    reasons = models.TextField(_("reasons"))
    reference = models.CharField(_("reference"), max_length=300, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reference = models.CharField(_("reference of the written notice"), max_length=300, blank=True)
    end_reasons = models.TextField(_("why it ended"), blank=True)
    state = fsm.FSMField(
        _("state"), max_length=20, choices=PowerState.choices, default=PowerState.LIVE, protected=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[actions_not_taken])

    class Meta:
        ordering = ["case", "determined_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("determined_on")),
                name="power_ends_after_determined",
            ),
            models.CheckConstraint(
                condition=~Q(state=PowerState.ENDED) | (Q(ended_on__isnull=False) & ~Q(end_reference="")),
                name="power_ended_with_written_notice",
            ),
        ]
        verbose_name = _("power to intervene")
        verbose_name_plural = _("powers to intervene")

    def __str__(self) -> str:
        return _("Power to intervene from %(date)s") % {"date": self.determined_on.isoformat()}

    @fsm.transition(
        field=state,
        source=PowerState.LIVE,
        target=PowerState.ENDED,
        permission=permissions.can_manage_case,
        custom={"label": _("Record the written notice that the power has ended")},
    )
    def end(self, *, on: datetime.date, reference: str, reasons: str) -> None:
        """The Ministers give the council written notice that the power has ended.

        Directions still in force end with it (powers/services.power_end ends them first).
        """
        self.ended_on = on
        self.end_reference = reference
        self.end_reasons = reasons


class Direction(fsm.ConcurrentTransitionMixin, models.Model):
    """A direction the Ministers give under a live power to intervene."""

    power = models.ForeignKey(
        PowerToIntervene, verbose_name=_("power"), on_delete=models.PROTECT, related_name="directions"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=DirectionKind.choices)
    provision = models.ForeignKey(
        Provision, verbose_name=_("provision"), on_delete=models.PROTECT, related_name="directions"
    )
    # A direction making further provision is about a direction that a function be performed.
    relates_to = models.ForeignKey(
        "self",
        verbose_name=_("direction it makes further provision for"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="further_provisions",
    )
    reference = models.CharField(_("reference"), max_length=300, blank=True)
    terms = models.TextField(_("terms"))
    functions = models.ManyToManyField(
        StatutoryFunction, verbose_name=_("functions concerned"), blank=True, related_name="directions"
    )
    performed_by = models.CharField(_("performed by"), max_length=20, choices=PerformedBy.choices, blank=True)
    nominee = models.CharField(_("nominee"), max_length=300, blank=True)
    given_on = models.DateField(_("given on"))
    starts_on = models.DateField(_("in force from"))
    ends_on = models.DateField(_("in force until"), null=True, blank=True)
    period = models.CharField(
        _("period"), max_length=300, blank=True, help_text=_("The period as the direction words it.")
    )
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.TextField(_("why it ended"), blank=True)
    state = fsm.FSMField(
        _("state"),
        max_length=20,
        choices=DirectionState.choices,
        default=DirectionState.IN_FORCE,
        protected=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[functions])

    class Meta:
        ordering = ["power", "given_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__gte=F("given_on")), name="direction_starts_once_given"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="direction_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(kind=DirectionKind.PERFORMED_BY_MINISTERS) | ~Q(performed_by=""),
                name="direction_says_who_performs",
            ),
            models.CheckConstraint(
                condition=~Q(performed_by=PerformedBy.NOMINEE) | ~Q(nominee=""),
                name="direction_names_nominee",
            ),
            models.CheckConstraint(
                condition=~Q(kind=DirectionKind.FURTHER_PROVISION) | Q(relates_to__isnull=False),
                name="direction_further_provision_for_one",
            ),
            models.CheckConstraint(
                condition=~Q(state=DirectionState.REVOKED) | Q(revoked_on__isnull=False),
                name="direction_revoked_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(state=DirectionState.ENDED) | Q(ended_on__isnull=False),
                name="direction_ended_has_date",
            ),
        ]
        verbose_name = _("direction")
        verbose_name_plural = _("directions")

    def __str__(self) -> str:
        return _("Direction (%(section)s) of %(date)s") % {
            "section": self.provision.section,
            "date": self.given_on.isoformat(),
        }

    @property
    def case(self) -> InterventionCase:
        return self.power.case

    @condition(_("The power to intervene has ended, so the direction cannot be varied."))
    def power_live(self) -> bool:
        return self.power.state == PowerState.LIVE

    @fsm.transition(
        field=state,
        source=DirectionState.IN_FORCE,
        target=DirectionState.IN_FORCE,
        conditions=[power_live],
        permission=permissions.can_manage_case,
        custom={"label": _("Vary the direction")},
    )
    def vary(self, *, terms: str, ends_on: datetime.date | None, period: str, nominee: str) -> None:
        """The Ministers vary the direction's terms, period or nominee."""
        self.terms = terms
        self.ends_on = ends_on
        self.period = period
        self.nominee = nominee

    @fsm.transition(
        field=state,
        source=DirectionState.IN_FORCE,
        target=DirectionState.REVOKED,
        permission=permissions.can_manage_case,
        custom={"label": _("Revoke the direction")},
    )
    def revoke(self, *, on: datetime.date, reason_text: str) -> None:
        """The Ministers revoke the direction."""
        self.revoked_on = on
        self.end_reason = reason_text

    @fsm.transition(
        field=state,
        source=DirectionState.IN_FORCE,
        target=DirectionState.ENDED,
        permission=permissions.can_manage_case,
        custom={"label": _("Record that the direction has ended")},
    )
    def end(self, *, on: datetime.date, reason_text: str) -> None:
        """The direction's period is over, or the power it was given under has ended."""
        self.ended_on = on
        self.end_reason = reason_text


class DirectionVariation(models.Model):
    """One variation of a direction: what it said before, what it says now, and why."""

    direction = models.ForeignKey(
        Direction, verbose_name=_("direction"), on_delete=models.PROTECT, related_name="variations"
    )
    varied_on = models.DateField(_("varied on"))
    terms_before = models.TextField(_("terms before"))
    ends_on_before = models.DateField(_("in force until, before"), null=True, blank=True)
    nominee_before = models.CharField(_("nominee before"), max_length=300, blank=True)
    reason = models.TextField(_("reason"))
    reference = models.CharField(_("reference"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["direction", "varied_on", "id"]
        verbose_name = _("variation of a direction")
        verbose_name_plural = _("variations of directions")

    def __str__(self) -> str:
        return _("Variation of %(date)s") % {"date": self.varied_on.isoformat()}
