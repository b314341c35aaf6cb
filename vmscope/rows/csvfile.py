"""A CSV file read in batches of records, as many times as the caller needs:
`vmscope eval` reads it twice (once to type the columns, once to evaluate),
keeping one batch in memory at a time, so memory does not grow with the file.

Standard input (`-`) and anything that is not a regular file (a pipe, a
process substitution) cannot be read twice, so it is first copied to a
temporary file ("spooled"). Text is UTF-8 (a leading BOM skipped), parsed
as RFC 4180 by Python's `csv` module (default dialect). Blank lines are
skipped everywhere, before the header too: `csv` reads them as records with
no field at all, which no table has. A batch aims at about BATCH_BYTES of
text and at most BATCH_ROWS records, so wide rows make short batches."""

from __future__ import annotations

import codecs
import csv
import io
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from types import TracebackType
from typing import IO

from vmscope.rows.columns import TableError

BATCH_ROWS = 2048  # records in a batch, at most
BATCH_BYTES = 256 << 10  # about this much CSV text in a batch
STDIN = "-"
_FIRST_BATCH = 16  # the first batch measures how long the records are
_SPOOL_CHUNK = 1 << 20
_LINE_ENDINGS = ("\r\n", "\n", "\r")

Opener = Callable[[], IO[bytes]]
Record = list[str]


@dataclass(frozen=True)
class Header:
    """The header record: its cells, its raw text as in the file (without
    its line ending), and the physical lines read up to its end."""

    cells: tuple[str, ...]
    line: str
    lines: int


class RowFile:
    """A CSV source that can be read from the start any number of times.
    Use `RowFile.open(path)` (a path, or `-` for standard input) or
    `RowFile.from_bytes(data)`, and close it (or use it in a `with`)."""

    def __init__(self, name: str, opener: Opener, spool: IO[bytes] | None = None,
                 check_unchanged: bool = False) -> None:
        self.name = name
        self._opener = opener
        self._spool = spool
        self._check_unchanged = check_unchanged
        self._stamp: tuple[int, int] | None = None
        self.header = self._first_header()

    # ---- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str) -> RowFile:
        """A file, or standard input for `-`; an unreadable one is a TableError."""
        if path == STDIN:
            return cls._spooled(sys.stdin.buffer, "<stdin>")
        try:
            with open(path, "rb") as fh:  # readable at all (a directory, no permission, ...)
                if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                    return cls._spooled(fh, path)  # a pipe or device cannot be read twice
        except OSError as exc:
            raise TableError(f"cannot read {path}: {exc.strerror or exc}") from None
        return cls(path, lambda: open(path, "rb"), check_unchanged=True)

    @classmethod
    def from_bytes(cls, data: bytes, name: str = "<rows>") -> RowFile:
        return cls(name, lambda: io.BytesIO(data))

    @classmethod
    def _spooled(cls, source: IO[bytes], name: str) -> RowFile:
        spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by RowFile.close
        try:
            shutil.copyfileobj(source, spool, _SPOOL_CHUNK)
            spool.flush()
        except OSError as exc:
            spool.close()
            raise TableError(f"cannot read {name}: {exc.strerror or exc}") from None
        fd = spool.fileno()

        def reopen() -> IO[bytes]:
            fh = open(os.dup(fd), "rb")  # noqa: SIM115 - the caller closes it
            fh.seek(0)  # the duplicate shares the spool's offset
            return fh

        try:
            return cls(name, reopen, spool)
        except BaseException:
            spool.close()
            raise

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()
            self._spool = None

    def __enter__(self) -> RowFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # ---- reading ------------------------------------------------------------------------------

    def batches(self, max_rows: int | None = None, target_bytes: int | None = None
                ) -> Iterator[list[Record]]:
        """The data records after the header, in batches (none empty, no blank
        records) of at most `max_rows` records (default BATCH_ROWS) and about
        `target_bytes` of text (BATCH_BYTES). Bad UTF-8 or a record `csv`
        rejects is a TableError."""
        max_rows = max_rows or BATCH_ROWS
        target_bytes = target_bytes or BATCH_BYTES
        with self._open() as binary:
            text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
            header = self._header(text)
            line_base = header.lines if header is not None else 0
            reader = csv.reader(text)
            size = min(max_rows, _FIRST_BATCH)
            position = binary.tell()
            try:
                while True:
                    raw = list(islice(reader, size))
                    if not raw:
                        return
                    now = binary.tell()
                    per_row = max((now - position) / len(raw), 1.0)
                    position = now
                    size = max(1, min(max_rows, int(target_bytes / per_row)))
                    if not all(raw):
                        raw = list(filter(None, raw))
                        if not raw:
                            continue
                    yield raw
            except csv.Error as exc:
                raise TableError(f"{self.name}: line {line_base + reader.line_num}: "
                                 f"{exc}") from None
            except UnicodeDecodeError:
                raise TableError(self._not_utf8()) from None

    def _first_header(self) -> Header:
        with self._open() as binary:
            text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
            header = self._header(text)
        if header is None:
            raise TableError(f"{self.name}: no header row (the file is empty)")
        return header

    def _header(self, text: io.TextIOWrapper) -> Header | None:
        """Read up to the end of the first non-blank record."""
        seen: list[str] = []

        def lines() -> Iterator[str]:
            for line in text:
                seen.append(line)
                yield line

        reader = csv.reader(lines())
        try:
            for record in reader:
                if record:
                    raw = "".join(seen)
                    for ending in _LINE_ENDINGS:
                        if raw.endswith(ending):
                            raw = raw[: -len(ending)]
                            break
                    return Header(tuple(record), raw, reader.line_num)
                seen.clear()
        except csv.Error as exc:
            raise TableError(f"{self.name}: line {reader.line_num}: {exc}") from None
        except UnicodeDecodeError:
            raise TableError(self._not_utf8()) from None
        return None

    def _open(self) -> IO[bytes]:
        """The file from its start; one read by path must not have changed."""
        try:
            binary = self._opener()
        except OSError as exc:
            raise TableError(f"cannot read {self.name}: {exc.strerror or exc}") from None
        if self._check_unchanged:
            try:
                self._same_file(binary)
            except BaseException:
                binary.close()
                raise
        return binary

    def _same_file(self, binary: IO[bytes]) -> None:
        info = os.fstat(binary.fileno())
        stamp = (info.st_size, info.st_mtime_ns)
        if self._stamp is None:
            self._stamp = stamp
        elif stamp != self._stamp:
            raise TableError(f"{self.name}: the file changed while vmscope was reading it "
                             f"(it is read twice: to type the columns, then to evaluate)")

    def _not_utf8(self) -> str:
        """Where the first byte that is not UTF-8 is (a rare path: reads again)."""
        decoder = codecs.getincrementaldecoder("utf-8")()
        done = newlines = 0
        with self._open() as binary:
            while True:
                chunk = binary.read(1 << 16)
                pending = len(decoder.getstate()[0])
                try:
                    decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as exc:
                    offset = done - pending + exc.start
                    line = newlines + chunk[: max(exc.start - pending, 0)].count(b"\n") + 1
                    return (f"cannot read {self.name}: not UTF-8 (bad byte at line {line}, "
                            f"offset {offset})")
                if not chunk:
                    break
                done += len(chunk)
                newlines += chunk.count(b"\n")
        return f"cannot read {self.name}: not UTF-8"  # pragma: no cover - decoding failed before
