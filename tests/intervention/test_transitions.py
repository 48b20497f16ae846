"""The intervention state machines: every legal move works through its service, every other is
refused with TransitionNotAllowed and writes nothing."""

import datetime

import django_fsm as fsm
import pytest
from django.core.exceptions import ValidationError

from intervention import services
from intervention.choices import (
    GIVEN_STATES,
    BoardReportState,
    CaseState,
    DeadlineKind,
    InterventionPower,
    InterventionState,
    NoticeState,
    PlanState,
    RequirementDue,
    RequirementState,
    SubmissionDecision,
)
from intervention.models import (
    BoardReport,
    ImprovementPlan,
    Intervention,
    InterventionCase,
    Requirement,
    WarningNotice,
)
from tests.workflow import (
    BOARD_REPORT_ON,
    CLOSED_ON,
    ENDED_ON,
    ESCALATED_ON,
    GIVEN_ON,
    IN_FORCE_ON,
    LAID_ON,
    PLAN_AGREED_ON,
    PLAN_SUBMITTED_ON,
    REPORTED_ON,
    WITHDRAWN_DRAFT,
    Casework,
    changed_tables,
    reread,
    snapshot,
    tomorrow,
)

pytestmark = pytest.mark.django_db

NOT_IN_FORCE = "The notice is not in force, so this cannot be done."


@pytest.fixture
def casework(official, powys_officer):
    return Casework(official=official, officer=powys_officer)


def assert_refused_and_unchanged(action, *, obj, state):
    """Run `action`, expect TransitionNotAllowed, and prove nothing at all was written."""
    before = snapshot()

    with pytest.raises(fsm.TransitionNotAllowed) as refused:
        action()

    assert changed_tables(before) == []
    assert reread(obj).state == state
    return refused.value


# The graphs as the design states them: transition -> (the states it starts from, its target).
GRAPHS = {
    InterventionCase: {"close": ({CaseState.OPEN}, CaseState.CLOSED)},
    WarningNotice: {
        "issue": ({NoticeState.DRAFT}, NoticeState.ISSUED),
        "close_as_complied": ({NoticeState.ISSUED}, NoticeState.COMPLIED),
        "escalate": ({NoticeState.ISSUED}, NoticeState.ESCALATED),
        "withdraw": ({NoticeState.DRAFT, NoticeState.ISSUED}, NoticeState.WITHDRAWN),
        # The Ministers' s151(3) duties leave the state as it is.
        "record_laying": (set(GIVEN_STATES), None),
        "record_report": (set(GIVEN_STATES), None),
    },
    Requirement: {
        "submit": ({RequirementState.OPEN, RequirementState.RETURNED}, RequirementState.SUBMITTED),
        "accept": ({RequirementState.SUBMITTED}, RequirementState.ACCEPTED),
        "return_to_council": ({RequirementState.SUBMITTED}, RequirementState.RETURNED),
        "withdraw": ({RequirementState.OPEN, RequirementState.RETURNED}, RequirementState.WITHDRAWN),
        "record_breach": (
            {RequirementState.OPEN, RequirementState.SUBMITTED, RequirementState.RETURNED},
            RequirementState.BREACHED,
        ),
    },
    ImprovementPlan: {
        "submit": ({PlanState.DRAFTING}, PlanState.SUBMITTED),
        "return_to_council": ({PlanState.SUBMITTED}, PlanState.DRAFTING),
        "agree": ({PlanState.SUBMITTED}, PlanState.AGREED),
    },
    BoardReport: {"submit": ({BoardReportState.DUE}, BoardReportState.SUBMITTED)},
    Intervention: {
        "bring_into_force": ({InterventionState.PROPOSED}, InterventionState.IN_FORCE),
        "end": ({InterventionState.PROPOSED, InterventionState.IN_FORCE}, InterventionState.ENDED),
    },
}
STATES = {
    InterventionCase: list(CaseState),
    WarningNotice: list(NoticeState),
    Requirement: list(RequirementState),
    ImprovementPlan: list(PlanState),
    BoardReport: list(BoardReportState),
    Intervention: list(InterventionState),
}


def illegal(model):
    """Return every (transition, state) pair the design does not allow for `model`."""
    return [
        (name, state)
        for name, (sources, _target) in GRAPHS[model].items()
        for state in STATES[model]
        if state not in sources
    ]


@pytest.mark.parametrize("model", GRAPHS, ids=lambda m: m.__name__)
def test_the_tables_match_the_declared_graphs(model):
    field = model._meta.get_field("state")
    declared = {(t.name, t.source, t.target) for t in field.get_all_transitions(model)}
    expected = {
        (name, source, target) for name, (sources, target) in GRAPHS[model].items() for source in sources
    }
    assert declared == expected


# InterventionCase ------------------------------------------------------------------------


def close_case(case, by, on=CLOSED_ON):
    return services.case_close(
        case=case,
        by=by,
        on=on,
        decision="The Minister is satisfied that sufficient progress has been made.",
        source="Written statement, 1 July 2020",
    )


@pytest.mark.parametrize(
    "notice_state",
    [NoticeState.COMPLIED, NoticeState.WITHDRAWN, WITHDRAWN_DRAFT, "escalated_and_ended"],
)
def test_a_case_closes_once_nothing_on_it_is_live(notice_state, powys_case, draft_notice, casework, official):
    if notice_state == "escalated_and_ended":
        casework.intervention(casework.issue(draft_notice), InterventionState.ENDED)
    else:
        casework.notice(draft_notice, notice_state)

    close_case(powys_case, official)

    case = reread(powys_case)
    assert (case.state, case.closed_on, case.closure_source) == (
        CaseState.CLOSED,
        CLOSED_ON,
        "Written statement, 1 July 2020",
    )
    assert case.closure_decision.startswith("The Minister is satisfied")


def test_a_case_with_no_notices_closes(powys, official):
    case = services.case_open(
        by=official, council=powys, title="Adults' services", service_area="adults", opened_on=GIVEN_ON
    )

    close_case(case, official)

    assert reread(case).state == CaseState.CLOSED


def test_a_closed_case_cannot_close_again(powys, official):
    case = services.case_open(
        by=official, council=powys, title="Adults' services", service_area="adults", opened_on=GIVEN_ON
    )
    close_case(case, official)

    assert_refused_and_unchanged(lambda: close_case(reread(case), official), obj=case, state=CaseState.CLOSED)


@pytest.mark.parametrize(
    "live, message",
    [
        (NoticeState.DRAFT, "Every notice on the case must be complied, escalated or withdrawn first."),
        (NoticeState.ISSUED, "Every notice on the case must be complied, escalated or withdrawn first."),
        (InterventionState.PROPOSED, "Every intervention on the case must have ended first."),
        (InterventionState.IN_FORCE, "Every intervention on the case must have ended first."),
    ],
)
def test_a_case_with_something_live_cannot_close(live, message, powys_case, draft_notice, casework, official):
    if live in InterventionState:
        casework.intervention(casework.issue(draft_notice), live)
    else:
        casework.notice(draft_notice, live)

    error = assert_refused_and_unchanged(
        lambda: close_case(powys_case, official), obj=powys_case, state=CaseState.OPEN
    )

    assert str(error) == message


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"on": "tomorrow"}, None),
        ({"on": GIVEN_ON - datetime.timedelta(days=1)}, "on"),
        ({"decision": ""}, "reason"),
        ({"decision": "  "}, "reason"),
        ({"source": ""}, "source"),
    ],
)
def test_closing_a_case_needs_a_past_date_a_decision_and_a_source(changes, field, powys, official):
    case = services.case_open(
        by=official, council=powys, title="Adults' services", service_area="adults", opened_on=GIVEN_ON
    )
    kwargs = {"on": CLOSED_ON, "decision": "Satisfied", "source": "Statement", **changes}
    if kwargs["on"] == "tomorrow":
        kwargs["on"] = tomorrow()
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        services.case_close(case=case, by=official, **kwargs)

    if field:
        assert list(refused.value.message_dict) == [field]
    assert changed_tables(before) == []
    assert reread(case).state == CaseState.OPEN


# WarningNotice ---------------------------------------------------------------------------


def run_notice(transition, notice, by):
    """Make `transition` on `notice` through its service, with the Powys dates."""
    if transition == "issue":
        return services.notice_issue(notice=notice, by=by, on=GIVEN_ON)
    if transition == "record_laying":
        return services.notice_record_laying(notice=notice, by=by, on=LAID_ON, reference="Laid 7 Nov 2017")
    if transition == "record_report":
        return services.notice_record_report(
            notice=notice, by=by, on=REPORTED_ON, reference="Written statement 15 Jan 2018"
        )
    if transition == "close_as_complied":
        return services.notice_close_as_complied(notice=notice, by=by, reason="Every requirement met")
    if transition == "escalate":
        return services.notice_escalate(
            notice=notice,
            by=by,
            reason="Required action not taken",
            power=InterventionPower.SPECIFIED_ACTION,
            terms="Appoint a commissioner.",
            on=ESCALATED_ON,
        )
    if transition == "withdraw":
        return services.notice_withdraw(notice=notice, by=by, reason="Superseded")
    raise ValueError(transition)


def test_issuing_gives_the_notice_and_opens_its_work(draft_notice, official):
    services.notice_issue(notice=draft_notice, by=official, on=GIVEN_ON)

    notice = reread(draft_notice)
    assert (notice.state, notice.given_on, notice.laid_on, notice.reported_on) == (
        NoticeState.ISSUED,
        GIVEN_ON,
        None,
        None,
    )
    assert "Ground 1" in notice.issued_text
    due = {d.kind: d.due_on for d in notice.deadlines.exclude(kind=DeadlineKind.BOARD_REPORT)}
    assert due == {
        DeadlineKind.COMPLIANCE: datetime.date(2017, 11, 14),
        DeadlineKind.LAYING: datetime.date(2017, 11, 7),
        DeadlineKind.REPORT: datetime.date(2018, 1, 15),
    }
    assert notice.improvement_plan.state == PlanState.DRAFTING
    assert notice.improvement_plan.deadline.kind == DeadlineKind.COMPLIANCE
    assert [(r.month, r.state) for r in notice.board_reports.order_by("month")] == [
        (datetime.date(2017, 11, 1), BoardReportState.DUE),
        (datetime.date(2017, 12, 1), BoardReportState.DUE),
        (datetime.date(2018, 1, 1), BoardReportState.DUE),
    ]
    assert {r.letter: r.state for r in notice.requirements.all()} == dict.fromkeys(
        "acdg", RequirementState.OPEN
    )
    assert notice.requirements.get(letter="d").deadline.kind == DeadlineKind.COMPLIANCE


@pytest.mark.parametrize(
    "source", [NoticeState.ISSUED, NoticeState.COMPLIED, NoticeState.ESCALATED, NoticeState.WITHDRAWN]
)
@pytest.mark.parametrize(
    "transition, date_field, reference_field, deadline_kind, on",
    [
        ("record_laying", "laid_on", "laying_reference", DeadlineKind.LAYING, LAID_ON),
        ("record_report", "reported_on", "report_reference", DeadlineKind.REPORT, REPORTED_ON),
    ],
)
def test_the_ministers_duties_are_recorded_on_any_given_notice(
    transition, date_field, reference_field, deadline_kind, on, source, draft_notice, casework, official
):
    notice = casework.notice(draft_notice, source)

    run_notice(transition, notice, official)

    stored = reread(notice)
    assert stored.state == source
    assert getattr(stored, date_field) == on
    assert getattr(stored, reference_field)
    assert stored.deadlines.get(kind=deadline_kind).met_on == on


def test_closing_as_complied(draft_notice, casework, official):
    notice = casework.settle_everything(casework.issue(draft_notice))

    run_notice("close_as_complied", notice, official)

    stored = reread(notice)
    assert (stored.state, stored.closed_reason, stored.given_on) == (
        NoticeState.COMPLIED,
        "Every requirement met",
        GIVEN_ON,
    )


def test_escalating_proposes_an_intervention(issued_notice, official):
    intervention = run_notice("escalate", issued_notice, official)

    assert reread(issued_notice).state == NoticeState.ESCALATED
    stored = reread(intervention)
    assert (stored.notice_id, stored.state, stored.proposed_on, stored.in_force_on, stored.ended_on) == (
        issued_notice.pk,
        InterventionState.PROPOSED,
        ESCALATED_ON,
        None,
        None,
    )


@pytest.mark.parametrize("source, given_on", [(NoticeState.DRAFT, None), (NoticeState.ISSUED, GIVEN_ON)])
def test_withdrawing_a_notice(source, given_on, draft_notice, casework, official):
    notice = casework.notice(draft_notice, source)

    run_notice("withdraw", notice, official)

    stored = reread(notice)
    assert (stored.state, stored.closed_reason, stored.given_on) == (
        NoticeState.WITHDRAWN,
        "Superseded",
        given_on,
    )


@pytest.mark.parametrize("transition, state", illegal(WarningNotice))
def test_illegal_notice_transition_is_refused(transition, state, draft_notice, casework, official):
    notice = casework.notice(draft_notice, state)

    assert_refused_and_unchanged(lambda: run_notice(transition, notice, official), obj=notice, state=state)


@pytest.mark.parametrize("transition", GRAPHS[WarningNotice])
def test_a_notice_withdrawn_before_it_was_given_is_closed_to_every_move(
    transition, draft_notice, casework, official
):
    """It was never given, so there is nothing to lay before the legislature or report on."""
    notice = casework.notice(draft_notice, WITHDRAWN_DRAFT)

    assert_refused_and_unchanged(
        lambda: run_notice(transition, notice, official), obj=notice, state=NoticeState.WITHDRAWN
    )
    assert reread(notice).laid_on is None
    assert reread(notice).reported_on is None


@pytest.mark.parametrize("transition", ["record_laying", "record_report"])
def test_the_ministers_duties_are_recorded_once(transition, issued_notice, official):
    run_notice(transition, issued_notice, official)
    notice = reread(issued_notice)

    error = assert_refused_and_unchanged(
        lambda: run_notice(transition, notice, official), obj=notice, state=NoticeState.ISSUED
    )

    assert str(error) == "This has already been recorded."


def _without_requirements(notice, official):
    for requirement in notice.requirements.all():
        services.requirement_remove(requirement=requirement, by=official)


def _without_grounds(notice, official):
    for notice_ground in notice.grounds.all():
        services.notice_remove_ground(notice=notice, by=official, ground=notice_ground.ground)


def _without_compliance_period(notice, official):
    services.notice_update_draft(notice=notice, by=official, compliance_days=None)


def _without_minded_to(notice, official):
    services.notice_update_draft(notice=notice, by=official, minded_to="")


@pytest.mark.parametrize(
    "spoil, message",
    [
        (_without_requirements, "Add at least one requirement."),
        (_without_grounds, "Choose at least one ground and give the reasons for each."),
        (_without_compliance_period, "Set the compliance period."),
        (_without_minded_to, "Say what the Ministers are minded to do if the council fails."),
    ],
    ids=["requirements", "grounds", "compliance_period", "minded_to"],
)
def test_a_notice_missing_a_statutory_content_cannot_be_issued(spoil, message, draft_notice, official):
    spoil(draft_notice, official)
    notice = reread(draft_notice)

    error = assert_refused_and_unchanged(
        lambda: run_notice("issue", notice, official), obj=notice, state=NoticeState.DRAFT
    )

    assert str(error) == message
    assert reread(notice).given_on is None


def test_closing_as_complied_while_a_requirement_is_open_says_why(issued_notice, casework, official):
    for letter in "acd":
        casework.requirement(issued_notice, RequirementState.ACCEPTED, letter=letter)
    casework.plan(issued_notice, PlanState.AGREED)
    notice = reread(issued_notice)  # (g) is still open

    error = assert_refused_and_unchanged(
        lambda: run_notice("close_as_complied", notice, official), obj=notice, state=NoticeState.ISSUED
    )

    assert str(error) == "Every requirement must be accepted (or withdrawn) first."


def test_closing_as_complied_before_the_plan_is_agreed_says_why(issued_notice, casework, official):
    for letter in "acdg":
        casework.requirement(issued_notice, RequirementState.ACCEPTED, letter=letter)
    casework.plan(issued_notice, PlanState.SUBMITTED)
    notice = reread(issued_notice)

    error = assert_refused_and_unchanged(
        lambda: run_notice("close_as_complied", notice, official), obj=notice, state=NoticeState.ISSUED
    )

    assert str(error) == "The improvement plan must be agreed first."


def test_a_notice_whose_requirements_were_all_withdrawn_cannot_close_as_complied(
    issued_notice, casework, official
):
    for letter in "acdg":
        casework.requirement(issued_notice, RequirementState.WITHDRAWN, letter=letter)
    casework.plan(issued_notice, PlanState.AGREED)
    notice = reread(issued_notice)

    error = assert_refused_and_unchanged(
        lambda: run_notice("close_as_complied", notice, official), obj=notice, state=NoticeState.ISSUED
    )

    assert str(error) == "Every requirement must be accepted (or withdrawn) first."


@pytest.mark.parametrize("reason", ["", "   "])
@pytest.mark.parametrize(
    "service", [services.notice_close_as_complied, services.notice_withdraw], ids=lambda s: s.__name__
)
def test_closing_or_withdrawing_a_notice_needs_a_reason(service, reason, issued_notice, official):
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        service(notice=issued_notice, by=official, reason=reason)

    assert list(refused.value.message_dict) == ["reason"]
    assert changed_tables(before) == []


@pytest.mark.parametrize("blank", ["reason", "terms"])
def test_escalating_needs_a_reason_and_terms(blank, issued_notice, official):
    kwargs = {"reason": "Not done", "terms": "Appoint a commissioner.", blank: " "}
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        services.notice_escalate(
            notice=issued_notice, by=official, power=InterventionPower.OTHER, on=ESCALATED_ON, **kwargs
        )

    assert list(refused.value.message_dict) == [blank]
    assert changed_tables(before) == []


# Dates said to have happened cannot be in the future -------------------------------------


# Each entry: (prepare the object through the services, make the dated move on it).
FUTURE_DATED = {
    "case_open": (
        lambda fx, cw: fx("powys"),
        lambda council, cw, on: services.case_open(
            by=cw.official, council=council, title="T", service_area="adults", opened_on=on
        ),
    ),
    "case_close": (
        lambda fx, cw: fx("powys_case"),
        lambda case, cw, on: services.case_close(
            case=case, by=cw.official, on=on, decision="Satisfied", source="Statement"
        ),
    ),
    "notice_issue": (
        lambda fx, cw: fx("draft_notice"),
        lambda notice, cw, on: services.notice_issue(notice=notice, by=cw.official, on=on),
    ),
    "notice_record_laying": (
        lambda fx, cw: fx("issued_notice"),
        lambda notice, cw, on: services.notice_record_laying(
            notice=notice, by=cw.official, on=on, reference="Laid"
        ),
    ),
    "notice_record_report": (
        lambda fx, cw: fx("issued_notice"),
        lambda notice, cw, on: services.notice_record_report(
            notice=notice, by=cw.official, on=on, reference="Reported"
        ),
    ),
    "notice_escalate": (
        lambda fx, cw: fx("issued_notice"),
        lambda notice, cw, on: services.notice_escalate(
            notice=notice, by=cw.official, reason="Not done", power="s153", terms="Adviser", on=on
        ),
    ),
    "plan_submit": (
        lambda fx, cw: cw.plan(fx("issued_notice"), PlanState.DRAFTING),
        lambda plan, cw, on: services.plan_submit(plan=plan, by=cw.officer, on=on, summary="Plan"),
    ),
    "plan_agree": (
        lambda fx, cw: cw.plan(fx("issued_notice"), PlanState.SUBMITTED),
        lambda plan, cw, on: services.plan_agree(plan=plan, by=cw.official, on=on),
    ),
    "board_report_submit": (
        lambda fx, cw: cw.board_report(fx("issued_notice"), BoardReportState.DUE),
        lambda report, cw, on: services.board_report_submit(
            report=report, by=cw.officer, on=on, summary="November"
        ),
    ),
    "intervention_bring_into_force": (
        lambda fx, cw: cw.intervention(fx("issued_notice"), InterventionState.PROPOSED),
        lambda intervention, cw, on: services.intervention_bring_into_force(
            intervention=intervention, by=cw.official, on=on
        ),
    ),
    "intervention_end": (
        lambda fx, cw: cw.intervention(fx("issued_notice"), InterventionState.IN_FORCE),
        lambda intervention, cw, on: services.intervention_end(
            intervention=intervention, by=cw.official, on=on, reason="Done"
        ),
    ),
}


@pytest.mark.parametrize("action", FUTURE_DATED)
def test_a_date_in_the_future_is_refused(action, request, casework):
    prepare, act = FUTURE_DATED[action]
    target = prepare(request.getfixturevalue, casework)
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        act(target, casework, tomorrow())

    assert "cannot be in the future" in " ".join(refused.value.messages)
    assert changed_tables(before) == []


DATED_TOO_EARLY = {
    "notice_record_laying": (
        lambda fx, cw: fx("issued_notice"),
        lambda notice, cw: services.notice_record_laying(
            notice=notice, by=cw.official, on=GIVEN_ON - datetime.timedelta(days=1), reference="Laid"
        ),
    ),
    "notice_record_report": (
        lambda fx, cw: fx("issued_notice"),
        lambda notice, cw: services.notice_record_report(
            notice=notice, by=cw.official, on=GIVEN_ON - datetime.timedelta(days=1), reference="Reported"
        ),
    ),
    "plan_submit": (
        lambda fx, cw: cw.plan(fx("issued_notice"), PlanState.DRAFTING),
        lambda plan, cw: services.plan_submit(
            plan=plan, by=cw.officer, on=GIVEN_ON - datetime.timedelta(days=1), summary="Plan"
        ),
    ),
    "plan_agree": (
        lambda fx, cw: cw.plan(fx("issued_notice"), PlanState.SUBMITTED),
        lambda plan, cw: services.plan_agree(
            plan=plan, by=cw.official, on=PLAN_SUBMITTED_ON - datetime.timedelta(days=1)
        ),
    ),
    "intervention_bring_into_force": (
        lambda fx, cw: cw.intervention(fx("issued_notice"), InterventionState.PROPOSED),
        lambda intervention, cw: services.intervention_bring_into_force(
            intervention=intervention, by=cw.official, on=ESCALATED_ON - datetime.timedelta(days=1)
        ),
    ),
    "intervention_end": (
        lambda fx, cw: cw.intervention(fx("issued_notice"), InterventionState.PROPOSED),
        lambda intervention, cw: services.intervention_end(
            intervention=intervention,
            by=cw.official,
            on=ESCALATED_ON - datetime.timedelta(days=1),
            reason="x",
        ),
    ),
}


@pytest.mark.parametrize("action", DATED_TOO_EARLY)
def test_a_date_before_the_thing_it_follows_is_refused(action, request, casework):
    prepare, act = DATED_TOO_EARLY[action]
    target = prepare(request.getfixturevalue, casework)
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        act(target, casework)

    assert list(refused.value.message_dict) == ["on"]
    assert changed_tables(before) == []


# Requirement -----------------------------------------------------------------------------


def run_requirement(transition, requirement, cw):
    """Make `transition` on `requirement` through its service, as the right person."""
    if transition == "submit":
        return services.requirement_submit(requirement=requirement, by=cw.officer, statement="Evidence")
    if transition == "accept":
        return services.requirement_accept(requirement=requirement, by=cw.official, reason="Sufficient")
    if transition == "return_to_council":
        return services.requirement_return(requirement=requirement, by=cw.official, reason="Need the letter")
    if transition == "withdraw":
        return services.requirement_withdraw(requirement=requirement, by=cw.official, reason="Not needed")
    if transition == "record_breach":
        return services.requirement_record_breach(
            requirement=requirement, by=cw.official, reason="A new structure was created"
        )
    raise ValueError(transition)


# The latest submission's decision after each legal move.
SUBMISSION_AFTER = {
    ("submit", RequirementState.OPEN): [SubmissionDecision.PENDING],
    ("submit", RequirementState.RETURNED): [SubmissionDecision.RETURNED, SubmissionDecision.PENDING],
    ("accept", RequirementState.SUBMITTED): [SubmissionDecision.ACCEPTED],
    ("return_to_council", RequirementState.SUBMITTED): [SubmissionDecision.RETURNED],
    ("withdraw", RequirementState.OPEN): [],
    ("withdraw", RequirementState.RETURNED): [SubmissionDecision.RETURNED],
    ("record_breach", RequirementState.OPEN): [],
    ("record_breach", RequirementState.SUBMITTED): [SubmissionDecision.RETURNED],
    ("record_breach", RequirementState.RETURNED): [SubmissionDecision.RETURNED],
}


@pytest.mark.parametrize("transition, source", list(SUBMISSION_AFTER))
def test_legal_requirement_transition(transition, source, issued_notice, casework):
    # (g), the continuing condition, can make every move.
    requirement = casework.requirement(issued_notice, source, letter="g")

    run_requirement(transition, requirement, casework)

    stored = reread(requirement)
    assert stored.state == GRAPHS[Requirement][transition][1]
    decisions = [s.decision for s in stored.submissions.order_by("submitted_at", "id")]
    assert decisions == SUBMISSION_AFTER[(transition, source)]


def test_accepting_a_requirement_meets_its_own_deadline(draft_notice, casework, official, powys_officer):
    services.requirement_add(
        notice=draft_notice,
        by=official,
        letter="h",
        text="Appoint a head of service",
        due=RequirementDue.FIXED_DATE,
        due_on_fixed=datetime.date(2018, 1, 2),
    )
    notice = services.notice_issue(notice=draft_notice, by=official, on=GIVEN_ON)
    requirement = casework.requirement(notice, RequirementState.SUBMITTED, letter="h")
    assert requirement.deadline.kind == DeadlineKind.REQUIREMENT

    run_requirement("accept", requirement, casework)

    submission = reread(requirement).submissions.get()
    assert (submission.submitted_by, submission.decided_by) == (powys_officer, official)
    assert submission.decided_at is not None
    assert reread(requirement).deadline.met_on == submission.submitted_at.astimezone().date()


def test_accepting_a_requirement_due_with_the_plan_does_not_meet_the_compliance_deadline(
    issued_notice, casework
):
    """(d) shares the compliance deadline with the improvement plan; only the plan meets it."""
    requirement = casework.requirement(issued_notice, RequirementState.SUBMITTED, letter="d")
    assert requirement.deadline.kind == DeadlineKind.COMPLIANCE
    history_rows = requirement.deadline.history.count()

    run_requirement("accept", requirement, casework)

    stored = reread(requirement)
    assert stored.state == RequirementState.ACCEPTED
    assert stored.deadline.met_on is None
    assert stored.deadline.history.count() == history_rows  # not touched at all
    assert reread(issued_notice.improvement_plan).state == PlanState.DRAFTING


def test_without_a_plan_the_compliance_period_is_met_when_what_is_due_by_it_is_settled(
    draft_notice, casework, official
):
    services.notice_update_draft(notice=draft_notice, by=official, requires_improvement_plan=False)
    notice = services.notice_issue(notice=draft_notice, by=official, on=GIVEN_ON)
    due_by_period = list(notice.requirements.filter(due=RequirementDue.COMPLIANCE_PERIOD))
    assert len(due_by_period) >= 1
    compliance = notice.deadlines.get(kind=DeadlineKind.COMPLIANCE)

    *first, last = due_by_period
    for requirement in first:
        casework.requirement(notice, RequirementState.ACCEPTED, letter=requirement.letter)
    assert reread(compliance).met_on is None  # one still owed
    accepted = casework.requirement(notice, RequirementState.ACCEPTED, letter=last.letter)

    submitted_on = accepted.submissions.get().submitted_at.astimezone().date()
    assert reread(compliance).met_on == submitted_on
    row = reread(compliance).history.latest()
    assert (row.history_user, row.history_change_reason) == (official, "compliance requirements settled")


def test_returning_the_plan_leaves_an_accepted_requirement_accepted(issued_notice, casework):
    requirement = casework.requirement(issued_notice, RequirementState.ACCEPTED, letter="d")
    plan = casework.plan(issued_notice, PlanState.SUBMITTED)
    assert plan.deadline.met_on == PLAN_SUBMITTED_ON  # the plan met it, not the requirement

    run_plan("return_to_council", plan, casework)

    assert reread(plan).deadline.met_on is None  # the plan is due again
    stored = reread(requirement)
    assert stored.state == RequirementState.ACCEPTED
    assert stored.submissions.get().decision == SubmissionDecision.ACCEPTED


@pytest.mark.parametrize("transition, state", illegal(Requirement))
def test_illegal_requirement_transition_is_refused(transition, state, issued_notice, casework):
    requirement = casework.requirement(issued_notice, state, letter="g")

    assert_refused_and_unchanged(
        lambda: run_requirement(transition, requirement, casework), obj=requirement, state=state
    )


def test_only_a_continuing_condition_can_be_breached(requirement_a, casework):
    error = assert_refused_and_unchanged(
        lambda: run_requirement("record_breach", requirement_a, casework),
        obj=requirement_a,
        state=RequirementState.OPEN,
    )

    assert str(error) == "Only a continuing condition can be breached."


@pytest.mark.parametrize("notice_state", [NoticeState.DRAFT, NoticeState.WITHDRAWN, NoticeState.ESCALATED])
def test_evidence_cannot_be_submitted_on_a_notice_that_is_not_in_force(notice_state, draft_notice, casework):
    notice = casework.notice(draft_notice, notice_state)
    requirement = notice.requirements.get(letter="a")

    error = assert_refused_and_unchanged(
        lambda: run_requirement("submit", requirement, casework), obj=requirement, state=RequirementState.OPEN
    )

    assert str(error) == NOT_IN_FORCE


@pytest.mark.parametrize("transition", ["accept", "return_to_council"])
def test_a_submission_cannot_be_decided_once_the_notice_is_withdrawn(
    transition, issued_notice, casework, official
):
    requirement = casework.requirement(issued_notice, RequirementState.SUBMITTED, letter="a")
    services.notice_withdraw(notice=issued_notice, by=official, reason="Superseded")

    error = assert_refused_and_unchanged(
        lambda: run_requirement(transition, reread(requirement), casework),
        obj=requirement,
        state=RequirementState.SUBMITTED,
    )

    assert str(error) == NOT_IN_FORCE


REQUIRED_TEXT = {
    "requirement_submit": (
        "statement",
        lambda r, cw, text: services.requirement_submit(requirement=r, by=cw.officer, statement=text),
    ),
    "requirement_return": (
        "reason",
        lambda r, cw, text: services.requirement_return(requirement=r, by=cw.official, reason=text),
    ),
    "requirement_withdraw": (
        "reason",
        lambda r, cw, text: services.requirement_withdraw(requirement=r, by=cw.official, reason=text),
    ),
    "requirement_record_breach": (
        "reason",
        lambda r, cw, text: services.requirement_record_breach(requirement=r, by=cw.official, reason=text),
    ),
}


@pytest.mark.parametrize("text", ["", " \n "])
@pytest.mark.parametrize("action", REQUIRED_TEXT)
def test_requirement_moves_need_their_text(action, text, issued_notice, casework):
    field, act = REQUIRED_TEXT[action]
    state = RequirementState.SUBMITTED if action == "requirement_return" else RequirementState.OPEN
    requirement = casework.requirement(issued_notice, state, letter="g")
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        act(requirement, casework, text)

    assert list(refused.value.message_dict) == [field]
    assert changed_tables(before) == []
    assert reread(requirement).state == state


# ImprovementPlan -------------------------------------------------------------------------


def run_plan(transition, plan, cw):
    if transition == "submit":
        return services.plan_submit(
            plan=plan,
            by=cw.officer,
            on=PLAN_SUBMITTED_ON,
            summary="Improvement plan",
            document_reference="IP-1",
        )
    if transition == "return_to_council":
        return services.plan_return(plan=plan, by=cw.official, reason="Timescales missing")
    if transition == "agree":
        return services.plan_agree(plan=plan, by=cw.official, on=PLAN_AGREED_ON)
    raise ValueError(transition)


def test_submitting_the_plan_meets_the_compliance_deadline(issued_notice, casework):
    plan = casework.plan(issued_notice, PlanState.DRAFTING)

    run_plan("submit", plan, casework)

    stored = reread(plan)
    assert (
        stored.state,
        stored.submitted_on,
        stored.summary,
        stored.document_reference,
        stored.agreed_on,
    ) == (
        PlanState.SUBMITTED,
        PLAN_SUBMITTED_ON,
        "Improvement plan",
        "IP-1",
        None,
    )
    assert stored.deadline.met_on == PLAN_SUBMITTED_ON


def test_returning_the_plan_reopens_the_compliance_deadline(issued_notice, casework):
    plan = casework.plan(issued_notice, PlanState.SUBMITTED)

    run_plan("return_to_council", plan, casework)

    stored = reread(plan)
    assert (stored.state, stored.deadline.met_on) == (PlanState.DRAFTING, None)


def test_a_returned_plan_can_be_resubmitted(issued_notice, casework):
    plan = casework.plan(issued_notice, PlanState.SUBMITTED)
    run_plan("return_to_council", plan, casework)
    resubmitted_on = PLAN_SUBMITTED_ON + datetime.timedelta(days=7)

    services.plan_submit(plan=reread(plan), by=casework.officer, on=resubmitted_on, summary="Revised plan")

    stored = reread(plan)
    assert (stored.state, stored.submitted_on, stored.deadline.met_on) == (
        PlanState.SUBMITTED,
        resubmitted_on,
        resubmitted_on,
    )


def test_agreeing_the_plan(issued_notice, casework):
    plan = casework.plan(issued_notice, PlanState.SUBMITTED)

    run_plan("agree", plan, casework)

    stored = reread(plan)
    assert (stored.state, stored.submitted_on, stored.agreed_on) == (
        PlanState.AGREED,
        PLAN_SUBMITTED_ON,
        PLAN_AGREED_ON,
    )


@pytest.mark.parametrize("transition, state", illegal(ImprovementPlan))
def test_illegal_plan_transition_is_refused(transition, state, issued_notice, casework):
    plan = casework.plan(issued_notice, state)

    assert_refused_and_unchanged(lambda: run_plan(transition, plan, casework), obj=plan, state=state)


def test_a_plan_cannot_be_submitted_once_the_notice_is_withdrawn(issued_notice, casework, official):
    services.notice_withdraw(notice=issued_notice, by=official, reason="Superseded")
    plan = casework.plan(reread(issued_notice), PlanState.DRAFTING)

    error = assert_refused_and_unchanged(
        lambda: run_plan("submit", plan, casework), obj=plan, state=PlanState.DRAFTING
    )

    assert str(error) == NOT_IN_FORCE


@pytest.mark.parametrize(
    "action, field",
    [
        ("plan_submit", "summary"),
        ("plan_return", "reason"),
    ],
)
def test_plan_moves_need_their_text(action, field, issued_notice, casework):
    if action == "plan_submit":
        plan = casework.plan(issued_notice, PlanState.DRAFTING)
        act = lambda: services.plan_submit(plan=plan, by=casework.officer, on=PLAN_SUBMITTED_ON, summary=" ")  # noqa: E731
    else:
        plan = casework.plan(issued_notice, PlanState.SUBMITTED)
        act = lambda: services.plan_return(plan=plan, by=casework.official, reason="")  # noqa: E731
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        act()

    assert list(refused.value.message_dict) == [field]
    assert changed_tables(before) == []


# BoardReport -----------------------------------------------------------------------------


def run_board_report(report, cw):
    return services.board_report_submit(
        report=report,
        by=cw.officer,
        on=BOARD_REPORT_ON,
        summary="November report",
        document_reference="IB-11",
    )


def test_submitting_a_board_report_meets_its_deadline(issued_notice, casework):
    report = casework.board_report(issued_notice, BoardReportState.DUE)

    run_board_report(report, casework)

    stored = reread(report)
    assert (stored.state, stored.submitted_on, stored.summary, stored.document_reference) == (
        BoardReportState.SUBMITTED,
        BOARD_REPORT_ON,
        "November report",
        "IB-11",
    )
    assert stored.deadline.met_on == BOARD_REPORT_ON


@pytest.mark.parametrize("transition, state", illegal(BoardReport))
def test_illegal_board_report_transition_is_refused(transition, state, issued_notice, casework):
    report = casework.board_report(issued_notice, state)

    assert_refused_and_unchanged(lambda: run_board_report(report, casework), obj=report, state=state)


def test_a_board_report_cannot_be_submitted_once_the_notice_is_withdrawn(issued_notice, casework, official):
    services.notice_withdraw(notice=issued_notice, by=official, reason="Superseded")
    report = casework.board_report(reread(issued_notice), BoardReportState.DUE)

    error = assert_refused_and_unchanged(
        lambda: run_board_report(report, casework), obj=report, state=BoardReportState.DUE
    )

    assert str(error) == NOT_IN_FORCE


def test_a_board_report_needs_a_summary(issued_notice, casework):
    report = casework.board_report(issued_notice, BoardReportState.DUE)
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        services.board_report_submit(report=report, by=casework.officer, on=BOARD_REPORT_ON, summary="")

    assert list(refused.value.message_dict) == ["summary"]
    assert changed_tables(before) == []


# Intervention ----------------------------------------------------------------------------


def run_intervention(transition, intervention, cw):
    if transition == "bring_into_force":
        return services.intervention_bring_into_force(
            intervention=intervention, by=cw.official, on=IN_FORCE_ON
        )
    if transition == "end":
        return services.intervention_end(
            intervention=intervention, by=cw.official, on=ENDED_ON, reason="Improvement sustained"
        )
    raise ValueError(transition)


@pytest.mark.parametrize(
    "transition, source, dates",
    [
        ("bring_into_force", InterventionState.PROPOSED, (IN_FORCE_ON, None)),
        ("end", InterventionState.PROPOSED, (None, ENDED_ON)),
        ("end", InterventionState.IN_FORCE, (IN_FORCE_ON, ENDED_ON)),
    ],
)
def test_legal_intervention_transition(transition, source, dates, issued_notice, casework):
    intervention = casework.intervention(issued_notice, source)

    run_intervention(transition, intervention, casework)

    stored = reread(intervention)
    assert (stored.state, stored.proposed_on, stored.in_force_on, stored.ended_on) == (
        GRAPHS[Intervention][transition][1],
        ESCALATED_ON,
        *dates,
    )


@pytest.mark.parametrize("transition, state", illegal(Intervention))
def test_illegal_intervention_transition_is_refused(transition, state, issued_notice, casework):
    intervention = casework.intervention(issued_notice, state)

    assert_refused_and_unchanged(
        lambda: run_intervention(transition, intervention, casework), obj=intervention, state=state
    )


def test_ending_an_intervention_needs_a_reason(issued_notice, casework):
    intervention = casework.intervention(issued_notice, InterventionState.IN_FORCE)
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        services.intervention_end(intervention=intervention, by=casework.official, on=ENDED_ON, reason=" ")

    assert list(refused.value.message_dict) == ["reason"]
    assert changed_tables(before) == []


# The protected state field ---------------------------------------------------------------


PROTECTED = {
    "case": lambda fx, cw: fx("powys_case"),
    "notice": lambda fx, cw: fx("issued_notice"),
    "requirement": lambda fx, cw: fx("requirement_a"),
    "plan": lambda fx, cw: fx("issued_notice").improvement_plan,
    "board_report": lambda fx, cw: cw.board_report(fx("issued_notice"), BoardReportState.DUE),
    "intervention": lambda fx, cw: cw.intervention(fx("issued_notice"), InterventionState.PROPOSED),
}


@pytest.mark.parametrize("kind", PROTECTED)
def test_the_state_cannot_be_assigned_directly(kind, request, casework):
    obj = reread(PROTECTED[kind](request.getfixturevalue, casework))
    state = obj.state
    other = next(s for s in STATES[type(obj)] if s != state)

    with pytest.raises(AttributeError):
        obj.state = other

    assert obj.state == state
    assert reread(obj).state == state
