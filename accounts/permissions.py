"""Who a person is, as far as the rules care: pure predicates that never raise."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .choices import ROLE_ORGANISATION_KIND, Role

if TYPE_CHECKING:
    from .models import User


def has_role(user: User | None, role: Role) -> bool:
    """Return True if `user` is an active person holding `role` in the right kind of organisation."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.role != role:
        return False
    expected_kind = ROLE_ORGANISATION_KIND.get(role)
    if expected_kind is None:
        return True
    return user.organisation is not None and user.organisation.kind == expected_kind


def is_inspector(user: User | None) -> bool:
    return has_role(user, Role.INSPECTOR)


def is_official(user: User | None) -> bool:
    return has_role(user, Role.OFFICIAL)


def is_council_officer_of(user: User | None, council_id: int | None) -> bool:
    """Return True if `user` is a council officer of the council with id `council_id`."""
    return (
        council_id is not None and has_role(user, Role.COUNCIL_OFFICER) and user.organisation_id == council_id
    )


def has_casework_role(user: User | None) -> bool:
    """Return True if `user` works on inspections and notices: inspectors, officials, council officers."""
    council_id = getattr(user, "organisation_id", None)
    return is_inspector(user) or is_official(user) or is_council_officer_of(user, council_id)
