"""The child process that parses an upload: stdlib and python-calamine only, no Django.

core.sandbox runs this file as a script under a memory and CPU limit, sends the file on
stdin and reads back pickled messages: ("rows", [...]) chunks then ("end",), or
("refused", code, params). Everything a crafted file could use to make the parser allocate
without bound is measured first, from the file's own bytes, streamed: every zip member's
real (not declared) size, every part that holds a sheet — wherever it is stored and whatever
the workbook's relationships call it — its declared and actual range, its rows, and the
length of every text (shared strings, inline strings, cached values). A file that gets past
these checks and still exhausts the limits kills only this process.
"""

from __future__ import annotations

import csv
import io
import pickle
import re
import struct
import sys
import zipfile
import zlib

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
# The used range of a sheet (rows x columns, empty cells included) the reader will hold:
# 100,000 rows of a 14-column roster is 1.4 million.
MAX_CELLS = 4_000_000
MAX_ROWS = 200_000
MAX_CELL_CHARS = 1_000  # a name is at most 50
MAX_SHARED_STRINGS = 1_000_000
MAX_LINE_CHARS = 100_000  # one physical line of a CSV
# All the text sent back (a 100,000-row roster has about 7 million characters): what the
# web or worker process holds is bounded whatever the shared strings repeat.
MAX_TEXT_CHARS = 40_000_000
CHUNK_ROWS = 5_000
_CHUNK = 1024 * 1024
_MAX_CARRY = 1024 * 1024  # a span this long without a "<" is no spreadsheet XML


class Refused(Exception):
    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


# -- zip members, decompressed for real ---------------------------------------------------

_LOCAL_HEADER = struct.Struct("<4s5H3L2H")


def member_chunks(content: bytes, info: zipfile.ZipInfo):
    """The member's bytes in chunks, refused as soon as they exceed its declared size (the
    central directory can say 4 KB over a deflate stream of 4 GB) or end short of it."""
    header = content[info.header_offset : info.header_offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size:
        raise Refused("broken")
    fields = _LOCAL_HEADER.unpack(header)
    if fields[0] != b"PK\x03\x04" or fields[3] != info.compress_type or fields[1] & 0x1:
        raise Refused("broken")
    start = info.header_offset + _LOCAL_HEADER.size + fields[9] + fields[10]
    raw = memoryview(content)[start : start + info.compress_size]
    if len(raw) != info.compress_size:
        raise Refused("broken")
    produced, crc = 0, 0
    if info.compress_type == zipfile.ZIP_STORED:
        pieces = (bytes(raw[i : i + _CHUNK]) for i in range(0, len(raw), _CHUNK))
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        pieces = _inflate(raw, info.file_size)
    else:
        raise Refused("broken")
    for piece in pieces:
        produced += len(piece)
        if produced > info.file_size:
            raise Refused("zip_bomb")
        crc = zlib.crc32(piece, crc)
        yield piece
    if produced != info.file_size or crc != info.CRC:
        raise Refused("broken")


def _inflate(raw: memoryview, declared: int):
    inflater = zlib.decompressobj(-15)
    try:
        for offset in range(0, len(raw), 64 * 1024):
            data = bytes(raw[offset : offset + 64 * 1024])
            while data:
                # At most one byte past the declared size: enough to know it lied.
                piece = inflater.decompress(data, _CHUNK)
                yield piece
                data = inflater.unconsumed_tail
                if not piece and not data:
                    break
            if inflater.eof:
                break
        tail = inflater.flush()
        if tail:
            yield tail
    except zlib.error as exc:
        raise Refused("broken") from exc
    if not inflater.eof:
        raise Refused("broken")


def check_zip(archive: zipfile.ZipFile, size: int) -> None:
    """Refuse a zip whose contents would expand beyond reason (a zip bomb), or whose
    directory names one part twice (two readers could then read different ones)."""
    infos = archive.infolist()
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_BYTES or total > MAX_COMPRESSION_RATIO * max(size, 1):
        raise Refused("zip_bomb")
    names = [info.filename.replace("\\", "/").lstrip("/").lower() for info in infos]
    if len(set(names)) != len(names):
        raise Refused("broken")


# -- measuring XML parts as they stream -----------------------------------------------------

_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?[A-Za-z_][\w.-]*[\s/>]")
_POSITION = re.compile(rb' r="([A-Z]{0,3})([0-9]+)"')
_DIMENSION = re.compile(rb'dimension\s[^>]*?ref="([A-Z]*)([0-9]*)(?::([A-Z]*)([0-9]*))?"')
# A text node longer than MAX_CELL_CHARS bytes may hold more than MAX_CELL_CHARS characters:
# those (rare) are decoded and counted.
_LONG_TEXT = re.compile(rb">([^<]{%d,})" % (MAX_CELL_CHARS + 1))


def column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _text_length(raw: bytes) -> int:
    import html

    return len(html.unescape(raw.decode("utf-8", "replace")))


def _count(data: bytes, tag: bytes) -> int:
    return sum(data.count(tag + end) for end in (b" ", b">", b"/"))


class PartScan:
    """What one XML part holds, measured chunk by chunk without keeping it (bytes.count and
    a few regular expressions: the 75 MB sheet of a 100,000-row roster in about a second)."""

    def __init__(self):
        self.carry = b""
        self.prefix = None  # the namespace prefix of the part's elements, b"" for none
        self.is_sheet = self.is_sst = False
        self.columns = self.rows = self.cells = self.row_elements = 0
        self.placed_columns = self.placed_rows = 0
        self.declared = (0, 0)
        self.strings = 0
        self.open_string = None  # characters of the <si>/<is> being read, across chunks

    def feed(self, chunk: bytes, final: bool = False) -> None:
        data = self.carry + chunk
        # Cut before the last tag: every tag and every text node in `part` is whole.
        cut = len(data) if final else max(data.rfind(b"<"), 0)
        part, self.carry = data[:cut], data[cut:]
        if len(self.carry) > _MAX_CARRY:
            raise Refused("cell_too_long", limit=MAX_CELL_CHARS)
        if not part:
            return
        if self.prefix is None:
            root = _ROOT.search(part, part.find(b"<", part.find(b"?>") + 1))
            self.prefix = (root[1] + b":") if root and root[1] else b""
            self.tag = lambda name: b"<" + self.prefix + name
        if not self.is_sheet and self.tag(b"sheetData") in part:
            self.is_sheet = True
        if not self.is_sst and self.tag(b"sst") in part:
            self.is_sst = True
        if self.is_sheet:
            self._positions(part)
        if self.is_sst:
            self.strings += _count(part, self.tag(b"si"))
        if self.is_sheet or self.is_sst:
            self._texts(part)

    def _positions(self, part: bytes) -> None:
        dimension = _DIMENSION.search(part)
        if dimension:
            first = column_number(dimension[1].decode()), int(dimension[2] or 0)
            last = (column_number(dimension[3].decode()), int(dimension[4] or 0))
            if dimension[3] is None:
                last = first
            self.declared = (
                max(self.declared[0], first[1], last[1]),
                max(self.declared[1], first[0], last[0]),
            )
        placed = _POSITION.findall(part)  # cells' (column, row) and rows' ("", row)
        if placed:
            letters, numbers = zip(*placed, strict=True)
            self.rows = max(self.rows, max(map(int, numbers)))
            columns = set(letters) - {b""}
            if columns:
                self.columns = max(self.columns, *map(column_number, map(bytes.decode, columns)))
            self.placed_rows += len(numbers)
            self.placed_columns += len(numbers) - letters.count(b"")
        self.cells += _count(part, self.tag(b"c"))
        self.row_elements += _count(part, self.tag(b"row"))
        self.check()  # as soon as the range is too large: no need to read on

    def _texts(self, part: bytes) -> None:
        for match in _LONG_TEXT.finditer(part):
            if _text_length(match[1]) > MAX_CELL_CHARS:
                raise Refused("cell_too_long", limit=MAX_CELL_CHARS)
        if self.open_string is None and self.tag(b"r>") not in part:
            return
        # Rich text (runs): sum the runs of every string; rare, so a Python loop is fine.
        tokens = re.compile(
            rb"<(/?)"
            + re.escape(self.prefix)
            + rb"(si|is)[\s>]|<"
            + re.escape(self.prefix)
            + rb"t(?:\s[^>]*)?>([^<]*)"
        )
        for closing, element, text in tokens.findall(part):
            if element:
                self.open_string = None if closing else 0
            elif self.open_string is not None and text:
                self.open_string += _text_length(text)
                if self.open_string > MAX_CELL_CHARS:
                    raise Refused("cell_too_long", limit=MAX_CELL_CHARS)

    def check(self) -> None:
        if self.is_sst and self.strings > MAX_SHARED_STRINGS:
            raise Refused("shared_strings", limit=MAX_SHARED_STRINGS)
        if not self.is_sheet:
            return
        # Cells and rows without a position count as if each took a new column or row.
        columns = self.columns + max(self.cells - self.placed_columns, 0)
        unplaced_rows = self.row_elements - (self.placed_rows - self.placed_columns)
        rows = self.rows + max(unplaced_rows, 0)
        rows, columns = max(rows, self.declared[0]), max(columns, self.declared[1])
        if rows * columns > MAX_CELLS:
            raise Refused("range", rows=rows, columns=columns)
        if rows > MAX_ROWS:
            raise Refused("too_many_rows", rows=rows, limit=MAX_ROWS)


def check_parts(content: bytes, archive: zipfile.ZipFile) -> None:
    for info in archive.infolist():
        scan = PartScan()
        for chunk in member_chunks(content, info):
            scan.feed(chunk)
        scan.feed(b"", final=True)
        scan.check()


# -- reading ------------------------------------------------------------------------------


def xlsx_rows(content: bytes):
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise Refused("broken") from exc
    with archive:
        check_zip(archive, len(content))
        check_parts(content, archive)
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        first = next(
            sheet.name for sheet in workbook.sheets_metadata if sheet.typ == SheetTypeEnum.WorkSheet
        )
        sheet = workbook.get_sheet_by_name(first)
        start = sheet.start
        if start is None:
            return
        # Row 1 and column A first, as Excel numbers them: iter_rows() (python-calamine
        # 0.9) starts at row 1 but at the range's first column.
        left = start[1]
        pad = [""] * left
        for row in sheet.iter_rows():
            yield pad + row if left else row
    except Refused:
        raise
    except Exception as exc:  # calamine raises several kinds for a broken file
        raise Refused("broken") from exc


def decode_text(content: bytes) -> str | None:
    if b"\x00" in content:
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _lines(text: str):
    """The physical lines, each refused before it is copied if it is absurdly long."""
    start, number = 0, 1
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        if end - start > MAX_LINE_CHARS:
            raise Refused("line_too_long", row=number, limit=MAX_LINE_CHARS)
        yield text[start:end]
        start, number = end, number + 1


def csv_rows(text: str):
    csv.field_size_limit(MAX_CELL_CHARS)
    cells = width = 0
    try:
        for number, row in enumerate(csv.reader(_lines(text)), start=1):
            if number > MAX_ROWS:
                rows = text.count("\n") + (not text.endswith("\n"))
                raise Refused("too_many_rows", rows=rows, limit=MAX_ROWS)
            width = max(width, len(row))
            cells += len(row)
            if number * width > MAX_CELLS:
                raise Refused("range", rows=number, columns=width)
            yield row
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise Refused("cell_too_long", limit=MAX_CELL_CHARS) from exc
        raise Refused("not_spreadsheet") from exc


def rows_of(content: bytes, filename: str):
    if content[:4] == b"PK\x03\x04" or zipfile.is_zipfile(io.BytesIO(content)):
        return xlsx_rows(content)
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise Refused("xls")
    text = decode_text(content)
    if text is None or not filename.lower().endswith((".csv", ".txt")):
        raise Refused("not_spreadsheet")
    return csv_rows(text)


def peak_memory_kb() -> int:
    """This process's peak resident memory (VmHWM: getrusage's ru_maxrss would carry over
    the parent's from before the exec)."""
    with open("/proc/self/status", "rb") as status:
        for line in status:
            if line.startswith(b"VmHWM:"):
                return int(line.split()[1])
    return 0


def main() -> None:
    import resource

    memory, seconds = int(sys.argv[1]), int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    filename = sys.argv[3]
    content = sys.stdin.buffer.read()
    out = sys.stdout.buffer
    try:
        chunk, text = [], 0
        for row in rows_of(content, filename):
            text += sum(map(len, filter(str.__instancecheck__, row)))
            if text > MAX_TEXT_CHARS:
                raise Refused("too_much_text", limit=MAX_TEXT_CHARS)
            chunk.append(row)
            if len(chunk) >= CHUNK_ROWS:
                pickle.dump(("rows", chunk), out, protocol=5)
                chunk = []
        pickle.dump(("rows", chunk), out, protocol=5)
    except Refused as refusal:
        pickle.dump(("refused", refusal.code, refusal.params), out, protocol=5)
    pickle.dump(("end", {"max_rss_kb": peak_memory_kb()}), out, protocol=5)
    out.flush()


if __name__ == "__main__":
    main()
