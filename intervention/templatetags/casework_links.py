"""Template helpers that connect pages: the order of action buttons, and what cites an inspection."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.db.models import Q

from accounts.permissions import is_inspector, is_official

from .. import selectors
from ..escalations import selectors as escalation_selectors
from ..escalations.views import senior_contact_add_url

register = template.Library()

PRIMARY, SECONDARY, WARNING = "", " govuk-button--secondary", " govuk-button--warning"


@dataclass(frozen=True)
class Button:
    action: object
    css: str  # the govuk-button modifier class, with its leading space ("" for the primary button)


@register.filter
def buttons(actions, destructive: str) -> list[Button]:
    """Order action buttons as GOV.UK asks: the usual next step first (primary), the others
    secondary, and the destructive ones (`destructive`: their names, comma-separated) last, in red.

    `{% for button in actions|buttons:"withdraw,escalate" %}` ... `class="govuk-button{{ button.css }}"`.
    """
    names = {name.strip() for name in destructive.split(",") if name.strip()}
    safe = [a for a in actions if _name(a) not in names]
    risky = [a for a in actions if _name(a) in names]
    return [
        *(Button(a, PRIMARY if i == 0 else SECONDARY) for i, a in enumerate(safe)),
        *(Button(a, WARNING) for a in risky),
    ]


def _name(action) -> str:
    return action.get("name", "") if isinstance(action, dict) else getattr(action, "name", "")


@register.simple_tag(takes_context=True)
def inspection_links(context, inspection) -> dict:
    """Return the notices that cite `inspection` that the person may see, and (for inspectors and
    officials) the escalations of its findings that reached nobody at the council. Two queries."""
    user = context["request"].user
    notices = list(
        selectors.notices_for_user(user)
        .filter(Q(inspection=inspection) | Q(grounds__findings__inspection=inspection))
        .distinct()
        .order_by("given_on", "created_at", "id")
    )
    unreached = []
    if is_official(user) or is_inspector(user):
        unreached = list(
            escalation_selectors.reached_nobody_at_the_council(
                escalation_selectors.escalations_for_user(user).filter(finding__inspection=inspection)
            ).order_by("finding__position", "id")
        )
    return {
        "notices": notices,
        "unreached": unreached,
        "senior_contact_add_url": senior_contact_add_url(user),
    }
