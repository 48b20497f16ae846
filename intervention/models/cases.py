"""An intervention case: one council's service area under intervention over the years."""

import datetime

import django_fsm as fsm
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.choices import OrganisationKind, Role
from accounts.models import Organisation
from accounts.permissions import is_official
from inspections.choices import ServiceArea
from inspections.models import Inspection

from .. import permissions
from ..choices import (
    LIVE_STATES,
    CaseState,
    NoticeState,
    Owner,
    PowerState,
    Regime,
)
from .common import condition


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
    closure_minister = models.CharField(_("Minister who decided"), max_length=300, blank=True)
    closure_decision = models.TextField(_("closing decision"), blank=True)
    closure_source = models.CharField(_("source of the closing decision"), max_length=500, blank=True)
    reopened_on = models.DateField(_("reopened on"), null=True, blank=True)
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

    @condition(_("A draft notice on the case must be issued or withdrawn first."))
    def has_no_draft_notice(self) -> bool:
        return not self.notices.filter(state=NoticeState.DRAFT).exists()

    @condition(_("Every power to intervene on the case must be ended by written notice first."))
    def has_no_live_power(self) -> bool:
        return not self.powers.filter(state=PowerState.LIVE).exists()

    @condition(
        _(
            "The Welsh Ministers' own duties under s151(3) must be recorded first (done, or done with "
            "the date not evidenced): closing the case does not discharge them."
        )
    )
    def ministers_duties_recorded(self) -> bool:
        from .obligations import Obligation  # defined after the case, which it refers to

        return not Obligation.objects.filter(
            notice__case=self, owner=Owner.MINISTERS, state__in=LIVE_STATES
        ).exists()

    @fsm.transition(
        field=state,
        source=CaseState.OPEN,
        target=CaseState.CLOSED,
        conditions=[has_no_draft_notice, has_no_live_power, ministers_duties_recorded],
        permission=permissions.can_manage_case,
        custom={"label": _("Close case")},
    )
    def close(self, *, on: datetime.date, minister: str, decision: str, source: str) -> None:
        """The Welsh Ministers decide, on a recorded date and source, that the case is over."""
        self.closed_on = on
        self.closure_minister = minister
        self.closure_decision = decision
        self.closure_source = source
        self.reopened_on = None

    @fsm.transition(
        field=state,
        source=CaseState.CLOSED,
        target=CaseState.OPEN,
        permission=permissions.can_manage_case,
        custom={"label": _("Reopen case")},
    )
    def reopen(self, *, on: datetime.date) -> None:
        """The case is opened again; the closing decision stays in its history."""
        self.reopened_on = on
        self.closed_on = None
        self.closure_minister = ""
        self.closure_decision = ""
        self.closure_source = ""
