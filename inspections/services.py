"""Every change to inspections, one function per user action: checked, atomic and audited."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import dateformat
from django.utils.translation import gettext as _

from accounts.audit import (
    apply_transition,
    check_not_future,
    delete_with_history,
    save_with_history,
)
from accounts.choices import OrganisationKind
from accounts.models import Organisation

from . import permissions
from .choices import EDITABLE_STATES
from .models import FieldworkPeriod, Finding, Inspection, Recommendation, StatutoryFunction
from .signals import inspection_published

if TYPE_CHECKING:
    from accounts.models import User

FINDING_FIELDS = ("theme", "kind", "text", "evidence_summary", "position")
INSPECTION_FIELDS = (
    "title",
    "service_area",
    "inspection_type",
    "inspectorate_name",
    "lead_inspector",
    "report_reference",
    "report_url",
)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You do not have permission to do this."))


def _require_editable(inspection: Inspection) -> None:
    """Refuse a change unless the inspection may change as stored now, and hold it so until commit.

    The row is re-read and locked (select_for_update; SQLite ignores the lock), so a finding added at
    the same moment as the report is published cannot slip in after the check. Checked before the
    permission (which also needs an editable report) so the person is told why. Call inside
    transaction.atomic.
    """
    stored = Inspection.objects.select_for_update().filter(pk=inspection.pk).values_list("state", flat=True)
    state = stored.first() if inspection.pk else inspection.state
    if state not in EDITABLE_STATES:
        raise ValidationError(_("This inspection's report is published, so its contents cannot change."))


def _validate_and_save(obj, *, by: User, reason: str, exclude: Iterable[str] = ()) -> None:
    obj.full_clean(exclude=[*exclude, "state"] if hasattr(obj, "state") else list(exclude))
    save_with_history(obj, by=by, reason=reason)


@transaction.atomic
def inspection_create(
    *,
    by: User,
    council: Organisation,
    title: str,
    service_area: str,
    inspection_type: str,
    lead_inspector: User | None = None,
    inspectorate_name: str = "Care Inspectorate Wales",
    report_reference: str = "",
    report_url: str = "",
    fieldwork: Iterable[tuple[datetime.date, datetime.date]] = (),
    fieldwork_weeks: Iterable[datetime.date] = (),
    fieldwork_note: str = "",
) -> Inspection:
    """Plan an inspection of a council, with the weeks the inspectors will be on site."""
    _require(permissions.can_create_inspection(by))
    if council.kind != OrganisationKind.LOCAL_AUTHORITY:
        raise ValidationError({"council": _("Choose a council.")})
    inspection = Inspection(
        council=council,
        title=title,
        service_area=service_area,
        inspection_type=inspection_type,
        lead_inspector=lead_inspector,
        inspectorate_name=inspectorate_name,
        report_reference=report_reference,
        report_url=report_url,
        fieldwork_note=fieldwork_note,
    )
    _validate_and_save(inspection, by=by, reason="create")
    for starts_on, ends_on in fieldwork:
        fieldwork_period_add(inspection=inspection, by=by, starts_on=starts_on, ends_on=ends_on)
    for week in fieldwork_weeks:
        fieldwork_period_add(inspection=inspection, by=by, starts_on=week, ends_on=None)
    return inspection


@transaction.atomic
def inspection_update(*, inspection: Inspection, by: User, **changes) -> Inspection:
    """Change an inspection's details while its report is not yet published."""
    _require_editable(inspection)
    _require(permissions.can_edit_findings(inspection, by))
    unknown = set(changes) - set(INSPECTION_FIELDS)
    if unknown:
        raise TypeError(f"Fields that cannot be changed here: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(inspection, name, value)
    _validate_and_save(inspection, by=by, reason="update")
    return inspection


@transaction.atomic
def fieldwork_period_add(
    *, inspection: Inspection, by: User, starts_on: datetime.date, ends_on: datetime.date | None
) -> FieldworkPeriod:
    """Add the days inspectors were on site; with no last day, the source gives only the week."""
    _require_editable(inspection)
    _require(permissions.can_edit_findings(inspection, by))
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The last day must be on or after the first day.")})
    period = FieldworkPeriod(
        inspection=inspection, starts_on=starts_on, ends_on=ends_on, week_commencing=ends_on is None
    )
    _validate_and_save(period, by=by, reason="add fieldwork period")
    return period


def _check_functions(functions: Iterable[StatutoryFunction]) -> list[StatutoryFunction]:
    return list(functions)


@transaction.atomic
def finding_create(
    *,
    inspection: Inspection,
    by: User,
    theme: str,
    kind: str,
    text: str,
    evidence_summary: str = "",
    position: int | None = None,
    statutory_functions: Iterable[StatutoryFunction] = (),
) -> Finding:
    """Record a finding while the report is being written."""
    _require_editable(inspection)
    _require(permissions.can_edit_findings(inspection, by))
    if position is None:
        position = inspection.findings.count() + 1
    finding = Finding(
        inspection=inspection,
        theme=theme,
        kind=kind,
        text=text,
        evidence_summary=evidence_summary,
        position=position,
    )
    _validate_and_save(finding, by=by, reason="create")
    functions = _check_functions(statutory_functions)
    if functions:
        finding._history_user = by
        finding.statutory_functions.set(functions)
        del finding._history_user
    return finding


@transaction.atomic
def finding_update(
    *,
    finding: Finding,
    by: User,
    statutory_functions: Iterable[StatutoryFunction] | None = None,
    **changes,
) -> Finding:
    """Change a finding while the report is being written."""
    _require_editable(finding.inspection)
    _require(permissions.can_edit_findings(finding.inspection, by))
    unknown = set(changes) - set(FINDING_FIELDS)
    if unknown:
        raise TypeError(f"Fields that cannot be changed here: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(finding, name, value)
    _validate_and_save(finding, by=by, reason="update")
    if statutory_functions is not None:
        finding._history_user = by
        finding.statutory_functions.set(_check_functions(statutory_functions))
        del finding._history_user
    return finding


@transaction.atomic
def finding_delete(*, finding: Finding, by: User, reason: str = "") -> None:
    """Remove a finding while the report is being written."""
    _require_editable(finding.inspection)
    _require(permissions.can_edit_findings(finding.inspection, by))
    delete_with_history(finding, by=by, reason=f"delete: {reason}".rstrip(": "))


@transaction.atomic
def recommendation_create(
    *,
    inspection: Inspection,
    by: User,
    text: str,
    number: int | None = None,
    findings: Iterable[Finding] = (),
) -> Recommendation:
    """Add a numbered recommendation while the report is being written."""
    _require_editable(inspection)
    _require(permissions.can_edit_findings(inspection, by))
    if number is None:
        number = (
            inspection.recommendations.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
    recommendation = Recommendation(inspection=inspection, number=number, text=text)
    _validate_and_save(recommendation, by=by, reason="create")
    findings = list(findings)
    if any(f.inspection_id != inspection.pk for f in findings):
        raise ValidationError({"findings": _("Choose findings from this inspection.")})
    if findings:
        recommendation._history_user = by
        recommendation.findings.set(findings)
        del recommendation._history_user
    return recommendation


@transaction.atomic
def recommendation_update(
    *,
    recommendation: Recommendation,
    by: User,
    text: str,
    findings: Iterable[Finding] | None = None,
) -> Recommendation:
    _require_editable(recommendation.inspection)
    _require(permissions.can_edit_findings(recommendation.inspection, by))
    recommendation.text = text
    _validate_and_save(recommendation, by=by, reason="update")
    if findings is not None:
        findings = list(findings)
        if any(f.inspection_id != recommendation.inspection_id for f in findings):
            raise ValidationError({"findings": _("Choose findings from this inspection.")})
        recommendation._history_user = by
        recommendation.findings.set(findings)
        del recommendation._history_user
    return recommendation


@transaction.atomic
def recommendation_delete(*, recommendation: Recommendation, by: User, reason: str = "") -> None:
    _require_editable(recommendation.inspection)
    _require(permissions.can_edit_findings(recommendation.inspection, by))
    delete_with_history(recommendation, by=by, reason=f"delete: {reason}".rstrip(": "))


@transaction.atomic
def inspection_start_fieldwork(
    *, inspection: Inspection, by: User, on: datetime.date | None = None, reason: str = ""
) -> Inspection:
    """Inspectors begin their visits."""
    return apply_transition(inspection, "start_fieldwork", by=by, reason=reason, occurred_on=on)


def check_after_fieldwork(inspection: Inspection, on: datetime.date, *, what: str) -> None:
    """Refuse a date before the last day of the inspection's fieldwork (the error on "on")."""
    last = max((p.ends_on or p.starts_on for p in inspection.fieldwork_periods.all()), default=None)
    if last is not None and on < last:
        message = _("%(what)s must be on or after the last day of fieldwork, %(last)s")
        raise ValidationError({"on": message % {"what": what, "last": dateformat.format(last, "j F Y")}})


@transaction.atomic
def inspection_issue_draft(
    *, inspection: Inspection, by: User, on: datetime.date, reason: str = ""
) -> Inspection:
    """Send the draft report to the council for its factual accuracy check."""
    check_not_future(on, what=_("The date the draft was issued"))
    check_after_fieldwork(inspection, on, what=_("The date the draft report was issued"))
    return apply_transition(inspection, "issue_draft", by=by, reason=reason, occurred_on=on, on=on)


@transaction.atomic
def inspection_publish(
    *, inspection: Inspection, by: User, on: datetime.date, reason: str = ""
) -> Inspection:
    """Publish the final report; from now on its findings are part of the record."""
    check_not_future(on, what=_("The publication date"))
    if inspection.draft_issued_on and on < inspection.draft_issued_on:
        raise ValidationError({"on": _("The report cannot be published before its draft was issued.")})
    check_after_fieldwork(inspection, on, what=_("The date the report was published"))
    apply_transition(inspection, "publish", by=by, reason=reason, occurred_on=on, on=on)
    inspection_published.send(sender=Inspection, inspection=inspection, by=by)
    return inspection


@transaction.atomic
def inspection_record_published(
    *, inspection: Inspection, by: User, on: datetime.date, source: str
) -> Inspection:
    """Record a report published before the tracker held the inspection, on its publication date.

    For the record of a case taken over from before the tracker: the dates of its fieldwork and
    draft are not invented; the source of the publication date is the reason logged.
    """
    if not source.strip():
        raise ValidationError({"source": _("Enter where the publication is recorded: a reference or link.")})
    check_not_future(on, what=_("The publication date"))
    check_after_fieldwork(inspection, on, what=_("The date the report was published"))
    apply_transition(inspection, "record_published", by=by, reason=source.strip(), occurred_on=on, on=on)
    inspection_published.send(sender=Inspection, inspection=inspection, by=by)
    return inspection


@transaction.atomic
def inspection_withdraw(*, inspection: Inspection, by: User, reason: str) -> Inspection:
    """Stop an inspection before its report is published; a reason is required."""
    if not reason.strip():
        raise ValidationError({"reason": _("Enter why the inspection is being withdrawn.")})
    return apply_transition(inspection, "withdraw", by=by, reason=reason)
