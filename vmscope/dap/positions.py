"""Source positions as the client counts them. vmscope's spans are 1-based
lines and code-point columns; DAP columns are UTF-16 code units, 1-based
unless the client's `initialize` said otherwise (`linesStartAt1`,
`columnsStartAt1`), and paths are native paths or `file:` URIs
(`pathFormat`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from vmscope.source import Span


@dataclass(frozen=True)
class ClientConventions:
    lines_start_at_1: bool = True
    columns_start_at_1: bool = True
    uri_paths: bool = False


@dataclass(frozen=True)
class Positions:
    """Converts between vmscope's positions and the client's for one program."""

    conventions: ClientConventions
    path: Path
    lines: tuple[str, ...]  # the program's source lines

    def source(self) -> dict[str, Any]:
        """The DAP `Source` of the program."""
        where = self.path.as_uri() if self.conventions.uri_paths else str(self.path)
        return {"name": self.path.name, "path": where}

    def is_program(self, source: dict[str, Any]) -> bool:
        """Does a client's `Source` name this program?"""
        given = source.get("path")
        if not isinstance(given, str) or not given:
            return False
        if self.conventions.uri_paths or given.startswith("file:"):
            given = unquote(urlparse(given).path)
        try:
            return Path(given).resolve() == self.path.resolve()
        except OSError:
            return False

    def line_out(self, line: int) -> int:
        return line if self.conventions.lines_start_at_1 else line - 1

    def line_in(self, line: int) -> int:
        return line if self.conventions.lines_start_at_1 else line + 1

    def column_out(self, line: int, col: int) -> int:
        """A 1-based code-point column as the client's UTF-16 column."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        units = col - 1 + sum(1 for ch in text[:col - 1] if ord(ch) > 0xFFFF)
        return units + 1 if self.conventions.columns_start_at_1 else units

    def span_fields(self, span: Span) -> dict[str, int]:
        """`line`, `column`, `endLine`, `endColumn` of a span."""
        return {"line": self.line_out(span.line),
                "column": self.column_out(span.line, span.col),
                "endLine": self.line_out(span.end_line),
                "endColumn": self.column_out(span.end_line, span.end_col)}
