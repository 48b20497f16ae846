"""The form on the "case as it stood" page: the day to look back to."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.forms import GovukDateField
from intervention.calendars import format_date


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
