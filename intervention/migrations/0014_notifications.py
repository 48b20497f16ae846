"""Notifications of hand-offs, and how each person wants them emailed."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intervention", "0013_confidence_label"),
        ("accounts", "0004_transition_log_chain"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalNotification",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("notice_issued", "Warning notice given"),
                            ("evidence_submitted", "Evidence submitted"),
                            ("evidence_accepted", "Evidence accepted"),
                            ("evidence_returned", "Evidence returned"),
                            ("plan_submitted", "Improvement plan submitted"),
                            ("plan_returned", "Improvement plan returned"),
                            ("plan_agreed", "Improvement plan agreed"),
                            ("board_report_submitted", "Board report submitted"),
                            ("escalation_raised", "Escalation raised"),
                            ("escalation_acknowledged", "Escalation acknowledged"),
                            ("obligations_changed", "What is owed changed"),
                            ("direction_given", "Direction given"),
                        ],
                        max_length=40,
                        verbose_name="kind",
                    ),
                ),
                ("dedupe_key", models.CharField(editable=False, max_length=200, verbose_name="hand-off")),
                ("subject", models.CharField(max_length=300, verbose_name="subject")),
                ("body", models.TextField(blank=True, verbose_name="what happened")),
                (
                    "path",
                    models.CharField(
                        help_text="The tracker page of the thing.", max_length=500, verbose_name="link"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="created at"
                    ),
                ),
                ("email_wanted", models.BooleanField(default=True, verbose_name="to be emailed")),
                ("emailed_at", models.DateTimeField(blank=True, null=True, verbose_name="emailed at")),
                (
                    "email_attempts",
                    models.PositiveSmallIntegerField(default=0, verbose_name="email attempts"),
                ),
                ("email_error", models.TextField(blank=True, verbose_name="last email error")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="intervention.interventioncase",
                        verbose_name="case",
                    ),
                ),
                (
                    "council",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="accounts.organisation",
                        verbose_name="council",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "notice",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="intervention.warningnotice",
                        verbose_name="warning notice",
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recipient",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical notification",
                "verbose_name_plural": "historical notifications",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalNotificationPreference",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                (
                    "email_frequency",
                    models.CharField(
                        choices=[
                            ("immediate", "Email me about each one straight away"),
                            ("daily", "Email me once a day with a summary"),
                        ],
                        default="immediate",
                        max_length=20,
                        verbose_name="emails",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="person",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical notification preference",
                "verbose_name_plural": "historical notification preferences",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="NotificationPreference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "email_frequency",
                    models.CharField(
                        choices=[
                            ("immediate", "Email me about each one straight away"),
                            ("daily", "Email me once a day with a summary"),
                        ],
                        default="immediate",
                        max_length=20,
                        verbose_name="emails",
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notification_preference",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="person",
                    ),
                ),
            ],
            options={
                "verbose_name": "notification preference",
                "verbose_name_plural": "notification preferences",
            },
        ),
        migrations.CreateModel(
            name="Notification",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("notice_issued", "Warning notice given"),
                            ("evidence_submitted", "Evidence submitted"),
                            ("evidence_accepted", "Evidence accepted"),
                            ("evidence_returned", "Evidence returned"),
                            ("plan_submitted", "Improvement plan submitted"),
                            ("plan_returned", "Improvement plan returned"),
                            ("plan_agreed", "Improvement plan agreed"),
                            ("board_report_submitted", "Board report submitted"),
                            ("escalation_raised", "Escalation raised"),
                            ("escalation_acknowledged", "Escalation acknowledged"),
                            ("obligations_changed", "What is owed changed"),
                            ("direction_given", "Direction given"),
                        ],
                        max_length=40,
                        verbose_name="kind",
                    ),
                ),
                ("dedupe_key", models.CharField(editable=False, max_length=200, verbose_name="hand-off")),
                ("subject", models.CharField(max_length=300, verbose_name="subject")),
                ("body", models.TextField(blank=True, verbose_name="what happened")),
                (
                    "path",
                    models.CharField(
                        help_text="The tracker page of the thing.", max_length=500, verbose_name="link"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="created at"
                    ),
                ),
                ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="read at")),
                ("email_wanted", models.BooleanField(default=True, verbose_name="to be emailed")),
                ("emailed_at", models.DateTimeField(blank=True, null=True, verbose_name="emailed at")),
                (
                    "email_attempts",
                    models.PositiveSmallIntegerField(default=0, verbose_name="email attempts"),
                ),
                ("email_error", models.TextField(blank=True, verbose_name="last email error")),
                (
                    "case",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="intervention.interventioncase",
                        verbose_name="case",
                    ),
                ),
                (
                    "council",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.organisation",
                        verbose_name="council",
                    ),
                ),
                (
                    "notice",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="intervention.warningnotice",
                        verbose_name="warning notice",
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="notifications",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recipient",
                    ),
                ),
            ],
            options={
                "verbose_name": "notification",
                "verbose_name_plural": "notifications",
                "ordering": ["-created_at", "-id"],
                "indexes": [models.Index(fields=["recipient", "read_at"], name="notification_unread")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("recipient", "dedupe_key"), name="notification_once_per_person"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("email_wanted", True), ("emailed_at__isnull", True), _connector="OR"
                        ),
                        name="notification_emailed_only_if_wanted",
                    ),
                ],
            },
        ),
    ]
