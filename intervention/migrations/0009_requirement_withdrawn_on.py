"""Requirements record the day they were withdrawn, so nothing that answers them can come back.

A requirement withdrawn before obligations existed was converted (0007) into an obligation no
longer required with the conversion's reason; its withdrawal day is that obligation's.
"""

from django.db import migrations, models

CONVERTED_WITHDRAWAL = "converted from the record kept before obligations"


def mark_converted_withdrawals(apps, schema_editor):
    Obligation = apps.get_model("intervention", "Obligation")
    Requirement = apps.get_model("intervention", "Requirement")
    withdrawn = Obligation.objects.filter(
        kind="requirement", state="not_required", settled_reason=CONVERTED_WITHDRAWAL
    ).values_list("requirement_id", "not_required_on")
    for requirement_id, on in withdrawn:
        Requirement.objects.filter(pk=requirement_id).update(withdrawn_on=on)


class Migration(migrations.Migration):
    dependencies = [
        ("intervention", "0008_remove_deadlines"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalrequirement",
            name="withdrawn_on",
            field=models.DateField(blank=True, null=True, verbose_name="withdrawn on"),
        ),
        migrations.AddField(
            model_name="requirement",
            name="withdrawn_on",
            field=models.DateField(blank=True, null=True, verbose_name="withdrawn on"),
        ),
        migrations.RunPython(mark_converted_withdrawals, migrations.RunPython.noop),
    ]
