"""Plain-text tables for reports that go to a pipe or a file (`vmscope
profile`, `profile diff`).

The layout is the one rich draws without outer edges, written out here
because importing and first drawing a rich table costs about 35 ms, which a
short `vmscope profile` run would count against the sampler's 5% budget. A
terminal still gets rich (the same cells, see profiler.render.renderable).
Cells are measured with len(): the columns before the last hold numbers,
opcode names and identifiers; the last is free text (a source line, say)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    right: bool = True  # numbers right, text left


@dataclass(frozen=True)
class Row:
    cells: Sequence[str]
    rule_after: bool = False  # a thin rule between sections
    emphasis: bool = False  # a summary row (italics where styles exist)


@dataclass
class TextTable:
    title: str
    columns: Sequence[Column]
    rows: list[Row] = field(default_factory=list)

    def add(self, *cells: str, rule_after: bool = False, emphasis: bool = False) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        self.rows.append(Row(cells, rule_after, emphasis))

    def lines(self) -> list[str]:
        """The title, the header, a heavy rule, then the rows."""
        widths = [len(c.name) for c in self.columns]
        for row in self.rows:
            widths = [max(w, len(cell)) for w, cell in zip(widths, row.cells, strict=True)]
        widths[-1] = len(self.columns[-1].name)  # free text: no padding needed

        def join(cells: Sequence[str], sep: str) -> str:
            padded = [cell.rjust(w) if col.right else cell.ljust(w)
                      for cell, w, col in zip(cells, widths, self.columns, strict=True)]
            return sep.join(padded).rstrip()

        out = [self.title, join([c.name for c in self.columns], " ┃ "),
               join(["━" * w for w in widths], "━╇━")]
        for row in self.rows:
            out.append(join(row.cells, " │ "))
            if row.rule_after:
                out.append(join(["─" * w for w in widths], "─┼─"))
        return out
