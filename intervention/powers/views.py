"""The pages of the power to intervene and of directions: thin views over powers/services.py.

Everyone who may see the case sees its powers and directions (the council is given them);
only Welsh Government officials make the moves, which the services check again.
"""

from __future__ import annotations

from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from inspections.submissions import run_once, with_token
from intervention import permissions, selectors
from intervention.models import Direction, PowerRoute, PowerToIntervene, Provision
from intervention.notices.views import obligation_actions
from intervention.obligations import selectors as obligation_selectors
from intervention.powers import forms, services
from intervention.web import GET_OR_POST, act, available_actions, bound_form, notice_url

POWER_ACTIONS = {"end": "intervention:power_end"}
DIRECTION_ACTIONS = {
    "vary": "intervention:direction_vary",
    "revoke": "intervention:direction_revoke",
    "end": "intervention:direction_end",
}


def _powers_for(user) -> QuerySet[PowerToIntervene]:
    return PowerToIntervene.objects.filter(
        case__in=selectors.cases_for_user(user).values("pk")
    ).select_related("case__council", "route__provision", "notice")


def _directions_for(user) -> QuerySet[Direction]:
    return Direction.objects.filter(power__in=_powers_for(user).values("pk")).select_related(
        "power__case__council", "power__notice", "provision", "relates_to__provision"
    )


def power_url(power: PowerToIntervene) -> str:
    return reverse("intervention:power_detail", args=[power.pk])


def direction_url(direction: Direction) -> str:
    return reverse("intervention:direction_detail", args=[direction.pk])


def s152() -> PowerRoute | None:
    return PowerRoute.objects.select_related("provision").filter(code=services.AFTER_WARNING_NOTICE).first()


@login_required
@require_http_methods(GET_OR_POST)
def power_determine(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(selectors.notices_for_user(request.user), pk=pk)
    requirements = notice.requirements.filter(withdrawn_on__isnull=True).order_by("position", "letter")
    form = bound_form(request, forms.DetermineForm, requirements=requirements)
    route = s152()
    return act(
        request,
        obj=notice,
        allowed=permissions.can_manage_notice(notice, request.user),
        transition="escalate",
        form=form,
        service=partial(services.power_determine, notice=notice),
        success_message=_("The determination that the power to intervene has arisen has been recorded."),
        back_url=notice_url(notice.pk),
        template="intervention/powers/power_determine.html",
        context={"notice": notice, "route": route, "provision": route.provision if route else None},
    )


@login_required
@require_safe
def power_detail(request: HttpRequest, pk: int) -> HttpResponse:
    power = get_object_or_404(_powers_for(request.user), pk=pk)
    directions = list(power.directions.select_related("provision").order_by("given_on", "pk"))
    return render(
        request,
        "intervention/powers/power_detail.html",
        {
            "power": power,
            "case": power.case,
            "actions_not_taken": list(power.actions_not_taken.order_by("position", "letter")),
            "directions": directions,
            "actions": available_actions(power, request.user, POWER_ACTIONS),
            "can_direct": permissions.can_manage_case(power.case, request.user) and power.state == "live",
        },
    )


@login_required
@require_http_methods(GET_OR_POST)
def power_end(request: HttpRequest, pk: int) -> HttpResponse:
    power = get_object_or_404(_powers_for(request.user), pk=pk)
    return act(
        request,
        obj=power,
        allowed=permissions.can_manage_case(power.case, request.user),
        transition="end",
        form=bound_form(request, forms.PowerEndForm),
        service=partial(services.power_end, power=power),
        success_message=_("The end of the power to intervene has been recorded."),
        back_url=power_url(power),
        template="intervention/powers/power_end.html",
        context={"power": power, "case": power.case},
    )


@login_required
@require_http_methods(GET_OR_POST)
def direction_give(request: HttpRequest, pk: int) -> HttpResponse:
    power = get_object_or_404(_powers_for(request.user), pk=pk)
    if not permissions.can_manage_case(power.case, request.user):
        raise PermissionDenied
    form = with_token(bound_form(request, forms.DirectionForm, power=power))
    if request.method == "POST":
        response = run_once(
            request,
            form,
            lambda: services.direction_give(power=power, by=request.user, **form.cleaned_data),
            success_message=_("The direction has been recorded."),
            success_url=direction_url,
            conflict_url=power_url(power),
        )
        if response is not None:
            return response
    today = timezone.localdate()
    provisions = {
        p.direction_kind: p for p in Provision.objects.in_force_on(today).exclude(direction_kind="")
    }
    return render(
        request,
        "intervention/powers/direction_give.html",
        {
            "form": form,
            "power": power,
            "case": power.case,
            "provisions": provisions,
            "back_url": power_url(power),
        },
    )


@login_required
@require_safe
def direction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    direction = get_object_or_404(_directions_for(request.user), pk=pk)
    today = timezone.localdate()
    owed = direction.obligations.select_related("notice__case__council", "direction").order_by(
        "position", "pk"
    )
    obligations = obligation_selectors.with_status(owed, today=today)
    for obligation in obligations:
        obligation.actions = obligation_actions(obligation, request.user)
    return render(
        request,
        "intervention/powers/direction_detail.html",
        {
            "direction": direction,
            "power": direction.power,
            "case": direction.power.case,
            "functions": list(direction.functions.order_by("code")),
            "variations": list(direction.variations.order_by("varied_on", "pk")),
            "obligations": obligations,
            "actions": available_actions(direction, request.user, DIRECTION_ACTIONS),
            "can_require": permissions.can_manage_case(direction.case, request.user)
            and direction.state == "in_force",
        },
    )


def _direction_action(request, pk, *, transition, form, service, message, template) -> HttpResponse:
    direction = get_object_or_404(_directions_for(request.user), pk=pk)
    return act(
        request,
        obj=direction,
        allowed=permissions.can_manage_case(direction.case, request.user),
        transition=transition,
        form=form,
        service=partial(service, direction=direction),
        success_message=message,
        back_url=direction_url(direction),
        template=template,
        context={"direction": direction, "case": direction.case},
    )


@login_required
@require_http_methods(GET_OR_POST)
def direction_vary(request: HttpRequest, pk: int) -> HttpResponse:
    direction = get_object_or_404(_directions_for(request.user), pk=pk)
    initial = {"terms": direction.terms, "ends_on": direction.ends_on, "period": direction.period}
    initial["nominee"] = direction.nominee
    form = bound_form(request, forms.DirectionVaryForm, initial=initial)
    return _direction_action(
        request,
        pk,
        transition="vary",
        form=form,
        service=services.direction_vary,
        message=_("The variation of the direction has been recorded."),
        template="intervention/powers/direction_vary.html",
    )


@login_required
@require_http_methods(GET_OR_POST)
def direction_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    form = bound_form(request, forms.DirectionStopForm)
    form.fields["on"].label = _("Date the direction was revoked")
    form.fields["reason"].label = _("Why the direction is revoked")
    return _direction_action(
        request,
        pk,
        transition="revoke",
        form=form,
        service=services.direction_revoke,
        message=_("The revocation of the direction has been recorded."),
        template="intervention/powers/direction_revoke.html",
    )


@login_required
@require_http_methods(GET_OR_POST)
def direction_end(request: HttpRequest, pk: int) -> HttpResponse:
    form = bound_form(request, forms.DirectionStopForm)
    form.fields["on"].label = _("Date the direction ended")
    form.fields["reason"].label = _("Why the direction ended")
    return _direction_action(
        request,
        pk,
        transition="end",
        form=form,
        service=services.direction_end,
        message=_("The end of the direction has been recorded."),
        template="intervention/powers/direction_end.html",
    )


@login_required
@require_http_methods(GET_OR_POST)
def direction_require(request: HttpRequest, pk: int) -> HttpResponse:
    direction = get_object_or_404(_directions_for(request.user), pk=pk)
    if not permissions.can_manage_case(direction.case, request.user):
        raise PermissionDenied
    form = with_token(bound_form(request, forms.DirectionRequireForm))
    if request.method == "POST":
        response = run_once(
            request,
            form,
            lambda: services.direction_require(direction=direction, by=request.user, **form.cleaned_data),
            success_message=_("What the direction requires of the council has been recorded."),
            success_url=direction_url(direction),
        )
        if response is not None:
            return response
    return render(
        request,
        "intervention/powers/direction_require.html",
        {"form": form, "direction": direction, "case": direction.case, "back_url": direction_url(direction)},
    )
