"""Factories for tests: plain rows for setup, with traits named after the states they build."""

import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.choices import OrganisationKind, Role
from accounts.models import Organisation, User
from inspections.choices import FindingKind, FindingTheme, InspectionState, InspectionType, ServiceArea
from inspections.models import Finding, Inspection, StatutoryFunction
from intervention.choices import DeadlineUnit, ObligationKind, Owner
from intervention.models import Ground, InterventionCase, Obligation, Requirement

PASSWORD = "correct-horse-battery"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"council-{n}")
    name = factory.Sequence(lambda n: f"Council {n}")
    kind = OrganisationKind.LOCAL_AUTHORITY


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person-{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    role = Role.COUNCIL_OFFICER
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        # set_password only hashes in memory: store it, or the session auth hash never matches.
        if create and results:
            instance.save(update_fields=["password"])

    class Params:
        inspector = factory.Trait(
            role=Role.INSPECTOR,
            organisation=factory.SubFactory(
                OrganisationFactory,
                code="ciw",
                name="Care Inspectorate Wales",
                kind=OrganisationKind.INSPECTORATE,
            ),
        )
        official = factory.Trait(
            role=Role.OFFICIAL,
            organisation=factory.SubFactory(
                OrganisationFactory,
                code="welsh-government",
                name="Welsh Government",
                kind=OrganisationKind.GOVERNMENT,
            ),
        )
        administrator = factory.Trait(
            role=Role.ADMINISTRATOR, organisation=None, is_staff=True, is_superuser=True
        )


class StatutoryFunctionFactory(DjangoModelFactory):
    class Meta:
        model = StatutoryFunction
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SSWBA-s{n}")
    citation = factory.Sequence(lambda n: f"SSWBA 2014 s{n}")
    title = "A social services function"
    act = "Social Services and Well-being (Wales) Act 2014"


class GroundFactory(DjangoModelFactory):
    class Meta:
        model = Ground
        django_get_or_create = ("number",)

    number = 1
    title = factory.LazyAttribute(lambda o: f"Ground {o.number}")
    text = "the local authority has failed, or is likely to fail, to comply with a duty"


class InspectionFactory(DjangoModelFactory):
    class Meta:
        model = Inspection

    council = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Inspection {n}")
    service_area = ServiceArea.CHILDREN
    inspection_type = InspectionType.PLANNED

    class Params:
        published = factory.Trait(
            state=InspectionState.PUBLISHED,
            draft_issued_on=datetime.date(2017, 9, 5),
            published_on=datetime.date(2017, 10, 17),
        )
        fieldwork = factory.Trait(state=InspectionState.FIELDWORK)


class FindingFactory(DjangoModelFactory):
    class Meta:
        model = Finding

    inspection = factory.SubFactory(InspectionFactory, fieldwork=True)
    theme = FindingTheme.SAFEGUARDING
    kind = FindingKind.SERIOUS_CONCERN
    text = "No record of statutory visits for six months."


class CaseFactory(DjangoModelFactory):
    class Meta:
        model = InterventionCase

    council = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Case {n}")
    service_area = ServiceArea.CHILDREN
    opened_on = datetime.date(2017, 10, 17)


def add_owed(notice, rows: int, *, due_on, **fields) -> list[Obligation]:
    """Add `rows` requirements the council owes under `notice`, the i-th due on `due_on(i)`.

    Rows in bulk for the query budgets; `fields` override the obligation's (a fixed date by default).
    """
    requirements = Requirement.objects.bulk_create(
        Requirement(notice=notice, letter=f"z{i}", text=f"Item {i}", position=100 + i) for i in range(rows)
    )
    fields = {"unit": DeadlineUnit.FIXED_DATE, "basis": "Fixed date set in the notice", **fields}
    return Obligation.objects.bulk_create(
        Obligation(
            notice=notice,
            kind=ObligationKind.REQUIREMENT,
            owner=Owner.COUNCIL,
            requirement=requirement,
            position=requirement.position * 100,
            opened_on=notice.given_on,
            changed_on=notice.given_on,
            start_on=notice.given_on,
            due_on=due_on(i),
            **fields,
        )
        for i, requirement in enumerate(requirements)
    )
