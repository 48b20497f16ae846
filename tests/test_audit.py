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
    CaseState,
    DirectionKind,
    DirectionState,
    NoticeState,
    ObligationKind,
    ObligationState,
    Owner,
    PowerState,
)
from intervention.models import Obligation
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
    PLAN_SUBMITTED,
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


def _obligation(kind):
    return lambda notice: notice.obligations.get(kind=kind)


def _evidence(requirement):
    return requirement.obligations.get(kind=ObligationKind.REQUIREMENT)


@dataclass(frozen=True)
class Move:
    """One transition service call and what the audit trail must say about it."""

    prepare: Callable  # (fixture getter, casework) -> the object the service is given
    act: Callable  # (the object, the person) -> None
    by: str  # the fixture name of the person who acts
    transition: str
    reason: str
    source: str
    target: str
    occurred_on: datetime.date | None  # None: the day it was recorded
    # The object whose state moves, from the one given (a requirement's or plan's obligation).
    moving: Callable = lambda obj: obj
    # The day an obligation's change took effect (its history row's changed_on), if not occurred_on.
    changed_on: datetime.date | None = None
    # How many obligations the move settles as no longer required, each logged on its own row.
    settles: int = 0


def _inspection(state):
    return lambda fx, cw: inspection_in(state, council=fx("powys"), inspector=fx("inspector"))


def _requirement(state, letter):
    """The requirement (answered by evidence) whose obligation Casework has moved to `state`."""
    return lambda fx, cw: cw.requirement(fx("issued_notice"), state, letter=letter).requirement


def _issued_obligation(kind):
    return lambda fx, cw: fx("issued_notice").obligations.get(kind=kind)


def _direction_requiring_something(fx, cw):
    """A direction in force under a live power, with one thing it requires of the council."""
    direction = cw.direction(cw.power(fx("issued_notice")))
    services.direction_require(direction=direction, by=cw.official, on=IN_FORCE_ON, description="Appoint")
    return direction


# Everything the council owes under the Powys notice while it is in force: (a), (f), (g), the plan,
# its agreement and three monthly Board reports.
COUNCIL_OWES = 8

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
            case=o,
            by=by,
            on=CLOSED_ON,
            minister="The Minister",
            decision="Sufficient progress",
            source="Statement",
        ),
        "official",
        "close",
        "Sufficient progress",
        CaseState.OPEN,
        CaseState.CLOSED,
        CLOSED_ON,
    ),
    "case_reopen": Move(
        lambda fx, cw: cw.close(fx("powys_case")),
        lambda o, by: services.case_reopen(case=o, by=by, on=CLOSED_ON, reason="New concerns"),
        "official",
        "reopen",
        "New concerns",
        CaseState.CLOSED,
        CaseState.OPEN,
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
        "meet",
        "Laid 7 Nov",
        ObligationState.OPEN,
        ObligationState.MET,
        LAID_ON,
        moving=_obligation(ObligationKind.LAYING),
    ),
    "notice_record_report": Move(
        lambda fx, cw: fx("issued_notice"),
        lambda o, by: services.notice_record_report(
            notice=o, by=by, on=REPORTED_ON, reference="Written statement"
        ),
        "official",
        "meet",
        "Written statement",
        ObligationState.OPEN,
        ObligationState.MET,
        REPORTED_ON,
        moving=_obligation(ObligationKind.LEGISLATURE_REPORT),
    ),
    "obligation_record_done_not_evidenced": Move(
        _issued_obligation(ObligationKind.LAYING),
        lambda o, by: services.obligation_record_done(
            obligation=o,
            by=by,
            source="No source gives the date",
            not_evidenced=True,
            done_by=datetime.date(2018, 1, 15),
        ),
        "official",
        "record_not_evidenced",
        "No source gives the date",
        ObligationState.OPEN,
        ObligationState.NOT_EVIDENCED,
        None,
        changed_on=GIVEN_ON,  # dated from the day it became owed: nothing says when within that time
    ),
    "notice_extend_compliance_period": Move(
        lambda fx, cw: fx("issued_notice"),
        lambda o, by: services.notice_extend_compliance_period(
            notice=o,
            by=by,
            ends_on=datetime.date(2017, 12, 1),
            decided_by="The Minister",
            reason="Time to consult the Board",
            decided_on=datetime.date(2017, 11, 10),
        ),
        "official",
        "extend_compliance_period",
        "Extended to 1 December 2017 by The Minister on 10 November 2017 (it ended on 14 November 2017): "
        "Time to consult the Board",
        NoticeState.ISSUED,
        NoticeState.ISSUED,
        datetime.date(2017, 11, 10),
    ),
    "notice_change_board_report_schedule": Move(
        lambda fx, cw: fx("issued_notice"),
        lambda o, by: services.notice_change_board_report_schedule(
            notice=o,
            by=by,
            first_month=datetime.date(2017, 11, 1),
            count=2,
            reason="Two reports are enough",
            on=datetime.date(2017, 11, 20),
        ),
        "official",
        "change_board_report_schedule",
        "Two reports are enough",
        NoticeState.ISSUED,
        NoticeState.ISSUED,
        datetime.date(2017, 11, 20),
        settles=1,  # the January report, no longer in the schedule
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
        settles=COUNCIL_OWES,
    ),
    "power_determine": Move(
        lambda fx, cw: fx("issued_notice"),
        lambda o, by: services.power_determine(
            notice=o,
            by=by,
            on=ESCALATED_ON,
            actions_not_taken=o.requirements.filter(letter__in=["a", "f"]),
            reasons="Not done",
        ),
        "official",
        "escalate",
        "Not done",
        NoticeState.ISSUED,
        NoticeState.ESCALATED,
        ESCALATED_ON,
        settles=COUNCIL_OWES,
    ),
    "requirement_submit": Move(
        lambda fx, cw: fx("issued_notice").requirements.get(letter="a"),
        lambda o, by: services.requirement_submit(
            requirement=o, by=by, statement="Interim director appointed"
        ),
        "powys_officer",
        "submit",
        "Interim director appointed",
        ObligationState.OPEN,
        ObligationState.SUBMITTED,
        None,
        moving=_evidence,
    ),
    "requirement_accept": Move(
        _requirement(ObligationState.SUBMITTED, "a"),
        lambda o, by: services.requirement_accept(requirement=o, by=by),
        "official",
        "accept",
        "",
        ObligationState.SUBMITTED,
        ObligationState.MET,
        None,
        moving=_evidence,
    ),
    "requirement_return": Move(
        _requirement(ObligationState.SUBMITTED, "g"),
        lambda o, by: services.requirement_return(requirement=o, by=by, reason="Need the letter"),
        "official",
        "return_to_owner",
        "Need the letter",
        ObligationState.SUBMITTED,
        ObligationState.RETURNED,
        None,
        moving=_evidence,
    ),
    "requirement_withdraw": Move(
        _requirement(ObligationState.RETURNED, "g"),
        lambda o, by: services.requirement_withdraw(requirement=o, by=by, reason="No longer needed"),
        "official",
        "release",
        "Requirement withdrawn: No longer needed",
        ObligationState.RETURNED,
        ObligationState.NOT_REQUIRED,
        None,
        moving=_evidence,
    ),
    "requirement_record_breach": Move(
        _requirement(ObligationState.OPEN, "g"),
        lambda o, by: services.requirement_record_breach(requirement=o, by=by, reason="New structure"),
        "official",
        "breach",
        "New structure",
        ObligationState.OPEN,
        ObligationState.BREACHED,
        None,
        moving=_evidence,
    ),
    "plan_submit": Move(
        lambda fx, cw: fx("issued_notice").improvement_plan,
        lambda o, by: services.plan_submit(plan=o, by=by, on=PLAN_SUBMITTED_ON, summary="The plan"),
        "powys_officer",
        "meet",
        "The plan",
        ObligationState.OPEN,
        ObligationState.MET,
        PLAN_SUBMITTED_ON,
        moving=lambda plan: _obligation(ObligationKind.IMPROVEMENT_PLAN)(plan.notice),
    ),
    "plan_return": Move(
        lambda fx, cw: cw.plan(fx("issued_notice"), PLAN_SUBMITTED),
        lambda o, by: services.plan_return(plan=o, by=by, reason="No timescales"),
        "official",
        "reopen",
        "No timescales",
        ObligationState.MET,
        ObligationState.OPEN,
        None,
        moving=lambda plan: _obligation(ObligationKind.IMPROVEMENT_PLAN)(plan.notice),
    ),
    "plan_agree": Move(
        lambda fx, cw: cw.plan(fx("issued_notice"), PLAN_SUBMITTED),
        lambda o, by: services.plan_agree(plan=o, by=by, on=PLAN_AGREED_ON, reason="Board minutes"),
        "official",
        "meet",
        "Board minutes",
        ObligationState.OPEN,
        ObligationState.MET,
        PLAN_AGREED_ON,
        moving=lambda plan: _obligation(ObligationKind.PLAN_AGREEMENT)(plan.notice),
    ),
    "board_report_submit": Move(
        lambda fx, cw: cw.board_report(fx("issued_notice")),
        lambda o, by: services.board_report_submit(report=o, by=by, on=BOARD_REPORT_ON, summary="November"),
        "powys_officer",
        "meet",
        "November",
        ObligationState.OPEN,
        ObligationState.MET,
        BOARD_REPORT_ON,
        moving=lambda report: Obligation.objects.get(board_report=report),
    ),
    "power_end": Move(
        lambda fx, cw: cw.power(fx("issued_notice")),
        lambda o, by: services.power_end(
            power=o, by=by, on=ENDED_ON, reference="Letter", reasons="Sustained"
        ),
        "official",
        "end",
        "Sustained",
        PowerState.LIVE,
        PowerState.ENDED,
        ENDED_ON,
    ),
    "direction_vary": Move(
        lambda fx, cw: cw.direction(cw.power(fx("issued_notice")), kind=DirectionKind.PERFORMED_BY_MINISTERS),
        lambda o, by: services.direction_vary(
            direction=o, by=by, on=ENDED_ON, terms="Another nominee", reason="Nominee left", nominee="B"
        ),
        "official",
        "vary",
        "Nominee left",
        DirectionState.IN_FORCE,
        DirectionState.IN_FORCE,
        ENDED_ON,
    ),
    "direction_revoke": Move(
        _direction_requiring_something,
        lambda o, by: services.direction_revoke(direction=o, by=by, on=ENDED_ON, reason="Not needed"),
        "official",
        "revoke",
        "Not needed",
        DirectionState.IN_FORCE,
        DirectionState.REVOKED,
        ENDED_ON,
        settles=1,  # what it required of the council
    ),
    "direction_end": Move(
        _direction_requiring_something,
        lambda o, by: services.direction_end(direction=o, by=by, on=ENDED_ON, reason="Period over"),
        "official",
        "end",
        "Period over",
        DirectionState.IN_FORCE,
        DirectionState.ENDED,
        ENDED_ON,
        settles=1,
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
        "moving": reread(move.moving(obj)),
        "person": person,
        "logs": list(TransitionLog.objects.filter(id__gt=last_log).order_by("id")),
        "history": _history_rows_since(last_history),
    }


def _is_log_of(log, obj) -> bool:
    return (log.content_type_id, log.object_id) == (ContentType.objects.get_for_model(obj).pk, obj.pk)


@pytest.mark.parametrize("moved", MOVES, indirect=True)
def test_the_history_says_who_why_and_the_new_state(moved):
    move, moving = moved["move"], moved["moving"]
    expected_reason = f"{move.transition}: {move.reason}" if move.reason else move.transition

    row = moving.history.first()

    assert (row.history_user, row.history_change_reason, row.state, row.history_type) == (
        moved["person"],
        expected_reason,
        move.target,
        "~",
    )
    assert moving.state == move.target
    if isinstance(moving, Obligation):
        # The day the change took effect in the world, from which the past is rebuilt.
        assert row.changed_on == (move.changed_on or move.occurred_on or timezone.localdate())
    # Every history row the service wrote (obligations moved, submissions decided...) is theirs too.
    assert {r.history_user for r in moved["history"]} == {moved["person"]}
    assert all(r.history_change_reason for r in moved["history"])


@pytest.mark.parametrize("moved", MOVES, indirect=True)
def test_exactly_one_transition_log_row_is_written_for_what_moved(moved):
    move, moving = moved["move"], moved["moving"]

    [log] = [log for log in moved["logs"] if _is_log_of(log, moving)]

    assert log.object_repr == str(moving)
    assert (log.transition, log.source_state, log.target_state, log.by, log.reason) == (
        move.transition,
        move.source,
        move.target,
        moved["person"],
        move.reason,
    )
    assert log.occurred_on == (move.occurred_on or timezone.localdate())
    assert log.recorded_at <= timezone.now()
    # Anything else logged is what the move settled: each obligation on its own row, same person.
    others = [log for log in moved["logs"] if not _is_log_of(log, moving)]
    assert len(others) == move.settles
    assert {(o.content_type.model, o.transition, o.target_state, o.by) for o in others} <= {
        ("obligation", "release", ObligationState.NOT_REQUIRED, moved["person"])
    }
    # V3: simple-history leaves the user and reason on the instance unless they are cleared,
    # and the next unrelated save would be credited to the same person and reason.
    assert not hasattr(moved["obj"], "_history_user")
    assert not hasattr(moved["obj"], "_change_reason")


@pytest.mark.parametrize("end", ["notice_withdraw", "power_determine"])
def test_ending_a_notice_settles_what_the_council_owes_with_who_and_why(
    end, issued_notice, official, casework
):
    MOVES[end].act(issued_notice, official)

    council = issued_notice.obligations.filter(owner=Owner.COUNCIL)
    assert council.count() == COUNCIL_OWES
    for obligation in council:
        row = obligation.history.first()
        assert (row.history_user, row.state, row.not_required_on) == (
            official,
            ObligationState.NOT_REQUIRED,
            row.changed_on,
        )
        assert row.history_change_reason.startswith("release: The notice ")
    # The Ministers' s151(3) duties arose from giving the notice: they stay owed, untouched.
    ministers = issued_notice.obligations.filter(owner=Owner.MINISTERS)
    assert {(o.state, o.history.count()) for o in ministers} == {(ObligationState.OPEN, 1)}


def test_the_next_plain_save_is_not_credited_to_the_last_person(issued_notice, official):
    laying = issued_notice.obligations.get(kind=ObligationKind.LAYING)
    services.obligation_record_done(obligation=laying, by=official, on=LAID_ON, source="Laid")

    laying.save()

    row = laying.history.first()
    assert (row.history_user, row.history_change_reason) == (None, None)


def test_issuing_credits_every_row_it_opens_to_the_official(draft_notice, official):
    services.notice_issue(notice=draft_notice, by=official, on=GIVEN_ON)
    notice = reread(draft_notice)

    obligation_rows = [o.history.get() for o in notice.obligations.all()]
    plan_rows = list(notice.improvement_plan.history.all())
    report_rows = [r.history.get() for r in notice.board_reports.all()]

    assert sorted(o.kind for o in notice.obligations.all()) == sorted(
        [ObligationKind.REQUIREMENT] * 3  # (a), (f), (g): answered by evidence
        + [ObligationKind.BOARD_REPORT] * 3  # (c): one per month of the schedule
        + [ObligationKind.IMPROVEMENT_PLAN, ObligationKind.PLAN_AGREEMENT]  # (d) and (e)
        + [ObligationKind.LAYING, ObligationKind.LEGISLATURE_REPORT]  # the Ministers' s151(3) duties
    )
    assert {
        (r.history_type, r.history_user, r.history_change_reason, r.state, r.changed_on)
        for r in obligation_rows
    } == {("+", official, "opened", ObligationState.OPEN, GIVEN_ON)}
    assert [(r.history_type, r.history_user, r.history_change_reason) for r in plan_rows] == [
        ("+", official, "opened on issue")
    ]
    assert len(report_rows) == 3
    assert {(r.history_type, r.history_user, r.history_change_reason) for r in report_rows} == {
        ("+", official, "scheduled")
    }
    issue = notice.history.first()
    assert (issue.history_user, issue.history_change_reason, issue.state) == (
        official,
        "issue",
        NoticeState.ISSUED,
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
