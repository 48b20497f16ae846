"""Drafting a warning notice: a Welsh Government official writes the contents s151(2) demands,
previews the text and issues it.

Every page looks the notice up through `selectors.notices_for_user`, which hides drafts from
everyone but officials, so a draft answers 404 to anyone else. A person who can see a given notice
but may not manage it gets 403, and once a notice is no longer a draft every page refuses changes
with a message (the services refuse them too).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial, wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, IntegerField, Prefetch, Value, When, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.templatetags.govuk import deadline_date
from accounts.web import paginate, run_service
from inspections import selectors as inspection_selectors
from inspections.check_answers import CheckAnswers, recalled_answers, run_checked
from inspections.choices import InspectionState
from inspections.models import Finding
from inspections.submissions import run_once, with_token

from .. import calendars, permissions, selectors, services
from ..choices import (
    LIVE_STATES,
    CaseState,
    ComplianceRule,
    NoticeKind,
    NoticeState,
    RequirementDue,
)
from ..models import Ground, NoticeGround, Requirement, WarningNotice, legislature_name
from ..obligations import services as obligation_services
from . import templates as requirement_templates
from .forms import (
    CarryOverForm,
    ComplianceForm,
    FailedFunctionsForm,
    IssueForm,
    MindedToForm,
    MinistersDutiesForm,
    NoticeDetailsForm,
    NoticeGroundsForm,
    NoticeStartForm,
    PreviewDateForm,
    RequirementForm,
    RequirementTemplateForm,
    VariationForm,
)

ISSUED_MESSAGE = gettext_lazy("This notice has been issued, so its text cannot change.")
WITHDRAWN_MESSAGE = gettext_lazy("This notice was withdrawn, so its text cannot change.")
TEMPLATE_DIR = "intervention/drafting"


# Where pages lead ------------------------------------------------------------------------------


def _url_if_exists(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def notice_url(notice: WarningNotice) -> str:
    """Return the notice's own page, or the list of notices where there is none yet."""
    return _url_if_exists("intervention:notice_detail", notice.pk) or reverse("intervention:notice_list")


def overview_url(notice: WarningNotice) -> str:
    """Return the page that shows a draft's task list (the notice page shows it for a draft)."""
    return _url_if_exists("intervention:notice_detail", notice.pk) or reverse(
        "intervention:draft_overview", args=[notice.pk]
    )


def _requirements_url(notice: WarningNotice) -> str:
    return reverse("intervention:notice_requirements", args=[notice.pk])


# The gate every drafting page goes through ---------------------------------------------------


def _refuse_changes(request: HttpRequest, notice: WarningNotice) -> HttpResponse | None:
    """Raise 403 for a person who may not draft; send them back if the notice is no longer a draft."""
    if not permissions.can_manage_notice(notice, request.user):
        raise PermissionDenied
    if notice.state != NoticeState.DRAFT:
        withdrawn = notice.state == NoticeState.WITHDRAWN
        messages.error(request, WITHDRAWN_MESSAGE if withdrawn else ISSUED_MESSAGE)
        return redirect(notice_url(notice))
    return None


def drafting_view(view: Callable) -> Callable:
    """Hand `view` the draft notice `pk` if the person may change it now."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, pk: int, **kwargs) -> HttpResponse:
        notice = get_object_or_404(selectors.notices_for_user(request.user), pk=pk)
        return _refuse_changes(request, notice) or view(request, notice, **kwargs)

    return wrapper


def _posted(request: HttpRequest):
    """Return the POSTed data to bind a form to (even if empty), or None on GET."""
    return request.POST if request.method == "POST" else None


# Starting a draft ------------------------------------------------------------------------------


@login_required
def notice_start(request: HttpRequest, inspection_pk: int) -> HttpResponse:
    inspection = get_object_or_404(inspection_selectors.inspections_for_user(request.user), pk=inspection_pk)
    if not permissions.can_create_case(request.user):
        raise PermissionDenied
    if inspection.state != InspectionState.PUBLISHED:
        messages.error(
            request,
            _(
                "A warning notice can rest only on a published inspection report. "
                "This report is not published."
            ),
        )
        return redirect("inspections:detail", inspection.pk)
    form = with_token(_start_form(request, inspection))
    if request.method == "POST":
        response = run_once(
            request,
            form,
            lambda: _open_case_and_draft(inspection, by=request.user, form=form),
            success_message=_("The draft notice has been created. Complete each section, then issue it."),
            success_url=overview_url,
        )
        if response:
            return response
    return render(request, f"{TEMPLATE_DIR}/notice_start.html", {"form": form, "inspection": inspection})


def _start_form(request: HttpRequest, inspection) -> NoticeStartForm:
    """Offer the council's open cases for the service area, and its given notices as parents."""
    return NoticeStartForm(
        _posted(request),
        inspection=inspection,
        open_cases=selectors.cases_for_user(request.user)
        .filter(council_id=inspection.council_id, service_area=inspection.service_area, state=CaseState.OPEN)
        .order_by("-opened_on", "-id"),
        parents=selectors.notices_for_user(request.user)
        .filter(case__council_id=inspection.council_id, given_on__isnull=False)
        .order_by("-given_on", "-id"),
        today=timezone.localdate(),
    )


@transaction.atomic
def _open_case_and_draft(inspection, *, by, form: NoticeStartForm) -> WarningNotice:
    """Open the case if a new one was asked for, then start the draft: both or neither."""
    data = form.cleaned_data
    case = form.chosen_case or services.case_open(
        by=by,
        council=inspection.council,
        title=data["case_title"],
        service_area=inspection.service_area,
        opened_on=data["case_opened_on"],
        inspections=[inspection],
    )
    return services.notice_draft(
        case=case, by=by, title=data["title"], kind=data["kind"], parent=data["parent"], inspection=inspection
    )


# The task list ---------------------------------------------------------------------------------


@dataclass
class Task:
    key: str
    name: str
    hint: str
    done: bool
    url: str


def missing_contents(notice: WarningNotice) -> list[str]:
    """Return why the notice cannot be issued yet: the issue transition's unmet conditions."""
    transition = notice.issue._django_fsm.get_transition(NoticeState.DRAFT)
    return [str(condition.message) for condition in transition.conditions if not condition(notice)]


def draft_overview(request: HttpRequest, notice: WarningNotice) -> HttpResponse:
    """Render the task list of a draft notice (`notice` comes from `selectors.notices_for_user`)."""
    refusal = _refuse_changes(request, notice)
    if refusal:
        return refusal
    prefetch_related_objects(
        [notice], Prefetch("grounds", queryset=NoticeGround.objects.select_related("ground"))
    )
    letters = list(notice.requirements.values_list("letter", flat=True))
    functions = notice.failed_functions_in_order()
    tasks = _tasks(notice, letters=letters, functions=functions)
    context = {
        "notice": notice,
        "tasks": tasks,
        "completed": sum(task.done for task in tasks),
        "missing": missing_contents(notice),
        "board_reports": _board_reports_summary(notice),
        "withdraw_url": _url_if_exists("intervention:notice_withdraw", notice.pk),
    }
    return render(request, f"{TEMPLATE_DIR}/draft_overview.html", context)


@login_required
def notice_draft_overview(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(selectors.notices_for_user(request.user), pk=pk)
    return draft_overview(request, notice)


def _tasks(notice: WarningNotice, *, letters: list[str], functions: list) -> list[Task]:
    grounds = list(notice.grounds.all())

    def url(name: str) -> str:
        return reverse(f"intervention:{name}", args=[notice.pk])

    tasks = [
        Task(
            "details",
            _("Title, Minister and purpose"),
            notice.title,
            bool(notice.title.strip() and notice.purpose.strip()),
            url("notice_edit_details"),
        ),
        Task(
            "grounds",
            _("Grounds for intervention and the reasons for each"),
            ", ".join(str(g.ground) for g in grounds) or _("No ground chosen yet"),
            notice.has_grounds_with_reasons(),
            url("notice_grounds"),
        ),
        Task(
            "functions",
            _("Social services functions not performed to an adequate standard"),
            ngettext("%(count)s function", "%(count)s functions", len(functions)) % {"count": len(functions)},
            bool(functions),
            url("notice_functions"),
        ),
        Task(
            "requirements",
            _("Action required of the council"),
            _letters_summary(letters),
            bool(letters),
            url("notice_requirements"),
        ),
        Task(
            "compliance",
            _("Compliance period"),
            compliance_summary(notice),
            notice.has_compliance_period(),
            url("notice_compliance"),
        ),
        Task(
            "minded_to",
            _("Action the Ministers are minded to take"),
            notice.minded_to_powers or (_("Written") if notice.minded_to.strip() else _("Not written yet")),
            notice.has_minded_to(),
            url("notice_minded_to"),
        ),
    ]
    if notice.kind == NoticeKind.ADDENDUM:
        variations = notice.variations.count()
        tasks.insert(
            1,
            Task(
                "variations",
                _("Changes to the requirements of the notice it amends"),
                ngettext("%(count)s change", "%(count)s changes", variations) % {"count": variations},
                notice.has_requirements(),
                url("notice_variations"),
            ),
        )
        tasks.append(
            Task(
                "ministers_duties",
                _("Whether the Ministers' duties under section 151(3) apply"),
                _("They apply") if notice.ministers_duties_apply else _("They do not apply"),
                True,
                url("notice_ministers_duties"),
            )
        )
    if notice.kind == NoticeKind.FOLLOW_UP:
        tasks.append(
            Task(
                "carry_over",
                _("What happens to the open obligations of the notice it follows"),
                _("Decided") if notice.carry_over_decided() else _("Not decided yet"),
                notice.carry_over_decided(),
                url("notice_carry_over"),
            )
        )
    return tasks


def _letters_summary(letters: list[str]) -> str:
    if not letters:
        return _("No requirements yet")
    if len(letters) <= 10:
        return ", ".join(f"({letter})" for letter in letters)
    return ngettext("%(count)s requirement", "%(count)s requirements", len(letters)) % {"count": len(letters)}


def compliance_summary(notice: WarningNotice) -> str:
    """Describe the compliance period in words, as far as it is set."""
    if not notice.has_compliance_period():
        return _("Not set yet")
    if notice.compliance_rule == ComplianceRule.FIXED_DATE:
        return _("By %(date)s") % {"date": deadline_date(notice.compliance_fixed_on)}
    start = (
        calendars.format_date(notice.compliance_start_on)
        if notice.compliance_start_on
        else _("the date the notice is given")
    )
    if notice.compliance_rule == ComplianceRule.WORKING_DAYS:
        text = ngettext(
            "%(count)s working day after %(start)s",
            "%(count)s working days after %(start)s",
            notice.compliance_days,
        )
    else:
        text = ngettext(
            "%(count)s calendar day after %(start)s",
            "%(count)s calendar days after %(start)s",
            notice.compliance_days,
        )
    return text % {"count": notice.compliance_days, "start": start}


def _board_reports_summary(notice: WarningNotice) -> str:
    count = notice.board_reports_count
    if notice.board_reports_until_end and notice.board_reports_from:
        return _("Monthly from %(month)s until the notice ends") % {
            "month": calendars.format_month(notice.board_reports_from)
        }
    if not count:
        return _("None set by the notice")
    if notice.board_reports_from is None:
        return _("%(count)s monthly reports; the first month is not set yet") % {"count": count}
    return ngettext(
        "%(count)s monthly report, for %(month)s",
        "%(count)s monthly reports, the first for %(month)s",
        count,
    ) % {"count": count, "month": calendars.format_month(notice.board_reports_from)}


# The contents, one page each -----------------------------------------------------------------


def _notice_form_page(
    request: HttpRequest,
    notice: WarningNotice,
    form: forms.Form,
    *,
    heading: str,
    success_message: str,
    action: Callable[[], object] | None = None,
    template: str = f"{TEMPLATE_DIR}/notice_form.html",
    extra: dict | None = None,
) -> HttpResponse:
    """Save a valid form through `action` (default: update the draft) and go back to the task list."""
    if request.method == "POST" and form.is_valid():
        response = run_service(
            request,
            form,
            action or partial(_update_draft, notice, request.user, form),
            success_message=success_message,
            success_url=overview_url(notice),
        )
        if response:
            return response
    context = {"notice": notice, "form": form, "heading": heading, "back_url": overview_url(notice)}
    return render(request, template, {**context, **(extra or {})})


def _update_draft(notice: WarningNotice, by, form: forms.Form) -> None:
    services.notice_update_draft(notice=notice, by=by, **form.cleaned_data)


def _initial(notice: WarningNotice, form_class: type[forms.Form]) -> dict:
    return {name: getattr(notice, name) for name in form_class.base_fields if hasattr(notice, name)}


def _schedule_initial(notice: WarningNotice) -> str:
    if notice.board_reports_until_end:
        return "until_end"
    return "count" if notice.board_reports_count else "none"


@drafting_view
def notice_edit_details(request: HttpRequest, notice: WarningNotice) -> HttpResponse:
    form = NoticeDetailsForm(_posted(request), initial=_initial(notice, NoticeDetailsForm))
    return _notice_form_page(
        request,
        notice,
        form,
        heading=_("Title, Minister and purpose"),
        success_message=_("The notice's details have been saved."),
    )


@drafting_view
def notice_compliance(request: HttpRequest, notice: WarningNotice) -> HttpResponse:
    initial = {**_initial(notice, ComplianceForm), "board_reports_schedule": _schedule_initial(notice)}
    form = ComplianceForm(_posted(request), initial=initial, today=timezone.localdate())
    return _notice_form_page(
        request,
        notice,
        form,
        heading=_("Compliance period"),
        success_message=_("The compliance period has been saved."),
        extra={"intro": _("The period within which the council must take the action required (s151(2)(d)).")},
    )


@drafting_view
def notice_minded_to(request: HttpRequest, notice: WarningNotice) -> HttpResponse:
    form = MindedToForm(_posted(request), initial=_initial(notice, MindedToForm))
    return _notice_form_page(
        request,
        notice,
        form,
        heading=_("Action the Ministers are minded to take"),
        success_message=_("The action the Ministers are minded to take has been saved."),
        extra={
            "intro": _(
                "What the Welsh Ministers will do if the council fails to take the action (s151(2)(e))."
            )
        },
    )


@drafting_view
def notice_functions(request: HttpRequest, notice: WarningNotice) -> HttpResponse:
    form = FailedFunctionsForm(
        _posted(request), initial={"functions": [f.pk for f in notice.failed_functions.all()]}
    )
    return _notice_form_page(
        request,
        notice,
        form,
        heading=_("Social services functions not performed to an adequate standard"),
        success_message=_("The functions have been saved."),
        action=lambda: services.notice_set_failed_functions(
            notice=notice, by=request.user, functions=form.cleaned_data["functions"]
        ),
    )


@drafting_view
def notice_grounds(request: HttpRequest, notice: WarningNotice) -> HttpResponse:
    current = {ng.ground_id: ng for ng in notice.grounds.prefetch_related("findings")}
    initial = {"reasons_summary": notice.reasons_summary}
    grounds = list(Ground.objects.all())
    for ground in grounds:
        if ground.pk in current:
            initial[f"ground_{ground.number}"] = True
            initial[f"reasons_{ground.number}"] = current[ground.pk].reasons
            initial[f"findings_{ground.number}"] = [f.pk for f in current[ground.pk].findings.all()]
    form = NoticeGroundsForm(
        _posted(request), initial=initial, grounds=grounds, findings=_candidate_findings(request, notice)
    )
    return _notice_form_page(
        request,
        notice,
        form,
        heading=_("Grounds for intervention and the reasons for each"),
        success_message=_("The grounds and reasons have been saved."),
        action=lambda: _save_grounds(notice, by=request.user, form=form, current=current),
        template=f"{TEMPLATE_DIR}/notice_grounds.html",
    )


def _candidate_findings(request: HttpRequest, notice: WarningNotice) -> list[Finding]:
    """Return the findings a ground may rest on: the council's published ones, the notice's report first."""
    return list(
        inspection_selectors.findings_for_user(request.user)
        .filter(inspection__council_id=notice.case.council_id, inspection__state=InspectionState.PUBLISHED)
        .annotate(
            own_report=Case(
                When(inspection_id=notice.inspection_id, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("own_report", "-inspection__published_on", "inspection_id", "position", "id")
    )


@transaction.atomic
def _save_grounds(notice: WarningNotice, *, by, form: NoticeGroundsForm, current: dict) -> None:
    """Set or remove each ground as the form says, changing only what changed: all or nothing."""
    chosen = form.chosen_grounds()
    summary = form.cleaned_data["reasons_summary"]
    if summary != notice.reasons_summary:
        services.notice_update_draft(notice=notice, by=by, reasons_summary=summary)
    for ground in form.grounds:
        existing = current.get(ground.pk)
        if ground in chosen:
            reasons, findings = chosen[ground]
            unchanged = (
                existing is not None
                and existing.reasons == reasons
                and {f.pk for f in existing.findings.all()} == {f.pk for f in findings}
            )
            if not unchanged:
                services.notice_set_ground(
                    notice=notice, by=by, ground=ground, reasons=reasons, findings=findings
                )
        elif existing is not None:
            services.notice_remove_ground(notice=notice, by=by, ground=ground)


# Requirements ----------------------------------------------------------------------------------


@drafting_view
def notice_requirements(request: HttpRequest, notice: WarningNotice) -> HttpResponse:
    templates = list(requirement_templates.active_templates())
    context = {
        "notice": notice,
        "back_url": overview_url(notice),
        "templates": templates,
        # Starting from a template is a form of its own, sent once.
        "template_form": with_token(RequirementTemplateForm(templates=templates)),
        **paginate(request, notice.requirements.all()),
    }
    return render(request, f"{TEMPLATE_DIR}/requirement_list.html", context)


def _next_letter(taken: list[str]) -> str:
    letters = [chr(code) for code in range(ord("a"), ord("z") + 1)]
    used = [letters.index(letter) for letter in taken if letter in letters]
    following = max(used, default=-1) + 1
    return letters[following] if following < len(letters) else ""


def _requirement_page(request, notice, form, *, action, heading, success_message, requirement=None):
    with_token(form)
    if request.method == "POST":
        response = run_once(
            request, form, action, success_message=success_message, success_url=_requirements_url(notice)
        )
        if response:
            return response
    context = {
        "notice": notice,
        "form": form,
        "heading": heading,
        "requirement": requirement,
        "back_url": _requirements_url(notice),
    }
    return render(request, f"{TEMPLATE_DIR}/notice_form.html", context)


@drafting_view
def requirement_add(request: HttpRequest, notice: WarningNotice) -> HttpResponse:
    taken = list(notice.requirements.values_list("letter", flat=True))
    form = RequirementForm(_posted(request), taken_letters=taken, initial={"letter": _next_letter(taken)})
    return _requirement_page(
        request,
        notice,
        form,
        action=lambda: services.requirement_add(notice=notice, by=request.user, **form.cleaned_data),
        heading=_("Add a requirement"),
        success_message=_("The requirement has been added."),
    )


@drafting_view
def requirement_edit(request: HttpRequest, notice: WarningNotice, requirement_pk: int) -> HttpResponse:
    requirement = get_object_or_404(notice.requirements.all(), pk=requirement_pk)
    taken = notice.requirements.exclude(pk=requirement.pk).values_list("letter", flat=True)
    initial = {name: getattr(requirement, name) for name in RequirementForm.base_fields}
    form = RequirementForm(_posted(request), taken_letters=taken, initial=initial)
    return _requirement_page(
        request,
        notice,
        form,
        action=lambda: services.requirement_update(
            requirement=requirement, by=request.user, **form.cleaned_data
        ),
        heading=_("Change requirement (%(letter)s)") % {"letter": requirement.letter},
        success_message=_("The requirement has been saved."),
        requirement=requirement,
    )


@drafting_view
def requirement_remove(request: HttpRequest, notice: WarningNotice, requirement_pk: int) -> HttpResponse:
    requirement = get_object_or_404(notice.requirements.all(), pk=requirement_pk)
    form = forms.Form(_posted(request))
    if request.method == "POST" and form.is_valid():
        response = run_service(
            request,
            form,
            lambda: services.requirement_remove(requirement=requirement, by=request.user),
            success_message=_("Requirement (%(letter)s) has been removed.") % {"letter": requirement.letter},
            success_url=_requirements_url(notice),
        )
        if response:
            return response
    context = {
        "notice": notice,
        "requirement": requirement,
        "form": form,
        "back_url": _requirements_url(notice),
    }
    return render(request, f"{TEMPLATE_DIR}/requirement_remove.html", context)


@drafting_view
@require_POST
def requirements_from_template(request: HttpRequest, notice: WarningNotice) -> HttpResponse:
    """Add the requirements of the template chosen (one an administrator keeps, still offered)."""
    form = with_token(
        RequirementTemplateForm(request.POST, templates=requirement_templates.active_templates())
    )
    name = form.cleaned_data["template"].name if form.is_valid() else ""
    response = run_once(
        request,
        form,
        lambda: requirement_templates.requirements_add_from_template(
            notice=notice, template=form.cleaned_data["template"], by=request.user
        ),
        success_message=_("The requirements of “%(name)s” have been added. Change them to fit.")
        % {"name": name},
        success_url=_requirements_url(notice),
    )
    if response is None:  # refused: say why on the list
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(_requirements_url(notice))
    return response


# Preview and issue -----------------------------------------------------------------------------


@dataclass
class PreviewDeadline:
    label: str
    due_on: datetime.date | None
    basis: str


def _deadlines_if_given(notice: WarningNotice, given_on: datetime.date) -> list[PreviewDeadline]:
    """Return the due dates the notice would set if given on `given_on`; nothing is stored.

    A date in a year the working-day calendar does not know is shown with the reason instead.
    """
    rows = []
    calendar = calendars.WorkingCalendar()
    try:
        if notice.sets_compliance_period():
            computed = obligation_services.compute_compliance_period(notice, on=given_on, calendar=calendar)
            label = notice.compliance_description or _("End of the compliance period")
            rows.append(PreviewDeadline(label, computed.due_on, computed.basis))
        if notice.ministers_duties_apply:
            for days, text in (
                (
                    obligation_services.LAYING_DAYS,
                    _("Lay a copy of the notice before %(legislature)s (s151(3)(a))"),
                ),
                (
                    obligation_services.REPORT_DAYS,
                    _("Report to %(legislature)s on the council's action (s151(3)(b))"),
                ),
            ):
                computed = calendars.calendar_day_deadline(given_on, days, calendar=calendar)
                rows.append(
                    PreviewDeadline(
                        text % {"legislature": legislature_name(computed.due_on)},
                        computed.due_on,
                        computed.basis,
                    )
                )
        for month in obligation_services.scheduled_months(notice, today=given_on):
            computed = calendars.month_end_deadline(month, calendar=calendar)
            label = _("Improvement Board report for %(month)s") % {"month": calendars.format_month(month)}
            rows.append(PreviewDeadline(label, computed.due_on, computed.basis))
    except calendars.UnknownCalendarYear as error:
        rows.append(PreviewDeadline(error.messages[0], None, ""))
    for requirement in notice.requirements.all():
        if requirement.due == RequirementDue.FIXED_DATE and requirement.due_on_fixed:
            rows.append(
                PreviewDeadline(
                    _("Requirement (%(letter)s)") % {"letter": requirement.letter},
                    requirement.due_on_fixed,
                    _("Fixed date set in the notice"),
                )
            )
    return rows


def _render_preview(
    request: HttpRequest,
    notice: WarningNotice,
    *,
    form: IssueForm,
    date_form: PreviewDateForm,
    given_on: datetime.date,
) -> HttpResponse:
    prefetch_related_objects(
        [notice],
        Prefetch("grounds", queryset=NoticeGround.objects.select_related("ground")),
        "failed_functions",
        Prefetch("requirements", queryset=Requirement.objects.order_by("position", "letter")),
    )
    context = {
        "notice": notice,
        "form": form,
        "date_form": date_form,
        "given_on": given_on,
        "text": services.render_notice_text(notice, given_on=given_on),
        "deadlines": _deadlines_if_given(notice, given_on),
        "board_reports": _board_reports_summary(notice),
        "missing": missing_contents(notice),
        "back_url": overview_url(notice),
    }
    return render(request, f"{TEMPLATE_DIR}/notice_preview.html", context)


@drafting_view
def notice_preview(request: HttpRequest, notice: WarningNotice) -> HttpResponse:
    today = timezone.localdate()
    recalled = recalled_answers(request)  # back from checking the answers, to change them
    if recalled is not None:
        form = IssueForm(recalled, today=today)
        given_on = form.cleaned_data["on"] if form.is_valid() else today
        date_form = PreviewDateForm(initial={"preview_on": given_on})
        return _render_preview(request, notice, form=form, date_form=date_form, given_on=given_on)
    date_form = PreviewDateForm(request.GET or None, initial={"preview_on": today})
    given_on = date_form.cleaned_data["preview_on"] if date_form.is_bound and date_form.is_valid() else today
    form = IssueForm(today=today, initial={"on": given_on})
    return _render_preview(request, notice, form=form, date_form=date_form, given_on=given_on)


@drafting_view
def notice_issue(request: HttpRequest, notice: WarningNotice) -> HttpResponse:
    if request.method != "POST":
        return redirect("intervention:notice_preview", notice.pk)
    today = timezone.localdate()
    form = with_token(IssueForm(request.POST, today=today))
    response = run_checked(
        request,
        form,
        lambda: services.notice_issue(notice=notice, by=request.user, on=form.cleaned_data["on"]),
        check=CheckAnswers(
            heading=_("Issue the warning notice"),
            button=_("Issue the notice"),
            caption=f"{notice.case.council.name}: {notice.title}",
            explanation=_(
                "Issuing gives the notice to the council: its text is fixed as previewed and its "
                "deadlines are set."
            ),
        ),
        success_message=_("The warning notice has been issued and its deadlines have been set."),
        success_url=notice_url(notice),
        change_url=reverse("intervention:notice_preview", args=[notice.pk]),
        conflict_url=overview_url(notice),
    )
    if response:
        return response
    # The service may have changed the notice in memory before it refused: show it as stored.
    notice = get_object_or_404(selectors.notices_for_user(request.user), pk=notice.pk)
    given_on = form.cleaned_data.get("on")
    date_form = PreviewDateForm(initial={"preview_on": given_on or today})
    return _render_preview(request, notice, form=form, date_form=date_form, given_on=given_on or today)


# Addenda and follow-up notices -------------------------------------------------------------------


def _require_kind(notice: WarningNotice, kind: str) -> None:
    if notice.kind != kind:
        raise Http404


@drafting_view
def notice_ministers_duties(request: HttpRequest, notice: WarningNotice) -> HttpResponse:
    _require_kind(notice, NoticeKind.ADDENDUM)
    form = MinistersDutiesForm(_posted(request), initial=_initial(notice, MinistersDutiesForm))
    return _notice_form_page(
        request,
        notice,
        form,
        heading=_("Whether the Ministers' duties under section 151(3) apply"),
        success_message=_("Saved."),
        extra={
            "intro": _(
                "Section 151(3) requires the Ministers to lay a warning notice within 21 days and to report "
                "on it within 90. Whether it applies to an addendum is unverified."
            )
        },
    )


@drafting_view
def notice_variations(request: HttpRequest, notice: WarningNotice) -> HttpResponse:
    """List the requirements of the notice an addendum amends, with how the addendum changes each."""
    _require_kind(notice, NoticeKind.ADDENDUM)
    requirements = list(
        notice.parent.requirements.filter(obligations__state__in=LIVE_STATES)
        .distinct()
        .order_by("position", "letter")
    )
    changes = {v.requirement_id: v for v in notice.variations.all()}
    for requirement in requirements:
        requirement.variation = changes.get(requirement.pk)
    context = {"notice": notice, "requirements": requirements, "back_url": overview_url(notice)}
    return render(request, f"{TEMPLATE_DIR}/variation_list.html", context)


@drafting_view
def variation_edit(request: HttpRequest, notice: WarningNotice, requirement_pk: int) -> HttpResponse:
    """Say how the addendum changes one requirement of the notice it amends.

    No change, new words, or withdrawn.
    """
    _require_kind(notice, NoticeKind.ADDENDUM)
    requirement = get_object_or_404(notice.parent.requirements.all(), pk=requirement_pk)
    variation = notice.variations.filter(requirement=requirement).first()
    initial = {"action": variation.action if variation else VariationForm.NO_CHANGE}
    if variation:
        initial.update(new_text=variation.new_text, reason=variation.reason)
    else:
        initial["new_text"] = requirement.text
    form = VariationForm(_posted(request), initial=initial)
    back = reverse("intervention:notice_variations", args=[notice.pk])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def action():
            if data["action"] == VariationForm.NO_CHANGE:
                if variation is not None:
                    services.variation_remove(variation=variation, by=request.user)
                return
            services.variation_set(
                addendum=notice,
                by=request.user,
                requirement=requirement,
                action=data["action"],
                reason=data["reason"],
                new_text=data["new_text"],
            )

        response = run_service(
            request,
            form,
            action,
            success_message=_("The change to requirement (%(letter)s) has been saved.")
            % {"letter": requirement.letter},
            success_url=back,
        )
        if response:
            return response
    context = {
        "notice": notice,
        "form": form,
        "requirement": requirement,
        "heading": _("How the addendum changes requirement (%(letter)s)") % {"letter": requirement.letter},
        "back_url": back,
    }
    return render(request, f"{TEMPLATE_DIR}/variation_form.html", context)


@drafting_view
def notice_carry_over(request: HttpRequest, notice: WarningNotice) -> HttpResponse:
    """Decide, for each open obligation of the notice a follow-up supersedes, whether it carries over."""
    _require_kind(notice, NoticeKind.FOLLOW_UP)
    obligations = list(services.parent_obligations_to_decide(notice))
    decided = dict(notice.carry_over_decisions.values_list("obligation_id", "carry_over"))
    form = CarryOverForm(_posted(request), obligations=obligations, decided=decided)
    if request.method == "POST" and form.is_valid():

        @transaction.atomic
        def action():
            for obligation, carry in form.decisions():
                services.carry_over_decide(
                    follow_up=notice, by=request.user, obligation=obligation, carry_over=carry
                )

        response = run_service(
            request,
            form,
            action,
            success_message=_("Your decisions have been saved."),
            success_url=overview_url(notice),
        )
        if response:
            return response
    context = {
        "notice": notice,
        "form": form,
        "obligations": obligations,
        "heading": _("What happens to the open obligations of the notice this one follows"),
        "back_url": overview_url(notice),
    }
    return render(request, f"{TEMPLATE_DIR}/carry_over.html", context)
