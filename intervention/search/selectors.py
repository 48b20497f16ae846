"""Search: each kind of record matched by council, reference and text, through its one gate of visibility.

Every search starts from the selector that scopes its list pages, so it can never show more than
they do: inspections_for_user, findings_for_user (a council reads findings only from the draft
report on), notices_for_user (drafts for officials only) and requirements_for_user.

On PostgreSQL the words are matched by full-text search (stemmed English words, in any order,
"quoted phrases" and -excluded words as a web search takes them), ranked by how well they match; a
reference is also matched by any part of it. On SQLite every word must appear in one of the fields
searched (any case).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from inspections import selectors as inspection_selectors

from .. import selectors

if TYPE_CHECKING:
    from accounts.models import User

QUERY_MAX_LENGTH = 200
SEARCH_CONFIG = "english"


@dataclass(frozen=True)
class Kind:
    key: str
    title: str  # the heading of its results
    text_fields: tuple[str, ...]  # words are looked for in these
    reference_fields: tuple[str, ...]  # matched by any part, as typed
    newest_first: tuple[str, ...]  # the order without a rank (SQLite)


KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind(
            "inspections",
            _("Inspections"),
            ("title", "council__name", "fieldwork_note"),
            ("report_reference",),
            ("-published_on", "-created_at", "-id"),
        ),
        Kind(
            "findings",
            _("Findings"),
            ("text", "evidence_summary", "inspection__title", "inspection__council__name"),
            ("inspection__report_reference",),
            ("-inspection__published_on", "-inspection_id", "-id"),
        ),
        Kind(
            "notices",
            _("Warning notices"),
            ("title", "case__council__name", "purpose", "reasons_summary", "compliance_description"),
            ("reference",),
            ("-given_on", "-created_at", "-id"),
        ),
        Kind(
            "requirements",
            _("Requirements"),
            ("text", "notice__title", "notice__case__council__name"),
            ("notice__reference",),
            ("-notice__given_on", "notice_id", "position", "id"),
        ),
    )
}


def visible(kind: str, user: User) -> QuerySet:
    """Return every record of `kind` that `user` may see: the same gate as its list and page."""
    if kind == "inspections":
        return inspection_selectors.inspections_for_user(user)
    if kind == "findings":
        return inspection_selectors.findings_for_user(user).select_related("inspection__council")
    if kind == "notices":
        return selectors.notices_for_user(user)
    if kind == "requirements":
        return selectors.requirements_for_user(user)
    raise ValueError(f"Unknown kind of result: {kind}")


def uses_full_text() -> bool:
    return connection.vendor == "postgresql"


def search(kind: str, user: User, query: str) -> QuerySet:
    """Return the records of `kind` that `user` may see and that match `query`, best match first."""
    spec = KINDS[kind]
    records = visible(kind, user)
    if uses_full_text():
        return _full_text(records, spec, query)
    return _contains(records, spec, query)


def _contains(records: QuerySet, spec: Kind, query: str) -> QuerySet:
    """Keep the records where each word of `query` appears in one of the fields searched."""
    for word in query.split():
        anywhere = Q()
        for name in (*spec.text_fields, *spec.reference_fields):
            anywhere |= Q(**{f"{name}__icontains": word})
        records = records.filter(anywhere)
    return records.order_by(*spec.newest_first)


def _full_text(records: QuerySet, spec: Kind, query: str) -> QuerySet:
    """Keep the records whose words match `query` (or whose reference holds it), best match first."""
    # Imported here: the module needs a PostgreSQL driver, which a SQLite install may not have.
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    words = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    vector = SearchVector(*spec.text_fields, *spec.reference_fields, config=SEARCH_CONFIG)
    by_reference = Q()
    for name in spec.reference_fields:
        by_reference |= Q(**{f"{name}__icontains": query.strip()})
    return (
        records.annotate(search=vector, rank=SearchRank(vector, words))
        .filter(Q(search=words) | by_reference)
        .order_by(F("rank").desc(), *spec.newest_first)
    )
