"""Source text and spans: positions are 1-based line and code-point column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


class Span(NamedTuple):
    """A region of source: 1-based line and column (code points) of its first
    and last-plus-one characters. Errors point at (line, col). A NamedTuple
    rather than a frozen dataclass: the lexer makes one per token, and a
    tuple is made twice as fast."""

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
    """A named program text."""

    name: str
    text: str

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")
