"""Free text is bounded and plain: every text field has a length limit and refuses hidden characters
that change the direction of text; extra non-working days fall in years the calendar can use.

The form test finds every form class of the project by itself, so a new form is checked without
anyone remembering to add it here.
"""

import datetime
import importlib
import inspect
import pkgutil
from types import SimpleNamespace

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from accounts.forms import TextChecksMixin, is_free_text
from inspections.models import Finding
from intervention import services
from intervention.corrections.facts import FACTS
from intervention.models import (
    Board,
    ConfirmedCalendarYear,
    Direction,
    NonWorkingDay,
    Requirement,
    RequirementTemplate,
    WarningNotice,
)
from tests.factories import GroundFactory, InspectionFactory

pytestmark = pytest.mark.django_db

PROJECT_PACKAGES = ("accounts", "config", "inspections", "intervention")
# Forms another part of the project owns and has yet to move onto accounts.forms.GovukForm: the
# sign-in codes, which are checked against their format anyway. Remove each once it has moved.
# Each hidden direction character, hidden in the middle of ordinary words.
DIRECTION_CHARACTERS = [
    "\u061c",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
]
TOO_LONG = "x" * 100_000


def project_form_classes() -> list[type[forms.BaseForm]]:
    """Import every module of the project and return each form class it defines."""
    for package_name in PROJECT_PACKAGES:
        package = importlib.import_module(package_name)
        for module in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            if ".migrations" not in module.name and not module.name.endswith(".settings.production"):
                importlib.import_module(module.name)
    found, pending = [], [forms.BaseForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        abstract = getattr(getattr(cls, "_meta", None), "model", True) is None  # a model form's base
        if cls.__module__.split(".")[0] in PROJECT_PACKAGES and cls not in found and not abstract:
            found.append(cls)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def name_of(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


@pytest.fixture
def arguments(powys):
    """What each form's constructor may ask for, by the name of its argument."""
    return {
        "today": datetime.date(2018, 1, 1),
        "opened_on": datetime.date(2017, 10, 17),
        "notices": WarningNotice.objects.none(),
        "parents": WarningNotice.objects.none(),
        "open_cases": [],
        "boards": Board.objects.none(),
        "inspection": InspectionFactory(council=powys, published=True),
        "grounds": [GroundFactory(number=1)],
        "findings": Finding.objects.none(),
        "requirements": Requirement.objects.none(),
        "power": SimpleNamespace(directions=Direction.objects.none()),
        "obligations": [],
        "decided": {},
        "templates": RequirementTemplate.objects.none(),
        "fact": FACTS["notice_reference"],  # a fact typed as text, so its value is checked too
    }


def build(cls, arguments, data=None):
    """Make a form of `cls`, bound to `data` if given, with what its constructor needs."""
    needed = {
        name: arguments[name]
        for name, parameter in inspect.signature(cls.__init__).parameters.items()
        if parameter.kind is parameter.KEYWORD_ONLY and parameter.default is parameter.empty
    }
    return cls(data, **needed) if data is not None else cls(**needed)


def text_fields(form) -> list[str]:
    return [name for name, field in form.fields.items() if is_free_text(field)]


def test_the_project_has_forms_to_check():
    names = [name_of(cls) for cls in project_form_classes()]
    assert "accounts.forms.ReasonForm" in names
    assert "inspections.forms.FindingForm" in names
    assert "intervention.drafting.forms.NoticeGroundsForm" in names
    assert len(names) > 40


@pytest.mark.parametrize("cls", project_form_classes(), ids=name_of)
def test_every_form_limits_its_text_and_refuses_direction_characters(cls, arguments):
    assert issubclass(cls, TextChecksMixin), "base the form on accounts.forms.GovukForm"
    names = text_fields(build(cls, arguments))

    hidden = build(cls, arguments, dict.fromkeys(names, "Visits \u202egnissim\u202c were late."))
    long = build(cls, arguments, dict.fromkeys(names, TOO_LONG))
    hidden.is_valid()
    long.is_valid()

    for name in names:
        field = long.fields[name]
        assert field.max_length is not None and field.max_length < len(TOO_LONG), name
        assert f"must be {field.max_length:,} characters or fewer" in " ".join(long.errors.get(name, [])), (
            name
        )
        assert "must not include hidden characters" in " ".join(hidden.errors.get(name, [])), name


def test_every_form_the_admin_offers_for_typing_text_is_checked(administrator):
    request = RequestFactory().get("/")
    request.user = administrator
    checked = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in {"inspections", "intervention"}:
            continue
        if not model_admin.has_add_permission(request):
            continue
        form = model_admin.get_form(request)()
        assert isinstance(form, TextChecksMixin), model
        for name in text_fields(form):
            field = form.fields[name]
            assert field.max_length is not None, (model, name)
            with pytest.raises(forms.ValidationError):
                field.clean("Visits \u2067late\u2069")
        checked.append(model)
    assert NonWorkingDay in checked and ConfirmedCalendarYear in checked


@pytest.mark.parametrize("character", DIRECTION_CHARACTERS, ids=lambda c: f"U+{ord(c):04X}")
def test_a_finding_with_a_hidden_direction_character_is_refused_and_nothing_saved(
    client, inspector, powys, character
):
    inspection = InspectionFactory(council=powys, fieldwork=True)
    client.force_login(inspector)

    response = client.post(
        reverse("inspections:finding_add", args=[inspection.pk]),
        {"theme": "assessment", "kind": "strength", "text": f"Visits were {character}late."},
    )

    assert response.status_code == 200
    assert "Finding must not include hidden characters that change the direction of text" in (
        response.content.decode()
    )
    assert not inspection.findings.exists()


def test_a_reason_of_100000_characters_is_refused_with_the_limit(client, inspector, powys):
    inspection = InspectionFactory(council=powys, fieldwork=True)
    client.force_login(inspector)

    response = client.post(reverse("inspections:withdraw", args=[inspection.pk]), {"reason": TOO_LONG})

    assert response.status_code == 200
    assert "must be 5,000 characters or fewer" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.state == "fieldwork"


def test_a_title_of_100000_characters_is_refused_with_the_limit(client, inspector, powys):
    client.force_login(inspector)

    response = client.post(
        reverse("inspections:create"),
        {"council": powys.pk, "title": TOO_LONG, "service_area": "children", "inspection_type": "planned"},
    )

    assert response.status_code == 200
    assert "Title must be 300 characters or fewer" in response.content.decode()


# Extra non-working days ------------------------------------------------------------------------

DAY_FIELDS = {"description": "Extra bank holiday", "source": "https://www.gov.uk/bank-holidays"}


def admin_add(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


@pytest.mark.parametrize("day", ["0001-01-01", "1871-12-25", "2201-01-01", "9999-12-31"])
def test_the_admin_refuses_a_non_working_day_in_a_year_the_calendar_cannot_use(client, administrator, day):
    client.force_login(administrator)

    response = client.post(admin_add(NonWorkingDay), {"day": day, **DAY_FIELDS})

    assert response.status_code == 200
    assert "The date must be between 1 January 1872 and 31 December 2200" in response.content.decode()
    assert not NonWorkingDay.objects.exists()


@pytest.mark.parametrize("day", ["2017-11-07", "2101-12-27"])
def test_the_admin_records_a_day_the_calendar_knows_or_of_a_year_about_to_be_confirmed(
    client, administrator, day
):
    client.force_login(administrator)

    response = client.post(admin_add(NonWorkingDay), {"day": day, **DAY_FIELDS})

    assert response.status_code == 302
    assert NonWorkingDay.objects.get().day.isoformat() == day


def test_the_service_refuses_a_day_in_the_year_9999_too(administrator):
    with pytest.raises(forms.ValidationError) as refused:
        services.non_working_day_save(
            day=NonWorkingDay(day=datetime.date(9999, 1, 1), **DAY_FIELDS), by=administrator
        )
    assert "day" in refused.value.message_dict
    assert not NonWorkingDay.objects.exists()


@pytest.mark.parametrize("year, saved", [("2017", False), ("9999", False), ("2101", True)])
def test_only_a_year_after_the_bank_holiday_data_can_be_confirmed(client, administrator, year, saved):
    client.force_login(administrator)

    response = client.post(admin_add(ConfirmedCalendarYear), {"year": year, "source": "gov.uk"})

    assert ConfirmedCalendarYear.objects.filter(year=int(year)).exists() is saved
    if not saved:
        assert "The year must be between 2101 and 2200" in response.content.decode()
