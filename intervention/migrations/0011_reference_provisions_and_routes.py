"""Reference data for ss152-161 and the routes to the power to intervene (intervention/powers/reference.py)."""

from django.db import migrations

from intervention.powers.reference import seed


def load(apps, schema_editor):
    seed(
        apps.get_model("intervention", "Provision"),
        apps.get_model("intervention", "PowerRoute"),
        apps.get_model("intervention", "HistoricalProvision"),
        apps.get_model("intervention", "HistoricalPowerRoute"),
    )


class Migration(migrations.Migration):
    dependencies = [("intervention", "0010_powers_directions_and_case_arc")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
