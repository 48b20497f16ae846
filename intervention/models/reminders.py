"""The record of every reminder email sent."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import AppendOnlyQuerySet

from ..choices import (
    ReminderKind,
)
from .obligations import Obligation


class Reminder(models.Model):
    """A reminder email sent about an obligation: to whom, about which due date, which reminder and when.

    Written only after the email went, and never changed; the unique constraint makes sending each
    reminder once a database guarantee, even if two runs overlap.
    """

    obligation = models.ForeignKey(
        Obligation, verbose_name=_("obligation"), on_delete=models.PROTECT, related_name="reminders"
    )
    # For traceability a person who was sent reminders cannot be deleted.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent to"),
        on_delete=models.PROTECT,
        related_name="reminders_received",
    )
    email = models.EmailField(_("email address used"))
    kind = models.CharField(_("reminder"), max_length=20, choices=ReminderKind.choices)
    week = models.PositiveSmallIntegerField(
        _("weeks overdue"), default=0, help_text=_("For the weekly reminder; 0 for the others.")
    )
    due_on = models.DateField(_("due date it was about"))
    as_of = models.DateField(_("run as of"))
    subject = models.CharField(_("subject"), max_length=300)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now, editable=False)
    # Like every record, shown with its history in the admin; the row is written once, never changed.
    history = HistoricalRecords()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "recipient", "kind", "week", "due_on"], name="reminder_sent_once"
            ),
            models.CheckConstraint(
                condition=Q(kind=ReminderKind.OVERDUE_WEEKLY, week__gte=1)
                | (~Q(kind=ReminderKind.OVERDUE_WEEKLY) & Q(week=0)),
                name="reminder_week_only_when_weekly",
            ),
        ]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.obligation.label} ({self.recipient})"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionError("Reminder records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Reminder records cannot be deleted.")
