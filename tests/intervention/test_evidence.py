"""Evidence files: what may be uploaded, how it is stored, and who may download it."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import Resolver404, resolve, reverse

from intervention import services
from intervention.casework import forms as casework_forms
from intervention.casework.uploads import evidence_content_type
from intervention.choices import ObligationState
from intervention.models import EvidenceFile, Submission
from tests import evidence_files

# Real files: the checks parse them (intervention/casework/uploads.py, tests in test_upload_checks.py).
PDF = evidence_files.pdf_bytes()
PNG = evidence_files.png_bytes()
JPEG = evidence_files.jpeg_bytes()
ZIP = evidence_files.docx_bytes()  # a .docx is a ZIP archive
XLSX = evidence_files.xlsx_bytes()
DOC = evidence_files.ole_bytes("WordDocument")  # Word 97-2003
XLS = evidence_files.ole_bytes("Workbook")  # Excel 97-2003
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 16
WRONG_TYPE = "must be a PDF, Word document, Excel spreadsheet or image"


def upload(name, content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    "name, head, expected",
    [
        ("plan.pdf", PDF, "application/pdf"),
        ("PLAN.PDF", PDF, "application/pdf"),
        ("letter.docx", ZIP, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("budget.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("old.doc", DOC, "application/msword"),
        ("old.xls", XLS, "application/vnd.ms-excel"),
        ("chart.png", PNG, "image/png"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("program.exe", EXE, None),
        ("program.pdf", EXE, None),  # renamed: the first bytes give it away
        ("notes.txt", b"hello", None),
        ("page.html", b"<html>", None),
        ("letter.docx", PDF, None),
        ("no-extension", PDF, None),
    ],
)
def test_a_file_is_accepted_only_when_its_extension_and_contents_agree(name, head, expected):
    try:
        assert evidence_content_type(upload(name, head, "application/octet-stream")) == expected
    except ValidationError:
        assert expected is None


# Uploading ---------------------------------------------------------------------------------


@pytest.fixture
def submit_url(requirement_a):
    return reverse("intervention:requirement_submit", args=[requirement_a.pk])


def _refused(client, powys_officer, submit_url, requirement_a, files, error):
    """The page says what is wrong with the files, keeps the statement, and nothing is sent."""
    client.force_login(powys_officer)
    response = client.post(submit_url, {"statement": "See attached.", "files": files})
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and '<a href="#id_files">' in page
    assert error in page
    assert "See attached." in page  # nothing typed is lost
    assert requirement_a.obligations.get().state == ObligationState.OPEN  # still owed, not with WG
    assert not Submission.objects.exists()
    assert not EvidenceFile.objects.exists()


def test_wrong_type_by_extension_is_refused(client, powys_officer, submit_url, requirement_a):
    _refused(
        client,
        powys_officer,
        submit_url,
        requirement_a,
        [upload("tool.exe", EXE, "application/octet-stream")],
        f"The selected file “tool.exe” {WRONG_TYPE}",
    )


def test_a_program_renamed_as_a_pdf_is_refused(client, powys_officer, submit_url, requirement_a):
    _refused(client, powys_officer, submit_url, requirement_a, [upload("report.pdf", EXE)], WRONG_TYPE)


def test_one_bad_file_among_good_ones_refuses_them_all(client, powys_officer, submit_url, requirement_a):
    files = [upload("good.pdf"), upload("chart.png", PNG, "image/png"), upload("bad.pdf", EXE)]
    _refused(client, powys_officer, submit_url, requirement_a, files, "The selected file “bad.pdf”")


@override_settings(EVIDENCE_MAX_FILE_SIZE=1024)
def test_a_file_over_the_size_limit_is_refused(client, powys_officer, submit_url, requirement_a):
    big = upload("big.pdf", PDF + b"0" * 2048)
    _refused(client, powys_officer, submit_url, requirement_a, [big], "must be smaller than 1KB")


def test_the_size_limit_is_20mb(client):
    assert casework_forms.EVIDENCE_MAX_FILE_SIZE == 20 * 1024 * 1024
    assert casework_forms._size_label(casework_forms.EVIDENCE_MAX_FILE_SIZE) == "20MB"


def test_more_than_ten_files_are_refused(client, powys_officer, submit_url, requirement_a):
    files = [upload(f"part-{i}.pdf") for i in range(casework_forms.EVIDENCE_MAX_FILES + 1)]
    _refused(client, powys_officer, submit_url, requirement_a, files, "Select 10 files or fewer")


def test_no_file_or_an_empty_file_is_refused(client, powys_officer, submit_url, requirement_a):
    _refused(client, powys_officer, submit_url, requirement_a, [], "Select at least one file")
    _refused(
        client,
        powys_officer,
        submit_url,
        requirement_a,
        [upload("empty.pdf", b"")],
        "The selected file is empty",
    )


def test_a_statement_is_required(client, powys_officer, submit_url, requirement_a):
    client.force_login(powys_officer)
    response = client.post(submit_url, {"statement": "", "files": [upload("plan.pdf")]})
    assert "Enter how the council has met this requirement" in response.content.decode()
    assert not Submission.objects.exists()
    assert requirement_a.obligations.get().state == ObligationState.OPEN


def test_files_are_stored_under_a_random_name_with_the_checked_type(
    client, powys_officer, submit_url, requirement_a
):
    client.force_login(powys_officer)
    files = [
        upload("../../Cynllun gwella “Powys”.pdf", PDF, "application/octet-stream"),  # not what is stored
        upload("Board minutes.docx", ZIP, "application/octet-stream"),
        upload("chart.png", PNG, "image/png"),
        upload("photo.JPG", JPEG, "image/jpeg"),
    ]
    response = client.post(submit_url, {"statement": "Plan and minutes attached.", "files": files})
    assert response.status_code == 302
    assert requirement_a.obligations.get().state == ObligationState.SUBMITTED  # now with Welsh Government
    submission = Submission.objects.get()
    stored = {f.original_name: f for f in submission.files.all()}
    assert set(stored) == {"Cynllun gwella “Powys”.pdf", "Board minutes.docx", "chart.png", "photo.JPG"}
    pdf_file = stored["Cynllun gwella “Powys”.pdf"]
    assert pdf_file.content_type == "application/pdf"
    assert pdf_file.size == len(PDF)
    assert pdf_file.uploaded_by == powys_officer
    assert pdf_file.history.latest().history_user == powys_officer
    for evidence in stored.values():
        assert evidence.file.name.startswith("evidence/")
        assert "Powys" not in evidence.file.name and "minutes" not in evidence.file.name
    assert stored["photo.JPG"].file.name.endswith(".jpg")
    assert stored["Board minutes.docx"].content_type.endswith("wordprocessingml.document")
    # The page links to the download view, never to where the file is stored.
    page = client.get(reverse("intervention:requirement_detail", args=[requirement_a.pk])).content.decode()
    assert reverse("intervention:evidence_download", args=[pdf_file.pk]) in page
    assert pdf_file.file.name not in page


def test_the_service_refuses_a_bad_file_and_writes_nothing(requirement_a, powys_officer):
    with pytest.raises(ValidationError) as raised:
        services.requirement_submit(
            requirement=requirement_a, by=powys_officer, statement="Attached", files=[upload("x.pdf", EXE)]
        )
    assert "files" in raised.value.error_dict
    assert requirement_a.obligations.get().state == ObligationState.OPEN
    assert not Submission.objects.exists()


@pytest.mark.parametrize("letter", ["c", "d", "e"])
def test_a_requirement_met_by_a_document_takes_no_evidence(client, powys_officer, issued_notice, letter):
    """(c), (d) and (e) are met by the Board reports, the plan and its agreement: nothing to upload."""
    requirement = issued_notice.requirements.get(letter=letter)
    client.force_login(powys_officer)
    url = reverse("intervention:requirement_submit", args=[requirement.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"statement": "Attached", "files": [upload("plan.pdf")]}).status_code == 404
    with pytest.raises(ValidationError) as raised:
        services.requirement_submit(
            requirement=requirement, by=powys_officer, statement="Attached", files=[upload("plan.pdf")]
        )
    assert raised.value.messages == [
        f"Requirement ({letter}) is met by a document, not by evidence: send the document instead."
    ]
    assert not Submission.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert {o.state for o in requirement.obligations.all()} == {ObligationState.OPEN}


# Downloading -------------------------------------------------------------------------------


@pytest.fixture
def evidence(requirement_a, powys_officer):
    submission = services.requirement_submit(
        requirement=requirement_a,
        by=powys_officer,
        statement="Plan attached.",
        files=[upload("Cynllun “gwella”.pdf", PDF, "application/octet-stream")],
    )
    return submission.files.get()


@pytest.mark.parametrize("role", ["powys_officer", "official", "inspector"])
def test_people_who_see_the_requirement_download_the_file(client, people, evidence, role):
    client.force_login(people[role])
    response = client.get(reverse("intervention:evidence_download", args=[evidence.pk]))
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
def test_people_who_cannot_see_the_requirement_get_nothing(client, people, evidence, role, status):
    if people[role]:
        client.force_login(people[role])
    response = client.get(reverse("intervention:evidence_download", args=[evidence.pk]))
    assert response.status_code == status
    assert PDF not in response.content


def test_download_is_read_only(client, powys_officer, evidence):
    client.force_login(powys_officer)
    assert client.post(reverse("intervention:evidence_download", args=[evidence.pk])).status_code == 405


def test_evidence_is_not_reachable_by_its_storage_path(evidence):
    with pytest.raises(Resolver404):
        resolve("/" + evidence.file.name)
    with pytest.raises(Resolver404):
        resolve("/media/" + evidence.file.name)
