"""What the council sends: evidence (submissions and files), the improvement plan, Board reports."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import SubmissionDecision
from .notices import Requirement, WarningNotice


class Submission(models.Model):
    """The council's evidence that a requirement is met, and Welsh Government's decision on it."""

    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="submissions")
    statement = models.TextField(_("statement"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="submissions_made",
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decision = models.CharField(
        _("decision"),
        max_length=20,
        choices=SubmissionDecision.choices,
        default=SubmissionDecision.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions_decided",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["requirement", "submitted_at", "id"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self) -> str:
        return _("Submission for %(requirement)s") % {"requirement": self.requirement}


# The evidence files accepted: extension -> the content type stored and served. What a file really
# is gets checked by its structure before it is stored (intervention/casework/uploads.py).
EVIDENCE_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


def _stored_name(folder: str, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    suffix = suffix if suffix in EVIDENCE_TYPES else ""
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def evidence_upload_to(instance: "EvidenceFile", filename: str) -> str:
    """Store evidence under a random name; the person's own file name is kept only as data."""
    return _stored_name("evidence", filename)


def document_upload_to(instance: "DocumentFile", filename: str) -> str:
    """Store a plan's or Board report's file under a random name, as evidence is stored."""
    return _stored_name("documents", filename)


class EvidenceFile(models.Model):
    """A file the council attached to a submission; served only through the scoped download view."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="evidence_uploaded",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["submission", "uploaded_at", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name


class ImprovementPlan(models.Model):
    """The council's improvement plan as sent: what it says and where it is kept.

    Whether it was sent in time, and whether it was agreed with the Improvement Board, are its
    obligations (kinds improvement_plan and plan_agreement), not fields here.
    """

    notice = models.OneToOneField(WarningNotice, on_delete=models.CASCADE, related_name="improvement_plan")
    summary = models.TextField(_("summary"), blank=True)
    document_reference = models.CharField(_("document reference"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("improvement plan")
        verbose_name_plural = _("improvement plans")

    def __str__(self) -> str:
        return _("Improvement plan for %(notice)s") % {"notice": self.notice}


class BoardReport(models.Model):
    """One month's Improvement Board report, as the notice's schedule names it, and what was sent.

    Whether it was sent, and when, is its obligation (kind board_report), not a field here.
    """

    notice = models.ForeignKey(WarningNotice, on_delete=models.CASCADE, related_name="board_reports")
    month = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    # The board the report went to: the one sitting on the case when it was sent.
    board = models.ForeignKey(
        "intervention.Board",
        verbose_name=_("board"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
    )
    summary = models.TextField(_("summary"), blank=True)
    document_reference = models.CharField(_("document reference"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["notice", "month"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "month"], name="board_report_month_once"),
            models.CheckConstraint(condition=Q(month__day=1), name="board_report_month_first_day"),
        ]
        verbose_name = _("Board report")
        verbose_name_plural = _("Board reports")

    def __str__(self) -> str:
        return _("Board report for %(month)s") % {"month": f"{self.month:%Y-%m}"}


class DocumentFile(models.Model):
    """A file of the improvement plan or of one Board report, checked, stored and served as evidence is.

    Files are added each time the document is sent (a returned plan is sent again with its revised
    files) and never changed; only the scoped download view serves them.
    """

    plan = models.ForeignKey(
        ImprovementPlan,
        verbose_name=_("improvement plan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="files",
    )
    board_report = models.ForeignKey(
        BoardReport,
        verbose_name=_("Board report"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="files",
    )
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="documents_uploaded",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            # A file belongs to the plan or to one Board report, never both, never neither.
            models.CheckConstraint(
                condition=Q(plan__isnull=False, board_report__isnull=True)
                | Q(plan__isnull=True, board_report__isnull=False),
                name="document_file_of_plan_or_report",
            ),
        ]
        verbose_name = _("document file")
        verbose_name_plural = _("document files")

    def __str__(self) -> str:
        return self.original_name

    @property
    def document(self) -> ImprovementPlan | BoardReport:
        return self.plan if self.plan_id else self.board_report
