"""Who may do what in an intervention: every service action against every role, and the predicates."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from accounts.choices import OrganisationKind, Role
from intervention import permissions, services
from intervention.choices import (
    BoardReportState,
    InterventionPower,
    InterventionState,
    NoticeState,
    PlanState,
    RequirementState,
)
from intervention.models import Ground, InterventionCase, WarningNotice
from tests.factories import GroundFactory, OrganisationFactory, UserFactory
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
            case=case, by=by, on=CLOSED_ON, decision="Satisfied", source="Written statement"
        ),
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
    "notice_escalate": (
        "official",
        lambda fx, cw: fx("issued_notice"),
        lambda notice, by: services.notice_escalate(
            notice=notice,
            by=by,
            reason="Not done",
            power=InterventionPower.ADVISORY_SERVICES,
            terms="Obtain advice.",
            on=ESCALATED_ON,
        ),
    ),
    "requirement_submit": (
        "powys_officer",
        lambda fx, cw: fx("requirement_a"),
        lambda requirement, by: services.requirement_submit(requirement=requirement, by=by, statement="Done"),
    ),
    "requirement_accept": (
        "official",
        lambda fx, cw: cw.requirement(fx("issued_notice"), RequirementState.SUBMITTED),
        lambda requirement, by: services.requirement_accept(requirement=requirement, by=by, reason="Good"),
    ),
    "requirement_return": (
        "official",
        lambda fx, cw: cw.requirement(fx("issued_notice"), RequirementState.SUBMITTED),
        lambda requirement, by: services.requirement_return(requirement=requirement, by=by, reason="More"),
    ),
    "requirement_withdraw": (
        "official",
        lambda fx, cw: cw.requirement(fx("issued_notice"), RequirementState.OPEN),
        lambda requirement, by: services.requirement_withdraw(requirement=requirement, by=by, reason="No"),
    ),
    "requirement_record_breach": (
        "official",
        lambda fx, cw: cw.requirement(fx("issued_notice"), RequirementState.OPEN, letter="g"),
        lambda requirement, by: services.requirement_record_breach(
            requirement=requirement, by=by, reason="New structure"
        ),
    ),
    "plan_submit": (
        "powys_officer",
        lambda fx, cw: cw.plan(fx("issued_notice"), PlanState.DRAFTING),
        lambda plan, by: services.plan_submit(plan=plan, by=by, on=PLAN_SUBMITTED_ON, summary="Plan"),
    ),
    "plan_return": (
        "official",
        lambda fx, cw: cw.plan(fx("issued_notice"), PlanState.SUBMITTED),
        lambda plan, by: services.plan_return(plan=plan, by=by, reason="No timescales"),
    ),
    "plan_agree": (
        "official",
        lambda fx, cw: cw.plan(fx("issued_notice"), PlanState.SUBMITTED),
        lambda plan, by: services.plan_agree(plan=plan, by=by, on=PLAN_AGREED_ON),
    ),
    "board_report_submit": (
        "powys_officer",
        lambda fx, cw: cw.board_report(fx("issued_notice"), BoardReportState.DUE),
        lambda report, by: services.board_report_submit(
            report=report, by=by, on=BOARD_REPORT_ON, summary="November"
        ),
    ),
    "intervention_bring_into_force": (
        "official",
        lambda fx, cw: cw.intervention(fx("issued_notice"), InterventionState.PROPOSED),
        lambda intervention, by: services.intervention_bring_into_force(
            intervention=intervention, by=by, on=IN_FORCE_ON
        ),
    ),
    "intervention_end": (
        "official",
        lambda fx, cw: cw.intervention(fx("issued_notice"), InterventionState.IN_FORCE),
        lambda intervention, by: services.intervention_end(
            intervention=intervention, by=by, on=ENDED_ON, reason="Done"
        ),
    ),
}
REFUSED = [(action, who) for action, (allowed, _, _) in ACTIONS.items() for who in ROLES if who != allowed]


def prepare(action, request, casework):
    return ACTIONS[action][1](request.getfixturevalue, casework)


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


@pytest.mark.parametrize("action", ["requirement_submit", "plan_submit", "board_report_submit"])
def test_a_cardiff_officer_cannot_act_on_powys_work(action, request, casework, cardiff_officer):
    target = prepare(action, request, casework)
    state = target.state
    before = snapshot()

    with pytest.raises(PermissionDenied):
        ACTIONS[action][2](target, cardiff_officer)

    assert changed_tables(before) == []
    assert reread(target).state == state


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
    ["notice_issue", "requirement_accept", "requirement_submit", "plan_submit", "board_report_submit"],
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


COUNCIL_PREDICATES = [
    permissions.can_submit_requirement,
    permissions.can_submit_plan,
    permissions.can_submit_board_report,
]
MINISTERIAL_PREDICATES = [
    permissions.can_manage_case,
    permissions.can_manage_notice,
    permissions.can_decide_requirement,
    permissions.can_decide_plan,
    permissions.can_manage_intervention,
    permissions.can_draft_notice,
]


class _OnPowysNotice:
    """Stands for a requirement, plan or Board report: the predicates read only `.notice`."""

    def __init__(self, notice):
        self.notice = notice


@pytest.mark.parametrize("predicate", COUNCIL_PREDICATES, ids=lambda p: p.__name__)
@pytest.mark.parametrize("who", ROLES)
def test_only_the_councils_own_officers_do_the_councils_work(predicate, who, people, powys):
    obj = _OnPowysNotice(notice_of(powys, NoticeState.ISSUED))

    assert predicate(obj, as_user(people[who])) is (who == "powys_officer")


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
    official, officer = spoil(official), spoil(powys_officer)

    answers = [
        permissions.can_view_notice(issued, official),
        permissions.can_view_notice(issued, officer),
        permissions.can_view_case(issued.case, official),
        permissions.can_view_case(issued.case, officer),
        permissions.can_create_case(official),
        *(p(issued.case, official) for p in MINISTERIAL_PREDICATES),
        *(p(_OnPowysNotice(issued), officer) for p in COUNCIL_PREDICATES),
    ]

    assert not any(answers)


def test_a_council_officer_of_an_organisation_that_is_not_a_council_is_refused(powys):
    agency = OrganisationFactory(code="agency", name="An agency", kind=OrganisationKind.GOVERNMENT)
    # Recorded with the council officer role, but in an organisation that is not a local authority.
    person = UserFactory(username="agency-officer", role=Role.COUNCIL_OFFICER, organisation=agency)
    agency_notice = notice_of(agency, NoticeState.ISSUED)

    assert not permissions.can_view_notice(agency_notice, person)
    assert not permissions.can_view_case(agency_notice.case, person)
    assert not permissions.can_submit_requirement(_OnPowysNotice(agency_notice), person)


@pytest.mark.parametrize("who", ["powys_officer", "inspector"])
def test_a_draft_withdrawn_before_it_was_given_stays_hidden(who, people, powys):
    never_given = notice_of(powys, NoticeState.WITHDRAWN, given=False)

    assert permissions.can_view_notice(never_given, people[who]) is False
