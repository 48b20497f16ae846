"""Small real files of each evidence type, for tests that upload evidence (the checks parse them)."""

import io
import struct
import zipfile
import zlib
from functools import cache

from PIL import Image
from pypdf import PdfWriter

WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
EXCEL_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


@cache
def pdf_bytes() -> bytes:
    """A one-page PDF, as pypdf writes it."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def content_types(main_part: str, main_type: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{main_type}"/>'
        "</Types>"
    )


def office_parts(main_part: str, main_type: str) -> dict[str, str]:
    """The parts of a minimal Word or Excel file (enough for the checks, and for Office to open it)."""
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="' + main_part + '" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument"/></Relationships>'
    )
    if main_part.startswith("word/"):
        main = (
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>Evidence</w:t></w:r></w:p></w:body></w:document>"
        )
    else:
        main = '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    return {"[Content_Types].xml": content_types(main_part, main_type), "_rels/.rels": rels, main_part: main}


def zip_bytes(parts: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


@cache
def docx_bytes() -> bytes:
    return zip_bytes(office_parts("word/document.xml", WORD_MAIN))


@cache
def xlsx_bytes() -> bytes:
    return zip_bytes(office_parts("xl/workbook.xml", EXCEL_MAIN))


def image_bytes(image_format: str, size=(4, 3)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 112, 60)).save(out, format=image_format)
    return out.getvalue()


@cache
def png_bytes() -> bytes:
    return image_bytes("PNG")


@cache
def jpeg_bytes() -> bytes:
    return image_bytes("JPEG")


def ole_bytes(stream_name: str) -> bytes:
    """The start of a compound file (Word or Excel 97-2003) naming its main stream, as the checks read it."""
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[24:34] = struct.pack("<HHHH", 0x3E, 3, 0xFFFE, 9) + b"\x06\x00"
    directory = bytearray(512)
    name = stream_name.encode("utf-16-le") + b"\x00\x00"
    directory[0 : len(name)] = name
    return bytes(header) + bytes(512) + bytes(directory)


def zip_bomb(unpacked: int = 1 << 30, *, claimed_only: bool = False) -> bytes:
    """A .docx whose document part unpacks to `unpacked` bytes of zeros (1 GiB by default).

    The deflated zeros are built from one repeated block, so this takes a fraction of a second. With
    `claimed_only`, the part holds little and only the archive's directory claims the huge size.
    """
    chunk = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = 1 if claimed_only else unpacked // len(chunk)
    deflated = block * count + compressor.flush()
    crc = zlib.crc32(chunk) if claimed_only else 0
    if not claimed_only:
        for _ in range(count):
            crc = zlib.crc32(chunk, crc)
    entries = [
        (name, zlib.compress(text.encode(), 9)[2:-4], zlib.crc32(text.encode()), len(text.encode()))
        for name, text in office_parts("word/document.xml", WORD_MAIN).items()
        if name != "word/document.xml"
    ]
    entries.append(("word/document.xml", deflated, crc, unpacked))
    return _raw_zip(entries)


def _raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """Write deflated entries as they are (zipfile would inflate and deflate them again)."""
    body, directory = bytearray(), bytearray()
    for name, data, crc, size in entries:
        encoded = name.encode()
        fields = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0x21, crc, len(data), size)
        directory += b"PK\x01\x02" + struct.pack("<H", 20) + fields
        directory += struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, 0, len(body)) + encoded
        body += b"PK\x03\x04" + fields + struct.pack("<HH", len(encoded), 0) + encoded + data
    end = struct.pack("<HHHHIIH", 0, 0, len(entries), len(entries), len(directory), len(body), 0)
    return bytes(body + directory + b"PK\x05\x06" + end)
