"""Two people acting on the same requirement at once: exactly one wins, the other is told."""

import threading

import django_fsm as fsm
import pytest
from django.db import connection, connections

from accounts.models import TransitionLog
from intervention import services
from intervention.choices import RequirementState, SubmissionDecision
from intervention.models import Requirement
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locking"),
]


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


def test_accept_and_return_at_once_one_wins(requirement_a, powys_officer, official):
    services.requirement_submit(
        requirement=requirement_a, by=powys_officer, statement="Interim director appointed."
    )
    other_official = UserFactory(username="second-official", official=True)
    logs_before = TransitionLog.objects.count()
    # Each person has the page open: both read the requirement while it is submitted.
    first = Requirement.objects.get(pk=requirement_a.pk)
    second = Requirement.objects.get(pk=requirement_a.pk)

    outcomes = run_at_once(
        lambda: services.requirement_accept(requirement=first, by=official, reason="Evidence is sufficient"),
        lambda: services.requirement_return(
            requirement=second, by=other_official, reason="Need the appointment letter"
        ),
    )

    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["error", "ok"]
    error = next(value for kind, value in outcomes if kind == "error")
    assert isinstance(error, fsm.ConcurrentTransition)
    assert "Someone else changed this" in str(error)
    winner = 0 if outcomes[0][0] == "ok" else 1
    expected_state = [RequirementState.ACCEPTED, RequirementState.RETURNED][winner]
    expected_decision = [SubmissionDecision.ACCEPTED, SubmissionDecision.RETURNED][winner]

    requirement = Requirement.objects.get(pk=requirement_a.pk)
    assert requirement.state == expected_state
    assert [s.decision for s in requirement.submissions.all()] == [expected_decision]
    new_logs = list(TransitionLog.objects.order_by("id")[logs_before:])
    assert [(log.source_state, log.target_state) for log in new_logs] == [("submitted", expected_state)]
    assert requirement.history.filter(state=expected_state).count() == 1
    loser_state = [RequirementState.RETURNED, RequirementState.ACCEPTED][winner]
    assert not requirement.history.filter(state=loser_state).exists()


def test_two_officers_submitting_at_once_one_wins(requirement_a, powys_officer):
    colleague = UserFactory(username="powys-colleague", organisation=powys_officer.organisation)
    first = Requirement.objects.get(pk=requirement_a.pk)
    second = Requirement.objects.get(pk=requirement_a.pk)

    outcomes = run_at_once(
        lambda: services.requirement_submit(requirement=first, by=powys_officer, statement="First"),
        lambda: services.requirement_submit(requirement=second, by=colleague, statement="Second"),
    )

    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"]
    requirement = Requirement.objects.get(pk=requirement_a.pk)
    assert requirement.state == RequirementState.SUBMITTED
    assert requirement.submissions.count() == 1
