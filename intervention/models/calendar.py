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


class ConfirmedCalendarYear(models.Model):
    """A year outside the bank holiday data whose non-working days an administrator has checked.

    The `holidays` package knows the bank holidays of England and Wales only for a range of
    years; a deadline that needs any other year is refused until an administrator has recorded
    that year's non-working days (as extra non-working days) and confirmed it here, with a source.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(
        _("source"),
        max_length=500,
        help_text=_("Where the year's bank holidays were announced: a link or reference."),
    )
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]
        verbose_name = _("confirmed calendar year")
        verbose_name_plural = _("confirmed calendar years")

    def __str__(self) -> str:
        return str(self.year)
