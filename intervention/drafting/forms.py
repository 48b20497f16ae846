"""Forms for drafting a warning notice: they only collect input, in GOV.UK wording."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts.forms import GovukDateField, GovukForm
from inspections.models import Finding, Inspection, StatutoryFunction
from intervention.calendars import format_date
from intervention.choices import (
    ComplianceRule,
    NoticeKind,
    RequirementAnswer,
    RequirementDue,
    RequirementKind,
    VariationAction,
)
from intervention.models import Ground, InterventionCase, Obligation, RequirementTemplate, WarningNotice
from intervention.models.notices import MAX_BOARD_REPORTS

NEW_CASE = "new"
LETTER_PATTERN = re.compile(r"^[a-z0-9]{1,5}$")


def _not_in_future(day: datetime.date | None, *, today: datetime.date, message) -> datetime.date | None:
    if day and day > today:
        raise ValidationError(message)
    return day


class ConditionalRevealForm(GovukForm):
    """A form whose radio options reveal the fields only they need: the GOV.UK conditional reveal.

    `reveals` maps a radio field to {option value: names of the fields it reveals}. Each revealed
    field is shown under its option, hidden until the option is chosen (govuk-frontend's radios
    module); without JavaScript every field shows, under the option it belongs to. A field is
    revealed by one option only (a form's inputs are named once).
    """

    template_name = "intervention/drafting/includes/_conditional_form.html"
    reveals: dict[str, dict[str, tuple[str, ...]]] = {}

    def layout(self):
        """Yield (field, options) in order: options is None for a field shown as it is, else each
        option of the radios with the fields it reveals."""
        revealed = {name for options in self.reveals.values() for names in options.values() for name in names}
        for field in self.visible_fields():
            if field.name in revealed:
                continue
            if field.name not in self.reveals:
                yield field, None
                continue
            by_option = self.reveals[field.name]
            yield (
                field,
                [
                    (option, [self[n] for n in by_option.get(str(option.data["value"]), ())])
                    for option in field
                ],
            )


class NoticeStartForm(ConditionalRevealForm):
    """What kind of notice, its title, and the case it goes on."""

    reveals = {"case": {NEW_CASE: ("case_title", "case_opened_on")}}

    kind = forms.ChoiceField(
        label=_("Kind of notice"),
        choices=NoticeKind.choices,
        initial=NoticeKind.ORIGINAL,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the kind of notice")},
    )
    parent = forms.ModelChoiceField(
        label=_("Notice it follows or amends (for a follow-up notice or an addendum)"),
        queryset=WarningNotice.objects.none(),
        required=False,
        empty_label=_("None: this is an original notice"),
    )
    title = forms.CharField(
        label=_("Title of the notice"),
        max_length=300,
        error_messages={"required": _("Enter the title of the notice")},
    )
    case = forms.ChoiceField(
        label=_("Intervention case"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the case the notice goes on")},
    )
    case_title = forms.CharField(
        label=_("Title of the new case"),
        max_length=300,
        required=False,
        help_text=_("Only for a new case. For example, Powys County Council children's services"),
    )
    case_opened_on = GovukDateField(
        label=_("Date the new case was opened"),
        required=False,
        help_text=_("Only for a new case. For example, the date the inspection report was published"),
    )

    def __init__(
        self,
        *args,
        inspection: Inspection,
        open_cases: Sequence[InterventionCase],
        parents,
        today: datetime.date,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.today = today
        self.open_cases = {str(case.pk): case for case in open_cases}
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = _parent_label
        self.fields["case"].choices = [
            *(
                (
                    key,
                    _("Add it to the open case: %(title)s (opened on %(opened)s)")
                    % {"title": case.title, "opened": format_date(case.opened_on)},
                )
                for key, case in self.open_cases.items()
            ),
            (NEW_CASE, _("Open a new case")),
        ]
        self.fields["case"].initial = next(iter(self.open_cases), NEW_CASE)
        self.fields["title"].initial = _("Warning notice: %(inspection)s") % {"inspection": inspection.title}
        area = str(inspection.get_service_area_display()).lower()
        self.fields["case_title"].initial = f"{inspection.council.name} {area}"
        self.fields["case_opened_on"].initial = inspection.published_on

    def clean_case_opened_on(self):
        return _not_in_future(
            self.cleaned_data["case_opened_on"],
            today=self.today,
            message=_("The date the case was opened must be today or in the past"),
        )

    def clean(self):
        data = super().clean()
        kind, parent, case_key = data.get("kind"), data.get("parent"), data.get("case")
        if kind == NoticeKind.ORIGINAL and parent is not None:
            self.add_error("parent", _("An original notice does not follow another notice: leave this empty"))
        if kind and kind != NoticeKind.ORIGINAL and parent is None and "parent" not in self.errors:
            self.add_error("parent", _("Select the notice this one follows or amends"))
        if case_key == NEW_CASE:
            if not data.get("case_title", "").strip():
                self.add_error("case_title", _("Enter the title of the new case"))
            if data.get("case_opened_on") is None and "case_opened_on" not in self.errors:
                self.add_error("case_opened_on", _("Enter the date the new case was opened"))
            if kind and kind != NoticeKind.ORIGINAL:
                self.add_error(
                    "case",
                    _("A follow-up notice or an addendum goes on the case of the notice it follows"),
                )
        elif case_key and parent is not None and str(parent.case_id) != case_key:
            self.add_error("parent", _("Select a notice on the case this notice goes on"))
        return data

    @property
    def chosen_case(self) -> InterventionCase | None:
        """Return the open case chosen, or None when a new case is to be opened."""
        return self.open_cases.get(self.cleaned_data["case"])


def _parent_label(notice: WarningNotice) -> str:
    if notice.given_on:
        return _("%(title)s (given on %(given)s)") % {
            "title": notice.title,
            "given": format_date(notice.given_on),
        }
    return str(notice.title)


class NoticeDetailsForm(GovukForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        error_messages={"required": _("Enter the title of the notice")},
    )
    reference = forms.CharField(label=_("Reference (optional)"), max_length=100, required=False)
    minister = forms.CharField(
        label=_("Minister (optional)"),
        max_length=200,
        required=False,
        help_text=_(
            "The Minister giving the notice, for example Minister for Social Services and Public Health"
        ),
    )
    announced_on = GovukDateField(
        label=_("Date announced (optional)"),
        required=False,
        help_text=_("The date of the Minister's written statement, for example 17 10 2017"),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The opening paragraph: who the notice is given to and under which section"),
    )


class NoticeGroundsForm(GovukForm):
    """For each s150 ground: whether the notice relies on it, why, and the findings it rests on."""

    reasons_summary = forms.CharField(
        label=_("Introduction to the reasons (optional)"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For example, the inspection, when it happened and what its report identified"),
    )

    def __init__(self, *args, grounds: Iterable[Ground], findings: Iterable[Finding], **kwargs):
        super().__init__(*args, **kwargs)
        self.grounds = list(grounds)
        self.findings = {finding.pk: finding for finding in findings}
        choices = [(pk, _finding_label(finding)) for pk, finding in self.findings.items()]
        for ground in self.grounds:
            n = ground.number
            self.fields[f"ground_{n}"] = forms.BooleanField(
                label=_("Rely on ground %(number)s: %(title)s") % {"number": n, "title": ground.title},
                help_text=ground.text,
                required=False,
            )
            self.fields[f"reasons_{n}"] = forms.CharField(
                label=_("Reasons the Ministers are satisfied ground %(number)s exists") % {"number": n},
                max_length=20000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
            self.fields[f"findings_{n}"] = forms.TypedMultipleChoiceField(
                label=_("Findings the reasons for ground %(number)s rest on (optional)") % {"number": n},
                choices=choices,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def sections(self):
        """Yield each ground with its three fields, for the template."""
        for ground in self.grounds:
            n = ground.number
            yield ground, self[f"ground_{n}"], self[f"reasons_{n}"], self[f"findings_{n}"]

    def clean(self):
        data = super().clean()
        chosen = [g for g in self.grounds if data.get(f"ground_{g.number}")]
        if not chosen:
            self.add_error(
                f"ground_{self.grounds[0].number}" if self.grounds else None,
                _("Select at least one ground for intervention"),
            )
        for ground in chosen:
            if not data.get(f"reasons_{ground.number}", "").strip():
                self.add_error(
                    f"reasons_{ground.number}",
                    _("Enter the reasons the Ministers are satisfied ground %(number)s exists")
                    % {"number": ground.number},
                )
        return data

    def chosen_grounds(self) -> dict[Ground, tuple[str, list[Finding]]]:
        """Return the grounds ticked, each with its reasons and findings."""
        data = self.cleaned_data
        return {
            ground: (
                data[f"reasons_{ground.number}"],
                [self.findings[pk] for pk in data.get(f"findings_{ground.number}", [])],
            )
            for ground in self.grounds
            if data.get(f"ground_{ground.number}")
        }


def _finding_label(finding: Finding) -> str:
    return _("%(kind)s (%(theme)s, %(inspection)s): %(text)s") % {
        "kind": finding.get_kind_display(),
        "theme": finding.get_theme_display(),
        "inspection": finding.inspection.title,
        "text": Truncator(finding.text).words(40),
    }


class FailedFunctionsForm(GovukForm):
    functions = forms.ModelMultipleChoiceField(
        label=_("Social services functions the council failed to perform to an adequate standard"),
        queryset=StatutoryFunction.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Select all that apply"),
    )


class RequirementForm(ConditionalRevealForm):
    reveals = {"due": {RequirementDue.FIXED_DATE: ("due_on_fixed",)}}

    letter = forms.CharField(
        label=_("Letter"),
        max_length=7,
        help_text=_("For example, a"),
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4"}),
        error_messages={"required": _("Enter the letter of the requirement")},
    )
    text = forms.CharField(
        label=_("Action required"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter the action the council must take")},
    )
    kind = forms.ChoiceField(
        label=_("Kind of requirement"),
        choices=RequirementKind.choices,
        initial=RequirementKind.ONE_OFF,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the kind of requirement")},
    )
    answered_by = forms.ChoiceField(
        label=_("What shows it is done"),
        choices=RequirementAnswer.choices,
        initial=RequirementAnswer.EVIDENCE,
        widget=forms.RadioSelect,
        help_text=_(
            "A requirement the improvement plan, its agreement or the Board reports answer is met "
            "when they are, and takes their dates"
        ),
        error_messages={"required": _("Select what shows the requirement is done")},
    )
    due = forms.ChoiceField(
        label=_("When it is due (for a requirement the council's evidence answers)"),
        choices=RequirementDue.choices,
        initial=RequirementDue.NONE,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select when the requirement is due")},
    )
    due_on_fixed = GovukDateField(
        label=_("Fixed due date"),
        required=False,
        help_text=_("Only if it is due by a fixed date. For example, 7 2 2018"),
    )

    def __init__(self, *args, taken_letters: Iterable[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.taken_letters = set(taken_letters)

    def clean_letter(self):
        letter = self.cleaned_data["letter"].strip().strip("()").strip().lower()
        if not LETTER_PATTERN.match(letter):
            raise ValidationError(_("Enter a letter or number of up to 5 characters, for example a"))
        if letter in self.taken_letters:
            message = _("This notice already has a requirement (%(letter)s)")
            raise ValidationError(message % {"letter": letter})
        return letter

    def clean(self):
        data = super().clean()
        if data.get("answered_by") not in (None, RequirementAnswer.EVIDENCE):
            data["due"], data["due_on_fixed"] = RequirementDue.NONE, None
        if data.get("due") == RequirementDue.FIXED_DATE:
            if data.get("due_on_fixed") is None and "due_on_fixed" not in self.errors:
                self.add_error("due_on_fixed", _("Enter the date the requirement is due"))
        else:
            data["due_on_fixed"] = None
        return data


class RequirementTemplateForm(GovukForm):
    """Which template of requirements (kept by an administrator) to start a draft's requirements from."""

    template = forms.ModelChoiceField(
        label=_("Template"),
        queryset=RequirementTemplate.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("Select a template of requirements"),
            "invalid_choice": _("That template is no longer offered. Select another"),
        },
    )

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["template"]
        if isinstance(templates, QuerySet):
            field.queryset = templates
        else:  # the templates already read for the page: offered without reading them again
            templates = list(templates)
            field.queryset = RequirementTemplate.objects.filter(pk__in=[t.pk for t in templates])
            field.choices = [(t.pk, t.name) for t in templates]


class ComplianceForm(ConditionalRevealForm):
    """The compliance period (s151(2)(d)) and what the council must send during it."""

    reveals = {
        "compliance_rule": {
            ComplianceRule.WORKING_DAYS: ("compliance_excludes_christmas_eve",),
            ComplianceRule.FIXED_DATE: ("compliance_fixed_on",),
        },
        "board_reports_schedule": {"count": ("board_reports_count",)},
    }

    compliance_rule = forms.ChoiceField(
        label=_("How the compliance period is set"),
        choices=ComplianceRule.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how the compliance period is set")},
    )
    compliance_days = forms.IntegerField(
        label=_("Number of days"),
        required=False,
        min_value=1,
        max_value=1000,
        help_text=_("For working or calendar days. For example, 20"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={
            "invalid": _("Enter the number of days as a whole number, for example 20"),
            "min_value": _("The number of days must be 1 or more"),
            "max_value": _("The number of days must be 1000 or fewer"),
        },
    )
    compliance_start_on = GovukDateField(
        label=_("Counted from (optional)"),
        required=False,
        help_text=_(
            "For example, the date the inspection report was published. "
            "Leave empty to count from the date the notice is given"
        ),
    )
    compliance_fixed_on = GovukDateField(
        label=_("Fixed date"),
        required=False,
        help_text=_("Only if the period ends on a fixed date. For example, 14 11 2017"),
    )
    compliance_excludes_christmas_eve = forms.BooleanField(
        label=_("Christmas Eve is not a working day"), required=False
    )
    compliance_description = forms.CharField(
        label=_("What must be done in the period (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example, produce an improvement plan in response to the inspection report"),
    )
    requires_improvement_plan = forms.BooleanField(
        label=_("An improvement plan is due by the end of the compliance period"), required=False
    )
    board_reports_schedule = forms.ChoiceField(
        label=_("Monthly Improvement Board reports, as the notice sets them"),
        choices=[
            ("none", _("The notice sets no schedule (none is expected on a date)")),
            ("count", _("A number of monthly reports from a first month")),
            ("until_end", _("Monthly from a first month until the notice ends")),
        ],
        initial="none",
        widget=forms.RadioSelect,
        error_messages={"required": _("Select the Board report schedule the notice sets")},
    )
    board_reports_from = GovukDateField(
        label=_("Month of the first monthly Improvement Board report"),
        required=False,
        help_text=_("Only if the notice sets a schedule. Any day in that month, for example 1 11 2017"),
    )
    board_reports_count = forms.IntegerField(
        label=_("Number of monthly Improvement Board reports"),
        required=False,
        min_value=0,
        max_value=MAX_BOARD_REPORTS,
        initial=0,
        help_text=_("Only for a number of reports"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={
            "required": _("Enter the number of monthly Board reports, or 0"),
            "invalid": _("Enter the number of monthly Board reports as a whole number"),
            "min_value": _("The number of Board reports must be 0 or more"),
            "max_value": _("The number of Board reports must be %(limit_value)s or fewer"),
        },
    )

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_compliance_fixed_on(self):
        day = self.cleaned_data["compliance_fixed_on"]
        if day and day < self.today:
            raise ValidationError(_("The fixed date must be today or in the future"))
        return day

    def clean_board_reports_from(self):
        day = self.cleaned_data["board_reports_from"]
        return day.replace(day=1) if day else None

    def clean(self):
        data = super().clean()
        rule = data.get("compliance_rule")
        if rule == ComplianceRule.FIXED_DATE:
            if data.get("compliance_fixed_on") is None and "compliance_fixed_on" not in self.errors:
                self.add_error("compliance_fixed_on", _("Enter the date the compliance period ends"))
            data["compliance_days"] = None
        elif rule:
            if data.get("compliance_days") is None and "compliance_days" not in self.errors:
                self.add_error("compliance_days", _("Enter the number of days, for example 20"))
            data["compliance_fixed_on"] = None
        schedule = data.pop("board_reports_schedule", None)
        data["board_reports_until_end"] = schedule == "until_end"
        if schedule == "none":
            data["board_reports_from"], data["board_reports_count"] = None, 0
        if schedule == "until_end":
            data["board_reports_count"] = 0
        needs_month = schedule in ("count", "until_end") and data.get("board_reports_from") is None
        if needs_month and "board_reports_from" not in self.errors:
            self.add_error("board_reports_from", _("Enter the month of the first Board report"))
        if (
            schedule == "count"
            and not data.get("board_reports_count")
            and "board_reports_count" not in self.errors
        ):
            self.add_error("board_reports_count", _("Enter the number of monthly Board reports"))
        data["board_reports_count"] = data.get("board_reports_count") or 0
        return data


class MindedToForm(GovukForm):
    minded_to = forms.CharField(
        label=_("Action the Ministers are minded to take if the council fails to take the required action"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Enter the action the Ministers are minded to take")},
    )
    minded_to_powers = forms.CharField(
        label=_("Powers named (optional)"),
        max_length=100,
        required=False,
        help_text=_("For example, ss152-161"),
    )


class IssueForm(GovukForm):
    on = GovukDateField(
        label=_("Date the notice is given"),
        help_text=_("For example, 17 10 2017"),
        error_messages={"required": _("Enter the date the notice is given")},
    )

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["on"].initial = today

    def clean_on(self):
        return _not_in_future(
            self.cleaned_data["on"],
            today=self.today,
            message=_("The date the notice is given must be today or in the past"),
        )


class PreviewDateForm(GovukForm):
    """The date to show the notice as given on, for the preview only (GET)."""

    preview_on = GovukDateField(
        label=_("Show the notice as given on"), help_text=_("For example, 17 10 2017")
    )


class MinistersDutiesForm(GovukForm):
    """For an addendum: whether the Ministers' duties under s151(3) apply to it (unverified in law)."""

    ministers_duties_apply = forms.BooleanField(
        label=_("The Ministers must lay this addendum and report on it, as for a notice (section 151(3))"),
        required=False,
        help_text=_(
            "Whether section 151(3) applies to an addendum is unverified: tick this only if the "
            "Welsh Government's legal advice says it does"
        ),
    )


class VariationForm(ConditionalRevealForm):
    """How a draft addendum changes one requirement of the notice it amends."""

    reveals = {"action": {VariationAction.AMEND: ("new_text",)}}

    NO_CHANGE = "none"

    action = forms.ChoiceField(
        label=_("Change"),
        choices=[(NO_CHANGE, _("No change")), *VariationAction.choices],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how the addendum changes this requirement")},
    )
    new_text = forms.CharField(
        label=_("New words (if amended)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    reason = forms.CharField(
        label=_("Why it is changed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == VariationAction.AMEND and not (data.get("new_text") or "").strip():
            self.add_error("new_text", _("Enter the new words of the requirement"))
        if action in VariationAction.values and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Enter why the requirement is changed"))
        return data


class CarryOverForm(GovukForm):
    """For a follow-up notice: carry over, or close, each open obligation of the notice it follows."""

    CARRY, CLOSE = "carry", "close"

    def __init__(self, *args, obligations: Iterable[Obligation], decided: dict[int, bool], **kwargs):
        super().__init__(*args, **kwargs)
        self.obligations = list(obligations)
        for obligation in self.obligations:
            current = decided.get(obligation.pk)
            self.fields[f"obligation_{obligation.pk}"] = forms.ChoiceField(
                label=obligation.label,
                choices=[
                    (self.CARRY, _("Carry it over: still owed, under the follow-up notice")),
                    (self.CLOSE, _("Close it: no longer required once the follow-up is given")),
                ],
                widget=forms.RadioSelect,
                initial=None if current is None else (self.CARRY if current else self.CLOSE),
                error_messages={"required": _("Select whether to carry it over or close it")},
            )

    def decisions(self) -> list[tuple[Obligation, bool]]:
        return [(o, self.cleaned_data[f"obligation_{o.pk}"] == self.CARRY) for o in self.obligations]
