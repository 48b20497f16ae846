"""The home page: what needs the person's attention now."""

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.choices import Role
from accounts.permissions import has_role, is_inspector, is_official
from inspections.selectors import inspections_by_stage
from intervention import selectors
from intervention.escalations import selectors as escalation_selectors

LIST_ROWS = 50
DRAFT_ROWS = 20


def first_rows(queryset: QuerySet, limit: int) -> tuple[list, int]:
    """Return the first `limit` rows and how many there are in all (counted only if there are more)."""
    rows = list(queryset[:limit])
    return rows, (queryset.count() if len(rows) == limit else len(rows))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    context = {"today": today, "due_soon_until": selectors.due_soon_until(today)}
    if is_official(user) or has_role(user, Role.COUNCIL_OFFICER):
        context.update(escalation_dashboard(user))
    if is_official(user):
        awaiting_review, awaiting_review_total = first_rows(selectors.awaiting_review(user), LIST_ROWS)
        plans, plans_total = first_rows(selectors.plans_awaiting_agreement(user), LIST_ROWS)
        drafts, drafts_total = first_rows(selectors.draft_notices(user), DRAFT_ROWS)
        context.update(
            role="official",
            groups=selectors.deadline_groups(user, today=today),
            awaiting_review=awaiting_review,
            awaiting_review_total=awaiting_review_total,
            plans_awaiting_agreement=plans,
            plans_awaiting_agreement_total=plans_total,
            drafts=drafts,
            drafts_total=drafts_total,
        )
    elif has_role(user, Role.COUNCIL_OFFICER):
        returned, returned_total = first_rows(selectors.returned_to_council(user), LIST_ROWS)
        awaiting_review, awaiting_review_total = first_rows(selectors.awaiting_review(user), LIST_ROWS)
        context.update(
            role="council_officer",
            groups=selectors.deadline_groups(user, today=today),
            returned=returned,
            returned_total=returned_total,
            awaiting_review=awaiting_review,
            awaiting_review_total=awaiting_review_total,
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
    awaiting_me, awaiting_me_total = first_rows(
        escalation_selectors.awaiting_acknowledgement_by(user), LIST_ROWS
    )
    return {
        "escalations_awaiting_me": awaiting_me,
        "escalations_awaiting_me_total": awaiting_me_total,
        "escalations_outstanding": list(outstanding.order_by("raised_on", "id")[:ESCALATION_ROWS]),
        "escalations_outstanding_total": outstanding.count(),
    }
