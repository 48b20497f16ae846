from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    INSPECTORATE = "inspectorate", _("Inspectorate")
    GOVERNMENT = "government", _("Government")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")


class Role(models.TextChoices):
    INSPECTOR = "inspector", _("Inspector")
    OFFICIAL = "wg_official", _("Welsh Government official")
    COUNCIL_OFFICER = "council_officer", _("Council officer")
    ADMINISTRATOR = "administrator", _("Administrator")


# Which kind of organisation each role belongs to; administrators may belong to any or none.
ROLE_ORGANISATION_KIND = {
    Role.INSPECTOR: OrganisationKind.INSPECTORATE,
    Role.OFFICIAL: OrganisationKind.GOVERNMENT,
    Role.COUNCIL_OFFICER: OrganisationKind.LOCAL_AUTHORITY,
}
