"""Who may do what in an intervention: every service action against every role, and the predicates.

What is owed under a notice is an Obligation: the council's officers send evidence and the
documents their own council owes; Welsh Government officials review evidence, record what was
done (the Ministers' own duties among it) and settle obligations; nobody else changes anything.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from accounts.choices import OrganisationKind, Role
from intervention import permissions, services
from intervention.choices import (
    BoardKind,
    DatePrecision,
    DirectionKind,
    NoticeState,
    ObligationKind,
    ObligationState,
    Owner,
    Post,
    Regime,
    StatementKind,
    StatementPurpose,
)
from intervention.models import (
    BoardReport,
    Ground,
    ImprovementPlan,
    InterventionCase,
    Obligation,
    PowerRoute,
    Requirement,
    WarningNotice,
)
from tests.factories import GroundFactory, InspectionFactory, OrganisationFactory, UserFactory
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
    Casework,
    as_user,
    changed_tables,
    reread,
    snapshot,
)

pytestmark = pytest.mark.django_db

ROLES = ["inspector", "official", "powys_officer", "cardiff_officer", "administrator", "anonymous"]
DENIED = "You do not have permission to do this."


@pytest.fixture
def casework(official, powys_officer):
    return Casework(official=official, officer=powys_officer)


def _owed(notice, kind):
    return notice.obligations.filter(kind=kind).order_by("position").first()


# Each action: (the one role allowed, prepare the target through the services, the action itself).
ACTIONS = {
    "case_open": (
        "official",
        lambda fx, cw: fx("powys"),
        lambda council, by: services.case_open(
            by=by, council=council, title="Adults' services", service_area="adults", opened_on=GIVEN_ON
        ),
    ),
    "case_close": (
        "official",
        lambda fx, cw: fx("powys_case"),
        lambda case, by: services.case_close(
            case=case, by=by, on=CLOSED_ON, minister="The Minister", decision="Satisfied", source="Statement"
        ),
    ),
    "case_reopen": (
        "official",
        lambda fx, cw: cw.close(fx("powys_case")),
        lambda case, by: services.case_reopen(case=case, by=by, on=CLOSED_ON, reason="New concerns"),
    ),
    "notice_draft": (
        "official",
        lambda fx, cw: fx("powys_case"),
        lambda case, by: services.notice_draft(case=case, by=by, title="Second notice"),
    ),
    "notice_update_draft": (
        "official",
        lambda fx, cw: fx("draft_notice"),
        lambda notice, by: services.notice_update_draft(notice=notice, by=by, title="Renamed"),
    ),
    "notice_set_ground": (
        "official",
        lambda fx, cw: (fx("draft_notice"), GroundFactory(number=3)),
        lambda target, by: services.notice_set_ground(
            notice=target[0], by=by, ground=target[1], reasons="Not performed to an adequate standard."
        ),
    ),
    "notice_remove_ground": (
        "official",
        lambda fx, cw: fx("draft_notice"),
        lambda notice, by: services.notice_remove_ground(
            notice=notice, by=by, ground=Ground.objects.get(number=1)
        ),
    ),
    "notice_set_failed_functions": (
        "official",
        lambda fx, cw: fx("draft_notice"),
        lambda notice, by: services.notice_set_failed_functions(notice=notice, by=by, functions=[]),
    ),
    "requirement_add": (
        "official",
        lambda fx, cw: fx("draft_notice"),
        lambda notice, by: services.requirement_add(
            notice=notice, by=by, letter="b", text="Appoint an Improvement Board."
        ),
    ),
    "requirement_update": (
        "official",
        lambda fx, cw: fx("draft_notice").requirements.get(letter="a"),
        lambda requirement, by: services.requirement_update(requirement=requirement, by=by, text="Changed"),
    ),
    "requirement_remove": (
        "official",
        lambda fx, cw: fx("draft_notice").requirements.get(letter="a"),
        lambda requirement, by: services.requirement_remove(requirement=requirement, by=by),
    ),
    "notice_issue": (
        "official",
        lambda fx, cw: fx("draft_notice"),
        lambda notice, by: services.notice_issue(notice=notice, by=by, on=GIVEN_ON),
    ),
    "notice_record_laying": (
        "official",
        lambda fx, cw: fx("issued_notice"),
        lambda notice, by: services.notice_record_laying(notice=notice, by=by, on=LAID_ON, reference="Laid"),
    ),
    "notice_record_report": (
        "official",
        lambda fx, cw: fx("issued_notice"),
        lambda notice, by: services.notice_record_report(
            notice=notice, by=by, on=REPORTED_ON, reference="Statement"
        ),
    ),
    "obligation_record_done": (
        "official",
        lambda fx, cw: _owed(fx("issued_notice"), ObligationKind.BOARD_REPORT),
        lambda obligation, by: services.obligation_record_done(
            obligation=obligation, by=by, on=BOARD_REPORT_ON, source="Board minutes"
        ),
    ),
    "obligation_record_done_not_evidenced": (
        "official",
        lambda fx, cw: _owed(fx("issued_notice"), ObligationKind.LAYING),
        lambda obligation, by: services.obligation_record_done(
            obligation=obligation, by=by, not_evidenced=True, source="Assembly record"
        ),
    ),
    "notice_extend_compliance_period": (
        "official",
        lambda fx, cw: fx("issued_notice"),
        lambda notice, by: services.notice_extend_compliance_period(
            notice=notice,
            by=by,
            ends_on=datetime.date(2017, 12, 14),
            decided_by="The Minister",
            reason="More time",
            decided_on=datetime.date(2017, 11, 10),
        ),
    ),
    "notice_change_board_report_schedule": (
        "official",
        lambda fx, cw: fx("issued_notice"),
        lambda notice, by: services.notice_change_board_report_schedule(
            notice=notice,
            by=by,
            first_month=datetime.date(2017, 11, 1),
            count=1,
            reason="Fewer reports",
            on=datetime.date(2017, 11, 1),
        ),
    ),
    "notice_close_as_complied": (
        "official",
        lambda fx, cw: cw.settle_everything(fx("issued_notice")),
        lambda notice, by: services.notice_close_as_complied(notice=notice, by=by, reason="All met"),
    ),
    "notice_withdraw": (
        "official",
        lambda fx, cw: fx("issued_notice"),
        lambda notice, by: services.notice_withdraw(notice=notice, by=by, reason="Superseded"),
    ),
    "power_determine": (
        "official",
        lambda fx, cw: fx("issued_notice"),
        lambda notice, by: services.power_determine(
            notice=notice,
            by=by,
            on=ESCALATED_ON,
            actions_not_taken=notice.requirements.filter(letter="a"),
            reasons="Not done",
        ),
    ),
    "requirement_submit": (
        "powys_officer",
        lambda fx, cw: fx("requirement_a"),
        lambda requirement, by: services.requirement_submit(requirement=requirement, by=by, statement="Done"),
    ),
    "requirement_accept": (
        "official",
        lambda fx, cw: cw.requirement(fx("issued_notice"), ObligationState.SUBMITTED, letter="a").requirement,
        lambda requirement, by: services.requirement_accept(requirement=requirement, by=by, reason="Good"),
    ),
    "requirement_return": (
        "official",
        lambda fx, cw: cw.requirement(fx("issued_notice"), ObligationState.SUBMITTED, letter="a").requirement,
        lambda requirement, by: services.requirement_return(requirement=requirement, by=by, reason="More"),
    ),
    "requirement_withdraw": (
        "official",
        lambda fx, cw: fx("requirement_a"),
        lambda requirement, by: services.requirement_withdraw(requirement=requirement, by=by, reason="No"),
    ),
    "requirement_record_breach": (
        "official",
        lambda fx, cw: fx("issued_notice").requirements.get(letter="g"),
        lambda requirement, by: services.requirement_record_breach(
            requirement=requirement, by=by, reason="New structure"
        ),
    ),
    # The council sends its own plan and reports (the views offer the buttons to no one else).
    "plan_submit": (
        "powys_officer",
        lambda fx, cw: fx("issued_notice").improvement_plan,
        lambda plan, by: services.plan_submit(plan=plan, by=by, on=PLAN_SUBMITTED_ON, summary="Plan"),
    ),
    "plan_return": (
        "official",
        lambda fx, cw: cw.plan(fx("issued_notice"), PLAN_SUBMITTED),
        lambda plan, by: services.plan_return(plan=plan, by=by, reason="No timescales"),
    ),
    "plan_agree": (
        "official",
        lambda fx, cw: cw.plan(fx("issued_notice"), PLAN_SUBMITTED),
        lambda plan, by: services.plan_agree(plan=plan, by=by, on=PLAN_AGREED_ON),
    ),
    "board_report_submit": (
        "powys_officer",
        lambda fx, cw: cw.board_report(fx("issued_notice")),
        lambda report, by: services.board_report_submit(
            report=report, by=by, on=BOARD_REPORT_ON, summary="November"
        ),
    ),
    "power_determine_without_notice": (
        "official",
        lambda fx, cw: (fx("powys_case"), _route_without_notice()),
        lambda target, by: services.power_determine_without_notice(
            case=target[0], route=target[1], by=by, on=ESCALATED_ON, reasons="Urgent", reference="WG-1"
        ),
    ),
    "power_end": (
        "official",
        lambda fx, cw: cw.power(fx("issued_notice")),
        lambda power, by: services.power_end(
            power=power, by=by, on=ENDED_ON, reference="Letter", reasons="Done"
        ),
    ),
    "direction_give": (
        "official",
        lambda fx, cw: cw.power(fx("issued_notice")),
        lambda power, by: services.direction_give(
            power=power, by=by, kind=DirectionKind.SPECIFIED_ACTION, terms="Act", given_on=IN_FORCE_ON
        ),
    ),
    "direction_vary": (
        "official",
        lambda fx, cw: cw.direction(cw.power(fx("issued_notice"))),
        lambda direction, by: services.direction_vary(
            direction=direction, by=by, on=ENDED_ON, terms="Another adviser", reason="Adviser left"
        ),
    ),
    "direction_revoke": (
        "official",
        lambda fx, cw: cw.direction(cw.power(fx("issued_notice"))),
        lambda direction, by: services.direction_revoke(
            direction=direction, by=by, on=ENDED_ON, reason="Done"
        ),
    ),
    "direction_end": (
        "official",
        lambda fx, cw: cw.direction(cw.power(fx("issued_notice"))),
        lambda direction, by: services.direction_end(direction=direction, by=by, on=ENDED_ON, reason="Done"),
    ),
    "direction_require": (
        "official",
        lambda fx, cw: cw.direction(cw.power(fx("issued_notice"))),
        lambda direction, by: services.direction_require(
            direction=direction, by=by, on=IN_FORCE_ON, description="Appoint an adviser"
        ),
    ),
    "statement_record": (
        "official",
        lambda fx, cw: fx("issued_notice"),
        lambda notice, by: services.statement_record(
            case=notice.case,
            by=by,
            notice=notice,
            kind=StatementKind.WRITTEN,
            purpose=StatementPurpose.NINETY_DAY_REPORT,
            made_on=REPORTED_ON,
            minister="The Minister",
            title="Update on Powys",
            source="https://gov.wales/statement",
        ),
    ),
    "board_establish": (
        "official",
        lambda fx, cw: fx("powys_case"),
        lambda case, by: services.board_establish(
            case=case,
            by=by,
            kind=BoardKind.IMPROVEMENT_BOARD,
            name="Improvement Board",
            regime=Regime.SSWBA_PART_8,
            remit="Oversee the plan.",
            source="Statement",
            established_on=None,
            established_precision=DatePrecision.NOT_EVIDENCED,
        ),
    ),
    "board_change_remit": (
        "official",
        lambda fx, cw: cw.board(fx("powys_case")),
        lambda board, by: services.board_change_remit(
            board=board,
            by=by,
            remit="Oversee the plan and assure it.",
            summary="Assurance added",
            source="Statement",
            changed_on=datetime.date(2018, 6, 1),
            precision=DatePrecision.MONTH,
        ),
    ),
    "board_stand_down": (
        "official",
        lambda fx, cw: cw.board(fx("powys_case")),
        lambda board, by: services.board_stand_down(
            board=board,
            by=by,
            on=datetime.date(2019, 7, 1),
            precision=DatePrecision.MONTH,
            source="Statement",
        ),
    ),
    "appointment_record": (
        "official",
        lambda fx, cw: fx("powys_case"),
        lambda case, by: services.appointment_record(
            case=case,
            by=by,
            post=Post.DIRECTOR_OF_SOCIAL_SERVICES,
            title="Interim director of social services",
            source="Council minutes",
            starts_on=datetime.date(2017, 11, 1),
            starts_precision=DatePrecision.MONTH,
        ),
    ),
    "event_record": (
        "official",
        lambda fx, cw: fx("powys_case"),
        lambda case, by: services.event_record(
            case=case,
            by=by,
            description="The Board met",
            source="Minutes",
            happened_on=None,
            precision=DatePrecision.NOT_EVIDENCED,
        ),
    ),
    "case_link_inspection": (
        "official",
        lambda fx, cw: (fx("powys_case"), InspectionFactory(council=fx("powys"))),
        lambda target, by: services.case_link_inspection(case=target[0], by=by, inspection=target[1]),
    ),
    "report_set_deadline": (
        "official",
        lambda fx, cw: (fx("issued_notice").case, fx("published_inspection")),
        lambda target, by: services.report_set_deadline(
            case=target[0], by=by, inspection=target[1], description="Send an action plan", working_days=20
        ),
    ),
    # The council reports progress against its own plan's milestones; milestone_add, which the
    # council's officers and officials both may do, is in test_case_arc.py.
    "milestone_report": (
        "powys_officer",
        lambda fx, cw: cw.milestone(fx("issued_notice")),
        lambda milestone, by: services.milestone_report(
            milestone=milestone, by=by, on=BOARD_REPORT_ON, progress="Six recruited"
        ),
    ),
}


def _route_without_notice():
    """Switch on the route to the power that needs no warning notice, as an administrator would."""
    route = PowerRoute.objects.get(code="without-warning-notice")
    route.enabled, route.source = True, "Legal advice of 1 May 2018"
    route.save()
    return route


REFUSED = [(action, who) for action, (allowed, _, _) in ACTIONS.items() for who in ROLES if who != allowed]


def prepare(action, request, casework):
    return ACTIONS[action][1](request.getfixturevalue, casework)


def obligation_acted_on(target):
    """Return the obligation an action on `target` (a requirement, plan or Board report) changes."""
    if isinstance(target, Requirement):
        return target.obligations.get(kind=ObligationKind.REQUIREMENT)
    if isinstance(target, ImprovementPlan):
        return target.notice.obligations.get(kind=ObligationKind.IMPROVEMENT_PLAN)
    if isinstance(target, BoardReport):
        return target.obligation
    return target


@pytest.mark.parametrize("action", ACTIONS)
def test_the_allowed_role_succeeds(action, request, casework, people):
    allowed, _, act = ACTIONS[action]
    target = prepare(action, request, casework)
    before = snapshot()

    act(target, people[allowed])

    assert changed_tables(before) != []


@pytest.mark.parametrize("action, who", REFUSED)
def test_every_other_role_is_refused_and_nothing_is_written(action, who, request, casework, people):
    target = prepare(action, request, casework)
    before = snapshot()

    with pytest.raises(PermissionDenied) as refused:
        ACTIONS[action][2](target, as_user(people[who]))

    assert str(refused.value) == DENIED
    assert changed_tables(before) == []


@pytest.mark.parametrize(
    "action",
    [
        "requirement_submit",
        "requirement_withdraw",
        "plan_submit",
        "board_report_submit",
        "obligation_record_done",
    ],
)
def test_a_cardiff_officer_cannot_act_on_powys_work(action, request, casework, cardiff_officer):
    target = prepare(action, request, casework)
    obligation = obligation_acted_on(target)
    state = obligation.state
    before = snapshot()

    with pytest.raises(PermissionDenied):
        ACTIONS[action][2](target, cardiff_officer)

    assert changed_tables(before) == []
    assert reread(obligation).state == state


# People who hold a role on paper but may not use it ---------------------------------------


def inactive(person):
    person.is_active = False
    person.save()
    return person


def in_wrong_kind_of_organisation(person):
    """Move the person's organisation to a kind their role does not belong to."""
    organisation = person.organisation
    organisation.kind = (
        OrganisationKind.GOVERNMENT
        if organisation.kind == OrganisationKind.LOCAL_AUTHORITY
        else OrganisationKind.LOCAL_AUTHORITY
    )
    organisation.save()
    return reread(person)


@pytest.mark.parametrize("spoil", [inactive, in_wrong_kind_of_organisation])
@pytest.mark.parametrize(
    "action",
    [
        "notice_issue",
        "requirement_accept",
        "requirement_submit",
        "plan_submit",
        "board_report_submit",
        "obligation_record_done",
    ],
)
def test_an_inactive_or_misplaced_person_is_refused(action, spoil, request, casework, people):
    target = prepare(action, request, casework)
    person = spoil(people[ACTIONS[action][0]])
    before = snapshot()

    with pytest.raises(PermissionDenied):
        ACTIONS[action][2](target, person)

    assert changed_tables(before) == []


# The pure predicates ---------------------------------------------------------------------


def notice_of(council, state, *, given=True):
    """Return an unsaved notice in `state` on a case of `council` (the predicates need no more).

    Every state but a draft has been given to the council, unless `given` is False.
    """
    given_on = datetime.date(2017, 10, 17) if given and state != NoticeState.DRAFT else None
    return WarningNotice(case=InterventionCase(council=council), state=state, given_on=given_on)


MINISTERS_KINDS = {ObligationKind.LAYING, ObligationKind.LEGISLATURE_REPORT}


def obligation_of(council, kind=ObligationKind.REQUIREMENT, state=ObligationState.OPEN):
    """Return an unsaved obligation of `kind` under an issued notice of `council`, in `state`."""
    owner = Owner.MINISTERS if kind in MINISTERS_KINDS else Owner.COUNCIL
    return Obligation(notice=notice_of(council, NoticeState.ISSUED), kind=kind, owner=owner, state=state)


# Who sees a notice, by its state and council: officials everything; inspectors every given
# notice; a council officer only their own council's given notices.
GIVEN = [s for s in NoticeState if s != NoticeState.DRAFT]
SEES = {
    "official": {("powys", s) for s in NoticeState} | {("cardiff", s) for s in NoticeState},
    "inspector": {("powys", s) for s in GIVEN} | {("cardiff", s) for s in GIVEN},
    "powys_officer": {("powys", s) for s in GIVEN},
    "cardiff_officer": {("cardiff", s) for s in GIVEN},
    "administrator": set(),
    "anonymous": set(),
}


@pytest.mark.parametrize("state", list(NoticeState))
@pytest.mark.parametrize("council", ["powys", "cardiff"])
@pytest.mark.parametrize("who", ROLES)
def test_can_view_notice(who, council, state, people, request):
    notice = notice_of(request.getfixturevalue(council), state)

    assert permissions.can_view_notice(notice, as_user(people[who])) is ((council, state) in SEES[who])


@pytest.mark.parametrize("who", ROLES)
def test_council_officers_never_see_drafts(who, people, powys, cardiff):
    person = as_user(people[who])
    drafts = [notice_of(powys, NoticeState.DRAFT), notice_of(cardiff, NoticeState.DRAFT)]

    assert [permissions.can_view_notice(n, person) for n in drafts] == [who == "official"] * 2


@pytest.mark.parametrize(
    "who, expected",
    [
        ("inspector", True),
        ("official", True),
        ("powys_officer", True),
        ("cardiff_officer", False),
        ("administrator", False),
        ("anonymous", False),
    ],
)
def test_can_view_case(who, expected, people, powys):
    assert permissions.can_view_case(InterventionCase(council=powys), as_user(people[who])) is expected


MINISTERIAL_PREDICATES = [
    permissions.can_manage_case,
    permissions.can_manage_notice,
    permissions.can_review_obligation,
    permissions.can_settle_obligation,
    permissions.can_manage_intervention,
    permissions.can_draft_notice,
]


@pytest.mark.parametrize(
    "predicate, target",
    [
        (permissions.can_submit_evidence, lambda council: obligation_of(council)),
        (permissions.can_send_documents, lambda council: notice_of(council, NoticeState.ISSUED)),
    ],
    ids=["can_submit_evidence", "can_send_documents"],
)
@pytest.mark.parametrize("who", ROLES)
def test_only_the_councils_own_officers_do_the_councils_work(predicate, target, who, people, powys):
    assert predicate(target(powys), as_user(people[who])) is (who == "powys_officer")


@pytest.mark.parametrize("kind", list(ObligationKind))
@pytest.mark.parametrize("council", ["powys", "cardiff"])
@pytest.mark.parametrize("who", ROLES)
def test_can_submit_evidence(who, council, kind, people, request):
    """Only the council's own officers, and only for what the council owes."""
    obligation = obligation_of(request.getfixturevalue(council), kind)

    allowed = who == f"{council}_officer" and kind not in MINISTERS_KINDS
    assert permissions.can_submit_evidence(obligation, as_user(people[who])) is allowed


@pytest.mark.parametrize("kind", list(ObligationKind))
@pytest.mark.parametrize("council", ["powys", "cardiff"])
@pytest.mark.parametrize("who", ROLES)
def test_can_meet_obligation(who, council, kind, people, request):
    """Officials record anything as done; a council's officers send the plan and Board reports it owes."""
    obligation = obligation_of(request.getfixturevalue(council), kind)

    sent_by_the_council = kind in (ObligationKind.IMPROVEMENT_PLAN, ObligationKind.BOARD_REPORT)
    allowed = who == "official" or (who == f"{council}_officer" and sent_by_the_council)
    assert permissions.can_meet_obligation(obligation, as_user(people[who])) is allowed


@pytest.mark.parametrize(
    "predicate",
    [permissions.can_review_obligation, permissions.can_settle_obligation],
    ids=lambda p: p.__name__,
)
@pytest.mark.parametrize("kind", list(ObligationKind))
@pytest.mark.parametrize("council", ["powys", "cardiff"])
@pytest.mark.parametrize("who", ROLES)
def test_only_officials_review_and_settle_obligations(predicate, who, council, kind, people, request):
    obligation = obligation_of(request.getfixturevalue(council), kind)

    assert predicate(obligation, as_user(people[who])) is (who == "official")


# Each obligation move and the predicate its `permission=` names (the buttons and the services use it).
TRANSITION_PERMISSIONS = {
    "submit": permissions.can_submit_evidence,
    "accept": permissions.can_review_obligation,
    "return_to_owner": permissions.can_review_obligation,
    "meet": permissions.can_meet_obligation,
    "record_not_evidenced": permissions.can_settle_obligation,
    "reopen": permissions.can_settle_obligation,
    "release": permissions.can_settle_obligation,
    "reinstate": permissions.can_settle_obligation,
    "breach": permissions.can_settle_obligation,
}


def test_each_obligation_move_declares_its_predicate():
    transitions = Obligation._meta.get_field("state").get_all_transitions(Obligation)
    assert {t.name: t.permission for t in transitions} == TRANSITION_PERMISSIONS


# Who may make each move, on a Powys obligation of each kind it is made on, from each state it
# starts from: (move, kind, the people allowed).
MAY_MAKE = [
    ("submit", ObligationKind.REQUIREMENT, {"powys_officer"}),
    ("accept", ObligationKind.REQUIREMENT, {"official"}),
    ("return_to_owner", ObligationKind.REQUIREMENT, {"official"}),
    ("meet", ObligationKind.REQUIREMENT, {"official"}),
    ("meet", ObligationKind.IMPROVEMENT_PLAN, {"official", "powys_officer"}),
    ("meet", ObligationKind.PLAN_AGREEMENT, {"official"}),
    ("meet", ObligationKind.BOARD_REPORT, {"official", "powys_officer"}),
    ("meet", ObligationKind.LAYING, {"official"}),
    ("meet", ObligationKind.LEGISLATURE_REPORT, {"official"}),
    ("record_not_evidenced", ObligationKind.REQUIREMENT, {"official"}),
    ("record_not_evidenced", ObligationKind.LAYING, {"official"}),
    ("reopen", ObligationKind.IMPROVEMENT_PLAN, {"official"}),
    ("release", ObligationKind.REQUIREMENT, {"official"}),
    ("release", ObligationKind.BOARD_REPORT, {"official"}),
    ("reinstate", ObligationKind.BOARD_REPORT, {"official"}),
    ("breach", ObligationKind.REQUIREMENT, {"official"}),
]


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("move, kind, allowed", MAY_MAKE, ids=[f"{m}-{k}" for m, k, _ in MAY_MAKE])
def test_who_may_make_each_obligation_move(move, kind, allowed, who, people, powys):
    transitions = Obligation._meta.get_field("state").get_all_transitions(Obligation)
    sources = [t.source for t in transitions if t.name == move]
    person = as_user(people[who])

    answers = {}
    for source in sources:
        obligation = obligation_of(powys, kind, source)
        answers[source] = getattr(obligation, move)._django_fsm.has_transition_perm(
            obligation, source, person
        )

    assert answers == dict.fromkeys(sources, who in allowed)


@pytest.mark.parametrize("predicate", MINISTERIAL_PREDICATES, ids=lambda p: p.__name__)
@pytest.mark.parametrize("who", ROLES)
def test_only_officials_take_the_ministers_steps(predicate, who, people, powys):
    obj = InterventionCase(council=powys)

    assert predicate(obj, as_user(people[who])) is (who == "official")


@pytest.mark.parametrize("who", ROLES)
def test_only_officials_open_cases(who, people):
    assert permissions.can_create_case(as_user(people[who])) is (who == "official")


@pytest.mark.parametrize("spoil", [inactive, in_wrong_kind_of_organisation])
def test_every_predicate_refuses_an_inactive_or_misplaced_person(spoil, official, powys_officer, powys):
    issued = notice_of(powys, NoticeState.ISSUED)
    plan = Obligation(notice=issued, kind=ObligationKind.IMPROVEMENT_PLAN, owner=Owner.COUNCIL)
    official, officer = spoil(official), spoil(powys_officer)

    answers = [
        permissions.can_view_notice(issued, official),
        permissions.can_view_notice(issued, officer),
        permissions.can_view_case(issued.case, official),
        permissions.can_view_case(issued.case, officer),
        permissions.can_create_case(official),
        *(p(issued.case, official) for p in MINISTERIAL_PREDICATES),
        permissions.can_meet_obligation(plan, official),
        permissions.can_meet_obligation(plan, officer),
        permissions.can_submit_evidence(plan, officer),
        permissions.can_send_documents(issued, officer),
    ]

    assert not any(answers)


def test_a_council_officer_of_an_organisation_that_is_not_a_council_is_refused(powys):
    agency = OrganisationFactory(code="agency", name="An agency", kind=OrganisationKind.GOVERNMENT)
    # Recorded with the council officer role, but in an organisation that is not a local authority.
    person = UserFactory(username="agency-officer", role=Role.COUNCIL_OFFICER, organisation=agency)
    agency_notice = notice_of(agency, NoticeState.ISSUED)
    agency_plan = Obligation(notice=agency_notice, kind=ObligationKind.IMPROVEMENT_PLAN, owner=Owner.COUNCIL)

    assert not permissions.can_view_notice(agency_notice, person)
    assert not permissions.can_view_case(agency_notice.case, person)
    assert not permissions.can_submit_evidence(agency_plan, person)
    assert not permissions.can_meet_obligation(agency_plan, person)
    assert not permissions.can_send_documents(agency_notice, person)


@pytest.mark.parametrize("who", ["powys_officer", "inspector"])
def test_a_draft_withdrawn_before_it_was_given_stays_hidden(who, people, powys):
    never_given = notice_of(powys, NoticeState.WITHDRAWN, given=False)

    assert permissions.can_view_notice(never_given, people[who]) is False
