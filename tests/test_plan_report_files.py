"""Files of the improvement plan and Board reports: uploaded, checked, stored and served as evidence is."""

import logging

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from intervention import services
from intervention.choices import ObligationKind, ObligationState
from intervention.models import BoardReport, DocumentFile, ImprovementPlan
from tests import evidence_files
from tests.workflow import BOARD_REPORT_ON, PLAN_SUBMITTED_ON, changed_tables, snapshot

pytestmark = pytest.mark.django_db

PDF = evidence_files.pdf_bytes()
PNG = evidence_files.png_bytes()
DOCX = evidence_files.docx_bytes()
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 16
WRONG_TYPE = "must be a PDF, Word document, Excel spreadsheet or image"


def upload(name, content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def dated(day) -> dict[str, str]:
    return {"on_0": str(day.day), "on_1": str(day.month), "on_2": str(day.year)}


@pytest.fixture
def plan(issued_notice) -> ImprovementPlan:
    return issued_notice.improvement_plan


@pytest.fixture
def report(issued_notice) -> BoardReport:
    return issued_notice.board_reports.order_by("month").first()


@pytest.fixture(params=["plan", "report"])
def document(request, plan, report):
    """The plan and a Board report, each in turn."""
    return {"plan": plan, "report": report}[request.param]


def submit_url(document) -> str:
    name = (
        "intervention:plan_submit"
        if isinstance(document, ImprovementPlan)
        else "intervention:board_report_submit"
    )
    return reverse(name, args=[document.pk])


def sent_on(document):
    return PLAN_SUBMITTED_ON if isinstance(document, ImprovementPlan) else BOARD_REPORT_ON


def obligation_of(document):
    if isinstance(document, ImprovementPlan):
        return document.notice.obligations.get(kind=ObligationKind.IMPROVEMENT_PLAN)
    return document.notice.obligations.get(board_report=document)


def post(client, document, *, files=(), summary="Plan attached.", reference=""):
    data = {**dated(sent_on(document)), "summary": summary, "document_reference": reference}
    if files:
        data["files"] = list(files)
    return client.post(submit_url(document), data)


def send(document, by, files):
    """Send the document with `files` through the service, as the submit page does."""
    if isinstance(document, ImprovementPlan):
        return services.plan_submit(
            plan=document, by=by, on=PLAN_SUBMITTED_ON, summary="The plan", files=files
        )
    return services.board_report_submit(
        report=document, by=by, on=BOARD_REPORT_ON, summary="Nov", files=files
    )


# Uploading ---------------------------------------------------------------------------------------


def test_the_submit_page_takes_files_and_keeps_the_reference_optional(client, powys_officer, document):
    client.force_login(powys_officer)
    page = client.get(submit_url(document)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page and 'name="files"' in page and "multiple" in page
    assert "Upload the document (optional)" in page
    assert "Document reference (optional)" in page


def test_files_are_stored_listed_and_linked_to_the_download_view(client, powys_officer, document):
    client.force_login(powys_officer)
    files = [
        upload("../Cynllun gwella “Powys”.pdf", PDF, "application/octet-stream"),
        upload("Board minutes.docx", DOCX, "application/octet-stream"),
        upload("chart.png", PNG, "image/png"),
    ]
    response = post(client, document, files=files)
    assert response.status_code == 302
    assert obligation_of(document).state == ObligationState.MET
    stored = {f.original_name: f for f in document.files.all()}
    assert set(stored) == {"Cynllun gwella “Powys”.pdf", "Board minutes.docx", "chart.png"}
    pdf_file = stored["Cynllun gwella “Powys”.pdf"]
    assert (pdf_file.content_type, pdf_file.size, pdf_file.uploaded_by) == (
        "application/pdf",
        len(PDF),
        powys_officer,
    )
    assert stored["Board minutes.docx"].content_type.endswith("wordprocessingml.document")
    row = pdf_file.history.latest()
    assert (row.history_user, row.history_change_reason, row.history_type) == (powys_officer, "uploaded", "+")
    for file in stored.values():
        assert file.file.name.startswith("documents/")
        assert "Powys" not in file.file.name and "minutes" not in file.file.name
    # The notice page lists each file with its size, who uploaded it and when, linked to the download view.
    page = client.get(reverse("intervention:notice_detail", args=[document.notice_id])).content.decode()
    for file in stored.values():
        assert reverse("intervention:document_download", args=[file.pk]) in page
        assert file.file.name not in page
    assert "Cynllun gwella “Powys”.pdf" in page
    assert f"uploaded by {powys_officer} on" in page


def test_a_document_may_be_sent_with_only_a_reference_as_before(client, powys_officer, document):
    client.force_login(powys_officer)
    response = post(client, document, reference=r"\\council\plans\plan-v1.docx")
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.document_reference == r"\\council\plans\plan-v1.docx"
    assert not document.files.exists()
    assert obligation_of(document).state == ObligationState.MET


def test_a_summary_is_still_required(client, powys_officer, document):
    client.force_login(powys_officer)
    before = snapshot()
    response = post(client, document, files=[upload("plan.pdf")], summary="")
    assert response.status_code == 200
    assert "Enter a summary" in response.content.decode()
    assert changed_tables(before) == []


def _refused(client, powys_officer, document, files, error):
    """The page names the file field in its error summary, keeps what was typed, and writes nothing."""
    client.force_login(powys_officer)
    before = snapshot()
    response = post(client, document, files=files, summary="The revised plan.")
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and '<a href="#id_files">' in page
    assert error in page
    assert "The revised plan." in page
    assert changed_tables(before) == []
    assert obligation_of(document).state == ObligationState.OPEN
    assert not DocumentFile.objects.exists()


def test_a_file_of_the_wrong_type_is_refused(client, powys_officer, document):
    files = [upload("tool.exe", EXE, "application/octet-stream")]
    _refused(client, powys_officer, document, files, f"The selected file “tool.exe” {WRONG_TYPE}")


def test_a_program_named_as_a_pdf_is_refused(client, powys_officer, document):
    _refused(client, powys_officer, document, [upload("plan.pdf", EXE)], "The selected file “plan.pdf”")


def test_a_fake_pdf_with_a_pdf_header_is_refused(client, powys_officer, document):
    fake = b"%PDF-1.7\n" + b"not really a PDF" * 20
    _refused(client, powys_officer, document, [upload("plan.pdf", fake)], "is not a PDF")


def test_one_bad_file_refuses_them_all(client, powys_officer, document):
    files = [upload("good.pdf"), upload("bad.pdf", EXE)]
    _refused(client, powys_officer, document, files, "The selected file “bad.pdf”")


@override_settings(EVIDENCE_MAX_FILE_SIZE=1024)
def test_a_file_over_the_size_limit_is_refused(client, powys_officer, document):
    big = upload("big.pdf", PDF + b"0" * 2048)
    _refused(client, powys_officer, document, [big], "The selected file “big.pdf” must be smaller than 1KB")


def test_an_empty_file_is_refused(client, powys_officer, document):
    _refused(client, powys_officer, document, [upload("empty.pdf", b"")], "The selected file is empty")


def test_the_service_checks_the_files_again_and_writes_nothing(powys_officer, document):
    before = snapshot()
    with pytest.raises(ValidationError) as raised:
        send(document, powys_officer, [upload("plan.pdf", EXE)])
    assert "files" in raised.value.error_dict
    assert changed_tables(before) == []


def test_a_returned_plan_sent_again_keeps_the_files_of_both_versions(client, official, powys_officer, plan):
    send(plan, powys_officer, [upload("plan v1.pdf")])
    services.plan_return(plan=plan, by=official, reason="Add timescales.")
    client.force_login(powys_officer)
    page = client.get(submit_url(plan)).content.decode()
    assert "plan v1.pdf" in page  # what was sent before, listed on the page that sends it again
    assert post(client, plan, files=[upload("plan v2.pdf")]).status_code == 302
    assert [f.original_name for f in plan.files.order_by("uploaded_at", "id")] == [
        "plan v1.pdf",
        "plan v2.pdf",
    ]


@pytest.mark.parametrize("name", ["intervention:plan_agree", "intervention:plan_return"])
def test_the_official_reviewing_the_plan_sees_its_files(client, official, powys_officer, plan, name):
    send(plan, powys_officer, [upload("Cynllun.pdf")])
    file = plan.files.get()
    client.force_login(official)
    page = client.get(reverse(name, args=[plan.pk])).content.decode()
    assert "The plan as the council sent it" in page
    assert "Cynllun.pdf" in page and reverse("intervention:document_download", args=[file.pk]) in page
    assert f"uploaded by {powys_officer}" in page and "The plan" in page


# Downloading -------------------------------------------------------------------------------------


@pytest.fixture
def stored(powys_officer, document) -> DocumentFile:
    send(document, powys_officer, [upload("Cynllun “gwella”.pdf", PDF, "application/octet-stream")])
    return document.files.get()


@pytest.mark.parametrize("role", ["powys_officer", "official", "inspector"])
def test_people_who_see_the_notice_download_the_file(client, people, stored, role):
    client.force_login(people[role])
    response = client.get(reverse("intervention:document_download", args=[stored.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Cynllun%20%E2%80%9Cgwella%E2%80%9D.pdf" in response["Content-Disposition"]
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    "role, status", [("cardiff_officer", 404), ("administrator", 404), ("anonymous", 302)]
)
def test_people_who_cannot_see_the_notice_get_nothing(client, people, stored, role, status):
    if people[role]:
        client.force_login(people[role])
    response = client.get(reverse("intervention:document_download", args=[stored.pk]))
    assert response.status_code == status
    assert PDF not in response.content
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


def test_the_other_council_cannot_reach_the_pages_that_list_the_files(client, cardiff_officer, stored):
    client.force_login(cardiff_officer)
    for url in (
        reverse("intervention:notice_detail", args=[stored.document.notice_id]),
        submit_url(stored.document),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "Cynllun" not in response.content.decode()


def test_download_is_read_only(client, powys_officer, stored):
    client.force_login(powys_officer)
    assert client.post(reverse("intervention:document_download", args=[stored.pk])).status_code == 405


def test_a_file_lost_from_the_store_gets_a_page_saying_so(client, powys_officer, stored, caplog):
    stored.file.storage.delete(stored.file.name)
    client.force_login(powys_officer)
    with caplog.at_level(logging.ERROR, logger="intervention.casework.views"):
        response = client.get(reverse("intervention:document_download", args=[stored.pk]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "The file is missing" in page and "Cynllun “gwella”.pdf" in page
    assert f"document file reference {stored.pk}" in page
    assert f"Document file {stored.pk} is missing" in caplog.text


def test_a_file_belongs_to_the_plan_or_a_report_never_both(powys_officer, plan, report):
    file = DocumentFile(
        plan=plan,
        board_report=report,
        file="documents/x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=1,
        uploaded_by=powys_officer,
    )
    with pytest.raises(ValidationError):
        file.full_clean()
