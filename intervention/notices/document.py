"""The warning notice as a document: laid out like the notice the Welsh Ministers give.

What the document says is what was fixed when the notice was given: the notice's contents (which
only a draft may change), each requirement in the words it was given in (an addendum's new words
are the addendum's, not this notice's) and the end of the compliance period as it was worked out
on the day (an extension is a later decision). A draft has no such text yet: its document is
marked DRAFT throughout.

The PDF is made by WeasyPrint from the same template as the page, with its dates and identifier
taken from the notice, so the same notice gives the same bytes every time.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import get_language

from accounts.models import TransitionLog
from inspections.models import StatutoryFunction

from ..calendars import UnknownCalendarYear
from ..choices import ComplianceRule, NoticeKind, NoticeState, VariationAction
from ..drafting.services import reasons_by_ground
from ..models import NoticeGround, RequirementVariation, WarningNotice
from ..obligations.services import compute_compliance_period

ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc")]
ROMAN += [(50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def roman(number: int) -> str:
    """Return `number` in lower-case Roman numerals, as notices number their lists: 4 -> iv."""
    out = []
    for value, numeral in ROMAN:
        count, number = divmod(number, value)
        out.append(numeral * count)
    return "".join(out)


@dataclass(frozen=True)
class RequirementAsGiven:
    letter: str
    text: str


@dataclass(frozen=True)
class NoticeDocument:
    """Everything the notice says, as given (or, for a draft, as it stands)."""

    notice: WarningNotice
    grounds: list[NoticeGround]
    reasons: list[tuple[str, str]]
    functions: list[tuple[str, StatutoryFunction]]
    requirements: list[RequirementAsGiven]
    compliance_ends_on: datetime.date | None
    compliance_basis: str
    issued_by: TransitionLog | None

    @property
    def is_draft(self) -> bool:
        """Return True for a notice never given to the council: its document is not the notice."""
        return self.notice.given_on is None or self.notice.state == NoticeState.DRAFT

    @property
    def compliance_now_ends_on(self) -> datetime.date | None:
        """Return the end of the period as extended since, if a decision moved it; else None."""
        if self.is_draft or not self.notice.compliance_extended:
            return None
        if self.notice.compliance_ends_on == self.compliance_ends_on:
            return None
        return self.notice.compliance_ends_on

    @property
    def file_name(self) -> str:
        """Return the PDF's file name: the council, the kind of notice and the day it was given."""
        kind = "warning-notice" if self.notice.kind == NoticeKind.ORIGINAL else slugify(self.notice.kind)
        stem = f"{slugify(self.notice.case.council.name)}-{kind}"
        if self.is_draft:
            return f"{stem}-{self.notice.pk}-draft.pdf"
        return f"{stem}-{self.notice.given_on:%Y-%m-%d}.pdf"

    def pdf_dates(self) -> tuple[str, str]:
        """Return the PDF's created and modified dates: fixed by the notice, never the clock."""
        if self.is_draft:
            return _w3c(self.notice.created_at), _w3c(self.notice.updated_at)
        given = f"{self.notice.given_on:%Y-%m-%d}T00:00:00Z"
        return given, given

    def pdf_identifier(self) -> bytes:
        """Return the PDF's file identifier: the same for the same notice (and, for a draft, version)."""
        version = self.notice.updated_at.isoformat() if self.is_draft else self.notice.given_on.isoformat()
        seed = f"warning-notice:{self.notice.pk}:{version}:{get_language()}"
        return hashlib.sha256(seed.encode()).hexdigest()[:32].encode()


def _w3c(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def notice_document(notice: WarningNotice) -> NoticeDocument:
    """Gather what the notice says, as it was given, in a fixed number of queries."""
    grounds = list(notice.grounds.select_related("ground"))
    requirements = list(notice.requirements.all())
    given_words = _words_as_given(requirements) if notice.given_on else {}
    ends_on, basis = _compliance_end(notice)
    return NoticeDocument(
        notice=notice,
        grounds=grounds,
        reasons=reasons_by_ground(grounds),
        functions=[(roman(i), f) for i, f in enumerate(notice.failed_functions_in_order(), start=1)],
        requirements=[
            RequirementAsGiven(letter=r.letter, text=given_words.get(r.pk, r.text)) for r in requirements
        ],
        compliance_ends_on=ends_on,
        compliance_basis=basis,
        issued_by=_issued_by(notice),
    )


def _words_as_given(requirements) -> dict[int, str]:
    """Return the words each requirement an addendum later amended had when the notice was given."""
    first: dict[int, str] = {}
    variations = RequirementVariation.objects.filter(
        requirement__in=requirements, action=VariationAction.AMEND, applied_on__isnull=False
    ).order_by("applied_on", "id")
    for variation in variations:
        first.setdefault(variation.requirement_id, variation.previous_text)
    return first


def _compliance_end(notice: WarningNotice) -> tuple[datetime.date | None, str]:
    """Return the end of the compliance period the notice set, and how it was worked out.

    A given notice: as worked out when it was given (before any extension). A draft: worked out by
    the same rule when it does not depend on the day the notice will be given; otherwise unknown.
    """
    if notice.given_on is not None:
        if not notice.compliance_extended:
            return notice.compliance_ends_on, notice.compliance_basis
        as_given = (
            notice.history.filter(state=NoticeState.ISSUED)
            .order_by("history_date", "history_id")
            .values_list("compliance_ends_on", "compliance_basis")
            .first()
        )
        return as_given or (None, "")
    if not notice.sets_compliance_period():
        return None, ""
    start = notice.compliance_start_on
    if start is None and notice.compliance_rule != ComplianceRule.FIXED_DATE:
        return None, ""  # counted from the day it is given, which a draft does not have
    try:
        computed = compute_compliance_period(notice, on=start or notice.compliance_fixed_on)
    except UnknownCalendarYear:
        return None, ""
    return computed.due_on, computed.basis


def _issued_by(notice: WarningNotice) -> TransitionLog | None:
    """Return the log's record of the notice being given: who recorded it, as they were then."""
    if notice.given_on is None:
        return None
    return (
        TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(WarningNotice),
            object_id=notice.pk,
            transition="issue",
        )
        .order_by("sequence")
        .first()
    )


# The PDF ---------------------------------------------------------------------------------------


def render_pdf(document: NoticeDocument) -> bytes:
    """Return the notice as an A4 PDF: the same bytes for the same notice, every time."""
    # Imported here: WeasyPrint takes half a second to import, which every command and worker
    # would otherwise pay.
    import weasyprint
    from weasyprint.urls import URLFetcher

    created, modified = document.pdf_dates()
    html = render_to_string(
        "intervention/notice_document_pdf.html",
        {"document": document, "notice": document.notice, "created": created, "modified": modified},
    )
    # No protocol allowed: the document is made from its own template and fetches nothing.
    fetcher = URLFetcher(allowed_protocols=())
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(
        pdf_identifier=document.pdf_identifier()
    )
