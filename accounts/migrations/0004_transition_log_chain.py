"""The transition log becomes a hash chain and keeps who each person was when they acted.

Existing rows are chained in id order and given the person as the person's own history says
they were at the time (else as they are now). The triggers of 0002 are dropped: from now on
accounts.audit_guard installs the guards of every audit table after each migrate.
"""

from django.db import migrations, models

from accounts import audit_chain

TABLE = "accounts_transitionlog"

# Every trigger 0002 or accounts.audit_guard may have put on the log. The old ones are replaced;
# the guard's own are put back by its post_migrate handler once the columns are in place.
SQLITE_TRIGGERS = [
    "accounts_transitionlog_no_update",
    f"{TABLE}__audit_no_update",
    f"{TABLE}__audit_no_delete",
    f"{TABLE}__audit_chain",
]
POSTGRES_TRIGGERS = [
    "accounts_transitionlog_no_update_or_delete",
    "tracker_audit_no_change",
    "tracker_audit_no_truncate",
    "tracker_audit_chain",
]


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    elif vendor == "postgresql":
        for name in POSTGRES_TRIGGERS:
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{TABLE}"')
        schema_editor.execute("DROP FUNCTION IF EXISTS accounts_transitionlog_append_only()")


def _as_of(history, pk, when):
    """Return the object's last history row at or before `when`, or None."""
    return history.filter(id=pk, history_date__lte=when).order_by("-history_date", "-history_id").first()


def chain_existing_rows(apps, schema_editor):
    db = schema_editor.connection.alias
    TransitionLog = apps.get_model("accounts", "TransitionLog")
    User = apps.get_model("accounts", "User")
    Organisation = apps.get_model("accounts", "Organisation")
    HistoricalUser = apps.get_model("accounts", "HistoricalUser").objects.using(db)
    HistoricalOrganisation = apps.get_model("accounts", "HistoricalOrganisation").objects.using(db)
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.using(db)}
    prev_hash = audit_chain.GENESIS
    for sequence, log in enumerate(TransitionLog.objects.using(db).order_by("id").iterator(), start=1):
        person = _as_of(HistoricalUser, log.by_id, log.recorded_at) or User.objects.using(db).get(
            pk=log.by_id
        )
        name = f"{person.first_name} {person.last_name}".strip() or person.username
        organisation = ""
        if person.organisation_id:
            known = _as_of(HistoricalOrganisation, person.organisation_id, log.recorded_at)
            known = known or Organisation.objects.using(db).filter(pk=person.organisation_id).first()
            organisation = known.name if known else ""
        values = {
            "sequence": sequence,
            "by_name": name[:300],
            "by_role": person.role,
            "by_organisation": organisation,
            "prev_hash": prev_hash,
        }
        content = audit_chain.row_content(
            sequence=sequence,
            content_type=content_types[log.content_type_id],
            object_id=log.object_id,
            object_repr=log.object_repr,
            transition=log.transition,
            source_state=log.source_state,
            target_state=log.target_state,
            by_id=log.by_id,
            by_name=values["by_name"],
            by_role=values["by_role"],
            by_organisation=organisation,
            recorded_at=log.recorded_at,
            occurred_on=log.occurred_on,
            reason=log.reason,
            prev_hash=prev_hash,
        )
        values["row_hash"] = prev_hash = audit_chain.row_hash(content)
        TransitionLog.objects.using(db).filter(pk=log.pk).update(**values)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_calendarfeed"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(drop_triggers, drop_triggers),
        migrations.AddField(
            model_name="transitionlog",
            name="by_name",
            field=models.CharField(default="", editable=False, max_length=300, verbose_name="name then"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="transitionlog",
            name="by_role",
            field=models.CharField(
                choices=[
                    ("inspector", "Inspector"),
                    ("wg_official", "Welsh Government official"),
                    ("council_officer", "Council officer"),
                    ("administrator", "Administrator"),
                ],
                default="",
                editable=False,
                max_length=20,
                verbose_name="role then",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="transitionlog",
            name="by_organisation",
            field=models.CharField(
                blank=True, editable=False, max_length=200, verbose_name="organisation then"
            ),
        ),
        migrations.AddField(
            model_name="transitionlog",
            name="sequence",
            field=models.PositiveBigIntegerField(
                editable=False, null=True, verbose_name="position in the log"
            ),
        ),
        migrations.AddField(
            model_name="transitionlog",
            name="prev_hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="hash of the previous row"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="transitionlog",
            name="row_hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="hash of this row"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="transitionlog",
            name="sequence",
            field=models.PositiveBigIntegerField(
                editable=False, unique=True, verbose_name="position in the log"
            ),
        ),
        migrations.AlterField(
            model_name="transitionlog",
            name="row_hash",
            field=models.CharField(
                editable=False, max_length=64, unique=True, verbose_name="hash of this row"
            ),
        ),
        migrations.AddConstraint(
            model_name="transitionlog",
            constraint=models.CheckConstraint(
                condition=models.Q(("sequence__gte", 1)), name="transition_log_sequence_from_one"
            ),
        ),
        # Going back: first take away the triggers that read the columns about to be removed.
        migrations.RunPython(migrations.RunPython.noop, drop_triggers),
    ]
