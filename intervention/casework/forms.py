"""Forms for the council's work on a notice: evidence and documents. They only collect input."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.forms import GovukDateField, GovukForm, not_future
from intervention.casework.uploads import evidence_content_type
from intervention.models import EVIDENCE_TYPES

# Limits on evidence files; EVIDENCE_MAX_FILE_SIZE in settings overrides the size (tests use a small one).
EVIDENCE_MAX_FILES = 10
EVIDENCE_MAX_FILE_SIZE = 20 * 1024 * 1024


class MultipleFileInput(forms.FileInput):
    """A file input that lets a person choose several files at once."""

    allow_multiple_selected = True


def _size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size // (1024 * 1024)}MB"
    return f"{max(size // 1024, 1)}KB"


class EvidenceFilesField(forms.FileField):
    """One or more evidence files, each checked by its size, then by its name and structure (uploads.py)."""

    widget = MultipleFileInput(attrs={"accept": ",".join(EVIDENCE_TYPES)})
    default_error_messages = {
        "required": _("Select at least one file"),
        "too_many": _("Select %(count)s files or fewer"),
        "invalid": _("The selected file could not be read: choose it again"),
        "missing": _("The selected file could not be read: choose it again"),
        "empty": _("The selected file is empty"),
        "too_big": _("The selected file %(name)s must be smaller than %(limit)s"),
    }

    def clean(self, data, initial=None):
        uploads = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > EVIDENCE_MAX_FILES:
            raise ValidationError(
                self.error_messages["too_many"], code="too_many", params={"count": EVIDENCE_MAX_FILES}
            )
        cleaned = [super(EvidenceFilesField, self).clean(upload, initial) for upload in uploads]
        errors = [error for upload in cleaned for error in self._check(upload)]
        if errors:
            raise ValidationError(errors)
        return cleaned

    def _check(self, upload) -> list[ValidationError]:
        name = f"“{upload.name}”"
        limit = getattr(settings, "EVIDENCE_MAX_FILE_SIZE", EVIDENCE_MAX_FILE_SIZE)
        if upload.size > limit:
            return [
                ValidationError(
                    self.error_messages["too_big"],
                    code="too_big",
                    params={"name": name, "limit": _size_label(limit)},
                )
            ]
        try:
            evidence_content_type(upload)
        except ValidationError as refused:
            return [refused]
        return []


class DocumentSubmitForm(GovukForm):
    """The council sends the plan or a Board report: a summary, and its files or where it is kept."""

    on = GovukDateField(
        label=_("Date it was sent"),
        help_text=_("For example, 13 11 2017"),
        error_messages={"required": _("Enter the date it was sent")},
    )
    summary = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        error_messages={"required": _("Enter a summary")},
    )
    # Checked, stored and served exactly as evidence files are.
    files = EvidenceFilesField(
        label=_("Upload the document (optional)"),
        help_text=_(
            "PDF, Word, Excel, PNG or JPEG files, up to 10 files, each smaller than 20MB. "
            "You can select several files at once."
        ),
        required=False,
    )
    document_reference = forms.CharField(
        label=_("Document reference (optional)"),
        help_text=_("Where Welsh Government can find the document, for example a file path or link"),
        max_length=500,
        required=False,
    )

    def clean_on(self):
        return not_future(self.cleaned_data["on"])


class EvidenceForm(GovukForm):
    """The council's statement that a requirement is met, with the files that show it."""

    statement = forms.CharField(
        label=_("How the council has met this requirement"),
        help_text=_("Say what was done, when, and what the attached files show"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        error_messages={"required": _("Enter how the council has met this requirement")},
    )
    files = EvidenceFilesField(
        label=_("Upload evidence files"),
        help_text=_(
            "PDF, Word, Excel, PNG or JPEG files, up to 10 files, each smaller than 20MB. "
            "You can select several files at once."
        ),
    )
