"""The demo's people: one account per role, and Powys's senior contacts that escalations go to.

The Leader is named as the sources name her (Cllr Rosemarie Harris, shared/domain.md section 4).
The Minister met "the Leader and Chief Executive of Powys County Council" on 17 October 2017
(the written statement of that day), so the council had a chief executive; the sources consulted
do not name them, so their account is a demo account. No director of social services is a
contact: the notice of 17 October 2017 says no officer held that post.
"""

from django.contrib.auth import get_user_model

from accounts.audit import save_with_history
from accounts.choices import Role
from accounts.models import Organisation
from inspections.models import StatutoryFunction
from intervention.choices import SeniorPosition
from intervention.drafting.templates import requirement_template_ensure
from intervention.models import Ground, RequirementTemplate, SeniorContact

from .texts import REQUIREMENTS

DEMO_PASSWORD = "demo-password-2017"

DEMO_USERS = [
    # username, first name, last name, role, organisation code, job title
    ("inspector", "Demo", "Inspector", Role.INSPECTOR, "ciw", "Inspector"),
    ("wg-official", "Demo", "Official", Role.OFFICIAL, "welsh-government", "Social services policy official"),
    ("powys-officer", "Demo", "Powys Officer", Role.COUNCIL_OFFICER, "powys", "Children's services officer"),
    ("powys-leader", "Rosemarie", "Harris", Role.COUNCIL_OFFICER, "powys", "Leader of the Council (Cllr)"),
    ("powys-chief-executive", "Demo", "Chief Executive", Role.COUNCIL_OFFICER, "powys", "Chief Executive"),
    (
        "cardiff-officer",
        "Demo",
        "Cardiff Officer",
        Role.COUNCIL_OFFICER,
        "cardiff",
        "Children's services officer",
    ),
    ("admin", "Demo", "Administrator", Role.ADMINISTRATOR, None, "System administrator"),
]

SENIOR_CONTACTS = [
    # username, council code, position
    ("powys-leader", "powys", SeniorPosition.LEADER),
    ("powys-chief-executive", "powys", SeniorPosition.CHIEF_EXECUTIVE),
]


def ensure_users() -> dict[str, object]:
    """Create the demo users and senior contacts if missing; never reset an existing person's password."""
    User = get_user_model()
    people = {}
    for username, first, last, role, org_code, job_title in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                role=role,
                organisation=Organisation.objects.get(code=org_code) if org_code else None,
                job_title=job_title,
                # example.org is reserved for examples (RFC 2606): demo mail can reach nobody.
                email=f"{username}@example.org",
                is_staff=role == Role.ADMINISTRATOR,
                is_superuser=role == Role.ADMINISTRATOR,
            )
            user.set_password(DEMO_PASSWORD)
            user.full_clean()
            user._change_reason = "demo user"
            user.save()
        people[username] = user
    ensure_senior_contacts(people)
    return people


def ensure_senior_contacts(people: dict[str, object]) -> None:
    """Record the councils' senior contacts, as an administrator keeps them, if missing."""
    for username, council_code, position in SENIOR_CONTACTS:
        council = Organisation.objects.get(code=council_code)
        user = people[username]
        if SeniorContact.objects.filter(council=council, user=user).exists():
            continue
        contact = SeniorContact(council=council, user=user, position=position)
        contact.full_clean()
        save_with_history(contact, by=people["admin"], reason="demo senior contact")


def ensure_reference_history(by) -> None:
    """Give reference rows loaded from fixtures (which write no history) their first history row."""
    for model in (Organisation, Ground, StatutoryFunction):
        recorded = set(model.history.values_list("id", flat=True))
        missing = [obj for obj in model.objects.all() if obj.pk not in recorded]
        if missing:
            model.history.bulk_history_create(
                missing, default_user=by, default_change_reason="reference data"
            )


POWYS_TEMPLATE_NAME = "Powys 2017 warning notice: requirements (a) to (g)"
POWYS_TEMPLATE_DESCRIPTION = (
    "The seven requirements of the warning notice given to Powys County Council on 17 October 2017, "
    "in the notice's own words (an interim Director of Social Services, an Improvement Board and its "
    "monthly reports, an improvement plan agreed with the Board and implemented, and no new "
    "organisational structures during the plan period)."
)


def ensure_requirement_template(by) -> RequirementTemplate:
    """Record the Powys 2017 requirements as a template officials may start a notice from, if missing."""
    return requirement_template_ensure(
        name=POWYS_TEMPLATE_NAME, description=POWYS_TEMPLATE_DESCRIPTION, items=REQUIREMENTS, by=by
    )
