"""The calendar feed page's one question: what to do with the feed (each button sends its action)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import GovukForm


class CalendarFeedAction(GovukForm):
    TURN_ON = "turn_on"
    RENEW = "renew"
    TURN_OFF = "turn_off"

    action = forms.ChoiceField(
        choices=[
            (TURN_ON, _("Turn on the calendar feed")),
            (RENEW, _("Create a new address")),
            (TURN_OFF, _("Turn off the calendar feed")),
        ],
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose what to do with your calendar feed"),
            "invalid_choice": _("Choose what to do with your calendar feed"),
        },
    )

    def _post_clean(self) -> None:
        super()._post_clean()
        # The action comes from the button pressed: there is no input to link its error to.
        for error in self.errors.pop("action", []):
            self.add_error(None, error)
