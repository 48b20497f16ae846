"""Inspection pages: thin views over the selectors and services.

Every page looks the inspection up through `selectors.inspections_for_user`, so an inspection
outside a person's scope answers 404; a person who may see it but not change it gets 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial, wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import failed_condition_message
from accounts.forms import ReasonForm
from accounts.history import history_page
from accounts.permissions import has_casework_role, is_official
from accounts.web import paginate, run_service

from . import permissions, selectors, services
from .check_answers import CheckAnswers, form_data, run_checked
from .choices import FindingTheme, InspectionState
from .forms import (
    FindingForm,
    InspectionCreateForm,
    InspectionDetailsForm,
    InspectionFilterForm,
    IssueDraftForm,
    PublishForm,
    RecommendationForm,
    RecordPublishedForm,
    StartFieldworkForm,
    WithdrawForm,
)
from .models import Finding, Inspection, Recommendation
from .submissions import run_once, with_token


def _detail_url(inspection: Inspection) -> str:
    return reverse("inspections:detail", args=[inspection.pk])


def _visible_inspection(request: HttpRequest, pk: int) -> Inspection:
    return get_object_or_404(selectors.inspections_for_user(request.user), pk=pk)


def _frozen_message(inspection: Inspection) -> str:
    if inspection.state == InspectionState.WITHDRAWN:
        return _("This inspection was withdrawn, so its contents cannot change.")
    return _(
        "This inspection's report is published, so its contents are part of the record and cannot change."
    )


def editing_view(view: Callable) -> Callable:
    """Hand `view` the inspection if the person may change its contents now.

    404 outside the person's scope, 403 for a role that may not edit, and a message on the
    inspection's page once the report is published or the inspection withdrawn.
    """

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, pk: int, **kwargs) -> HttpResponse:
        inspection = _visible_inspection(request, pk)
        if not permissions.can_edit_findings(inspection, request.user):
            if permissions.can_manage_inspection(inspection, request.user) and not inspection.is_editable:
                messages.error(request, _frozen_message(inspection))
                return redirect(_detail_url(inspection))
            raise PermissionDenied
        return view(request, inspection, **kwargs)

    return wrapper


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    if not has_casework_role(request.user):
        raise PermissionDenied
    form = InspectionFilterForm(request.GET or None)
    inspections = selectors.inspections_for_user(request.user)
    if form.is_valid():
        inspections = form.filter(inspections)
    context = {
        "filter_form": form,
        "can_create": permissions.can_create_inspection(request.user),
        **paginate(request, inspections),
    }
    return render(request, "inspections/inspection_list.html", context)


@login_required
def inspection_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_create_inspection(request.user):
        raise PermissionDenied
    form = with_token(InspectionCreateForm(request.POST or None))
    if request.method == "POST":
        response = run_once(
            request,
            form,
            lambda: services.inspection_create(by=request.user, **form.service_kwargs()),
            success_message=_("The inspection has been created."),
            success_url=_detail_url,
        )
        if response:
            return response
    return render(request, "inspections/inspection_form.html", {"form": form, "inspection": None})


def _findings_by_theme(findings: list[Finding]) -> list[tuple[str, list[Finding]]]:
    """Group findings under their themes, in the framework's order."""
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.theme, []).append(finding)
    return [(label, groups[theme]) for theme, label in FindingTheme.choices if theme in groups]


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = get_object_or_404(
        selectors.inspections_for_user(request.user).prefetch_related(
            "fieldwork_periods",
            "intervention_cases",  # the cases it belongs to, for the links to them (same council)
        ),
        pk=pk,
    )
    # The council reads the findings from the draft report on, not while they are being written.
    show_findings = permissions.can_view_findings(inspection, request.user)
    if show_findings:
        prefetch_related_objects(
            [inspection],
            Prefetch("findings", queryset=Finding.objects.prefetch_related("statutory_functions")),
            Prefetch("recommendations", queryset=Recommendation.objects.prefetch_related("findings")),
        )
    context = {
        "inspection": inspection,
        "show_findings": show_findings,
        "themes": _findings_by_theme(list(inspection.findings.all())) if show_findings else [],
        "recommendations": list(inspection.recommendations.all()) if show_findings else [],
        "can_edit": permissions.can_edit_findings(inspection, request.user),
        "actions": list(inspection.get_available_user_state_transitions(request.user)),
        # Welsh Government officials may rest a warning notice on a published report.
        "can_draft_notice": is_official(request.user) and inspection.state == InspectionState.PUBLISHED,
    }
    return render(request, "inspections/inspection_detail.html", context)


@editing_view
def inspection_edit(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    initial = {name: getattr(inspection, name) for name in InspectionDetailsForm.base_fields}
    form = InspectionDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        response = run_service(
            request,
            form,
            lambda: services.inspection_update(inspection=inspection, by=request.user, **form.cleaned_data),
            success_message=_("The inspection's details have been saved."),
            success_url=_detail_url(inspection),
        )
        if response:
            return response
    return render(request, "inspections/inspection_form.html", {"form": form, "inspection": inspection})


@login_required
def inspection_history(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _visible_inspection(request, pk)
    context = {
        "inspection": inspection,
        "history": history_page(request, inspection.history.all()),
    }
    if permissions.can_view_findings(inspection, request.user):
        context["finding_history"] = history_page(
            request,
            Finding.history.filter(inspection_id=inspection.pk),
            param="findings_page",
            with_subject=True,
            hidden=["inspection"],
        )
        context["recommendation_history"] = history_page(
            request,
            Recommendation.history.filter(inspection_id=inspection.pk),
            param="recommendations_page",
            with_subject=True,
            hidden=["inspection"],
        )
    return render(request, "inspections/inspection_history.html", context)


# Findings and recommendations


def _finding_form(request: HttpRequest, finding: Finding | None = None) -> FindingForm:
    initial, cited = {}, []
    if finding is not None:
        cited = [function.pk for function in finding.statutory_functions.all()]
        initial = {name: getattr(finding, name) for name in ("theme", "kind", "text", "evidence_summary")}
        initial["statutory_functions"] = cited
    return FindingForm(request.POST or None, initial=initial, today=timezone.localdate(), cited=cited)


def _form_page(
    request: HttpRequest,
    inspection: Inspection,
    form: forms.Form,
    action: Callable[[], object],
    *,
    template: str,
    success_message: str,
    extra: dict | None = None,
    check: CheckAnswers | None = None,
) -> HttpResponse:
    """Run `action` for a valid POSTed form and go back to the inspection, or show the form.

    The form carries a one-time token: sent twice, it is acted on once (inspections.submissions).
    With `check`, a permanent record: the answers are shown to check before it is made.
    """
    with_token(form)
    if request.method == "POST":
        run = partial(run_checked, check=check) if check else run_once
        response = run(
            request, form, action, success_message=success_message, success_url=_detail_url(inspection)
        )
        if response:
            return response
    return render(request, template, {"form": form, "inspection": inspection, **(extra or {})})


@editing_view
def finding_add(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    form = _finding_form(request)
    return _form_page(
        request,
        inspection,
        form,
        lambda: services.finding_create(inspection=inspection, by=request.user, **form.cleaned_data),
        template="inspections/finding_form.html",
        success_message=_("The finding has been added."),
    )


@editing_view
def finding_edit(request: HttpRequest, inspection: Inspection, finding_pk: int) -> HttpResponse:
    finding = get_object_or_404(inspection.findings.select_related("inspection"), pk=finding_pk)
    form = _finding_form(request, finding)
    return _form_page(
        request,
        inspection,
        form,
        lambda: services.finding_update(finding=finding, by=request.user, **form.cleaned_data),
        template="inspections/finding_form.html",
        success_message=_("The finding has been saved."),
        extra={"finding": finding},
    )


@editing_view
def finding_delete(request: HttpRequest, inspection: Inspection, finding_pk: int) -> HttpResponse:
    finding = get_object_or_404(inspection.findings.select_related("inspection"), pk=finding_pk)
    form = ReasonForm(request.POST or None, reason_label=gettext_lazy("Why is it being removed? (optional)"))
    return _form_page(
        request,
        inspection,
        form,
        lambda: services.finding_delete(finding=finding, by=request.user, **form.cleaned_data),
        template="inspections/finding_delete.html",
        success_message=_("The finding has been removed."),
        extra={"finding": finding},
    )


@editing_view
def recommendation_add(request: HttpRequest, inspection: Inspection) -> HttpResponse:
    form = RecommendationForm(request.POST or None, inspection=inspection)
    return _form_page(
        request,
        inspection,
        form,
        lambda: services.recommendation_create(inspection=inspection, by=request.user, **form.cleaned_data),
        template="inspections/recommendation_form.html",
        success_message=_("The recommendation has been added."),
    )


@editing_view
def recommendation_edit(request: HttpRequest, inspection: Inspection, recommendation_pk: int) -> HttpResponse:
    recommendation = get_object_or_404(
        inspection.recommendations.select_related("inspection").prefetch_related("findings"),
        pk=recommendation_pk,
    )
    initial = {"text": recommendation.text, "findings": [f.pk for f in recommendation.findings.all()]}
    form = RecommendationForm(request.POST or None, initial=initial, inspection=inspection)
    return _form_page(
        request,
        inspection,
        form,
        lambda: services.recommendation_update(
            recommendation=recommendation, by=request.user, **form.cleaned_data
        ),
        template="inspections/recommendation_form.html",
        success_message=_("The recommendation has been saved."),
        extra={"recommendation": recommendation},
    )


@editing_view
def recommendation_delete(
    request: HttpRequest, inspection: Inspection, recommendation_pk: int
) -> HttpResponse:
    recommendation = get_object_or_404(
        inspection.recommendations.select_related("inspection"), pk=recommendation_pk
    )
    form = ReasonForm(request.POST or None, reason_label=gettext_lazy("Why is it being removed? (optional)"))
    return _form_page(
        request,
        inspection,
        form,
        lambda: services.recommendation_delete(
            recommendation=recommendation, by=request.user, **form.cleaned_data
        ),
        template="inspections/recommendation_delete.html",
        success_message=_("The recommendation has been removed."),
        extra={"recommendation": recommendation},
    )


# Moving an inspection through its stages


@dataclass(frozen=True)
class Step:
    """A confirmation page for one transition: what it does, the form it needs and its service."""

    heading: Promise
    explanation: Promise
    button: Promise
    success_message: Promise
    form: Callable[..., ReasonForm]
    service: Callable[..., Inspection]
    warning: bool = False
    # A record nobody can take back: the answers are shown to check first.
    confirm_button: Promise | None = None


STEPS = {
    "start_fieldwork": Step(
        heading=gettext_lazy("Start fieldwork"),
        explanation=gettext_lazy(
            "Starting fieldwork records that the inspectors have begun their visits. "
            "Findings and recommendations can still be changed until the report is published."
        ),
        button=gettext_lazy("Start fieldwork"),
        success_message=gettext_lazy("Fieldwork has started."),
        form=StartFieldworkForm,
        service=services.inspection_start_fieldwork,
    ),
    "issue_draft": Step(
        heading=gettext_lazy("Issue the draft report"),
        explanation=gettext_lazy(
            "Issuing the draft records the date it went to the council for its factual accuracy check. "
            "Findings and recommendations can still be changed until the report is published."
        ),
        button=gettext_lazy("Issue draft report"),
        success_message=gettext_lazy("The draft report has been issued."),
        form=IssueDraftForm,
        service=services.inspection_issue_draft,
    ),
    "publish": Step(
        heading=gettext_lazy("Publish the report"),
        explanation=gettext_lazy(
            "Publishing makes the report and its findings part of the record: "
            "they cannot be changed afterwards."
        ),
        button=gettext_lazy("Publish report"),
        success_message=gettext_lazy("The report has been published."),
        form=PublishForm,
        service=services.inspection_publish,
        confirm_button=gettext_lazy("Confirm and publish the report"),
    ),
    "record_published": Step(
        heading=gettext_lazy("Record a report already published"),
        explanation=gettext_lazy(
            "For a report published before the tracker held the inspection: it is recorded as published "
            "on its publication date, with where that is recorded. Fieldwork and draft dates that are "
            "not on record are not asked for. Its findings cannot be changed afterwards."
        ),
        button=gettext_lazy("Record the published report"),
        success_message=gettext_lazy("The published report has been recorded."),
        form=RecordPublishedForm,
        service=services.inspection_record_published,
        confirm_button=gettext_lazy("Confirm and record"),
    ),
    "withdraw": Step(
        heading=gettext_lazy("Withdraw the inspection"),
        explanation=gettext_lazy(
            "Withdrawing stops the inspection before any report is published. "
            "Its findings and recommendations can no longer be changed, and this cannot be undone."
        ),
        button=gettext_lazy("Withdraw inspection"),
        success_message=gettext_lazy("The inspection has been withdrawn."),
        form=WithdrawForm,
        service=services.inspection_withdraw,
        warning=True,
    ),
}


def _unavailable_message(inspection: Inspection, action: str) -> str:
    """Say why `action` cannot be taken on the inspection now."""
    reason = failed_condition_message(getattr(inspection, action))
    return reason or _("This cannot be done while the inspection is %(state)s.") % {
        "state": str(inspection.get_state_display()).lower()
    }


@login_required
def inspection_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    inspection = _visible_inspection(request, pk)
    if not permissions.can_manage_inspection(inspection, request.user):
        raise PermissionDenied
    if action not in {t.name for t in inspection.get_available_user_state_transitions(request.user)}:
        messages.error(request, _unavailable_message(inspection, action))
        return redirect(_detail_url(inspection))
    step = STEPS[action]
    form = step.form(form_data(request))
    check = None
    if step.confirm_button:
        check = CheckAnswers(
            heading=step.heading,
            button=step.confirm_button,
            explanation=step.explanation,
            caption=inspection.title,
        )
    return _form_page(
        request,
        inspection,
        form,
        lambda: step.service(inspection=inspection, by=request.user, **form.cleaned_data),
        template="inspections/inspection_transition.html",
        success_message=step.success_message,
        extra={"step": step, "action": action},
        check=check,
    )
