"""The forms of the power to intervene and of directions: each field labelled, each error in words."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import GovukDateField, GovukForm, not_future
from inspections.models import StatutoryFunction
from intervention.choices import DirectionKind, DirectionState, PerformedBy

DATE_HINT = _("For example, 19 2 2018")


class DetermineForm(GovukForm):
    """The Ministers' determination that the power to intervene has arisen after a notice."""

    on = GovukDateField(
        label=_("Date of the determination"),
        help_text=DATE_HINT,
        error_messages={"required": _("Enter the date of the determination")},
    )
    actions_not_taken = forms.ModelMultipleChoiceField(
        label=_("Required actions the council did not take"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Select all that apply"),
        error_messages={"required": _("Select the required actions the council did not take")},
    )
    reasons = forms.CharField(
        label=_("Reasons for the determination"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        error_messages={"required": _("Enter the reasons for the determination")},
    )
    reference = forms.CharField(label=_("Reference (optional)"), max_length=300, required=False)

    def __init__(self, *args, requirements, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["actions_not_taken"]
        field.queryset = requirements
        field.label_from_instance = lambda r: f"({r.letter}) {r.text}"

    def clean_on(self):
        return not_future(self.cleaned_data["on"])


class PowerEndForm(GovukForm):
    """The Ministers' written notice to the council that the power has ended."""

    on = GovukDateField(
        label=_("Date of the written notice"),
        help_text=DATE_HINT,
        error_messages={"required": _("Enter the date of the written notice")},
    )
    reference = forms.CharField(
        label=_("Reference of the written notice"),
        max_length=300,
        error_messages={"required": _("Enter the reference of the written notice")},
    )
    reasons = forms.CharField(
        label=_("Why the power has ended"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Enter why the power has ended")},
    )

    def clean_on(self):
        return not_future(self.cleaned_data["on"])


class DirectionForm(GovukForm):
    kind = forms.ChoiceField(
        label=_("Kind of direction"),
        choices=DirectionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the kind of direction")},
    )
    terms = forms.CharField(
        label=_("Terms of the direction"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        error_messages={"required": _("Enter the terms of the direction")},
    )
    functions = forms.ModelMultipleChoiceField(
        label=_("Functions concerned (optional, except for a function to be performed)"),
        queryset=StatutoryFunction.objects.order_by("code"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    performed_by = forms.ChoiceField(
        label=_("Who is to perform the function (for a function to be performed)"),
        choices=[("", _("Not applicable")), *PerformedBy.choices],
        widget=forms.RadioSelect,
        required=False,
    )
    nominee = forms.CharField(label=_("Nominee (if a nominee performs it)"), max_length=300, required=False)
    relates_to = forms.ModelChoiceField(
        label=_("Direction it makes further provision for (for further provision)"),
        queryset=None,
        required=False,
        empty_label=_("Not applicable"),
    )
    given_on = GovukDateField(
        label=_("Date the direction was given"),
        help_text=DATE_HINT,
        error_messages={"required": _("Enter the date the direction was given")},
    )
    starts_on = GovukDateField(
        label=_("Date it takes effect (optional)"),
        help_text=_("Leave empty if it takes effect the day it is given"),
        required=False,
    )
    ends_on = GovukDateField(label=_("Date it ends (optional)"), help_text=DATE_HINT, required=False)
    period = forms.CharField(
        label=_("Period, as the direction words it (optional)"), max_length=300, required=False
    )
    reference = forms.CharField(label=_("Reference (optional)"), max_length=300, required=False)

    def __init__(self, *args, power, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relates_to"].queryset = power.directions.filter(
            kind=DirectionKind.PERFORMED_BY_MINISTERS, state=DirectionState.IN_FORCE
        ).select_related("provision")

    def clean_given_on(self):
        return not_future(self.cleaned_data["given_on"])


class DirectionVaryForm(GovukForm):
    on = GovukDateField(
        label=_("Date of the variation"),
        help_text=DATE_HINT,
        error_messages={"required": _("Enter the date of the variation")},
    )
    terms = forms.CharField(
        label=_("Terms of the direction as varied"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        error_messages={"required": _("Enter the terms of the direction as varied")},
    )
    ends_on = GovukDateField(label=_("Date it ends (optional)"), help_text=DATE_HINT, required=False)
    period = forms.CharField(
        label=_("Period, as the direction words it (optional)"), max_length=300, required=False
    )
    nominee = forms.CharField(label=_("Nominee (if a nominee performs it)"), max_length=300, required=False)
    reason = forms.CharField(
        label=_("Why the direction is varied"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Enter why the direction is varied")},
    )
    reference = forms.CharField(label=_("Reference (optional)"), max_length=300, required=False)

    def clean_on(self):
        return not_future(self.cleaned_data["on"])


class DirectionStopForm(GovukForm):
    on = GovukDateField(
        label=_("Date"), help_text=DATE_HINT, error_messages={"required": _("Enter the date")}
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Enter the reason")},
    )

    def clean_on(self):
        return not_future(self.cleaned_data["on"])


class DirectionRequireForm(GovukForm):
    description = forms.CharField(
        label=_("What the direction requires of the council"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Enter what the direction requires of the council")},
    )
    on = GovukDateField(
        label=_("Date it became required"),
        help_text=DATE_HINT,
        error_messages={"required": _("Enter the date it became required")},
    )
    due_on = GovukDateField(
        label=_("Date it is due by (optional)"),
        help_text=_("Only if the direction sets one"),
        required=False,
    )

    def clean_on(self):
        return not_future(self.cleaned_data["on"])
