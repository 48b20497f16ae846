"""The forms of a case: the day to look back to, closing it, and recording a statement."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.forms import GovukDateField, not_future
from inspections.choices import Confidence
from intervention.calendars import format_date
from intervention.choices import StatementKind, StatementPurpose


class AsAtForm(forms.Form):
    """A day from the opening of the case up to today."""

    on = GovukDateField(
        label=_("Show the case as it stood at the end of"),
        help_text=_("For example, 13 11 2017"),
        error_messages={"required": _("Enter the date to show the case at")},
    )

    def __init__(self, *args, opened_on: datetime.date, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.opened_on = opened_on
        self.today = today

    def clean_on(self) -> datetime.date:
        day = self.cleaned_data["on"]
        if day > self.today:
            raise ValidationError(_("The date must be today or in the past"))
        if day < self.opened_on:
            raise ValidationError(
                _("The date must be on or after %(date)s, when the case was opened")
                % {"date": format_date(self.opened_on)}
            )
        return day


class CloseCaseForm(forms.Form):
    """The Ministers' decision that the case is over: when, who, what, and where it is recorded."""

    on = GovukDateField(
        label=_("Date of the decision"),
        help_text=_("For example, 2 11 2020"),
        error_messages={"required": _("Enter the date of the decision")},
    )
    minister = forms.CharField(
        label=_("Minister who decided"),
        max_length=300,
        error_messages={"required": _("Enter the Minister who decided")},
    )
    decision = forms.CharField(
        label=_("The decision"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Enter the Ministers' decision")},
    )
    source = forms.CharField(
        label=_("Where the decision is recorded"),
        help_text=_("A link or a reference, for example the written statement"),
        max_length=500,
        error_messages={"required": _("Enter where the decision is recorded")},
    )

    def clean_on(self):
        return not_future(self.cleaned_data["on"])


class StatementForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of statement"),
        choices=StatementKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the kind of statement")},
    )
    purpose = forms.ChoiceField(
        label=_("What it is"),
        choices=StatementPurpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select what the statement is")},
    )
    notice = forms.ModelChoiceField(
        label=_("Notice it is about (needed for laying and the 90-day report)"),
        queryset=None,
        required=False,
        empty_label=_("None"),
    )
    made_on = GovukDateField(
        label=_("Date of the statement"),
        help_text=_("For example, 15 1 2018"),
        error_messages={"required": _("Enter the date of the statement")},
    )
    minister = forms.CharField(
        label=_("Minister"), max_length=300, error_messages={"required": _("Enter the Minister")}
    )
    title = forms.CharField(
        label=_("Title"), max_length=500, error_messages={"required": _("Enter the title")}
    )
    url = forms.URLField(
        label=_("Link (optional)"),
        max_length=500,
        assume_scheme="https",
        required=False,
        error_messages={"invalid": _("Enter a link starting https://")},
    )
    source = forms.CharField(
        label=_("Source"),
        help_text=_("Where the statement is recorded, for example the record of proceedings"),
        max_length=500,
        error_messages={"required": _("Enter the source")},
    )
    confidence = forms.ChoiceField(
        label=_("How sure the source is"),
        choices=Confidence.choices,
        initial=Confidence.VERIFIED,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, notices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notice"].queryset = notices

    def clean_made_on(self):
        return not_future(self.cleaned_data["made_on"])
