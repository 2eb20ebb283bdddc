"""Parsing an upload in a child process, so that a crafted file cannot take the server down.

The child (core/sheet_reader.py, run as a script: no Django, nothing of ours imported) gets
a memory limit (RLIMIT_AS) and a CPU limit, and is killed after PARSE_SECONDS. A parser
that aborts, runs out of memory or time kills only the child; the caller gets a
SandboxCrash. Rows come back as pickled chunks, read with an unpickler that builds nothing
but lists, strings, numbers, bytes and dates, and handed on as each arrives; each column
comes back as its distinct values, each sent once, and per row the code of its value
(core.sheet_reader.Columns).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import io
import os
import pickle
import selectors
import struct
import subprocess
import sys
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

READER = Path(__file__).with_name("sheet_reader.py")
PARSE_MEMORY_BYTES = 512 * 1024 * 1024
PARSE_SECONDS = 60
# The text a sheet's cells may hold or refer to in all, measured before parsing and counted
# again as rows come back: a 100,000-row roster has about 7 million characters.
PARSE_TEXT_CHARS = 40_000_000
# What the child may send back: far more than the rows the limits let through.
MAX_REPLY_BYTES = 512 * 1024 * 1024


class SandboxCrash(Exception):
    """The child died, ran out of time or sent something unreadable."""


@dataclass
class Column:
    values: dict  # code -> the cell's value (str, int, float, bool, a date or time, or None)
    codes: array  # the code of each row's cell, row 1 first (of a Chunk: its rows)


@dataclass
class Chunk:
    """Rows as they arrive: `columns[i].values` holds every value of column i sent so far
    (shared with later chunks), `columns[i].codes` the code of each of these rows' cells."""

    start: int  # the index of its first row (0 for row 1)
    lengths: array  # each row's own cell count
    columns: list[Column]

    def row(self, index: int) -> list:
        """Row `start + index` as the parser gave it: its own cells only."""
        return [
            column.values[column.codes[index]] for column in self.columns[: self.lengths[index]]
        ]


@dataclass
class Parsed:
    columns: list[Column] = field(default_factory=list)  # every row's, unless a consumer had them
    lengths: array = field(default_factory=lambda: array("I"))  # each row's own cell count
    refused: tuple[str, dict] | None = None  # (code, params) of core.sheet_reader.Refused
    max_rss_kb: int = 0  # the child's own peak resident memory

    def row(self, index: int) -> list:
        """Row `index` (0 for row 1) as the parser gave it: its own cells only."""
        return Chunk(0, self.lengths, self.columns).row(index)


class _RowsUnpickler(pickle.Unpickler):
    _ALLOWED = {
        ("datetime", "date"): dt.date,
        ("datetime", "datetime"): dt.datetime,
        ("datetime", "time"): dt.time,
        ("datetime", "timedelta"): dt.timedelta,
    }

    def find_class(self, module, name):
        try:
            return self._ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed") from None


def parse(content: bytes, filename: str, on_rows: Callable[[Chunk], None] | None = None) -> Parsed:
    """The rows of the first worksheet (or of the CSV), row 1 first, or the refusal.
    `on_rows` gets each chunk of rows as it arrives, while the child reads the next; the
    caller must then still look at `refused` of the result (a refusal may follow rows).
    Without it, the rows are gathered in the result's columns."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-I",  # no PYTHONPATH, no user site, not the working directory
            str(READER),
            str(PARSE_MEMORY_BYTES),
            str(PARSE_SECONDS),
            os.path.basename(filename)[-200:] or "upload",
            str(PARSE_TEXT_CHARS),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        close_fds=True,
    )
    receiver = _Receiver(on_rows)
    try:
        _widen(process.stdout)
        _exchange(process, content, receiver)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
    if process.returncode != 0:
        raise SandboxCrash(f"reader exited with {process.returncode}")
    if not receiver.ended:
        raise SandboxCrash("reader ended without its last message")
    return receiver.parsed


def _widen(pipe) -> None:
    """A pipe of 1 MB (Linux; 64 KB otherwise): the child writes a whole chunk of rows and
    goes on reading while this process cleans the one before."""
    try:
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, 1024 * 1024)
    except (AttributeError, OSError):
        pass


def _exchange(process, content: bytes, receiver: _Receiver) -> None:
    deadline = time.monotonic() + PARSE_SECONDS
    try:
        process.stdin.write(content)
        process.stdin.close()
    except (BrokenPipeError, OSError) as exc:
        raise SandboxCrash("reader closed its input") from exc
    pending, received = bytearray(), 0
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise SandboxCrash("reader timed out")
            if not selector.select(left):
                continue
            data = os.read(process.stdout.fileno(), 1024 * 1024)
            if not data:
                break
            received += len(data)
            if received > MAX_REPLY_BYTES:
                raise SandboxCrash("reader sent too much")
            pending += data
            while len(pending) >= _FRAME.size:
                (size,) = _FRAME.unpack_from(pending)
                if size > MAX_REPLY_BYTES:
                    raise SandboxCrash("reader sent too much")
                if len(pending) < _FRAME.size + size:
                    break
                receiver.receive(pending[_FRAME.size : _FRAME.size + size])
                del pending[: _FRAME.size + size]
    if pending:
        raise SandboxCrash("reader sent part of a message")
    process.stdout.close()
    left = max(deadline - time.monotonic(), 0.1)
    try:
        process.wait(timeout=left)
    except subprocess.TimeoutExpired as exc:
        raise SandboxCrash("reader timed out") from exc


_FRAME = struct.Struct("<Q")  # the length of the message that follows


class _Receiver:
    """Checks each message and hands its rows on (or gathers them)."""

    def __init__(self, on_rows):
        self.parsed, self.on_rows, self.ended = Parsed(), on_rows, False
        self.values: list[dict] = []  # per column: code -> value, every chunk so far
        self.rows = 0

    def receive(self, frame: bytearray) -> None:
        if self.ended:
            raise SandboxCrash("a message after the last")
        chunk = None
        try:
            message = _RowsUnpickler(io.BytesIO(frame)).load()
            kind = message[0]
            if kind == "rows":
                if self.parsed.refused is None:
                    chunk = self._chunk(_array(message[1]), message[2])
            elif kind == "refused":
                self.parsed.refused = (message[1], message[2])
                self.parsed.columns, self.parsed.lengths = [], array("I")
            elif kind == "end":
                self.parsed.max_rss_kb = message[1]["max_rss_kb"]
                self.ended = True
            else:
                raise SandboxCrash(f"unknown message {kind!r}")
        except (
            pickle.UnpicklingError,
            EOFError,
            IndexError,
            KeyError,
            TypeError,
            ValueError,
        ) as exc:
            raise SandboxCrash("unreadable reply") from exc
        if chunk is not None:  # outside the try: what the consumer raises is its own
            self._hand_on(chunk)

    def _chunk(self, lengths: array, sent: list) -> Chunk:
        if len(sent) < len(self.values):
            raise SandboxCrash("a column went missing")
        columns = []
        for index, (new_values, new_codes, codes) in enumerate(sent):
            if index == len(self.values):  # a column first met in these rows
                self.values.append({})
            values = self.values[index]
            new_codes = _array(new_codes)
            if len(new_codes) != len(new_values) or not values.keys().isdisjoint(new_codes):
                raise SandboxCrash("codes given twice")
            values.update(zip(new_codes, new_values, strict=True))
            codes = _array(codes)
            if len(codes) != len(lengths):
                raise SandboxCrash("columns of different lengths")
            if not values.keys() >= set(codes):
                raise SandboxCrash("a code without its value")
            columns.append(Column(values, codes))
        chunk = Chunk(self.rows, lengths, columns)
        self.rows += len(lengths)
        return chunk

    def _hand_on(self, chunk: Chunk) -> None:
        if self.on_rows is not None:
            self.on_rows(chunk)
            return
        parsed = self.parsed
        for index, column in enumerate(chunk.columns):
            if index == len(parsed.columns):  # the rows before had None (code 0)
                if len(parsed.lengths) and column.values.get(0, ...) is not None:
                    raise SandboxCrash("a new column without None for the rows before")
                parsed.columns.append(Column(column.values, array("I", [0]) * len(parsed.lengths)))
            parsed.columns[index].codes.extend(column.codes)
        parsed.lengths.extend(chunk.lengths)


def _array(data: bytes) -> array:
    codes = array("I")
    codes.frombytes(data)
    return codes
