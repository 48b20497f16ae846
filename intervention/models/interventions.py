"""Escalation to intervention under ss152-161."""

import datetime

import django_fsm as fsm
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import permissions
from ..choices import (
    InterventionPower,
    InterventionState,
)
from .notices import WarningNotice


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
