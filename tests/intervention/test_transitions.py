"""The intervention state machines: every legal move works through its service and leaves a history
row and a transition-log row; every other is refused with TransitionNotAllowed and writes nothing.

What the council and the Welsh Ministers owe under a notice (evidence for a requirement, the
improvement plan, its agreement with the Improvement Board, each month's Board report, laying the
notice and reporting to the legislature) is one Obligation each, with one state machine; a
requirement answered by a document is that document's obligation.
"""

import datetime

import django_fsm as fsm
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import TransitionLog
from intervention import calendars, services
from intervention.choices import (
    ENDED_STATES,
    LIVE_STATES,
    CaseState,
    ComplianceRule,
    DirectionKind,
    DirectionState,
    NoticeKind,
    NoticeState,
    ObligationKind,
    ObligationState,
    Owner,
    PowerState,
    RequirementDue,
    SubmissionDecision,
)
from intervention.models import (
    Direction,
    Ground,
    InterventionCase,
    Obligation,
    PowerToIntervene,
    WarningNotice,
)
from intervention.obligations import selectors as obligation_selectors
from intervention.obligations import services as obligation_services
from tests.workflow import (
    BOARD_REPORT_ON,
    CLOSED_ON,
    ENDED_ON,
    ESCALATED_ON,
    GIVEN_ON,
    IN_FORCE_ON,
    LAID_ON,
    PLAN_AGREED_ON,
    PLAN_SUBMITTED,
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
NOT_SETTLED = (
    "Every obligation of the council must be met or no longer required first, and at least one "
    "met (Board reports not yet due are released when the notice closes)."
)
BY_A_DOCUMENT = "This is met by a document, not by evidence: send the document instead."
PLAN_FIRST = "The improvement plan must be submitted, and not returned, before its agreement is recorded."
PLAN_AGREED = "Only an improvement plan whose agreement is not recorded can be returned."
PARENT_NOT_IN_FORCE = "The notice this one follows or amends must be in force."

# The Powys compliance period: 20 working days from 17 October 2017.
COMPLIANCE_ENDS_ON = datetime.date(2017, 11, 14)
EXTENDED_ON = datetime.date(2017, 11, 10)
EXTENDED_TO = datetime.date(2017, 12, 14)
SCHEDULE_CUT_ON = datetime.date(2017, 11, 1)
SCHEDULE_RESTORED_ON = datetime.date(2017, 11, 15)
DONE_ON = datetime.date(2017, 12, 1)
FOLLOW_UP_ON = datetime.date(2018, 4, 3)
NOVEMBER, DECEMBER, JANUARY = (
    datetime.date(2017, 11, 1),
    datetime.date(2017, 12, 1),
    datetime.date(2018, 1, 1),
)

# Stands for the day the test runs, where a service dates a move itself.
TODAY = "today"


@pytest.fixture
def casework(official, powys_officer):
    return Casework(official=official, officer=powys_officer)


def today():
    return timezone.localdate()


def resolve(value):
    return today() if value == TODAY else value


def assert_refused_and_unchanged(action, *, obj, state):
    """Run `action`, expect TransitionNotAllowed, and prove nothing at all was written."""
    before = snapshot()

    with pytest.raises(fsm.TransitionNotAllowed) as refused:
        action()

    assert changed_tables(before) == []
    assert reread(obj).state == state
    return refused.value


def assert_recorded(obj, *, transition, source, target, by, on, reason=""):
    """Prove the move left a history row (who, why, the new state) and a transition-log row."""
    stored = reread(obj)
    row = stored.history.latest()
    assert (row.history_user, row.history_change_reason, row.state) == (
        by,
        f"{transition}: {reason}" if reason else transition,
        target,
    )
    log = TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(type(stored)), object_id=stored.pk
    ).latest("id")
    assert (log.transition, log.source_state, log.target_state, log.by, log.occurred_on, log.reason) == (
        transition,
        source,
        target,
        by,
        on,
        reason,
    )


def owed(notice, kind, *, month=None):
    """Return what is owed under `notice` of `kind` (a Board report: the one for `month`)."""
    found = notice.obligations.filter(kind=kind)
    if month is not None:
        found = found.filter(board_report__month=month)
    return found.get()


def evidence_of(notice, letter):
    """Return what the council owes for requirement `letter`, which it answers with evidence."""
    return notice.requirements.get(letter=letter).obligations.get(kind=ObligationKind.REQUIREMENT)


def status_of(obligation, *, on):
    """Return the status code a person sees for `obligation` at the end of `on`."""
    return obligation_selectors.with_status([reread(obligation)], today=on)[0].status


# The graphs as the design states them: transition -> (the states it starts from, its target).
OWED_STATES = {ObligationState.OPEN, ObligationState.RETURNED}
GRAPHS = {
    InterventionCase: {
        "close": ({CaseState.OPEN}, CaseState.CLOSED),
        "reopen": ({CaseState.CLOSED}, CaseState.OPEN),
    },
    WarningNotice: {
        "issue": ({NoticeState.DRAFT}, NoticeState.ISSUED),
        "close_as_complied": ({NoticeState.ISSUED}, NoticeState.COMPLIED),
        "escalate": ({NoticeState.ISSUED}, NoticeState.ESCALATED),
        "withdraw": ({NoticeState.DRAFT, NoticeState.ISSUED}, NoticeState.WITHDRAWN),
        "supersede": ({NoticeState.ISSUED}, NoticeState.SUPERSEDED),
        # An addendum ends when, and as, the notice it amends ends.
        "end_with_parent": ({NoticeState.ISSUED}, ENDED_STATES),
        # A notice in force ends when the Ministers close its case.
        "end_with_case": ({NoticeState.ISSUED}, NoticeState.ENDED_WITH_CASE),
        # Changes to the terms of a notice in force leave its state as it is.
        "extend_compliance_period": ({NoticeState.ISSUED}, None),
        "change_board_report_schedule": ({NoticeState.ISSUED}, None),
    },
    Obligation: {
        "submit": (OWED_STATES, ObligationState.SUBMITTED),
        "accept": ({ObligationState.SUBMITTED}, ObligationState.MET),
        "return_to_owner": ({ObligationState.SUBMITTED}, ObligationState.RETURNED),
        "meet": (OWED_STATES, ObligationState.MET),
        "record_not_evidenced": (OWED_STATES, ObligationState.NOT_EVIDENCED),
        "reopen": ({ObligationState.MET}, ObligationState.OPEN),
        "release": (set(LIVE_STATES), ObligationState.NOT_REQUIRED),
        "reinstate": ({ObligationState.NOT_REQUIRED}, ObligationState.OPEN),
        "breach": (
            {ObligationState.OPEN, ObligationState.SUBMITTED, ObligationState.RETURNED},
            ObligationState.BREACHED,
        ),
    },
    PowerToIntervene: {"end": ({PowerState.LIVE}, PowerState.ENDED)},
    Direction: {
        # Varying a direction leaves it in force.
        "vary": ({DirectionState.IN_FORCE}, DirectionState.IN_FORCE),
        "revoke": ({DirectionState.IN_FORCE}, DirectionState.REVOKED),
        "end": ({DirectionState.IN_FORCE}, DirectionState.ENDED),
    },
}
STATES = {
    InterventionCase: list(CaseState),
    WarningNotice: list(NoticeState),
    Obligation: list(ObligationState),
    PowerToIntervene: list(PowerState),
    Direction: list(DirectionState),
}


def legal(model):
    """Return every (transition, state) pair the design allows for `model`."""
    return [(name, state) for name, (sources, _target) in GRAPHS[model].items() for state in sorted(sources)]


def illegal(model, *, leave_out=()):
    """Return every (transition, state) pair the design does not allow for `model`."""
    return [
        (name, state)
        for name, (sources, _target) in GRAPHS[model].items()
        if name not in leave_out
        for state in STATES[model]
        if state not in sources
    ]


@pytest.mark.parametrize("model", GRAPHS, ids=lambda m: m.__name__)
def test_the_tables_match_the_declared_graphs(model):
    field = model._meta.get_field("state")
    declared = {
        (
            t.name,
            t.source,
            tuple(t.target.allowed_states) if isinstance(t.target, fsm.RETURN_VALUE) else t.target,
        )
        for t in field.get_all_transitions(model)
    }
    expected = {
        (name, source, target) for name, (sources, target) in GRAPHS[model].items() for source in sources
    }
    assert declared == expected


# Follow-up notices ---------------------------------------------------------------------------


def draft_follow_up(notice, cw, *, title="Follow-up warning notice"):
    """Draft a follow-up to `notice` (which must be in force) that meets every s151(2) condition."""
    follow_up = services.notice_draft(
        case=notice.case,
        by=cw.official,
        title=title,
        kind=NoticeKind.FOLLOW_UP,
        parent=notice,
        compliance_rule=ComplianceRule.FIXED_DATE,
        compliance_fixed_on=datetime.date(2018, 6, 1),
        minded_to="Intervene more directly under sections 152-161.",
        requires_improvement_plan=False,
    )
    services.notice_set_ground(
        notice=follow_up, by=cw.official, ground=Ground.objects.get(number=1), reasons="Still not complied."
    )
    services.requirement_add(notice=follow_up, by=cw.official, letter="h", text="Requirement h")
    return follow_up


def issue_follow_up(follow_up, cw):
    """Carry over the evidence still owed under the parent, close the rest, and give the follow-up."""
    for obligation in services.parent_obligations_to_decide(follow_up):
        services.carry_over_decide(
            follow_up=follow_up,
            by=cw.official,
            obligation=obligation,
            carry_over=obligation.kind == ObligationKind.REQUIREMENT,
        )
    return services.notice_issue(notice=follow_up, by=cw.official, on=FOLLOW_UP_ON)


def notice_in(draft, state, cw):
    """Return `draft` moved to `state`; superseded means a follow-up notice was given in its place.

    Ended with the case: the Ministers closed the case while it was in force, then reopened the
    case, so that only the notice's own state stands in the way of a move.
    """
    if state == NoticeState.SUPERSEDED:
        notice = cw.issue(draft)
        issue_follow_up(draft_follow_up(notice, cw), cw)
        return reread(notice)
    if state == NoticeState.ENDED_WITH_CASE:
        notice = cw.record_ministers_duties(cw.issue(draft))
        close_case(notice.case, cw.official)
        services.case_reopen(case=reread(notice.case), by=cw.official, on=CLOSED_ON, reason="New concerns")
        return reread(notice)
    return cw.notice(draft, state)


# InterventionCase ------------------------------------------------------------------------


def close_case(case, by, on=CLOSED_ON):
    return services.case_close(
        case=case,
        by=by,
        on=on,
        minister="The Minister for Children and Social Care",
        decision="The Minister is satisfied that sufficient progress has been made.",
        source="Written statement, 1 July 2020",
    )


@pytest.mark.parametrize(
    "notice_state",
    [
        NoticeState.COMPLIED,
        NoticeState.WITHDRAWN,
        WITHDRAWN_DRAFT,
        "escalated_and_ended",
        "superseded_and_follow_up_withdrawn",
    ],
)
def test_a_case_closes_once_nothing_on_it_is_live(notice_state, powys_case, draft_notice, casework, official):
    if notice_state == "escalated_and_ended":
        casework.power(casework.issue(draft_notice), PowerState.ENDED)
    elif notice_state == "superseded_and_follow_up_withdrawn":
        follow_up = issue_follow_up(draft_follow_up(casework.issue(draft_notice), casework), casework)
        services.notice_withdraw(notice=follow_up, by=official, reason="Improvement sustained")
    else:
        casework.notice(draft_notice, notice_state)
    for notice in powys_case.notices.exclude(given_on=None):
        casework.record_ministers_duties(notice)

    close_case(powys_case, official)

    case = reread(powys_case)
    assert (case.state, case.closed_on, case.closure_minister, case.closure_source) == (
        CaseState.CLOSED,
        CLOSED_ON,
        "The Minister for Children and Social Care",
        "Written statement, 1 July 2020",
    )
    assert case.closure_decision.startswith("The Minister is satisfied")
    assert_recorded(
        case,
        transition="close",
        source=CaseState.OPEN,
        target=CaseState.CLOSED,
        by=official,
        on=CLOSED_ON,
        reason="The Minister is satisfied that sufficient progress has been made.",
    )


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


DRAFT_NOTICE = "A draft notice on the case must be issued or withdrawn first."
LIVE_POWER = "Every power to intervene on the case must be ended by written notice first."
MINISTERS_DUTY = (
    "The Welsh Ministers' own duties under s151(3) must be recorded first (done, or done with the "
    "date not evidenced): closing the case does not discharge them."
)


@pytest.mark.parametrize(
    "live, message",
    [
        (NoticeState.DRAFT, DRAFT_NOTICE),
        ("follow_up_draft", DRAFT_NOTICE),
        ("power_live", LIVE_POWER),
        ("direction_in_force", LIVE_POWER),
        ("laying_owed", MINISTERS_DUTY),
        ("report_owed", MINISTERS_DUTY),
    ],
)
def test_a_case_with_something_live_cannot_close(live, message, powys_case, draft_notice, casework, official):
    if live == NoticeState.DRAFT:
        casework.notice(draft_notice, live)
    elif live == "follow_up_draft":
        notice = casework.record_ministers_duties(casework.issue(draft_notice))
        draft_follow_up(notice, casework)
    elif live in ("power_live", "direction_in_force"):
        notice = casework.record_ministers_duties(casework.issue(draft_notice))
        power = casework.power(notice)
        if live == "direction_in_force":
            casework.direction(power)
    else:
        notice = casework.issue(draft_notice)
        if live == "laying_owed":
            services.notice_record_report(notice=notice, by=official, on=REPORTED_ON, reference="Report")
        else:
            services.notice_record_laying(notice=notice, by=official, on=LAID_ON, reference="Laid")

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
        ({"minister": " "}, "minister"),
        ({"source": ""}, "source"),
    ],
)
def test_closing_a_case_needs_a_past_date_a_decision_and_a_source(changes, field, powys, official):
    case = services.case_open(
        by=official, council=powys, title="Adults' services", service_area="adults", opened_on=GIVEN_ON
    )
    kwargs = {"on": CLOSED_ON, "minister": "The Minister", "decision": "Satisfied", "source": "Statement"}
    kwargs.update(changes)
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
    if transition == "close_as_complied":
        return services.notice_close_as_complied(notice=notice, by=by, reason="Every requirement met")
    if transition == "escalate":
        return services.power_determine(
            notice=notice,
            by=by,
            on=ESCALATED_ON,
            actions_not_taken=notice.requirements.filter(letter="a"),
            reasons="Required action not taken",
        )
    if transition == "withdraw":
        return services.notice_withdraw(notice=notice, by=by, reason="Superseded")
    if transition == "extend_compliance_period":
        return services.notice_extend_compliance_period(
            notice=notice,
            by=by,
            ends_on=EXTENDED_TO,
            decided_by="The Minister for Children and Social Care",
            reason="The council asked for more time",
            decided_on=EXTENDED_ON,
        )
    if transition == "change_board_report_schedule":
        return services.notice_change_board_report_schedule(
            notice=notice,
            by=by,
            first_month=NOVEMBER,
            count=1,
            reason="The Board meets less often",
            on=SCHEDULE_CUT_ON,
        )
    raise ValueError(transition)


# Everything a notice given on 17 October 2017 makes owed, in order: (what, by whom, due on).
OWED_ON_ISSUE = [
    ("Requirement (a)", Owner.COUNCIL, None),
    (
        "Improvement Board report for November 2017 (requirement (c))",
        Owner.COUNCIL,
        datetime.date(2017, 11, 30),
    ),
    (
        "Improvement Board report for December 2017 (requirement (c))",
        Owner.COUNCIL,
        datetime.date(2017, 12, 29),
    ),
    (
        "Improvement Board report for January 2018 (requirement (c))",
        Owner.COUNCIL,
        datetime.date(2018, 1, 31),
    ),
    ("Improvement plan (requirement (d))", Owner.COUNCIL, COMPLIANCE_ENDS_ON),
    (
        "Agreement of the improvement plan with the Improvement Board (requirement (e))",
        Owner.COUNCIL,
        None,
    ),
    ("Requirement (f)", Owner.COUNCIL, COMPLIANCE_ENDS_ON),
    ("Requirement (g)", Owner.COUNCIL, None),
    (
        "Lay a copy of the notice before the National Assembly for Wales (s151(3)(a))",
        Owner.MINISTERS,
        LAID_ON,
    ),
    (
        "Report to the National Assembly for Wales on the council's action (s151(3)(b))",
        Owner.MINISTERS,
        REPORTED_ON,
    ),
]


def test_issuing_gives_the_notice_and_opens_everything_it_makes_owed(draft_notice, official):
    services.notice_issue(notice=draft_notice, by=official, on=GIVEN_ON)

    notice = reread(draft_notice)
    assert (notice.state, notice.given_on, notice.ended_on, notice.compliance_ends_on) == (
        NoticeState.ISSUED,
        GIVEN_ON,
        None,
        COMPLIANCE_ENDS_ON,
    )
    assert notice.compliance_basis == "20 working days after 17 October 2017"
    assert "Ground 1" in notice.issued_text
    assert_recorded(
        notice,
        transition="issue",
        source=NoticeState.DRAFT,
        target=NoticeState.ISSUED,
        by=official,
        on=GIVEN_ON,
    )
    obligations = list(notice.obligations.select_related("requirement", "board_report"))
    assert [(o.label, o.owner, o.due_on) for o in obligations] == OWED_ON_ISSUE
    assert {(o.state, o.opened_on, o.changed_on) for o in obligations} == {
        (ObligationState.OPEN, GIVEN_ON, GIVEN_ON)
    }
    assert {(o.history.get().history_user, o.history.get().history_change_reason) for o in obligations} == {
        (official, "opened")
    }
    # (c), (d) and (e) are answered by the documents: they are those documents' obligations.
    answered = {
        r.letter: list(r.obligations.values_list("kind", flat=True)) for r in notice.requirements.all()
    }
    assert answered == {
        "a": [ObligationKind.REQUIREMENT],
        "c": [ObligationKind.BOARD_REPORT] * 3,
        "d": [ObligationKind.IMPROVEMENT_PLAN],
        "e": [ObligationKind.PLAN_AGREEMENT],
        "f": [ObligationKind.REQUIREMENT],
        "g": [ObligationKind.REQUIREMENT],
    }


@pytest.mark.parametrize(
    "source",
    [
        NoticeState.ISSUED,
        NoticeState.COMPLIED,
        NoticeState.ESCALATED,
        NoticeState.SUPERSEDED,
        NoticeState.WITHDRAWN,
    ],
)
@pytest.mark.parametrize(
    "service, kind, on, reference",
    [
        (services.notice_record_laying, ObligationKind.LAYING, LAID_ON, "Laid 7 Nov 2017"),
        (
            services.notice_record_report,
            ObligationKind.LEGISLATURE_REPORT,
            REPORTED_ON,
            "Written statement 15 Jan 2018",
        ),
    ],
    ids=["laying", "report"],
)
def test_the_ministers_duties_are_recorded_on_any_given_notice(
    service, kind, on, reference, source, draft_notice, casework, official
):
    notice = notice_in(draft_notice, source, casework)
    duty = owed(notice, kind)
    assert duty.state == ObligationState.OPEN  # whatever became of the notice, the duty is owed

    service(notice=notice, by=official, on=on, reference=reference)

    assert reread(notice).state == source
    stored = reread(duty)
    assert (stored.state, stored.met_on, stored.source, stored.changed_on) == (
        ObligationState.MET,
        on,
        reference,
        on,
    )
    assert status_of(stored, on=on).code == "met"
    assert_recorded(
        duty,
        transition="meet",
        source=ObligationState.OPEN,
        target=ObligationState.MET,
        by=official,
        on=on,
        reason=reference,
    )


@pytest.mark.parametrize("service", [services.notice_record_laying, services.notice_record_report])
def test_the_ministers_duties_are_recorded_once(service, issued_notice, official):
    service(notice=issued_notice, by=official, on=REPORTED_ON, reference="Recorded")
    notice = reread(issued_notice)
    before = snapshot()

    with pytest.raises(fsm.TransitionNotAllowed) as refused:
        service(notice=notice, by=official, on=REPORTED_ON, reference="Again")

    assert str(refused.value) == "This cannot be done while it is met."
    assert changed_tables(before) == []


def _ready_to_close(notice, cw):
    """Meet everything the council owes, then add a Board report for next month, not yet due."""
    notice = cw.settle_everything(notice)
    next_month = (today().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    services.notice_change_board_report_schedule(
        notice=notice, by=cw.official, first_month=next_month, count=1, reason="One more report"
    )
    return reread(notice)


def _with_work_under_way(notice, cw):
    """Evidence for (a) accepted, for (g) with Welsh Government, the rest still owed."""
    cw.requirement(notice, ObligationState.MET, letter="a")
    cw.requirement(notice, ObligationState.SUBMITTED, letter="g")
    return reread(notice)


# How each ending is made, and the reason it gives what was still owed: (prepare, end, why).
ENDINGS = {
    "close_as_complied": (
        _ready_to_close,
        lambda notice, cw: services.notice_close_as_complied(notice=notice, by=cw.official, reason="All met"),
        lambda on: f"The notice was closed as complied on {calendars.format_date(on)}.",
    ),
    "withdraw": (
        _with_work_under_way,
        lambda notice, cw: services.notice_withdraw(notice=notice, by=cw.official, reason="Superseded"),
        lambda on: f"The notice was withdrawn on {calendars.format_date(on)}: Superseded",
    ),
    "escalate": (
        _with_work_under_way,
        lambda notice, cw: services.power_determine(
            notice=notice,
            by=cw.official,
            on=today(),
            actions_not_taken=notice.requirements.filter(letter="f"),
            reasons="Required action not taken",
        ),
        lambda on: (
            f"The notice ended on {calendars.format_date(on)}: the Ministers determined that the power "
            "to intervene had arisen."
        ),
    ),
}


@pytest.mark.parametrize("ending", ENDINGS)
def test_ending_a_notice_releases_what_the_council_owes_and_leaves_the_ministers_duties_owed(
    ending, issued_notice, casework, official
):
    prepare, end, why = ENDINGS[ending]
    notice = prepare(issued_notice, casework)
    council = notice.obligations.filter(owner=Owner.COUNCIL)
    live = {o.pk: o.state for o in council.filter(state__in=LIVE_STATES)}
    settled = {o.pk: (o.state, o.history.count()) for o in council.exclude(state__in=LIVE_STATES)}
    assert live  # something is still owed when the notice ends
    duties = notice.obligations.filter(owner=Owner.MINISTERS)

    end(notice, casework)

    on = today()
    assert reread(notice).ended_on == on
    for pk, source in live.items():
        released = Obligation.objects.get(pk=pk)
        assert (released.state, released.not_required_on, released.settled_reason) == (
            ObligationState.NOT_REQUIRED,
            on,
            why(on),
        )
        assert status_of(released, on=on).code == "not_required"
        assert_recorded(
            released,
            transition="release",
            source=source,
            target=ObligationState.NOT_REQUIRED,
            by=official,
            on=on,
            reason=why(on),
        )
    assert {o.pk: (o.state, o.history.count()) for o in council.exclude(pk__in=live)} == settled
    assert [(d.kind, d.state, d.history.count()) for d in duties] == [
        (ObligationKind.LAYING, ObligationState.OPEN, 1),
        (ObligationKind.LEGISLATURE_REPORT, ObligationState.OPEN, 1),
    ]


def test_closing_as_complied(draft_notice, casework, official):
    notice = casework.settle_everything(casework.issue(draft_notice))

    run_notice("close_as_complied", notice, official)

    stored = reread(notice)
    assert (stored.state, stored.closed_reason, stored.given_on, stored.ended_on) == (
        NoticeState.COMPLIED,
        "Every requirement met",
        GIVEN_ON,
        today(),
    )
    assert_recorded(
        notice,
        transition="close_as_complied",
        source=NoticeState.ISSUED,
        target=NoticeState.COMPLIED,
        by=official,
        on=today(),
        reason="Every requirement met",
    )


def test_escalating_determines_that_the_power_to_intervene_has_arisen(issued_notice, official):
    power = run_notice("escalate", issued_notice, official)

    stored_notice = reread(issued_notice)
    assert (stored_notice.state, stored_notice.ended_on) == (NoticeState.ESCALATED, ESCALATED_ON)
    stored = reread(power)
    assert (stored.case_id, stored.notice_id, stored.state, stored.determined_on, stored.ended_on) == (
        issued_notice.case_id,
        issued_notice.pk,
        PowerState.LIVE,
        ESCALATED_ON,
        None,
    )
    assert list(stored.actions_not_taken.values_list("letter", flat=True)) == ["a"]
    assert_recorded(
        issued_notice,
        transition="escalate",
        source=NoticeState.ISSUED,
        target=NoticeState.ESCALATED,
        by=official,
        on=ESCALATED_ON,
        reason="Required action not taken",
    )


@pytest.mark.parametrize(
    "source, given_on, ended_on",
    [(NoticeState.DRAFT, None, None), (NoticeState.ISSUED, GIVEN_ON, TODAY)],
)
def test_withdrawing_a_notice(source, given_on, ended_on, draft_notice, casework, official):
    notice = casework.notice(draft_notice, source)

    run_notice("withdraw", notice, official)

    stored = reread(notice)
    assert (stored.state, stored.closed_reason, stored.given_on, stored.ended_on) == (
        NoticeState.WITHDRAWN,
        "Superseded",
        given_on,
        resolve(ended_on),
    )
    assert_recorded(
        notice,
        transition="withdraw",
        source=source,
        target=NoticeState.WITHDRAWN,
        by=official,
        on=today(),
        reason="Superseded",
    )


def test_extending_the_compliance_period_moves_what_is_still_owed_by_its_end(
    issued_notice, casework, official
):
    casework.plan(issued_notice, PLAN_SUBMITTED)  # met against the end as it was

    run_notice("extend_compliance_period", issued_notice, official)

    notice = reread(issued_notice)
    assert (notice.state, notice.compliance_ends_on, notice.compliance_extended) == (
        NoticeState.ISSUED,
        EXTENDED_TO,
        True,
    )
    basis = (
        "Extended to 14 December 2017 by The Minister for Children and Social Care on 10 November 2017 "
        "(it ended on 14 November 2017)"
    )
    why = f"{basis}: The council asked for more time"
    assert notice.compliance_basis == basis
    assert_recorded(
        notice,
        transition="extend_compliance_period",
        source=NoticeState.ISSUED,
        target=NoticeState.ISSUED,
        by=official,
        on=EXTENDED_ON,
        reason=why,
    )
    f, plan = evidence_of(notice, "f"), owed(notice, ObligationKind.IMPROVEMENT_PLAN)
    assert (f.state, f.due_on, f.previous_due_on, f.due_change_reason) == (
        ObligationState.OPEN,
        EXTENDED_TO,
        COMPLIANCE_ENDS_ON,
        why,
    )
    row = f.history.latest()
    assert (row.history_user, row.history_change_reason) == (official, f"date moved: {why}")
    assert (plan.state, plan.due_on, plan.previous_due_on) == (ObligationState.MET, COMPLIANCE_ENDS_ON, None)


def test_changing_the_board_report_schedule_releases_the_months_it_no_longer_names(
    issued_notice, casework, official
):
    run_notice("change_board_report_schedule", issued_notice, official)

    notice = reread(issued_notice)
    assert (notice.state, notice.board_reports_from, notice.board_reports_count) == (
        NoticeState.ISSUED,
        NOVEMBER,
        1,
    )
    assert_recorded(
        notice,
        transition="change_board_report_schedule",
        source=NoticeState.ISSUED,
        target=NoticeState.ISSUED,
        by=official,
        on=SCHEDULE_CUT_ON,
        reason="The Board meets less often",
    )
    why = "Board report schedule changed on 1 November 2017: The Board meets less often"
    reports = notice.obligations.filter(kind=ObligationKind.BOARD_REPORT).order_by("position")
    assert [(o.board_report.month, o.state, o.settled_reason) for o in reports] == [
        (NOVEMBER, ObligationState.OPEN, ""),
        (DECEMBER, ObligationState.NOT_REQUIRED, why),
        (JANUARY, ObligationState.NOT_REQUIRED, why),
    ]


# Superseding and ending with the notice amended are tested with follow-ups and addenda below;
# ending with the case, with closing the case (test_case_arc.py).
BY_OTHER_NOTICES = ["supersede", "end_with_parent", "end_with_case"]


@pytest.mark.parametrize("transition, state", illegal(WarningNotice, leave_out=BY_OTHER_NOTICES))
def test_illegal_notice_transition_is_refused(transition, state, draft_notice, casework, official):
    notice = notice_in(draft_notice, state, casework)

    error = assert_refused_and_unchanged(
        lambda: run_notice(transition, notice, official), obj=notice, state=state
    )

    assert str(error) == f"This cannot be done while it is {NoticeState(state).label.lower()}."


@pytest.mark.parametrize("transition", [t for t in GRAPHS[WarningNotice] if t not in BY_OTHER_NOTICES])
def test_a_notice_withdrawn_before_it_was_given_is_closed_to_every_move(
    transition, draft_notice, casework, official
):
    notice = casework.notice(draft_notice, WITHDRAWN_DRAFT)

    assert_refused_and_unchanged(
        lambda: run_notice(transition, notice, official), obj=notice, state=NoticeState.WITHDRAWN
    )


@pytest.mark.parametrize("service", [services.notice_record_laying, services.notice_record_report])
def test_nothing_is_owed_under_a_notice_withdrawn_before_it_was_given(
    service, draft_notice, casework, official
):
    """It was never given, so there is nothing to lay before the legislature or report on."""
    notice = casework.notice(draft_notice, WITHDRAWN_DRAFT)
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        service(notice=notice, by=official, on=LAID_ON, reference="Laid")

    assert refused.value.messages == [
        "The Ministers' duties under section 151(3) do not apply to this notice."
    ]
    assert changed_tables(before) == []
    assert not reread(notice).obligations.exists()


# A follow-up notice supersedes the one it follows ----------------------------------------------


def test_giving_a_follow_up_supersedes_the_notice_it_follows(issued_notice, casework, official):
    follow_up = draft_follow_up(issued_notice, casework)
    council = issued_notice.obligations.filter(owner=Owner.COUNCIL)
    evidence = set(council.filter(kind=ObligationKind.REQUIREMENT).values_list("pk", flat=True))
    documents = set(council.exclude(kind=ObligationKind.REQUIREMENT).values_list("pk", flat=True))

    issue_follow_up(follow_up, casework)

    notice = reread(issued_notice)
    why = "Superseded by the follow-up notice “Follow-up warning notice” given on 3 April 2018."
    assert (notice.state, notice.ended_on, notice.closed_reason) == (
        NoticeState.SUPERSEDED,
        FOLLOW_UP_ON,
        why,
    )
    assert_recorded(
        notice,
        transition="supersede",
        source=NoticeState.ISSUED,
        target=NoticeState.SUPERSEDED,
        by=official,
        on=FOLLOW_UP_ON,
        reason=why,
    )
    carried = Obligation.objects.filter(pk__in=evidence)
    assert {(o.state, o.carried_to_id) for o in carried} == {(ObligationState.OPEN, follow_up.pk)}
    closed = Obligation.objects.filter(pk__in=documents)
    assert {(o.state, o.settled_reason) for o in closed} == {
        (ObligationState.NOT_REQUIRED, "Superseded by the follow-up notice given on 3 April 2018; closed.")
    }
    assert set(notice.obligations.filter(owner=Owner.MINISTERS).values_list("state", flat=True)) == {
        ObligationState.OPEN
    }


def test_evidence_carried_over_is_sent_under_the_follow_up(issued_notice, casework, powys_officer):
    issue_follow_up(draft_follow_up(issued_notice, casework), casework)

    services.requirement_submit(
        requirement=issued_notice.requirements.get(letter="a"), by=powys_officer, statement="Done"
    )

    assert evidence_of(issued_notice, "a").state == ObligationState.SUBMITTED


@pytest.mark.parametrize(
    "state", [NoticeState.COMPLIED, NoticeState.ESCALATED, NoticeState.WITHDRAWN, NoticeState.SUPERSEDED]
)
def test_a_follow_up_cannot_supersede_a_notice_that_has_ended(state, issued_notice, casework, official):
    follow_up = draft_follow_up(issued_notice, casework, title="Second follow-up")
    if state == NoticeState.SUPERSEDED:
        issue_follow_up(draft_follow_up(issued_notice, casework), casework)
    elif state == NoticeState.COMPLIED:
        casework.settle_everything(issued_notice)
        services.notice_close_as_complied(notice=issued_notice, by=official, reason="All met")
    elif state == NoticeState.ESCALATED:
        casework.escalate(issued_notice)
    else:
        services.notice_withdraw(notice=issued_notice, by=official, reason="Superseded")

    error = assert_refused_and_unchanged(
        lambda: services.notice_issue(notice=follow_up, by=official, on=FOLLOW_UP_ON),
        obj=follow_up,
        state=NoticeState.DRAFT,
    )

    assert str(error) == PARENT_NOT_IN_FORCE
    assert reread(issued_notice).state == state


def test_a_follow_up_cannot_follow_a_draft(draft_notice, casework, official):
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        services.notice_draft(
            case=draft_notice.case,
            by=official,
            title="Too soon",
            kind=NoticeKind.FOLLOW_UP,
            parent=draft_notice,
        )

    assert list(refused.value.message_dict) == ["parent"]
    assert changed_tables(before) == []


# Issuing needs the statutory content ------------------------------------------------------------


def _without_requirements(notice, official):
    for requirement in notice.requirements.all():
        services.requirement_remove(requirement=requirement, by=official)


def _without_grounds(notice, official):
    for notice_ground in notice.grounds.all():
        services.notice_remove_ground(notice=notice, by=official, ground=notice_ground.ground)


def _without_compliance_period(notice, official):
    """No compliance period, and nothing due by its end (no plan, no requirement due then)."""
    for letter in "def":
        services.requirement_remove(requirement=notice.requirements.get(letter=letter), by=official)
    services.notice_update_draft(
        notice=notice, by=official, compliance_days=None, requires_improvement_plan=False
    )


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
    assert not notice.obligations.exists()


def test_a_notice_with_work_due_by_the_compliance_period_cannot_be_issued_without_one(draft_notice, official):
    services.notice_update_draft(notice=draft_notice, by=official, compliance_days=None)
    notice = reread(draft_notice)
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        run_notice("issue", notice, official)

    # (f) and the improvement plan are due by its end, so they say so before the notice does.
    assert refused.value.messages == [
        "A requirement is due by the end of the compliance period, so set the compliance period."
    ]
    assert changed_tables(before) == []
    assert reread(notice).state == NoticeState.DRAFT


# Closing as complied needs nothing of the council's still owed --------------------------------------


def _settle_all_but(notice, cw, left):
    """Meet everything the council owes except what `left` names."""
    for letter in "afg":
        if not left.startswith(f"evidence_{letter}"):
            cw.requirement(notice, ObligationState.MET, letter=letter)
    if left == "evidence_g_submitted":
        cw.requirement(notice, ObligationState.SUBMITTED, letter="g")
    cw.plan(notice, PLAN_SUBMITTED)
    if left != "plan_agreement":
        services.plan_agree(plan=notice.improvement_plan, by=cw.official, on=PLAN_AGREED_ON)
    for report in notice.board_reports.order_by("month"):
        if not (left == "january_report" and report.month == JANUARY):
            services.board_report_submit(report=report, by=cw.officer, on=BOARD_REPORT_ON, summary="Report")
    return reread(notice)


@pytest.mark.parametrize("left", ["evidence_g", "evidence_g_submitted", "plan_agreement", "january_report"])
def test_closing_as_complied_while_the_council_still_owes_something_says_why(
    left, issued_notice, casework, official
):
    notice = _settle_all_but(issued_notice, casework, left)

    error = assert_refused_and_unchanged(
        lambda: run_notice("close_as_complied", notice, official), obj=notice, state=NoticeState.ISSUED
    )

    assert str(error) == NOT_SETTLED


def test_a_notice_whose_requirements_were_all_withdrawn_cannot_close_as_complied(
    issued_notice, casework, official
):
    """Nothing was complied with: the notice is withdrawn, not closed as complied."""
    for requirement in issued_notice.requirements.all():
        if requirement.obligations.filter(state__in=LIVE_STATES).exists():  # (e) goes with (d)
            services.requirement_withdraw(requirement=requirement, by=official, reason="Not needed")
    notice = reread(issued_notice)
    assert not notice.obligations.filter(owner=Owner.COUNCIL).exclude(state=ObligationState.NOT_REQUIRED)

    assert_refused_and_unchanged(
        lambda: run_notice("close_as_complied", notice, official), obj=notice, state=NoticeState.ISSUED
    )


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


@pytest.mark.parametrize("blank, field", [("reasons", "reason"), ("actions_not_taken", "actions_not_taken")])
def test_escalating_needs_reasons_and_the_actions_not_taken(blank, field, issued_notice, official):
    kwargs = {
        "reasons": "Not done",
        "actions_not_taken": issued_notice.requirements.filter(letter="a"),
        blank: " " if blank == "reasons" else [],
    }
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        services.power_determine(notice=issued_notice, by=official, on=ESCALATED_ON, **kwargs)

    assert list(refused.value.message_dict) == [field]
    assert changed_tables(before) == []


@pytest.mark.parametrize(
    "action, field",
    [
        (
            lambda notice, by: services.notice_extend_compliance_period(
                notice=notice, by=by, ends_on=EXTENDED_TO, decided_by="The Minister", reason=" "
            ),
            "reason",
        ),
        (
            lambda notice, by: services.notice_extend_compliance_period(
                notice=notice, by=by, ends_on=EXTENDED_TO, decided_by=" ", reason="More time"
            ),
            "decided_by",
        ),
        (
            lambda notice, by: services.notice_extend_compliance_period(
                notice=notice,
                by=by,
                ends_on=COMPLIANCE_ENDS_ON,
                decided_by="The Minister",
                reason="More time",
            ),
            "ends_on",
        ),
        (
            lambda notice, by: services.notice_change_board_report_schedule(
                notice=notice, by=by, first_month=NOVEMBER, count=1, reason=""
            ),
            "reason",
        ),
        (
            lambda notice, by: services.notice_change_board_report_schedule(
                notice=notice, by=by, first_month=None, count=2, reason="Fewer"
            ),
            "first_month",
        ),
    ],
    ids=[
        "extension_reason",
        "extension_decided_by",
        "extension_not_later",
        "schedule_reason",
        "schedule_month",
    ],
)
def test_changing_a_notice_in_force_needs_its_reasons(action, field, issued_notice, official):
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        action(issued_notice, official)

    assert list(refused.value.message_dict) == [field]
    assert changed_tables(before) == []


# Dates said to have happened cannot be in the future -------------------------------------


def _plan(fx, cw):
    return fx("issued_notice").improvement_plan


def _submitted_plan(fx, cw):
    return cw.plan(fx("issued_notice"), PLAN_SUBMITTED)


def _laying(fx, cw):
    return owed(fx("issued_notice"), ObligationKind.LAYING)


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
            case=case,
            by=cw.official,
            on=on,
            minister="The Minister",
            decision="Satisfied",
            source="Statement",
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
    "obligation_record_done": (
        _laying,
        lambda duty, cw, on: services.obligation_record_done(
            obligation=duty, by=cw.official, on=on, source="x"
        ),
    ),
    "obligation_record_done_not_evidenced": (
        _laying,
        lambda duty, cw, on: services.obligation_record_done(
            obligation=duty, by=cw.official, not_evidenced=True, done_by=on, source="x"
        ),
    ),
    "notice_extend_compliance_period": (
        lambda fx, cw: fx("issued_notice"),
        lambda notice, cw, on: services.notice_extend_compliance_period(
            notice=notice,
            by=cw.official,
            ends_on=EXTENDED_TO,
            decided_by="Minister",
            reason="x",
            decided_on=on,
        ),
    ),
    "notice_change_board_report_schedule": (
        lambda fx, cw: fx("issued_notice"),
        lambda notice, cw, on: services.notice_change_board_report_schedule(
            notice=notice, by=cw.official, first_month=NOVEMBER, count=1, reason="x", on=on
        ),
    ),
    "notice_close_as_complied": (
        lambda fx, cw: cw.settle_everything(fx("issued_notice")),
        lambda notice, cw, on: services.notice_close_as_complied(
            notice=notice, by=cw.official, reason="x", on=on
        ),
    ),
    "notice_withdraw": (
        lambda fx, cw: fx("issued_notice"),
        lambda notice, cw, on: services.notice_withdraw(notice=notice, by=cw.official, reason="x", on=on),
    ),
    "power_determine": (
        lambda fx, cw: fx("issued_notice"),
        lambda notice, cw, on: services.power_determine(
            notice=notice,
            by=cw.official,
            on=on,
            actions_not_taken=notice.requirements.filter(letter="a"),
            reasons="Not done",
        ),
    ),
    "plan_submit": (
        _plan,
        lambda plan, cw, on: services.plan_submit(plan=plan, by=cw.officer, on=on, summary="Plan"),
    ),
    "plan_return": (
        _submitted_plan,
        lambda plan, cw, on: services.plan_return(plan=plan, by=cw.official, reason="Revise", on=on),
    ),
    "plan_agree": (
        _submitted_plan,
        lambda plan, cw, on: services.plan_agree(plan=plan, by=cw.official, on=on),
    ),
    "board_report_submit": (
        lambda fx, cw: cw.board_report(fx("issued_notice")),
        lambda report, cw, on: services.board_report_submit(
            report=report, by=cw.officer, on=on, summary="November"
        ),
    ),
    "power_end": (
        lambda fx, cw: cw.power(fx("issued_notice")),
        lambda power, cw, on: services.power_end(
            power=power, by=cw.official, on=on, reference="Letter", reasons="Done"
        ),
    ),
    "direction_give": (
        lambda fx, cw: cw.power(fx("issued_notice")),
        lambda power, cw, on: services.direction_give(
            power=power, by=cw.official, kind=DirectionKind.ADVISORY_SERVICES, terms="Adviser", given_on=on
        ),
    ),
    "direction_vary": (
        lambda fx, cw: cw.direction(cw.power(fx("issued_notice"))),
        lambda direction, cw, on: services.direction_vary(
            direction=direction, by=cw.official, on=on, terms="Another adviser", reason="x"
        ),
    ),
    "direction_revoke": (
        lambda fx, cw: cw.direction(cw.power(fx("issued_notice"))),
        lambda direction, cw, on: services.direction_revoke(
            direction=direction, by=cw.official, on=on, reason="x"
        ),
    ),
    "direction_end": (
        lambda fx, cw: cw.direction(cw.power(fx("issued_notice"))),
        lambda direction, cw, on: services.direction_end(
            direction=direction, by=cw.official, on=on, reason="x"
        ),
    ),
    "direction_require": (
        lambda fx, cw: cw.direction(cw.power(fx("issued_notice"))),
        lambda direction, cw, on: services.direction_require(
            direction=direction, by=cw.official, on=on, description="Appoint an adviser"
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


DAY_BEFORE_GIVEN = GIVEN_ON - datetime.timedelta(days=1)
# Each entry: (prepare, make the move dated before what it follows). Each names its date field.
DATE_FIELD = {
    "obligation_record_done_not_evidenced": "done_by",
    "notice_extend_compliance_period": "decided_on",
    "direction_give": "given_on",
}
BEFORE_DETERMINED = ESCALATED_ON - datetime.timedelta(days=1)
BEFORE_GIVEN = IN_FORCE_ON - datetime.timedelta(days=1)
DATED_TOO_EARLY = {
    "notice_record_laying": (
        lambda fx, cw: fx("issued_notice"),
        lambda notice, cw: services.notice_record_laying(
            notice=notice, by=cw.official, on=DAY_BEFORE_GIVEN, reference="Laid"
        ),
    ),
    "notice_record_report": (
        lambda fx, cw: fx("issued_notice"),
        lambda notice, cw: services.notice_record_report(
            notice=notice, by=cw.official, on=DAY_BEFORE_GIVEN, reference="Reported"
        ),
    ),
    "obligation_record_done_not_evidenced": (
        _laying,
        lambda duty, cw: services.obligation_record_done(
            obligation=duty, by=cw.official, not_evidenced=True, done_by=DAY_BEFORE_GIVEN, source="x"
        ),
    ),
    "notice_extend_compliance_period": (
        lambda fx, cw: fx("issued_notice"),
        lambda notice, cw: services.notice_extend_compliance_period(
            notice=notice,
            by=cw.official,
            ends_on=EXTENDED_TO,
            decided_by="Minister",
            reason="x",
            decided_on=DAY_BEFORE_GIVEN,
        ),
    ),
    "notice_change_board_report_schedule": (
        lambda fx, cw: fx("issued_notice"),
        lambda notice, cw: services.notice_change_board_report_schedule(
            notice=notice, by=cw.official, first_month=NOVEMBER, count=1, reason="x", on=DAY_BEFORE_GIVEN
        ),
    ),
    "notice_withdraw": (
        lambda fx, cw: fx("issued_notice"),
        lambda notice, cw: services.notice_withdraw(
            notice=notice, by=cw.official, reason="x", on=DAY_BEFORE_GIVEN
        ),
    ),
    "power_determine": (
        lambda fx, cw: fx("issued_notice"),
        lambda notice, cw: services.power_determine(
            notice=notice,
            by=cw.official,
            on=DAY_BEFORE_GIVEN,
            actions_not_taken=notice.requirements.filter(letter="a"),
            reasons="x",
        ),
    ),
    "plan_submit": (
        _plan,
        lambda plan, cw: services.plan_submit(plan=plan, by=cw.officer, on=DAY_BEFORE_GIVEN, summary="Plan"),
    ),
    "plan_return": (
        _submitted_plan,
        lambda plan, cw: services.plan_return(
            plan=plan, by=cw.official, reason="Revise", on=PLAN_SUBMITTED_ON - datetime.timedelta(days=1)
        ),
    ),
    "plan_agree": (
        _submitted_plan,
        lambda plan, cw: services.plan_agree(
            plan=plan, by=cw.official, on=PLAN_SUBMITTED_ON - datetime.timedelta(days=1)
        ),
    ),
    "board_report_submit": (
        lambda fx, cw: cw.board_report(fx("issued_notice")),
        lambda report, cw: services.board_report_submit(
            report=report, by=cw.officer, on=DAY_BEFORE_GIVEN, summary="November"
        ),
    ),
    "power_end": (
        lambda fx, cw: cw.power(fx("issued_notice")),
        lambda power, cw: services.power_end(
            power=power, by=cw.official, on=BEFORE_DETERMINED, reference="Letter", reasons="Done"
        ),
    ),
    "direction_give": (
        lambda fx, cw: cw.power(fx("issued_notice")),
        lambda power, cw: services.direction_give(
            power=power,
            by=cw.official,
            kind=DirectionKind.ADVISORY_SERVICES,
            terms="Adviser",
            given_on=BEFORE_DETERMINED,
        ),
    ),
    "direction_vary": (
        lambda fx, cw: cw.direction(cw.power(fx("issued_notice"))),
        lambda direction, cw: services.direction_vary(
            direction=direction, by=cw.official, on=BEFORE_GIVEN, terms="Another adviser", reason="x"
        ),
    ),
    "direction_revoke": (
        lambda fx, cw: cw.direction(cw.power(fx("issued_notice"))),
        lambda direction, cw: services.direction_revoke(
            direction=direction, by=cw.official, on=BEFORE_GIVEN, reason="x"
        ),
    ),
    "direction_end": (
        lambda fx, cw: cw.direction(cw.power(fx("issued_notice"))),
        lambda direction, cw: services.direction_end(
            direction=direction, by=cw.official, on=BEFORE_GIVEN, reason="x"
        ),
    ),
    "direction_require": (
        lambda fx, cw: cw.direction(cw.power(fx("issued_notice"))),
        lambda direction, cw: services.direction_require(
            direction=direction, by=cw.official, on=BEFORE_GIVEN, description="Appoint an adviser"
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

    assert list(refused.value.message_dict) == [DATE_FIELD.get(action, "on")]
    assert changed_tables(before) == []


# Obligation: what is owed under a notice ----------------------------------------------------------

PLAN_RETURNED_ON = datetime.date(2017, 11, 20)
MINUTES = "Board minutes, 1 December 2017"


def record_not_evidenced(obligation, cw):
    return services.obligation_record_done(
        obligation=obligation, by=cw.official, not_evidenced=True, done_by=DONE_ON, source=MINUTES
    )


def obligation_in(notice, cw, subject, state):
    """Return an obligation of `subject` under an issued notice, moved to `state` through the services.

    evidence: for (g), the continuing condition, which can be in every state; plan, agreement,
    board_report (December's), laying: the documents and a duty of the Ministers.
    """
    if subject == "evidence":
        if state == ObligationState.NOT_EVIDENCED:
            record_not_evidenced(evidence_of(notice, "g"), cw)
            return evidence_of(notice, "g")
        return cw.requirement(notice, state, letter="g")
    if subject == "agreement":
        cw.plan(notice, PLAN_SUBMITTED)  # the agreement is owed once the plan is in
        obligation = owed(notice, ObligationKind.PLAN_AGREEMENT)
    elif subject == "plan":
        obligation = owed(notice, ObligationKind.IMPROVEMENT_PLAN)
        if state == ObligationState.MET:
            cw.plan(notice, PLAN_SUBMITTED)
        elif state == ObligationState.NOT_REQUIRED:
            services.requirement_withdraw(
                requirement=notice.requirements.get(letter="d"), by=cw.official, reason="Not needed"
            )
    elif subject == "board_report":
        obligation = owed(notice, ObligationKind.BOARD_REPORT, month=DECEMBER)
        if state == ObligationState.MET:
            services.board_report_submit(
                report=obligation.board_report, by=cw.officer, on=DONE_ON, summary="December"
            )
        elif state == ObligationState.NOT_REQUIRED:
            run_notice("change_board_report_schedule", notice, cw.official)
    else:
        obligation = owed(notice, ObligationKind.LAYING)
    if state == ObligationState.NOT_EVIDENCED:
        record_not_evidenced(obligation, cw)
    return reread(obligation)


def submit_evidence(obligation, cw):
    services.requirement_submit(requirement=obligation.requirement, by=cw.officer, statement="Evidence")


def accept_evidence(obligation, cw):
    services.requirement_accept(requirement=obligation.requirement, by=cw.official, reason="Sufficient")


def return_evidence(obligation, cw):
    services.requirement_return(requirement=obligation.requirement, by=cw.official, reason="Need the letter")


def record_done(obligation, cw):
    services.obligation_record_done(obligation=obligation, by=cw.official, on=DONE_ON, source=MINUTES)


def withdraw_requirement(obligation, cw):
    services.requirement_withdraw(
        requirement=obligation.requirement, by=cw.official, reason="No longer needed"
    )


def record_breach(obligation, cw):
    services.requirement_record_breach(
        requirement=obligation.requirement, by=cw.official, reason="A new structure was created"
    )


def submit_plan(obligation, cw):
    services.plan_submit(
        plan=obligation.notice.improvement_plan,
        by=cw.officer,
        on=PLAN_SUBMITTED_ON,
        summary="Improvement plan",
        document_reference="IP-1",
    )


def return_plan(obligation, cw):
    services.plan_return(
        plan=obligation.notice.improvement_plan,
        by=cw.official,
        reason="Timescales missing",
        on=PLAN_RETURNED_ON,
    )


def agree_plan(obligation, cw):
    services.plan_agree(
        plan=obligation.notice.improvement_plan,
        by=cw.official,
        on=PLAN_AGREED_ON,
        reason="Board of 5 December",
    )


def submit_december_report(obligation, cw):
    services.board_report_submit(
        report=obligation.board_report,
        by=cw.officer,
        on=DONE_ON,
        summary="December report",
        document_reference="IB-12",
    )


def record_laying(obligation, cw):
    services.notice_record_laying(
        notice=obligation.notice, by=cw.official, on=LAID_ON, reference="Laid 7 Nov"
    )


def restore_schedule(obligation, cw):
    services.notice_change_board_report_schedule(
        notice=obligation.notice,
        by=cw.official,
        first_month=NOVEMBER,
        count=3,
        reason="Monthly again",
        on=SCHEDULE_RESTORED_ON,
    )


WITHDRAWN = "Requirement withdrawn: No longer needed"
RESTORED = "Board report schedule changed on 15 November 2017: Monthly again"
BREACH = "A new structure was created"
OS = ObligationState
# Every legal move, tried on an obligation of `subject` (see obligation_in) in the state it starts
# from: (transition, from, subject, the status code a person sees today afterwards).
MOVES = [
    ("submit", OS.OPEN, "evidence", "submitted"),
    ("submit", OS.RETURNED, "evidence", "submitted"),
    ("accept", OS.SUBMITTED, "evidence", "met"),
    ("return_to_owner", OS.SUBMITTED, "evidence", "not_due"),
    ("meet", OS.OPEN, "plan", "met"),
    ("meet", OS.OPEN, "agreement", "met"),
    ("meet", OS.OPEN, "board_report", "met"),
    ("meet", OS.OPEN, "laying", "met"),
    ("meet", OS.RETURNED, "evidence", "met"),
    ("record_not_evidenced", OS.OPEN, "laying", "not_evidenced"),
    ("record_not_evidenced", OS.RETURNED, "evidence", "not_evidenced"),
    ("reopen", OS.MET, "plan", "overdue"),
    ("release", OS.OPEN, "evidence", "not_required"),
    ("release", OS.SUBMITTED, "evidence", "not_required"),
    ("release", OS.RETURNED, "evidence", "not_required"),
    ("release", OS.BREACHED, "evidence", "not_required"),
    ("reinstate", OS.NOT_REQUIRED, "board_report", "overdue"),
    ("breach", OS.OPEN, "evidence", "overdue"),
    ("breach", OS.SUBMITTED, "evidence", "overdue"),
    ("breach", OS.RETURNED, "evidence", "overdue"),
]
# How each move is made, by (transition, subject): the service a person uses, who, the reason it
# logs, and the day it takes effect (TODAY: the service dates it today).
HOW = {
    ("submit", "evidence"): (submit_evidence, "officer", "Evidence", TODAY),
    ("accept", "evidence"): (accept_evidence, "official", "Sufficient", TODAY),
    ("return_to_owner", "evidence"): (return_evidence, "official", "Need the letter", TODAY),
    ("meet", "plan"): (submit_plan, "officer", "Improvement plan", PLAN_SUBMITTED_ON),
    ("meet", "agreement"): (agree_plan, "official", "Board of 5 December", PLAN_AGREED_ON),
    ("meet", "board_report"): (submit_december_report, "officer", "December report", DONE_ON),
    ("meet", "laying"): (record_laying, "official", "Laid 7 Nov", LAID_ON),
    ("meet", "evidence"): (record_done, "official", MINUTES, DONE_ON),
    ("record_not_evidenced", "laying"): (record_not_evidenced, "official", MINUTES, TODAY),
    ("record_not_evidenced", "evidence"): (record_not_evidenced, "official", MINUTES, TODAY),
    ("reopen", "plan"): (return_plan, "official", "Timescales missing", PLAN_RETURNED_ON),
    ("release", "evidence"): (withdraw_requirement, "official", WITHDRAWN, TODAY),
    ("reinstate", "board_report"): (restore_schedule, "official", RESTORED, SCHEDULE_RESTORED_ON),
    ("breach", "evidence"): (record_breach, "official", BREACH, TODAY),
}
NOT_EVIDENCED = {"done_by": DONE_ON, "met_on": None, "source": MINUTES, "changed_on": GIVEN_ON}
# What each move records on the obligation, by (transition, subject).
AFTER = {
    ("submit", "evidence"): {"submitted_on": TODAY, "changed_on": TODAY},
    ("accept", "evidence"): {"met_on": TODAY, "changed_on": TODAY},  # the day the evidence came in
    ("return_to_owner", "evidence"): {"submitted_on": None, "changed_on": TODAY},
    ("meet", "plan"): {"met_on": PLAN_SUBMITTED_ON, "source": "IP-1", "changed_on": PLAN_SUBMITTED_ON},
    ("meet", "agreement"): {"met_on": PLAN_AGREED_ON, "source": "Board of 5 December"},
    ("meet", "board_report"): {"met_on": DONE_ON, "source": "IB-12", "changed_on": DONE_ON},
    ("meet", "laying"): {"met_on": LAID_ON, "source": "Laid 7 Nov", "changed_on": LAID_ON},
    ("meet", "evidence"): {"met_on": DONE_ON, "source": MINUTES, "changed_on": DONE_ON},
    # Recorded today, but dated from the day it became owed: nothing is claimed about when.
    ("record_not_evidenced", "laying"): NOT_EVIDENCED,
    ("record_not_evidenced", "evidence"): NOT_EVIDENCED,
    ("reopen", "plan"): {"met_on": None, "changed_on": PLAN_RETURNED_ON},
    ("release", "evidence"): {"not_required_on": TODAY, "settled_reason": WITHDRAWN, "changed_on": TODAY},
    ("reinstate", "board_report"): {"not_required_on": None, "settled_reason": ""},
    ("breach", "evidence"): {"breached_on": TODAY, "settled_reason": BREACH, "submitted_on": None},
}
# The decisions on the council's evidence for (g) after each move on it, oldest first.
SUBMISSIONS_AFTER = {
    ("submit", OS.OPEN): [SubmissionDecision.PENDING],
    ("submit", OS.RETURNED): [SubmissionDecision.RETURNED, SubmissionDecision.PENDING],
    ("accept", OS.SUBMITTED): [SubmissionDecision.ACCEPTED],
    ("return_to_owner", OS.SUBMITTED): [SubmissionDecision.RETURNED],
    ("meet", OS.RETURNED): [SubmissionDecision.RETURNED],
    ("record_not_evidenced", OS.RETURNED): [SubmissionDecision.RETURNED],
    ("release", OS.OPEN): [],
    ("release", OS.SUBMITTED): [SubmissionDecision.RETURNED],
    ("release", OS.RETURNED): [SubmissionDecision.RETURNED],
    ("release", OS.BREACHED): [],
    ("breach", OS.OPEN): [],
    ("breach", OS.SUBMITTED): [SubmissionDecision.RETURNED],
    ("breach", OS.RETURNED): [SubmissionDecision.RETURNED],
}


def test_every_legal_obligation_move_is_tested():
    assert {(transition, source) for transition, source, _, _ in MOVES} == set(legal(Obligation))


@pytest.mark.parametrize(
    "transition, source, subject, status", MOVES, ids=[f"{t}-from-{s}-{o}" for t, s, o, _ in MOVES]
)
def test_legal_obligation_transition(transition, source, subject, status, issued_notice, casework):
    run, by, reason, on = HOW[(transition, subject)]
    obligation = obligation_in(issued_notice, casework, subject, source)
    assert obligation.state == source

    run(obligation, casework)

    stored = reread(obligation)
    target = GRAPHS[Obligation][transition][1]
    assert stored.state == target
    after = AFTER[(transition, subject)]
    assert {name: getattr(stored, name) for name in after} == {name: resolve(v) for name, v in after.items()}
    assert status_of(stored, on=today()).code == status
    assert_recorded(
        stored,
        transition=transition,
        source=source,
        target=target,
        by=getattr(casework, by),
        on=resolve(on),
        reason=reason,
    )
    if subject == "evidence":
        decisions = [s.decision for s in stored.requirement.submissions.order_by("submitted_at", "id")]
        assert decisions == SUBMISSIONS_AFTER[(transition, source)]


# Each refused move is tried on an obligation of the kind it is for where that kind can be in the
# state (the plan for reopen, a Board report for reinstate), else on the evidence for (g).
SUBJECT_FOR = {
    "reopen": "plan",
    "reinstate": "board_report",
}
DOCUMENT_STATES = {OS.OPEN, OS.MET, OS.NOT_EVIDENCED, OS.NOT_REQUIRED}


def try_move(transition, obligation, cw):
    """Make `transition` on `obligation` through the service a person would use, if there is one."""
    runs = {
        "submit": submit_evidence,
        "accept": accept_evidence,
        "return_to_owner": return_evidence,
        "meet": record_done,
        "record_not_evidenced": record_not_evidenced,
        "breach": record_breach,
    }
    if transition == "reopen" and obligation.kind == ObligationKind.IMPROVEMENT_PLAN:
        return return_plan(obligation, cw)
    if transition in runs:
        return runs[transition](obligation, cw)
    # No service makes these from a settled state (each releases only what is live, and restores
    # only months released): make them through the one writer every service uses.
    extra = {"why": "Not needed"} if transition == "release" else {}
    return obligation_services.transition(obligation, transition, by=cw.official, **extra)


@pytest.mark.parametrize("transition, state", illegal(Obligation))
def test_illegal_obligation_transition_is_refused(transition, state, issued_notice, casework):
    subject = SUBJECT_FOR.get(transition, "evidence")
    if subject != "evidence" and state not in DOCUMENT_STATES:
        subject = "evidence"
    obligation = obligation_in(issued_notice, casework, subject, state)

    error = assert_refused_and_unchanged(
        lambda: try_move(transition, obligation, casework), obj=obligation, state=state
    )

    assert str(error) == f"This cannot be done while it is {OS(state).label.lower()}."


def _evidence_for_the_plan(notice, cw):
    plan = owed(notice, ObligationKind.IMPROVEMENT_PLAN)
    return plan, lambda: obligation_services.transition(plan, "submit", by=cw.officer)


def _agreement_before_the_plan(notice, cw):
    return owed(notice, ObligationKind.PLAN_AGREEMENT), lambda: agree_plan(
        owed(notice, ObligationKind.PLAN_AGREEMENT), cw
    )


def _agreement_after_the_plan_was_returned(notice, cw):
    plan = obligation_in(notice, cw, "plan", OS.MET)
    return_plan(plan, cw)
    return _agreement_before_the_plan(notice, cw)


def _agreement_not_evidenced_before_the_plan(notice, cw):
    agreement = owed(notice, ObligationKind.PLAN_AGREEMENT)
    return agreement, lambda: record_not_evidenced(agreement, cw)


def _plan_returned_once_agreed(notice, cw):
    agreement = obligation_in(notice, cw, "agreement", OS.OPEN)
    agree_plan(agreement, cw)
    plan = owed(notice, ObligationKind.IMPROVEMENT_PLAN)
    return plan, lambda: return_plan(plan, cw)


def _accepted_evidence_reopened(notice, cw):
    accepted = cw.requirement(notice, OS.MET, letter="a")
    return accepted, lambda: obligation_services.transition(accepted, "reopen", by=cw.official)


def _withdrawn_requirement_reinstated(notice, cw):
    withdrawn = cw.requirement(notice, OS.NOT_REQUIRED, letter="g")
    return withdrawn, lambda: obligation_services.transition(withdrawn, "reinstate", by=cw.official)


def _one_off_requirement_breached(notice, cw):
    one_off = evidence_of(notice, "a")
    return one_off, lambda: record_breach(one_off, cw)


@pytest.mark.parametrize(
    "prepare, message",
    [
        (_evidence_for_the_plan, BY_A_DOCUMENT),
        (_agreement_before_the_plan, PLAN_FIRST),
        (_agreement_after_the_plan_was_returned, PLAN_FIRST),
        (_agreement_not_evidenced_before_the_plan, PLAN_FIRST),
        (_plan_returned_once_agreed, PLAN_AGREED),
        (_accepted_evidence_reopened, PLAN_AGREED),
        (_withdrawn_requirement_reinstated, "Only a month's Board report can be put back in the schedule."),
        (_one_off_requirement_breached, "Only a continuing condition can be breached."),
    ],
    ids=lambda p: p.__name__.strip("_") if callable(p) else None,
)
def test_a_move_whose_conditions_are_not_met_is_refused(prepare, message, issued_notice, casework):
    obligation, action = prepare(issued_notice, casework)
    state = reread(obligation).state

    error = assert_refused_and_unchanged(action, obj=obligation, state=state)

    assert str(error) == message


# Evidence for a requirement ------------------------------------------------------------------------


@pytest.mark.parametrize("due, status", [(datetime.date(2018, 1, 2), "met_late"), ("later", "met")])
def test_accepted_evidence_meets_the_requirement_on_the_day_it_came_in(
    due, status, draft_notice, casework, official, powys_officer
):
    due = today() + datetime.timedelta(days=60) if due == "later" else due
    services.requirement_add(
        notice=draft_notice,
        by=official,
        letter="h",
        text="Appoint a head of service",
        due=RequirementDue.FIXED_DATE,
        due_on_fixed=due,
    )
    notice = services.notice_issue(notice=draft_notice, by=official, on=GIVEN_ON)
    obligation = casework.requirement(notice, OS.SUBMITTED, letter="h")
    assert obligation.due_on == due

    services.requirement_accept(requirement=obligation.requirement, by=official, reason="Sufficient")

    submission = obligation.requirement.submissions.get()
    assert (submission.submitted_by, submission.decided_by, submission.decision) == (
        powys_officer,
        official,
        SubmissionDecision.ACCEPTED,
    )
    came_in = timezone.localdate(submission.submitted_at)
    assert reread(obligation).met_on == came_in
    assert status_of(obligation, on=today()).code == status


def test_what_is_due_by_the_compliance_period_is_owed_by_its_end_each_on_its_own(
    draft_notice, casework, official
):
    """Without a plan, each requirement due by the compliance period is met when its evidence is."""
    for letter in "de":
        services.requirement_remove(requirement=draft_notice.requirements.get(letter=letter), by=official)
    services.requirement_add(
        notice=draft_notice,
        by=official,
        letter="h",
        text="Requirement h",
        due=RequirementDue.COMPLIANCE_PERIOD,
    )
    services.notice_update_draft(notice=draft_notice, by=official, requires_improvement_plan=False)
    notice = services.notice_issue(notice=draft_notice, by=official, on=GIVEN_ON)
    assert not notice.obligations.filter(kind=ObligationKind.IMPROVEMENT_PLAN).exists()
    assert [evidence_of(notice, letter).due_on for letter in "fh"] == [COMPLIANCE_ENDS_ON] * 2

    accepted = casework.requirement(notice, OS.MET, letter="f")

    still_owed = evidence_of(notice, "h")
    assert (accepted.state, still_owed.state) == (OS.MET, OS.OPEN)
    on = datetime.date(2017, 11, 20)
    assert status_of(still_owed, on=on).code == "overdue"
    assert [(h.history_change_reason, h.state) for h in still_owed.history.all()] == [("opened", OS.OPEN)]


@pytest.mark.parametrize("letter", ["c", "d", "e"])
@pytest.mark.parametrize(
    "action",
    [
        lambda r, cw: services.requirement_submit(requirement=r, by=cw.officer, statement="Evidence"),
        lambda r, cw: services.requirement_accept(requirement=r, by=cw.official),
        lambda r, cw: services.requirement_return(requirement=r, by=cw.official, reason="More"),
        lambda r, cw: services.requirement_record_breach(requirement=r, by=cw.official, reason="Broken"),
    ],
    ids=["submit", "accept", "return", "breach"],
)
def test_a_requirement_answered_by_a_document_takes_no_evidence(action, letter, issued_notice, casework):
    requirement = issued_notice.requirements.get(letter=letter)
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        action(requirement, casework)

    assert refused.value.messages == [
        f"Requirement ({letter}) is met by a document, not by evidence: send the document instead."
    ]
    assert changed_tables(before) == []


@pytest.mark.parametrize("notice_state", [NoticeState.WITHDRAWN, NoticeState.ESCALATED])
def test_evidence_cannot_be_submitted_once_the_notice_has_ended(notice_state, draft_notice, casework):
    notice = casework.notice(draft_notice, notice_state)
    obligation = evidence_of(notice, "a")

    error = assert_refused_and_unchanged(
        lambda: submit_evidence(obligation, casework), obj=obligation, state=OS.NOT_REQUIRED
    )

    assert str(error) == "This cannot be done while it is not required."


def test_evidence_cannot_be_submitted_on_a_draft(draft_notice, casework):
    """Nothing is owed until the notice is given; the council is told it is not in force."""
    requirement = draft_notice.requirements.get(letter="a")
    before = snapshot()

    with pytest.raises((fsm.TransitionNotAllowed, ValidationError)) as refused:
        services.requirement_submit(requirement=requirement, by=casework.officer, statement="Evidence")

    assert changed_tables(before) == []
    message = refused.value.messages[0] if isinstance(refused.value, ValidationError) else str(refused.value)
    assert message == NOT_IN_FORCE


@pytest.mark.parametrize("decide", [accept_evidence, return_evidence], ids=["accept", "return"])
def test_a_submission_cannot_be_decided_once_the_notice_is_withdrawn(
    decide, issued_notice, casework, official
):
    obligation = casework.requirement(issued_notice, OS.SUBMITTED, letter="a")
    services.notice_withdraw(notice=issued_notice, by=official, reason="Superseded")

    error = assert_refused_and_unchanged(
        lambda: decide(reread(obligation), casework), obj=obligation, state=OS.NOT_REQUIRED
    )

    assert str(error) == "This cannot be done while it is not required."


@pytest.mark.parametrize("state", [OS.MET, OS.NOT_REQUIRED])
def test_a_requirement_no_longer_owed_cannot_be_withdrawn(state, issued_notice, casework):
    obligation = casework.requirement(issued_notice, state, letter="g")
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        withdraw_requirement(obligation, casework)

    assert refused.value.messages == ["Requirement (g) is no longer owed, so there is nothing to withdraw."]
    assert changed_tables(before) == []


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
    "obligation_record_done": (
        "source",
        lambda r, cw, text: services.obligation_record_done(
            obligation=evidence_of(r.notice, r.letter), by=cw.official, on=DONE_ON, source=text
        ),
    ),
}


@pytest.mark.parametrize("text", ["", " \n "])
@pytest.mark.parametrize("action", REQUIRED_TEXT)
def test_requirement_moves_need_their_text(action, text, issued_notice, casework):
    field, act = REQUIRED_TEXT[action]
    state = OS.SUBMITTED if action == "requirement_return" else OS.OPEN
    obligation = casework.requirement(issued_notice, state, letter="g")
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        act(obligation.requirement, casework, text)

    assert list(refused.value.message_dict) == [field]
    assert changed_tables(before) == []
    assert reread(obligation).state == state


# The improvement plan: requirement (d), and its agreement (e) ---------------------------------------


def test_submitting_the_plan_meets_requirement_d(issued_notice, casework, powys_officer):
    plan = owed(issued_notice, ObligationKind.IMPROVEMENT_PLAN)
    requirement_d = issued_notice.requirements.get(letter="d")
    assert list(requirement_d.obligations.all()) == [plan]  # one obligation: the plan is (d)

    submit_plan(plan, casework)

    stored = reread(issued_notice.improvement_plan)
    assert (stored.summary, stored.document_reference) == ("Improvement plan", "IP-1")
    assert reread(plan).state == OS.MET
    statuses = obligation_selectors.requirement_statuses([requirement_d], today=today())
    assert (statuses[requirement_d.pk].code, statuses[requirement_d.pk].since) == ("met", PLAN_SUBMITTED_ON)
    row = stored.history.latest()
    assert (row.history_user, row.history_change_reason) == (powys_officer, "submitted")


def test_a_late_plan_is_met_late_not_met(issued_notice, casework):
    late_on = datetime.date(2017, 11, 20)  # due on Tuesday 14 November 2017

    services.plan_submit(plan=issued_notice.improvement_plan, by=casework.officer, on=late_on, summary="Late")

    plan = owed(issued_notice, ObligationKind.IMPROVEMENT_PLAN)
    assert (plan.state, plan.met_on, plan.due_on) == (OS.MET, late_on, COMPLIANCE_ENDS_ON)
    status = status_of(plan, on=today())
    assert (status.code, status.since, status.working_days) == ("met_late", late_on, 4)
    requirement_d = issued_notice.requirements.get(letter="d")
    assert obligation_selectors.requirement_statuses([requirement_d], today=today())[
        requirement_d.pk
    ].code == ("met_late")


def test_returning_the_plan_makes_requirement_d_owed_again(issued_notice, casework):
    accepted = casework.requirement(issued_notice, OS.MET, letter="a")
    plan = obligation_in(issued_notice, casework, "plan", OS.MET)

    return_plan(plan, casework)

    stored = reread(plan)
    assert (stored.state, stored.met_on, stored.due_on) == (OS.OPEN, None, COMPLIANCE_ENDS_ON)
    requirement_d = issued_notice.requirements.get(letter="d")
    status = obligation_selectors.requirement_statuses([requirement_d], today=PLAN_RETURNED_ON)[
        requirement_d.pk
    ]
    assert (status.code, status.since) == ("overdue", COMPLIANCE_ENDS_ON)
    assert reread(accepted).state == OS.MET  # nothing else is reopened


def test_a_returned_plan_can_be_resubmitted(issued_notice, casework):
    plan = obligation_in(issued_notice, casework, "plan", OS.MET)
    return_plan(plan, casework)
    resubmitted_on = PLAN_SUBMITTED_ON + datetime.timedelta(days=7)

    services.plan_submit(
        plan=issued_notice.improvement_plan, by=casework.officer, on=resubmitted_on, summary="Revised plan"
    )

    stored = reread(plan)
    assert (stored.state, stored.met_on) == (OS.MET, resubmitted_on)
    assert status_of(stored, on=today()).code == "met_late"
    assert_recorded(
        stored,
        transition="meet",
        source=OS.OPEN,
        target=OS.MET,
        by=casework.officer,
        on=resubmitted_on,
        reason="Revised plan",
    )


def test_agreeing_the_plan_meets_requirement_e(issued_notice, casework):
    agreement = obligation_in(issued_notice, casework, "agreement", OS.OPEN)

    agree_plan(agreement, casework)

    requirement_e = issued_notice.requirements.get(letter="e")
    assert list(requirement_e.obligations.values_list("pk", "state", "met_on")) == [
        (agreement.pk, OS.MET, PLAN_AGREED_ON)
    ]
    plan = owed(issued_notice, ObligationKind.IMPROVEMENT_PLAN)
    assert (plan.state, plan.met_on) == (OS.MET, PLAN_SUBMITTED_ON)


def test_withdrawing_requirement_d_means_no_plan_is_owed(issued_notice, casework, official):
    services.requirement_withdraw(
        requirement=issued_notice.requirements.get(letter="d"), by=official, reason="No longer needed"
    )
    plan = owed(issued_notice, ObligationKind.IMPROVEMENT_PLAN)
    assert (plan.state, plan.settled_reason) == (OS.NOT_REQUIRED, WITHDRAWN)

    error = assert_refused_and_unchanged(lambda: submit_plan(plan, casework), obj=plan, state=OS.NOT_REQUIRED)

    assert str(error) == "This cannot be done while it is not required."


def _plan_at(notice, cw, stage):
    """Bring the improvement plan to `stage`: not_submitted, submitted, returned or agreed."""
    if stage in ("submitted", "returned", "agreed"):
        submit_plan(owed(notice, ObligationKind.IMPROVEMENT_PLAN), cw)
    if stage == "returned":
        return_plan(owed(notice, ObligationKind.IMPROVEMENT_PLAN), cw)
    if stage == "agreed":
        agree_plan(owed(notice, ObligationKind.PLAN_AGREEMENT), cw)


PLAN_MOVES = {"submit": submit_plan, "return": return_plan, "agree": agree_plan}


# The plan's steps that are refused at each stage, and why (the plan or its agreement says).
@pytest.mark.parametrize(
    "move, stage, message",
    [
        ("submit", "submitted", "This cannot be done while it is met."),
        ("submit", "agreed", "This cannot be done while it is met."),
        ("return", "not_submitted", "This cannot be done while it is open."),
        ("return", "returned", "This cannot be done while it is open."),
        ("return", "agreed", PLAN_AGREED),
        ("agree", "not_submitted", PLAN_FIRST),
        ("agree", "returned", PLAN_FIRST),
        ("agree", "agreed", "This cannot be done while it is met."),
    ],
)
def test_illegal_plan_move_is_refused(move, stage, message, issued_notice, casework):
    _plan_at(issued_notice, casework, stage)
    plan, agreement = (
        owed(issued_notice, kind) for kind in (ObligationKind.IMPROVEMENT_PLAN, ObligationKind.PLAN_AGREEMENT)
    )
    states = (plan.state, agreement.state)
    before = snapshot()

    with pytest.raises(fsm.TransitionNotAllowed) as refused:
        PLAN_MOVES[move](agreement if move == "agree" else plan, casework)

    assert str(refused.value) == message
    assert changed_tables(before) == []
    assert (reread(plan).state, reread(agreement).state) == states


def test_a_plan_cannot_be_submitted_once_the_notice_is_withdrawn(issued_notice, casework, official):
    services.notice_withdraw(notice=issued_notice, by=official, reason="Superseded")
    plan = owed(issued_notice, ObligationKind.IMPROVEMENT_PLAN)

    error = assert_refused_and_unchanged(lambda: submit_plan(plan, casework), obj=plan, state=OS.NOT_REQUIRED)

    assert str(error) == "This cannot be done while it is not required."


@pytest.mark.parametrize("action, field", [("plan_submit", "summary"), ("plan_return", "reason")])
def test_plan_moves_need_their_text(action, field, issued_notice, casework):
    plan = issued_notice.improvement_plan
    if action == "plan_submit":
        act = lambda: services.plan_submit(plan=plan, by=casework.officer, on=PLAN_SUBMITTED_ON, summary=" ")  # noqa: E731
    else:
        casework.plan(issued_notice, PLAN_SUBMITTED)
        act = lambda: services.plan_return(plan=plan, by=casework.official, reason="")  # noqa: E731
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        act()

    assert list(refused.value.message_dict) == [field]
    assert changed_tables(before) == []


# Board reports: requirement (c) --------------------------------------------------------------------


def submit_november_report(notice, cw, on=BOARD_REPORT_ON):
    return services.board_report_submit(
        report=cw.board_report(notice),
        by=cw.officer,
        on=on,
        summary="November report",
        document_reference="IB-11",
    )


@pytest.mark.parametrize(
    "on, status, late", [(BOARD_REPORT_ON, "met", None), (datetime.date(2017, 12, 5), "met_late", 3)]
)
def test_submitting_a_board_report_meets_that_months_obligation(on, status, late, issued_notice, casework):
    report = submit_november_report(issued_notice, casework, on=on)

    stored = reread(report)
    assert (stored.summary, stored.document_reference) == ("November report", "IB-11")
    november = owed(issued_notice, ObligationKind.BOARD_REPORT, month=NOVEMBER)
    assert (november.state, november.met_on, november.due_on) == (OS.MET, on, datetime.date(2017, 11, 30))
    assert (status_of(november, on=today()).code, status_of(november, on=today()).working_days) == (
        status,
        late,
    )
    assert_recorded(
        november,
        transition="meet",
        source=OS.OPEN,
        target=OS.MET,
        by=casework.officer,
        on=on,
        reason="November report",
    )
    others = issued_notice.obligations.filter(kind=ObligationKind.BOARD_REPORT).exclude(pk=november.pk)
    assert set(others.values_list("state", flat=True)) == {OS.OPEN}


def test_a_board_report_is_submitted_once(issued_notice, casework):
    submit_november_report(issued_notice, casework)
    november = owed(issued_notice, ObligationKind.BOARD_REPORT, month=NOVEMBER)

    error = assert_refused_and_unchanged(
        lambda: submit_november_report(issued_notice, casework), obj=november, state=OS.MET
    )

    assert str(error) == "This cannot be done while it is met."


def test_a_board_report_cannot_be_submitted_once_the_notice_is_withdrawn(issued_notice, casework, official):
    services.notice_withdraw(notice=issued_notice, by=official, reason="Superseded")
    november = owed(issued_notice, ObligationKind.BOARD_REPORT, month=NOVEMBER)

    error = assert_refused_and_unchanged(
        lambda: submit_november_report(issued_notice, casework), obj=november, state=OS.NOT_REQUIRED
    )

    assert str(error) == "This cannot be done while it is not required."


def test_a_board_report_needs_a_summary(issued_notice, casework):
    report = casework.board_report(issued_notice)
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        services.board_report_submit(report=report, by=casework.officer, on=BOARD_REPORT_ON, summary="")

    assert list(refused.value.message_dict) == ["summary"]
    assert changed_tables(before) == []


# The power to intervene and directions under it --------------------------------------------


def run_power(transition, power, cw):
    if transition == "end":
        return services.power_end(
            power=power, by=cw.official, on=ENDED_ON, reference="Letter of 31 July 2019", reasons="Sustained"
        )
    raise ValueError(transition)


def test_legal_power_transition(issued_notice, casework):
    power = casework.power(issued_notice)

    run_power("end", power, casework)

    stored = reread(power)
    assert (
        stored.state,
        stored.determined_on,
        stored.ended_on,
        stored.end_reference,
        stored.end_reasons,
    ) == (
        PowerState.ENDED,
        ESCALATED_ON,
        ENDED_ON,
        "Letter of 31 July 2019",
        "Sustained",
    )
    assert_recorded(
        stored,
        transition="end",
        source=PowerState.LIVE,
        target=PowerState.ENDED,
        by=casework.official,
        on=ENDED_ON,
        reason="Sustained",
    )


@pytest.mark.parametrize("transition, state", illegal(PowerToIntervene))
def test_illegal_power_transition_is_refused(transition, state, issued_notice, casework):
    power = casework.power(issued_notice, state)

    assert_refused_and_unchanged(lambda: run_power(transition, power, casework), obj=power, state=state)


@pytest.mark.parametrize("blank, field", [("reference", "reference"), ("reasons", "reason")])
def test_ending_the_power_needs_the_written_notice_and_reasons(blank, field, issued_notice, casework):
    power = casework.power(issued_notice)
    kwargs = {"reference": "Letter", "reasons": "Sustained", blank: " "}
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        services.power_end(power=power, by=casework.official, on=ENDED_ON, **kwargs)

    assert list(refused.value.message_dict) == [field]
    assert changed_tables(before) == []


def run_direction(transition, direction, cw):
    if transition == "vary":
        return services.direction_vary(
            direction=direction, by=cw.official, on=ENDED_ON, terms="Another adviser", reason="Adviser left"
        )
    if transition == "revoke":
        return services.direction_revoke(
            direction=direction, by=cw.official, on=ENDED_ON, reason="Not needed"
        )
    if transition == "end":
        return services.direction_end(direction=direction, by=cw.official, on=ENDED_ON, reason="Period over")
    raise ValueError(transition)


@pytest.mark.parametrize(
    "transition, reason",
    [("vary", "Adviser left"), ("revoke", "Not needed"), ("end", "Period over")],
)
def test_legal_direction_transition(transition, reason, issued_notice, casework):
    direction = casework.direction(casework.power(issued_notice))

    run_direction(transition, direction, casework)

    target = GRAPHS[Direction][transition][1]
    assert_recorded(
        direction,
        transition=transition,
        source=DirectionState.IN_FORCE,
        target=target,
        by=casework.official,
        on=ENDED_ON,
        reason=reason,
    )


@pytest.mark.parametrize("transition, state", illegal(Direction))
def test_illegal_direction_transition_is_refused(transition, state, issued_notice, casework):
    direction = casework.direction(casework.power(issued_notice), state)

    assert_refused_and_unchanged(
        lambda: run_direction(transition, direction, casework), obj=direction, state=state
    )


# The protected state field ---------------------------------------------------------------


PROTECTED = {
    "case": lambda fx, cw: fx("powys_case"),
    "notice": lambda fx, cw: fx("issued_notice"),
    "evidence": lambda fx, cw: fx("obligation_a"),
    "plan": lambda fx, cw: owed(fx("issued_notice"), ObligationKind.IMPROVEMENT_PLAN),
    "board_report": lambda fx, cw: owed(fx("issued_notice"), ObligationKind.BOARD_REPORT, month=NOVEMBER),
    "laying": lambda fx, cw: owed(fx("issued_notice"), ObligationKind.LAYING),
    "power": lambda fx, cw: cw.power(fx("issued_notice")),
    "direction": lambda fx, cw: cw.direction(cw.power(fx("issued_notice"))),
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
