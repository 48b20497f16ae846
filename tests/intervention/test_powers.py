"""The Welsh Ministers' power to intervene (s152) and the directions given under it (ss153-161).

The power arises by the Ministers' determination once a warning notice's compliance period has
ended; it ends only by their written notice. Each direction is given under a live power, can be
varied (keeping what it said before), revoked or ended, and what it requires of the council is an
obligation that lives as long as the direction.
"""

import datetime

import django_fsm as fsm
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import TransitionLog
from intervention import services
from intervention.choices import (
    LIVE_STATES,
    DirectionKind,
    DirectionState,
    NoDateReason,
    NoticeState,
    ObligationKind,
    ObligationState,
    Owner,
    PerformedBy,
    PowerState,
)
from intervention.models import (
    Direction,
    DirectionVariation,
    Obligation,
    PowerRoute,
    PowerToIntervene,
    WarningNotice,
)
from intervention.obligations import selectors as obligation_selectors
from tests.factories import StatutoryFunctionFactory
from tests.workflow import (
    ENDED_ON,
    ESCALATED_ON,
    IN_FORCE_ON,
    Casework,
    changed_tables,
    reread,
    snapshot,
)

pytestmark = pytest.mark.django_db

# The Powys compliance period: 20 working days from 17 October 2017.
COMPLIANCE_ENDS_ON = datetime.date(2017, 11, 14)
FIRST_DAY_OF_THE_POWER = datetime.date(2017, 11, 15)
TOO_EARLY = (
    "The compliance period ends on 14 November 2017, so the power to intervene cannot arise before "
    "15 November 2017 (s152)."
)
VARIED_ON = datetime.date(2018, 6, 1)
REVOKED_ON = datetime.date(2018, 9, 3)
URGENCY = "without-warning-notice"


@pytest.fixture
def casework(official, powys_officer):
    return Casework(official=official, officer=powys_officer)


@pytest.fixture
def power(issued_notice, casework):
    return casework.power(issued_notice)


def determine(notice, by, *, on=ESCALATED_ON, letters=("a", "f"), **changes):
    kwargs = {
        "actions_not_taken": list(notice.requirements.filter(letter__in=letters)),
        "reasons": "The council did not take the required action.",
        "reference": "WG-2018-001",
        **changes,
    }
    return services.power_determine(notice=notice, by=by, on=on, **kwargs)


def give(power, by, kind=DirectionKind.SPECIFIED_ACTION, **fields):
    fields = {"terms": "Appoint an interim director of social services.", "given_on": IN_FORCE_ON, **fields}
    return services.direction_give(power=power, by=by, kind=kind, **fields)


def performed_by_nominee(power, by, **fields):
    fields = {
        "performed_by": PerformedBy.NOMINEE,
        "nominee": "A neighbouring council",
        "functions": [StatutoryFunctionFactory(code="SSWBA-s144")],
        **fields,
    }
    return give(power, by, DirectionKind.PERFORMED_BY_MINISTERS, **fields)


def status_of(obligation, *, on):
    return obligation_selectors.with_status([reread(obligation)], today=on)[0].status.code


def logs_of(obj):
    """The transition-log rows of `obj`, oldest first: (transition, source, target, by, on, reason)."""
    rows = TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).order_by("id")
    return [(r.transition, r.source_state, r.target_state, r.by, r.occurred_on, r.reason) for r in rows]


def history_of(obj):
    """The history rows of `obj`, oldest first: (type, who, why, state)."""
    rows = reread(obj).history.order_by("history_id")
    return [(r.history_type, r.history_user, r.history_change_reason, r.state) for r in rows]


def assert_refused(action, *, field=None, message=None):
    """Run `action`, expect a ValidationError (on `field`, with `message`); prove nothing was written."""
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        action()

    if field is not None:
        assert list(refused.value.message_dict) == [field]
    if message is not None:
        assert message in refused.value.messages
    assert changed_tables(before) == []
    return refused.value


# Determining that the power has arisen (s152) ---------------------------------------------------


@pytest.mark.parametrize(
    "on", [COMPLIANCE_ENDS_ON - datetime.timedelta(days=1), COMPLIANCE_ENDS_ON], ids=["before", "last_day"]
)
def test_the_power_cannot_arise_until_the_compliance_period_has_ended(on, issued_notice, official):
    assert_refused(lambda: determine(issued_notice, official, on=on), field="on", message=TOO_EARLY)

    assert reread(issued_notice).state == NoticeState.ISSUED
    assert not PowerToIntervene.objects.exists()


def test_the_power_can_arise_the_day_after_the_compliance_period_ends(issued_notice, official):
    power = determine(issued_notice, official, on=FIRST_DAY_OF_THE_POWER)

    assert (reread(power).state, power.determined_on) == (PowerState.LIVE, FIRST_DAY_OF_THE_POWER)


@pytest.mark.parametrize(
    "ends_on, over",
    [
        (datetime.timedelta(days=-1), True),
        (datetime.timedelta(0), False),
        (datetime.timedelta(days=1), False),
    ],
    ids=["ended_yesterday", "ends_today", "ends_tomorrow"],
)
def test_the_notice_can_escalate_only_once_its_compliance_period_is_over(ends_on, over):
    """The model's own condition, compared with today: the service's check on the date is not the only one."""
    notice = WarningNotice(state=NoticeState.ISSUED, compliance_ends_on=timezone.localdate() + ends_on)

    assert notice.compliance_period_over() is over
    assert fsm.can_proceed(notice.escalate) is over


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"reasons": " "}, "reason"),
        ({"actions_not_taken": []}, "actions_not_taken"),
    ],
    ids=["no_reasons", "no_actions"],
)
def test_the_determination_needs_reasons_and_the_actions_not_taken(changes, field, issued_notice, official):
    assert_refused(lambda: determine(issued_notice, official, **changes), field=field)


def test_the_actions_not_taken_must_be_required_by_the_notice(issued_notice, powys_case, official):
    other = services.notice_draft(case=powys_case, by=official, title="Another notice")
    elsewhere = services.requirement_add(notice=other, by=official, letter="a", text="Another requirement")
    withdrawn = issued_notice.requirements.get(letter="g")
    services.requirement_withdraw(requirement=withdrawn, by=official, reason="No longer needed")

    for requirement in (elsewhere, withdrawn):
        assert_refused(
            lambda requirement=requirement: determine(
                reread(issued_notice),
                official,
                actions_not_taken=[issued_notice.requirements.get(letter="a"), requirement],
            ),
            field="actions_not_taken",
            message="Choose required actions of this notice.",
        )


def test_the_determination_ends_the_notice_escalated_and_releases_what_the_council_owed(
    issued_notice, casework, official
):
    casework.requirement(issued_notice, ObligationState.SUBMITTED, letter="g")  # with the reviewer
    council = issued_notice.obligations.filter(owner=Owner.COUNCIL)
    live = {o.pk: o.state for o in council.filter(state__in=LIVE_STATES)}
    assert ObligationState.SUBMITTED in live.values()

    power = determine(issued_notice, official, reference="Letter of 15 January 2018")

    notice = reread(issued_notice)
    assert (notice.state, notice.ended_on) == (NoticeState.ESCALATED, ESCALATED_ON)
    why = (
        "The notice ended on 15 January 2018: the Ministers determined that the power to intervene "
        "had arisen."
    )
    for pk, source in live.items():
        released = Obligation.objects.get(pk=pk)
        assert (released.state, released.settled_reason, released.not_required_on) == (
            ObligationState.NOT_REQUIRED,
            why,
            ESCALATED_ON,
        )
        assert logs_of(released)[-1] == (
            "release",
            source,
            ObligationState.NOT_REQUIRED,
            official,
            ESCALATED_ON,
            why,
        )
    # The Ministers' own s151(3) duties arose from giving the notice: they stay owed.
    assert set(issued_notice.obligations.filter(owner=Owner.MINISTERS).values_list("state", flat=True)) == {
        ObligationState.OPEN
    }
    stored = reread(power)
    assert (stored.case_id, stored.notice_id, stored.route.code, stored.reference, stored.state) == (
        issued_notice.case_id,
        issued_notice.pk,
        "after-warning-notice",
        "Letter of 15 January 2018",
        PowerState.LIVE,
    )
    assert sorted(stored.actions_not_taken.values_list("letter", flat=True)) == ["a", "f"]
    assert [(kind, user, why) for kind, user, why, _state in history_of(power)] == [
        ("+", official, "determined"),
        ("~", official, "determined: actions not taken"),
    ]
    assert logs_of(notice)[-1] == (
        "escalate",
        NoticeState.ISSUED,
        NoticeState.ESCALATED,
        official,
        ESCALATED_ON,
        "The council did not take the required action.",
    )


def test_the_determination_is_refused_when_the_route_after_a_notice_is_switched_off(issued_notice, official):
    PowerRoute.objects.filter(code="after-warning-notice").update(enabled=False)

    error = assert_refused(lambda: determine(issued_notice, official))

    assert error.messages == [
        "The route to the power after a warning notice is switched off in the reference data."
    ]


def test_an_addendum_cannot_be_escalated_on_its_own(issued_notice, official):
    addendum = services.notice_draft(
        case=issued_notice.case, by=official, title="Addendum", kind="addendum", parent=issued_notice
    )
    services.requirement_add(notice=addendum, by=official, letter="h", text="Requirement h")
    addendum = services.notice_issue(notice=addendum, by=official, on=datetime.date(2017, 11, 1))
    before = snapshot()

    with pytest.raises(fsm.TransitionNotAllowed) as refused:
        determine(addendum, official, letters=("h",))

    assert str(refused.value) == (
        "An addendum is part of the notice it amends: record the determination on that notice."
    )
    assert changed_tables(before) == []


# The route without a warning notice (urgency): off until an administrator switches it on -------


def enable_urgency(source="Legal advice on s152, 1 May 2018"):
    route = PowerRoute.objects.get(code=URGENCY)
    route.enabled, route.source = True, source
    route.save()
    return route


def determine_urgently(case, by, route=None, **changes):
    kwargs = {
        "on": ESCALATED_ON,
        "reasons": "Children at immediate risk.",
        "reference": "WG-URG-1",
        **changes,
    }
    return services.power_determine_without_notice(
        case=case, route=route or PowerRoute.objects.get(code=URGENCY), by=by, **kwargs
    )


def test_the_route_without_a_warning_notice_is_off_at_first(powys_case, official):
    route = PowerRoute.objects.get(code=URGENCY)
    assert (route.enabled, route.source, route.requires_warning_notice) == (False, "", False)

    assert_refused(lambda: determine_urgently(powys_case, official), field="route")


def test_the_route_after_a_notice_cannot_be_used_without_one(powys_case, official):
    after_notice = PowerRoute.objects.get(code="after-warning-notice")

    assert_refused(lambda: determine_urgently(powys_case, official, route=after_notice), field="route")


def test_the_route_cannot_be_switched_on_without_a_source():
    with pytest.raises(IntegrityError), transaction.atomic():
        PowerRoute.objects.filter(code=URGENCY).update(enabled=True)

    assert PowerRoute.objects.get(code=URGENCY).enabled is False


def test_an_administrator_switches_the_route_on_with_a_source_in_the_admin(client, administrator):
    route = PowerRoute.objects.get(code=URGENCY)
    url = reverse("admin:intervention_powerroute_change", args=[route.pk])
    client.force_login(administrator)
    form = {
        "code": route.code,
        "name": route.name,
        "description": route.description,
        "provision": route.provision_id,
        "enabled": "on",
        "confidence": "V",
    }

    refused = client.post(url, {**form, "source": ""})
    accepted = client.post(url, {**form, "source": "SSWBA 2014 s152, read on legislation.gov.uk"})

    assert refused.status_code == 200  # the form again, with the constraint's error
    assert accepted.status_code == 302
    stored = reread(route)
    assert (stored.enabled, stored.source) == (True, "SSWBA 2014 s152, read on legislation.gov.uk")
    assert stored.history.first().history_user == administrator


def test_once_switched_on_the_power_can_arise_without_a_notice(powys_case, official):
    route = enable_urgency()

    power = determine_urgently(powys_case, official)

    stored = reread(power)
    assert (stored.case, stored.route, stored.notice, stored.state, stored.determined_on) == (
        powys_case,
        route,
        None,
        PowerState.LIVE,
        ESCALATED_ON,
    )
    assert history_of(power) == [("+", official, "determined", PowerState.LIVE)]


@pytest.mark.parametrize("blank, field", [("reasons", "reason"), ("reference", "reference")])
def test_the_urgent_determination_needs_reasons_and_a_reference(blank, field, powys_case, official):
    enable_urgency()

    assert_refused(lambda: determine_urgently(powys_case, official, **{blank: " "}), field=field)


def test_what_a_direction_requires_cannot_be_tracked_without_a_notice(powys_case, official):
    enable_urgency()
    direction = give(determine_urgently(powys_case, official), official)

    error = assert_refused(
        lambda: services.direction_require(
            direction=direction, by=official, on=IN_FORCE_ON, description="Act"
        )
    )

    assert "did not follow a warning notice" in error.messages[0]


# Directions: each kind given, varied, then revoked or ended --------------------------------------

SECTIONS = {
    DirectionKind.ADVISORY_SERVICES: "s153",
    DirectionKind.SPECIFIED_ACTION: "s154",
    DirectionKind.PERFORMED_BY_MINISTERS: "s155",
    DirectionKind.FURTHER_PROVISION: "s156",
}


def give_any(kind, power, by):
    """Give a direction of `kind` with what it needs (a further provision: its direction to perform)."""
    if kind == DirectionKind.PERFORMED_BY_MINISTERS:
        return performed_by_nominee(power, by)
    if kind == DirectionKind.FURTHER_PROVISION:
        return give(
            power, by, kind, relates_to=performed_by_nominee(power, by), terms="Give access to files."
        )
    return give(power, by, kind)


@pytest.mark.parametrize("ending", ["revoke", "end"])
@pytest.mark.parametrize("kind", list(DirectionKind))
def test_each_kind_of_direction_is_given_varied_and_revoked_or_ended(kind, ending, power, official):
    direction = give_any(kind, power, official)
    given = reread(direction)
    assert (given.state, given.provision.section, given.given_on, given.starts_on) == (
        DirectionState.IN_FORCE,
        SECTIONS[kind],
        IN_FORCE_ON,
        IN_FORCE_ON,
    )

    services.direction_vary(
        direction=direction,
        by=official,
        on=VARIED_ON,
        terms="Varied terms.",
        reason="The council asked for more time",
        ends_on=datetime.date(2019, 3, 31),
        nominee="Another council",
    )
    stop = services.direction_revoke if ending == "revoke" else services.direction_end
    stop(direction=direction, by=official, on=REVOKED_ON, reason="Improvement sustained")

    stored = reread(direction)
    target = DirectionState.REVOKED if ending == "revoke" else DirectionState.ENDED
    assert (stored.state, stored.terms, stored.ends_on, stored.end_reason) == (
        target,
        "Varied terms.",
        datetime.date(2019, 3, 31),
        "Improvement sustained",
    )
    assert (stored.revoked_on, stored.ended_on) == (
        (REVOKED_ON, None) if ending == "revoke" else (None, REVOKED_ON)
    )
    assert logs_of(direction) == [
        (
            "vary",
            DirectionState.IN_FORCE,
            DirectionState.IN_FORCE,
            official,
            VARIED_ON,
            "The council asked for more time",
        ),
        (ending, DirectionState.IN_FORCE, target, official, REVOKED_ON, "Improvement sustained"),
    ]
    rows = history_of(direction)
    assert rows[0][:3] == ("+", official, "given")
    assert rows[-2:] == [
        ("~", official, "vary: The council asked for more time", DirectionState.IN_FORCE),
        ("~", official, f"{ending}: Improvement sustained", target),
    ]
    assert {r[1] for r in rows} == {official}


def test_a_variation_keeps_what_the_direction_said_before(power, official):
    direction = performed_by_nominee(
        power, official, ends_on=datetime.date(2018, 12, 31), terms="First terms"
    )

    services.direction_vary(
        direction=direction,
        by=official,
        on=VARIED_ON,
        terms="Second terms",
        reason="Nominee changed",
        nominee="Second nominee",
        reference="WG-VAR-1",
    )
    services.direction_vary(
        direction=reread(direction),
        by=official,
        on=REVOKED_ON,
        terms="Third terms",
        reason="Extended",
        ends_on=datetime.date(2019, 6, 30),
        nominee="Second nominee",
    )

    variations = DirectionVariation.objects.filter(direction=direction).order_by("varied_on")
    assert [
        (v.varied_on, v.terms_before, v.ends_on_before, v.nominee_before, v.reason, v.reference)
        for v in variations
    ] == [
        (
            VARIED_ON,
            "First terms",
            datetime.date(2018, 12, 31),
            "A neighbouring council",
            "Nominee changed",
            "WG-VAR-1",
        ),
        (REVOKED_ON, "Second terms", None, "Second nominee", "Extended", ""),
    ]
    stored = reread(direction)
    assert (stored.terms, stored.ends_on, stored.nominee) == (
        "Third terms",
        datetime.date(2019, 6, 30),
        "Second nominee",
    )
    assert [v.history.get().history_user for v in variations] == [official, official]


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"reason": " "}, "reason"),
        ({"terms": " "}, "terms"),
        ({"on": IN_FORCE_ON - datetime.timedelta(days=1)}, "on"),
        ({"ends_on": IN_FORCE_ON - datetime.timedelta(days=1)}, "ends_on"),
        ({"nominee": " "}, "nominee"),
    ],
    ids=["reason", "terms", "before_given", "ends_before_start", "no_nominee"],
)
def test_a_variation_needs_its_reason_terms_and_nominee(changes, field, power, official):
    direction = performed_by_nominee(power, official)
    kwargs = {"on": VARIED_ON, "terms": "New terms", "reason": "Why", "nominee": "Someone", **changes}

    assert_refused(lambda: services.direction_vary(direction=direction, by=official, **kwargs), field=field)


# What a direction needs ----------------------------------------------------------------------------


FURTHER_PROVISION_FOR = "Choose the direction in force, that a function be performed, that this provides for."


@pytest.mark.parametrize(
    "relates_to",
    ["none", "specified_action", "revoked_performed_by", "other_powers_performed_by"],
)
def test_further_provision_is_for_a_direction_in_force_that_a_function_be_performed(
    relates_to, power, powys_case, official
):
    if relates_to == "specified_action":
        other = give(power, official)
    elif relates_to == "revoked_performed_by":
        other = performed_by_nominee(power, official)
        services.direction_revoke(direction=other, by=official, on=VARIED_ON, reason="Not needed")
        other = reread(other)
    elif relates_to == "other_powers_performed_by":
        enable_urgency()
        other = performed_by_nominee(determine_urgently(powys_case, official), official)
    else:
        other = None

    assert_refused(
        lambda: give(power, official, DirectionKind.FURTHER_PROVISION, relates_to=other),
        field="relates_to",
        message=FURTHER_PROVISION_FOR,
    )


def test_further_provision_is_given_for_a_direction_to_perform(power, official):
    performed = performed_by_nominee(power, official)

    further = give(power, official, DirectionKind.FURTHER_PROVISION, relates_to=performed)

    assert (reread(further).relates_to, list(performed.further_provisions.all())) == (performed, [further])


def test_only_further_provision_relates_to_another_direction(power, official):
    performed = performed_by_nominee(power, official)

    advisory = give(power, official, DirectionKind.ADVISORY_SERVICES, relates_to=performed)

    assert reread(advisory).relates_to is None


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"performed_by": ""}, "performed_by"),
        ({"performed_by": PerformedBy.NOMINEE, "nominee": " "}, "nominee"),
        ({"functions": []}, "functions"),
    ],
    ids=["who_performs", "nominee", "functions"],
)
def test_a_direction_to_perform_says_who_performs_which_functions(changes, field, power, official):
    assert_refused(lambda: performed_by_nominee(power, official, **changes), field=field)


def test_a_direction_performed_by_the_ministers_names_no_nominee(power, official):
    direction = performed_by_nominee(power, official, performed_by=PerformedBy.MINISTERS, nominee="Ignored")

    assert (reread(direction).performed_by, reread(direction).nominee) == (PerformedBy.MINISTERS, "")


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"terms": " "}, "terms"),
        ({"kind": "s999"}, "kind"),
        ({"given_on": ESCALATED_ON - datetime.timedelta(days=1)}, "given_on"),
        ({"starts_on": IN_FORCE_ON - datetime.timedelta(days=1)}, "starts_on"),
        ({"ends_on": IN_FORCE_ON - datetime.timedelta(days=1)}, "ends_on"),
    ],
    ids=["terms", "kind", "before_the_power", "starts_before_given", "ends_before_start"],
)
def test_a_direction_needs_terms_a_kind_and_dates_in_order(changes, field, power, official):
    kind = changes.pop("kind", DirectionKind.SPECIFIED_ACTION)

    assert_refused(lambda: give(power, official, kind, **changes), field=field)


def test_no_direction_is_given_under_a_power_that_has_ended(issued_notice, casework, official):
    power = casework.power(issued_notice, PowerState.ENDED)

    error = assert_refused(lambda: give(power, official, given_on=ENDED_ON))

    assert error.messages == ["The power to intervene has ended, so no direction can be given under it."]


@pytest.mark.parametrize("state", [DirectionState.REVOKED, DirectionState.ENDED])
@pytest.mark.parametrize("move", ["vary", "revoke", "end"])
def test_a_direction_no_longer_in_force_cannot_change(move, state, power, casework, official):
    direction = casework.direction(power, state)
    before = snapshot()

    with pytest.raises(fsm.TransitionNotAllowed):
        if move == "vary":
            services.direction_vary(direction=direction, by=official, on=ENDED_ON, terms="x", reason="x")
        else:
            getattr(services, f"direction_{move}")(direction=direction, by=official, on=ENDED_ON, reason="x")

    assert changed_tables(before) == []


# Ending the power ----------------------------------------------------------------------------------


def test_ending_the_power_ends_the_directions_in_force_and_what_they_required(power, official):
    in_force = give(power, official)
    required = services.direction_require(
        direction=in_force, by=official, on=IN_FORCE_ON, description="Report monthly to the Minister"
    )
    revoked = give(power, official, DirectionKind.ADVISORY_SERVICES)
    services.direction_revoke(direction=revoked, by=official, on=VARIED_ON, reason="Adviser no longer needed")
    revoked_rows = len(history_of(revoked))

    services.power_end(
        power=power,
        by=official,
        on=ENDED_ON,
        reference="Letter of 31 July 2019",
        reasons="Improvement sustained",
    )

    stored = reread(power)
    assert (stored.state, stored.ended_on, stored.end_reference, stored.end_reasons) == (
        PowerState.ENDED,
        ENDED_ON,
        "Letter of 31 July 2019",
        "Improvement sustained",
    )
    why = "The power to intervene ended on 31 July 2019."
    ended = reread(in_force)
    assert (ended.state, ended.ended_on, ended.end_reason) == (DirectionState.ENDED, ENDED_ON, why)
    assert logs_of(ended)[-1] == (
        "end",
        DirectionState.IN_FORCE,
        DirectionState.ENDED,
        official,
        ENDED_ON,
        why,
    )
    released = reread(required)
    released_why = f"The direction ended on 31 July 2019: {why}"
    assert (released.state, released.settled_reason) == (ObligationState.NOT_REQUIRED, released_why)
    assert status_of(released, on=ENDED_ON) == "not_required"
    assert (reread(revoked).state, len(history_of(revoked))) == (DirectionState.REVOKED, revoked_rows)
    assert logs_of(power) == [
        ("end", PowerState.LIVE, PowerState.ENDED, official, ENDED_ON, "Improvement sustained")
    ]


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"reference": " "}, "reference"),
        ({"reasons": " "}, "reason"),
        ({"on": ESCALATED_ON - datetime.timedelta(days=1)}, "on"),
        ({"on": IN_FORCE_ON - datetime.timedelta(days=1)}, "on"),  # before a direction under it
    ],
    ids=["reference", "reasons", "before_it_arose", "before_a_direction"],
)
def test_ending_the_power_needs_a_written_notice_reasons_and_a_date_in_order(changes, field, power, official):
    give(power, official)
    kwargs = {"on": ENDED_ON, "reference": "Letter", "reasons": "Sustained", **changes}

    assert_refused(lambda: services.power_end(power=power, by=official, **kwargs), field=field)

    assert set(Direction.objects.values_list("state", flat=True)) == {DirectionState.IN_FORCE}


def test_a_power_can_end_only_once(issued_notice, casework, official):
    power = casework.power(issued_notice, PowerState.ENDED)
    before = snapshot()

    with pytest.raises(fsm.TransitionNotAllowed):
        services.power_end(power=power, by=official, on=ENDED_ON, reference="Again", reasons="Again")

    assert changed_tables(before) == []


# What a direction requires of the council ----------------------------------------------------------

DUE_ON = datetime.date(2018, 3, 1)


def test_a_direction_requires_something_by_a_date(power, official, powys_officer):
    direction = give(power, official)

    obligation = services.direction_require(
        direction=direction,
        by=official,
        on=IN_FORCE_ON,
        description="Appoint an interim director",
        due_on=DUE_ON,
    )

    stored = reread(obligation)
    assert (stored.kind, stored.owner, stored.notice, stored.direction, stored.description) == (
        ObligationKind.DIRECTION,
        Owner.COUNCIL,
        power.notice,
        direction,
        "Appoint an interim director",
    )
    assert (stored.state, stored.opened_on, stored.due_on, stored.basis) == (
        ObligationState.OPEN,
        IN_FORCE_ON,
        DUE_ON,
        "Set in the direction given on 1 February 2018: 1 March 2018",
    )
    assert stored.label == "Direction: Appoint an interim director"
    assert status_of(stored, on=DUE_ON - datetime.timedelta(days=14)) == "not_due"
    assert status_of(stored, on=DUE_ON) == "due_today"
    assert status_of(stored, on=DUE_ON + datetime.timedelta(days=1)) == "overdue"
    assert history_of(obligation) == [("+", official, "opened", ObligationState.OPEN)]


def test_a_direction_requires_something_with_no_date(power, official):
    direction = give(power, official)

    obligation = services.direction_require(
        direction=direction, by=official, on=IN_FORCE_ON, description="Co-operate with the adviser"
    )

    stored = reread(obligation)
    assert (stored.due_on, stored.no_date_reason, stored.state) == (
        None,
        NoDateReason.NOT_SET_BY_DIRECTION,
        ObligationState.OPEN,
    )
    assert status_of(stored, on=datetime.date(2030, 1, 1)) != "overdue"


@pytest.mark.parametrize("stop", ["revoke", "end"])
def test_what_a_direction_required_is_no_longer_owed_once_it_stops(stop, power, official):
    direction = give(power, official)
    dated = services.direction_require(
        direction=direction, by=official, on=IN_FORCE_ON, description="Appoint", due_on=DUE_ON
    )
    undated = services.direction_require(
        direction=direction, by=official, on=IN_FORCE_ON, description="Co-operate"
    )
    other = services.direction_require(
        direction=give(power, official),
        by=official,
        on=IN_FORCE_ON,
        description="Other direction",
        due_on=DUE_ON,
    )

    getattr(services, f"direction_{stop}")(direction=direction, by=official, on=VARIED_ON, reason="Done")

    verb = "revoked" if stop == "revoke" else "ended"
    why = (
        f"The direction was {verb} on 1 June 2018: Done"
        if stop == "revoke"
        else "The direction ended on 1 June 2018: Done"
    )
    for obligation in (dated, undated):
        stored = reread(obligation)
        assert (stored.state, stored.not_required_on, stored.settled_reason) == (
            ObligationState.NOT_REQUIRED,
            VARIED_ON,
            why,
        )
        assert status_of(stored, on=VARIED_ON + datetime.timedelta(days=30)) == "not_required"
        assert logs_of(stored)[-1][:3] == ("release", ObligationState.OPEN, ObligationState.NOT_REQUIRED)
    assert reread(other).state == ObligationState.OPEN


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"description": " "}, "description"),
        ({"due_on": IN_FORCE_ON - datetime.timedelta(days=1)}, "due_on"),
        ({"on": IN_FORCE_ON - datetime.timedelta(days=1)}, "on"),
    ],
    ids=["description", "due_before_required", "before_given"],
)
def test_what_a_direction_requires_needs_words_and_dates_in_order(changes, field, power, official):
    direction = give(power, official)
    kwargs = {"on": IN_FORCE_ON, "description": "Appoint", "due_on": DUE_ON, **changes}

    assert_refused(
        lambda: services.direction_require(direction=direction, by=official, **kwargs), field=field
    )


def test_a_direction_no_longer_in_force_requires_nothing_more(power, casework, official):
    direction = casework.direction(power, DirectionState.REVOKED)

    error = assert_refused(
        lambda: services.direction_require(direction=direction, by=official, on=ENDED_ON, description="Act")
    )

    assert error.messages == ["The direction is not in force, so it requires nothing more."]
