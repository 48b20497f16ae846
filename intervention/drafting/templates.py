"""Templates of requirements: starting a draft notice's requirements from a set an administrator keeps.

The templates themselves are reference data, managed in the admin (RequirementTemplateAdmin);
`requirement_template_ensure` records one from code where a set must exist (the demo's Powys 2017
requirements (a) to (g)).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from accounts.audit import save_with_history

from .. import permissions
from ..checks import require, require_draft
from ..choices import RequirementAnswer, RequirementDue
from ..models import RequirementTemplate, RequirementTemplateItem, WarningNotice
from . import services

if TYPE_CHECKING:
    from accounts.models import User

# A requirement a document answers needs the notice to ask for that document.
PLAN_ANSWERS = (RequirementAnswer.IMPROVEMENT_PLAN, RequirementAnswer.PLAN_AGREEMENT)


def active_templates() -> QuerySet[RequirementTemplate]:
    """The templates offered when drafting, each with its requirements in order."""
    items = RequirementTemplateItem.objects.order_by("position", "id")
    return RequirementTemplate.objects.active().prefetch_related(Prefetch("items", queryset=items))


@transaction.atomic
def requirements_add_from_template(*, notice: WarningNotice, template: RequirementTemplate, by: User) -> list:
    """Add every requirement of `template` to a draft notice: all of them, or none if a letter is taken."""
    require(permissions.can_manage_notice(notice, by))
    require_draft(notice)
    if not template.is_active:
        raise ValidationError(_("That template is no longer offered. Choose another."))
    items = list(template.items.order_by("position", "id"))
    if not items:
        raise ValidationError(_("The template “%(name)s” has no requirements.") % {"name": template.name})
    letters = [item.letter for item in items]
    clash = sorted(notice.requirements.filter(letter__in=letters).values_list("letter", flat=True))
    if clash:
        raise ValidationError(
            _(
                "The requirements of “%(name)s” were not added: this notice already has %(letters)s. "
                "Remove those first, or add requirements one at a time."
            )
            % {"name": template.name, "letters": ", ".join(f"({letter})" for letter in clash)}
        )
    added = []
    for item in items:
        answered_by = item.answered_by
        if answered_by in PLAN_ANSWERS and not notice.requires_improvement_plan:
            answered_by = RequirementAnswer.EVIDENCE  # no plan asked for: the council shows it with evidence
        added.append(
            services.requirement_add(
                notice=notice,
                by=by,
                letter=item.letter,
                text=item.text,
                kind=item.kind,
                answered_by=answered_by,
                due=item.due if item.due != RequirementDue.FIXED_DATE else RequirementDue.NONE,
            )
        )
    return added


@transaction.atomic
def requirement_template_ensure(
    *, name: str, description: str, items: Iterable[tuple[str, str, str, str, str]], by: User | None
) -> RequirementTemplate:
    """Record a template with these requirements (letter, text, kind, answered by, due) if it is missing.

    An existing template of that name is left as it is: an administrator may have changed it since.
    """
    existing = RequirementTemplate.objects.filter(name=name).first()
    if existing is not None:
        return existing
    template = RequirementTemplate(name=name, description=description)
    template.full_clean()
    save_with_history(template, by=by, reason="create")
    for position, (letter, text, kind, answered_by, due) in enumerate(items, start=1):
        item = RequirementTemplateItem(
            template=template,
            position=position,
            letter=letter,
            text=text,
            kind=kind,
            answered_by=answered_by,
            due=due,
        )
        item.full_clean()
        save_with_history(item, by=by, reason="create")
    return template
