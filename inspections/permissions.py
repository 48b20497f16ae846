"""Who may do what to inspections: pure (object, user) -> bool predicates that never raise."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.permissions import is_council_officer_of, is_inspector, is_official

from .choices import EDITABLE_STATES, FINDINGS_SHOWN_TO_COUNCIL_STATES

if TYPE_CHECKING:
    from accounts.models import User

    from .models import Inspection


def can_view_inspection(inspection: Inspection, user: User) -> bool:
    """Inspectors and officials see every inspection; a council officer sees their council's."""
    return is_inspector(user) or is_official(user) or is_council_officer_of(user, inspection.council_id)


def can_view_findings(inspection: Inspection, user: User) -> bool:
    """CIW and Welsh Government read findings as they are written; the council from the draft report on."""
    if is_inspector(user) or is_official(user):
        return True
    return is_council_officer_of(user, inspection.council_id) and findings_shown_to_council(inspection)


def findings_shown_to_council(inspection: Inspection) -> bool:
    """Return True once the draft report has gone to the council, or the report is published."""
    return inspection.state in FINDINGS_SHOWN_TO_COUNCIL_STATES or inspection.draft_issued_on is not None


def can_create_inspection(user: User) -> bool:
    return is_inspector(user)


def can_manage_inspection(inspection: Inspection, user: User) -> bool:
    """Inspectors move an inspection through its stages."""
    return is_inspector(user)


def can_edit_findings(inspection: Inspection, user: User) -> bool:
    """Inspectors edit findings and recommendations until the report is published."""
    return is_inspector(user) and inspection.state in EDITABLE_STATES
