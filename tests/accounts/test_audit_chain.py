"""The transition log is a hash chain, and `manage.py verify_audit` finds any break in the trail.

Someone who owns the tables could take a trigger away: the tests do so inside their own
transaction (rolled back afterwards) and show that verify_audit then names the row they touched.
"""

import datetime
import threading
import time

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from accounts import audit_chain, audit_guard
from accounts.models import Organisation, TransitionLog
from intervention.models import WarningNotice

from .audit_tampering import (
    LOG,
    POSTGRES,
    execute,
    insert_log_row,
    next_row_values,
    q,
    take_away_guard,
    verify_audit,
)

pytestmark = pytest.mark.django_db

OCTOBER_17 = datetime.date(2017, 10, 17)


def _append(by, *, object_id=1, **fields):
    return TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(Organisation),
        object_id=object_id,
        object_repr="Powys County Council",
        transition="issue",
        source_state="draft",
        target_state="issued",
        by=by,
        occurred_on=OCTOBER_17,
        **fields,
    )


@pytest.fixture
def chain(official):
    """Four rows appended through the ORM, as the services append them."""
    return [_append(official, object_id=n, reason=f"Row {n}") for n in range(1, 5)]


def test_each_row_is_chained_to_the_one_before(chain):
    rows = list(TransitionLog.objects.order_by("sequence"))

    assert [r.sequence for r in rows] == [1, 2, 3, 4]
    assert rows[0].prev_hash == audit_chain.GENESIS
    assert [r.prev_hash for r in rows[1:]] == [r.row_hash for r in rows[:-1]]
    assert all(r.row_hash == r.compute_hash() for r in rows)
    assert len({r.row_hash for r in rows}) == 4
    assert [r.recorded_at for r in rows] == sorted(r.recorded_at for r in rows)


def test_the_services_chain_what_they_log(issued_notice):
    assert verify_audit()[0] == 0
    issue = TransitionLog.objects.get(transition="issue", object_id=issued_notice.pk)
    assert (issue.sequence, issue.prev_hash) == (1, audit_chain.GENESIS)


def test_a_caller_cannot_back_date_a_row(chain, official):
    before = timezone.now()

    row = _append(official, recorded_at=datetime.datetime(2017, 10, 17, tzinfo=datetime.UTC))

    assert row.recorded_at >= before
    assert TransitionLog.objects.get(pk=row.pk).recorded_at == row.recorded_at
    assert verify_audit()[0] == 0


def test_bulk_create_appends_each_row_to_the_chain(chain, official):
    content_type = ContentType.objects.get_for_model(Organisation)
    TransitionLog.objects.bulk_create(
        TransitionLog(
            content_type=content_type,
            object_id=9,
            object_repr="x",
            transition="issue",
            source_state="draft",
            target_state="issued",
            by=official,
            occurred_on=OCTOBER_17,
        )
        for _ in range(3)
    )

    sequences = TransitionLog.objects.order_by("sequence").values_list("sequence", flat=True)
    assert list(sequences) == [1, 2, 3, 4, 5, 6, 7]
    assert verify_audit()[0] == 0


BAD_INSERTS = {
    "back-dated": {"recorded_at": datetime.datetime(2017, 10, 17, tzinfo=datetime.UTC)},
    "out of place": {"sequence": 9},
    "same place as the last": {"sequence": 4},
    "not after the last": {"prev_hash": "f" * 64},
}


@pytest.mark.parametrize("changes", BAD_INSERTS.values(), ids=BAD_INSERTS.keys())
def test_the_database_refuses_a_row_that_does_not_extend_the_chain(changes, chain):
    values = next_row_values(chain[-1], **changes)

    with pytest.raises(IntegrityError), transaction.atomic():
        insert_log_row(values)

    assert TransitionLog.objects.count() == 4


def test_a_row_that_extends_the_chain_correctly_is_accepted(chain):
    insert_log_row(next_row_values(chain[-1]))

    assert verify_audit()[0] == 0


def test_verify_audit_exits_0_and_counts_the_rows_on_good_data(issued_notice):
    total = TransitionLog.objects.count() + sum(
        model._base_manager.count() for model in audit_guard.history_models()
    )

    status, output = verify_audit()

    assert status == 0
    assert f"Verified {total} audit rows" in output
    assert f"{TransitionLog.objects.count()} in the transition log" in output


# What verify_audit finds once a guard is gone --------------------------------------------------


def test_a_back_dated_row_inserted_past_the_trigger_is_named(chain):
    take_away_guard(LOG, "INSERT")
    row_id = insert_log_row(next_row_values(chain[-1], recorded_at=chain[0].recorded_at))

    status, message = verify_audit()

    assert status == 1
    assert f"accounts_transitionlog, row id {row_id} (position 5)" in message
    assert "back-dated" in message


def _edit(chain):
    execute(f"UPDATE {q(LOG)} SET reason = 'Rewritten' WHERE id = %s", [chain[1].pk])
    return chain[1], "changed after it was recorded"


def _edit_and_rehash(chain):
    """Change a row and give it a hash that matches: the next row no longer follows it."""
    row = TransitionLog.objects.get(pk=chain[1].pk)
    row.reason = "Rewritten"
    execute(
        f"UPDATE {q(LOG)} SET reason = %s, row_hash = %s WHERE id = %s",
        [row.reason, row.compute_hash(), row.pk],
    )
    return chain[2], "does not follow the row before it"


def _delete_middle(chain):
    execute(f"DELETE FROM {q(LOG)} WHERE id = %s", [chain[1].pk])
    return chain[2], "a row is missing before it"


def _back_date(chain):
    execute(
        f"UPDATE {q(LOG)} SET recorded_at = %s WHERE id = %s",
        [connection.ops.adapt_datetimefield_value(chain[0].recorded_at), chain[2].pk],
    )
    return chain[2], "changed after it was recorded"


LOG_TAMPERING = {
    "edit": _edit,
    "edit_and_rehash": _edit_and_rehash,
    "delete": _delete_middle,
    "back_date": _back_date,
}


@pytest.mark.parametrize("tamper", LOG_TAMPERING.values(), ids=LOG_TAMPERING.keys())
def test_verify_audit_names_the_row_edited_past_the_trigger(tamper, chain):
    assert verify_audit()[0] == 0
    take_away_guard(LOG, "UPDATE")
    take_away_guard(LOG, "DELETE")

    named, what = tamper(chain)
    status, message = verify_audit()

    assert status == 1
    assert f"accounts_transitionlog, row id {named.pk} (position {named.sequence})" in message
    assert what in message


def _history_out_of_order(rows):
    execute(
        f"UPDATE {q(TABLE)} SET history_date = %s WHERE history_id = %s",
        [
            connection.ops.adapt_datetimefield_value(rows[0].history_date - datetime.timedelta(days=1)),
            rows[1].pk,
        ],
    )
    return rows[1], "the history is out of order"


def _history_after_deletion(rows):
    execute(f"UPDATE {q(TABLE)} SET history_type = '-' WHERE history_id = %s", [rows[0].pk])
    return rows[1], "follows the object's deletion"


def _history_type(rows):
    execute(f"UPDATE {q(TABLE)} SET history_type = 'x' WHERE history_id = %s", [rows[1].pk])
    return rows[1], "not one of + ~ -"


TABLE = WarningNotice.history.model._meta.db_table
HISTORY_TAMPERING = {
    "out_of_order": _history_out_of_order,
    "after_deletion": _history_after_deletion,
    "history_type": _history_type,
}


@pytest.mark.parametrize("tamper", HISTORY_TAMPERING.values(), ids=HISTORY_TAMPERING.keys())
def test_verify_audit_names_the_history_row_edited_past_the_trigger(tamper, issued_notice):
    rows = list(issued_notice.history.order_by("history_id"))
    assert len(rows) >= 2
    take_away_guard(TABLE, "UPDATE")

    named, what = tamper(rows)
    status, message = verify_audit()

    assert status == 1
    assert f"{TABLE}, row history_id {named.pk} (object {issued_notice.pk})" in message
    assert what in message


def test_verify_audit_reports_a_guard_taken_away(issued_notice):
    take_away_guard(TABLE, "DELETE")

    status, message = verify_audit()

    assert status == 1
    assert TABLE in message
    assert ("is disabled" if POSTGRES else "is missing") in message


# Two writers at once ---------------------------------------------------------------------------


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL only: SQLite lets one connection write at a time")
@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_cannot_fork_the_chain(official):
    _append(official, object_id=1)
    first_appended, errors, rows = threading.Event(), [], {}

    def write(name, *, hold):
        try:
            with transaction.atomic():
                if not hold:
                    first_appended.wait(10)
                rows[name] = _append(official, object_id=2)
                if hold:
                    first_appended.set()
                    time.sleep(1)  # the other writer now reads the chain: it must wait for this one
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            first_appended.set()
            connections.close_all()

    threads = [
        threading.Thread(target=write, args=(n,), kwargs={"hold": n == "first"}) for n in ("first", "second")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert (rows["first"].sequence, rows["second"].sequence) == (2, 3)
    assert rows["second"].prev_hash == rows["first"].row_hash
    assert verify_audit()[0] == 0
