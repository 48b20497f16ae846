"""Who may do what in an intervention: pure (object, user) -> bool predicates that never raise.

The same predicates feed each transition's `permission=` (what buttons a person sees) and the
services' checks (what is enforced), through accounts.audit.apply_transition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.permissions import is_council_officer_of, is_inspector, is_official

from .choices import DOCUMENT_KINDS, EscalationSource, NoticeState, Owner

if TYPE_CHECKING:
    from accounts.models import User

    from .models import (
        Escalation,
        EscalationRecipient,
        InterventionCase,
        Obligation,
        WarningNotice,
    )


def can_view_case(case: InterventionCase, user: User) -> bool:
    return is_official(user) or is_inspector(user) or is_council_officer_of(user, case.council_id)


def can_view_notice(notice: WarningNotice, user: User) -> bool:
    """Officials see every notice; others see a notice once it is given, councils only their own."""
    if is_official(user):
        return True
    if notice.state == NoticeState.DRAFT or notice.given_on is None:
        return False  # a draft, or a draft withdrawn before it was ever given
    return is_inspector(user) or is_council_officer_of(user, notice.case.council_id)


def is_official_for(obj: object, user: User) -> bool:
    """Welsh Government officials decide every Ministerial step, on any council's case."""
    return is_official(user)


def is_council_officer_for_notice(notice: WarningNotice, user: User) -> bool:
    return is_council_officer_of(user, notice.case.council_id)


def can_submit_evidence(obligation: Obligation, user: User) -> bool:
    """The council's own officers send evidence for what the council owes."""
    return obligation.owner == Owner.COUNCIL and is_council_officer_for_notice(obligation.notice, user)


def can_meet_obligation(obligation: Obligation, user: User) -> bool:
    """Officials record what was done; the council's officers send the documents it owes."""
    if is_official(user):
        return True
    return obligation.kind in DOCUMENT_KINDS and can_submit_evidence(obligation, user)


def can_send_documents(notice: WarningNotice, user: User) -> bool:
    """The council's officers send the improvement plan and Board reports of their own notices."""
    return is_council_officer_for_notice(notice, user)


# Readable names for the Ministerial predicates used on each model.
can_manage_case = is_official_for  # InterventionCase
can_manage_notice = is_official_for  # WarningNotice
can_review_obligation = is_official_for  # Obligation: accept or return evidence
can_settle_obligation = is_official_for  # Obligation: not evidenced, reopen, release, breach
can_manage_intervention = is_official_for  # PowerToIntervene, Direction


def can_create_case(user: User) -> bool:
    return is_official(user)


def can_draft_notice(case: InterventionCase, user: User) -> bool:
    return is_official(user)


__all__ = [
    "can_view_case",
    "can_view_notice",
    "can_submit_evidence",
    "can_meet_obligation",
    "can_send_documents",
    "can_manage_case",
    "can_manage_notice",
    "can_review_obligation",
    "can_settle_obligation",
    "can_manage_intervention",
    "can_create_case",
    "can_draft_notice",
]


# Escalations ---------------------------------------------------------------------------------
# Officials see every escalation; a council officer sees their council's; an inspector sees those
# arising from inspection findings (CIW's own work), not the casework of a notice.


def can_view_escalations(user: User) -> bool:
    """Return True if `user` has a role that may see some escalations (the list page)."""
    council_id = getattr(user, "organisation_id", None)
    return is_official(user) or is_inspector(user) or is_council_officer_of(user, council_id)


def can_view_escalation(escalation: Escalation, user: User) -> bool:
    if is_official(user) or is_council_officer_of(user, escalation.council_id):
        return True
    return is_inspector(user) and escalation.source == EscalationSource.SERIOUS_FINDING


def can_acknowledge(recipient: EscalationRecipient, user: User) -> bool:
    """Only the person an escalation was addressed to acknowledges it, while they may still see it."""
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and recipient.user_id == user.pk
        and can_view_escalation(recipient.escalation, user)
    )
