from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import audit_chain
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


class TransitionLogQuerySet(AppendOnlyQuerySet):
    def bulk_create(self, objs, batch_size=None, ignore_conflicts=False, update_conflicts=False, **kwargs):
        """Append the rows one by one, so each is chained to the one before it like any other."""
        if ignore_conflicts or update_conflicts:
            raise PermissionError("Audit records cannot be changed.")
        objs = list(objs)
        with transaction.atomic(using=self.db):
            for obj in objs:
                obj.save(using=self.db)
        return objs


class TransitionLog(models.Model):
    """One row per state change of any tracked object: what moved, from where to where, who and why.

    Rows are only ever appended (the database refuses UPDATE, DELETE and TRUNCATE; see
    accounts.audit_guard), each chained to the one before by a hash (accounts.audit_chain), and
    carry the person as they were then: their name, role and organisation at that moment.
    """

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
    # Who they were when they acted: a later move to another council or a new name changes the
    # person, not what the log says about the past.
    by_name = models.CharField(_("name then"), max_length=300, editable=False)
    by_role = models.CharField(_("role then"), max_length=20, choices=Role.choices, editable=False)
    by_organisation = models.CharField(_("organisation then"), max_length=200, blank=True, editable=False)
    # Set by save() when the row is appended; a caller cannot back-date it.
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    # The day the event happened in the world (a report published on 17 October 2017 may be
    # recorded years later); never later than the day it was recorded.
    occurred_on = models.DateField(_("occurred on"))
    reason = models.TextField(_("reason"), blank=True)
    # The chain: the row's place (1, 2, 3... without gaps), the hash of the row before it and its own.
    sequence = models.PositiveBigIntegerField(_("position in the log"), unique=True, editable=False)
    prev_hash = models.CharField(_("hash of the previous row"), max_length=64, editable=False)
    row_hash = models.CharField(_("hash of this row"), max_length=64, unique=True, editable=False)

    objects = TransitionLogQuerySet.as_manager()

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "recorded_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(sequence__gte=1), name="transition_log_sequence_from_one"),
        ]
        verbose_name = _("transition log entry")
        verbose_name_plural = _("transition log")

    def __str__(self) -> str:
        return f"{self.object_repr}: {self.source_state} → {self.target_state}"

    def save(self, *args, **kwargs) -> None:
        """Append the row: the person as they are now, the time now, chained to the last row."""
        if not self._state.adding:
            raise PermissionError("Audit records cannot be changed.")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        kwargs["using"] = using
        kwargs["force_insert"] = True
        with transaction.atomic(using=using):
            self._take_snapshot_of_actor(using)
            audit_chain.lock_chain(connections[using])
            last = (
                type(self)
                ._base_manager.using(using)
                .order_by("-sequence")
                .values("sequence", "row_hash", "recorded_at")
                .first()
            )
            now = timezone.now()
            # Clocks of several app servers may disagree a little: the chain never goes back in time.
            self.recorded_at = max(now, last["recorded_at"]) if last else now
            self.sequence = last["sequence"] + 1 if last else 1
            self.prev_hash = last["row_hash"] if last else audit_chain.GENESIS
            self.row_hash = self.compute_hash(using=using)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit records cannot be deleted.")

    def _take_snapshot_of_actor(self, using: str) -> None:
        person = User._base_manager.using(using).select_related("organisation").get(pk=self.by_id)
        self.by_name = str(person)[:300]
        self.by_role = person.role
        self.by_organisation = person.organisation.name if person.organisation_id else ""

    def chain_content(self, *, using: str | None = None) -> dict:
        """Return what this row's hash covers (accounts.audit_chain.row_content)."""
        content_type = ContentType.objects.db_manager(using or self._state.db).get_for_id(
            self.content_type_id
        )
        return audit_chain.row_content(
            sequence=self.sequence,
            content_type=f"{content_type.app_label}.{content_type.model}",
            object_id=self.object_id,
            object_repr=self.object_repr,
            transition=self.transition,
            source_state=self.source_state,
            target_state=self.target_state,
            by_id=self.by_id,
            by_name=self.by_name,
            by_role=self.by_role,
            by_organisation=self.by_organisation,
            recorded_at=self.recorded_at,
            occurred_on=self.occurred_on,
            reason=self.reason,
            prev_hash=self.prev_hash,
        )

    def compute_hash(self, *, using: str | None = None) -> str:
        """Return the hash this row should carry, from its content and the previous row's hash."""
        return audit_chain.row_hash(self.chain_content(using=using))
