"""The one question the two-step pages ask: a code."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import GovukForm

from . import second_factor

CODE_ATTRS = {
    "autocomplete": "one-time-code",
    "autocapitalize": "none",
    "spellcheck": "false",
    "class": "govuk-input--width-10",
}


class AppCodeForm(GovukForm):
    """The 6-digit code an authenticator app shows, to confirm it is set up."""

    code = forms.CharField(
        label=_("Code from the app"),
        help_text=_("The 6-digit code the app shows for this service"),
        max_length=20,
        error_messages={"required": second_factor.APP_CODE_FORMAT},
        widget=forms.TextInput(attrs={**CODE_ATTRS, "inputmode": "numeric"}),
    )


class CodeForm(GovukForm):
    """A code from the app, or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes"),
        max_length=20,
        error_messages={"required": second_factor.CODE_FORMAT},
        widget=forms.TextInput(attrs=CODE_ATTRS),
    )
