"""Forms for an issued notice: the list's filters, the Ministers' dated records, escalation."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.choices import OrganisationKind
from accounts.forms import GovukDateField, GovukForm, not_future
from accounts.models import Organisation
from intervention.choices import NoticeState
from intervention.models.notices import MAX_BOARD_REPORTS


class NoticeFilterForm(GovukForm):
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


class RecordedDateForm(GovukForm):
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


class ExtendComplianceForm(GovukForm):
    """The Ministers give the council longer: the new end, who decided, when and why."""

    ends_on = GovukDateField(
        label=_("New end of the compliance period"),
        help_text=_("For example, 30 11 2017"),
        error_messages={"required": _("Enter the new end of the compliance period")},
    )
    decided_by = forms.CharField(
        label=_("Who decided"),
        max_length=200,
        help_text=_("For example, the Minister for Social Services and Public Health"),
        error_messages={"required": _("Enter who decided to extend the compliance period")},
    )
    decided_on = GovukDateField(
        label=_("Date of the decision"),
        help_text=_("For example, 10 11 2017"),
        error_messages={"required": _("Enter the date of the decision")},
    )
    reason = forms.CharField(
        label=_("Why the period is being extended"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Enter why the compliance period is being extended")},
    )

    def clean_decided_on(self):
        return not_future(self.cleaned_data["decided_on"])


class BoardScheduleForm(GovukForm):
    """When the monthly Improvement Board reports are due, as the notice's terms (or a later decision) set."""

    NONE, COUNT, UNTIL_END = "none", "count", "until_end"

    schedule = forms.ChoiceField(
        label=_("Board reports"),
        choices=[
            (NONE, _("No schedule: the notice sets none")),
            (COUNT, _("A number of monthly reports")),
            (UNTIL_END, _("Monthly, until the notice ends")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the Board report schedule")},
    )
    first_month = GovukDateField(
        label=_("Month of the first report"),
        required=False,
        help_text=_("Any day in that month, for example 1 11 2017"),
    )
    count = forms.IntegerField(
        label=_("Number of monthly reports"),
        required=False,
        min_value=1,
        max_value=MAX_BOARD_REPORTS,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={
            "invalid": _("Enter the number of reports as a whole number, for example 6"),
            "min_value": _("The number of reports must be 1 or more"),
            "max_value": _("The number of reports must be %(limit_value)s or fewer"),
        },
    )
    reason = forms.CharField(
        label=_("Why the schedule is changing"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Enter why the Board report schedule is changing")},
    )

    def clean(self):
        data = super().clean()
        schedule = data.pop("schedule", None)
        if (
            schedule in (self.COUNT, self.UNTIL_END)
            and data.get("first_month") is None
            and "first_month" not in self.errors
        ):
            self.add_error("first_month", _("Enter the month of the first report"))
        if schedule == self.COUNT and not data.get("count") and "count" not in self.errors:
            self.add_error("count", _("Enter the number of monthly reports"))
        data["until_end"] = schedule == self.UNTIL_END
        if schedule != self.COUNT:
            data["count"] = 0
        if schedule == self.NONE:
            data["first_month"] = None
        return data
