"""The columns of a table: names and types from the header, and the one
exception for a table that cannot be used at all (`TableError`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from vmscope.lang import values
from vmscope.lang.nodes import TypeName
from vmscope.lang.tokens import KEYWORDS

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
COLUMN_TYPES: dict[str, TypeName] = {t.value: t for t in
                                     (TypeName.INT, TypeName.FLOAT, TypeName.STR, TypeName.BOOL)}
_SHOWN_CELL = 40  # longest cell text quoted whole in a message


class TableError(Exception):
    """The table cannot be used at all (unreadable, no header, a bad column
    name or type, options that do not combine): a usage error on the command
    line, found before anything runs."""


@dataclass(frozen=True, slots=True)
class Column:
    """A column: a variable of the row expression. Its values are of `type`
    or null; `nullable` is False only when no cell is known to be empty.
    `declared` tells a `name:type` header cell from an inferred type."""

    name: str
    type: TypeName = TypeName.ANY
    declared: bool = False
    nullable: bool = True


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """A header cell: the column's name and its declared type (None: infer it)."""

    name: str
    declared: TypeName | None


def column_name_problem(name: str) -> str | None:
    """Why `name` cannot name a column (None if it can)."""
    if not _IDENTIFIER.fullmatch(name):
        return f"{quoted(name)} is not an identifier"
    if name in KEYWORDS:
        return f"'{name}' is a keyword"
    return None


def quoted(text: str) -> str:
    """A cell or name as a double-quoted literal of the language, cut when long."""
    if len(text) > _SHOWN_CELL:
        text = text[:_SHOWN_CELL] + "..."
    return values.display([text])[1:-1]


def header_specs(header: Sequence[str], name: str) -> tuple[ColumnSpec, ...]:
    """The header's columns; a bad name or type is a TableError naming the
    file and the column's position."""
    specs: list[ColumnSpec] = []
    seen: dict[str, int] = {}
    for number, cell in enumerate(header, 1):
        col, colon, type_text = cell.partition(":")
        problem = column_name_problem(col)
        if problem is not None:
            raise TableError(f"{name}: column {number}: bad column name: {problem}")
        if col in seen:
            raise TableError(f"{name}: column {number}: column name '{col}' repeats "
                             f"column {seen[col]}")
        seen[col] = number
        if colon and type_text not in COLUMN_TYPES:
            raise TableError(f"{name}: column {number}: unknown type {quoted(type_text)} "
                             f"for '{col}' (use int, float, str or bool)")
        specs.append(ColumnSpec(col, COLUMN_TYPES[type_text] if colon else None))
    return tuple(specs)
