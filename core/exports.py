"""The one writer of every spreadsheet the portal hands out: exports and upload templates.

Every text cell goes through `neutralize`, so a name such as `=cmd|' /C calc'!A0` arrives
as text, never as a formula (OWASP CSV injection). CSV is streamed row by row; XLSX is
written by openpyxl's write-only mode into a temporary file that is then streamed, so
memory stays bounded and time grows with the rows, whatever their number.
"""

import csv
import tempfile
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import FileResponse, StreamingHttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
CSV_ROWS_PER_CHUNK = 500
BOLD = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FDE9D9")


def neutralize(value):
    """A cell's value as written: lazy text made text, and text that would start a formula
    prefixed with an apostrophe."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class XlsxWriter:
    """A workbook of one or more sheets, each a header row and rows, written as it goes."""

    def __init__(self):
        self.workbook = Workbook(write_only=True)

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
        sheet = self.workbook.create_sheet(str(title)[:31])
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        if headers:
            header_cells = []
            for index, header in enumerate(headers):
                cell = WriteOnlyCell(sheet, value=neutralize(header))
                cell.font = BOLD
                if index < len(required) and required[index]:
                    cell.fill = REQUIRED_FILL
                header_cells.append(cell)
            sheet.append(header_cells)
        for row in rows:
            sheet.append([neutralize(value) for value in row])

    def response(self, filename: str) -> FileResponse:
        """The workbook as a download, streamed from a temporary file (deleted on close)."""
        handle = tempfile.TemporaryFile()
        self.workbook.save(handle)
        handle.seek(0)
        response = FileResponse(handle, content_type=XLSX_TYPE)
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


def _attachment(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"
