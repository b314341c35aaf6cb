"""Source text and positions: the one place that knows how offsets map to LINE:COL."""

from __future__ import annotations

import bisect
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """A region of source: 1-based line and column (code points) of its first
    and last-plus-one characters. Errors point at (line, col)."""

    line: int
    col: int
    end_line: int
    end_col: int

    def __str__(self) -> str:
        return f"{self.line}:{self.col}"

    @staticmethod
    def point(line: int, col: int) -> Span:
        return Span(line, col, line, col + 1)


@dataclass(frozen=True)
class Source:
    """A named program text, with its line starts for span lookups."""

    name: str
    text: str

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    def line_starts(self) -> list[int]:
        starts = [0]
        for i, ch in enumerate(self.text):
            if ch == "\n":
                starts.append(i + 1)
        return starts

    def position(self, offset: int) -> tuple[int, int]:
        """(line, col) of a character offset, both 1-based."""
        starts = self.line_starts()
        line = bisect.bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1
