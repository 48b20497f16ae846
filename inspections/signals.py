"""Guard the many-to-many links of published findings, which bypass Model.save().

Raw loads (loaddata) are let through: they restore the record as it was dumped. Model.save() and
delete(), which hold the other guards, are never called by loaddata.
"""

from django.core.exceptions import ValidationError
from django.db.models.signals import m2m_changed
from django.dispatch import Signal, receiver

from accounts.signals import is_raw_load

from .choices import EDITABLE_STATES
from .models import Finding, Recommendation

# Sent inside the publishing transaction, with `inspection` and `by` (who published it), once a
# report is published and its findings are part of the record. Other apps (intervention's
# escalations) listen, so this app never imports them.
inspection_published = Signal()

# For each guarded link table, the field by which the frozen side (Finding or Recommendation)
# reaches the other side: used when the change is made from the other side.
FROZEN_SIDE_FIELD = {
    Finding.statutory_functions.through: "statutory_functions",
    Recommendation.findings.through: "findings",
}


@receiver(m2m_changed, sender=Finding.statutory_functions.through)
@receiver(m2m_changed, sender=Recommendation.findings.through)
def refuse_changes_after_publication(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if action not in {"pre_add", "pre_remove", "pre_clear"}:
        return
    if is_raw_load(instance):
        return  # loaddata restoring the links as they were published, not a change to them
    if not reverse:
        instance.check_editable()
        return
    # Made from the other side (function.findings.add(finding)): `model` is the frozen side.
    if pk_set is None:
        changed = model._base_manager.filter(**{FROZEN_SIDE_FIELD[sender]: instance})
    else:
        changed = model._base_manager.filter(pk__in=pk_set)
    if changed.exclude(inspection__state__in=EDITABLE_STATES).exists():
        raise ValidationError(model.frozen_message)
