"""Templates of requirements: sets of requirements an official may start a draft notice from.

Kept as data an administrator manages in the admin (the Powys 2017 requirements (a) to (g) are
one of them, created by `manage.py load_demo`), never as code.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import RequirementAnswer, RequirementDue, RequirementKind


class RequirementTemplateQuerySet(models.QuerySet):
    def active(self) -> "RequirementTemplateQuerySet":
        """The templates offered on the drafting pages."""
        return self.filter(is_active=True)


class RequirementTemplate(models.Model):
    """A named set of requirements, in order, that a draft notice can start from."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Where the requirements come from and when to use them. Shown to officials."),
    )
    is_active = models.BooleanField(
        _("offered when drafting"), default=True, help_text=_("Untick to stop offering it.")
    )
    history = HistoricalRecords()

    objects = RequirementTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("template of requirements")
        verbose_name_plural = _("templates of requirements")

    def __str__(self) -> str:
        return self.name


class RequirementTemplateItem(models.Model):
    """One requirement of a template: its letter, its words and how it is answered."""

    template = models.ForeignKey(
        RequirementTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    letter = models.CharField(_("letter"), max_length=5, help_text=_("For example, a"))
    text = models.TextField(_("action required"), max_length=5000)
    kind = models.CharField(
        _("kind"), max_length=30, choices=RequirementKind.choices, default=RequirementKind.ONE_OFF
    )
    answered_by = models.CharField(
        _("what shows it is done"),
        max_length=30,
        choices=RequirementAnswer.choices,
        default=RequirementAnswer.EVIDENCE,
    )
    due = models.CharField(
        _("when it is due"),
        max_length=30,
        choices=RequirementDue.choices,
        default=RequirementDue.NONE,
        help_text=_("A fixed date is set on the notice itself, not in a template."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["template", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "letter"], name="requirement_template_letter_once"),
            models.CheckConstraint(
                condition=~Q(due=RequirementDue.FIXED_DATE), name="requirement_template_no_fixed_date"
            ),
        ]
        verbose_name = _("requirement of a template")
        verbose_name_plural = _("requirements of a template")

    def __str__(self) -> str:
        return f"({self.letter}) {self.text[:60]}"
