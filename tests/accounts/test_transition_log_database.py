"""The transition log cannot be rewritten even by SQL that bypasses the ORM."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction

from accounts.models import Organisation, TransitionLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_row(official):
    return TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(Organisation),
        object_id=1,
        object_repr="x",
        transition="issue",
        source_state="draft",
        target_state="issued",
        by=official,
        occurred_on=datetime.date(2017, 10, 17),
        reason="given",
    )


def test_raw_sql_update_is_refused(log_row):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_transitionlog SET reason = 'rewritten' WHERE id = %s", [log_row.pk])
    assert TransitionLog.objects.get(pk=log_row.pk).reason == "given"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DELETE trigger is PostgreSQL only")
def test_raw_sql_delete_is_refused_on_postgresql(log_row):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_transitionlog WHERE id = %s", [log_row.pk])
    assert TransitionLog.objects.filter(pk=log_row.pk).exists()
