"""Evidence files checked by their structure, not by their first bytes or their name alone.

A file is accepted only when its name, the type the browser declared and what it really is agree:
PDFs are parsed with pypdf, Word and Excel files are opened as the ZIP (or, for the 97-2003
formats, OLE) containers they are, and images are decoded with Pillow. Each check also refuses
what a browser could take for a web page: HTML markup in the first kilobyte, where browsers sniff,
and in the places a check can see without unpacking the file.

`evidence_content_type(upload)` is the one entry point: it returns the content type to store and
serve, or raises a ValidationError whose message names the file. The form shows the error on its
file field; the service checks again, so nothing unchecked is ever stored.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from io import BytesIO
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import DependencyError

from intervention.models import EVIDENCE_TYPES

# Where browsers look when they guess a type from the content ("MIME sniffing").
SNIFF_BYTES = 1024
# Word and Excel files are ZIP archives: what they may unpack to, and how many parts they may hold.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ARCHIVE_ENTRIES = 5000
# A part bigger than this that shrank more than MAX_COMPRESSION_RATIO times is a zip bomb, not a
# document (small XML parts legitimately compress very well, so they are not held to the ratio).
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
# Decoding an image takes about 4 bytes a pixel: 50 megapixels covers any phone camera.
MAX_IMAGE_PIXELS = 50_000_000

# Extensions of programs, scripts and web pages: refused anywhere in a name, so `x.exe.pdf` is too.
_HIDDEN = """app apk application appx bat cgi cmd com cpl dll dmg docm dotm exe hta htm html inf ins isp iso
jar js jse jsp lnk mht mhtml msc msi msix msp pif php pl potm pptm ps1 psm1 py reg scr sh shtml
svg svgz swf url vb vbe vbs ws wsc wsf wsh xhtml xlam xlsm xltm"""
HIDDEN_EXTENSIONS = frozenset(_HIDDEN.split())
# What browsers declare for any file they have no type for: these never disagree with a name.
GENERIC_DECLARED_TYPES = frozenset(
    {
        "",
        "application/octet-stream",
        "binary/octet-stream",
        "application/binary",
        "application/download",
        "application/force-download",
        "application/x-download",
        "application/unknown",
    }
)

WRONG_TYPE = _("The selected file %(name)s must be a PDF, Word document, Excel spreadsheet or image")
HIDDEN_TYPE = _("The selected file %(name)s has %(extension)s in its name: rename it and choose it again")
NOT_REAL = _(
    "The selected file %(name)s is not %(kind)s: it must be a PDF, Word document, Excel spreadsheet or image"
)
WEB_PAGE = _(
    "The selected file %(name)s contains web page code: save it again as %(kind)s and choose it again"
)
PASSWORD = _("The selected file %(name)s is protected by a password: remove it and choose the file again")
MACROS = _("The selected file %(name)s contains macros: save it without macros and choose it again")
TOO_COMPLEX = _(
    "The selected file %(name)s is too large or complex to check: split it into smaller files "
    "and choose them again"
)
TOO_MANY_PIXELS = _(
    "The selected file %(name)s must be smaller than %(megapixels)s megapixels: "
    "make it smaller and choose it again"
)

# Tags that make a browser treat content as a web page. Those of one letter are left out: they
# turn up by chance in compressed data. None can be read as a PDF hex string (only 0-9 and a-f).
_SNIFFED_HTML = re.compile(
    rb"<(?:!doctype\b|!--|/?(?:html|head|body|script|iframe|frameset|frame|object|embed|applet|svg|"
    rb"style|title|meta|link|base|form|img|div|table|font|br|h[1-6])[\s/>]|a\s+href)",
    re.IGNORECASE,
)
# The same with tags of four letters or more, safe to look for through a whole binary file.
_HTML_ANYWHERE = re.compile(
    rb"<(?:!doctype\b|/?(?:html|head|body|script|iframe|frameset|object|embed|applet|style|title|meta)"
    rb"[\s/>])",
    re.IGNORECASE,
)
_PDF_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_PNG_END = b"IEND\xaeB`\x82"
_OOXML_OVERRIDE = re.compile(rb"<Override\b[^>]*>")
_XML_ATTRIBUTE = re.compile(rb'\b(PartName|ContentType)\s*=\s*["\']([^"\']*)["\']')
# Compound file versions 3 and 4, with their sector sizes (512 and 4096 bytes).
_OLE_VERSIONS = {(b"\x03\x00", b"\x09\x00"), (b"\x04\x00", b"\x0c\x00")}


class _Refused(Exception):
    """A check's verdict: the message to show (without the file's name yet) and its parameters."""

    def __init__(self, message, **params):
        super().__init__(message)
        self.message = message
        self.params = params


@dataclass(frozen=True)
class EvidenceKind:
    """What an allowed extension promises: its name for people, the types browsers declare, a check."""

    label: str  # with its article, as in "is not a PDF"
    declared: frozenset[str]
    check: Callable[[bytes], None]


def evidence_content_type(upload: UploadedFile) -> str:
    """Return the content type to store for an upload whose name, declared type and contents agree.

    Raise ValidationError, naming the file, for anything else. The verdict is kept on the upload,
    so the form and the service can both ask without the file being parsed twice.
    """
    verdict = getattr(upload, "_evidence_verdict", None)
    if verdict is None or verdict[0] != (upload.name, upload.size):
        verdict = ((upload.name, upload.size), _verdict(upload))
        upload._evidence_verdict = verdict
    if isinstance(verdict[1], ValidationError):
        raise verdict[1]
    return verdict[1]


def _verdict(upload: UploadedFile) -> str | ValidationError:
    name = upload.name or ""
    base_name = PurePath(name.replace("\\", "/")).name
    params = {"name": f"“{base_name}”"}
    extension = PurePath(name).suffix.lower()
    kind = EVIDENCE_KINDS.get(extension)
    if kind is None:
        return ValidationError(WRONG_TYPE, code="wrong_type", params=params)
    hidden = hidden_extension(name)
    if hidden:
        return ValidationError(HIDDEN_TYPE, code="hidden_type", params={**params, "extension": hidden})
    declared = (upload.content_type or "").split(";")[0].strip().lower()
    if declared not in GENERIC_DECLARED_TYPES and declared not in kind.declared:
        return ValidationError(NOT_REAL, code="not_real", params={**params, "kind": kind.label})
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        if _SNIFFED_HTML.search(data[:SNIFF_BYTES]):
            raise _Refused(WEB_PAGE)
        kind.check(data)
    except _Refused as refused:
        return ValidationError(
            refused.message, code="refused", params={**params, "kind": kind.label, **refused.params}
        )
    return EVIDENCE_TYPES[extension]


def hidden_extension(name: str) -> str:
    """Return a program, script or web page extension hidden inside a file name (".exe"), or ""."""
    inner = PurePath(name.replace("\\", "/")).name.split(".")[1:-1]
    return next((f".{part.strip()}" for part in inner if part.strip().lower() in HIDDEN_EXTENSIONS), "")


# The checks, one for each kind of file ---------------------------------------------------------


def _check_pdf(data: bytes) -> None:
    """A PDF from its first byte, parsed by pypdf, with pages, and no web page outside its streams."""
    if not data.startswith(b"%PDF-"):
        raise _Refused(NOT_REAL)
    if _SNIFFED_HTML.search(_PDF_STREAM.sub(b"stream endstream", data)):
        raise _Refused(WEB_PAGE)
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _Refused(PASSWORD)
        if len(reader.pages) < 1:
            raise _Refused(NOT_REAL)
    except _Refused:
        raise
    except DependencyError:
        # Encrypted with AES: pypdf needs the `cryptography` package to try the empty password and
        # read on, so the parsed cross-reference table and trailer have to do.
        return
    except Exception:  # pypdf raises many kinds of error for a damaged or hostile file
        raise _Refused(NOT_REAL) from None


def _check_ooxml(data: bytes, *, main_type: bytes) -> None:
    """A Word or Excel ZIP archive of bounded size, with its content types and its main part."""
    if not data.startswith(_ZIP):
        raise _Refused(NOT_REAL)
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            entries = archive.infolist()
            _check_archive_limits(entries)
            names = {entry.filename for entry in entries}
            if len(names) != len(entries) or "[Content_Types].xml" not in names:
                raise _Refused(NOT_REAL)
            with archive.open("[Content_Types].xml") as part:
                content_types = part.read(MAX_CONTENT_TYPES_BYTES + 1)
    except _Refused:
        raise
    except Exception:  # zipfile raises BadZipFile, but also OSError, ValueError and others
        raise _Refused(NOT_REAL) from None
    if len(content_types) > MAX_CONTENT_TYPES_BYTES:
        raise _Refused(TOO_COMPLEX)
    overrides = [dict(_XML_ATTRIBUTE.findall(tag)) for tag in _OOXML_OVERRIDE.findall(content_types)]
    if b"macroenabled" in content_types.lower() or any("vbaproject" in name.lower() for name in names):
        raise _Refused(MACROS)
    main = [o.get(b"PartName", b"") for o in overrides if o.get(b"ContentType") == main_type]
    if len(main) != 1 or main[0].decode("utf-8", "replace").lstrip("/") not in names:
        raise _Refused(NOT_REAL)


def _check_archive_limits(entries: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip bomb by what the archive says it holds, before anything is unpacked."""
    if len(entries) > MAX_ARCHIVE_ENTRIES:
        raise _Refused(TOO_COMPLEX)
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        raise _Refused(TOO_COMPLEX)
    for entry in entries:
        if entry.flag_bits & 0x1 or entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _Refused(NOT_REAL)  # Office never encrypts or compresses this way inside the ZIP
        if entry.file_size > RATIO_CHECKED_FROM_BYTES and entry.file_size > MAX_COMPRESSION_RATIO * max(
            entry.compress_size, 1
        ):
            raise _Refused(TOO_COMPLEX)


def _check_ole(data: bytes, *, streams: tuple[str, ...]) -> None:
    """A Word 97-2003 or Excel 97-2003 compound file: its header, and the stream of its kind."""
    if len(data) < 1536 or not data.startswith(_OLE2):
        raise _Refused(NOT_REAL)
    major, byte_order, sector_shift = data[26:28], data[28:30], data[30:32]
    if byte_order != b"\xfe\xff" or (major, sector_shift) not in _OLE_VERSIONS:
        raise _Refused(NOT_REAL)
    if not any(stream.encode("utf-16-le") in data for stream in streams):  # its directory entry
        raise _Refused(NOT_REAL)
    if "_VBA_PROJECT".encode("utf-16-le") in data:
        raise _Refused(MACROS)


def _check_image(data: bytes, *, formats: tuple[str, ...]) -> None:
    """An image Pillow decodes whole, of a sane size, with no web page inside or after it."""
    if _HTML_ANYWHERE.search(data):
        raise _Refused(WEB_PAGE)
    if "PNG" in formats and not data.endswith(_PNG_END):
        raise _Refused(WEB_PAGE if _SNIFFED_HTML.search(data) else NOT_REAL)  # nothing after the end
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data), formats=formats[:1]) as image:
                if image.format not in formats:
                    raise _Refused(NOT_REAL)
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise _Refused(TOO_MANY_PIXELS, megapixels=MAX_IMAGE_PIXELS // 1_000_000)
                image.verify()
            with Image.open(BytesIO(data), formats=formats[:1]) as image:
                image.load()
    except _Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _Refused(TOO_MANY_PIXELS, megapixels=MAX_IMAGE_PIXELS // 1_000_000) from None
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError and others for a bad image
        raise _Refused(NOT_REAL) from None


def _ole(*streams: str) -> Callable[[bytes], None]:
    return partial(_check_ole, streams=streams)


def _ooxml(main_type: bytes) -> Callable[[bytes], None]:
    return partial(_check_ooxml, main_type=main_type)


def _image(*formats: str) -> Callable[[bytes], None]:
    return partial(_check_image, formats=formats)


_WORD = _("a Word document")
_EXCEL = _("an Excel spreadsheet")
_JPEG = _image("JPEG", "MPO")  # MPO: a JPEG with a second picture, as some cameras take
EVIDENCE_KINDS: dict[str, EvidenceKind] = {
    ".pdf": EvidenceKind(_("a PDF"), frozenset({"application/pdf", "application/x-pdf"}), _check_pdf),
    ".doc": EvidenceKind(_WORD, frozenset({"application/msword"}), _ole("WordDocument")),
    ".docx": EvidenceKind(
        _WORD,
        frozenset(
            {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "application/zip",
                "application/x-zip-compressed",
            }
        ),
        _ooxml(b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    ),
    ".xls": EvidenceKind(
        _EXCEL,
        frozenset({"application/vnd.ms-excel", "application/msexcel", "application/x-msexcel"}),
        _ole("Workbook", "Book"),
    ),
    ".xlsx": EvidenceKind(
        _EXCEL,
        frozenset(
            {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "application/zip",
                "application/x-zip-compressed",
            }
        ),
        _ooxml(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    ),
    ".png": EvidenceKind(_("a PNG image"), frozenset({"image/png", "image/x-png"}), _image("PNG")),
    ".jpg": EvidenceKind(_("a JPEG image"), frozenset({"image/jpeg", "image/pjpeg", "image/jpg"}), _JPEG),
    ".jpeg": EvidenceKind(_("a JPEG image"), frozenset({"image/jpeg", "image/pjpeg", "image/jpg"}), _JPEG),
}
