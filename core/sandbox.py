"""Parsing an upload in a child process, so that a crafted file cannot take the server down.

The child (core/sheet_reader.py, run as a script: no Django, nothing of ours imported) gets
a memory limit (RLIMIT_AS) and a CPU limit, and is killed after PARSE_SECONDS. A parser
that aborts, runs out of memory or time kills only the child; the caller gets a
SandboxCrash. Rows come back as pickled chunks, read with an unpickler that builds nothing
but lists, strings, numbers, bytes and dates; each column comes back as its distinct values
and, per row, the code of its value (core.sheet_reader.Columns).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import pickle
import selectors
import subprocess
import sys
import time
from array import array
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
    codes: array  # the code of each row's cell, row 1 first


@dataclass
class Parsed:
    columns: list[Column] = field(default_factory=list)
    lengths: array = field(default_factory=lambda: array("I"))  # each row's own cell count
    refused: tuple[str, dict] | None = None  # (code, params) of core.sheet_reader.Refused
    max_rss_kb: int = 0  # the child's own peak resident memory

    def row(self, index: int) -> list:
        """Row `index` (0 for row 1) as the parser gave it: its own cells only."""
        return [
            column.values[column.codes[index]] for column in self.columns[: self.lengths[index]]
        ]


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


def parse(content: bytes, filename: str) -> Parsed:
    """The rows of the first worksheet (or of the CSV), row 1 first, or the refusal."""
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
    try:
        reply = _exchange(process, content)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
    if process.returncode != 0:
        raise SandboxCrash(f"reader exited with {process.returncode}")
    return _unpack(reply)


def _exchange(process, content: bytes) -> bytearray:
    deadline = time.monotonic() + PARSE_SECONDS
    try:
        process.stdin.write(content)
        process.stdin.close()
    except (BrokenPipeError, OSError) as exc:
        raise SandboxCrash("reader closed its input") from exc
    reply = bytearray()
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
            reply += data
            if len(reply) > MAX_REPLY_BYTES:
                raise SandboxCrash("reader sent too much")
    process.stdout.close()
    left = max(deadline - time.monotonic(), 0.1)
    try:
        process.wait(timeout=left)
    except subprocess.TimeoutExpired as exc:
        raise SandboxCrash("reader timed out") from exc
    return reply


def _unpack(reply: bytearray) -> Parsed:
    parsed, stream = Parsed(), io.BytesIO(reply)
    try:
        while True:
            message = _RowsUnpickler(stream).load()
            kind = message[0]
            if kind == "columns":
                parsed.lengths = _array(message[1])
                parsed.columns = [
                    Column(dict(zip(_array(codes), values, strict=True)), _array(rows))
                    for values, codes, rows in message[2]
                ]
                for column in parsed.columns:
                    if len(column.codes) != len(parsed.lengths):
                        raise SandboxCrash("columns of different lengths")
                    if not set(column.values).issuperset(column.codes):
                        raise SandboxCrash("a code without its value")
            elif kind == "refused":
                parsed.refused, parsed.columns = (message[1], message[2]), []
            elif kind == "end":
                parsed.max_rss_kb = message[1]["max_rss_kb"]
                return parsed
            else:
                raise SandboxCrash(f"unknown message {kind!r}")
    except (pickle.UnpicklingError, EOFError, IndexError, KeyError, TypeError, ValueError) as exc:
        raise SandboxCrash("unreadable reply") from exc


def _array(data: bytes) -> array:
    codes = array("I")
    codes.frombytes(data)
    return codes
