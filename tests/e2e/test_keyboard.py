"""One form per role, filled in with the keyboard alone.

After the page has loaded, the tests use only page.keyboard (Tab, typing, Space, arrows, Enter):
no clicks and no fill. They check where focus goes: to the error summary when the form has an
error, from an error link to its field, and to the success banner once the change is saved.
"""

import datetime

import pytest

from tests.evidence_files import pdf_bytes

MAX_TABS = 80


def focused(page) -> dict:
    """Describe the element that has focus: its id, tag, name and type, and the box it sits in."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return {
                id: el.id, tag: el.tagName.toLowerCase(), name: el.getAttribute('name') || '',
                type: el.getAttribute('type') || '', text: (el.innerText || '').trim(),
                inErrorSummary: !!el.closest('.govuk-error-summary'),
                inSuccessBanner: !!el.closest('.govuk-notification-banner--success'),
            };
        }"""
    )


def tab_to(page, *, id: str = "", text: str = "", backwards: bool = False) -> dict:
    """Press Tab until the element with `id` (or a button or link reading `text`) has focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        now = focused(page)
        if (id and now["id"] == id) or (text and now["text"] == text):
            return now
    raise AssertionError(f"Tab never reached {id or text!r}; focus is on {focused(page)}")


def press_and_wait(b, key: str):
    """Press `key` on the focused control, wait for the page it leads to and check it with axe."""
    with b.page.expect_navigation():
        b.page.keyboard.press(key)
    b.page.wait_for_load_state()
    b.check_accessibility()


def assert_error_summary_has_focus(page):
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')")
    assert focused(page)["inErrorSummary"]


def assert_success_banner_has_focus(page):
    page.wait_for_function("document.activeElement.classList.contains('govuk-notification-banner--success')")


@pytest.fixture
def fieldwork_inspection(demo):
    """A Powys inspection in fieldwork, so its findings can still be added."""
    from accounts.models import Organisation, User
    from inspections import services
    from inspections.choices import InspectionType, ServiceArea

    inspector = User.objects.get(username="inspector")
    inspection = services.inspection_create(
        by=inspector,
        council=Organisation.objects.get(code="powys"),
        title="Keyboard inspection of adults' services, Powys County Council",
        service_area=ServiceArea.ADULTS,
        inspection_type=InspectionType.PLANNED,
        inspectorate_name="Care Inspectorate Wales",
        lead_inspector=inspector,
        report_reference="",
        report_url="",
        fieldwork=[],
    )
    services.inspection_start_fieldwork(inspection=inspection, by=inspector)
    return inspection


def test_inspector_adds_a_finding_with_the_keyboard(fieldwork_inspection, browser_user):
    b, page = browser_user, browser_user.page
    b.sign_in("inspector")
    b.go(f"/inspections/{fieldwork_inspection.pk}/findings/add/")

    # Sending the empty form: focus moves to the error summary, and its first link leads to the field.
    tab_to(page, text="Add finding")
    press_and_wait(b, "Enter")
    assert_error_summary_has_focus(page)
    assert "Select the theme of the finding" in b.main_text()
    tab_to(page, text="Select the theme of the finding")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "id_theme"

    page.keyboard.type("Safeguarding")
    assert page.evaluate("document.activeElement.value") == "safeguarding"
    tab_to(page, id="id_kind_0")  # Tab enters the radio group on its first option ...
    page.keyboard.press("Space")
    for _ in range(3):  # ... and the arrow keys move to "Serious concern"
        page.keyboard.press("ArrowDown")
    assert focused(page)["id"] == "id_kind_3"
    tab_to(page, id="id_text")
    page.keyboard.type("Keyboard: no record of statutory visits for six months.")
    tab_to(page, id="id_evidence_summary")
    page.keyboard.type("Case files read on site.")
    # Reading the page (not acting on it) to know which box is s144.
    s144 = page.get_by_label("SSWBA 2014 s144 (Directors of social services)").get_attribute("id")
    tab_to(page, id=s144)
    page.keyboard.press("Space")
    tab_to(page, text="Add finding")
    press_and_wait(b, "Enter")

    assert_success_banner_has_focus(page)
    text = b.main_text()
    assert "The finding has been added." in text
    assert "Serious concern" in text
    assert "Keyboard: no record of statutory visits for six months." in text
    assert "SSWBA 2014 s144: Directors of social services" in text


@pytest.fixture
def notice_just_given(transactional_db):
    """The Powys demo up to the moment the notice was given: nothing yet recorded against it."""
    from django.core.management import call_command

    from accounts.models import Organisation
    from intervention.demo import powys_2017

    for fixture in ("organisations", "grounds", "statutory_functions"):
        call_command("loaddata", fixture, verbosity=0)
    people = powys_2017.ensure_users()
    powys_2017.ensure_reference_history(people["admin"])
    state = {"people": people, "powys": Organisation.objects.get(code="powys")}
    for step in powys_2017.steps():
        step.record(state)
        if "notice" in state:
            return state["notice"]
    raise AssertionError("the demo never gives its notice")


def test_official_records_laying_with_the_keyboard(notice_just_given, browser_user):
    from intervention.choices import ObligationKind, ObligationState

    notice = notice_just_given
    b, page = browser_user, browser_user.page
    b.sign_in("wg-official")
    b.go(f"/notices/{notice.pk}/record-laying/")

    tab_to(page, text="Record as done")
    press_and_wait(b, "Enter")
    assert_error_summary_has_focus(page)
    tab_to(page, text="Select whether you can give the date it was done")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "id_when_0"  # the first choice: "On a date I can give"
    page.keyboard.press("Space")

    tab_to(page, id="id_on_0")  # the day box
    page.keyboard.type("7")
    page.keyboard.press("Tab")
    page.keyboard.type("11")
    page.keyboard.press("Tab")
    page.keyboard.type("2017")
    tab_to(page, id="id_source")
    page.keyboard.type("Laid before the National Assembly for Wales, 7 November 2017")
    press_and_wait(b, "Enter")  # Enter in a text box sends the form

    assert "Check your answers" in b.main_text()  # a permanent record: checked before it is made
    tab_to(page, text="Confirm and record")
    press_and_wait(b, "Enter")

    assert_success_banner_has_focus(page)
    text = b.main_text()
    assert "Recorded as done: Lay a copy of the notice before the National Assembly for Wales" in text
    assert "Met on 7 November 2017" in text
    laying = notice.obligations.get(kind=ObligationKind.LAYING)
    assert (laying.state, laying.met_on) == (ObligationState.MET, datetime.date(2017, 11, 7))


def test_council_officer_submits_evidence_with_the_keyboard(demo_in_november_2017, browser_user):
    # (f) is still owed in November 2017 ((a) and (b) were done by the 21st).
    requirement = demo_in_november_2017.requirements.get(letter="f")
    b, page = browser_user, browser_user.page
    b.sign_in("powys-officer")
    b.go(f"/requirements/{requirement.pk}/submit/")

    tab_to(page, id="id_statement")
    page.keyboard.type("Keyboard: the Improvement Board was appointed on 1 November 2017.")
    tab_to(page, text="Send evidence")
    press_and_wait(b, "Enter")  # no file yet: the error summary takes focus
    assert_error_summary_has_focus(page)
    assert "Select at least one file" in b.main_text()
    assert page.evaluate("document.getElementById('id_statement').value").startswith("Keyboard:")

    tab_to(page, text="Select at least one file")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "id_files"
    with page.expect_file_chooser() as chooser:  # Space opens the file chooser, as it would for a person
        page.keyboard.press("Space")
    chooser.value.set_files({"name": "board-terms.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()})
    tab_to(page, text="Send evidence")
    press_and_wait(b, "Enter")

    assert_success_banner_has_focus(page)
    text = b.main_text()
    assert "Your evidence for requirement (f) has been sent to Welsh Government." in text
    assert "Keyboard: the Improvement Board was appointed on 1 November 2017." in text
    assert "board-terms.pdf" in text
