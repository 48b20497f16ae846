"""The working-day calendar's own data: extra non-working days an administrator records."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class NonWorkingDay(models.Model):
    """A day an administrator has recorded as not a working day (beyond the bank holidays)."""

    day = models.DateField(_("date"), unique=True)
    description = models.CharField(_("description"), max_length=200)
    source = models.CharField(
        _("source"), max_length=500, help_text=_("Where this was announced: a link or reference.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["day"]
        verbose_name = _("extra non-working day")
        verbose_name_plural = _("extra non-working days")

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.description}"
