"""Two people acting on the same obligation at once: exactly one wins, the other is told."""

import threading

import django_fsm as fsm
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, connections

from accounts.models import TransitionLog
from intervention import services
from intervention.choices import ObligationKind, ObligationState, SubmissionDecision
from intervention.models import ImprovementPlan, Obligation, Requirement
from tests.factories import UserFactory
from tests.workflow import LAID_ON, PLAN_AGREED_ON, PLAN_SUBMITTED_ON

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locking"),
]

CONCURRENT = "Someone else changed this"


def run_at_once(*actions):
    """Run each action in its own thread and database connection, released together."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def worker(index, action):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = ("ok", action())
        except Exception as exc:  # collected for the assertions below
            outcomes[index] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def winner_and_refusal(outcomes):
    """Return the index of the one action that succeeded, and the error the other one raised."""
    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    winner = 0 if outcomes[0][0] == "ok" else 1
    return winner, outcomes[1 - winner][1]


def assert_told(error):
    """The loser is told: someone else changed it, or it can no longer be done in its new state."""
    if isinstance(error, fsm.ConcurrentTransition):
        assert CONCURRENT in str(error)
    else:
        assert isinstance(error, fsm.TransitionNotAllowed), error
        assert str(error).startswith("This cannot be done while it is ")


def logs_of(obligation, after):
    content_type = ContentType.objects.get_for_model(Obligation)
    return list(
        TransitionLog.objects.filter(content_type=content_type, object_id=obligation.pk, id__gt=after)
        .order_by("id")
        .values_list("transition", "source_state", "target_state")
    )


def last_log_id():
    return TransitionLog.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_accept_and_return_at_once_one_wins(obligation_a, requirement_a, powys_officer, official):
    services.requirement_submit(
        requirement=requirement_a, by=powys_officer, statement="Interim director appointed."
    )
    other_official = UserFactory(username="second-official", official=True)
    logs_before = last_log_id()
    # Each person has the page open: both read the requirement while its evidence is submitted.
    first = Requirement.objects.get(pk=requirement_a.pk)
    second = Requirement.objects.get(pk=requirement_a.pk)

    outcomes = run_at_once(
        lambda: services.requirement_accept(requirement=first, by=official, reason="Evidence is sufficient"),
        lambda: services.requirement_return(
            requirement=second, by=other_official, reason="Need the appointment letter"
        ),
    )

    winner, error = winner_and_refusal(outcomes)
    assert_told(error)
    expected_state = [ObligationState.MET, ObligationState.RETURNED][winner]
    expected_decision = [SubmissionDecision.ACCEPTED, SubmissionDecision.RETURNED][winner]
    obligation = Obligation.objects.get(pk=obligation_a.pk)
    assert obligation.state == expected_state
    assert [s.decision for s in requirement_a.submissions.all()] == [expected_decision]
    transition = ["accept", "return_to_owner"][winner]
    assert logs_of(obligation, logs_before) == [(transition, "submitted", expected_state)]
    assert obligation.history.filter(state=expected_state).count() == 1
    loser_state = [ObligationState.RETURNED, ObligationState.MET][winner]
    assert not obligation.history.filter(state=loser_state).exists()


def test_two_officers_submitting_at_once_one_wins(obligation_a, requirement_a, powys_officer):
    colleague = UserFactory(username="powys-colleague", organisation=powys_officer.organisation)
    first = Requirement.objects.get(pk=requirement_a.pk)
    second = Requirement.objects.get(pk=requirement_a.pk)
    logs_before = last_log_id()

    outcomes = run_at_once(
        lambda: services.requirement_submit(requirement=first, by=powys_officer, statement="First"),
        lambda: services.requirement_submit(requirement=second, by=colleague, statement="Second"),
    )

    winner, error = winner_and_refusal(outcomes)
    assert_told(error)
    obligation = Obligation.objects.get(pk=obligation_a.pk)
    assert obligation.state == ObligationState.SUBMITTED
    submission = requirement_a.submissions.get()
    assert (submission.statement, submission.submitted_by) == (
        ["First", "Second"][winner],
        [powys_officer, colleague][winner],
    )
    assert logs_of(obligation, logs_before) == [("submit", "open", "submitted")]


def test_two_officials_recording_the_same_duty_at_once_one_wins(issued_notice, official):
    other_official = UserFactory(username="second-official", official=True)
    # Both have the page open: each holds the duty as it was, still owed.
    first = issued_notice.obligations.get(kind=ObligationKind.LAYING)
    second = Obligation.objects.get(pk=first.pk)
    logs_before = last_log_id()

    outcomes = run_at_once(
        lambda: services.obligation_record_done(obligation=first, by=official, on=LAID_ON, source="Laid"),
        lambda: services.obligation_record_done(
            obligation=second, by=other_official, not_evidenced=True, source="Assembly record"
        ),
    )

    winner, error = winner_and_refusal(outcomes)
    assert isinstance(error, fsm.ConcurrentTransition)
    assert CONCURRENT in str(error)
    duty = Obligation.objects.get(pk=first.pk)
    assert duty.state == [ObligationState.MET, ObligationState.NOT_EVIDENCED][winner]
    assert len(logs_of(duty, logs_before)) == 1
    assert duty.history.count() == 2  # opened, then the winner's record


def test_returning_and_agreeing_the_plan_at_once_one_wins(issued_notice, powys_officer, official):
    """The plan cannot end up returned while its agreement is recorded, nor agreed once returned."""
    plan = issued_notice.improvement_plan
    services.plan_submit(plan=plan, by=powys_officer, on=PLAN_SUBMITTED_ON, summary="The plan")
    other_official = UserFactory(username="second-official", official=True)
    first = ImprovementPlan.objects.get(pk=plan.pk)
    second = ImprovementPlan.objects.get(pk=plan.pk)

    outcomes = run_at_once(
        lambda: services.plan_return(plan=first, by=official, reason="Timescales missing"),
        lambda: services.plan_agree(plan=second, by=other_official, on=PLAN_AGREED_ON),
    )

    winner, error = winner_and_refusal(outcomes)
    assert isinstance(error, fsm.TransitionNotAllowed | fsm.ConcurrentTransition), error
    submitted = issued_notice.obligations.get(kind=ObligationKind.IMPROVEMENT_PLAN)
    agreement = issued_notice.obligations.get(kind=ObligationKind.PLAN_AGREEMENT)
    assert (submitted.state, agreement.state) == [
        (ObligationState.OPEN, ObligationState.OPEN),  # returned: nothing agreed
        (ObligationState.MET, ObligationState.MET),  # agreed: the plan stands
    ][winner]
