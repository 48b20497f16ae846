"""Form pieces shared by every page: the checks of free text, the GOV.UK date input, the reason form."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.forms.renderers import TemplatesSetting
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class GovukFormRenderer(TemplatesSetting):
    """Render every form and field with GOV.UK Design System markup (templates/forms/)."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


# Free text: every form's text fields have a length limit and refuse hidden direction characters.

# Characters that change the order text is shown in without being seen (the "Trojan Source" trick):
# with them, a reason or a title can read differently on screen from what is stored and quoted.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# The limit of a text field that sets none: one line, or a box for paragraphs.
LINE_MAX_LENGTH = 300
TEXT_MAX_LENGTH = 10000


def is_free_text(field: forms.Field) -> bool:
    """Return True for a field people type text into (passwords aside: they are never shown)."""
    return isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput)


def _subject(field: forms.Field) -> str:
    """Name the field in an error message: its label without "(optional)", or "Your answer"."""
    label = re.sub(r"\s*\([^)]*\)$", "", str(field.label or "")).strip()
    return label if label and not label.endswith("?") else gettext("Your answer")


class TooLongCheck:
    """Refuse text longer than the field's max_length, naming the field and the limit."""

    def __init__(self, field: forms.CharField) -> None:
        self.field = field

    def __call__(self, value: str) -> None:
        limit = self.field.max_length
        if limit is not None and len(value) > limit:
            message = gettext("%(subject)s must be %(limit)s characters or fewer") % {
                "subject": _subject(self.field),
                "limit": number_format(limit, force_grouping=True),
            }
            # The parameters of Django's own check, for a form that words the message itself.
            params = {"limit_value": limit, "show_value": len(value), "value": value}
            raise ValidationError(message.replace("%", "%%"), code="max_length", params=params)


class DirectionCharactersCheck:
    """Refuse text holding hidden characters that change the direction of text."""

    def __init__(self, field: forms.CharField) -> None:
        self.field = field

    def __call__(self, value: str) -> None:
        if BIDI_CONTROLS.search(value):
            raise ValidationError(
                gettext("%(subject)s must not include hidden characters that change the direction of text")
                % {"subject": _subject(self.field)},
                code="direction_characters",
            )


TEXT_CHECKS = (MaxLengthValidator, TooLongCheck, DirectionCharactersCheck)


def check_text_field(field: forms.Field) -> None:
    """Give a free-text field a length limit if it has none, and the two checks above (once)."""
    if not is_free_text(field):
        return
    if field.max_length is None:
        field.max_length = TEXT_MAX_LENGTH if isinstance(field.widget, forms.Textarea) else LINE_MAX_LENGTH
    # TooLongCheck says what is too long in GOV.UK words; Django's own check would say it again.
    field.validators = [v for v in field.validators if not isinstance(v, TEXT_CHECKS)]
    field.validators += [TooLongCheck(field), DirectionCharactersCheck(field)]


class TextChecksMixin:
    """Check every free-text field of the form (see check_text_field), fields added later included."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.check_text_fields()

    def check_text_fields(self) -> None:
        for field in self.fields.values():
            check_text_field(field)

    def full_clean(self) -> None:
        # Again here: a subclass or a view may add or change fields after __init__.
        self.check_text_fields()
        super().full_clean()


class NamedErrorsMixin:
    """Name the field in a date's "must be today or in the past" error (see not_future)."""

    def add_error(self, field, error) -> None:
        named = field in getattr(self, "fields", {}) and isinstance(error, ValidationError)
        if named and not hasattr(error, "error_dict"):
            subject = date_subject(self.fields[field])
            error = ValidationError([_with_subject(item, subject) for item in error.error_list])
        super().add_error(field, error)


def _with_subject(error: ValidationError, subject: str) -> ValidationError:
    if error.code != FUTURE or not error.params:
        return error
    return ValidationError(error.message, code=error.code, params={**error.params, "subject": subject})


class GovukForm(NamedErrorsMixin, TextChecksMixin, forms.Form):
    """The base of every form of the service."""


class GovukModelForm(NamedErrorsMixin, TextChecksMixin, forms.ModelForm):
    """The base of every model form (the admin's included) where people type text."""


# The years a date typed into the service may fall in.
FIRST_YEAR = 1900
LAST_YEAR = 2200


class GovukDateWidget(forms.MultiWidget):
    """The GOV.UK date input: separate day, month and year boxes."""

    template_name = "forms/widgets/govuk_date.html"

    def __init__(self, attrs=None):
        widgets = [
            forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
            forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
            forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        return [data.get(f"{name}_{index}", "").strip() for index in range(3)]

    def value_omitted_from_data(self, data, files, name):
        return all(f"{name}_{index}" not in data for index in range(3))


def date_subject(field: forms.Field) -> str:
    """Name a date field in an error message: its `subject`, its label without "(optional)", or "The date"."""
    if getattr(field, "subject", None):
        return str(field.subject)
    subject = _subject(field)
    return gettext("The date") if subject == gettext("Your answer") else subject


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


class GovukDateField(forms.Field):
    """A date typed as day, month and year, with GOV.UK error messages naming the field.

    "Date the draft report was issued must be a real date", not "The date must be a real date":
    a page may ask for several dates. A message given to the field is used as it is.
    """

    widget = GovukDateWidget
    default_error_messages = {
        "required": _("Enter the date"),
        "incomplete": _("The date must include a day, month and year"),
        "invalid": _("The date must be a real date"),
    }
    PARTS = (_("day"), _("month"), _("year"))

    def __init__(self, *args, subject=None, **kwargs):
        # How errors name the field where its label is not a name ("Show the case as it stood at").
        self.subject = subject
        super().__init__(*args, **kwargs)

    def _message(self, code: str, *, missing: list[str] | None = None) -> str:
        message = self.error_messages[code]
        if message is not GovukDateField.default_error_messages[code]:
            return message
        subject = date_subject(self)
        if code == "required":
            return gettext("Enter the %(what)s") % {"what": _lower_first(subject)}
        if code == "incomplete":
            names = [str(part) for part in missing or []]
            wanted = (
                names[0]
                if len(names) == 1
                else gettext("%(first)s and %(last)s")
                % {
                    "first": ", ".join(names[:-1]),
                    "last": names[-1],
                }
            )
            return gettext("%(subject)s must include a %(parts)s") % {"subject": subject, "parts": wanted}
        return gettext("%(subject)s must be a real date") % {"subject": subject}

    def to_python(self, value):
        if isinstance(value, datetime.date):
            return value
        parts = list(value or ["", "", ""])
        if not any(parts):
            return None
        if not all(parts):
            missing = [name for name, part in zip(self.PARTS, parts, strict=False) if not part]
            raise ValidationError(self._message("incomplete", missing=missing), code="incomplete")
        try:
            day, month, year = (int(part) for part in parts)
            if year < FIRST_YEAR or year > LAST_YEAR:
                raise ValueError
            return datetime.date(year, month, day)
        except ValueError:
            raise ValidationError(self._message("invalid"), code="invalid") from None

    def validate(self, value) -> None:
        if value in self.empty_values and self.required:
            raise ValidationError(self._message("required"), code="required")


class ReasonForm(GovukForm):
    """Why a person is taking an action; required when the action needs a reason."""

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args, reason_required: bool = False, reason_label=None, reason_hint=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.required = reason_required
        if reason_label:
            field.label = reason_label
        if reason_hint:
            field.help_text = reason_hint
        field.error_messages["required"] = _("Enter the reason")


class DatedReasonForm(ReasonForm):
    """The date something happened, and why."""

    on = GovukDateField(label=_("Date"), help_text=_("For example, 17 10 2017"))

    field_order = ["on", "reason"]

    def clean_on(self):
        return not_future(self.cleaned_data["on"])


FUTURE = "future"


def not_future(day: datetime.date | None) -> datetime.date | None:
    """Refuse a date after today for something that has already happened.

    Raised from a form's clean_<field>, the message names that field (NamedErrorsMixin).
    """
    if day and day > timezone.localdate():
        message = _("%(subject)s must be today or in the past")
        raise ValidationError(message, code=FUTURE, params={"subject": gettext("The date")})
    return day
