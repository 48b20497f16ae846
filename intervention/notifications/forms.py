"""The one form of the notification pages: how a person wants notifications emailed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import GovukForm

from ..models import EmailFrequency


class EmailPreferenceForm(GovukForm):
    email_frequency = forms.ChoiceField(
        label=_("How do you want to get emails about your notifications?"),
        help_text=_("You always see every notification in the tracker."),
        choices=EmailFrequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how you want to get emails about your notifications")},
    )
