"""Corrections of recorded facts: a mistyped date or reference put right, the original kept."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import AppendOnlyQuerySet, Organisation


class Correction(models.Model):
    """One correction of one recorded fact: what, from which value to which, who, when and why.

    Written once in the transaction that changes the fact (intervention.corrections.services) and
    never changed, like the transition log: a later correction is a new row, so the value first
    recorded stays on record. The object's own history records the change too.
    """

    content_type = models.ForeignKey(ContentType, verbose_name=_("kind of record"), on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField(_("record"))
    subject = GenericForeignKey("content_type", "object_id")
    fact = models.CharField(_("fact"), max_length=50, help_text=_("Which recorded fact was corrected."))
    field = models.CharField(_("field"), max_length=50)
    label = models.CharField(_("what was corrected"), max_length=300)
    original = models.CharField(_("value before"), max_length=300, blank=True)
    corrected = models.CharField(_("corrected value"), max_length=300)
    reason = models.TextField(_("why it was corrected"))
    # For traceability a person who corrected a record cannot be deleted.
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        on_delete=models.PROTECT,
        related_name="corrections_made",
    )
    corrected_at = models.DateTimeField(_("corrected at"), default=timezone.now, editable=False)
    # The council the record concerns: corrections are seen only where the record is.
    council = models.ForeignKey(
        Organisation, verbose_name=_("council"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["corrected_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "field"], name="correction_subject")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="correction_has_reason"),
            models.CheckConstraint(
                condition=~models.Q(original=models.F("corrected")), name="correction_changes_value"
            ),
        ]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return f"{self.label}: {self.original} → {self.corrected}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionError("Corrections cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Corrections cannot be deleted.")
