"""Reading uploaded spreadsheets (.xlsx, or .csv in UTF-8 or GBK) into checked rows.

Every importer describes its columns once; this module finds the header row (title rows
above it are allowed), maps Chinese or English headers, cleans each cell and collects every
problem with its row and column, so that an importer can refuse the whole file and say why.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from itertools import compress
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from . import sandbox
from .bulk import gc_paused
from .text import compact, join_words, normalize_text

logger = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 10
# Errors kept per file: a sheet of 200,000 bad rows says what is wrong in the first ones.
MAX_ERRORS = 200


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
            return _("第 %(row)s 行「%(column)s」列：%(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("第 %(row)s 行：%(message)s") % {"row": self.row, "message": self.message}


@dataclass(frozen=True)
class OmittedErrors(CellError):
    """Stands, last, for the errors not kept beyond MAX_ERRORS."""

    count: int = 0

    def __str__(self) -> str:
        return _("…还有 %(count)s 处错误") % {"count": self.count}


def error_count(errors) -> int:
    """How many problems `errors` stands for: the "…还有 N 处错误" line counts as N."""
    return sum(error.count if isinstance(error, OmittedErrors) else 1 for error in errors)


@dataclass(slots=True)
class Row:
    number: int
    values: dict[str, Any]


@dataclass
class Sheet:
    rows: list[Row]
    errors: list[CellError]
    headers: dict[str, str]  # column key -> header as written in the file

    def error(self, row: int, key: str | None, message: str) -> None:
        column = self.headers.get(key, key or "") if key else ""
        kept = [error for error in self.errors if not isinstance(error, OmittedErrors)]
        if len(kept) < MAX_ERRORS:
            self.errors.append(CellError(row, column, message))
        else:
            self.omit(1)

    def omit(self, count: int) -> None:
        """Count errors beyond MAX_ERRORS instead of keeping them."""
        if count <= 0:
            return
        omitted = [error for error in self.errors if isinstance(error, OmittedErrors)]
        total = count + sum(error.count for error in omitted)
        self.errors[:] = [error for error in self.errors if not isinstance(error, OmittedErrors)]
        self.errors.append(OmittedErrors(10**9, "", "", count=total))


def _refusal(code: str, params: dict) -> str:
    """The user's message for a refusal of core.sheet_reader (which has no translations)."""
    messages = {
        "xls": lambda: _("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后上传"),
        "not_spreadsheet": lambda: _("文件不是有效的 Excel (.xlsx) 或 CSV 文件"),
        "broken": lambda: _("无法读取该 Excel 文件，请确认是 .xlsx 格式且未损坏"),
        "zip_bomb": lambda: _("文件解压后过大，疑似异常文件，已拒绝"),
        "range": lambda: _(
            "表格的使用范围过大（%(rows)s 行 × %(columns)s 列），请删除数据以外的内容后再上传"
        ),
        "too_many_rows": lambda: _("表格行数过多（%(rows)s 行，上限 %(limit)s 行），请分批上传"),
        "cell_too_long": lambda: _("有单元格内容过长（上限 %(limit)s 个字），已拒绝"),
        "shared_strings": lambda: _("表格中的文字条目过多（上限 %(limit)s 条），已拒绝"),
        "line_too_long": lambda: _("文件第 %(row)s 行过长（上限 %(limit)s 个字符），已拒绝"),
        "too_much_text": lambda: _("表格中的文字过多（上限 %(limit)s 个字），请分批上传"),
        "referenced_text": lambda: _(
            "表格各单元格的文字合计过多（上限 %(limit)s 个字），"
            "多为同一段长文字被大量单元格重复引用，已拒绝"
        ),
    }
    message = messages.get(code)
    return message() % params if message else CRASHED()


def CRASHED() -> str:  # noqa: N802 - a message, named like the constant it stands for
    return _("无法读取该文件（文件可能已损坏或过大），未保存任何数据")


def _parse(content: bytes, filename: str, on_rows=None) -> sandbox.Parsed:
    """The sheet's cells, column by column; parsed in a child process with limits
    (core.sandbox): a file that makes the parser abort or swell kills that child, not this
    process. `on_rows` gets each chunk of rows as it arrives."""
    try:
        parsed = sandbox.parse(content, filename, on_rows)
    except sandbox.SandboxCrash as exc:
        logger.warning("spreadsheet reader failed on %r: %s", filename[-100:], exc)
        raise SpreadsheetError(CRASHED()) from exc
    if parsed.refused:
        raise SpreadsheetError(_refusal(*parsed.refused))
    return parsed


def read_upload(upload, columns: list[Column]) -> Sheet:
    """Read an uploaded file (a Django UploadedFile or any object with read() and name)."""
    size = getattr(upload, "size", None)
    limit = settings.UPLOAD_MAX_BYTES
    too_large = _("文件过大（上限 %(mb)s MB）") % {"mb": limit // (1024 * 1024)}
    if size is not None and size > limit:
        raise SpreadsheetError(too_large)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise SpreadsheetError(too_large)
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
        raise SpreadsheetError(_("文件是空的"))
    with gc_paused():
        return _read(content, filename, columns)


def _read(content: bytes, filename: str, columns: list[Column]) -> Sheet:
    builder = _SheetBuilder(columns)
    _parse(content, filename, builder.feed)
    return builder.finish()


class _SheetBuilder:
    """Cleans the rows a chunk at a time, as the child sends them (it reads the next chunk
    meanwhile), column by column, each distinct cell cleaned once: a roster repeats its
    townships, villages, terms, posts and dates on every row, and a clean function is a pure
    function of the cell. The header is looked for in the first chunk (core.sheet_reader's
    CHUNK_ROWS rows, or the whole sheet); a sheet without one fails at the end, so that the
    child's own refusal of the file, which may come after rows, is the one the user reads."""

    def __init__(self, columns: list[Column]):
        self.columns = columns
        self.names = [column.key for column in columns]
        self.header: tuple[int, dict[str, int], dict[str, str]] | None = None
        self.failure: SpreadsheetError | None = None
        self.rows: list[Row] = []
        self.problems: list[tuple] = []  # (row number, column order, header, message)
        # per wanted column: code -> cleaned value, code -> outcome, across chunks
        self.cleaned = [({}, {}) for _column in columns]

    def feed(self, chunk: sandbox.Chunk) -> None:
        if self.failure is not None:
            return
        first = 0
        if self.header is None:
            try:
                self.header = _find_header(map(chunk.row, range(len(chunk.lengths))), self.columns)
            except SpreadsheetError as exc:
                self.failure = exc
                return
            first = self.header[0]  # the header's number is the index of the row after it
        self._clean_rows(chunk, first)

    def _clean_rows(self, chunk: sandbox.Chunk, first: int) -> None:
        _number, positions, headers = self.header
        # The data rows: those after the header, but an empty line of a CSV (no cell at all).
        rows = range(first, len(chunk.lengths))
        lengths = chunk.lengths[first:]
        if 0 in lengths:
            rows = list(compress(rows, lengths))
        numbers = [chunk.start + index + 1 for index in rows]

        def codes_of(column: sandbox.Column) -> array:
            if isinstance(rows, range):
                return column.codes[first:]
            return array("I", map(column.codes.__getitem__, rows))

        value_columns, problems, blank = [], [], None
        for order, column in enumerate(self.columns):
            index = positions.get(column.key)
            if index is None:  # an optional column the file does not have
                value_columns.append([None] * len(rows))
                continue
            parsed_column = chunk.columns[index]
            codes = codes_of(parsed_column)
            values, outcomes = self.cleaned[order]
            distinct = set(codes)
            for code in distinct.difference(outcomes):
                outcome = _clean(column, parsed_column.values[code])
                values[code], outcomes[code] = (None, outcome) if outcome is _EMPTY else outcome
            value_columns.append(list(map(values.__getitem__, codes)))
            kinds = set(map(outcomes.__getitem__, distinct))
            if _EMPTY in kinds:
                empty = {i for i, code in enumerate(codes) if outcomes[code] is _EMPTY}
                blank = empty if blank is None else blank & empty
            else:
                blank = set()
            if kinds - {None, _EMPTY} or (column.required and _EMPTY in kinds):
                message_of = {
                    code: _("不能为空") if outcomes[code] is _EMPTY else outcomes[code]
                    for code in distinct
                    if outcomes[code] is not None
                    and (outcomes[code] is not _EMPTY or column.required)
                }
                header = headers[column.key]
                problems.extend(
                    (i, order, header, message_of[code])
                    for i, code in enumerate(codes)
                    if code in message_of
                )
        mapped = set(positions.values())
        dropped = {
            i
            for i in blank or ()
            if not any(
                normalize_text(_cell_value(cell))
                for index, cell in enumerate(chunk.row(rows[i]))
                if index not in mapped
            )
        }
        names = self.names
        self.rows.extend(
            Row(number, dict(zip(names, values, strict=True)))
            for i, (number, values) in enumerate(
                zip(numbers, zip(*value_columns, strict=True), strict=True)
            )
            if not dropped or i not in dropped
        )
        self.problems.extend(
            (numbers[i], order, header, message)
            for i, order, header, message in problems
            if i not in dropped
        )

    def finish(self) -> Sheet:
        if self.failure is not None:
            raise self.failure
        if self.header is None:  # no row at all
            _find_header(iter(()), self.columns)
        problems = sorted(self.problems, key=itemgetter(0, 1))
        sheet = Sheet(rows=self.rows, errors=[], headers=self.header[2])
        sheet.errors = [
            CellError(number, header, message)
            for number, _order, header, message in problems[:MAX_ERRORS]
        ]
        sheet.omit(len(problems) - MAX_ERRORS)
        if not sheet.rows and not sheet.errors:
            raise SpreadsheetError(_("表格中没有数据行"))
        return sheet


_EMPTY = object()


def _cell_value(cell):
    """A cell as openpyxl gave it (calamine gives "" for an empty cell, 2021.0 for 2021 and a
    date for a date cell without a time)."""
    if cell.__class__ is float and cell.is_integer() and abs(cell) < 2**53:
        return int(cell)
    if cell.__class__ is dt.date:
        return dt.datetime.combine(cell, dt.time())
    return cell


def _clean(column: Column, cell) -> tuple | object:
    """_EMPTY, or (value, None), or (None, the message for the user)."""
    cell = _cell_value(cell)
    if isinstance(cell, str):
        cell = normalize_text(cell)
    if cell is None or cell == "":
        return _EMPTY
    try:
        return (column.clean(cell) if column.clean else normalize_text(cell)), None
    except ValueError as exc:
        return None, str(exc)


def _find_header(rows, columns: list[Column]) -> tuple[int, dict[str, int], dict[str, str]]:
    wanted = {column.key: column.names() for column in columns}
    best: tuple[int, dict[str, int], dict[str, str]] | None = None
    for number, raw in enumerate(rows, start=1):
        if number > HEADER_SEARCH_ROWS:
            break
        positions: dict[str, int] = {}
        headers: dict[str, str] = {}
        for index, cell in enumerate(raw or ()):
            cell = _cell_value(cell)
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
        expected = join_words(column.header for column in columns if column.required)
        raise SpreadsheetError(
            _("找不到表头行；第一行应包含这些列：%(columns)s") % {"columns": expected}
        )
    missing = [c.header for c in columns if c.required and c.key not in best[1]]
    if missing:
        raise SpreadsheetError(_("缺少必填列：%(columns)s") % {"columns": join_words(missing)})
    number, positions, headers = best
    for column in columns:
        headers.setdefault(column.key, column.header)
    return number, positions, headers
