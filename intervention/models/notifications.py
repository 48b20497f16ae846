"""Notifications: telling the person who acts next that it is their turn, in the tracker and by email."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organisation

from .cases import InterventionCase
from .notices import WarningNotice


class NotificationKind(models.TextChoices):
    """The hand-offs that tell someone it is their turn."""

    NOTICE_ISSUED = "notice_issued", _("Warning notice given")
    EVIDENCE_SUBMITTED = "evidence_submitted", _("Evidence submitted")
    EVIDENCE_ACCEPTED = "evidence_accepted", _("Evidence accepted")
    EVIDENCE_RETURNED = "evidence_returned", _("Evidence returned")
    PLAN_SUBMITTED = "plan_submitted", _("Improvement plan submitted")
    PLAN_RETURNED = "plan_returned", _("Improvement plan returned")
    PLAN_AGREED = "plan_agreed", _("Improvement plan agreed")
    BOARD_REPORT_SUBMITTED = "board_report_submitted", _("Board report submitted")
    ESCALATION_RAISED = "escalation_raised", _("Escalation raised")
    ESCALATION_ACKNOWLEDGED = "escalation_acknowledged", _("Escalation acknowledged")
    OBLIGATIONS_CHANGED = "obligations_changed", _("What is owed changed")
    DIRECTION_GIVEN = "direction_given", _("Direction given")


class EmailFrequency(models.TextChoices):
    IMMEDIATE = "immediate", _("Email me about each one straight away")
    DAILY = "daily", _("Email me once a day with a summary")


class Notification(models.Model):
    """One person told of one hand-off: what it is about, whether they have read it, and its email.

    The dedupe key names the hand-off (a submission, a transition's history row...): a person is
    told of each hand-off once, a database guarantee, even if it is reported twice.
    """

    # For traceability a person who was told of something cannot be deleted.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=40, choices=NotificationKind.choices)
    dedupe_key = models.CharField(_("hand-off"), max_length=200, editable=False)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("what happened"), blank=True)
    path = models.CharField(_("link"), max_length=500, help_text=_("The tracker page of the thing."))
    council = models.ForeignKey(
        Organisation,
        verbose_name=_("council"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    case = models.ForeignKey(
        InterventionCase,
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    notice = models.ForeignKey(
        WarningNotice,
        verbose_name=_("warning notice"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # False when the hand-off is emailed another way (an escalation sends its own emails).
    email_wanted = models.BooleanField(_("to be emailed"), default=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("email attempts"), default=0)
    email_error = models.TextField(_("last email error"), blank=True)
    # Who was told of what, and each email, is in the history; reading it is the person's own
    # business, kept on the row only (so marking hundreds read is one UPDATE).
    history = HistoricalRecords(excluded_fields=["read_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_once_per_person"),
            models.CheckConstraint(
                condition=Q(email_wanted=True) | Q(emailed_at__isnull=True),
                name="notification_emailed_only_if_wanted",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return f"{self.subject} ({self.recipient})"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How a person wants notifications emailed: each at once (the default) or in a daily digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_frequency = models.CharField(
        _("emails"), max_length=20, choices=EmailFrequency.choices, default=EmailFrequency.IMMEDIATE
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.get_email_frequency_display()}"
