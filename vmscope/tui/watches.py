"""The Watches pane: watch expressions (shown at every stop) and watchpoints
(`◉`, the program stops when their value changes). `x` removes one."""

from __future__ import annotations

from collections.abc import Set
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message

from vmscope.debug.snapshot import Snapshot, WatchView
from vmscope.tui.lineview import LineView


class WatchesView(LineView):
    DEFAULT_CSS = """
    WatchesView > .watches--expr { color: #d7af5f; }
    WatchesView > .watches--error { color: #ff6f6f; }
    """
    COMPONENT_CLASSES = LineView.COMPONENT_CLASSES | {"watches--expr", "watches--error"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x,delete", "remove", "Remove watch"),
    ]

    class Removed(Message):
        def __init__(self, expr: str, watchpoint: bool) -> None:
            super().__init__()
            self.expr = expr
            self.watchpoint = watchpoint

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.watches: tuple[WatchView, ...] = ()
        self.watchpoints: Set[str] = frozenset()

    def update_view(self, snapshot: Snapshot | None, watchpoints: Set[str]) -> None:
        self.watches = snapshot.watches if snapshot else ()
        self.watchpoints = watchpoints
        self.rows_changed()

    def row_count(self) -> int:
        return max(len(self.watches), 1)

    def render_row(self, row: int, width: int) -> Text:
        if not self.watches:
            return Text(" (w adds a watch)", self.dim_style())
        watch = self.watches[row]
        text = Text()
        text.append("◉" if watch.expr in self.watchpoints else " ", "#ff875f")
        text.append(watch.expr, self.part("watches--expr"))
        if watch.value is not None:
            text.append(" = ")
            text.append(watch.value.text.replace("\n", "\\n"))
            text.append(f"  {watch.value.type}", self.dim_style())
        else:
            text.append(f"  {watch.error}", self.part("watches--error"))
        return text

    def action_remove(self) -> None:
        if self.watches and 0 <= self.cursor < len(self.watches):
            expr = self.watches[self.cursor].expr
            self.post_message(self.Removed(expr, expr in self.watchpoints))
