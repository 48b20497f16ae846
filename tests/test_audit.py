"""The audit trail as behaviour: after every transition, who, why and the new state are on record,
once in the history and once in the append-only transition log, and nothing lingers on the object."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from accounts.models import TransitionLog
from inspections import services as inspection_services
from inspections.choices import InspectionState
from intervention import services
from intervention.choices import (
    BoardReportState,
    CaseState,
    DeadlineKind,
    InterventionPower,
    InterventionState,
    NoticeState,
    PlanState,
    RequirementState,
)
from tests.workflow import (
    BOARD_REPORT_ON,
    CLOSED_ON,
    DRAFT_ISSUED_ON,
    ENDED_ON,
    ESCALATED_ON,
    FIELDWORK_ON,
    GIVEN_ON,
    IN_FORCE_ON,
    LAID_ON,
    PLAN_AGREED_ON,
    PLAN_SUBMITTED_ON,
    PUBLISHED_ON,
    REPORTED_ON,
    Casework,
    inspection_in,
    reread,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def casework(official, powys_officer):
    return Casework(official=official, officer=powys_officer)


@dataclass(frozen=True)
class Move:
    """One transition service call and what the audit trail must say about it."""

    prepare: Callable  # (fixture getter, casework) -> the object that moves
    act: Callable  # (the object, the person) -> None
    by: str  # the fixture name of the person who acts
    transition: str
    reason: str
    source: str
    target: str
    occurred_on: datetime.date | None  # None: the day it was recorded


def _inspection(state):
    return lambda fx, cw: inspection_in(state, council=fx("powys"), inspector=fx("inspector"))


MOVES = {
    "inspection_start_fieldwork": Move(
        _inspection(InspectionState.PLANNED),
        lambda o, by: inspection_services.inspection_start_fieldwork(
            inspection=o, by=by, on=FIELDWORK_ON, reason="Site visits begin"
        ),
        "inspector",
        "start_fieldwork",
        "Site visits begin",
        InspectionState.PLANNED,
        InspectionState.FIELDWORK,
        FIELDWORK_ON,
    ),
    "inspection_start_fieldwork_today_without_reason": Move(
        _inspection(InspectionState.PLANNED),
        lambda o, by: inspection_services.inspection_start_fieldwork(inspection=o, by=by),
        "inspector",
        "start_fieldwork",
        "",
        InspectionState.PLANNED,
        InspectionState.FIELDWORK,
        None,
    ),
    "inspection_issue_draft": Move(
        _inspection(InspectionState.FIELDWORK),
        lambda o, by: inspection_services.inspection_issue_draft(inspection=o, by=by, on=DRAFT_ISSUED_ON),
        "inspector",
        "issue_draft",
        "",
        InspectionState.FIELDWORK,
        InspectionState.DRAFT_ISSUED,
        DRAFT_ISSUED_ON,
    ),
    "inspection_publish": Move(
        _inspection(InspectionState.DRAFT_ISSUED),
        lambda o, by: inspection_services.inspection_publish(
            inspection=o, by=by, on=PUBLISHED_ON, reason="Final report, 29 pages"
        ),
        "inspector",
        "publish",
        "Final report, 29 pages",
        InspectionState.DRAFT_ISSUED,
        InspectionState.PUBLISHED,
        PUBLISHED_ON,
    ),
    "inspection_withdraw": Move(
        _inspection(InspectionState.FIELDWORK),
        lambda o, by: inspection_services.inspection_withdraw(inspection=o, by=by, reason="Postponed"),
        "inspector",
        "withdraw",
        "Postponed",
        InspectionState.FIELDWORK,
        InspectionState.WITHDRAWN,
        None,
    ),
    "case_close": Move(
        lambda fx, cw: fx("powys_case"),
        lambda o, by: services.case_close(
            case=o, by=by, on=CLOSED_ON, decision="Sufficient progress", source="Statement"
        ),
        "official",
        "close",
        "Sufficient progress",
        CaseState.OPEN,
        CaseState.CLOSED,
        CLOSED_ON,
    ),
    "notice_issue": Move(
        lambda fx, cw: fx("draft_notice"),
        lambda o, by: services.notice_issue(notice=o, by=by, on=GIVEN_ON),
        "official",
        "issue",
        "",
        NoticeState.DRAFT,
        NoticeState.ISSUED,
        GIVEN_ON,
    ),
    "notice_issue_with_reason": Move(
        lambda fx, cw: fx("draft_notice"),
        lambda o, by: services.notice_issue(notice=o, by=by, on=GIVEN_ON, reason="Grounds 1 and 3"),
        "official",
        "issue",
        "Grounds 1 and 3",
        NoticeState.DRAFT,
        NoticeState.ISSUED,
        GIVEN_ON,
    ),
    "notice_record_laying": Move(
        lambda fx, cw: fx("issued_notice"),
        lambda o, by: services.notice_record_laying(notice=o, by=by, on=LAID_ON, reference="Laid 7 Nov"),
        "official",
        "record_laying",
        "Laid 7 Nov",
        NoticeState.ISSUED,
        NoticeState.ISSUED,
        LAID_ON,
    ),
    "notice_record_report": Move(
        lambda fx, cw: fx("issued_notice"),
        lambda o, by: services.notice_record_report(
            notice=o, by=by, on=REPORTED_ON, reference="Written statement"
        ),
        "official",
        "record_report",
        "Written statement",
        NoticeState.ISSUED,
        NoticeState.ISSUED,
        REPORTED_ON,
    ),
    "notice_close_as_complied": Move(
        lambda fx, cw: cw.settle_everything(fx("issued_notice")),
        lambda o, by: services.notice_close_as_complied(notice=o, by=by, reason="All met"),
        "official",
        "close_as_complied",
        "All met",
        NoticeState.ISSUED,
        NoticeState.COMPLIED,
        None,
    ),
    "notice_withdraw": Move(
        lambda fx, cw: fx("issued_notice"),
        lambda o, by: services.notice_withdraw(notice=o, by=by, reason="Superseded"),
        "official",
        "withdraw",
        "Superseded",
        NoticeState.ISSUED,
        NoticeState.WITHDRAWN,
        None,
    ),
    "notice_escalate": Move(
        lambda fx, cw: fx("issued_notice"),
        lambda o, by: services.notice_escalate(
            notice=o,
            by=by,
            reason="Not done",
            power=InterventionPower.SPECIFIED_ACTION,
            terms="Appoint a commissioner.",
            on=ESCALATED_ON,
        ),
        "official",
        "escalate",
        "Not done",
        NoticeState.ISSUED,
        NoticeState.ESCALATED,
        ESCALATED_ON,
    ),
    "requirement_submit": Move(
        lambda fx, cw: cw.requirement(fx("issued_notice"), RequirementState.OPEN, letter="a"),
        lambda o, by: services.requirement_submit(
            requirement=o, by=by, statement="Interim director appointed"
        ),
        "powys_officer",
        "submit",
        "Interim director appointed",
        RequirementState.OPEN,
        RequirementState.SUBMITTED,
        None,
    ),
    "requirement_accept": Move(
        lambda fx, cw: cw.requirement(fx("issued_notice"), RequirementState.SUBMITTED, letter="d"),
        lambda o, by: services.requirement_accept(requirement=o, by=by),
        "official",
        "accept",
        "",
        RequirementState.SUBMITTED,
        RequirementState.ACCEPTED,
        None,
    ),
    "requirement_return": Move(
        lambda fx, cw: cw.requirement(fx("issued_notice"), RequirementState.SUBMITTED),
        lambda o, by: services.requirement_return(requirement=o, by=by, reason="Need the letter"),
        "official",
        "return_to_council",
        "Need the letter",
        RequirementState.SUBMITTED,
        RequirementState.RETURNED,
        None,
    ),
    "requirement_withdraw": Move(
        lambda fx, cw: cw.requirement(fx("issued_notice"), RequirementState.RETURNED),
        lambda o, by: services.requirement_withdraw(requirement=o, by=by, reason="No longer needed"),
        "official",
        "withdraw",
        "No longer needed",
        RequirementState.RETURNED,
        RequirementState.WITHDRAWN,
        None,
    ),
    "requirement_record_breach": Move(
        lambda fx, cw: cw.requirement(fx("issued_notice"), RequirementState.OPEN, letter="g"),
        lambda o, by: services.requirement_record_breach(requirement=o, by=by, reason="New structure"),
        "official",
        "record_breach",
        "New structure",
        RequirementState.OPEN,
        RequirementState.BREACHED,
        None,
    ),
    "plan_submit": Move(
        lambda fx, cw: cw.plan(fx("issued_notice"), PlanState.DRAFTING),
        lambda o, by: services.plan_submit(plan=o, by=by, on=PLAN_SUBMITTED_ON, summary="The plan"),
        "powys_officer",
        "submit",
        "The plan",
        PlanState.DRAFTING,
        PlanState.SUBMITTED,
        PLAN_SUBMITTED_ON,
    ),
    "plan_return": Move(
        lambda fx, cw: cw.plan(fx("issued_notice"), PlanState.SUBMITTED),
        lambda o, by: services.plan_return(plan=o, by=by, reason="No timescales"),
        "official",
        "return_to_council",
        "No timescales",
        PlanState.SUBMITTED,
        PlanState.DRAFTING,
        None,
    ),
    "plan_agree": Move(
        lambda fx, cw: cw.plan(fx("issued_notice"), PlanState.SUBMITTED),
        lambda o, by: services.plan_agree(plan=o, by=by, on=PLAN_AGREED_ON),
        "official",
        "agree",
        "",
        PlanState.SUBMITTED,
        PlanState.AGREED,
        PLAN_AGREED_ON,
    ),
    "board_report_submit": Move(
        lambda fx, cw: cw.board_report(fx("issued_notice"), BoardReportState.DUE),
        lambda o, by: services.board_report_submit(report=o, by=by, on=BOARD_REPORT_ON, summary="November"),
        "powys_officer",
        "submit",
        "November",
        BoardReportState.DUE,
        BoardReportState.SUBMITTED,
        BOARD_REPORT_ON,
    ),
    "intervention_bring_into_force": Move(
        lambda fx, cw: cw.intervention(fx("issued_notice"), InterventionState.PROPOSED),
        lambda o, by: services.intervention_bring_into_force(intervention=o, by=by, on=IN_FORCE_ON),
        "official",
        "bring_into_force",
        "",
        InterventionState.PROPOSED,
        InterventionState.IN_FORCE,
        IN_FORCE_ON,
    ),
    "intervention_end": Move(
        lambda fx, cw: cw.intervention(fx("issued_notice"), InterventionState.IN_FORCE),
        lambda o, by: services.intervention_end(intervention=o, by=by, on=ENDED_ON, reason="Sustained"),
        "official",
        "end",
        "Sustained",
        InterventionState.IN_FORCE,
        InterventionState.ENDED,
        ENDED_ON,
    ),
}


def _audited_models():
    """Every historical model that records who made the change."""
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in ("accounts", "inspections", "intervention")
        and any(f.name == "history_user" for f in model._meta.fields)
    ]


def _last_history_ids():
    return {
        model: (model.objects.order_by("-history_id").values_list("history_id", flat=True).first() or 0)
        for model in _audited_models()
    }


def _history_rows_since(last_ids):
    return [row for model, last in last_ids.items() for row in model.objects.filter(history_id__gt=last)]


@pytest.fixture
def moved(request, casework):
    """Prepare the object, make the move, and return what the audit tests need."""
    move = MOVES[request.param]
    obj = move.prepare(request.getfixturevalue, casework)
    person = request.getfixturevalue(move.by)
    last_log = TransitionLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    last_history = _last_history_ids()

    move.act(obj, person)

    return {
        "move": move,
        "obj": obj,
        "person": person,
        "logs": list(TransitionLog.objects.filter(id__gt=last_log)),
        "history": _history_rows_since(last_history),
    }


@pytest.mark.parametrize("moved", MOVES, indirect=True)
def test_the_history_says_who_why_and_the_new_state(moved):
    move, obj = moved["move"], moved["obj"]
    expected_reason = f"{move.transition}: {move.reason}" if move.reason else move.transition

    row = obj.history.first()

    assert (row.history_user, row.history_change_reason, row.state, row.history_type) == (
        moved["person"],
        expected_reason,
        move.target,
        "~",
    )
    assert reread(obj).state == move.target
    # Every history row the service wrote (deadlines met, submissions decided...) is theirs too.
    assert {r.history_user for r in moved["history"]} == {moved["person"]}
    assert all(r.history_change_reason for r in moved["history"])


@pytest.mark.parametrize("moved", MOVES, indirect=True)
def test_exactly_one_transition_log_row_is_written(moved):
    move, obj = moved["move"], moved["obj"]

    [log] = moved["logs"]

    assert (log.content_type, log.object_id, log.object_repr) == (
        ContentType.objects.get_for_model(obj),
        obj.pk,
        str(obj),
    )
    assert (log.transition, log.source_state, log.target_state, log.by, log.reason) == (
        move.transition,
        move.source,
        move.target,
        moved["person"],
        move.reason,
    )
    assert log.occurred_on == (move.occurred_on or timezone.localdate())
    assert log.recorded_at <= timezone.now()
    # V3: simple-history leaves the user and reason on the instance unless they are cleared,
    # and the next unrelated save would be credited to the same person and reason.
    assert not hasattr(obj, "_history_user")
    assert not hasattr(obj, "_change_reason")


def test_the_next_plain_save_is_not_credited_to_the_last_person(issued_notice, official):
    services.notice_record_laying(notice=issued_notice, by=official, on=LAID_ON, reference="Laid")

    issued_notice.save()

    row = issued_notice.history.first()
    assert (row.history_user, row.history_change_reason) == (None, None)


def test_issuing_credits_every_row_it_opens_to_the_official(draft_notice, official):
    services.notice_issue(notice=draft_notice, by=official, on=GIVEN_ON)
    notice = reread(draft_notice)

    deadline_rows = [d.history.get() for d in notice.deadlines.all()]
    plan_rows = list(notice.improvement_plan.history.all())
    report_rows = [r.history.get() for r in notice.board_reports.all()]
    requirement_d = notice.requirements.get(letter="d").history.first()

    assert sorted(d.kind for d in notice.deadlines.all()) == sorted(
        [DeadlineKind.COMPLIANCE, DeadlineKind.LAYING, DeadlineKind.REPORT] + [DeadlineKind.BOARD_REPORT] * 3
    )
    assert {(r.history_type, r.history_user, r.history_change_reason) for r in deadline_rows} == {
        ("+", official, "computed on issue")
    }
    assert [(r.history_type, r.history_user, r.history_change_reason) for r in plan_rows] == [
        ("+", official, "opened on issue")
    ]
    assert len(report_rows) == 3
    assert {(r.history_type, r.history_user, r.history_change_reason) for r in report_rows} == {
        ("+", official, "slot opened on issue")
    }
    assert (requirement_d.history_user, requirement_d.history_change_reason) == (
        official,
        "deadline set on issue",
    )


# The transition log is append-only --------------------------------------------------------


@pytest.fixture
def log_row(issued_notice):
    return TransitionLog.objects.get(transition="issue", object_id=issued_notice.pk)


def _stored(log):
    return TransitionLog.objects.filter(pk=log.pk).values().get()


def _save_changed(log):
    log.reason = "Rewritten"
    log.save()


def _bulk_update(log):
    log.reason = "Rewritten"
    # Django runs bulk_update in a transaction of its own; the refusal rolls that back.
    with transaction.atomic():
        TransitionLog.objects.bulk_update([log], ["reason"])


@pytest.mark.parametrize(
    "tamper",
    [
        _save_changed,
        lambda log: log.save(),
        lambda log: log.save(update_fields=["reason"]),
        lambda log: log.delete(),
        lambda log: TransitionLog.objects.filter(pk=log.pk).update(reason="Rewritten"),
        lambda log: TransitionLog.objects.filter(pk=log.pk).delete(),
        lambda log: TransitionLog.objects.all().delete(),
        _bulk_update,
    ],
    ids=[
        "save_changed",
        "save_unchanged",
        "save_update_fields",
        "delete",
        "queryset_update",
        "queryset_delete",
        "delete_all",
        "bulk_update",
    ],
)
def test_the_transition_log_cannot_be_changed_or_deleted(tamper, log_row):
    before = _stored(log_row)
    count = TransitionLog.objects.count()

    with pytest.raises(PermissionError):
        tamper(log_row)

    assert _stored(log_row) == before
    assert TransitionLog.objects.count() == count


def test_a_person_with_log_rows_cannot_be_deleted(log_row, official):
    with pytest.raises(ProtectedError):
        official.delete()

    assert TransitionLog.objects.filter(pk=log_row.pk, by=official).exists()
