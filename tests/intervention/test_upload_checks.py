"""Evidence files are checked by their structure: polyglots, zip bombs and hidden programs are refused.

Also how accepted files are kept: owner-only on local disk, and a lost file answers a clear 404.
"""

import io
import logging
import stat
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image, PngImagePlugin
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject

from intervention import services
from intervention.casework import uploads
from intervention.choices import ObligationState
from intervention.models import EVIDENCE_TYPES, EvidenceFile, Submission
from tests import evidence_files as files

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def refusal(name, content, content_type="application/octet-stream") -> str:
    """Return the message the check gives for a file (failing if it accepts the file)."""
    with pytest.raises(ValidationError) as refused:
        uploads.evidence_content_type(upload(name, content, content_type))
    [message] = refused.value.messages
    return message


def said(template, name, **params) -> str:
    return str(template) % {"name": f"“{name}”", **params}


def pdf_with(*, text_object: bytes = b"", stream: bytes = b"") -> bytes:
    """A real PDF with an extra object: a text string outside any stream, or a stream's content."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if stream:
        content = DecodedStreamObject()
        content.set_data(stream)
        writer.pages[0].replace_contents(content)
    if text_object:
        writer.add_metadata({"/Subject": text_object.decode()})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims another size (Pillow reads the size before decoding)."""
    data = bytearray(files.png_bytes())
    ihdr = data[12:29]
    ihdr[4:12] = struct.pack(">II", width, height)
    data[12:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr)))
    return bytes(data)


def png_with_text(text: str) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", text)
    out = io.BytesIO()
    Image.new("RGB", (4, 3)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


# What is accepted ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, declared, stored",
    [
        ("plan.pdf", files.pdf_bytes(), PDF, PDF),
        ("PLAN.PDF", files.pdf_bytes(), "", PDF),
        ("Board minutes.docx", files.docx_bytes(), DOCX, DOCX),
        ("budget.xlsx", files.xlsx_bytes(), "application/octet-stream", XLSX),
        ("budget.xlsx", files.xlsx_bytes(), "application/zip", XLSX),
        ("old.doc", files.ole_bytes("WordDocument"), "application/msword", "application/msword"),
        ("old.xls", files.ole_bytes("Workbook"), "application/vnd.ms-excel", "application/vnd.ms-excel"),
        ("chart.png", files.png_bytes(), "image/png", "image/png"),
        ("photo.JPG", files.jpeg_bytes(), "image/jpeg", "image/jpeg"),
        ("photo.jpeg", files.jpeg_bytes(), "image/pjpeg", "image/jpeg"),
        ("Cynllun v1.2 (final).pdf", files.pdf_bytes(), PDF, PDF),  # dots in a name are fine
        # HTML in a content stream past the first kilobyte is page content, not a web page.
        ("quoted.pdf", pdf_with(stream=b"%" + b" " * 2000 + b"\n(<html>) Tj"), PDF, PDF),
    ],
)
def test_a_real_file_is_accepted_with_the_type_of_its_extension(name, content, declared, stored):
    assert uploads.evidence_content_type(upload(name, content, declared)) == stored


def test_every_allowed_extension_has_a_check():
    assert set(uploads.EVIDENCE_KINDS) == set(EVIDENCE_TYPES)


# Polyglots: files that are also web pages ------------------------------------------------------


@pytest.mark.parametrize(
    "name, content",
    [
        ("report.pdf", b"<html><body><script>alert(1)</script></body></html>\n" + files.pdf_bytes()),
        ("report.pdf", files.pdf_bytes().replace(b"\n", b"\n%<script>alert(1)</script>\n", 1)),
        ("report.pdf", pdf_with(stream=b"(<!DOCTYPE html><html><body>) Tj")),  # in the first kilobyte
        ("report.pdf", files.pdf_bytes() + b" " * 2000 + b"<iframe src=x>"),  # outside streams, later
        ("chart.png", files.png_bytes() + b"<html><script>alert(1)</script></html>"),
        ("chart.png", files.png_bytes() + b"\n" * 4000 + b"<html><script>alert(1)</script></html>"),
        ("chart.png", b"<html><script>alert(1)</script></html>" + files.png_bytes()),
        ("chart.png", png_with_text("<script>alert(1)</script>")),
        ("photo.jpg", files.jpeg_bytes() + b"<body onload=alert(1)>"),
        ("letter.docx", b"<html>" + files.docx_bytes()),
    ],
)
def test_a_file_that_is_also_a_web_page_is_refused(name, content):
    kind = uploads.EVIDENCE_KINDS[name[name.rindex(".") :]].label
    assert refusal(name, content) == said(uploads.WEB_PAGE, name, kind=kind)


# Zip bombs and other archives that are not Word or Excel files ---------------------------------


def test_a_zip_bomb_named_docx_is_refused_before_it_is_unpacked():
    bomb = files.zip_bomb()  # one part that unpacks to 1 GiB of zeros
    [part] = [entry for entry in zipfile.ZipFile(io.BytesIO(bomb)).infolist() if entry.file_size > 1 << 29]
    assert part.file_size == 1 << 30 and len(bomb) < 2 << 20
    assert refusal("minutes.docx", bomb, DOCX) == said(uploads.TOO_COMPLEX, "minutes.docx")


def test_an_archive_that_only_claims_a_huge_part_is_refused():
    assert refusal("minutes.docx", files.zip_bomb(claimed_only=True)) == said(
        uploads.TOO_COMPLEX, "minutes.docx"
    )


def test_a_part_that_shrank_too_much_is_refused():
    parts = files.office_parts("word/document.xml", files.WORD_MAIN)
    parts["word/media/padding.bin"] = bytes(8 << 20)  # 8MB of zeros deflate to about 8KB
    assert refusal("minutes.docx", files.zip_bytes(parts)) == said(uploads.TOO_COMPLEX, "minutes.docx")


def test_an_archive_of_too_many_parts_is_refused():
    parts = files.office_parts("xl/workbook.xml", files.EXCEL_MAIN)
    parts.update({f"xl/media/{i}.xml": "" for i in range(uploads.MAX_ARCHIVE_ENTRIES)})
    assert refusal("budget.xlsx", files.zip_bytes(parts)) == said(uploads.TOO_COMPLEX, "budget.xlsx")


@pytest.mark.parametrize(
    "name, content",
    [
        ("letter.docx", files.zip_bytes({"word/document.xml": "<w:document/>"})),  # no content types
        ("letter.docx", files.xlsx_bytes()),  # a spreadsheet renamed
        ("budget.xlsx", files.docx_bytes()),
        (
            "letter.docx",
            files.zip_bytes(
                {"[Content_Types].xml": files.content_types("word/document.xml", files.WORD_MAIN)}
            ),
        ),
        ("letter.docx", b"PK\x03\x04" + b"\x00" * 64),
        ("old.doc", files.ole_bytes("Workbook")),
        ("old.xls", files.ole_bytes("WordDocument")),
        ("old.doc", files.ole_bytes("WordDocument")[:600]),
    ],
)
def test_an_office_file_without_the_parts_of_its_type_is_refused(name, content):
    kind = uploads.EVIDENCE_KINDS[name[name.rindex(".") :]].label
    assert refusal(name, content) == said(uploads.NOT_REAL, name, kind=kind)


def test_an_office_file_with_macros_is_refused():
    macro_type = "application/vnd.ms-word.document.macroEnabled.main+xml"
    docm = files.zip_bytes(files.office_parts("word/document.xml", macro_type))
    assert refusal("letter.docx", docm) == said(uploads.MACROS, "letter.docx")
    old = files.ole_bytes("WordDocument") + "_VBA_PROJECT".encode("utf-16-le")
    assert refusal("old.doc", old) == said(uploads.MACROS, "old.doc")


# Names, declared types and contents that disagree ----------------------------------------------


@pytest.mark.parametrize(
    "name, extension",
    [("x.exe.pdf", ".exe"), ("Report.JS.pdf", ".JS"), ("chart.html.png", ".html"), ("a.b.svg.docx", ".svg")],
)
def test_a_program_or_page_extension_inside_a_name_is_refused(name, extension):
    content = {".pdf": files.pdf_bytes(), ".png": files.png_bytes(), ".docx": files.docx_bytes()}
    real = content[name[name.rindex(".") :]]
    assert refusal(name, real) == said(uploads.HIDDEN_TYPE, name, extension=extension)


@pytest.mark.parametrize(
    "name, content, declared",
    [
        ("plan.pdf", files.pdf_bytes(), "text/html"),  # the browser says it is a web page
        ("plan.pdf", files.pdf_bytes(), "application/x-msdownload"),  # ... or a program
        ("chart.png", files.png_bytes(), "image/svg+xml"),
        ("chart.png", files.jpeg_bytes(), "image/png"),  # a JPEG renamed
        ("photo.jpg", files.png_bytes(), "image/jpeg"),
        ("plan.pdf", files.docx_bytes(), PDF),
        ("plan.pdf", b"%PDF-1.4 plan", PDF),  # starts like a PDF, but does not parse
        ("plan.pdf", b"MZ\x90\x00" + files.pdf_bytes(), PDF),
        ("photo.jpg", files.jpeg_bytes()[:-200], "image/jpeg"),  # cut short
    ],
)
def test_a_file_whose_name_declared_type_and_contents_disagree_is_refused(name, content, declared):
    kind = uploads.EVIDENCE_KINDS[name[name.rindex(".") :]].label
    assert refusal(name, content, declared) == said(uploads.NOT_REAL, name, kind=kind)


def test_an_image_of_too_many_pixels_is_refused_before_it_is_decoded():
    assert refusal("huge.png", png_claiming(10_000, 10_000)) == said(
        uploads.TOO_MANY_PIXELS, "huge.png", megapixels=50
    )


def test_an_extension_not_allowed_is_refused():
    assert refusal("notes.txt", b"hello") == said(uploads.WRONG_TYPE, "notes.txt")
    assert refusal("page.html", b"<html>") == said(uploads.WRONG_TYPE, "page.html")


def test_a_file_is_parsed_once_for_the_form_and_the_service(monkeypatch):
    calls = []
    pdf = uploads.EVIDENCE_KINDS[".pdf"]
    monkeypatch.setitem(
        uploads.EVIDENCE_KINDS, ".pdf", uploads.EvidenceKind(pdf.label, pdf.declared, calls.append)
    )
    checked = upload("plan.pdf", files.pdf_bytes(), PDF)
    assert uploads.evidence_content_type(checked) == uploads.evidence_content_type(checked) == PDF
    assert len(calls) == 1


# Through the page: the error is on the file field, naming the file -----------------------------


@pytest.fixture
def submit_url(requirement_a):
    return reverse("intervention:requirement_submit", args=[requirement_a.pk])


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("x.exe.pdf", files.pdf_bytes(), said(uploads.HIDDEN_TYPE, "x.exe.pdf", extension=".exe")),
        ("poly.pdf", b"<html>" + files.pdf_bytes(), said(uploads.WEB_PAGE, "poly.pdf", kind="a PDF")),
        ("bomb.docx", files.zip_bomb(claimed_only=True), said(uploads.TOO_COMPLEX, "bomb.docx")),
    ],
)
def test_the_page_shows_the_refusal_on_the_file_field(
    client, powys_officer, submit_url, requirement_a, name, content, message
):
    client.force_login(powys_officer)
    good = upload("plan.pdf", files.pdf_bytes(), PDF)
    response = client.post(submit_url, {"statement": "See attached.", "files": [good, upload(name, content)]})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<a href="#id_files">' in page
    assert message in page
    assert requirement_a.obligations.get().state == ObligationState.OPEN
    assert not Submission.objects.exists() and not EvidenceFile.objects.exists()


def test_the_service_refuses_a_polyglot_even_without_the_form(requirement_a, powys_officer):
    with pytest.raises(ValidationError) as refused:
        services.requirement_submit(
            requirement=requirement_a,
            by=powys_officer,
            statement="Attached",
            files=[upload("poly.pdf", b"<html>" + files.pdf_bytes(), PDF)],
        )
    assert refused.value.message_dict == {"files": [said(uploads.WEB_PAGE, "poly.pdf", kind="a PDF")]}
    assert not Submission.objects.exists()


# Keeping and serving the files -----------------------------------------------------------------


def _submit(requirement, by, *uploaded):
    return services.requirement_submit(requirement=requirement, by=by, statement="Attached", files=uploaded)


def test_files_on_local_disk_are_readable_by_the_app_alone(tmp_path, requirement_a, powys_officer):
    local = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}
    with override_settings(STORAGES={**settings.STORAGES, "default": local}):
        evidence = _submit(
            requirement_a, powys_officer, upload("plan.pdf", files.pdf_bytes(), PDF)
        ).files.get()
        stored = Path(default_storage.path(evidence.file.name))
    assert stored.is_relative_to(tmp_path) and stored.read_bytes() == files.pdf_bytes()
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    folder = stored
    while (folder := folder.parent) != tmp_path:  # evidence/, the year, the month
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_a_missing_file_gets_a_404_page_and_an_error_in_the_log(client, caplog, requirement_a, powys_officer):
    evidence = _submit(
        requirement_a, powys_officer, upload("Cynllun.pdf", files.pdf_bytes(), PDF)
    ).files.get()
    evidence.file.storage.delete(evidence.file.name)
    client.force_login(powys_officer)
    with caplog.at_level(logging.ERROR, logger="intervention.casework.views"):
        response = client.get(reverse("intervention:evidence_download", args=[evidence.pk]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "The file is missing" in page and "Cynllun.pdf" in page
    assert f"quote evidence file reference {evidence.pk}" in page
    [record] = [r for r in caplog.records if r.name == "intervention.casework.views"]
    assert record.levelno == logging.ERROR
    assert str(evidence.pk) in record.getMessage() and evidence.file.name in record.getMessage()
