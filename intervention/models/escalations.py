"""Escalations of serious matters, their recipients and the councils' senior contacts."""

import datetime

import django_fsm as fsm
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.choices import OrganisationKind, Role
from accounts.models import Organisation
from accounts.permissions import has_role
from inspections.models import Finding

from .. import permissions
from ..choices import (
    AcknowledgementState,
    EscalationSource,
    RecipientKind,
    SeniorPosition,
)
from .cases import InterventionCase
from .obligations import Obligation

# How many words of a finding name the escalation it raised.
SUBJECT_WORDS = 12

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
    obligation = models.ForeignKey(
        Obligation,
        verbose_name=_("obligation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalations",
    )
    # For an overdue obligation: the day it became overdue (its due date, or the day a continuing
    # condition was breached). One escalation per obligation and day, so a daily run never raises
    # the same lateness twice.
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
                        obligation__isnull=True,
                        due_on__isnull=True,
                    )
                    | Q(
                        source=EscalationSource.OVERDUE_OBLIGATION,
                        finding__isnull=True,
                        obligation__isnull=False,
                        due_on__isnull=False,
                    )
                ),
                name="escalation_exactly_one_source",
            ),
            models.UniqueConstraint(
                fields=["finding"], condition=Q(finding__isnull=False), name="escalation_once_per_finding"
            ),
            models.UniqueConstraint(
                fields=["obligation", "due_on"],
                condition=Q(obligation__isnull=False),
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

    @property
    def subject(self) -> str:
        """Name what was escalated: the finding (its theme and first words) or what was owed.

        Needs `finding` (or `obligation` with its requirement, board report and notice) loaded.
        """
        if self.finding_id is not None:
            return _("Serious concern (%(theme)s): “%(words)s”") % {
                "theme": self.finding.get_theme_display(),
                "words": Truncator(self.finding.text).words(SUBJECT_WORDS),
            }
        return _("%(what)s of “%(notice)s” overdue from %(due)s") % {
            "what": self.obligation.label,
            "notice": self.obligation.notice.title,
            "due": dateformat.format(self.due_on, "j F Y"),
        }

    @property
    def title(self) -> str:
        """The escalation's name on every page and email: what, which council, and when it was raised.

        Two escalations never share a title: one per finding, and one per obligation and due date.
        """
        return _("%(subject)s, %(council)s, raised on %(on)s") % {
            "subject": self.subject,
            "council": self.council.name,
            "on": dateformat.format(self.raised_on, "j F Y"),
        }


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
