"""Reading corrections: those of one record, or of a notice and what it made owed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Model, Q, QuerySet
from django.urls import reverse

from ..choices import ObligationKind, ObligationState
from ..models import Correction, Obligation, WarningNotice
from .facts import FACTS

if TYPE_CHECKING:
    from accounts.models import User


@dataclass
class Corrected:
    """A fact as a page shows it: its corrections (oldest first) and where to correct it, if allowed."""

    corrections: list[Correction] = field(default_factory=list)
    url: str = ""

    @property
    def original(self) -> str:
        return self.corrections[0].original if self.corrections else ""

    @property
    def latest(self) -> Correction | None:
        return self.corrections[-1] if self.corrections else None


def _of(model: type[Model]) -> Q:
    """Match corrections of records of `model`, by a join rather than a separate content-type query."""
    return Q(content_type__app_label=model._meta.app_label, content_type__model=model._meta.model_name)


def corrections_of(obj: Model) -> QuerySet[Correction]:
    return Correction.objects.filter(_of(type(obj)), object_id=obj.pk).select_related("corrected_by")


def _url(name: str, pk: int) -> str:
    return reverse("intervention:fact_correct", args=[name, pk])


def for_record(obj: Model, user: User, names: list[str]) -> dict[str, Corrected]:
    """Return the named facts of one record with their corrections, in one query."""
    found = defaultdict(list)
    for correction in corrections_of(obj):
        found[correction.fact].append(correction)
    return {
        name: Corrected(found[name], _url(name, obj.pk) if FACTS[name].allowed(obj, user) else "")
        for name in names
    }


def for_notice(notice: WarningNotice, user: User, *, owed: list[Obligation]) -> dict[str, Corrected]:
    """Return the facts of a given notice its page shows, with their corrections, in one query.

    Its date and reference, and the dates the notice was laid and the plan agreed (from `owed`,
    the notice's obligations the page already has).
    """
    if notice.given_on is None:
        return {}
    by_fact = {"laying_date": ObligationKind.LAYING, "plan_agreed_on": ObligationKind.PLAN_AGREEMENT}
    duties = {name: next((o for o in owed if o.kind == kind), None) for name, kind in by_fact.items()}
    rows = Correction.objects.filter(
        (_of(WarningNotice) & Q(object_id=notice.pk))
        | (_of(Obligation) & Q(object_id__in=[o.pk for o in duties.values() if o is not None]))
    ).select_related("corrected_by")
    found = defaultdict(list)
    for correction in rows:
        found[correction.fact].append(correction)
    facts = {}
    for name in ("notice_given_on", "notice_reference"):
        allowed = FACTS[name].allowed(notice, user)
        facts[name] = Corrected(found[name], _url(name, notice.pk) if allowed else "")
    for name, obligation in duties.items():
        fact = FACTS[name]
        met = obligation is not None and obligation.state == ObligationState.MET
        correctable = met and fact.allowed(obligation, user)
        facts[name] = Corrected(found[name], _url(name, obligation.pk) if correctable else "")
    return facts
