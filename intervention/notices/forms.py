"""Forms for an issued notice: the list's filters, the Ministers' dated records, escalation."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.choices import OrganisationKind
from accounts.forms import GovukDateField, not_future
from accounts.models import Organisation
from intervention.choices import InterventionPower, NoticeState


class NoticeFilterForm(forms.Form):
    """Narrow the list of notices; the council choice is only offered to people who see every council."""

    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("All states")), *NoticeState.choices], required=False
    )
    council = forms.ModelChoiceField(
        label=_("Council"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY).order_by("name"),
        required=False,
        empty_label=_("All councils"),
    )

    def __init__(self, *args, with_council: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_council:
            del self.fields["council"]

    def filter(self, notices: QuerySet) -> QuerySet:
        data = self.cleaned_data
        if data.get("state"):
            notices = notices.filter(state=data["state"])
        if data.get("council"):
            notices = notices.filter(case__council=data["council"])
        return notices


class RecordedDateForm(forms.Form):
    """The date the Ministers did something, and where it is recorded (laying, report)."""

    on = GovukDateField(
        label=_("Date"),
        help_text=_("For example, 7 11 2017"),
        error_messages={"required": _("Enter the date")},
    )
    reference = forms.CharField(
        label=_("Reference"),
        help_text=_("For example the laid paper number, or a link to the statement"),
        max_length=500,
        error_messages={"required": _("Enter the reference")},
    )

    def clean_on(self):
        return not_future(self.cleaned_data["on"])


class EscalateForm(forms.Form):
    """The Ministers move to intervene: the power, the terms of the proposed direction and why."""

    power = forms.ChoiceField(
        label=_("Power the Ministers propose to use"),
        choices=InterventionPower.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the power the Ministers propose to use")},
    )
    terms = forms.CharField(
        label=_("Terms of the proposed direction"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        error_messages={"required": _("Enter the terms of the proposed direction")},
    )
    nominee = forms.CharField(
        label=_("Nominee (optional)"),
        help_text=_("The person or body that would perform the function, if the direction names one"),
        max_length=300,
        required=False,
    )
    on = GovukDateField(
        label=_("Date the Ministers decided to intervene"),
        help_text=_("For example, 19 1 2018"),
        error_messages={"required": _("Enter the date the Ministers decided to intervene")},
    )
    reason = forms.CharField(
        label=_("Why the notice is being escalated"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Enter why the notice is being escalated")},
    )

    def clean_on(self):
        return not_future(self.cleaned_data["on"])
