"""The Stack pane: the current frame's value stack, top first, with what the
last step pushed (`+push`) and, under it, what it popped (`-pop`)."""

from __future__ import annotations

from rich.text import Text

from vmscope.debug.snapshot import Snapshot
from vmscope.tui.lineview import LineView


class StackView(LineView):
    DEFAULT_CSS = """
    StackView > .stack--pushed { color: #87d787; }
    StackView > .stack--popped { color: #d78787; }
    """
    COMPONENT_CLASSES = LineView.COMPONENT_CLASSES | {"stack--pushed", "stack--popped"}
    has_header = True

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.snapshot: Snapshot | None = None

    def update_view(self, snapshot: Snapshot | None) -> None:
        self.snapshot = snapshot
        self.cursor = 0
        self.rows_changed()
        self.scroll_to(y=0, animate=False, immediate=True, force=True)

    def row_count(self) -> int:
        snap = self.snapshot
        if snap is None:
            return 0
        return max(len(snap.stack) + len(snap.popped), 1)

    def header(self, width: int) -> Text:
        return Text(f"{'slot':>4} {'type':<5} value")  # slot: its index in the frame

    def render_row(self, row: int, width: int) -> Text:
        snap = self.snapshot
        assert snap is not None
        value_width = max(width - 18, 4)
        if row < len(snap.stack):
            item = snap.stack[row]
            text = Text(f"{item.slot:>4} {item.value.type:<5} ")
            text.append(_fit(item.value.text, value_width).ljust(value_width))
            if item.pushed:
                text.append(" +push", self.part("stack--pushed"))
            return text
        if not snap.stack and not snap.popped:
            return Text("  (empty)", self.dim_style())
        popped = snap.popped[row - len(snap.stack)]
        text = Text(f"{'':>4} {popped.type:<5} ", self.dim_style())
        text.append(_fit(popped.text, value_width).ljust(value_width), "strike")
        text.append(" -pop", self.part("stack--popped"))
        return text


def _fit(text: str, width: int) -> str:
    text = text.replace("\n", "\\n")
    return text if len(text) <= width else text[: width - 1] + "…"
