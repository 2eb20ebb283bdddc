"""Reading uploaded spreadsheets (.xlsx, or .csv in UTF-8 or GBK) into checked rows.

Every importer describes its columns once; this module finds the header row (title rows
above it are allowed), maps Chinese or English headers, cleans each cell and collects every
problem with its row and column, so that an importer can refuse the whole file and say why.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .text import compact, normalize_text

HEADER_SEARCH_ROWS = 10
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200


class SpreadsheetError(Exception):
    """The file as a whole cannot be read (not a spreadsheet, too large, no header...)."""


@dataclass(frozen=True)
class Column:
    """One column an importer understands.

    `clean` turns the raw cell into a value or raises ValueError with a message for the user.
    """

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = True
    clean: Callable[[Any], Any] | None = None
    help_text: str = ""
    example: str = ""

    def names(self) -> set[str]:
        return {compact(name).lower() for name in (self.header, self.key, *self.aliases)}


@dataclass(frozen=True)
class CellError:
    row: int  # the row number as the spreadsheet shows it
    column: str  # the header as the spreadsheet shows it ("" for a whole-row problem)
    message: str

    def __str__(self) -> str:
        if self.column:
            return f"第 {self.row} 行「{self.column}」列：{self.message}"
        return f"第 {self.row} 行：{self.message}"


@dataclass
class Row:
    number: int
    values: dict[str, Any]
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class Sheet:
    rows: list[Row]
    errors: list[CellError]
    headers: dict[str, str]  # column key -> header as written in the file

    def error(self, row: int, key: str | None, message: str) -> None:
        column = self.headers.get(key, key or "") if key else ""
        self.errors.append(CellError(row, column, message))


def _raw_rows(content: bytes, filename: str) -> Iterable[tuple]:
    if zipfile.is_zipfile(io.BytesIO(content)):
        _check_zip(content)
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise SpreadsheetError("无法读取该 Excel 文件，请确认是 .xlsx 格式且未损坏") from exc
        worksheet = workbook.worksheets[0]
        yield from worksheet.iter_rows(values_only=True)
        workbook.close()
        return
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后上传")
    text = _decode_text(content)
    if text is None or not filename.lower().endswith((".csv", ".txt")):
        raise SpreadsheetError("文件不是有效的 Excel (.xlsx) 或 CSV 文件")
    yield from csv.reader(io.StringIO(text))


def _decode_text(content: bytes) -> str | None:
    if b"\x00" in content:
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _check_zip(content: bytes) -> None:
    """Refuse a zip whose contents would expand beyond reason (a zip bomb)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        total = sum(info.file_size for info in archive.infolist())
    if total > MAX_UNCOMPRESSED_BYTES or total > MAX_COMPRESSION_RATIO * max(len(content), 1):
        raise SpreadsheetError("文件解压后过大，疑似异常文件，已拒绝")


def read_upload(upload, columns: list[Column]) -> Sheet:
    """Read an uploaded file (a Django UploadedFile or any object with read() and name)."""
    size = getattr(upload, "size", None)
    limit = settings.UPLOAD_MAX_BYTES
    if size is not None and size > limit:
        raise SpreadsheetError(f"文件过大（上限 {limit // (1024 * 1024)} MB）")
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise SpreadsheetError(f"文件过大（上限 {limit // (1024 * 1024)} MB）")
    return read_bytes(content, getattr(upload, "name", "upload.xlsx"), columns)


def read_path(path, columns: list[Column]) -> Sheet:
    with open(path, "rb") as handle:
        return read_upload(_NamedBytes(handle.read(), str(path)), columns)


class _NamedBytes(io.BytesIO):
    def __init__(self, content: bytes, name: str):
        super().__init__(content)
        self.name = name
        self.size = len(content)


def read_bytes(content: bytes, filename: str, columns: list[Column]) -> Sheet:
    if not content.strip():
        raise SpreadsheetError("文件是空的")
    rows = iter(_raw_rows(content, filename))
    header_row_number, positions, headers = _find_header(rows, columns)
    sheet = Sheet(rows=[], errors=[], headers=headers)
    for offset, raw in enumerate(rows, start=header_row_number + 1):
        if raw is None or all(normalize_text(cell) == "" for cell in raw):
            continue
        values: dict[str, Any] = {}
        raw_values: dict[str, Any] = {}
        for column in columns:
            index = positions.get(column.key)
            cell = raw[index] if index is not None and index < len(raw) else None
            raw_values[column.key] = cell
            if isinstance(cell, str):
                cell = normalize_text(cell)
            if cell in (None, ""):
                if column.required:
                    sheet.error(offset, column.key, "不能为空")
                values[column.key] = None
                continue
            try:
                values[column.key] = column.clean(cell) if column.clean else normalize_text(cell)
            except ValueError as exc:
                sheet.error(offset, column.key, str(exc))
                values[column.key] = None
        sheet.rows.append(Row(number=offset, values=values, raw=raw_values))
    if not sheet.rows and not sheet.errors:
        raise SpreadsheetError("表格中没有数据行")
    return sheet


def _find_header(rows, columns: list[Column]) -> tuple[int, dict[str, int], dict[str, str]]:
    wanted = {column.key: column.names() for column in columns}
    best: tuple[int, dict[str, int], dict[str, str]] | None = None
    for number, raw in enumerate(rows, start=1):
        if number > HEADER_SEARCH_ROWS:
            break
        positions: dict[str, int] = {}
        headers: dict[str, str] = {}
        for index, cell in enumerate(raw or ()):
            name = compact(cell).lower()
            for key, names in wanted.items():
                if name and name in names and key not in positions:
                    positions[key] = index
                    headers[key] = normalize_text(cell)
        if positions and (best is None or len(positions) > len(best[1])):
            best = (number, positions, headers)
        required = {column.key for column in columns if column.required}
        if required <= positions.keys():
            break
    if best is None:
        expected = "、".join(column.header for column in columns if column.required)
        raise SpreadsheetError(f"找不到表头行；第一行应包含这些列：{expected}")
    missing = [c.header for c in columns if c.required and c.key not in best[1]]
    if missing:
        raise SpreadsheetError(f"缺少必填列：{'、'.join(missing)}")
    number, positions, headers = best
    for column in columns:
        headers.setdefault(column.key, column.header)
    return number, positions, headers


def template_workbook(columns: list[Column], title: str) -> bytes:
    """A template to download: the header row, one example row, and a sheet of instructions."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FDE9D9")
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = bold
        if column.required:
            cell.fill = required_fill
        sheet.cell(row=2, column=index, value=column.example or None)
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(column.header) * 3)
    notes = workbook.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "说明"])
    for column in columns:
        notes.append([column.header, "必填" if column.required else "选填", column.help_text])
    notes.append([])
    notes.append(["第 2 行是示例，上传前请删除或改为真实数据。"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
