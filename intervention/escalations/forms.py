"""The one form of the escalation pages: acknowledging, with an optional note."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import GovukForm
from intervention.escalations.services import NOTE_MAX_LENGTH


class AcknowledgeForm(GovukForm):
    note = forms.CharField(
        label=_("Note (optional)"),
        help_text=_(
            "For example, what you have done or will do about it. Everyone who can see it will read this."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=NOTE_MAX_LENGTH,
    )
