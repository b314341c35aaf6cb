"""Modal screens: the help screen (every key, the mouse, the panes) and a
one-line prompt (a watch expression, a step number)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

KEYS: tuple[tuple[str, str], ...] = (
    ("s", "step one instruction (into calls)"),
    ("n", "next line, stepping over calls"),
    ("f", "finish: run until the current function returns"),
    ("c", "continue to a breakpoint, the end or an error"),
    ("p / space", "pause a running program"),
    ("b", "toggle a breakpoint at the cursor (a line; an ip in Instructions)"),
    ("t", "run to the cursor (line or instruction)"),
    ("B", "step back one instruction"),
    ("r", "restart the program; if its file changed, reload it first (breakpoints on "
          "lines and opcodes, and watches, are kept)"),
    ("w / W", "add a watch / a watchpoint (stops when its value changes)"),
    ("h", "select the hottest instruction"),
    ("P", "profile: run the program under the profiler (sample mode with exact counts) "
          "in the background, then the Profile view: tables by opcode, instruction, line, "
          "loop, function and opcode sequence (1-6; s / r or a header click sorts); x "
          "stops a long run and keeps what ran; escape or P returns"),
    ("m", "maximise the focused pane (again, or escape, to restore)"),
    ("tab / shift+tab", "move between panes; arrows, page keys move the cursor"),
    ("e / x", "in Breakpoints: enable-disable / remove; x in Watches: remove"),
    ("ctrl+p", "command palette: every action, plus step back a line, back to "
               "the previous breakpoint, go to a step"),
    ("? / F1", "this help"),
    ("q", "quit"),
)
MOUSE = (
    "Click a line number in the Source gutter to toggle a breakpoint; click an "
    "instruction or a frame to select it. Heat (the gutter spark, the bar in "
    "Instructions) is each line's or instruction's share of executed steps; "
    "rows share a tint with their source line. After a profile (P), the hits, "
    "time% and heat columns of Instructions and the Source spark show that profile "
    "instead: exact hits and each one's share of the sampled time (of the hits in "
    "count mode); \"Clear profile heat\" in ctrl+p goes back to stepping heat."
)


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 84; max-width: 95%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close"),
    ]

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold #ffd75f", no_wrap=True)
        table.add_column()
        for key, text in KEYS:
            table.add_row(key, text)
        with VerticalScroll() as scroll:
            scroll.border_title = "vmscope keys"
            yield Static(table)
            yield Static(Text("\n" + MOUSE, style="italic"))

    def action_close(self) -> None:
        self.dismiss(None)


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line of text; dismissed with it, or None on escape."""

    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical {
        width: 64; max-width: 95%; height: auto;
        border: round $accent; background: $surface; padding: 0 1;
    }
    PromptScreen Input { margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, hint: str, placeholder: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.hint = hint
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield Label(self.hint)
            yield Input(placeholder=self.placeholder)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
