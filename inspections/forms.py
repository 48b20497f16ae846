"""Forms for inspection pages: they only collect input, in GOV.UK wording."""

import datetime
from collections.abc import Iterable

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.choices import OrganisationKind, Role
from accounts.forms import DatedReasonForm, GovukDateField, GovukForm, ReasonForm, not_future
from accounts.models import Organisation, User

from .choices import FindingKind, FindingTheme, InspectionState, InspectionType, ServiceArea
from .models import Finding, Inspection, StatutoryFunction


class InspectionFilterForm(GovukForm):
    council = forms.ModelChoiceField(
        label=_("Council"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY),
        required=False,
        empty_label=_("All councils"),
    )
    state = forms.ChoiceField(
        label=_("Stage"), choices=[("", _("All stages")), *InspectionState.choices], required=False
    )
    inspection_type = forms.ChoiceField(
        label=_("Type"), choices=[("", _("All types")), *InspectionType.choices], required=False
    )

    def filter(self, inspections: QuerySet) -> QuerySet:
        data = self.cleaned_data
        if data.get("council"):
            inspections = inspections.filter(council=data["council"])
        if data.get("state"):
            inspections = inspections.filter(state=data["state"])
        if data.get("inspection_type"):
            inspections = inspections.filter(inspection_type=data["inspection_type"])
        return inspections


def inspector_choices() -> QuerySet:
    """Return the people who may lead an inspection: active inspectors of an inspectorate."""
    return User.objects.filter(
        role=Role.INSPECTOR, is_active=True, organisation__kind=OrganisationKind.INSPECTORATE
    ).order_by("first_name", "last_name", "username")


class InspectionDetailsForm(GovukForm):
    """The details of an inspection that may change until its report is published."""

    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        help_text=_("For example, Inspection of children's services, Powys County Council"),
        error_messages={"required": _("Enter the title of the inspection")},
    )
    service_area = forms.ChoiceField(
        label=_("Service area"),
        choices=[("", _("Select a service area")), *ServiceArea.choices],
        error_messages={"required": _("Select the service area")},
    )
    inspection_type = forms.ChoiceField(
        label=_("Inspection type"),
        choices=[("", _("Select a type")), *InspectionType.choices],
        error_messages={"required": _("Select the type of inspection")},
    )
    inspectorate_name = forms.CharField(
        label=_("Inspectorate"),
        max_length=200,
        initial="Care Inspectorate Wales",
        help_text=_("As named at the time (CSSIW until 2018)"),
        error_messages={"required": _("Enter the name of the inspectorate")},
    )
    lead_inspector = forms.ModelChoiceField(
        label=_("Lead inspector (optional)"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Not yet chosen"),
    )
    report_reference = forms.CharField(label=_("Report reference (optional)"), max_length=200, required=False)
    report_url = forms.URLField(
        label=_("Report link (optional)"),
        max_length=200,
        required=False,
        assume_scheme="https",
        help_text=_("The web address of the published report"),
        error_messages={
            "invalid": _("Enter a web address in the correct format, like https://www.gov.wales")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_inspector"].queryset = inspector_choices()


class InspectionCreateForm(InspectionDetailsForm):
    """Plan an inspection: the council, its details and up to two fieldwork periods."""

    FIELDWORK_PERIODS = 2

    council = forms.ModelChoiceField(
        label=_("Council"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY),
        empty_label=_("Select a council"),
        error_messages={"required": _("Select the council being inspected")},
    )
    fieldwork_1_starts_on = GovukDateField(
        label=_("First fieldwork period: first day (optional)"),
        required=False,
        help_text=_("For example, 19 6 2017"),
    )
    fieldwork_1_ends_on = GovukDateField(
        label=_("First fieldwork period: last day (optional)"), required=False
    )
    fieldwork_2_starts_on = GovukDateField(
        label=_("Second fieldwork period: first day (optional)"), required=False
    )
    fieldwork_2_ends_on = GovukDateField(
        label=_("Second fieldwork period: last day (optional)"), required=False
    )

    field_order = ["council", "title", "service_area", "inspection_type"]

    def clean(self):
        data = super().clean()
        fieldwork = []
        for number in range(1, self.FIELDWORK_PERIODS + 1):
            start_name, end_name = f"fieldwork_{number}_starts_on", f"fieldwork_{number}_ends_on"
            if start_name in self.errors or end_name in self.errors:
                continue
            starts_on, ends_on = data.get(start_name), data.get(end_name)
            if starts_on and not ends_on:
                self.add_error(end_name, _("Enter the last day of the fieldwork period"))
            elif ends_on and not starts_on:
                self.add_error(start_name, _("Enter the first day of the fieldwork period"))
            elif starts_on and ends_on and ends_on < starts_on:
                self.add_error(end_name, _("The last day must be the same as or after the first day"))
            elif starts_on and ends_on:
                if fieldwork and starts_on <= fieldwork[-1][1]:
                    self.add_error(
                        start_name,
                        _("The second fieldwork period must start after the first one ends"),
                    )
                    continue
                fieldwork.append((starts_on, ends_on))
        data["fieldwork"] = fieldwork
        return data

    def service_kwargs(self) -> dict:
        """Return the cleaned data in the shape `inspection_create` takes."""
        data = self.cleaned_data
        names = ["council", *InspectionDetailsForm.base_fields, "fieldwork"]
        return {name: data[name] for name in names}


class FindingForm(GovukForm):
    """A finding: its theme and kind, what was found and the statutory functions it concerns."""

    theme = forms.ChoiceField(
        label=_("Theme"),
        choices=[("", _("Select a theme")), *FindingTheme.choices],
        error_messages={"required": _("Select the theme of the finding")},
    )
    kind = forms.ChoiceField(
        label=_("Kind of finding"),
        choices=FindingKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the kind of finding")},
    )
    text = forms.CharField(
        label=_("Finding"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Enter the finding")},
    )
    evidence_summary = forms.CharField(
        label=_("Evidence summary (optional)"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("What the inspectors saw or read that supports the finding"),
    )
    statutory_functions = forms.ModelMultipleChoiceField(
        label=_("Statutory functions cited (optional)"),
        queryset=StatutoryFunction.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Select the social services functions the finding concerns"),
    )

    def __init__(self, *args, today: datetime.date, cited: Iterable[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        in_force = StatutoryFunction.objects.in_force_on(today).values("pk")
        self.fields["statutory_functions"].queryset = StatutoryFunction.objects.filter(
            Q(pk__in=in_force) | Q(pk__in=list(cited))
        )


class RecommendationForm(GovukForm):
    """A recommendation of the report and the findings it rests on."""

    text = forms.CharField(
        label=_("Recommendation"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Enter the recommendation")},
    )
    findings = forms.ModelMultipleChoiceField(
        label=_("Findings it rests on (optional)"),
        queryset=Finding.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, inspection: Inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["findings"].queryset = inspection.findings.all()


class IssueDraftForm(DatedReasonForm):
    on = GovukDateField(
        label=_("Date the draft report was issued"),
        help_text=_("For example, 5 9 2017"),
        error_messages={"required": _("Enter the date the draft report was issued")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("reason_label", _("Note (optional)"))
        super().__init__(*args, **kwargs)


class PublishForm(DatedReasonForm):
    on = GovukDateField(
        label=_("Date the report was published"),
        help_text=_("For example, 17 10 2017"),
        error_messages={"required": _("Enter the date the report was published")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("reason_label", _("Note (optional)"))
        super().__init__(*args, **kwargs)


class RecordPublishedForm(GovukForm):
    """A report published before the tracker held the inspection: its publication date and source."""

    on = GovukDateField(
        label=_("Date the report was published"),
        help_text=_("For example, 9 1 2019"),
        error_messages={"required": _("Enter the date the report was published")},
    )
    source = forms.CharField(
        label=_("Where the publication is recorded"),
        help_text=_("A link or a reference, for example the inspectorate's page for the report"),
        max_length=500,
        error_messages={"required": _("Enter where the publication is recorded")},
    )

    def clean_on(self):
        return not_future(self.cleaned_data["on"])


class StartFieldworkForm(ReasonForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("reason_label", _("Note (optional)"))
        super().__init__(*args, **kwargs)


class WithdrawForm(ReasonForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("reason_label", _("Why is the inspection being withdrawn?"))
        super().__init__(*args, reason_required=True, **kwargs)
        self.fields["reason"].error_messages["required"] = _("Enter why the inspection is being withdrawn")
