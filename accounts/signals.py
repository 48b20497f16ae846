"""Keep private calendar feed addresses in step with the person they belong to; let raw loads in."""

from django.db.models import Model
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .feeds import calendar_feed_turn_off_if_stale
from .models import User

# A save that touches none of these (a sign-in writes only last_login) cannot make a feed stale.
FEED_FIELDS = frozenset({"organisation", "organisation_id", "role", "is_active"})

# Set on an instance that loaddata is restoring (see mark_raw_loads).
RAW_LOAD = "_loaded_raw"


@receiver(post_save, sender=User, dispatch_uid="accounts.calendar_feed_turn_off_if_stale")
def turn_off_stale_calendar_feed(sender, instance: User, created: bool, update_fields=None, **kwargs) -> None:
    """Stop the old address at once when a person's organisation, role or access changes."""
    if created or kwargs.get("raw"):
        return
    if update_fields is not None and not FEED_FIELDS.intersection(update_fields):
        return
    calendar_feed_turn_off_if_stale(instance)


@receiver(pre_save, dispatch_uid="accounts.mark_raw_loads")
def mark_raw_loads(sender, instance: Model, raw: bool = False, **kwargs) -> None:
    """Mark a row that loaddata is restoring, so that its many-to-many links load as dumped too.

    loaddata saves each row raw, then sets its many-to-many links with .set(), which sends
    m2m_changed without `raw`. The dump already holds the history rows, so simple-history must
    write none (it skips instances with `skip_history_when_saving`), and the freeze guards must
    let published links back in (they ask is_raw_load).
    """
    if raw:
        setattr(instance, RAW_LOAD, True)
        instance.skip_history_when_saving = True


def is_raw_load(instance: Model) -> bool:
    """Return True if `instance` is a row being restored as dumped (loaddata), not a change."""
    return getattr(instance, RAW_LOAD, False)
