"""A whole CSV table in memory, for the Python API (`parse_table`,
`read_table`): the header, the typed columns and the records as text, read
and typed exactly as `vmscope eval` reads and types a file (which streams
it instead: vmscope.rows.run).

The file is read as RFC 4180 with Python's `csv` default dialect; blank
lines are skipped. A header cell `name:type` fixes a column's type; a bare
`name` takes the type that fits every non-empty cell (int by `int()`'s string
rule, else float by `float()`'s, else str; `any` when every cell is empty).
Header problems are usage errors (`TableError`); a bad data row is a guest
`ValueError` naming the row and the column, for the caller to raise only when
evaluation reaches that row (`Table.convert`)."""

from __future__ import annotations

from dataclasses import dataclass

from vmscope.errors import GuestError
from vmscope.lang.values import DEFAULT_LIMITS, Limits, Value
from vmscope.rows.cells import BatchConverter, row_error
from vmscope.rows.columns import COLUMN_TYPES, Column, TableError, column_name_problem, header_specs
from vmscope.rows.csvfile import RowFile
from vmscope.rows.infer import ColumnScan, infer_type, scan_batch

__all__ = ["COLUMN_TYPES", "Column", "Table", "TableError", "column_name_problem",
           "infer_type", "parse_table", "read_table", "row_error"]


@dataclass
class Table:
    """A parsed CSV file: the raw header line, the typed columns and the data
    records as text (cells under no column are kept; they make the row bad)."""

    name: str
    header_line: str
    columns: tuple[Column, ...]
    cells: list[list[str]]

    def convert(self, limits: Limits = DEFAULT_LIMITS
                ) -> tuple[list[tuple[Value, ...]], GuestError | None]:
        """The data rows as tuples of language values, up to the first bad
        row, and that row's error (None when every row is good). Int cells
        obey `limits.max_int_bits`, as `int()` does."""
        converted = BatchConverter(self.columns, limits).convert(self.cells)
        return list(converted.rows), converted.error


def _load(source: RowFile) -> Table:
    with source:
        specs = header_specs(source.header.cells, source.name)
        scans = [ColumnScan(spec) for spec in specs]
        cells: list[list[str]] = []
        for batch in source.batches():
            scan_batch(scans, batch)
            cells += batch
        return Table(source.name, source.header.line, tuple(s.column() for s in scans), cells)


def parse_table(data: bytes | str, name: str = "<rows>") -> Table:
    """Parse CSV text (bytes are UTF-8, a BOM ignored; so is a str's)."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return _load(RowFile.from_bytes(data, name))


def read_table(path: str) -> Table:
    """Read and parse a CSV file (`-`: standard input); an unreadable file is
    a TableError."""
    return _load(RowFile.open(path))
