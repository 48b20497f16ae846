import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intervention", "0015_plan_report_files"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RequirementTemplate",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200, unique=True, verbose_name="name")),
                (
                    "description",
                    models.TextField(
                        blank=True,
                        help_text="Where the requirements come from and when to use them. Shown to officials.",
                        verbose_name="description",
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="Untick to stop offering it.",
                        verbose_name="offered when drafting",
                    ),
                ),
            ],
            options={
                "verbose_name": "template of requirements",
                "verbose_name_plural": "templates of requirements",
                "ordering": ["name", "id"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalRequirementTemplate",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("name", models.CharField(db_index=True, max_length=200, verbose_name="name")),
                (
                    "description",
                    models.TextField(
                        blank=True,
                        help_text="Where the requirements come from and when to use them. Shown to officials.",
                        verbose_name="description",
                    ),
                ),
                (
                    "is_active",
                    models.BooleanField(
                        default=True,
                        help_text="Untick to stop offering it.",
                        verbose_name="offered when drafting",
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
            ],
            options={
                "verbose_name": "historical template of requirements",
                "verbose_name_plural": "historical templates of requirements",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalRequirementTemplateItem",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("position", models.PositiveIntegerField(default=0, verbose_name="position")),
                ("letter", models.CharField(help_text="For example, a", max_length=5, verbose_name="letter")),
                ("text", models.TextField(max_length=5000, verbose_name="action required")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("one_off", "One-off action"),
                            ("recurring_report", "Recurring report"),
                            ("continuing_condition", "Continuing condition"),
                        ],
                        default="one_off",
                        max_length=30,
                        verbose_name="kind",
                    ),
                ),
                (
                    "answered_by",
                    models.CharField(
                        choices=[
                            ("evidence", "The council's evidence, reviewed by Welsh Government"),
                            ("improvement_plan", "The improvement plan, submitted by its due date"),
                            ("plan_agreement", "The improvement plan's agreement with the Improvement Board"),
                            ("board_reports", "The monthly Improvement Board reports"),
                        ],
                        default="evidence",
                        max_length=30,
                        verbose_name="what shows it is done",
                    ),
                ),
                (
                    "due",
                    models.CharField(
                        choices=[
                            ("none", "No date of its own"),
                            ("compliance", "By the end of the compliance period"),
                            ("fixed", "By a fixed date"),
                        ],
                        default="none",
                        help_text="A fixed date is set on the notice itself, not in a template.",
                        max_length=30,
                        verbose_name="when it is due",
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
                    "template",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="intervention.requirementtemplate",
                        verbose_name="template",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical requirement of a template",
                "verbose_name_plural": "historical requirements of a template",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="RequirementTemplateItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveIntegerField(default=0, verbose_name="position")),
                ("letter", models.CharField(help_text="For example, a", max_length=5, verbose_name="letter")),
                ("text", models.TextField(max_length=5000, verbose_name="action required")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("one_off", "One-off action"),
                            ("recurring_report", "Recurring report"),
                            ("continuing_condition", "Continuing condition"),
                        ],
                        default="one_off",
                        max_length=30,
                        verbose_name="kind",
                    ),
                ),
                (
                    "answered_by",
                    models.CharField(
                        choices=[
                            ("evidence", "The council's evidence, reviewed by Welsh Government"),
                            ("improvement_plan", "The improvement plan, submitted by its due date"),
                            ("plan_agreement", "The improvement plan's agreement with the Improvement Board"),
                            ("board_reports", "The monthly Improvement Board reports"),
                        ],
                        default="evidence",
                        max_length=30,
                        verbose_name="what shows it is done",
                    ),
                ),
                (
                    "due",
                    models.CharField(
                        choices=[
                            ("none", "No date of its own"),
                            ("compliance", "By the end of the compliance period"),
                            ("fixed", "By a fixed date"),
                        ],
                        default="none",
                        help_text="A fixed date is set on the notice itself, not in a template.",
                        max_length=30,
                        verbose_name="when it is due",
                    ),
                ),
                (
                    "template",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="items",
                        to="intervention.requirementtemplate",
                        verbose_name="template",
                    ),
                ),
            ],
            options={
                "verbose_name": "requirement of a template",
                "verbose_name_plural": "requirements of a template",
                "ordering": ["template", "position", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("template", "letter"), name="requirement_template_letter_once"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("due", "fixed"), _negated=True),
                        name="requirement_template_no_fixed_date",
                    ),
                ],
            },
        ),
    ]
