"""The home page: what needs the person's attention now."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.choices import Role
from accounts.permissions import has_role, is_inspector, is_official
from inspections.selectors import inspections_by_stage
from intervention import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    context = {"today": today, "due_soon_until": selectors.due_soon_until(today)}
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
