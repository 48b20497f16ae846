"""Check the audit trail end to end: the transition log's chain, the history tables, the guards.

Read-only; `manage.py verify_audit` reports the first problem found, naming the table and row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections
from django.db.models import Exists, F, OuterRef, Q, Window
from django.db.models.functions import Lag
from django.utils.translation import gettext as _

from . import audit_guard
from .audit_chain import GENESIS, iso_instant

HISTORY_TYPES = ("+", "~", "-")


@dataclass(frozen=True)
class Problem:
    table: str
    row: str  # how the row is named: "id 12", "history_id 345"; empty for the table as a whole
    what: str

    def __str__(self) -> str:
        values = {"table": self.table, "row": self.row, "what": self.what}
        if self.row:
            return _("%(table)s, row %(row)s: %(what)s") % values
        return _("%(table)s: %(what)s") % values


@dataclass(frozen=True)
class Verified:
    log_rows: int
    history_rows: int
    history_tables: int
    head_sequence: int
    head_hash: str


class AuditProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def verify_audit_trail(*, using: str) -> Verified:
    """Check everything, in order: the chain, each history table, the triggers. Raise AuditProblem."""
    log_rows, head_sequence, head_hash = verify_chain(using=using)
    history_rows = 0
    models = audit_guard.history_models()
    for model in models:
        history_rows += verify_history(model, using=using)
    for table, what in audit_guard.guard_problems(connections[using]):
        raise AuditProblem(Problem(table, "", what))
    return Verified(log_rows, history_rows, len(models), head_sequence, head_hash)


def verify_chain(*, using: str) -> tuple[int, int, str]:
    """Recompute every hash of the transition log, in order; return (rows, last position, last hash)."""
    log_model = audit_guard.transition_log_model()
    table = log_model._meta.db_table
    expected_sequence, expected_prev, previous = 1, GENESIS, None
    for row in log_model._base_manager.using(using).order_by("sequence").iterator(chunk_size=2000):
        name = _("id %(id)s (position %(sequence)s)") % {"id": row.pk, "sequence": row.sequence}
        if row.sequence != expected_sequence:
            what = _(
                "it is at position %(found)s where %(expected)s was expected: a row is missing before it"
            ) % {"found": row.sequence, "expected": expected_sequence}
            raise AuditProblem(Problem(table, name, what))
        if row.row_hash != row.compute_hash(using=using):
            what = _("its content does not match its hash: it was changed after it was recorded")
            raise AuditProblem(Problem(table, name, what))
        if row.prev_hash != expected_prev:
            what = _(
                "it does not follow the row before it (the previous hash differs): the row before it "
                "was replaced, or this one was inserted"
            )
            raise AuditProblem(Problem(table, name, what))
        if previous is not None and row.recorded_at < previous.recorded_at:
            what = _("it was recorded at %(when)s, before the row it follows (%(before)s): back-dated") % {
                "when": iso_instant(row.recorded_at),
                "before": iso_instant(previous.recorded_at),
            }
            raise AuditProblem(Problem(table, name, what))
        expected_sequence, expected_prev, previous = row.sequence + 1, row.row_hash, row
    return expected_sequence - 1, expected_sequence - 1, expected_prev


def verify_history(model, *, using: str) -> int:
    """Check one history table; return how many rows it holds."""
    table = model._meta.db_table
    rows = model._base_manager.using(using)
    if "history_type" not in {f.name for f in model._meta.fields}:
        return _verify_m2m_history(model, using=using)
    key = model.instance_type._meta.pk.attname
    window = {"partition_by": [F(key)], "order_by": [F("history_id").asc()]}
    bad = (
        rows.annotate(
            previous_id=Window(Lag("history_id"), **window),
            previous_date=Window(Lag("history_date"), **window),
            previous_type=Window(Lag("history_type"), **window),
        )
        .filter(
            ~Q(history_type__in=HISTORY_TYPES)
            | Q(previous_date__gt=F("history_date"))
            | (Q(previous_type="-") & ~Q(history_type="+"))
        )
        .order_by("history_id")
        .values("history_id", key, "history_type", "history_date", "previous_id", "previous_date")
        .first()
    )
    if bad is None:
        return rows.count()
    name = _("history_id %(id)s (object %(object)s)") % {"id": bad["history_id"], "object": bad[key]}
    if bad["history_type"] not in HISTORY_TYPES:
        what = _("its history type is %(type)r, not one of + ~ -") % {"type": bad["history_type"]}
    elif bad["previous_date"] > bad["history_date"]:
        what = _(
            "it is dated %(when)s, before the object's previous row (history_id %(previous)s, %(before)s): "
            "the history is out of order"
        ) % {
            "when": iso_instant(bad["history_date"]),
            "previous": bad["previous_id"],
            "before": iso_instant(bad["previous_date"]),
        }
    else:
        what = _(
            "it follows the object's deletion (history_id %(previous)s) without recreating the object"
        ) % {"previous": bad["previous_id"]}
    raise AuditProblem(Problem(table, name, what))


def _verify_m2m_history(model, *, using: str) -> int:
    """A many-to-many history row belongs to a history row of its object, which must exist."""
    rows = model._base_manager.using(using)
    parent = model._meta.get_field("history").related_model
    orphan = (
        rows.filter(~Exists(parent._base_manager.using(using).filter(history_id=OuterRef("history_id"))))
        .order_by("pk")
        .values("pk", "history_id")
        .first()
    )
    if orphan is None:
        return rows.count()
    name = _("%(pk)s %(id)s") % {"pk": model._meta.pk.name, "id": orphan["pk"]}
    what = _("it belongs to history row %(id)s of %(table)s, which is not there") % {
        "id": orphan["history_id"],
        "table": parent._meta.db_table,
    }
    raise AuditProblem(Problem(model._meta.db_table, name, what))
