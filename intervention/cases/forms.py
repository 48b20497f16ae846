"""The forms of a case: the day to look back to, closing it, and recording a statement."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import GovukDateField, GovukForm, not_future
from inspections.choices import Confidence
from intervention.calendars import format_date
from intervention.choices import BoardKind, DatePrecision, Post, Regime, StatementKind, StatementPurpose


class AsAtForm(GovukForm):
    """A day from the opening of the case up to today."""

    on = GovukDateField(
        label=_("Show the case as it stood at the end of"),
        subject=_("The date"),
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


class CloseCaseForm(GovukForm):
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


def source_field(hint: str) -> forms.CharField:
    return forms.CharField(
        label=_("Source"), help_text=hint, max_length=500, error_messages={"required": _("Enter the source")}
    )


def confidence_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("How sure the source is"),
        choices=Confidence.choices,
        initial=Confidence.VERIFIED,
        widget=forms.RadioSelect,
    )


class StatementForm(GovukForm):
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
    source = source_field(_("Where the statement is recorded, for example the record of proceedings"))
    confidence = confidence_field()

    def __init__(self, *args, notices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notice"].queryset = notices

    def clean_made_on(self):
        return not_future(self.cleaned_data["made_on"])


class SourcedForm(GovukForm):
    """A fact with its date as precisely as its source gives it, the source, and how sure it is."""

    date_field = "on"
    date_label = _("Date")

    precision = forms.ChoiceField(
        label=_("How precisely the source dates it"),
        choices=DatePrecision.choices,
        initial=DatePrecision.DAY,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how precisely the source dates it")},
    )
    source = source_field(_("Where the fact is recorded: a link or a reference"))
    confidence = confidence_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.date_field] = GovukDateField(
            label=self.date_label,
            help_text=_("For a month only, any day of that month; leave empty if not evidenced"),
            required=False,
        )
        self.order_fields(
            [
                self.date_field,
                "precision",
                *[n for n in self.fields if n not in (self.date_field, "precision")],
            ]
        )

    def clean(self):
        data = super().clean()
        day, precision = data.get(self.date_field), data.get("precision")
        if day is not None and day > timezone.localdate():
            self.add_error(self.date_field, _("The date must be today or in the past"))
        if precision == DatePrecision.NOT_EVIDENCED:
            data[self.date_field] = None
        elif precision and day is None and self.date_field not in self.errors:
            self.add_error(self.date_field, _("Enter the date, or select that it is not evidenced"))
        elif precision == DatePrecision.MONTH and day is not None:
            data[self.date_field] = day.replace(day=1)
        return data


class BoardForm(SourcedForm):
    date_field = "established_on"
    date_label = _("Date the board was established")

    kind = forms.ChoiceField(
        label=_("Kind of board"),
        choices=BoardKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the kind of board")},
    )
    name = forms.CharField(label=_("Name"), max_length=300, error_messages={"required": _("Enter the name")})
    regime = forms.ChoiceField(
        label=_("Regime it sits under"),
        choices=Regime.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the regime the board sits under")},
    )
    chair = forms.CharField(label=_("Chair (optional)"), max_length=300, required=False)
    chair_independent = forms.BooleanField(label=_("The chair is independent"), required=False)
    remit = forms.CharField(
        label=_("Remit"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Enter the board's remit")},
    )
    replaces = forms.ModelChoiceField(
        label=_("Board it replaces (optional)"), queryset=None, required=False, empty_label=_("None")
    )

    def __init__(self, *args, boards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replaces"].queryset = boards

    def clean(self):
        data = super().clean()
        data["established_precision"] = data.pop("precision", "")
        return data


class RemitChangeForm(SourcedForm):
    date_field = "changed_on"
    date_label = _("Date the remit changed")

    summary = forms.CharField(
        label=_("What changed"), max_length=500, error_messages={"required": _("Say what changed")}
    )
    remit = forms.CharField(
        label=_("The remit as changed"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Enter the board's remit as changed")},
    )


class StandDownForm(SourcedForm):
    date_field = "on"
    date_label = _("Date the board stood down")

    confidence = None


class AppointmentForm(SourcedForm):
    date_field = "starts_on"
    date_label = _("Date of the appointment")

    post = forms.ChoiceField(
        label=_("Post"),
        choices=Post.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the post")},
    )
    title = forms.CharField(
        label=_("Title of the post"),
        help_text=_("For the director, the title section 144 requires: director of social services"),
        max_length=300,
        error_messages={"required": _("Enter the title of the post")},
    )
    person = forms.CharField(label=_("Person (optional)"), max_length=300, required=False)
    interim = forms.BooleanField(label=_("An interim appointment"), required=False)

    def clean(self):
        data = super().clean()
        data["starts_precision"] = data.pop("precision", "")
        return data


class EventForm(SourcedForm):
    date_field = "happened_on"
    date_label = _("Date it happened")

    description = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Say what happened")},
    )


class MilestoneForm(GovukForm):
    label = forms.CharField(
        label=_("Milestone"), max_length=300, error_messages={"required": _("Enter the milestone")}
    )
    due_on = GovukDateField(
        label=_("Date it is due (optional)"), help_text=_("For example, 23 7 2018"), required=False
    )
    due_description = forms.CharField(
        label=_("When, as the plan says (optional)"),
        help_text=_("For example: at 6 months"),
        max_length=300,
        required=False,
    )


class MilestoneProgressForm(GovukForm):
    on = GovukDateField(
        label=_("Date of the progress report"),
        help_text=_("For example, 23 7 2018"),
        error_messages={"required": _("Enter the date of the progress report")},
    )
    progress = forms.CharField(
        label=_("Progress made"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        error_messages={"required": _("Enter the progress made")},
    )

    def clean_on(self):
        return not_future(self.cleaned_data["on"])
