"""The search form: what to look for, and which kind of result to page through."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import GovukForm

from .selectors import KINDS, QUERY_MAX_LENGTH


class SearchForm(GovukForm):
    q = forms.CharField(
        label=_("Search"),
        help_text=_(
            "A council, a reference, or words from the text of a report, finding, notice or requirement"
        ),
        max_length=QUERY_MAX_LENGTH,
        error_messages={"required": _("Enter what to search for")},
    )
    kind = forms.CharField(max_length=20, required=False, widget=forms.HiddenInput)

    def clean_kind(self) -> str:
        """Page through one kind of result; anything else shows every kind."""
        kind = self.cleaned_data["kind"]
        return kind if kind in KINDS else ""
