"""The transition log as a hash chain: each row's hash covers its content and the row before it.

A row's hash is SHA-256 over a canonical serialisation (sorted-key JSON, UTF-8) of what the row
says and the previous row's hash. Changing, removing or inserting a row anywhere but at the end
breaks every hash after it, which `manage.py verify_audit` recomputes. The serialisation of
version 1 must never change: rows hashed with it must verify for ever (a new layout is a new
version, chosen by the row).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

GENESIS = "0" * 64  # the "previous hash" of the first row
VERSION = 1

# pg_advisory_xact_lock key serialising writers of the chain (any fixed 64-bit number will do).
POSTGRES_LOCK_KEY = 7_316_842_051_932_771


def canonical(content: dict[str, Any]) -> bytes:
    """Return the bytes a row's hash is computed over: sorted-key compact JSON, UTF-8."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def iso_instant(value: datetime.datetime) -> str:
    """Return an aware datetime as an ISO 8601 UTC instant with microseconds (one spelling only)."""
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def row_content(
    *,
    sequence: int,
    content_type: str,
    object_id: int,
    object_repr: str,
    transition: str,
    source_state: str,
    target_state: str,
    by_id: int,
    by_name: str,
    by_role: str,
    by_organisation: str,
    recorded_at: datetime.datetime,
    occurred_on: datetime.date,
    reason: str,
    prev_hash: str,
) -> dict[str, Any]:
    """Return what a log row's hash covers, as plain JSON values (`content_type` is "app_label.model")."""
    return {
        "v": VERSION,
        "sequence": sequence,
        "content_type": content_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "transition": transition,
        "source": source_state,
        "target": target_state,
        "by": {"id": by_id, "name": by_name, "role": by_role, "organisation": by_organisation},
        "recorded_at": iso_instant(recorded_at),
        "occurred_on": occurred_on.isoformat(),
        "reason": reason,
        "prev": prev_hash,
    }


def row_hash(content: dict[str, Any]) -> str:
    """Return the SHA-256 (hex) of a row's canonical content."""
    return hashlib.sha256(canonical(content)).hexdigest()


def lock_chain(connection) -> None:
    """Let one writer at a time append to the chain, until its transaction ends.

    PostgreSQL: a transaction-level advisory lock, so two writers cannot both read the same last
    row and fork the chain. SQLite lets one connection write at a time already (a write
    transaction holds the database's write lock until it ends). The unique `sequence` stops a
    fork on any database regardless.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [POSTGRES_LOCK_KEY])
