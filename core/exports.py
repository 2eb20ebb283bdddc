"""The one writer of every spreadsheet the portal hands out: exports and upload templates.

Every text cell goes through `neutralize`, so a name such as `=cmd|' /C calc'!A0` arrives
as text, never as a formula (OWASP CSV injection). CSV is streamed row by row; XLSX is
written row by row into a zip in a temporary file that is then streamed, so memory stays
bounded and time grows with the rows, whatever their number.
"""

import csv
import datetime as dt
import io
import math
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from urllib.parse import quote
from xml.sax.saxutils import escape

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from . import choices

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
CSV_ROWS_PER_CHUNK = 500


def neutralize(value):
    """A cell's value as written: lazy text made text, and text that would start a formula
    prefixed with an apostrophe."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class XlsxWriter:
    """A workbook of one or more sheets, each a header row and rows, written as it goes.

    Each sheet's XML is written row by row straight into the zip file (a temporary file),
    a thousand rows at a time; the workbook's other parts are written on close. Text is
    always an inline string, never a formula: at 121,000 seats × 16 columns this takes
    2 s where openpyxl's write-only mode took 40 s and XlsxWriter 20 s.
    """

    ROWS_PER_WRITE = 1000

    def __init__(self):
        self.file = tempfile.TemporaryFile()
        self.zip = zipfile.ZipFile(self.file, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self.titles: list[str] = []

    def add_sheet(
        self,
        title: str,
        headers: Sequence,
        rows: Iterable[Sequence],
        *,
        required: Sequence[bool] = (),
        widths: Sequence[int] = (),
    ) -> None:
        """Append a sheet: `headers` in bold (filled where `required`), then `rows`."""
        self.titles.append(_sheet_title(title, self.titles))
        name = f"xl/worksheets/sheet{len(self.titles)}.xml"
        with self.zip.open(name, "w") as out:
            out.write(_SHEET_HEAD.encode())
            if widths:
                columns = "".join(
                    f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                    for i, w in enumerate(widths, start=1)
                )
                out.write(f"<cols>{columns}</cols>".encode())
            out.write(b"<sheetData>")
            number = 0
            if headers:
                number = 1
                styles = [
                    _REQUIRED if i < len(required) and required[i] else _BOLD
                    for i in range(len(headers))
                ]
                cells = "".join(_xml_cell(h, s) for h, s in zip(headers, styles, strict=True))
                out.write(f'<row r="1">{cells}</row>'.encode())
            chunk, first = [], number + 1
            for number, row in enumerate(rows, start=first):
                chunk.append(f'<row r="{number}">{"".join(map(_xml_cell, row))}</row>')
                if len(chunk) == self.ROWS_PER_WRITE:
                    out.write("".join(chunk).encode())
                    chunk = []
            out.write(("".join(chunk) + "</sheetData></worksheet>").encode())

    def response(self, filename: str) -> FileResponse:
        """The workbook as a download, streamed from its temporary file (deleted on close)."""
        self._close()
        self.file.seek(0)
        response = FileResponse(self.file, content_type=XLSX_TYPE)
        response["Content-Disposition"] = _attachment(filename)
        return response

    def _close(self) -> None:
        if not self.titles:
            self.add_sheet("Sheet1", [], [])
        numbers = range(1, len(self.titles) + 1)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_SHEET_TYPE}"/>'
            for n in numbers
        )
        sheets = "".join(
            f'<sheet name="{escape(t, _QUOTE)}" sheetId="{n}" r:id="rId{n}"/>'
            for n, t in zip(numbers, self.titles, strict=True)
        )
        relations = "".join(
            f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in numbers
        )
        styles_id = len(self.titles) + 1
        parts = {
            "[Content_Types].xml": _CONTENT_TYPES.format(overrides=overrides),
            "_rels/.rels": _ROOT_RELS,
            "xl/workbook.xml": _WORKBOOK.format(sheets=sheets),
            "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS.format(
                relations=relations, styles_id=styles_id
            ),
            "xl/styles.xml": _STYLES,
        }
        for name, text in parts.items():
            self.zip.writestr(name, text)
        self.zip.close()


# Cell styles (cellXfs of _STYLES): a date, a bold header, a bold header of a required column.
_DATE, _DATETIME, _BOLD, _REQUIRED = 1, 2, 3, 4
_EPOCH = dt.datetime(1899, 12, 30)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]|_(?=x[0-9A-Fa-f]{4}_)")
_QUOTE = {'"': "&quot;"}
MAX_CELL_TEXT = 32767  # what Excel holds in a cell


def _xml_cell(value, style: int = 0) -> str:
    """One cell: numbers and dates as numbers, any other value as inline text."""
    value = neutralize(value)
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f"<c{s}/>"
    if isinstance(value, bool):
        return f'<c t="b"{s}><v>{int(value)}</v></c>'
    if isinstance(value, int) or (isinstance(value, float | Decimal) and math.isfinite(value)):
        return f"<c{s}><v>{value}</v></c>"
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        days = (value - _EPOCH) / dt.timedelta(days=1)
        return f'<c s="{style or _DATETIME}"><v>{days}</v></c>'
    if isinstance(value, dt.date):
        days = (value - _EPOCH.date()).days
        return f'<c s="{style or _DATE}"><v>{days}</v></c>'
    text = str(value)[:MAX_CELL_TEXT]
    # Control characters are not XML: Excel's own escape (_x000D_), and "_x" escaped too.
    text = _CONTROL.sub(lambda m: f"_x{ord(m[0]):04X}_", text)
    return f'<c t="inlineStr"{s}><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def _sheet_title(title, taken: list[str]) -> str:
    """Excel refuses these characters in a sheet name, more than 31 of them, and twins."""
    title = str(title).translate(str.maketrans("[]:*?/\\", "_______")).strip("'")[:31]
    title = title or "Sheet1"
    while title.casefold() in {t.casefold() for t in taken}:
        title = f"{title[:28]}_{len(taken) + 1}"
    return title


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SHEET_HEAD = f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
_CONTENT_TYPES = (
    _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "{overrides}</Types>"
)
_ROOT_RELS = (
    _XML + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    _XML + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>{{sheets}}</sheets></workbook>'
)
_WORKBOOK_RELS = (
    _XML + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    "{relations}"
    f'<Relationship Id="rId{{styles_id}}" Type="{_REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_STYLES = (
    _XML + f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd\\ hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFFDE9D9"/>'
    '<bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    "</cellStyleXfs>"
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" '
    'applyFill="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def choice_labels(model, *names: str) -> dict[str, dict]:
    """{field: {value: label}} for a model's choice fields in the active language
    (`core.choices.labels`: translated once per field and language)."""
    return {name: choices.labels(model._meta.get_field(name)) for name in names}


def workbook_response(filename: str, content: bytes) -> FileResponse:
    """A workbook laid out by hand (a government form: merged headers, print settings) as a
    download named and streamed like every other. Its writer must pass every text cell
    through `neutralize` (tests/core/test_exports.py opens every door)."""
    response = FileResponse(io.BytesIO(content), content_type=XLSX_TYPE)
    response["Content-Disposition"] = _attachment(filename)
    return response


def xlsx_response(filename: str, headers, rows, title: str = "Sheet1") -> FileResponse:
    """One sheet of rows under a header, as an XLSX download."""
    writer = XlsxWriter()
    writer.add_sheet(title, headers, rows)
    return writer.response(filename)


class _Line:
    """A file-like object that hands back what csv.writer writes to it."""

    def write(self, text: str) -> str:
        return text


def csv_lines(headers, rows) -> Iterable[bytes]:
    """UTF-8 with a byte-order mark (Excel opens it as UTF-8), a few hundred rows a chunk."""
    writer = csv.writer(_Line())
    yield ("\ufeff" + writer.writerow([neutralize(h) for h in headers])).encode()
    chunk = []
    for row in rows:
        chunk.append(writer.writerow([neutralize(value) for value in row]))
        if len(chunk) >= CSV_ROWS_PER_CHUNK:
            yield "".join(chunk).encode()
            chunk = []
    if chunk:
        yield "".join(chunk).encode()


def csv_response(filename: str, headers, rows) -> StreamingHttpResponse:
    """Rows under a header as a CSV download, streamed as the rows are read."""
    response = StreamingHttpResponse(csv_lines(headers, rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = _attachment(filename)
    return response


def template_response(filename: str, columns, title: str, rows=None) -> FileResponse:
    """An upload template: the header row (required columns filled), the rows given — one
    example row by default — and a sheet of instructions."""
    if rows is None:
        rows = [[column.example or None for column in columns]]
    writer = XlsxWriter()
    writer.add_sheet(
        title,
        [column.header for column in columns],
        rows,
        required=[column.required for column in columns],
        widths=[max(12, len(column.header) * 3) for column in columns],
    )
    notes = [
        [column.header, _("必填") if column.required else _("选填"), str(column.help_text)]
        for column in columns
    ]
    notes += [[], [_("第 2 行是示例，上传前请删除或改为真实数据。")]]
    writer.add_sheet(_("填写说明"), [_("列名"), _("是否必填"), _("说明")], notes)
    return writer.response(filename)


_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def export_filename(*parts, ext: str) -> str:
    """The one rule for naming a download after what it holds: its parts (scope, term,
    what) joined by "-", e.g. `export_filename("吉县", 2021, "选举结果", ext="xlsx")` is
    `吉县-2021-选举结果.xlsx`; empty parts are left out, characters no file system takes
    become "_"."""
    words = [_UNSAFE_IN_NAMES.sub("_", str(part)).strip() for part in parts]
    return "-".join(word for word in words if word) + f".{ext}"


def scope_name(user) -> str:
    """The name of what `user` works on: their township, else their county, else ""."""
    for place in ("township", "county"):
        if getattr(user, f"{place}_id", None):
            return getattr(user, place).name
    return ""


def _attachment(filename: str) -> str:
    """RFC 6266 with RFC 5987's `filename*` for the real (Chinese) name and a plain ASCII
    `filename` for clients that know only that."""
    stem, dot, ext = filename.rpartition(".")
    ascii_stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem).strip("_-") or "export"
    fallback = f"{ascii_stem}{dot}{ext}" if dot else ascii_stem
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
