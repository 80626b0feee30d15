"""What a file is, and what its worksheets hold that cell values do not show, before calamine
reads it.

`scan` refuses what is not an .xlsx workbook (naming what it is: CSV, old .xls, HTML, a
truncated download …) and what unpacks to far more than its size allows (a decompression
bomb). It measures how far each worksheet spans, so that the reader can refuse a sheet whose
few cells span millions of rows and columns (calamine would allocate every cell of that
span); and it notes the cells whose value calamine reads as blank: Excel error cells
(``#REF!``) and formulas saved without a value.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from defusedxml import DefusedXmlException, ElementTree
from openpyxl.utils import column_index_from_string

from ..model.i18n import _

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

RATIO = 100  # bytes a workbook may unpack to per byte of file (ordinary .xlsx: 5 to 15)
ALLOWANCE = 64 * 2**20  # plus this, for small files
CELLS = 1_000_000  # cells a sheet may span beyond one per 8 bytes of its XML
_CHUNK = 2**20
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls and encrypted .xlsx
_ZIP = b"PK\x03\x04"
_UNCACHED = ""  # mark of a formula saved without its value

# Each pattern starts with a literal, which re searches fast: a 100,000-row sheet scans in
# a fraction of a second.
_ROW = re.compile(rb"row\b[^>]*?\sr=[\"'](\d+)")
_WIDE = re.compile(rb"r=[\"']([A-Z]{2,3})\d")
_MARKERS = (b"<f", b't="e"')  # a formula, an error cell (as Excel writes them)
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_REF = re.compile(rb"\br=[\"']([A-Z]{1,3})(\d+)[\"']")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</")
_TYPE = re.compile(rb"\bt=[\"'](\w+)[\"']")
# Control characters: raw (C0 but tab and line ends, DEL), C1 in UTF-8, or escaped as Excel
# writes them (_x000B_).
_C0 = bytes([*range(9), 11, 12, *range(14, 32), 127])
_C1 = re.compile(rb"\xc2[\x80-\x9f]")
_ESCAPED = re.compile(rb"_x00[0-9A-Fa-f]{2}_")


class Refused(Exception):
    """The file is not a workbook kgrota reads; the message says what it is and what to do."""


@dataclass
class SheetScan:
    """One worksheet: its extent and the cells whose value calamine reads as blank."""

    rows: int = 0  # the last row (1-based) the XML names
    columns: int = 26  # an upper bound of the last column (A..Z unless wider references)
    size: int = 0  # bytes of XML
    marks: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) from 0 → code
    control: bool = False  # some cell may hold a control character

    @property
    def cells(self) -> int:
        """The cells calamine would allocate: every cell from A1 to the last row and column."""
        return self.rows * self.columns

    @property
    def allowed(self) -> int:
        """The cells a sheet of this much XML may span (a table's cells cost bytes each)."""
        return CELLS + self.size // 8


@dataclass(frozen=True)
class Scan:
    """What `scan` found: each worksheet's scan by title; control characters in shared text."""

    sheets: dict[str, SheetScan]
    shared_control: bool

    def sheet(self, title: str) -> SheetScan:
        found = self.sheets.get(title, SheetScan())
        found.control = found.control or self.shared_control
        return found


def kind(head: bytes) -> str | None:
    """What a file that is not a zip is, from its first bytes, with what to do (None: a zip)."""
    if head.startswith(_ZIP):
        return None
    if not head:
        return _("the file is empty (0 bytes): copy or export it again")
    if head.startswith(_OLE):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00" in head:
            return _("the workbook is password-protected: save it in Excel without a password")
        return _("an old-format Excel file (.xls): open it in Excel and save it as .xlsx")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<meta", b"<head")):
        return _(
            "an HTML page saved with an Excel name (some systems export tables this way): "
            "open it in Excel and save it as .xlsx"
        )
    if text.startswith(b"<?xml"):
        return _(
            "an XML file, not an .xlsx workbook (Excel 2003 XML?): "
            "open it in Excel and save it as .xlsx"
        )
    if head.startswith((b"PK\x05\x06", b"PK\x07\x08")):
        return _("an empty or split zip archive, not an Excel workbook")
    sample = head[:4096]
    if b"\x00" not in sample and (b"," in sample or b"\t" in sample or b"\n" in sample):
        return _("a CSV or text file, not an Excel workbook: open it in Excel and save it as .xlsx")
    return _("not an Excel workbook (.xlsx): open it in Excel and save it as .xlsx")


def _limit_message(size: int, limit: int) -> str:
    return _(
        "the workbook unpacks to more than {limit} MB from a {size} MB file, far beyond what a "
        "roster holds (a damaged or hostile file): refused"
    ).format(limit=limit // 2**20, size=f"{size / 2**20:.1f}")


def _zip_kind(names: set[str]) -> str:
    if "mimetype" in names and any(n.startswith("content.xml") for n in names):
        return _("an OpenDocument spreadsheet (.ods): open it in Excel or WPS and save it as .xlsx")
    if "word/document.xml" in names:
        return _("a Word document, not an Excel workbook")
    return _("a zip archive, not an Excel workbook: unpack it or export the roster as .xlsx")


def _truncated() -> str:
    return _(
        "the file is damaged or incomplete (a download or copy that stopped?): "
        "copy it again, or open it in Excel and save it as .xlsx"
    )


def scan(path: Path) -> Scan:
    """Check the file at ``path`` is an .xlsx workbook within bounds; scan its worksheets.

    Raises `Refused` with a message naming what the file is. Memory stays within a chunk and
    the marks found, whatever the file.
    """
    size = path.stat().st_size
    with path.open("rb") as handle:
        what = kind(handle.read(8192))
    if what is not None:
        raise Refused(what)
    limit = RATIO * size + ALLOWANCE
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            if "xl/workbook.xml" not in names:
                raise Refused(_zip_kind(names))
            if sum(i.file_size for i in infos) > limit:  # as declared: refuse before unpacking
                raise Refused(_limit_message(size, limit))
            return _Unpacker(archive, limit, size).run()
    except DefusedXmlException:
        raise Refused(
            _("the workbook's XML declares entities or a DTD, which Excel never writes: refused")
        ) from None
    except NotImplementedError:
        raise Refused(
            _("the workbook uses a zip compression Excel does not: save it again in Excel")
        ) from None
    except RuntimeError:  # zipfile: an encrypted member
        raise Refused(
            _("the workbook is password-protected: save it in Excel without a password")
        ) from None
    except (zipfile.BadZipFile, EOFError, ValueError, SyntaxError, KeyError, zlib.error):
        raise Refused(_truncated()) from None


class _Unpacker:
    """Unpacks every member once, in chunks, counting bytes against the limit."""

    def __init__(self, archive: zipfile.ZipFile, limit: int, size: int) -> None:
        self.archive, self.limit, self.size, self.total = archive, limit, size, 0

    def run(self) -> Scan:
        paths = self._sheet_paths()
        members = set(paths.values())
        scans: dict[str, SheetScan] = {}
        shared = False
        for info in self.archive.infolist():
            if info.filename in members:
                scans[info.filename] = self._sheet(info)
            elif info.filename.endswith("sharedStrings.xml"):
                shared = any(_control(chunk) for chunk in self._chunks(info))
            else:
                for _chunk in self._chunks(info):
                    pass  # counted: every member is unpacked within the limit
        return Scan({title: scans[p] for title, p in paths.items() if p in scans}, shared)

    def _chunks(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        """The member's bytes in chunks; `Refused` once the archive's total passes the limit."""
        with self.archive.open(info) as handle:
            while chunk := handle.read(_CHUNK):
                self.total += len(chunk)
                if self.total > self.limit:
                    raise Refused(_limit_message(self.size, self.limit))
                yield chunk

    def _read(self, name: str) -> bytes:
        return b"".join(self._chunks(self.archive.getinfo(name)))

    def _sheet_paths(self) -> dict[str, str]:
        """Worksheet title → member path, from workbook.xml and its relationships."""
        book = ElementTree.fromstring(self._read("xl/workbook.xml"))
        rels_name = "xl/_rels/workbook.xml.rels"
        targets: dict[str | None, str] = {}
        if rels_name in self.archive.namelist():
            for rel in ElementTree.fromstring(self._read(rels_name)):
                target = rel.get("Target", "")
                targets[rel.get("Id")] = target[1:] if target.startswith("/") else f"xl/{target}"
        out = {}
        for element in book.iter():
            if element.tag.rsplit("}", 1)[-1] == "sheet":
                rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
                if rid in targets:
                    out[element.get("name", "")] = targets[rid]
        return out

    def _sheet(self, info: zipfile.ZipInfo) -> SheetScan:
        found = SheetScan()
        carry = b""
        for chunk in self._chunks(info):
            found.size += len(chunk)
            text = carry + chunk
            cut = text.rfind(b"</row>")  # scan whole rows: a cell never straddles two pieces
            if cut < 0 and len(text) < 8 * _CHUNK:
                carry = text
                continue
            cut = len(text) if cut < 0 else cut + len(b"</row>")
            _scan_rows(found, text[:cut])
            carry = text[cut:]
        _scan_rows(found, carry)
        return found


def _control(text: bytes) -> bool:
    """True if the XML may hold a control character."""
    return (
        len(text.translate(None, _C0)) < len(text)
        or (b"\xc2" in text and _C1.search(text) is not None)
        or (b"_x00" in text and _ESCAPED.search(text) is not None)
    )


def _scan_rows(found: SheetScan, text: bytes) -> None:
    """Extent, marks and control characters of whole rows of sheet XML."""
    if not text:
        return
    last = None
    for last in _ROW.finditer(text):
        pass
    found.rows = max(found.rows, int(last.group(1)) if last else 0, text.count(b"<row"))
    for letters in set(_WIDE.findall(text)):
        found.columns = max(found.columns, column_index_from_string(letters.decode()))
    found.control = found.control or _control(text)
    if not any(marker in text for marker in _MARKERS):
        return
    for cell in _CELL.finditer(text):
        attrs, body = cell.group(1), cell.group(3) or b""
        ref = _REF.search(attrs)
        if ref is None:
            continue
        where = (int(ref.group(2)) - 1, column_index_from_string(ref.group(1).decode()) - 1)
        kind_ = _TYPE.search(attrs)
        value = _VALUE.search(body)
        if kind_ is not None and kind_.group(1) == b"e":
            found.marks[where] = value.group(1).decode() if value else "#N/A"
        elif b"<f" in body or b":f" in body:
            cached = value is not None and (value.group(1) or kind_ is not None)
            if not cached:
                found.marks[where] = _UNCACHED
