"""Forms for recording what happened to an obligation. They only collect input, in GOV.UK wording."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.forms import GovukDateField, GovukForm, not_future

ON_A_DATE = "date"
NOT_EVIDENCED = "not_evidenced"


class RecordDoneForm(GovukForm):
    """That something owed was done: on a date, or (the sources being silent) with the date not on record."""

    when = forms.ChoiceField(
        label=_("When was it done?"),
        choices=[
            (ON_A_DATE, _("On a date I can give")),
            (NOT_EVIDENCED, _("It was done, but the date is not on record")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select whether you can give the date it was done")},
    )
    on = GovukDateField(
        label=_("Date it was done"),
        required=False,
        help_text=_("If you can give the date. For example, 7 11 2017"),
    )
    done_by = GovukDateField(
        label=_("Known to have been done by (optional)"),
        required=False,
        help_text=_(
            "If the date is not on record: the latest date a source shows it had been done by, "
            "for example the date of a Ministerial statement that says so"
        ),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=500,
        help_text=_("Where this is recorded: for example the laid paper number, or a link to the statement"),
        error_messages={"required": _("Enter where this is recorded")},
    )

    def clean_on(self):
        return not_future(self.cleaned_data["on"])

    def clean_done_by(self):
        return not_future(self.cleaned_data["done_by"])

    def clean(self):
        data = super().clean()
        when = data.pop("when", None)
        if when == ON_A_DATE and data.get("on") is None and "on" not in self.errors:
            self.add_error("on", ValidationError(_("Enter the date it was done")))
        data["not_evidenced"] = when == NOT_EVIDENCED
        if data["not_evidenced"]:
            data["on"] = None
        else:
            data["done_by"] = None
        return data
