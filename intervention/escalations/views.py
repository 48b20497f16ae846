"""Escalation pages: the list a person may see, one escalation with who was told and when, and
acknowledging it.

Escalations are looked up through escalation_selectors.escalations_for_user (404 outside the
person's scope); a role that may see none gets 403 on the list; only a person an escalation is
addressed to may acknowledge it (403 for anyone else who can see it).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.history import actor_then
from accounts.permissions import is_inspector, is_official
from accounts.web import paginate
from inspections.submissions import run_once, with_token
from intervention import permissions
from intervention.choices import AcknowledgementState, RecipientKind
from intervention.escalations import selectors as escalation_selectors
from intervention.escalations import services as escalation_services
from intervention.escalations.forms import AcknowledgeForm
from intervention.models import Escalation, SeniorContact

HISTORY_ROWS = 100


@login_required
@require_safe
def escalation_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_view_escalations(request.user):
        raise PermissionDenied
    escalations = escalation_selectors.escalations_for_user(request.user)
    awaiting_only = request.GET.get("show") == "awaiting"
    if awaiting_only:
        escalations = escalation_selectors.unacknowledged(escalations)
    escalations = escalation_selectors.with_acknowledgement_counts(escalations).order_by("-raised_on", "-id")
    return render(
        request,
        "intervention/escalations/escalation_list.html",
        {"awaiting_only": awaiting_only, **paginate(request, escalations)},
    )


@login_required
@require_safe
def escalation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = _escalation(request, pk)
    return render(
        request,
        "intervention/escalations/escalation_detail.html",
        escalation_page(escalation, user=request.user, form=with_token(AcknowledgeForm())),
    )


@login_required
@require_POST
def escalation_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = _escalation(request, pk)
    if not escalation.recipients.filter(user_id=request.user.pk).exists():
        raise PermissionDenied
    form = with_token(AcknowledgeForm(request.POST))
    response = run_once(
        request,
        form,
        lambda: escalation_services.escalation_acknowledge(
            escalation=escalation, by=request.user, note=form.cleaned_data["note"]
        ),
        success_message=_("You have acknowledged this escalation."),
        success_url=escalation.get_absolute_url(),
    )
    if response is not None:
        return response
    context = escalation_page(escalation, user=request.user, form=form)
    return render(request, "intervention/escalations/escalation_detail.html", context)


def senior_contact_add_url(user) -> str:
    """Where this person records a council's senior contact: the admin, for staff; "" for others."""
    return reverse("admin:intervention_seniorcontact_add") if user.is_staff else ""


def _case_now(escalation: Escalation):
    """Return the case a serious finding's escalation belongs to now, when none was open as it was raised.

    A report's serious concerns are escalated the moment it is published, which may be before the
    case the report leads to is opened (Powys, 17 October 2017).
    """
    if escalation.finding_id is None:
        return None
    return escalation_services.case_for_inspection(escalation.finding.inspection)


def _escalation(request: HttpRequest, pk: int) -> Escalation:
    return get_object_or_404(escalation_selectors.escalations_for_user(request.user), pk=pk)


def escalation_page(escalation: Escalation, *, user, form: AcknowledgeForm) -> dict:
    """Gather what the escalation page shows, in a fixed number of queries."""
    recipients = list(escalation.recipients.select_related("user").order_by("-kind", "id"))
    for recipient in recipients:
        recipient.escalation = escalation
    mine = next((r for r in recipients if r.user_id == user.pk), None)
    reached_council = any(r.kind == RecipientKind.SENIOR_CONTACT for r in recipients)
    return {
        "escalation": escalation,
        "recipients": recipients,
        # Nobody at the council was addressed (no senior contact was recorded when it was raised):
        # inspectors and officials are warned, and told where a senior contact is recorded.
        "warn_unreached": not reached_council and (is_official(user) or is_inspector(user)),
        "council_has_contact": reached_council
        or SeniorContact.objects.filter(council_id=escalation.council_id, is_active=True).exists(),
        "senior_contact_add_url": senior_contact_add_url(user),
        "council_id": escalation.council_id,
        "case_now": escalation.case or _case_now(escalation),
        "my_recipient": mine,
        "can_acknowledge": mine is not None
        and mine.state == AcknowledgementState.AWAITING
        and permissions.can_acknowledge(mine, user),
        "form": form,
        "entries": [
            _history_entry(row)
            for row in escalation_selectors.recipient_history(escalation, limit=HISTORY_ROWS)
        ],
    }


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: object  # the person who acted, or None for the tracker itself
    about: object  # the person the escalation is addressed to
    action: str
    note: str


def _history_entry(row) -> HistoryEntry:
    action, _sep, note = (row.history_change_reason or "").partition(": ")
    labels = {
        "addressed": _("Addressed to them"),
        "emailing": _("Email being sent"),
        "emailed": _("Emailed"),
        "email failed": _("Email failed"),
        "reminding": _("Reminder being sent"),
        "reminded": _("Reminded by email"),
        "reminder failed": _("Reminder failed"),
        "acknowledge": _("Acknowledged"),
    }
    return HistoryEntry(
        when=row.history_date,
        who=actor_then(row),  # as they were then, not as they are now
        about=row.user,
        action=str(labels.get(action, action or row.get_history_type_display())),
        note=note,
    )
