"""Load the Powys 2017 case and the demo users, through the same services a person would use."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils.translation import gettext as _

from accounts.models import Organisation
from inspections.models import StatutoryFunction
from intervention.demo import powys_2017
from intervention.models import Ground
from intervention.powers.reference import ensure_reference_data

REFERENCE_FIXTURES = [
    ("organisations", Organisation),
    ("grounds", Ground),
    ("statutory_functions", StatutoryFunction),
]


class Command(BaseCommand):
    help = _(
        "Load the Powys 2017 warning notice case and the demo users (password "
        "demo-password-2017). Demo only: refused where the settings do not allow demo data. "
        "Running it again changes nothing."
    )

    def handle(self, *args, **options) -> None:
        if not getattr(settings, "DEMO_ALLOWED", False):
            raise CommandError(_("Demo data and demo users are not allowed with these settings."))
        # Reference data comes from fixtures only into empty tables, so no later edit is undone.
        for fixture, model in REFERENCE_FIXTURES:
            if not model.objects.exists():
                call_command("loaddata", fixture, verbosity=0)
        ensure_reference_data()  # ss152-161 and the routes to the power (migration 0011), if missing
        # The case's events happened in 2017: nobody is emailed about them as they are recorded now.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            transaction.atomic(),
        ):
            created = powys_2017.load()
        if created:
            self.stdout.write(_("Loaded the Powys 2017 case and the demo users."))
        else:
            self.stdout.write(_("The Powys 2017 case is already loaded; nothing changed."))
