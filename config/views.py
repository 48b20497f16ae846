"""The home page: what needs the person's attention now."""

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.permissions import has_role, is_inspector, is_official
from inspections.selectors import inspections_by_stage
from intervention import selectors
from intervention.calendars import WorkingCalendar
from intervention.casework.returns import with_returns
from intervention.choices import Owner
from intervention.escalations import selectors as escalation_selectors
from intervention.escalations.views import senior_contact_add_url
from intervention.obligations import selectors as obligation_selectors
from intervention.obligations import status as rules

LIST_ROWS = 50
DRAFT_ROWS = 20


def ministers_groups() -> list[tuple[str, str]]:
    """The groups of the Welsh Ministers' own duties on an official's home page."""
    return [
        (rules.OVERDUE, _("Overdue")),
        (rules.DUE_TODAY, _("Due today")),
        (rules.DUE_SOON, _("Due in the next 5 working days")),
        (rules.NOT_DUE, _("Later")),
    ]


def councils_groups() -> list[tuple[str, str]]:
    """The groups of what councils owe on an official's home page: only what needs attention now."""
    return [
        (rules.OVERDUE, _("Overdue")),
        (rules.DUE_TODAY, _("Due today")),
        (rules.DUE_SOON, _("Due in the next 5 working days")),
    ]


def first_rows(queryset: QuerySet, limit: int) -> tuple[list, int]:
    """Return the first `limit` rows and how many there are in all (counted only if there are more)."""
    rows = list(queryset[:limit])
    return rows, (queryset.count() if len(rows) == limit else len(rows))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    calendar = WorkingCalendar()
    context = {"today": today, "due_soon_until": rules.due_soon_until(today, non_working=calendar)}
    if is_official(user) or has_role(user, Role.COUNCIL_OFFICER):
        context.update(escalation_dashboard(user))
    if is_official(user) or is_inspector(user):
        context.update(unreached_escalations(user))
    if is_official(user) or has_role(user, Role.COUNCIL_OFFICER):
        steps, steps_total = obligation_selectors.next_steps(user, today=today, calendar=calendar)
        context.update(next_steps=steps, next_steps_total=steps_total)
    if is_official(user):
        awaiting_review, awaiting_review_total = first_rows(selectors.awaiting_review(user), LIST_ROWS)
        plans, plans_total = first_rows(selectors.plans_awaiting_agreement(user), LIST_ROWS)
        drafts, drafts_total = first_rows(selectors.draft_notices(user), DRAFT_ROWS)
        owed = obligation_selectors.owed_to_user(user)
        context.update(
            role="official",
            duty_groups=obligation_selectors.dashboard_groups(
                owed.filter(owner=Owner.MINISTERS), today=today, codes=ministers_groups(), calendar=calendar
            ),
            groups=obligation_selectors.dashboard_groups(
                owed.filter(owner=Owner.COUNCIL), today=today, codes=councils_groups(), calendar=calendar
            ),
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
            groups=obligation_selectors.dashboard_groups(
                obligation_selectors.owed_to_user(user), today=today, calendar=calendar
            ),
            returned=with_returns(returned),
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
    """Escalations awaiting this person's acknowledgement, then the others in scope not yet acknowledged.

    Each escalation is listed once: those awaiting this person are left out of the second list.
    """
    outstanding = escalation_selectors.not_awaiting(
        escalation_selectors.unacknowledged(escalation_selectors.escalations_for_user(user)), user
    )
    outstanding_rows, outstanding_total = first_rows(outstanding.order_by("raised_on", "id"), ESCALATION_ROWS)
    awaiting_me, awaiting_me_total = first_rows(
        escalation_selectors.awaiting_acknowledgement_by(user), LIST_ROWS
    )
    return {
        "escalations_awaiting_me": awaiting_me,
        "escalations_awaiting_me_total": awaiting_me_total,
        "escalations_outstanding": outstanding_rows,
        "escalations_outstanding_total": outstanding_total,
    }


def unreached_escalations(user) -> dict:
    """Escalations that reached nobody at the council, whose council still has no senior contact.

    Shown to inspectors and officials as a warning, with where to record a senior contact.
    """
    unreached = escalation_selectors.unreached_councils(escalation_selectors.escalations_for_user(user))
    rows, total = first_rows(unreached.order_by("-raised_on", "-id"), ESCALATION_ROWS)
    return {
        "escalations_unreached": rows,
        "escalations_unreached_total": total,
        "senior_contact_add_url": senior_contact_add_url(user),
    }
