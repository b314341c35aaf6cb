"""The first pass of `vmscope eval`: the type of every bare column, from
every one of its cells, and whether any cell of a column is empty (a column
with none holds its type in every row, so the compiler specialises on it).

Only that is kept per column while the batches go by, so memory does not grow
with the file. A column's type only widens (any -> int -> float -> str), and
the checks are made a whole batch at a time: a cheap test in C that most
columns pass (digits only; one common float form a line), and the exact
rules (`int()`'s string rule, Python's `float()`) only when it fails."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Sequence
from operator import itemgetter

from vmscope.lang.builtins import _INT_TEXT
from vmscope.lang.nodes import TypeName
from vmscope.rows.columns import Column, ColumnSpec
from vmscope.rows.csvfile import Record, RowFile

# One float a line or an empty line: a subset of what float() accepts, so a
# match is proof; anything else (spaces, "inf", "1_000", other digits) takes
# the exact path. Possessive quantifiers keep the scan linear.
_FLOAT_LINES = re.compile(r"(?:(?:[+-]?+(?:[0-9]++(?:\.[0-9]*+)?+|\.[0-9]++)"
                          r"(?:[eE][+-]?+[0-9]++)?+)?+\n)*+", re.ASCII)


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
    for batch in table.batches():
        if not all(scan.settled for scan in scans):
            scan_batch(scans, batch)
    return tuple(scan.column() for scan in scans)
