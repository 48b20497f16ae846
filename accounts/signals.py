"""Keep private calendar feed addresses in step with the person they belong to."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .feeds import calendar_feed_turn_off_if_stale
from .models import User

# A save that touches none of these (a sign-in writes only last_login) cannot make a feed stale.
FEED_FIELDS = frozenset({"organisation", "organisation_id", "role", "is_active"})


@receiver(post_save, sender=User, dispatch_uid="accounts.calendar_feed_turn_off_if_stale")
def turn_off_stale_calendar_feed(sender, instance: User, created: bool, update_fields=None, **kwargs) -> None:
    """Stop the old address at once when a person's organisation, role or access changes."""
    if created or kwargs.get("raw"):
        return
    if update_fields is not None and not FEED_FIELDS.intersection(update_fields):
        return
    calendar_feed_turn_off_if_stale(instance)
