from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import ROLE_ORGANISATION_KIND, OrganisationKind, Role


class Organisation(models.Model):
    """A body whose people use the tracker: the inspectorate, the government or a council."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_cy = models.CharField(_("Welsh name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def is_local_authority(self) -> bool:
        return self.kind == OrganisationKind.LOCAL_AUTHORITY


class User(AbstractUser):
    """A person who signs in; what they may see and do follows from their role and organisation."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        expected_kind = ROLE_ORGANISATION_KIND.get(self.role)
        if expected_kind is None:
            return
        if self.organisation is None:
            raise ValidationError({"organisation": _("Choose the organisation this person works for.")})
        if self.organisation.kind != expected_kind:
            raise ValidationError(
                {
                    "organisation": _("A %(role)s must belong to a %(kind)s.")
                    % {
                        "role": Role(self.role).label.lower(),
                        "kind": OrganisationKind(expected_kind).label.lower(),
                    }
                }
            )


class CalendarFeed(models.Model):
    """A person's private calendar feed of the deadlines they may see, at one secret address.

    Only a hash of the secret is stored, so a copy of the database gives no working address. The
    address works while the feed is on and the person is active with the organisation and role
    they had when it was made (accounts.feeds checks this on every request).
    """

    user = models.OneToOneField(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(_("address secret (SHA-256)"), max_length=64, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation when made"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(_("role when made"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("address made at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("turned off at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("created_at")),
                name="calendar_feed_revoked_after_made",
            ),
        ]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_on(self) -> bool:
        return self.revoked_at is None

    def still_matches(self, user: "User") -> bool:
        """Return True if `user` is active with the organisation and role the address was made for."""
        return user.is_active and user.organisation_id == self.organisation_id and user.role == self.role


class AppendOnlyQuerySet(models.QuerySet):
    """Refuse bulk edits and deletes: audit rows are written once and never changed."""

    def update(self, **kwargs):
        raise PermissionError("Audit records cannot be changed.")

    def delete(self):
        raise PermissionError("Audit records cannot be deleted.")


class TransitionLog(models.Model):
    """One row per state change of any tracked object: what moved, from where to where, who and why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(_("object"), max_length=300)
    transition = models.CharField(_("transition"), max_length=60)
    source_state = models.CharField(_("from"), max_length=40)
    target_state = models.CharField(_("to"), max_length=40)
    # For traceability and accountability a person with log rows cannot be deleted.
    by = models.ForeignKey(
        User, verbose_name=_("by"), on_delete=models.PROTECT, related_name="transitions_made"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    # The day the event happened in the world (a report published on 17 October 2017 may be
    # recorded years later); never later than the day it was recorded.
    occurred_on = models.DateField(_("occurred on"))
    reason = models.TextField(_("reason"), blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "recorded_at"])]
        verbose_name = _("transition log entry")
        verbose_name_plural = _("transition log")

    def __str__(self) -> str:
        return f"{self.object_repr}: {self.source_state} → {self.target_state}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionError("Audit records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit records cannot be deleted.")
