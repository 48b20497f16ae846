"""The warning notice as a document: its print view and its PDF, laid out like the notice given.

An official gives, lays and publishes this document, so it must say what the notice said on the
day it was given (the requirements (a) to (g), the grounds, the end of the compliance period), be
the same file every time, and be shown only to those who may see the notice.
"""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from accounts.templatetags.govuk import deadline_date
from intervention import services
from intervention.choices import NoticeKind, VariationAction
from intervention.demo.powys_2017 import texts
from intervention.models import Ground, Requirement, WarningNotice
from intervention.notices.document import notice_document, render_pdf, roman

from .conftest import GIVEN_ON

PDF = "intervention:notice_document_pdf"
PAGE = "intervention:notice_document"


def pdf_text(content: bytes) -> str:
    """Return the PDF's text, its page footers left out (a paragraph may run over a page) and its
    line breaks and runs of spaces made single spaces."""
    reader = PdfReader(io.BytesIO(content))
    pages = [re.sub(r"Page \d+ of \d+\s*$", "", page.extract_text()) for page in reader.pages]
    return " ".join(" ".join(page.split()) for page in pages)


def says(pdf: str, expected: str) -> bool:
    """Return True if the PDF's text says `expected`, spacing aside (pypdf may split a kerned "T eam")."""
    return "".join(expected.split()) in "".join(pdf.split())


def get_pdf(client, notice) -> bytes:
    response = client.get(reverse(PDF, args=[notice.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


# The Powys notice of 17 October 2017, from the demo ---------------------------------------------


@pytest.fixture
def powys_notice(db):
    call_command("load_demo", verbosity=0)
    return WarningNotice.objects.get(case__council__code="powys", kind=NoticeKind.ORIGINAL)


@pytest.fixture
def demo_official(powys_notice):
    from accounts.models import User

    return User.objects.get(username="wg-official")


def test_the_powys_pdf_says_what_the_notice_said(client, powys_notice, demo_official):
    client.force_login(demo_official)
    page = client.get(reverse("intervention:notice_detail", args=[powys_notice.pk])).content.decode()
    end = deadline_date(powys_notice.compliance_ends_on)
    assert end == "Tuesday 14 November 2017" and end in page  # as the notice page shows it

    text = pdf_text(get_pdf(client, powys_notice))

    assert (
        "WARNING NOTICE ISSUED FOLLOWING THE INSPECTION OF CHILDREN'S SERVICES, POWYS COUNTY COUNCIL" in text
    )
    assert "Section 151" in text and "To Powys County Council" in text
    for letter, requirement, *_ in texts.REQUIREMENTS:
        assert says(text, f"({letter}) {requirement}"), letter
    assert re.findall(r"\(([a-g])\) to ", text) == list("abcdef")  # lettered, in the notice's order
    for number in texts.GROUNDS:
        ground = Ground.objects.get(number=number)
        assert says(text, f"Ground {number} – {ground.text}")
    assert says(text, texts.GROUND_REASONS)
    assert "Care and support" in text and says(text, texts.SAFEGUARDING)
    assert f"The compliance period ends on {end}." in text
    assert "(i) " in text and "(vii) " in text  # the failed functions, numbered
    assert says(text, texts.MINDED_TO)
    assert "Given by the Welsh Ministers on 17 October 2017." in text
    assert says(text, f"Signed: {texts.MINISTER_2017}")
    assert "DRAFT" not in text


def test_the_powys_pdf_is_a4_with_page_numbers_and_the_notices_own_dates(client, powys_notice, demo_official):
    client.force_login(demo_official)

    reader = PdfReader(io.BytesIO(get_pdf(client, powys_notice)))

    pages = len(reader.pages)
    assert pages >= 2
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    assert f"Page 1 of {pages}" in reader.pages[0].extract_text()
    assert reader.metadata.creation_date.date() == datetime.date(2017, 10, 17)
    assert reader.metadata.modification_date.date() == datetime.date(2017, 10, 17)


def test_the_pdf_is_the_same_bytes_every_time(client, powys_notice, demo_official):
    client.force_login(demo_official)

    first = get_pdf(client, powys_notice)
    second = get_pdf(client, powys_notice)

    assert first == second
    assert render_pdf(notice_document(powys_notice)) == first


def test_the_pdf_downloads_as_a_named_attachment(client, powys_notice, demo_official):
    client.force_login(demo_official)

    response = client.get(reverse(PDF, args=[powys_notice.pk]))

    assert response["Content-Disposition"] == (
        'attachment; filename="powys-county-council-warning-notice-2017-10-17.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"


def test_the_print_view_shows_the_document_and_the_notice_page_links_to_both(
    client, powys_notice, demo_official
):
    client.force_login(demo_official)
    notice_page = client.get(reverse("intervention:notice_detail", args=[powys_notice.pk])).content.decode()
    assert reverse(PDF, args=[powys_notice.pk]) in notice_page
    assert "Download the notice (PDF)" in notice_page and "Print view" in notice_page
    assert reverse(PAGE, args=[powys_notice.pk]) in notice_page

    page = client.get(reverse(PAGE, args=[powys_notice.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    assert "(g)</span> during the improvement plan period" in html
    assert "The compliance period ends on Tuesday 14 November 2017." in html
    assert reverse(PDF, args=[powys_notice.pk]) in html


# What the document says, as given -------------------------------------------------------------------


def test_the_document_keeps_the_words_given_after_an_addendum_rewords_a_requirement(
    client, official, issued_notice
):
    addendum = services.notice_draft(
        case=issued_notice.case,
        by=official,
        title="Addendum to the warning notice",
        kind=NoticeKind.ADDENDUM,
        parent=issued_notice,
        minded_to="Intervene more directly.",
    )
    services.variation_set(
        addendum=addendum,
        by=official,
        requirement=issued_notice.requirements.get(letter="f"),
        action=VariationAction.AMEND,
        new_text="Requirement f, reworded",
        reason="Clearer.",
    )
    services.notice_issue(notice=addendum, by=official, on=datetime.date(2017, 11, 1))
    client.force_login(official)

    original = pdf_text(get_pdf(client, issued_notice))
    amending = pdf_text(get_pdf(client, addendum))

    assert "(f) Requirement f " in original and "reworded" not in original
    assert "Addendum to a warning notice" in amending


def test_the_document_keeps_the_end_of_the_period_as_given_and_the_page_says_it_was_extended(
    client, official, issued_notice
):
    given_end = issued_notice.compliance_ends_on
    services.notice_extend_compliance_period(
        notice=issued_notice,
        by=official,
        ends_on=datetime.date(2017, 11, 30),
        decided_by="Minister for Social Services and Public Health",
        decided_on=datetime.date(2017, 11, 10),
        reason="The council asked for more time.",
    )
    client.force_login(official)

    text = pdf_text(get_pdf(client, issued_notice))
    page = client.get(reverse(PAGE, args=[issued_notice.pk])).content.decode()

    assert f"The compliance period ends on {deadline_date(given_end)}." in text
    assert "30 November 2017" not in text
    assert "it now ends on Thursday 30 November 2017" in page


def test_facts_not_recorded_are_said_to_be_not_evidenced(client, official, issued_notice):
    assert issued_notice.minister == "" and issued_notice.inspection is None
    client.force_login(official)

    text = pdf_text(get_pdf(client, issued_notice))

    assert "Signed: not evidenced" in text
    assert "Inspection report Not evidenced" in text
    assert says(text, f"Recorded as given by {official.get_full_name() or official.username}")


def test_roman_numerals_number_the_failed_functions():
    assert [roman(n) for n in (1, 2, 4, 6, 9, 14, 40)] == ["i", "ii", "iv", "vi", "ix", "xiv", "xl"]


# A draft ------------------------------------------------------------------------------------------


def test_a_draft_is_marked_draft_for_the_official(client, official, draft_notice):
    client.force_login(official)

    response = client.get(reverse(PDF, args=[draft_notice.pk]))
    text = pdf_text(response.content)
    page = client.get(reverse(PAGE, args=[draft_notice.pk])).content.decode()

    assert text.startswith("DRAFT") and "DRAFT: not given to the council" in text
    assert "DRAFT: WARNING NOTICE: POWYS CHILDREN'S SERVICES" in text
    assert "Not given: this is a draft" in text
    # Counted from the day it is given, which a draft has not got.
    assert "The end of the compliance period is worked out on the day the notice is given." in text
    assert response["Content-Disposition"].endswith(f'-{draft_notice.pk}-draft.pdf"')
    assert "This is a draft, never given to the council." in page
    overview = client.get(reverse("intervention:notice_detail", args=[draft_notice.pk])).content.decode()
    assert reverse(PAGE, args=[draft_notice.pk]) in overview


@pytest.mark.parametrize("name", [PDF, PAGE])
@pytest.mark.parametrize("role", ["inspector", "powys_officer", "cardiff_officer", "administrator"])
def test_a_draft_is_hidden_from_everyone_but_officials(client, people, draft_notice, name, role):
    client.force_login(people[role])

    assert client.get(reverse(name, args=[draft_notice.pk])).status_code == 404


# Who may open the document -------------------------------------------------------------------------


@pytest.mark.parametrize("name", [PDF, PAGE])
@pytest.mark.parametrize(
    "role, status",
    [
        ("official", 200),
        ("powys_officer", 200),
        ("inspector", 200),
        ("cardiff_officer", 404),
        ("administrator", 404),
    ],
)
def test_the_document_opens_for_those_who_see_the_notice_page(
    client, people, issued_notice, name, role, status
):
    client.force_login(people[role])
    notice_page = client.get(reverse("intervention:notice_detail", args=[issued_notice.pk]))

    response = client.get(reverse(name, args=[issued_notice.pk]))

    assert response.status_code == status == notice_page.status_code


@pytest.mark.parametrize("name", [PDF, PAGE])
def test_anonymous_visitors_are_sent_to_sign_in(client, issued_notice, name):
    response = client.get(reverse(name, args=[issued_notice.pk]))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# Queries: the same for 5 requirements as for 500 -------------------------------------------------


def _with_requirements(notice, count: int) -> WarningNotice:
    Requirement.objects.bulk_create(
        Requirement(notice=notice, letter=f"x{n}", text=f"Extra requirement {n}", position=100 + n)
        for n in range(count)
    )
    return notice


@pytest.mark.parametrize("name", [PAGE, PDF])
@pytest.mark.parametrize("count", [5, 500])
def test_the_documents_queries_do_not_grow_with_the_requirements(
    client, official, issued_notice, name, count, django_assert_max_num_queries
):
    _with_requirements(issued_notice, count)
    client.force_login(official)

    with django_assert_max_num_queries(12):
        response = client.get(reverse(name, args=[issued_notice.pk]))

    assert response.status_code == 200
    if name == PAGE:
        assert f"(x{count - 1})</span> Extra requirement {count - 1}" in response.content.decode()


def test_the_given_on_date_is_shown_as_the_notice_gives_it(issued_notice):
    document = notice_document(issued_notice)
    assert issued_notice.given_on == GIVEN_ON and not document.is_draft
    assert document.file_name == "powys-county-council-warning-notice-2017-10-17.pdf"
