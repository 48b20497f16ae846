"""The home page: what needs the person's attention now."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.choices import Role
from accounts.permissions import has_role, is_inspector, is_official
from inspections.selectors import inspections_by_stage
from intervention import escalation_selectors, selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    context = {"today": today, "due_soon_until": selectors.due_soon_until(today)}
    if is_official(user) or has_role(user, Role.COUNCIL_OFFICER):
        context.update(escalation_dashboard(user))
    if is_official(user):
        context.update(
            role="official",
            groups=selectors.deadline_groups(user, today=today),
            awaiting_review=list(selectors.awaiting_review(user)[:50]),
            plans_awaiting_agreement=list(selectors.plans_awaiting_agreement(user)[:50]),
            drafts=list(selectors.draft_notices(user)[:20]),
        )
    elif has_role(user, Role.COUNCIL_OFFICER):
        context.update(
            role="council_officer",
            groups=selectors.deadline_groups(user, today=today),
            returned=list(selectors.returned_to_council(user)[:50]),
            awaiting_review=list(selectors.awaiting_review(user)[:50]),
        )
    elif is_inspector(user):
        context.update(role="inspector", stages=inspections_by_stage(user))
    else:
        context.update(role="other")
    return render(request, "home.html", context)


ESCALATION_ROWS = 20


def escalation_dashboard(user) -> dict:
    """Escalations awaiting this person's acknowledgement, and those anyone in scope has not acknowledged."""
    outstanding = escalation_selectors.unacknowledged(escalation_selectors.escalations_for_user(user))
    return {
        "escalations_awaiting_me": list(escalation_selectors.awaiting_acknowledgement_by(user)[:50]),
        "escalations_outstanding": list(outstanding.order_by("raised_on", "id")[:ESCALATION_ROWS]),
        "escalations_outstanding_total": outstanding.count(),
    }
