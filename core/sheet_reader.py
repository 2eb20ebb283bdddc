"""The child process that parses an upload: stdlib and python-calamine only, no Django.

core.sandbox runs this file as a script under a memory and CPU limit, sends the file on
stdin and reads back pickled messages, each framed by its length: the sheet a chunk of rows
at a time as ("rows", …) (see Columns), then ("end", …); or ("refused", code, params) (after
rows or none) then ("end", …). Everything a crafted file could use to make the parser allocate
without bound is measured first, from the file's own bytes, streamed: every zip member's
real (not declared) size, every part that holds a sheet — wherever it is stored and whatever
the workbook's relationships call it — its declared and actual range, its rows, the length of
every text (shared strings, inline strings, cached values) and the text a sheet's cells hold
or refer to in all (a shared string is copied once per cell that refers to it). The
sheets' checks run in two halves at once, in this process and a forked copy that dies with
it; the parser starts only when both have passed. A file that gets past these checks and
still exhausts the limits kills only this process.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import pickle
import re
import signal
import struct
import sys
import zipfile
import zlib
from array import array

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
# The used range of a sheet (rows x columns, empty cells included) the reader will hold:
# 100,000 rows of a 14-column roster is 1.4 million.
MAX_CELLS = 4_000_000
MAX_ROWS = 200_000
MAX_CELL_CHARS = 1_000  # a name is at most 50
MAX_SHARED_STRINGS = 1_000_000
MAX_LINE_CHARS = 100_000  # one physical line of a CSV
# The text a sheet's cells hold or refer to, measured before parsing (a shared string
# counts once per cell that refers to it: the parser copies it per cell), then the text
# sent back; core.sandbox passes its PARSE_TEXT_CHARS.
MAX_TEXT_CHARS = 40_000_000
# The two halves of a sheet's checks (PartScan), run at once in two processes.
BOTH, POSITIONS, TEXTS = "both", "positions", "texts"
CHUNK_ROWS = 5_000
_CHUNK = 1024 * 1024
_MAX_CARRY = 1024 * 1024  # a span this long without a "<" is no spreadsheet XML


class Refused(Exception):
    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params
        self.at = (0, 0, 0)  # where a sheet's scan found it (see _scan)


# -- zip members, decompressed for real ---------------------------------------------------

_LOCAL_HEADER = struct.Struct("<4s5H3L2H")


def member_chunks(content: bytes, info: zipfile.ZipInfo):
    """The member's bytes in chunks, refused as soon as they exceed its declared size (the
    central directory can say 4 KB over a deflate stream of 4 GB) or end short of it."""
    header = content[info.header_offset : info.header_offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size:
        raise Refused("broken")
    fields = _LOCAL_HEADER.unpack(header)
    # fields: signature, version needed, flags (bit 0: encrypted), method, …
    if fields[0] != b"PK\x03\x04" or fields[3] != info.compress_type or fields[2] & 0x1:
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
# A cell's or a row's position in any form python-calamine accepts (either quote, spaces
# around "=", lower-case letters, leading zeros): the careful path, for the chunks not
# written the usual way.
_POSITION = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]*)0*([0-9]*)["']""")
_DIMENSION = re.compile(rb'dimension\s[^>]*?ref="([A-Z]*)([0-9]*)(?::([A-Z]*)([0-9]*))?"')
# A text node longer than MAX_CELL_CHARS bytes may hold more than MAX_CELL_CHARS characters:
# those (rare) are decoded and counted.
_LONG_TEXT = re.compile(rb">([^<]{%d,})" % (MAX_CELL_CHARS + 1))
_ENTITY = re.compile(rb"&[^;&<]{1,31};")
# Every byte but "<" made "a": a run of MAX_CELL_CHARS + 1 of them is found by bytes.find,
# far faster than _LONG_TEXT, which then runs only on the (rare) chunks that have one.
_NOT_LT = bytes(60 if byte == 60 else 97 for byte in range(256))
_LONG_RUN = b"a" * (MAX_CELL_CHARS + 1)


def column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def column_letters(number: int) -> bytes:
    letters = b""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = bytes([65 + rest]) + letters
    return letters


def _text_length(raw: bytes) -> int:
    import html

    return len(html.unescape(raw.decode("utf-8", "replace")))


def _characters(texts: list[bytes], exact: bool) -> int:
    """The characters of XML text nodes, without a Python step per node: at most their
    bytes less 3 per entity ("&lt;" is the shortest), or exactly (entities decoded)."""
    joined = b"".join(texts)
    if not exact:
        return len(joined) - 3 * joined.count(b"&")
    return len(_ENTITY.sub(b"&", joined).decode("utf-8", "replace"))


class _Recount(Exception):
    """The upper bound of a sheet's text is over the limit: count it exactly."""


def _count(data: bytes, tag: bytes) -> int:
    return sum(data.count(tag + end) for end in (b" ", b">", b"/"))


def _beyond(letters: bytes, digits: bytes, alphabet: bytes) -> bytes:
    """A pattern for a string of `alphabet` ("A" or "0" for letters or digits) that sorts
    after `letters or digits` the way columns and row numbers do: longer, or as long and
    greater from the first place they differ."""
    value = letters if alphabet == b"A" else digits
    if alphabet == b"A":
        any_char, first = b"[A-Za-z]", b"[A-Za-z]"

        def above(char):
            up, low = bytes([char + 1]), bytes([char + 33])
            return b"[%s-Z%s-z]" % (up, low) if char < 90 else None

        def same(char):
            return b"[%s%s]" % (bytes([char]), bytes([char + 32]))
    else:
        any_char, first = b"[0-9]", b"[1-9]"

        def above(char):
            return b"[%s-9]" % bytes([char + 1]) if char < 57 else None

        def same(char):
            return bytes([char])

    options = [first + any_char + b"{%d,}" % len(value)]
    for place, char in enumerate(value):
        higher = above(char)
        if higher:
            prefix = b"".join(map(same, value[:place]))
            options.append(prefix + higher + any_char + b"{%d}" % (len(value) - place - 1))
    return b"(?:" + b"|".join(options) + b")"


class SharedStrings:
    """The length of each shared string, by index: what a cell that refers to it costs."""

    def __init__(self):
        self.lengths: list[int] = []
        self.in_sheets = False  # <si> items inside a sheet part: priced at the maximum

    def add(self, index: int, length: int) -> None:
        if index < len(self.lengths):  # two parts hold strings: the longer of each counts
            self.lengths[index] = max(self.lengths[index], length)
        else:
            self.lengths.append(length)

    def cost(self, indices: list[bytes]) -> int:
        """The characters `indices` (the <v> of cells of type "s"; b"" when not found where
        expected) make the parser copy."""
        if self.in_sheets:
            return MAX_CELL_CHARS * len(indices)
        unknown = indices.count(b"")
        numbers = list(map(int, filter(None, indices)))
        if numbers and max(numbers) >= len(self.lengths):
            known = sum(self.lengths[n] for n in numbers if n < len(self.lengths))
        else:
            known = sum(map(self.lengths.__getitem__, numbers))
        return known + (unknown and unknown * max(self.lengths, default=0))


class PartScan:
    """What one XML part holds, measured chunk by chunk without keeping it: bytes.count and
    regular expressions that mostly match nothing, so that no Python step is taken per cell
    (the 89 MB sheet of a 100,000-row roster in about a second, inflating included)."""

    def __init__(self, strings: SharedStrings, exact: bool = False, checks: str = BOTH):
        self.strings_table, self.exact = strings, exact
        self.positions, self.texts = checks in (BOTH, POSITIONS), checks in (BOTH, TEXTS)
        self.carry = b""
        self.prefix = None  # the namespace prefix of the part's elements, b"" for none
        self.is_sheet = self.holds_strings = False
        self.columns = self.rows = self.cells = self.row_elements = 0
        self.placed_columns = self.placed_rows = 0
        self.declared = (0, 0)
        self.strings = 0
        self.text = 0  # characters the cells of a sheet hold or refer to
        self.open_string = None  # characters of the <si>/<is> being read, across chunks
        self.shared_index = 0  # the index of the next <si> of this part

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
            self._start(part)
        if not self.is_sheet and self.tag(b"sheetData") in part:
            self.is_sheet = True
        # Strings are the texts half's: the positions half neither counts nor prices them.
        has_strings = self.texts and self.tag(b"si") in part
        self.holds_strings = self.holds_strings or has_strings
        if self.is_sheet:
            if self.positions:
                self._positions(part)
            if self.texts:
                self._sheet_text(part)
            if has_strings:
                self.strings_table.in_sheets = True
        if has_strings:
            self.strings += _count(part, self.tag(b"si"))
        if (self.is_sheet or self.holds_strings) and self.texts:
            self._texts(part, has_strings)
        self.check()  # as soon as something is too large: no need to read on

    def _start(self, part: bytes) -> None:
        root = _ROOT.search(part, part.find(b"<", part.find(b"?>") + 1))
        self.prefix = (root[1] + b":") if root and root[1] else b""
        p = re.escape(self.prefix)
        self.tag = lambda name: b"<" + self.prefix + name
        self._inline = re.compile(rb"<" + p + rb"t(?:\s[^>]*)?>([^<]+)")
        self._shared = re.compile(
            rb"<" + p + rb"""c\s[^>]*?\st\s*=\s*["']s["'][^>]*>"""
            rb"(?:\s*<" + p + rb"v(?:\s[^>]*)?>\s*([0-9]+)\s*<)?"
        )
        self._elements = re.compile(rb"<" + p + rb"(c|row)[\s/>]")
        # a string's start or end (<si>, <is>, </si>, </is>, <si/>), or the text of a run
        self._string_tokens = re.compile(
            rb"<(/?)" + p + rb"(si|is)(/?)[\s>]|<" + p + rb"t(?:\s[^>]*)?>([^<]*)"
        )
        self._beyond_pattern = None

    def _positions(self, part: bytes) -> None:
        dimension = b"dimension" in part and _DIMENSION.search(part)
        if dimension:
            first = column_number(dimension[1].decode()), int(dimension[2] or 0)
            last = (column_number(dimension[3].decode()), int(dimension[4] or 0))
            if dimension[3] is None:
                last = first
            self.declared = (
                max(self.declared[0], first[1], last[1]),
                max(self.declared[1], first[0], last[0]),
            )
        cell = self.tag(b"c")
        cells = part.count(cell + b' r="')
        if part.count(cell) == cells:
            # Written the usual way, every <c> starting with its position (a <row> without
            # one then places none of its cells): the last position is the largest unless
            # one search finds a larger one, of a cell or of a row.
            last = _POSITION.match(part, part.rfind(b' r="'))
            if last:
                self._extend(last[1], last[2])
            if not self._beyond().search(part):
                self.cells += cells
                self.placed_columns += cells
                self.placed_rows += cells
                return
        self._positions_carefully(part)

    def _extend(self, letters: bytes, digits: bytes) -> None:
        column, row = column_number(letters.decode()), int(digits or 0)
        if column > self.columns or row > self.rows:
            self.columns, self.rows = max(self.columns, column), max(self.rows, row)
            self._beyond_pattern = None

    def _beyond(self) -> re.Pattern:
        """Any position in the usual form right or below the largest seen so far."""
        if self._beyond_pattern is None:
            letters, digits = column_letters(self.columns), b"%d" % self.rows
            # Possessive (*+): letters, zeros, the other digits and the quote are disjoint,
            # so giving a character back never makes a match; a fifth of the search's time.
            self._beyond_pattern = re.compile(
                rb' r="(?:'
                + _beyond(letters, digits, b"A")
                + rb'[0-9]*+"|[A-Za-z]*+0*+'
                + _beyond(letters, digits, b"0")
                + rb'")'
            )
        return self._beyond_pattern

    def _positions_carefully(self, part: bytes) -> None:
        placed = _POSITION.findall(part)  # cells' (column, row) and rows' ("", row)
        if placed:
            letters, numbers = zip(*placed, strict=True)
            rows = max(map(int, filter(None, numbers)), default=0)
            columns = set(letters) - {b""}
            column = max(map(column_number, map(bytes.decode, columns)), default=0)
            self._extend(column_letters(column), b"%d" % rows)
            self.placed_rows += len(numbers)
            self.placed_columns += len(numbers) - letters.count(b"")
        elements = self._elements.findall(part)
        rows = elements.count(b"row")
        self.cells += len(elements) - rows
        self.row_elements += rows

    def _sheet_text(self, part: bytes) -> None:
        """The text the cells hold (inline strings) and refer to (shared strings, each
        reference priced at its string's length: the parser copies the string per cell)."""
        self.text += _characters(self._inline.findall(part), self.exact)
        # With no shared string recorded (and none inside a sheet) a reference costs nothing:
        # an inline-string sheet is not searched for references.
        strings = self.strings_table
        if (strings.lengths or strings.in_sheets) and (b'"s"' in part or b"'s'" in part):
            self.text += self.strings_table.cost(self._shared.findall(part))

    def _texts(self, part: bytes, has_strings: bool) -> None:
        """Refuse a text longer than MAX_CELL_CHARS, whether one text node or a string of
        several runs; record the length of each shared string."""
        self._refuse_long_nodes(part)
        if has_strings or self.open_string is not None or self.tag(b"r>") in part:
            self._string_lengths(part)

    def _refuse_long_nodes(self, part: bytes) -> None:
        if _LONG_RUN in part.translate(_NOT_LT):
            for match in _LONG_TEXT.finditer(part):
                if _text_length(match[1]) > MAX_CELL_CHARS:
                    raise Refused("cell_too_long", limit=MAX_CELL_CHARS)

    def _string_lengths(self, part: bytes) -> None:
        """String by string (<si>, or a sheet's <is>): its runs summed, and the length of
        each shared string recorded for pricing the cells that refer to it."""
        for closing, element, empty, text in self._string_tokens.findall(part):
            if element:
                if not closing:
                    self.open_string = 0
                if closing or empty:
                    if element == b"si":
                        self.strings_table.add(self.shared_index, self.open_string or 0)
                        self.shared_index += 1
                    self.open_string = None
            elif self.open_string is not None and text:
                if b"&" in text:
                    self.open_string += _text_length(text)
                else:
                    self.open_string += len(text.decode("utf-8", "replace"))
                if self.open_string > MAX_CELL_CHARS:
                    raise Refused("cell_too_long", limit=MAX_CELL_CHARS)

    def check(self) -> None:
        if self.strings > MAX_SHARED_STRINGS:
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
        if self.text > MAX_TEXT_CHARS:
            if not self.exact:
                raise _Recount
            raise Refused("referenced_text", chars=self.text, limit=MAX_TEXT_CHARS)


def _scan(
    content: bytes,
    info: zipfile.ZipInfo,
    strings: SharedStrings,
    *,
    sheets: bool,
    checks: str = BOTH,
    number: int = 0,
):
    """Scan one member; with sheets=False, stop at the first sign that it holds a sheet
    (sheets are scanned once every shared string's length is known). True if it does.
    A refusal carries where it was found (`number`, the chunk, the check's rank in
    _RANKS), so that two halves of the checks agree on which comes first."""
    for exact in (False, True):
        scan = PartScan(strings, exact, checks)
        chunk_number = 0
        try:
            for chunk in member_chunks(content, info):
                chunk_number += 1
                scan.feed(chunk)
                if scan.is_sheet and not sheets:
                    return True
            chunk_number += 1
            scan.feed(b"", final=True)
            scan.check()
        except _Recount:
            continue
        except Refused as refusal:
            refusal.at = (number, chunk_number, _RANKS.get(refusal.code, 0))
            raise
        return scan.is_sheet
    raise AssertionError("an exact count is never recounted")


def check_parts(content: bytes, archive: zipfile.ZipFile) -> None:
    strings = SharedStrings()
    sheets = [info for info in archive.infolist() if _scan(content, info, strings, sheets=False)]

    def scan_sheets(checks: str) -> None:
        for number, info in enumerate(sheets):
            _scan(content, info, strings, sheets=True, checks=checks, number=number)

    _in_two_processes(scan_sheets)


# Within one chunk, the order in which a single scan of both halves meets its refusals.
# (0: a broken or bombed member, which both halves meet at the same place.)
_RANKS = {
    "cell_too_long": 1,
    "shared_strings": 2,
    "range": 3,
    "too_many_rows": 4,
    "referenced_text": 5,
}
_forked_peak_kb = 0  # the peak of the copy that scanned the positions, for peak_memory_kb


def _in_two_processes(scan_sheets) -> None:
    """Scan the sheets for their positions (range, rows) in a forked copy of this process
    while this one scans them for their texts, at once: each half reads the whole part and
    does about half the searching, so a large sheet is measured in a little over half the
    time on two cores. Nothing is parsed until both halves are done; the refusal found
    first in the file (then in the order of PartScan.check) is the one reported."""
    global _forked_peak_kb  # noqa: PLW0603 - one scan per process
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the copy: report (refusal or None, its peak) and leave without cleanup
        os.close(read_end)
        _die_with_parent(parent)
        outcome = None
        try:
            scan_sheets(POSITIONS)
        except Refused as refusal:
            outcome = (refusal.code, refusal.params, refusal.at)
        except BaseException:  # noqa: BLE001 - reported as no reply: the parent fails
            os._exit(1)
        os.write(write_end, pickle.dumps((outcome, peak_memory_kb())))
        os._exit(0)
    os.close(write_end)
    mine = None
    try:
        scan_sheets(TEXTS)
    except Refused as refusal:
        mine = refusal
    finally:
        with os.fdopen(read_end, "rb") as reply:
            data = reply.read()
        os.waitpid(pid, 0)
    if not data:
        raise RuntimeError("the positions' scan died")
    outcome, _forked_peak_kb = pickle.loads(data)
    theirs = outcome and Refused(outcome[0], **outcome[1])
    if theirs:
        theirs.at = outcome[2]
    refusals = [refusal for refusal in (mine, theirs) if refusal]
    if refusals:
        raise min(refusals, key=lambda refusal: refusal.at)


def _die_with_parent(parent: int) -> None:
    """The forked copy is killed with this process (core.sandbox kills it on a timeout)."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl
        os._exit(1)


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


class Columns:
    """The rows as columns of codes, a chunk of rows at a time: each column's distinct cells
    sent once, with the chunk that first holds them, and per row the code of its cell. A
    roster repeats its townships, villages, terms, posts and dates on every row: the parent
    rebuilds and cleans each distinct cell once and unpickles a fraction of the objects
    (1,400,000 cells of a 100,000-row roster, about 200,000 distinct), and cleans one chunk
    while this process reads the next. 1, 1.0 and True are equal as keys but not as cells: a
    column's cells are keyed with their type unless every one is text or None. A code is the
    running number of the cell that first had the value, unique within its column; a column
    that first appears after row 1 has None as code 0, the code of every row before."""

    def __init__(self):
        self.rows = 0
        self.keys: list[dict] = []  # per column: key -> code
        self.counters: list[itertools.count] = []
        self.text = 0  # characters of the text cells, counted as sent back

    def add(self, chunk: list[list]) -> tuple:
        """("rows", each row's own number of cells (0: an empty CSV line), [(the column's
        values first met in these rows, their codes, each row's code), …])."""
        lengths = array("I", map(len, chunk))
        width = max(lengths, default=0)
        if min(lengths, default=0) < width:  # a ragged CSV: None fills
            chunk = [
                row if len(row) == width else [*row, *[None] * (width - len(row))] for row in chunk
            ]
        cells_by_column = list(zip(*chunk, strict=True))
        kinds = [set(map(type, cells)) for cells in cells_by_column]
        self.text += sum(
            sum(map(len, cells if types == {str} else filter(str.__instancecheck__, cells)))
            for cells, types in zip(cells_by_column, kinds, strict=True)
        )
        if self.text > MAX_TEXT_CHARS:
            raise Refused("too_much_text", limit=MAX_TEXT_CHARS)
        known = [len(keys) for keys in self.keys]  # values sent before: not again
        known += [0] * (width - len(known))
        while len(self.keys) < width:  # a column no row before had: None until here
            keys, counter = {}, itertools.count()
            if self.rows:
                keys[None] = next(counter)
            self.keys.append(keys)
            self.counters.append(counter)
        columns = []
        for index, (keys, counter) in enumerate(zip(self.keys, self.counters, strict=True)):
            if index < width:
                cells = cells_by_column[index]
                if not kinds[index] <= _TEXT_TYPES:
                    cells = zip(map(type, cells), cells, strict=True)
                codes = array("I", map(keys.setdefault, cells, counter))
            else:  # a column these rows are too short for
                codes = array("I", [keys.setdefault(None, next(counter))]) * len(chunk)
            new = list(itertools.islice(keys.items(), known[index], None))
            columns.append(
                (
                    [key[1] if key.__class__ is tuple else key for key, _code in new],
                    array("I", [code for _key, code in new]).tobytes(),
                    codes.tobytes(),
                )
            )
        self.rows += len(chunk)
        return ("rows", lengths.tobytes(), columns)


_TEXT_TYPES = {str, type(None)}


def _send(out, message) -> None:
    """One message, framed by its length so that the parent can act on each as it arrives.
    The pickler keeps no memo (nothing is shared or cyclic): a third of the time, and the
    parent's unpickler has no memo to fill either."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dump(message)
    out.write(_FRAME.pack(buffer.tell()))
    out.write(buffer.getbuffer())
    out.flush()


_FRAME = struct.Struct("<Q")


def main() -> None:
    import resource

    memory, seconds = int(sys.argv[1]), int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    filename = sys.argv[3]
    global MAX_TEXT_CHARS  # noqa: PLW0603 - the parent's setting (core.sandbox)
    MAX_TEXT_CHARS = int(sys.argv[4])
    content = sys.stdin.buffer.read()
    out = sys.stdout.buffer
    try:
        columns, rows = Columns(), iter(rows_of(content, filename))
        while chunk := list(itertools.islice(rows, CHUNK_ROWS)):
            _send(out, columns.add(chunk))
    except Refused as refusal:
        _send(out, ("refused", refusal.code, refusal.params))
    # With the forked half of the pre-scan's (which shares most of its pages with this
    # process): counted in full, an upper bound.
    peak = peak_memory_kb() + _forked_peak_kb
    _send(out, ("end", {"max_rss_kb": peak}))


if __name__ == "__main__":
    main()
