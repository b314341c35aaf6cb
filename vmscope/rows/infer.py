"""The first pass of `vmscope eval`: the type of every bare column, from
every one of its cells, and whether any cell of a column is empty (a column
with none holds its type in every row, so the compiler specialises on it).

Only that is kept per column while the batches go by, so memory does not grow
with the file. A column's type only widens (any -> int -> float -> str), and
the checks are made a whole batch at a time: a cheap test in C that most
columns pass (digits only; one common float form a line), and the exact
rules (`int()`'s string rule, Python's `float()`) only when it fails."""

from __future__ import annotations

import functools
import re
from collections import deque
from collections.abc import Sequence
from operator import itemgetter

from vmscope.lang.builtins import _INT_TEXT
from vmscope.lang.nodes import TypeName
from vmscope.rows.columns import Column, ColumnSpec
from vmscope.rows.csvfile import Record, RowFile, plain_records

# A float in a common form: a subset of what float() accepts, so a match is
# proof; anything else (spaces, "inf", "1_000", other digits) takes the exact
# path. Possessive quantifiers keep every scan linear.
_FLOAT = r"[+-]?+(?:[0-9]++(?:\.[0-9]*+)?+|\.[0-9]++)(?:[eE][+-]?+[0-9]++)?+"
_FLOAT_LINES = re.compile(rf"(?:(?:{_FLOAT})?+\n)*+", re.ASCII)  # one or nothing a line


def all_int_text(cells: Sequence[str]) -> bool:
    """Every non-empty cell follows int()'s string rule."""
    joined = "".join(cells)
    if joined.isascii() and joined.isdigit():  # each cell ASCII digits (or empty)
        return True
    return all(map(_INT_TEXT.fullmatch, filter(None, cells)))


def all_float_text(cells: Sequence[str]) -> bool:
    """Python's float() accepts every non-empty cell."""
    joined = "\n".join(cells)
    if joined.count("\n") == len(cells) - 1 and _FLOAT_LINES.fullmatch(joined + "\n"):
        return True  # (the count proves no cell holds a newline of its own)
    try:
        deque(map(float, filter(None, cells)), maxlen=0)
    except ValueError:
        return False
    return True


def widen(kind: TypeName, cells: Sequence[str]) -> TypeName:
    """The narrowest type at least `kind` that fits every non-empty cell."""
    if kind is TypeName.STR or not any(cells):
        return kind
    if kind in (TypeName.ANY, TypeName.INT) and all_int_text(cells):
        return TypeName.INT
    if all_float_text(cells):
        return TypeName.FLOAT
    return TypeName.STR


def infer_type(cells: Sequence[str]) -> TypeName:
    """The type of a bare column from all its cells (empty cells are null)."""
    return widen(TypeName.ANY, cells)


class ColumnScan:
    """What the first pass knows of one column so far."""

    __slots__ = ("nullable", "spec", "type")

    def __init__(self, spec: ColumnSpec) -> None:
        self.spec = spec
        self.type = spec.declared or TypeName.ANY
        self.nullable = False

    @property
    def settled(self) -> bool:
        """No later cell can change what is known."""
        return self.nullable and (self.spec.declared is not None or self.type is TypeName.STR)

    def see(self, cells: Sequence[str]) -> None:
        if not self.nullable and not all(cells):
            self.nullable = True
        if self.spec.declared is None:
            self.type = widen(self.type, cells)

    def column(self) -> Column:
        return Column(self.spec.name, self.type, self.spec.declared is not None, self.nullable)


def scan_batch(scans: Sequence[ColumnScan], batch: Sequence[Record]) -> None:
    """Fold one batch of records into the scans (cells of a record longer
    than the header are no column's; a record too short leaves its missing
    columns null)."""
    width = len(scans)
    regular = set(map(len, batch)) == {width}
    for j, scan in enumerate(scans):
        if scan.settled:
            continue
        if regular:
            scan.see(list(map(itemgetter(j), batch)))
            continue
        cells = [row[j] for row in batch if len(row) > j]
        if len(cells) < len(batch):
            scan.nullable = True
        scan.see(cells)


def scan_columns(table: RowFile, specs: Sequence[ColumnSpec]) -> tuple[Column, ...]:
    """The first pass: read every record (so bad UTF-8 or CSV anywhere is a
    TableError before anything runs) and type the columns."""
    scans = [ColumnScan(spec) for spec in specs]
    for piece in table.pieces():
        if all(scan.settled for scan in scans):
            continue
        if isinstance(piece, bytes):
            skim(scans, piece)
        else:
            scan_batch(scans, piece)
    return tuple(scan.column() for scan in scans)


# ---- plain text, without making a cell ------------------------------------------------------

_ANY_CELL, _SOME_CELL = rb"[^,\r\n]*+", rb"[^,\r\n]++"
_TYPED_CELL = {TypeName.INT: rb"[+-]?+[0-9]++", TypeName.FLOAT: _FLOAT.encode()}


def skim(scans: Sequence[ColumnScan], plain: bytes) -> None:
    """Fold a chunk of plain lines (RowFile.pieces) into the scans. Most
    chunks change nothing: one regex over the bytes proves it, and only a
    chunk it does not match is split into records."""
    unchanged = _unchanged(tuple((s.spec.declared is not None, s.type, s.nullable, s.settled)
                                 for s in scans))
    if unchanged is not None and unchanged.fullmatch(plain):
        return
    records = plain_records(plain)
    if records:
        scan_batch(scans, records)


@functools.lru_cache(maxsize=64)
def _unchanged(states: tuple[tuple[bool, TypeName, bool, bool], ...]) -> re.Pattern[bytes] | None:
    """A regex matching lines of plain text that would leave scans in these
    states (declared, type, nullable, settled) as they are; None when every
    line would change one (a bare column with no cell seen yet)."""
    cells = []
    for declared, kind, nullable, settled in states:
        if settled:
            cells.append(_ANY_CELL)
        elif declared or kind is TypeName.STR:
            cells.append(_SOME_CELL)  # not nullable (else settled): an empty cell changes that
        elif kind is TypeName.ANY:
            if not nullable:
                return None
            cells.append(b"")  # every cell seen so far empty: only more of them
        else:
            typed = _TYPED_CELL[kind]
            cells.append(b"(?:" + typed + b")?+" if nullable else typed)
    return re.compile(b"(?:" + b",".join(cells) + rb"\r?+\n)*+")
