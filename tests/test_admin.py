"""The Django admin: reference data is edited there; records and the audit trail are only read."""

import datetime
import html
import re

import django_fsm as fsm
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.sites import site
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_fsm.admin import FSMAdminMixin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import HistoricalChanges

from accounts.admin import ReadOnlyRecordAdmin
from accounts.choices import OrganisationKind, Role
from accounts.feeds import calendar_feed_turn_on
from accounts.models import Organisation, TransitionLog, User
from inspections import services as inspection_services
from inspections.choices import FindingKind, FindingTheme
from inspections.models import Finding, FormSubmission, Inspection, StatutoryFunction
from intervention import services as intervention_services
from intervention.calendars import WorkingCalendar
from intervention.choices import (
    BoardKind,
    ComplianceRule,
    DatePrecision,
    DirectionKind,
    NoticeKind,
    ObligationKind,
    ObligationState,
    PerformedBy,
    Post,
    Regime,
    RequirementDue,
    StatementKind,
    StatementPurpose,
    VariationAction,
)
from intervention.corrections.facts import FACTS
from intervention.corrections.services import fact_correct
from intervention.demo.powys_2017.people import ensure_requirement_template
from intervention.drafting.templates import requirement_template_ensure
from intervention.escalations import services as escalation_services
from intervention.models import (
    ConfirmedCalendarYear,
    Direction,
    Ground,
    InterventionCase,
    NonWorkingDay,
    Obligation,
    PowerRoute,
    PowerToIntervene,
    Provision,
    Reminder,
    Requirement,
    RequirementTemplate,
    RequirementTemplateItem,
    RequirementVariation,
    SeniorContact,
    Submission,
    WarningNotice,
)
from intervention.notifications import services as notification_services

from .conftest import GIVEN_ON
from .evidence_files import pdf_bytes
from .factories import (
    CaseFactory,
    FindingFactory,
    GroundFactory,
    InspectionFactory,
    OrganisationFactory,
    StatutoryFunctionFactory,
    UserFactory,
)
from .workflow import PLAN_SUBMITTED, Casework, reread

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("accounts", "inspections", "intervention")
REFERENCE_MODELS = {
    Organisation,
    User,
    StatutoryFunction,
    Ground,
    NonWorkingDay,
    ConfirmedCalendarYear,
    SeniorContact,
    Provision,
    PowerRoute,
    RequirementTemplate,
    RequirementTemplateItem,
}
# Records whose admin lets an administrator change one field: a case's Welsh Government lead.
CHANGEABLE_RECORDS = {InterventionCase}


# Housekeeping, not records: the one-time tokens of sent forms (inspections.submissions), which the
# admin does not show, as it does not show sessions.
HOUSEKEEPING_MODELS = {FormSubmission}


def project_models() -> list:
    """Every model of our apps except simple-history's Historical* copies and housekeeping."""
    return [
        model
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models()
        if not issubclass(model, HistoricalChanges) and model not in HOUSEKEEPING_MODELS
    ]


RECORD_MODELS = [m for m in project_models() if m not in REFERENCE_MODELS and m is not TransitionLog]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def model_id(model) -> str:
    return model._meta.label


@pytest.fixture
def superuser_client(client, administrator):
    """The administrator, signed in (pytest-django's own admin_client would add a second admin)."""
    client.force_login(administrator)
    return client


def vary_and_follow_up(notice, *, official, on: datetime.date, amend: str = "f", carry: str = "g") -> None:
    """An addendum amending one requirement, given on `on`, and a draft follow-up carrying another over."""
    addendum = intervention_services.notice_draft(
        case=notice.case, by=official, title="Addendum", kind=NoticeKind.ADDENDUM, parent=notice
    )
    intervention_services.variation_set(
        addendum=addendum,
        by=official,
        requirement=notice.requirements.get(letter=amend),
        action=VariationAction.AMEND,
        new_text="Implement the improvement plan, reporting each quarter",
        reason="Clearer",
    )
    intervention_services.notice_issue(notice=addendum, by=official, on=on)
    follow_up = intervention_services.notice_draft(
        case=notice.case, by=official, title="Follow-up notice", kind=NoticeKind.FOLLOW_UP, parent=notice
    )
    intervention_services.carry_over_decide(
        follow_up=follow_up,
        by=official,
        obligation=notice.requirements.get(letter=carry).obligations.get(),
        carry_over=True,
    )


def build_arc(notice, *, official, officer, on: datetime.date) -> None:
    """The rest of the case's arc after `notice`, through the services, from the power on `on`.

    A milestone of its plan; the power to intervene, a direction (varied, and requiring something
    of the council); a statement, a board whose remit changed, an appointment and an event.
    """
    case = notice.case
    intervention_services.milestone_add(
        plan=notice.improvement_plan, by=officer, label="Recruit staff", due_description="At 6 months"
    )
    power = intervention_services.power_determine(
        notice=notice,
        by=official,
        on=on,
        actions_not_taken=notice.requirements.filter(letter="a"),
        reasons="The improvement plan was not produced.",
    )
    direction = intervention_services.direction_give(
        power=power,
        by=official,
        kind=DirectionKind.PERFORMED_BY_MINISTERS,
        terms="The Ministers' nominee is to perform the function.",
        given_on=on,
        performed_by=PerformedBy.NOMINEE,
        nominee="A commissioner",
        functions=[StatutoryFunctionFactory(code="SSWBA-s144")],
    )
    intervention_services.direction_vary(
        direction=direction, by=official, on=on, terms="Varied terms", reason="Clearer", nominee="Another"
    )
    intervention_services.direction_require(
        direction=direction, by=official, on=on, description="Give the nominee access"
    )
    intervention_services.statement_record(
        case=case,
        by=official,
        kind=StatementKind.WRITTEN,
        purpose=StatementPurpose.UPDATE,
        made_on=on,
        minister="The Minister",
        title="Update",
        source="https://gov.wales/statement",
    )
    board = intervention_services.board_establish(
        case=case,
        by=official,
        kind=BoardKind.IMPROVEMENT_BOARD,
        name="Improvement Board",
        regime=Regime.SSWBA_PART_8,
        remit="Oversee the plan.",
        source="Statement",
        established_on=None,
        established_precision=DatePrecision.NOT_EVIDENCED,
    )
    intervention_services.board_change_remit(
        board=board,
        by=official,
        remit="Oversee and assure the plan.",
        summary="Assurance added",
        source="Statement",
        changed_on=on,
        precision=DatePrecision.DAY,
    )
    intervention_services.appointment_record(
        case=case,
        by=official,
        post=Post.DIRECTOR_OF_SOCIAL_SERVICES,
        title="Interim Director of Social Services",
        source="Council minutes",
        starts_on=on,
        starts_precision=DatePrecision.DAY,
    )
    intervention_services.event_record(
        case=case, by=official, description="The Board met", source="Minutes", happened_on=on, precision="day"
    )


@pytest.fixture
def every_record(issued_notice, official, inspector, powys_officer, powys):
    """At least one row of every model, built through the services where they exist."""
    requirement = issued_notice.requirements.get(letter="a")
    intervention_services.requirement_submit(
        requirement=requirement,
        by=powys_officer,
        statement="Done.",
        files=[SimpleUploadedFile("plan.pdf", pdf_bytes(), content_type="application/pdf")],
    )
    intervention_services.board_report_submit(
        report=issued_notice.board_reports.order_by("month").first(),
        by=powys_officer,
        on=datetime.date(2017, 11, 30),
        summary="November",
        files=[SimpleUploadedFile("report.pdf", pdf_bytes(), content_type="application/pdf")],
    )
    inspection = inspection_services.inspection_create(
        by=inspector,
        council=powys,
        title="Follow-up inspection, Powys",
        service_area="children",
        inspection_type="follow_up",
        fieldwork=[(datetime.date(2018, 3, 5), datetime.date(2018, 3, 9))],
    )
    finding = inspection_services.finding_create(
        inspection=inspection,
        by=inspector,
        theme=FindingTheme.SAFEGUARDING,
        kind=FindingKind.AREA_FOR_IMPROVEMENT,
        text="Supervision is not recorded.",
    )
    inspection_services.recommendation_create(
        inspection=inspection, by=inspector, text="Record supervision.", findings=[finding]
    )
    vary_and_follow_up(issued_notice, official=official, on=datetime.date(2017, 12, 1))
    build_arc(issued_notice, official=official, officer=powys_officer, on=datetime.date(2018, 1, 15))
    NonWorkingDay.objects.create(
        day=datetime.date(2022, 9, 19), description="State funeral", source="gov.uk announcement"
    )
    ConfirmedCalendarYear.objects.create(year=2101, source="Bank holidays 2101, gov.uk")
    ensure_requirement_template(official)
    laying = issued_notice.obligations.get(kind=ObligationKind.LAYING)
    calendar_feed_turn_on(user=powys_officer)
    notification_services.notification_preference_set(user=powys_officer, email_frequency="daily")
    Reminder.objects.create(
        obligation=laying,
        recipient=official,
        email="wg-official@example.org",
        kind="due_today",
        due_on=laying.due_on,
        as_of=laying.due_on,
        subject="Due today: lay the notice",
    )
    SeniorContact.objects.create(council=powys, user=powys_officer, position="leader")
    fact_correct(
        fact=FACTS["notice_reference"],
        obj=issued_notice,
        by=official,
        value="WG-2017-01",
        reason="Was missing",
    )
    serious = Finding.objects.get(kind=FindingKind.SERIOUS_CONCERN)
    escalation_services.escalate_serious_findings(inspection=serious.inspection)
    return issued_notice


# What is registered, and how ------------------------------------------------------------


def test_every_project_model_is_registered():
    missing = [model_id(m) for m in project_models() if m not in site._registry]
    assert missing == []


def test_no_historical_model_is_registered():
    historical = [model_id(m) for m in site._registry if issubclass(m, HistoricalChanges)]
    assert historical == []


def test_every_domain_model_uses_simple_history_admin():
    without_history = [
        model_id(m)
        for m in project_models()
        if m is not TransitionLog and not isinstance(site._registry[m], SimpleHistoryAdmin)
    ]
    assert without_history == []


def test_no_admin_uses_django_fsm_transition_buttons():
    assert [type(a).__name__ for a in site._registry.values() if isinstance(a, FSMAdminMixin)] == []


def test_history_cannot_be_reverted_by_settings():
    assert settings.SIMPLE_HISTORY_REVERT_DISABLED is True


FSM_FIELDS = [
    (model, field.name)
    for model in project_models()
    for field in model._meta.fields
    if isinstance(field, fsm.FSMField)
]


@pytest.mark.parametrize("model, name", FSM_FIELDS, ids=[f"{model_id(m)}.{name}" for m, name in FSM_FIELDS])
def test_every_state_field_is_declared_read_only(model, name, administrator):
    model_admin = site._registry[model]
    request = RequestFactory().get("/")
    request.user = administrator

    assert name in model_admin.readonly_fields
    assert name in model_admin.get_readonly_fields(request)


# Fields that transitions and services set: read-only even if editing were ever allowed.
SERVICE_SET_FIELDS = [
    (Inspection, {"draft_issued_on", "published_on"}),
    (
        InterventionCase,
        {"closed_on", "closure_minister", "closure_decision", "closure_source", "reopened_on"},
    ),
    (
        WarningNotice,
        {
            "given_on",
            "issued_text",
            "compliance_ends_on",
            "compliance_basis",
            "compliance_extended",
            "ended_on",
        },
    ),
    # What is owed: its due date and what is recorded about it, set only by the services.
    (
        Obligation,
        {
            "state",
            "kind",
            "owner",
            "unit",
            "start_on",
            "count",
            "due_on",
            "basis",
            "skipped",
            "previous_due_on",
            "due_change_reason",
            "submitted_on",
            "met_on",
            "done_by",
            "not_required_on",
            "breached_on",
            "source",
            "settled_reason",
            "changed_on",
        },
    ),
    (RequirementVariation, {"previous_text", "applied_on"}),
    (Submission, {"submitted_by", "decision", "decided_by", "decided_at", "decision_reason"}),
    (PowerToIntervene, {"state", "determined_on", "ended_on", "end_reference", "end_reasons"}),
    (Direction, {"state", "revoked_on", "ended_on", "end_reason"}),
]


@pytest.mark.parametrize("model, names", SERVICE_SET_FIELDS, ids=[model_id(m) for m, _ in SERVICE_SET_FIELDS])
def test_fields_set_by_services_are_declared_read_only(model, names):
    assert names <= set(site._registry[model].readonly_fields)


@pytest.mark.parametrize("model", RECORD_MODELS, ids=model_id)
def test_records_are_view_only(model, administrator):
    model_admin = site._registry[model]
    request = RequestFactory().get("/")
    request.user = administrator
    assert isinstance(model_admin, ReadOnlyRecordAdmin)
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert model_admin.has_change_permission(request) is (model in CHANGEABLE_RECORDS)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.get_actions(request) == {}


# Every page opens ----------------------------------------------------------------------------


@pytest.mark.parametrize("model", project_models(), ids=model_id)
def test_changelist_change_and_history_pages_open(model, superuser_client, every_record):
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"no {model_id(model)} was built"

    assert superuser_client.get(admin_url(model, "changelist")).status_code == 200
    assert superuser_client.get(admin_url(model, "change", obj.pk)).status_code == 200
    if model is TransitionLog:
        return
    record = obj.history.order_by("history_id").first()
    version = superuser_client.get(admin_url(model, "simple_history", obj.pk, record.history_id))
    assert superuser_client.get(admin_url(model, "history", obj.pk)).status_code == 200
    assert version.status_code == 200
    assert b'name="_save"' not in version.content


def test_changelist_search_and_filters_work(superuser_client, every_record):
    url = admin_url(WarningNotice, "changelist")
    query = {"q": "Powys", "state__exact": "escalated", "given_on__gte": "2017-01-01"}

    response = superuser_client.get(url, query)

    assert response.status_code == 200
    # The notice escalated, and its addendum, which ended with it.
    addendum = every_record.followed_by.get(kind=NoticeKind.ADDENDUM)
    assert set(response.context["cl"].result_list) == {every_record, addendum}


# Records cannot be added, changed or deleted ----------------------------------------------


@pytest.mark.parametrize("model", [*RECORD_MODELS, TransitionLog], ids=model_id)
def test_add_change_and_delete_are_refused(model, superuser_client, every_record):
    obj = model._default_manager.order_by("pk").first()
    count = model._default_manager.count()

    refused = {
        "add": superuser_client.get(admin_url(model, "add")).status_code,
        "change": superuser_client.post(admin_url(model, "change", obj.pk), {}).status_code,
        "delete page": superuser_client.get(admin_url(model, "delete", obj.pk)).status_code,
        "delete": superuser_client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code,
    }
    bulk = superuser_client.post(
        admin_url(model, "changelist"),
        {
            "action": "delete_selected",
            "index": 0,
            admin.helpers.ACTION_CHECKBOX_NAME: [obj.pk],
            "post": "yes",
        },
    )

    # A changeable record's form shows again (nothing valid was posted); the others refuse.
    change = 200 if model in CHANGEABLE_RECORDS else 403
    assert refused == {"add": 403, "change": change, "delete page": 403, "delete": 403}
    assert bulk.status_code == 200  # no actions: the POST just shows the list again
    assert model._default_manager.count() == count


def test_posting_to_a_record_change_page_is_refused(superuser_client, issued_notice):
    response = superuser_client.post(
        admin_url(WarningNotice, "change", issued_notice.pk), {"title": "Rewritten", "given_on": "2017-10-18"}
    )

    assert response.status_code == 403
    issued_notice.refresh_from_db()
    assert (issued_notice.title, issued_notice.given_on) == (
        "Warning notice: Powys children's services",
        datetime.date(2017, 10, 17),
    )


def test_transition_log_post_does_not_change_the_row(superuser_client, issued_notice):
    row = TransitionLog.objects.get(transition="issue")
    before = TransitionLog.objects.filter(pk=row.pk).values().get()

    response = superuser_client.post(
        admin_url(TransitionLog, "change", row.pk),
        {"reason": "rewritten", "target_state": "withdrawn", "occurred_on": "2020-01-01"},
    )

    assert response.status_code == 403
    assert TransitionLog.objects.filter(pk=row.pk).values().get() == before


def test_transition_log_lists_the_columns_and_offers_no_actions(superuser_client, issued_notice, official):
    response = superuser_client.get(admin_url(TransitionLog, "changelist"), {"q": "issue"})

    assert response.status_code == 200
    assert response.context["action_form"] is None
    row = response.context["cl"].result_list[0]
    assert (row.transition, row.source_state, row.target_state) == ("issue", "draft", "issued")
    assert row.by == official
    notice_url = reverse("admin:intervention_warningnotice_change", args=[issued_notice.pk])
    assert notice_url.encode() in response.content


def test_record_page_links_to_its_transition_log(superuser_client, issued_notice):
    content_type = ContentType.objects.get_for_model(WarningNotice)

    page = superuser_client.get(admin_url(WarningNotice, "change", issued_notice.pk))
    log = superuser_client.get(
        admin_url(TransitionLog, "changelist"),
        {"content_type__id__exact": content_type.pk, "object_id": issued_notice.pk},
    )

    assert f"object_id={issued_notice.pk}".encode() in page.content
    assert [r.transition for r in log.context["cl"].result_list] == ["issue"]


def test_findings_of_a_published_inspection_are_shown_read_only(superuser_client, serious_finding):
    response = superuser_client.get(admin_url(Inspection, "change", serious_finding.inspection_id))

    assert response.status_code == 200
    formsets = {f.opts.model: f for f in response.context["inline_admin_formsets"]}
    findings = formsets[Finding]
    assert not findings.has_add_permission
    assert not findings.has_change_permission
    assert not findings.has_delete_permission
    assert serious_finding.text.encode() in response.content
    assert b'name="findings-0-text"' not in response.content


# History --------------------------------------------------------------------------------------


def test_history_page_of_an_issued_notice_lists_its_rows(superuser_client, issued_notice, official):
    response = superuser_client.get(admin_url(WarningNotice, "history", issued_notice.pk))

    assert response.status_code == 200
    rows = list(response.context["page_obj"])
    assert len(rows) == issued_notice.history.count() >= 2
    assert {r.history_change_reason for r in rows} >= {"create", "issue"}
    assert all(r.history_user == official for r in rows)
    assert b"Revert" not in response.content


def test_a_historical_version_cannot_be_posted_back(superuser_client, issued_notice, official):
    laying = issued_notice.obligations.get(kind=ObligationKind.LAYING)
    intervention_services.notice_record_laying(
        notice=issued_notice, by=official, on=datetime.date(2017, 11, 1), reference="NAW paper 1"
    )
    laying.refresh_from_db()
    oldest = laying.history.order_by("history_id").first()
    rows = laying.history.count()

    response = superuser_client.post(
        admin_url(type(laying), "simple_history", laying.pk, oldest.history_id), {}
    )

    assert response.status_code == 403
    laying.refresh_from_db()
    assert laying.met_on == datetime.date(2017, 11, 1)
    assert laying.history.count() == rows


def test_reference_data_cannot_be_reverted_either(superuser_client, powys):
    oldest = powys.history.order_by("history_id").first()
    superuser_client.post(
        admin_url(Organisation, "change", powys.pk),
        {"code": "powys", "name": "Cyngor Sir Powys", "kind": OrganisationKind.LOCAL_AUTHORITY},
    )

    response = superuser_client.post(
        admin_url(Organisation, "simple_history", powys.pk, oldest.history_id),
        {"code": "powys", "name": "Powys County Council", "kind": OrganisationKind.LOCAL_AUTHORITY},
    )

    assert response.status_code == 403
    powys.refresh_from_db()
    assert powys.name == "Cyngor Sir Powys"


def test_reference_data_edit_is_credited_in_history(superuser_client, administrator):
    response = superuser_client.post(
        admin_url(NonWorkingDay, "add"),
        {"day": "2022-09-19", "description": "State funeral", "source": "gov.uk"},
    )

    assert response.status_code == 302
    row = NonWorkingDay.objects.get().history.get()
    assert (row.history_user, row.history_change_reason) == (administrator, "admin add")


def test_reference_data_deletion_is_credited_in_history(superuser_client, administrator):
    day = NonWorkingDay.objects.create(
        day=datetime.date(2022, 9, 19), description="State funeral", source="x"
    )

    response = superuser_client.post(
        admin_url(NonWorkingDay, "changelist"),
        {
            "action": "delete_selected",
            "index": 0,
            admin.helpers.ACTION_CHECKBOX_NAME: [day.pk],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    row = NonWorkingDay.history.filter(id=day.pk).latest("history_id")
    assert (row.history_type, row.history_user, row.history_change_reason) == (
        "-",
        administrator,
        "admin delete",
    )


# Obligations: shown with their status today, changed only by the services ---------------------


def test_obligation_list_shows_what_is_owed_and_its_status_today(superuser_client, issued_notice, official):
    intervention_services.notice_record_laying(
        notice=issued_notice, by=official, on=datetime.date(2017, 11, 1), reference="NDM 6512"
    )

    response = superuser_client.get(admin_url(Obligation, "changelist"), {"owner__exact": "ministers"})

    assert response.status_code == 200
    assert sorted(o.kind for o in response.context["cl"].result_list) == [
        ObligationKind.LAYING,
        ObligationKind.LEGISLATURE_REPORT,
    ]
    page = html.unescape(response.content.decode())
    assert "Lay a copy of the notice before the National Assembly for Wales (s151(3)(a))" in page
    assert "Met: on 1 November 2017" in page
    assert re.search(r"Overdue: \d+ working days late", page)  # the report, due 15 January 2018


def test_obligation_status_today_follows_the_calendar_as_it_is_now(superuser_client, issued_notice):
    url = admin_url(Obligation, "changelist")
    query = {"kind__exact": ObligationKind.LEGISLATURE_REPORT}

    def days_late() -> int:
        page = html.unescape(superuser_client.get(url, query).content.decode())
        return int(re.search(r"Overdue: (\d+) working days late", page).group(1))

    before = days_late()
    # A weekday long after the report was due becomes a non-working day: one working day fewer late.
    superuser_client.post(
        admin_url(NonWorkingDay, "add"),
        {"day": "2025-06-04", "description": "Office closed", "source": "Council notice 3/2025"},
    )

    assert days_late() == before - 1


# Extra non-working days move the dates still owed that they touch, and only those ------------------

DAY_FIELDS = {"description": "Office closed (flood)", "source": "Council notice 12/2017"}


@pytest.fixture
def worked_notice(issued_notice, official, powys_officer):
    """The Powys notice with the plan sent on 13 November and the November Board report on the 30th."""
    casework = Casework(official=official, officer=powys_officer)
    casework.plan(issued_notice, PLAN_SUBMITTED)
    casework.board_report(issued_notice, submitted=True)
    return issued_notice


def due_dates(notice) -> dict[str, datetime.date | None]:
    return {o.label: o.due_on for o in notice.obligations.select_related("requirement", "board_report")}


def history_counts(notice) -> dict[int, int]:
    return {o.pk: o.history.count() for o in notice.obligations.all()}


FIRST_PERIOD_ENDS = datetime.date(2017, 11, 14)
F = "Requirement (f)"
DECEMBER = "Improvement Board report for December 2017 (requirement (c))"

ADDED_DAYS = [
    # (f), due 20 working days after 17 October, moves; the plan, due the same day, was met and
    # stays; laying, a calendar-day duty due that very day, is never moved.
    pytest.param(
        "2017-11-07",
        {F: (FIRST_PERIOD_ENDS, datetime.date(2017, 11, 15))},
        datetime.date(2017, 11, 15),
        id="inside-the-compliance-period",
    ),
    # The last working day of December moves the December report, still owed.
    pytest.param(
        "2017-12-29",
        {DECEMBER: (datetime.date(2017, 12, 29), datetime.date(2017, 12, 28))},
        FIRST_PERIOD_ENDS,
        id="last-working-day-of-an-owed-month",
    ),
    # The November report was sent on the 30th: a date already met never moves.
    pytest.param("2017-11-30", {}, FIRST_PERIOD_ENDS, id="last-working-day-of-a-met-month"),
    # After every working-day period has run: nothing to move.
    pytest.param("2018-03-07", {}, FIRST_PERIOD_ENDS, id="after-every-period"),
]


@pytest.mark.parametrize("day, moves, period_ends", ADDED_DAYS)
def test_adding_a_non_working_day_moves_exactly_the_open_dates_it_touches(
    superuser_client, administrator, worked_notice, day, moves, period_ends
):
    before, counts = due_dates(worked_notice), history_counts(worked_notice)

    response = superuser_client.post(admin_url(NonWorkingDay, "add"), {"day": day, **DAY_FIELDS}, follow=True)

    assert response.status_code == 200
    after = due_dates(worked_notice)
    assert {label: (before[label], after[label]) for label in after if after[label] != before[label]} == moves
    date = datetime.date.fromisoformat(day)
    why = (
        f"{date.day} {date:%B %Y} was recorded as a non-working day "
        "(Office closed (flood); source: Council notice 12/2017)"
    )
    for obligation in worked_notice.obligations.select_related("requirement", "board_report"):
        if obligation.label not in moves:
            assert obligation.history.count() == counts[obligation.pk]  # untouched: no history row
            continue
        old, new = moves[obligation.label]
        assert (obligation.previous_due_on, obligation.due_change_reason) == (old, why)
        assert (date.isoformat(), DAY_FIELDS["description"]) in [
            (d.isoformat(), reason) for d, reason in obligation.skipped_days
        ]
        row = obligation.history.first()
        assert (row.history_user, row.history_change_reason, row.due_on) == (
            administrator,
            f"date moved: {why}",
            new,
        )
        # The administrator is told what moved.
        assert f"{obligation.label}: moved from {old.day} {old:%B %Y} to {new.day} {new:%B %Y}." in (
            html.unescape(response.content.decode())
        )
    met = worked_notice.obligations.filter(state=ObligationState.MET)
    assert {o.kind for o in met} == {ObligationKind.IMPROVEMENT_PLAN, ObligationKind.BOARD_REPORT}
    assert {o.due_on for o in met} == {FIRST_PERIOD_ENDS, datetime.date(2017, 11, 30)}
    assert reread(worked_notice).compliance_ends_on == period_ends


def test_removing_a_non_working_day_moves_the_dates_back(superuser_client, administrator, worked_notice):
    original, counts = due_dates(worked_notice), history_counts(worked_notice)
    superuser_client.post(admin_url(NonWorkingDay, "add"), {"day": "2017-11-07", **DAY_FIELDS})
    day = NonWorkingDay.objects.get()
    assert due_dates(worked_notice)[F] == datetime.date(2017, 11, 15)

    response = superuser_client.post(admin_url(NonWorkingDay, "delete", day.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not NonWorkingDay.objects.exists()
    assert due_dates(worked_notice) == original
    f = worked_notice.requirements.get(letter="f").obligations.get()
    row = f.history.first()
    assert (row.history_user, row.due_on, row.previous_due_on) == (
        administrator,
        FIRST_PERIOD_ENDS,
        datetime.date(2017, 11, 15),
    )
    assert row.history_change_reason == (
        "date moved: 7 November 2017 is no longer a non-working day "
        "(it was recorded as: Office closed (flood); source: Council notice 12/2017)"
    )
    # Only (f) moved, there and back: two history rows; nothing else has a new one.
    assert {pk: n for pk, n in history_counts(worked_notice).items() if n != counts[pk]} == {
        f.pk: counts[f.pk] + 2
    }
    assert reread(worked_notice).compliance_ends_on == FIRST_PERIOD_ENDS


def test_removing_non_working_days_in_bulk_moves_each_date_back(superuser_client, worked_notice):
    original = due_dates(worked_notice)
    for day in ("2017-11-07", "2017-12-29"):
        superuser_client.post(admin_url(NonWorkingDay, "add"), {"day": day, **DAY_FIELDS})
    assert due_dates(worked_notice) != original

    superuser_client.post(
        admin_url(NonWorkingDay, "changelist"),
        {
            "action": "delete_selected",
            "index": 0,
            admin.helpers.ACTION_CHECKBOX_NAME: list(NonWorkingDay.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )

    assert not NonWorkingDay.objects.exists()
    assert due_dates(worked_notice) == original


def test_moving_a_non_working_day_to_another_date_moves_both(superuser_client, worked_notice):
    superuser_client.post(admin_url(NonWorkingDay, "add"), {"day": "2017-11-07", **DAY_FIELDS})
    day = NonWorkingDay.objects.get()

    response = superuser_client.post(
        admin_url(NonWorkingDay, "change", day.pk), {"day": "2017-12-29", **DAY_FIELDS}
    )

    assert response.status_code == 302
    dates = due_dates(worked_notice)
    assert (dates[F], dates[DECEMBER]) == (FIRST_PERIOD_ENDS, datetime.date(2017, 12, 28))
    assert worked_notice.requirements.get(
        letter="f"
    ).obligations.get().history.first().history_change_reason == (
        "date moved: 7 November 2017 is no longer a non-working day"
    )


@pytest.mark.parametrize(
    "day, message",
    [
        pytest.param(
            "2017-11-07", "Extra non-working day with this Date already exists.", id="already-recorded"
        ),
        pytest.param("2017-02-30", "Enter a valid date.", id="not-a-date"),
    ],
)
def test_the_admin_refuses_a_non_working_day_with_a_reason_and_saves_nothing(
    superuser_client, worked_notice, day, message
):
    superuser_client.post(admin_url(NonWorkingDay, "add"), {"day": "2017-11-07", **DAY_FIELDS})
    before, rows = due_dates(worked_notice), NonWorkingDay.history.count()
    superuser_client.raise_request_exception = False  # a server error is a failure here, not a crash

    response = superuser_client.post(admin_url(NonWorkingDay, "add"), {"day": day, **DAY_FIELDS})

    assert response.status_code == 200  # the form again, saying why
    assert message in html.unescape(response.content.decode())
    assert NonWorkingDay.objects.count() == 1
    assert NonWorkingDay.history.count() == rows
    assert due_dates(worked_notice) == before


def test_a_year_beyond_the_calendar_gets_its_days_recorded_then_is_confirmed(superuser_client, worked_notice):
    before = due_dates(worked_notice)

    response = superuser_client.post(admin_url(NonWorkingDay, "add"), {"day": "2101-12-27", **DAY_FIELDS})

    assert response.status_code == 302
    assert NonWorkingDay.objects.get().day == datetime.date(2101, 12, 27)
    assert due_dates(worked_notice) == before  # nothing owed reaches 2101
    assert not WorkingCalendar().knows(2101)  # not known until an administrator confirms it
    superuser_client.post(
        admin_url(ConfirmedCalendarYear, "add"),
        {"year": "2101", "source": "https://www.gov.uk/bank-holidays"},
    )
    assert WorkingCalendar().reason(datetime.date(2101, 12, 27)) == DAY_FIELDS["description"]


def test_password_hash_is_never_shown_in_history(superuser_client, powys_officer):
    powys_officer.job_title = "Head of children's services"
    powys_officer.save()
    record = powys_officer.history.order_by("history_id").first()

    pages = [
        superuser_client.get(admin_url(User, "history", powys_officer.pk)),
        superuser_client.get(admin_url(User, "simple_history", powys_officer.pk, record.history_id)),
    ]

    assert [p.status_code for p in pages] == [200, 200]
    hash_text = powys_officer.password.split("$")[-1]
    assert all(hash_text.encode() not in p.content for p in pages)


# Who may use the admin --------------------------------------------------------------------


def test_administrator_sees_the_admin_index(superuser_client):
    response = superuser_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert {app["app_label"] for app in response.context["app_list"]} >= set(PROJECT_APPS)


@pytest.mark.parametrize("path", ["/admin/", "/admin/intervention/warningnotice/"])
def test_council_officer_is_sent_to_the_admin_login(client, powys_officer, path):
    client.force_login(powys_officer)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# Users: role and organisation must agree ------------------------------------------------------


def user_form_data(user: User, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "organisation": user.organisation_id or "",
        "role": user.role,
        "job_title": user.job_title,
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    data.update(changes)
    return data


def test_council_officer_of_the_inspectorate_is_a_form_error(superuser_client, powys_officer, inspector):
    ciw = inspector.organisation

    response = superuser_client.post(
        admin_url(User, "change", powys_officer.pk), user_form_data(powys_officer, organisation=ciw.pk)
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["organisation"] == [
        "A council officer must belong to a local authority."
    ]
    powys_officer.refresh_from_db()
    assert powys_officer.organisation.code == "powys"


def test_adding_a_council_officer_without_a_council_is_a_form_error(superuser_client, inspector):
    response = superuser_client.post(
        admin_url(User, "add"),
        {
            "username": "new-officer",
            "usable_password": "true",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
            "role": Role.COUNCIL_OFFICER,
            "organisation": inspector.organisation_id,
        },
    )

    assert response.status_code == 200
    assert "organisation" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="new-officer").exists()


def test_adding_a_consistent_user_works(superuser_client, powys):
    response = superuser_client.post(
        admin_url(User, "add"),
        {
            "username": "new-officer",
            "usable_password": "true",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
            "role": Role.COUNCIL_OFFICER,
            "organisation": powys.pk,
            "job_title": "Improvement lead",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(username="new-officer")
    assert (user.organisation, user.role, user.job_title) == (powys, Role.COUNCIL_OFFICER, "Improvement lead")


def test_users_are_deactivated_not_deleted(superuser_client, powys_officer):
    response = superuser_client.post(admin_url(User, "delete", powys_officer.pk), {"post": "yes"})

    assert response.status_code == 403
    assert User.objects.filter(pk=powys_officer.pk).exists()


def test_organisation_kind_is_fixed_once_people_belong_to_it(superuser_client, powys_officer, powys):
    response = superuser_client.post(
        admin_url(Organisation, "change", powys.pk),
        {"code": "powys", "name": powys.name, "name_cy": "", "kind": OrganisationKind.INSPECTORATE},
    )

    assert response.status_code == 302
    powys.refresh_from_db()
    assert powys.kind == OrganisationKind.LOCAL_AUTHORITY


# Query budgets do not grow with rows ----------------------------------------------------------


def build_inspections(count: int) -> None:
    for _ in range(count):
        council = OrganisationFactory()
        InspectionFactory(council=council, lead_inspector=UserFactory(inspector=True), published=True)


def build_notices(count: int) -> None:
    for index in range(count):
        case = CaseFactory(council=OrganisationFactory())
        WarningNotice.objects.create(case=case, kind="original", title=f"Notice {index}")


def build_log_rows(count: int) -> None:
    content_type = ContentType.objects.get_for_model(Inspection)
    for index in range(count):
        TransitionLog.objects.create(
            content_type=content_type,
            object_id=index + 1,
            object_repr=f"Inspection {index}",
            transition="publish",
            source_state="draft_issued",
            target_state="published",
            by=UserFactory(inspector=True),
            occurred_on=datetime.date(2017, 10, 17),
        )


def build_findings(count: int) -> None:
    for _ in range(count):
        FindingFactory(inspection__council=OrganisationFactory())


def build_cases(count: int) -> None:
    for _ in range(count):
        CaseFactory(council=OrganisationFactory())


def build_users(count: int) -> None:
    for _ in range(count):
        UserFactory(organisation=OrganisationFactory())


def build_obligations(count: int) -> None:
    """Requirements owed by as many councils, each with its obligation and status today."""
    for index in range(count):
        notice = WarningNotice.objects.create(
            case=CaseFactory(council=OrganisationFactory()),
            kind="original",
            title=f"Notice {index}",
            state="issued",
            given_on=GIVEN_ON,
        )
        requirement = Requirement.objects.create(notice=notice, letter="a", text="Act", position=1)
        Obligation.objects.create(
            notice=notice,
            kind=ObligationKind.REQUIREMENT,
            owner="council",
            requirement=requirement,
            position=100,
            opened_on=GIVEN_ON,
            changed_on=GIVEN_ON,
            unit="fixed_date",
            start_on=GIVEN_ON,
            due_on=GIVEN_ON + datetime.timedelta(days=index),
            basis="Fixed date set in the notice",
        )


# Queries per changelist (session, user, count, rows, filters...), whatever the number of rows.
BUDGETS = [
    (Inspection, build_inspections, 8),
    (WarningNotice, build_notices, 8),
    (TransitionLog, build_log_rows, 10),
    (User, build_users, 6),
    (Finding, build_findings, 6),
    (InterventionCase, build_cases, 8),
    # And the working-day calendar (recorded days, confirmed years) for each row's status today.
    (Obligation, build_obligations, 10),
]


def build_second_case(*, official, inspector) -> WarningNotice:
    """Another council's inspection, case, issued notice, submission and intervention."""
    council = OrganisationFactory(kind=OrganisationKind.LOCAL_AUTHORITY)
    officer = UserFactory(organisation=council)
    calendar_feed_turn_on(user=officer)
    inspection = inspection_services.inspection_create(
        by=inspector,
        council=council,
        title="Inspection of adults' services",
        service_area="adults",
        inspection_type="planned",
        fieldwork=[(datetime.date(2017, 6, 5), datetime.date(2017, 6, 9))],
    )
    finding = inspection_services.finding_create(
        inspection=inspection,
        by=inspector,
        theme=FindingTheme.ASSESSMENT,
        kind=FindingKind.STRENGTH,
        text="Good.",
    )
    inspection_services.recommendation_create(
        inspection=inspection, by=inspector, text="Keep going.", findings=[finding]
    )
    case = intervention_services.case_open(
        by=official, council=council, title="Adults' services", service_area="adults", opened_on=GIVEN_ON
    )
    notice = intervention_services.notice_draft(
        case=case,
        by=official,
        title="Warning notice: adults' services",
        compliance_rule=ComplianceRule.CALENDAR_DAYS,
        compliance_days=30,
        board_reports_from=datetime.date(2017, 11, 1),
        board_reports_count=2,
        minded_to="Direct specified action.",
    )
    intervention_services.notice_set_ground(
        notice=notice, by=official, ground=GroundFactory(number=2), reasons="Inadequate standard."
    )
    intervention_services.notice_set_failed_functions(
        notice=notice, by=official, functions=[StatutoryFunctionFactory()]
    )
    requirement = intervention_services.requirement_add(
        notice=notice, by=official, letter="a", text="Produce a plan", due=RequirementDue.COMPLIANCE_PERIOD
    )
    intervention_services.notice_issue(notice=notice, by=official, on=GIVEN_ON)
    intervention_services.requirement_submit(
        requirement=requirement,
        by=officer,
        statement="Plan attached.",
        files=[SimpleUploadedFile("plan.pdf", pdf_bytes(), content_type="application/pdf")],
    )
    intervention_services.board_report_submit(
        report=notice.board_reports.order_by("month").first(),
        by=officer,
        on=datetime.date(2017, 11, 30),
        summary="November",
        files=[SimpleUploadedFile("report.pdf", pdf_bytes(), content_type="application/pdf")],
    )
    vary_and_follow_up(notice, official=official, on=datetime.date(2017, 12, 1), amend="a", carry="a")
    build_arc(notice, official=official, officer=officer, on=datetime.date(2018, 2, 1))
    # Reference data grows too: a later version of a section, and another route (switched off).
    s152 = Provision.objects.get(code="SSWBA-s152")
    Provision.objects.create(
        code=s152.code,
        section=s152.section,
        act=s152.act,
        heading=s152.heading,
        description="As amended.",
        source="Checked against legislation.gov.uk",
        effective_from=datetime.date(2030, 1, 1),
    )
    PowerRoute.objects.create(code="another-route", name="Another route", description="-", provision=s152)
    NonWorkingDay.objects.create(day=datetime.date(2023, 5, 8), description="Coronation", source="gov.uk")
    ConfirmedCalendarYear.objects.create(year=2102, source="Bank holidays 2102, gov.uk")
    compliance = requirement.obligations.get()
    Reminder.objects.create(
        obligation=compliance,
        recipient=officer,
        email="officer@example.org",
        kind="overdue",
        due_on=compliance.due_on,
        as_of=compliance.due_on + datetime.timedelta(days=1),
        subject="Overdue: produce a plan",
    )
    # A senior contact, and a serious concern escalated to them when its report is published.
    SeniorContact.objects.create(council=council, user=officer, position="chief_executive")
    notification_services.notification_preference_set(user=officer, email_frequency="daily")
    inspection_services.inspection_start_fieldwork(inspection=inspection, by=inspector)
    inspection_services.finding_create(
        inspection=inspection,
        by=inspector,
        theme=FindingTheme.SAFEGUARDING,
        kind=FindingKind.SERIOUS_CONCERN,
        text="Serious.",
    )
    inspection_services.inspection_issue_draft(
        inspection=inspection, by=inspector, on=datetime.date(2017, 9, 5)
    )
    inspection_services.inspection_publish(inspection=inspection, by=inspector, on=datetime.date(2017, 10, 1))
    # A correction of a recorded fact: the second notice's reference.
    fact_correct(fact=FACTS["notice_reference"], obj=notice, by=official, value="WG-2018-02", reason="Typo")
    # A second template of requirements, with one requirement.
    requirement_template_ensure(
        name="Second template",
        description="",
        items=[("a", "Appoint.", "one_off", "evidence", "none")],
        by=official,
    )
    return notice


@pytest.mark.parametrize("model", project_models(), ids=model_id)
def test_changelist_queries_do_not_grow_with_a_second_case(
    model, superuser_client, every_record, official, inspector
):
    url = admin_url(model, "changelist")
    superuser_client.get(url)  # warm the caches (content types, site)
    rows = model._default_manager.count()
    with CaptureQueriesContext(connection) as before:
        superuser_client.get(url)

    build_second_case(official=official, inspector=inspector)
    with CaptureQueriesContext(connection) as after:
        response = superuser_client.get(url)

    assert response.status_code == 200
    assert model._default_manager.count() > rows
    assert len(after.captured_queries) == len(before.captured_queries)


@pytest.mark.parametrize("findings", [3, 30])
def test_inspection_page_queries_do_not_grow_with_findings(
    findings, superuser_client, django_assert_max_num_queries
):
    inspection = InspectionFactory(fieldwork=True)
    FindingFactory.create_batch(findings, inspection=inspection)

    with django_assert_max_num_queries(8):
        response = superuser_client.get(admin_url(Inspection, "change", inspection.pk))

    assert response.status_code == 200
    formsets = {f.opts.model: f for f in response.context["inline_admin_formsets"]}
    assert len(formsets[Finding].formset.forms) == findings


@pytest.mark.parametrize("model, build, budget", BUDGETS, ids=[model_id(b[0]) for b in BUDGETS])
@pytest.mark.parametrize("rows", [5, 50])
def test_changelist_queries_do_not_grow_with_rows(
    model, build, budget, rows, superuser_client, django_assert_max_num_queries
):
    build(rows)

    with django_assert_max_num_queries(budget):
        response = superuser_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) >= rows
