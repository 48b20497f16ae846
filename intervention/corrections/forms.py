"""The correction form: the corrected value and why. It only collects input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import GovukDateField, GovukForm

from .facts import DATE, Fact


class CorrectionForm(GovukForm):
    reason = forms.CharField(
        label=_("Why the record is being corrected"),
        help_text=_("For example: the date was mistyped; the laid paper shows 7 November 2017"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Enter why the record is being corrected")},
    )

    def __init__(self, *args, fact: Fact, **kwargs):
        super().__init__(*args, **kwargs)
        what = str(fact.label)[:1].lower() + str(fact.label)[1:]
        label = _("Corrected %(what)s") % {"what": what}
        required = {"required": _("Enter the corrected %(what)s") % {"what": what}}
        if fact.kind == DATE:
            hint = _("For example, 17 10 2017")
            value = GovukDateField(label=label, help_text=hint, error_messages=required)
        else:
            value = forms.CharField(label=label, max_length=fact.max_length, error_messages=required)
        self.fields = {"value": value, **self.fields}
        self.check_text_fields()
