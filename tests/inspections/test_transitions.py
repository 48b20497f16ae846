"""The inspection state machine, and the freezing of findings once the report is published."""

import django_fsm as fsm
import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from inspections import services
from inspections.choices import FindingKind, FindingTheme, InspectionState
from inspections.models import Finding, Inspection, Recommendation
from tests.factories import FindingFactory, InspectionFactory, StatutoryFunctionFactory
from tests.workflow import (
    DRAFT_ISSUED_ON,
    FIELDWORK_ON,
    PUBLISHED_ON,
    changed_tables,
    inspection_in,
    reread,
    snapshot,
    tomorrow,
)

pytestmark = pytest.mark.django_db

# The graph as the design states it: transition -> the states it may start from.
SOURCES = {
    "start_fieldwork": {InspectionState.PLANNED},
    "issue_draft": {InspectionState.FIELDWORK},
    "publish": {InspectionState.DRAFT_ISSUED},
    # A report published before the tracker held the inspection, recorded as it was published.
    "record_published": {InspectionState.PLANNED},
    "withdraw": {InspectionState.PLANNED, InspectionState.FIELDWORK, InspectionState.DRAFT_ISSUED},
}
TARGETS = {
    "start_fieldwork": InspectionState.FIELDWORK,
    "issue_draft": InspectionState.DRAFT_ISSUED,
    "publish": InspectionState.PUBLISHED,
    "record_published": InspectionState.PUBLISHED,
    "withdraw": InspectionState.WITHDRAWN,
}


def run(transition, inspection, by):
    """Make `transition` through its service, with the dates and reasons a person would give."""
    if transition == "start_fieldwork":
        return services.inspection_start_fieldwork(inspection=inspection, by=by, on=FIELDWORK_ON)
    if transition == "issue_draft":
        return services.inspection_issue_draft(inspection=inspection, by=by, on=DRAFT_ISSUED_ON)
    if transition == "publish":
        return services.inspection_publish(inspection=inspection, by=by, on=PUBLISHED_ON)
    if transition == "record_published":
        return services.inspection_record_published(
            inspection=inspection, by=by, on=PUBLISHED_ON, source="https://www.careinspectorate.wales/report"
        )
    if transition == "withdraw":
        return services.inspection_withdraw(inspection=inspection, by=by, reason="Inspection postponed")
    raise ValueError(transition)


# Dates each transition must leave on the inspection.
EXPECTED_DATES = {
    "start_fieldwork": {"draft_issued_on": None, "published_on": None},
    "issue_draft": {"draft_issued_on": DRAFT_ISSUED_ON, "published_on": None},
    "publish": {"draft_issued_on": DRAFT_ISSUED_ON, "published_on": PUBLISHED_ON},
    # No fieldwork or draft is invented for a report recorded as published.
    "record_published": {"draft_issued_on": None, "published_on": PUBLISHED_ON},
}

LEGAL = [(name, source) for name, sources in SOURCES.items() for source in sorted(sources)]
ILLEGAL = [
    (name, state) for name, sources in SOURCES.items() for state in InspectionState if state not in sources
]


@pytest.fixture
def make(powys, inspector):
    return lambda state: inspection_in(state, council=powys, inspector=inspector)


def test_the_table_matches_the_declared_graph():
    field = Inspection._meta.get_field("state")
    declared = {(t.name, t.source, t.target) for t in field.get_all_transitions(Inspection)}
    assert declared == {(name, source, TARGETS[name]) for name, source in LEGAL}


@pytest.mark.parametrize("transition, source", LEGAL)
def test_legal_transition_moves_the_inspection(transition, source, make, inspector):
    inspection = make(source)

    run(transition, inspection, inspector)

    stored = reread(inspection)
    assert stored.state == TARGETS[transition]
    expected_dates = EXPECTED_DATES.get(transition, {})
    assert {name: getattr(stored, name) for name in expected_dates} == expected_dates


def test_withdrawing_keeps_the_dates_already_recorded(make, inspector):
    inspection = make(InspectionState.DRAFT_ISSUED)

    services.inspection_withdraw(inspection=inspection, by=inspector, reason="Council reorganised")

    stored = reread(inspection)
    assert (stored.state, stored.draft_issued_on, stored.published_on) == (
        InspectionState.WITHDRAWN,
        DRAFT_ISSUED_ON,
        None,
    )


@pytest.mark.parametrize("transition, state", ILLEGAL)
def test_illegal_transition_is_refused_and_writes_nothing(transition, state, make, inspector):
    inspection = make(state)
    before = snapshot()

    with pytest.raises(fsm.TransitionNotAllowed):
        run(transition, inspection, inspector)

    assert changed_tables(before) == []
    assert reread(inspection).state == state


def test_issuing_the_draft_without_findings_says_why(inspector):
    inspection = InspectionFactory(fieldwork=True)
    before = snapshot()

    with pytest.raises(fsm.TransitionNotAllowed) as refused:
        services.inspection_issue_draft(inspection=inspection, by=inspector, on=DRAFT_ISSUED_ON)

    assert str(refused.value) == "Record at least one finding before issuing the draft report."
    assert changed_tables(before) == []
    assert reread(inspection).state == InspectionState.FIELDWORK


@pytest.mark.parametrize("state", list(InspectionState))
def test_the_state_cannot_be_assigned_directly(state, make):
    inspection = reread(make(state))
    other = InspectionState.PUBLISHED if state != InspectionState.PUBLISHED else InspectionState.PLANNED

    with pytest.raises(AttributeError):
        inspection.state = other

    assert inspection.state == state
    assert reread(inspection).state == state


@pytest.mark.parametrize(
    "transition, source",
    [
        ("start_fieldwork", InspectionState.PLANNED),
        ("issue_draft", InspectionState.FIELDWORK),
        ("publish", InspectionState.DRAFT_ISSUED),
    ],
)
def test_a_date_in_the_future_is_refused(transition, source, make, inspector):
    inspection = make(source)
    service = {
        "start_fieldwork": services.inspection_start_fieldwork,
        "issue_draft": services.inspection_issue_draft,
        "publish": services.inspection_publish,
    }[transition]
    before = snapshot()

    with pytest.raises(ValidationError):
        service(inspection=inspection, by=inspector, on=tomorrow())

    assert changed_tables(before) == []
    assert reread(inspection).state == source


def test_publishing_before_the_draft_was_issued_is_refused(make, inspector):
    inspection = make(InspectionState.DRAFT_ISSUED)
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        services.inspection_publish(inspection=inspection, by=inspector, on=DRAFT_ISSUED_ON.replace(day=4))

    assert "on" in refused.value.message_dict
    assert changed_tables(before) == []


@pytest.mark.parametrize("reason", ["", "   "])
def test_withdrawing_needs_a_reason(reason, make, inspector):
    inspection = make(InspectionState.FIELDWORK)
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        services.inspection_withdraw(inspection=inspection, by=inspector, reason=reason)

    assert refused.value.message_dict == {"reason": ["Enter why the inspection is being withdrawn."]}
    assert changed_tables(before) == []
    assert reread(inspection).state == InspectionState.FIELDWORK


# Findings and recommendations are part of the record once the report is published ----------

FROZEN_MESSAGE = "This inspection's report is published, so its contents cannot change."


@pytest.fixture(params=[InspectionState.PUBLISHED, InspectionState.WITHDRAWN])
def closed_report(request, powys, inspector):
    """An inspection with a finding citing a function, and a recommendation resting on it, then closed."""
    inspection = InspectionFactory(council=powys)
    services.inspection_start_fieldwork(inspection=inspection, by=inspector, on=FIELDWORK_ON)
    cited = StatutoryFunctionFactory(code="CA1989-s47")
    finding = services.finding_create(
        inspection=inspection,
        by=inspector,
        theme=FindingTheme.SAFEGUARDING,
        kind=FindingKind.SERIOUS_CONCERN,
        text="No record of child protection statutory visits for six months.",
        statutory_functions=[cited],
    )
    second = services.finding_create(
        inspection=inspection,
        by=inspector,
        theme=FindingTheme.LEADERSHIP,
        kind=FindingKind.AREA_FOR_IMPROVEMENT,
        text="Four heads of service in two years.",
    )
    recommendation = services.recommendation_create(
        inspection=inspection, by=inspector, text="Stabilise the leadership.", findings=[finding]
    )
    if request.param == InspectionState.PUBLISHED:
        services.inspection_issue_draft(inspection=inspection, by=inspector, on=DRAFT_ISSUED_ON)
        services.inspection_publish(inspection=inspection, by=inspector, on=PUBLISHED_ON)
    else:
        services.inspection_withdraw(inspection=inspection, by=inspector, reason="Stopped")
    return {
        "inspection": reread(inspection),
        "finding": reread(finding),
        "second": reread(second),
        "recommendation": reread(recommendation),
        "cited": cited,
        "uncited": StatutoryFunctionFactory(code="SSWBA-s17"),
        "open_inspection": InspectionFactory(council=powys, fieldwork=True),
    }


SERVICE_EDITS = {
    "finding_create": lambda r, by: services.finding_create(
        inspection=r["inspection"],
        by=by,
        theme=FindingTheme.GENERAL,
        kind=FindingKind.STRENGTH,
        text="Staff showed commitment.",
    ),
    "finding_update_text": lambda r, by: services.finding_update(finding=r["finding"], by=by, text="Softer."),
    "finding_update_functions": lambda r, by: services.finding_update(
        finding=r["finding"], by=by, statutory_functions=[r["uncited"]]
    ),
    "finding_clear_functions": lambda r, by: services.finding_update(
        finding=r["finding"], by=by, statutory_functions=[]
    ),
    "finding_delete": lambda r, by: services.finding_delete(finding=r["finding"], by=by, reason="Wrong"),
    "recommendation_create": lambda r, by: services.recommendation_create(
        inspection=r["inspection"], by=by, text="Another one."
    ),
    "recommendation_update_text": lambda r, by: services.recommendation_update(
        recommendation=r["recommendation"], by=by, text="Reworded."
    ),
    "recommendation_update_findings": lambda r, by: services.recommendation_update(
        recommendation=r["recommendation"], by=by, text=r["recommendation"].text, findings=[r["second"]]
    ),
    "recommendation_delete": lambda r, by: services.recommendation_delete(
        recommendation=r["recommendation"], by=by
    ),
    "inspection_update": lambda r, by: services.inspection_update(
        inspection=r["inspection"], by=by, title="Renamed"
    ),
    "fieldwork_period_add": lambda r, by: services.fieldwork_period_add(
        inspection=r["inspection"], by=by, starts_on=FIELDWORK_ON, ends_on=FIELDWORK_ON
    ),
}


STALE_EDITS = ["finding_create", "recommendation_create", "inspection_update", "fieldwork_period_add"]


@pytest.mark.parametrize("edit", STALE_EDITS)
def test_a_stale_copy_read_before_publication_is_refused(edit, closed_report, inspector):
    """The services check the inspection as stored (and lock it), not the copy read before it closed."""
    stale = closed_report["inspection"]
    Inspection.objects.filter(pk=stale.pk).update(state=InspectionState.DRAFT_ISSUED)
    stale = reread(stale)  # read while the report could still change...
    Inspection.objects.filter(pk=stale.pk).update(state=closed_report["inspection"].state)  # ...then closed
    assert stale.is_editable
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        SERVICE_EDITS[edit]({**closed_report, "inspection": stale}, inspector)

    assert refused.value.messages == [FROZEN_MESSAGE]
    assert changed_tables(before) == []


@pytest.mark.parametrize("edit", SERVICE_EDITS)
def test_the_record_cannot_change_through_the_services(edit, closed_report, inspector):
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        SERVICE_EDITS[edit](closed_report, inspector)

    assert refused.value.messages == [FROZEN_MESSAGE]
    assert changed_tables(before) == []


def _create_finding(r):
    Finding(
        inspection=r["inspection"], theme=FindingTheme.GENERAL, kind=FindingKind.STRENGTH, text="x"
    ).save()


def _change_finding(r):
    finding = r["finding"]
    finding.text = "Softer wording."
    finding.save()


def _move_finding_to_an_open_inspection(r):
    finding = r["finding"]
    finding.inspection = r["open_inspection"]
    finding.save()


def _change_recommendation(r):
    recommendation = r["recommendation"]
    recommendation.text = "Reworded."
    recommendation.save()


def _create_recommendation(r):
    Recommendation(inspection=r["inspection"], number=9, text="Late addition.").save()


ROW_EDITS = {
    "finding_create": _create_finding,
    "finding_save": _change_finding,
    "finding_move": _move_finding_to_an_open_inspection,
    "finding_delete": lambda r: r["finding"].delete(),
    "recommendation_create": _create_recommendation,
    "recommendation_save": _change_recommendation,
    "recommendation_delete": lambda r: r["recommendation"].delete(),
}

LINK_EDITS = {
    "finding_functions_add": lambda r: r["finding"].statutory_functions.add(r["uncited"]),
    "finding_functions_remove": lambda r: r["finding"].statutory_functions.remove(r["cited"]),
    "finding_functions_set": lambda r: r["finding"].statutory_functions.set([r["uncited"]]),
    "finding_functions_clear": lambda r: r["finding"].statutory_functions.clear(),
    "function_findings_add": lambda r: r["uncited"].findings.add(r["finding"]),
    "function_findings_remove": lambda r: r["cited"].findings.remove(r["finding"]),
    "function_findings_clear": lambda r: r["cited"].findings.clear(),
    "recommendation_findings_add": lambda r: r["recommendation"].findings.add(r["second"]),
    "recommendation_findings_remove": lambda r: r["recommendation"].findings.remove(r["finding"]),
    "recommendation_findings_clear": lambda r: r["recommendation"].findings.clear(),
    "finding_recommendations_add": lambda r: r["second"].recommendations.add(r["recommendation"]),
    "finding_recommendations_clear": lambda r: r["finding"].recommendations.clear(),
}


@pytest.mark.parametrize("edit", ROW_EDITS)
def test_the_record_cannot_change_through_the_models(edit, closed_report):
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        ROW_EDITS[edit](closed_report)

    assert refused.value.messages == [FROZEN_MESSAGE]
    assert changed_tables(before) == []


@pytest.mark.parametrize("edit", LINK_EDITS)
def test_the_links_cannot_change_through_the_models(edit, closed_report):
    before = snapshot()

    # Django makes many-to-many changes in a transaction of their own; the refusal rolls it back.
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        LINK_EDITS[edit](closed_report)

    assert refused.value.messages == [FROZEN_MESSAGE]
    assert changed_tables(before) == []


@pytest.mark.parametrize(
    "edit", ["finding_save", "finding_functions_add", "function_findings_add", "recommendation_findings_add"]
)
def test_the_same_edits_work_before_publication(edit, powys, inspector):
    inspection = InspectionFactory(council=powys, fieldwork=True)
    finding = FindingFactory(inspection=inspection)
    records = {
        "inspection": inspection,
        "finding": finding,
        "second": FindingFactory(inspection=inspection),
        "recommendation": services.recommendation_create(inspection=inspection, by=inspector, text="R"),
        "cited": StatutoryFunctionFactory(code="CA1989-s47"),
        "uncited": StatutoryFunctionFactory(code="SSWBA-s17"),
    }
    before = snapshot()

    {**ROW_EDITS, **LINK_EDITS}[edit](records)

    assert changed_tables(before) != []
