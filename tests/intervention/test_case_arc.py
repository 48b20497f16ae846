"""The rest of a case's arc: closing and reopening it, statements to the legislature, boards,
appointments, what inspection reports ask of the council by a date, and the plan's milestones.

Closing a case is the Ministers' dated decision: whatever the council still owes is settled as no
longer required, with the decision as the reason, and notices still in force end with the case.
A closed case changes no more until it is reopened, which is itself recorded.
"""

import datetime

import django_fsm as fsm
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import TransitionLog
from inspections import services as inspection_services
from intervention import services
from intervention.casework.services import board_sitting_on
from intervention.choices import (
    LIVE_STATES,
    BoardKind,
    CaseState,
    DatePrecision,
    DirectionKind,
    NoticeState,
    ObligationKind,
    ObligationState,
    Owner,
    Post,
    PowerState,
    Regime,
    StatementKind,
    StatementPurpose,
    SubmissionDecision,
)
from intervention.models import Board, BoardRemitChange, Obligation, Statement
from intervention.obligations import selectors as obligation_selectors
from tests.factories import InspectionFactory
from tests.workflow import (
    CLOSED_ON,
    ENDED_ON,
    ESCALATED_ON,
    IN_FORCE_ON,
    LAID_ON,
    REPORTED_ON,
    Casework,
    as_user,
    changed_tables,
    reread,
    snapshot,
)

pytestmark = pytest.mark.django_db

MINISTER = "The Minister for Children and Social Care"
DECISION = "Sufficient progress has been made."
WHY_CLOSED = f"The Welsh Ministers closed the case on 1 July 2020 ({MINISTER}): {DECISION}"
REOPENED_ON = datetime.date(2020, 9, 1)
CLOSED = "This case is closed, so nothing on it can change. Reopen the case first."
# A report published on Wednesday 9 January 2019 asks for an action plan within 20 working days.
PUBLISHED_ON = datetime.date(2019, 1, 9)
ACTION_PLAN_DUE = datetime.date(2019, 2, 6)


@pytest.fixture
def casework(official, powys_officer):
    return Casework(official=official, officer=powys_officer)


@pytest.fixture
def report(powys, inspector):
    """A follow-up inspection report of Powys, recorded as published on 9 January 2019."""
    inspection = InspectionFactory(council=powys, title="Follow-up inspection, Powys")
    return inspection_services.inspection_record_published(
        inspection=inspection,
        by=inspector,
        on=PUBLISHED_ON,
        source="https://www.careinspectorate.wales/190109",
    )


def set_deadline(case, by, inspection, **changes):
    kwargs = {"description": "Send an action plan", "working_days": 20, **changes}
    return services.report_set_deadline(case=case, by=by, inspection=inspection, **kwargs)


def status_of(obligation, *, on):
    return obligation_selectors.with_status([reread(obligation)], today=on)[0].status.code


def logs_of(obj):
    rows = TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).order_by("id")
    return [(r.transition, r.source_state, r.target_state, r.by, r.occurred_on, r.reason) for r in rows]


def statement(case, by, *, purpose=StatementPurpose.UPDATE, notice=None, made_on=REPORTED_ON, **fields):
    return services.statement_record(
        case=case,
        by=by,
        kind=StatementKind.WRITTEN,
        purpose=purpose,
        notice=notice,
        made_on=made_on,
        minister=MINISTER,
        title="Powys children's services: update",
        source=fields.pop("source", "Written statement"),
        **fields,
    )


# Closing the case ----------------------------------------------------------------------------------


def test_closing_settles_everything_the_council_still_owes_and_ends_the_notice_with_the_case(
    issued_notice, casework, official, report
):
    notice = casework.record_ministers_duties(issued_notice)
    casework.requirement(notice, ObligationState.MET, letter="a")
    submitted = casework.requirement(notice, ObligationState.SUBMITTED, letter="g")
    action_plan = set_deadline(notice.case, official, report)
    council = Obligation.objects.filter(notice__case=notice.case, owner=Owner.COUNCIL)
    live = {o.pk: o.state for o in council.filter(state__in=LIVE_STATES)}
    settled = {o.pk: o.state for o in council.exclude(state__in=LIVE_STATES)}
    assert action_plan.pk in live and submitted.pk in live and settled

    casework.close(notice.case)

    case = reread(notice.case)
    assert (case.state, case.closed_on, case.closure_minister, case.closure_decision) == (
        CaseState.CLOSED,
        CLOSED_ON,
        MINISTER,
        DECISION,
    )
    ended = reread(notice)
    assert (ended.state, ended.ended_on, ended.closed_reason) == (
        NoticeState.ENDED_WITH_CASE,
        CLOSED_ON,
        WHY_CLOSED,
    )
    assert logs_of(ended)[-1] == (
        "end_with_case",
        NoticeState.ISSUED,
        NoticeState.ENDED_WITH_CASE,
        official,
        CLOSED_ON,
        WHY_CLOSED,
    )
    for pk, source in live.items():
        released = Obligation.objects.get(pk=pk)
        assert (released.state, released.settled_reason, released.not_required_on) == (
            ObligationState.NOT_REQUIRED,
            WHY_CLOSED,
            CLOSED_ON,
        )
        assert status_of(released, on=CLOSED_ON) == "not_required"
        assert logs_of(released)[-1] == (
            "release",
            source,
            ObligationState.NOT_REQUIRED,
            official,
            CLOSED_ON,
            WHY_CLOSED,
        )
    assert {pk: Obligation.objects.get(pk=pk).state for pk in settled} == settled
    # Evidence still with the reviewer is closed with the case, not left pending.
    assert not submitted.requirement.submissions.filter(decision=SubmissionDecision.PENDING).exists()
    assert set(notice.obligations.filter(owner=Owner.MINISTERS).values_list("state", flat=True)) == {
        ObligationState.MET
    }


def test_closing_leaves_a_notice_that_had_already_ended_as_it_was(issued_notice, casework, official):
    casework.power(issued_notice, PowerState.ENDED)
    notice = casework.record_ministers_duties(reread(issued_notice))
    log_rows = len(logs_of(notice))

    casework.close(notice.case)

    assert (reread(notice).state, len(logs_of(notice))) == (NoticeState.ESCALATED, log_rows)


def test_a_case_with_a_live_power_cannot_close_until_the_power_ends(issued_notice, casework, official):
    power = casework.power(casework.record_ministers_duties(issued_notice))
    casework.direction(power)
    before = snapshot()

    with pytest.raises(fsm.TransitionNotAllowed) as refused:
        casework.close(issued_notice.case)

    assert str(refused.value) == "Every power to intervene on the case must be ended by written notice first."
    assert changed_tables(before) == []

    services.power_end(power=power, by=official, on=ENDED_ON, reference="Letter", reasons="Improved")
    casework.close(issued_notice.case)

    assert reread(issued_notice.case).state == CaseState.CLOSED


def test_the_ninety_day_statement_and_the_laying_record_the_ministers_duties_so_the_case_can_close(
    issued_notice, casework, official
):
    case = issued_notice.case
    with pytest.raises(fsm.TransitionNotAllowed) as refused:
        services.case_close(
            case=case, by=official, on=CLOSED_ON, minister=MINISTER, decision=DECISION, source="Statement"
        )
    assert "s151(3) must be recorded first" in str(refused.value)

    statement(case, official, purpose=StatementPurpose.LAYING, notice=issued_notice, made_on=LAID_ON)
    statement(case, official, purpose=StatementPurpose.NINETY_DAY_REPORT, notice=issued_notice)
    services.case_close(
        case=case, by=official, on=CLOSED_ON, minister=MINISTER, decision=DECISION, source="Statement"
    )

    assert reread(case).state == CaseState.CLOSED


# A closed case changes no more until it is reopened ---------------------------------------------


def _board(fx, cw):
    return cw.board(fx("powys_case"))


CHANGES = {
    "statement_record": (
        lambda fx, cw: fx("powys_case"),
        lambda case, cw: statement(case, cw.official),
    ),
    "board_establish": (
        lambda fx, cw: fx("powys_case"),
        lambda case, cw: cw.board(case),
    ),
    "board_change_remit": (
        _board,
        lambda board, cw: services.board_change_remit(
            board=board,
            by=cw.official,
            remit="New remit",
            summary="Changed",
            source="Statement",
            changed_on=None,
            precision=DatePrecision.NOT_EVIDENCED,
        ),
    ),
    "board_stand_down": (
        _board,
        lambda board, cw: services.board_stand_down(
            board=board, by=cw.official, on=None, precision=DatePrecision.NOT_EVIDENCED, source="Statement"
        ),
    ),
    "appointment_record": (
        lambda fx, cw: fx("powys_case"),
        lambda case, cw: services.appointment_record(
            case=case,
            by=cw.official,
            post=Post.OTHER,
            title="Improvement director",
            source="Minutes",
            starts_on=None,
            starts_precision=DatePrecision.NOT_EVIDENCED,
        ),
    ),
    "event_record": (
        lambda fx, cw: fx("powys_case"),
        lambda case, cw: services.event_record(
            case=case,
            by=cw.official,
            description="The Board met",
            source="Minutes",
            happened_on=None,
            precision=DatePrecision.NOT_EVIDENCED,
        ),
    ),
    "case_link_inspection": (
        lambda fx, cw: (fx("powys_case"), InspectionFactory(council=fx("powys"))),
        lambda target, cw: services.case_link_inspection(
            case=target[0], by=cw.official, inspection=target[1]
        ),
    ),
    "report_set_deadline": (
        lambda fx, cw: (fx("issued_notice").case, fx("report")),
        lambda target, cw: set_deadline(target[0], cw.official, target[1]),
    ),
    "milestone_add": (
        lambda fx, cw: fx("issued_notice"),
        lambda notice, cw: cw.milestone(notice),
    ),
    "milestone_report": (
        lambda fx, cw: cw.milestone(fx("issued_notice")),
        lambda milestone, cw: services.milestone_report(
            milestone=milestone, by=cw.officer, on=CLOSED_ON, progress="Progress"
        ),
    ),
    "power_determine": (
        lambda fx, cw: fx("issued_notice"),
        lambda notice, cw: services.power_determine(
            notice=notice,
            by=cw.official,
            on=ESCALATED_ON,
            actions_not_taken=notice.requirements.filter(letter="a"),
            reasons="x",
        ),
    ),
    "direction_give": (
        lambda fx, cw: cw.power(fx("issued_notice"), PowerState.ENDED),
        lambda power, cw: services.direction_give(
            power=power,
            by=cw.official,
            kind=DirectionKind.SPECIFIED_ACTION,
            terms="Act",
            given_on=IN_FORCE_ON,
        ),
    ),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_closed_case_refuses_every_change(change, request, casework):
    prepare, act = CHANGES[change]
    target = prepare(request.getfixturevalue, casework)
    case = request.getfixturevalue("powys_case")
    casework.close(case)
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        act(target, casework)

    assert refused.value.messages == [CLOSED]
    assert changed_tables(before) == []


def test_reopening_a_case_is_recorded_and_lets_it_change_again(powys_case, casework, official):
    casework.close(powys_case)

    services.case_reopen(case=reread(powys_case), by=official, on=REOPENED_ON, reason="New concerns raised")

    case = reread(powys_case)
    assert (case.state, case.reopened_on, case.closed_on, case.closure_decision) == (
        CaseState.OPEN,
        REOPENED_ON,
        None,
        "",
    )
    assert logs_of(case)[-1] == (
        "reopen",
        CaseState.CLOSED,
        CaseState.OPEN,
        official,
        REOPENED_ON,
        "New concerns raised",
    )
    # The closing decision stays in the case's history.
    closed_row = case.history.filter(state=CaseState.CLOSED).latest("history_id")
    assert (closed_row.closure_decision, closed_row.closure_minister) == (DECISION, MINISTER)
    assert statement(case, official).case == case


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"reason": " "}, "reason"),
        ({"on": CLOSED_ON - datetime.timedelta(days=1)}, "on"),
    ],
)
def test_reopening_needs_a_reason_and_a_date_after_the_closure(
    changes, field, powys_case, casework, official
):
    casework.close(powys_case)
    kwargs = {"on": REOPENED_ON, "reason": "New concerns", **changes}
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        services.case_reopen(case=reread(powys_case), by=official, **kwargs)

    assert list(refused.value.message_dict) == [field]
    assert changed_tables(before) == []


# Statements to the legislature ------------------------------------------------------------------


@pytest.mark.parametrize(
    "purpose, kind, made_on",
    [
        (StatementPurpose.NINETY_DAY_REPORT, ObligationKind.LEGISLATURE_REPORT, REPORTED_ON),
        (StatementPurpose.LAYING, ObligationKind.LAYING, LAID_ON),
    ],
)
def test_a_statement_reporting_on_a_notice_records_the_ministers_duty_done_that_day(
    purpose, kind, made_on, issued_notice, official
):
    url = "https://www.gov.wales/written-statement-powys"

    recorded = statement(
        issued_notice.case, official, purpose=purpose, notice=issued_notice, made_on=made_on, url=url
    )

    duty = issued_notice.obligations.get(kind=kind)
    assert (duty.state, duty.met_on, duty.source) == (ObligationState.MET, made_on, url)
    assert logs_of(duty)[-1] == ("meet", ObligationState.OPEN, ObligationState.MET, official, made_on, url)
    assert (recorded.notice, recorded.purpose, recorded.history.get().history_user) == (
        issued_notice,
        purpose,
        official,
    )


def test_a_statement_about_a_duty_already_recorded_leaves_it_as_it_was(issued_notice, official):
    services.notice_record_report(notice=issued_notice, by=official, on=REPORTED_ON, reference="First")
    duty = issued_notice.obligations.get(kind=ObligationKind.LEGISLATURE_REPORT)
    rows = duty.history.count()

    statement(
        issued_notice.case,
        official,
        purpose=StatementPurpose.NINETY_DAY_REPORT,
        notice=issued_notice,
        made_on=datetime.date(2018, 2, 1),
    )

    stored = reread(duty)
    assert (stored.met_on, stored.source, stored.history.count()) == (REPORTED_ON, "First", rows)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"purpose": StatementPurpose.NINETY_DAY_REPORT}, "notice"),
        ({"source": " "}, "source"),
        ({"made_on": datetime.date(2017, 10, 16), "notice": "issued"}, "made_on"),
    ],
    ids=["report_without_notice", "no_source", "before_the_notice"],
)
def test_a_statement_needs_its_notice_a_source_and_a_date_in_order(changes, field, issued_notice, official):
    if changes.get("notice") == "issued":
        changes["notice"] = issued_notice
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        statement(issued_notice.case, official, **changes)

    assert list(refused.value.message_dict) == [field]
    assert changed_tables(before) == []
    assert not Statement.objects.exists()


# Appointments, boards and events --------------------------------------------------------------------


@pytest.mark.parametrize(
    "title, accepted",
    [
        ("Interim Director of Social Services", True),
        ("Corporate Director (Social Services)", False),
        ("Head of Children's Services", False),
    ],
)
def test_the_director_of_social_services_carries_the_s144_title(title, accepted, powys_case, official):
    def record():
        return services.appointment_record(
            case=powys_case,
            by=official,
            post=Post.DIRECTOR_OF_SOCIAL_SERVICES,
            title=title,
            person="A N Other",
            interim=True,
            source="Council minutes",
            starts_on=datetime.date(2017, 11, 1),
            starts_precision=DatePrecision.MONTH,
        )

    if accepted:
        appointment = record()
        assert (appointment.title, appointment.starts_display) == (title, "November 2017")
        return
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        record()
    assert list(refused.value.message_dict) == ["title"]
    assert "director of social services" in refused.value.message_dict["title"][0]
    assert changed_tables(before) == []


def test_another_post_needs_no_particular_title(powys_case, official):
    appointment = services.appointment_record(
        case=powys_case,
        by=official,
        post=Post.HEAD_OF_CHILDRENS_SERVICES,
        title="Head of Children's Services",
        source="Council minutes",
        starts_on=None,
        starts_precision=DatePrecision.NOT_EVIDENCED,
    )

    assert appointment.starts_display == "Date not evidenced"


def test_changing_a_boards_remit_keeps_the_remit_before(powys_case, casework, official):
    board = casework.board(powys_case, remit="Oversee the improvement plan.")

    change = services.board_change_remit(
        board=board,
        by=official,
        remit="Oversee the plan and assure the Minister of progress.",
        summary="Assurance added",
        source="Written statement, 1 May 2018",
        changed_on=datetime.date(2018, 5, 1),
        precision=DatePrecision.DAY,
    )

    assert (change.remit_before, change.remit, change.changed_display) == (
        "Oversee the improvement plan.",
        "Oversee the plan and assure the Minister of progress.",
        "1 May 2018",
    )
    stored = reread(board)
    assert stored.remit == "Oversee the plan and assure the Minister of progress."
    row = stored.history.first()
    assert (row.history_user, row.history_change_reason) == (official, "remit changed: Assurance added")


def test_a_board_that_has_stood_down_keeps_its_remit(powys_case, casework, official):
    board = casework.board(powys_case)
    services.board_stand_down(
        board=board,
        by=official,
        on=datetime.date(2019, 7, 1),
        precision=DatePrecision.MONTH,
        source="Statement",
    )
    assert (reread(board).is_sitting, reread(board).stood_down_display) == (False, "July 2019")
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        services.board_change_remit(
            board=reread(board),
            by=official,
            remit="Another remit",
            summary="Changed",
            source="Statement",
            changed_on=datetime.date(2019, 8, 1),
            precision=DatePrecision.MONTH,
        )

    assert refused.value.messages == ["The board has stood down, so its remit cannot change."]
    assert changed_tables(before) == []
    assert not BoardRemitChange.objects.exists()


def test_a_board_that_replaces_another_stands_it_down(powys_case, casework, official):
    first = casework.board(powys_case)

    second = casework.board(
        powys_case,
        kind=BoardKind.IMPROVEMENT_AND_ASSURANCE_BOARD,
        name="Improvement and Assurance Board",
        regime=Regime.SSWBA_PART_8,
        replaces=first,
        established_on=datetime.date(2018, 9, 1),
        source="Written statement, September 2018",
    )

    stood_down = reread(first)
    assert (stood_down.is_sitting, stood_down.stood_down_on, stood_down.stood_down_source) == (
        False,
        datetime.date(2018, 9, 1),
        "Written statement, September 2018",
    )
    assert (reread(second).is_sitting, list(first.replaced_by.all())) == (True, [second])
    assert Board.objects.count() == 2


# What an inspection report asks of the council by a date ------------------------------------------


def test_a_reports_deadline_counts_working_days_from_its_publication(issued_notice, official, report):
    obligation = set_deadline(issued_notice.case, official, report)

    stored = reread(obligation)
    assert (stored.kind, stored.owner, stored.notice, stored.inspection, stored.description) == (
        ObligationKind.REPORT_ACTION,
        Owner.COUNCIL,
        issued_notice,
        report,
        "Send an action plan",
    )
    assert (stored.opened_on, stored.due_on, stored.basis) == (
        PUBLISHED_ON,
        ACTION_PLAN_DUE,
        "20 working days after the report was published on 9 January 2019",
    )
    assert report in issued_notice.case.inspections.all()
    assert status_of(stored, on=ACTION_PLAN_DUE + datetime.timedelta(days=1)) == "overdue"
    assert stored.history.get().history_user == official


def test_a_reports_deadline_can_be_a_date_the_report_sets(issued_notice, official, report):
    obligation = set_deadline(
        issued_notice.case, official, report, working_days=None, due_on=datetime.date(2019, 3, 29)
    )

    assert (obligation.due_on, obligation.basis) == (
        datetime.date(2019, 3, 29),
        "Date set in the report: 29 March 2019",
    )


def test_a_reports_deadline_outlives_the_notice_it_is_owed_under(issued_notice, casework, official, report):
    """It lives as long as the case: the notice escalating does not release it; closing the case does."""
    obligation = set_deadline(issued_notice.case, official, report)

    casework.power(issued_notice, PowerState.ENDED)

    assert reread(obligation).state == ObligationState.OPEN
    assert status_of(obligation, on=ACTION_PLAN_DUE + datetime.timedelta(days=1)) == "overdue"
    casework.close(issued_notice.case)
    assert (reread(obligation).state, reread(obligation).settled_reason) == (
        ObligationState.NOT_REQUIRED,
        WHY_CLOSED,
    )


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"description": " "}, "description"),
        ({"working_days": None}, "working_days"),
        ({"due_on": ACTION_PLAN_DUE}, "working_days"),
        ({"working_days": 0}, "working_days"),
        ({"working_days": None, "due_on": PUBLISHED_ON - datetime.timedelta(days=1)}, "due_on"),
    ],
    ids=["description", "neither", "both", "zero_days", "due_before_published"],
)
def test_a_reports_deadline_needs_words_and_one_way_to_date_it(
    changes, field, issued_notice, official, report
):
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        set_deadline(issued_notice.case, official, report, **changes)

    assert list(refused.value.message_dict) == [field]
    assert changed_tables(before) == []


@pytest.mark.parametrize("inspection", ["unpublished", "other_council"])
def test_a_reports_deadline_is_for_a_published_report_of_the_council(
    inspection, issued_notice, official, cardiff
):
    other = (
        InspectionFactory(council=issued_notice.case.council)
        if inspection == "unpublished"
        else InspectionFactory(council=cardiff, published=True)
    )
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        set_deadline(issued_notice.case, official, other)

    assert list(refused.value.message_dict) == ["inspection"]
    assert changed_tables(before) == []


def test_a_reports_deadline_needs_a_notice_in_force(powys_case, official, report):
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        set_deadline(powys_case, official, report)

    assert refused.value.messages == [
        "No notice is in force on this case, so the report's deadline cannot be tracked under it."
    ]
    assert changed_tables(before) == []


# The improvement plan's milestones ------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, allowed",
    [
        ("official", True),
        ("powys_officer", True),
        ("cardiff_officer", False),
        ("inspector", False),
        ("administrator", False),
        ("anonymous", False),
    ],
)
def test_who_may_add_a_milestone(who, allowed, issued_notice, people):
    def add():
        return services.milestone_add(
            plan=issued_notice.improvement_plan,
            by=as_user(people[who]),
            label="Recruit permanent social workers",
            due_on=datetime.date(2018, 4, 30),
        )

    if allowed:
        milestone = add()
        assert (milestone.history.get().history_user, milestone.due_on) == (
            people[who],
            datetime.date(2018, 4, 30),
        )
        return
    before = snapshot()
    with pytest.raises(PermissionDenied):
        add()
    assert changed_tables(before) == []


@pytest.mark.parametrize(
    "who, allowed",
    [
        ("powys_officer", True),
        ("official", False),
        ("cardiff_officer", False),
        ("inspector", False),
        ("administrator", False),
        ("anonymous", False),
    ],
)
def test_only_the_councils_own_officers_report_progress_on_a_milestone(
    who, allowed, issued_notice, casework, people
):
    milestone = casework.milestone(issued_notice)

    def report_progress():
        return services.milestone_report(
            milestone=milestone,
            by=as_user(people[who]),
            on=datetime.date(2018, 5, 2),
            progress="Six recruited",
        )

    if allowed:
        report_progress()
        stored = reread(milestone)
        assert (stored.progress, stored.progress_on) == ("Six recruited", datetime.date(2018, 5, 2))
        row = stored.history.first()
        assert (row.history_user, row.history_change_reason) == (people[who], "progress reported")
        return
    before = snapshot()
    with pytest.raises(PermissionDenied):
        report_progress()
    assert changed_tables(before) == []


@pytest.mark.parametrize(
    "changes, field",
    [({"label": " "}, "label"), ({"due_description": " "}, "due_on")],
    ids=["label", "when"],
)
def test_a_milestone_needs_a_label_and_when_it_is_due(changes, field, issued_notice, casework):
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        casework.milestone(issued_notice, **changes)

    assert list(refused.value.message_dict) == [field]
    assert changed_tables(before) == []


def test_a_board_report_goes_to_the_board_sitting_on_the_day_it_is_sent(
    issued_notice, official, powys_officer
):
    """Board reports go to a board: the one sitting on the case when the report is sent."""
    case = issued_notice.case
    first = services.board_establish(
        case=case,
        by=official,
        kind=BoardKind.IMPROVEMENT_BOARD,
        name="Improvement Board",
        regime=Regime.SSWBA_PART_8,
        remit="Oversee the Director.",
        source="Statement",
        established_on=None,
        established_precision=DatePrecision.NOT_EVIDENCED,
    )
    second = services.board_establish(
        case=case,
        by=official,
        kind=BoardKind.IMPROVEMENT_AND_ASSURANCE_BOARD,
        name="Improvement and Assurance Board",
        regime=Regime.LG_MEASURE_2009,
        remit="Corporate and social services.",
        source="Statement",
        established_on=datetime.date(2018, 3, 1),
        established_precision=DatePrecision.MONTH,
        replaces=first,
    )
    assert board_sitting_on(case.pk, datetime.date(2018, 1, 10)) == first
    assert board_sitting_on(case.pk, datetime.date(2018, 3, 20)) == second
