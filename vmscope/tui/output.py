"""The Output pane: what the program printed so far, following the end."""

from __future__ import annotations

from rich.text import Text

from vmscope.tui.lineview import LineView

MAX_LINES = 10_000  # the pane keeps the tail of a long output


class OutputView(LineView):
    show_cursor = False

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = ""
        self.lines: list[str] = []
        self.dropped = 0

    def update_view(self, output: str) -> None:
        if output == self.text:
            return
        self.text = output
        lines = output.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        self.dropped = max(len(lines) - MAX_LINES, 0)
        self.lines = lines[self.dropped:]
        self.rows_changed()
        self.cursor = max(len(self.lines) - 1, 0)
        self.scroll_to_row(self.cursor)

    def row_count(self) -> int:
        return len(self.lines)

    def content_width(self) -> int:
        return 0

    def render_row(self, row: int, width: int) -> Text:
        if row == 0 and self.dropped:
            return Text(f"… {self.dropped:,} earlier lines", self.dim_style())
        return Text(self.lines[row])
