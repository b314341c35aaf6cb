"""Plain-text tables for the headless reports (`vmscope profile`, `profile diff`).

The layout is the one rich draws without outer edges, written out here
because importing and first drawing a rich table costs about 35 ms, which
a short `vmscope profile` run would count against the sampler's 5% budget.
Cells are measured with len(): the columns before the last hold numbers,
opcode names and identifiers; the last (free text, such as a source line)
is the one cut to fit a width."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

BOLD, DIM, ITALIC, RESET = "\x1b[1m", "\x1b[2m", "\x1b[3m", "\x1b[0m"


@dataclass(frozen=True)
class Column:
    name: str
    right: bool = True  # numbers right, text left


@dataclass(frozen=True)
class Row:
    cells: Sequence[str]
    rule_after: bool = False  # a thin rule between sections
    emphasis: bool = False  # a summary row, drawn in italics on a terminal


@dataclass
class TextTable:
    title: str
    columns: Sequence[Column]
    rows: list[Row] = field(default_factory=list)

    def add(self, *cells: str, rule_after: bool = False, emphasis: bool = False) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        self.rows.append(Row(cells, rule_after, emphasis))

    def lines(self, width: int | None = None, color: bool = False) -> list[str]:
        """The title, the header, a heavy rule, then the rows; each line cut
        to `width` characters in its last column when given."""
        widths = [len(c.name) for c in self.columns]
        for row in self.rows:
            widths = [max(w, len(cell)) for w, cell in zip(widths, row.cells, strict=True)]
        last = len(widths) - 1
        widths[last] = len(self.columns[last].name)  # free text: no padding needed

        def join(cells: Sequence[str], sep: str) -> str:
            padded = [cell.rjust(w) if col.right else cell.ljust(w)
                      for cell, w, col in zip(cells, widths, self.columns, strict=True)]
            text = sep.join(padded).rstrip()
            if width is not None and len(text) > width:
                text = text[:max(width - 1, 0)] + "…"
            return text

        def styled(text: str, style: str) -> str:
            return f"{style}{text}{RESET}" if color and text else text

        out = [styled(self.title, ITALIC), styled(join([c.name for c in self.columns], " ┃ "),
                                                  BOLD),
               join(["━" * w for w in widths], "━╇━")]
        for row in self.rows:
            out.append(styled(join(row.cells, " │ "), ITALIC) if row.emphasis
                       else join(row.cells, " │ "))
            if row.rule_after:
                out.append(join(["─" * w for w in widths], "─┼─"))
        return out


def dim(lines: Sequence[str], color: bool) -> list[str]:
    """Header lines, faint on a terminal."""
    return [f"{DIM}{line}{RESET}" if color and line else line for line in lines]
