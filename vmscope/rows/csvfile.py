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
SKIM_BYTES = 1 << 16  # the typing pass's chunks of plain text
_SPOOL_CHUNK = 1 << 20
_LINE_ENDINGS = ("\r\n", "\n", "\r")

Opener = Callable[[], IO[bytes]]
Record = list[str]


@dataclass(frozen=True)
class Header:
    """The header record: its cells, its raw text as in the file (without
    its line ending), the physical lines up to its end (blank lines before
    it included) and the byte offset of the line after it."""

    cells: tuple[str, ...]
    line: str
    lines: int
    offset: int


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
            if sys.stdin is None:
                raise TableError("cannot read <stdin>: there is no standard input")
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
        except BaseException:
            spool.close()
            raise
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
        `target_bytes` of text (BATCH_BYTES): the records `records()` gives,
        split at the commas where the text is plain (faster than `csv`, and
        the same). Bad UTF-8 or a record `csv` rejects is a TableError."""
        max_rows = max_rows or BATCH_ROWS
        for piece in self.pieces(target_bytes or BATCH_BYTES, max_rows):
            if not isinstance(piece, bytes):
                yield piece
                continue
            lines = plain_lines(piece)
            for start in range(0, len(lines), max_rows):  # records made a batch at a time
                records = [line.split(",") for line in lines[start:start + max_rows] if line]
                if records:
                    yield records

    def records(self, max_rows: int | None = None, target_bytes: int | None = None
                ) -> Iterator[list[Record]]:
        """Like `batches`, every record read by `csv`."""
        with self._open() as binary:
            binary.seek(self.header.offset)
            yield from self._records(binary, self.header.lines, max_rows, target_bytes)

    def pieces(self, chunk_bytes: int | None = None, max_rows: int | None = None
               ) -> Iterator[bytes | list[Record]]:
        """The data as chunks of whole lines of plain text (about `chunk_bytes`,
        default SKIM_BYTES), bytes in which `csv` would read each line as its
        text split at the commas (no quote, no carriage return but in a line
        ending, UTF-8, no line longer than a field may be); from the first
        chunk that is not plain to the end, as batches of records read by
        `csv` (of at most `max_rows`). Blank lines may be left in the chunks."""
        limit = csv.field_size_limit()
        size = min(chunk_bytes or SKIM_BYTES, limit)  # a plain chunk holds no field too long
        with self._open() as binary:
            binary.seek(self.header.offset)
            start, lines, rest = self.header.offset, self.header.lines, b""
            while True:
                chunk = binary.read(size)
                data = rest + chunk
                if not data:
                    return
                cut = data.rfind(b"\n") + 1 if chunk else len(data)  # the last line may end bare
                if cut == 0 and len(data) <= limit:
                    rest = data  # a line longer than a chunk: read on
                    continue
                piece, rest = data[:cut], data[cut:]
                if not piece or not _plain(piece, limit):  # (no piece: a line too long)
                    binary.seek(start)
                    done = lines - self.header.lines  # lines so far: how long they are
                    per_line = (start - self.header.offset) / done if done else None
                    yield from self._records(binary, lines, max_rows, size, per_line)
                    return
                yield piece if piece.endswith(b"\n") else piece + b"\n"
                start += len(piece)
                lines += piece.count(b"\n")

    def _records(self, binary: IO[bytes], line_base: int, max_rows: int | None,
                 target_bytes: int | None, per_row: float | None = None
                 ) -> Iterator[list[Record]]:
        """Batches of records from the position of `binary` (a line start);
        `per_row`, if known, is how many bytes a record takes."""
        max_rows = max_rows or BATCH_ROWS
        target_bytes = target_bytes or BATCH_BYTES
        text = io.TextIOWrapper(binary, encoding="utf-8", newline="")
        reader = csv.reader(text)
        size = (max(1, min(max_rows, int(target_bytes / per_row))) if per_row
                else min(max_rows, _FIRST_BATCH))
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
        finally:
            text.detach()  # the caller closes the file

    def _first_header(self) -> Header:
        """Read up to the end of the first non-blank record."""
        with self._open() as binary:
            bom = len(codecs.BOM_UTF8) if binary.read(3) == codecs.BOM_UTF8 else 0
            binary.seek(0)
            text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
            text._CHUNK_SIZE = 1  # type: ignore[attr-defined]  # decode no further than the header
            seen: list[str] = []
            read = bom  # bytes up to the end of the lines read so far

            def lines() -> Iterator[str]:
                nonlocal read
                for line in text:
                    seen.append(line)
                    read += len(line.encode("utf-8"))
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
                        return Header(tuple(record), raw, reader.line_num, read)
                    seen.clear()
            except csv.Error as exc:
                raise TableError(f"{self.name}: line {reader.line_num}: {exc}") from None
            except UnicodeDecodeError:
                raise TableError(self._not_utf8()) from None
        raise TableError(f"{self.name}: no header row (the file is empty)")

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


def _plain(piece: bytes, field_limit: int) -> bool:
    """`csv` reads each line of `piece` as its text split at the commas (and
    none of its fields is longer than `csv` allows, since the piece is not)."""
    if len(piece) > field_limit or b'"' in piece or piece.count(b"\r") != piece.count(b"\r\n"):
        return False
    if piece.isascii():
        return True
    try:
        piece.decode("utf-8")
    except UnicodeDecodeError:
        return False  # the batches after it report where
    return True


def plain_lines(plain: bytes) -> list[str]:
    """The lines of a chunk of plain text (RowFile.pieces), without their
    endings; blank ones are empty strings."""
    text = plain.decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    lines.pop()  # after the last line ending
    return lines


def plain_records(plain: bytes) -> list[Record]:
    """The records of a chunk of plain text, blank lines left out."""
    return [line.split(",") for line in plain_lines(plain) if line]
