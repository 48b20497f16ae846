"""Form pieces shared by every page: the GOV.UK date input and the reason form."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class GovukFormRenderer(TemplatesSetting):
    """Render every form and field with GOV.UK Design System markup (templates/forms/)."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class GovukDateWidget(forms.MultiWidget):
    """The GOV.UK date input: separate day, month and year boxes."""

    template_name = "forms/widgets/govuk_date.html"

    def __init__(self, attrs=None):
        widgets = [
            forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
            forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
            forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        return [data.get(f"{name}_{index}", "").strip() for index in range(3)]

    def value_omitted_from_data(self, data, files, name):
        return all(f"{name}_{index}" not in data for index in range(3))


class GovukDateField(forms.Field):
    """A date typed as day, month and year, with GOV.UK error messages."""

    widget = GovukDateWidget
    default_error_messages = {
        "required": _("Enter the date"),
        "incomplete": _("The date must include a day, month and year"),
        "invalid": _("The date must be a real date"),
    }

    def to_python(self, value):
        if isinstance(value, datetime.date):
            return value
        parts = list(value or ["", "", ""])
        if not any(parts):
            return None
        if not all(parts):
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")
        try:
            day, month, year = (int(part) for part in parts)
            if year < 1900 or year > 2200:
                raise ValueError
            return datetime.date(year, month, day)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class ReasonForm(forms.Form):
    """Why a person is taking an action; required when the action needs a reason."""

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args, reason_required: bool = False, reason_label=None, reason_hint=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.required = reason_required
        if reason_label:
            field.label = reason_label
        if reason_hint:
            field.help_text = reason_hint
        field.error_messages["required"] = _("Enter the reason")


class DatedReasonForm(ReasonForm):
    """The date something happened, and why."""

    on = GovukDateField(label=_("Date"), help_text=_("For example, 17 10 2017"))

    field_order = ["on", "reason"]

    def clean_on(self):
        return not_future(self.cleaned_data["on"])


def not_future(day: datetime.date | None) -> datetime.date | None:
    """Refuse a date after today for something that has already happened."""
    if day and day > timezone.localdate():
        raise ValidationError(_("The date must be today or in the past"))
    return day
