"""The Globals pane: the program's global variables that hold a value."""

from __future__ import annotations

from rich.text import Text

from vmscope.debug.snapshot import Snapshot, ValueView
from vmscope.tui.lineview import LineView


class GlobalsView(LineView):
    DEFAULT_CSS = """
    GlobalsView > .globals--name { color: #87afff; }
    """
    COMPONENT_CLASSES = LineView.COMPONENT_CLASSES | {"globals--name"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: tuple[tuple[str, ValueView], ...] = ()

    def update_view(self, snapshot: Snapshot | None) -> None:
        self.items = snapshot.globals if snapshot else ()
        self.rows_changed()

    def row_count(self) -> int:
        return max(len(self.items), 1)

    def render_row(self, row: int, width: int) -> Text:
        if not self.items:
            return Text(" (none set)", self.dim_style())
        name, value = self.items[row]
        wide = max((len(n) for n, _ in self.items), default=4)
        text = Text(" ")
        text.append(f"{name:<{wide}}", self.part("globals--name"))
        text.append(f" {value.type:<5} ", self.dim_style())
        text.append(value.text.replace("\n", "\\n"))
        return text
