"""The Instructions pane: the compiled closure program as a listing (ip,
line:col, opcode, operands, hits, time, a heat bar), one header row per
function. Rows are tinted by source line, as Compiler Explorer does, with
the same tint as the line number in the Source gutter. The current ip is
marked `→`, the target of the current jump `»`, breakpoints `●`; the
listing follows the ip.

After a profile (`P`), the hits, time and heat columns show that profile
instead of the stepping counters: its exact hits, each instruction's share
of the profile's attributed time (`time%`), and a heat bar of that share."""

from __future__ import annotations

import textwrap
from collections.abc import Set
from typing import TYPE_CHECKING

from rich.text import Text
from textual.message import Message

from vmscope.debug.snapshot import Snapshot, State
from vmscope.tui import style as st
from vmscope.tui.lineview import LineView
from vmscope.vm.disasm import jump_targets, operand_text
from vmscope.vm.program import CompiledCode

if TYPE_CHECKING:
    from vmscope.tui.profile_view import ProfileHeat

BAR = 5
HITS = 7  # a count in vmscope.units' style: up to `999,999`, then `1.00M`
TIME = 7


class InstructionsView(LineView):
    DEFAULT_CSS = """
    InstructionsView > .instructions--function { color: #ffaf5f; text-style: bold; }
    """
    COMPONENT_CLASSES = LineView.COMPONENT_CLASSES | {"instructions--function"}
    has_header = True

    class Selected(Message):
        """An instruction was selected (a click, or the cursor moved onto it)."""

        def __init__(self, ip: int) -> None:
            super().__init__()
            self.ip = ip

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.code: CompiledCode | None = None
        self.rows: list[int] = []  # an ip, or -1 - function index for a header row
        self.row_of_ip: list[int] = []
        self.tints: dict[int, str] = {}
        self.targets: set[int] = set()
        self.snapshot: Snapshot | None = None
        self.breaks: Set[int] = frozenset()
        self.top_hits = 0
        self.heat: ProfileHeat | None = None  # the last profile's, when there is one
        self.notice: list[str] = []  # shown instead of code (a compile error)
        self.op_width = 8
        self.arg_width = 12
        self.ip_width = 2
        self.pos_width = 4

    def set_code(self, code: CompiledCode | None) -> None:
        self.code = code
        self.rows, self.row_of_ip = [], []
        if code is not None:
            self.row_of_ip = [0] * len(code.instrs)
            order = [code.main, *code.functions[:-1]]
            for fn in order:
                self.rows.append(-1 - fn.index)
                for ip in range(fn.entry, fn.end):
                    self.row_of_ip[ip] = len(self.rows)
                    self.rows.append(ip)
            lines = sorted({i.span.line for i in code.instrs})
            self.tints = {line: st.tint(n) for n, line in enumerate(lines)}
            self.targets = jump_targets(code)
            self.op_width = min(max(len(i.op.value) for i in code.instrs), 16)
            self.arg_width = min(max(len(operand_text(i)) for i in code.instrs), 24)
            self.ip_width = max(len(str(len(code.instrs) - 1)), 2)
            self.pos_width = max(len(f"{i.span.line}:{i.span.col}") for i in code.instrs)
        self.rows_changed()

    def update_view(self, snapshot: Snapshot | None, breaks: Set[int], *, follow: bool) -> None:
        self.snapshot, self.breaks = snapshot, breaks
        self.top_hits = max(snapshot.hits, default=0) if snapshot else 0
        self.refresh()
        if follow and snapshot is not None and self.code is not None:
            self.show_ip(snapshot.ip)

    def set_profile_heat(self, heat: ProfileHeat | None) -> None:
        self.heat = heat
        self.border_subtitle = f"heat: profile {heat.label}s ({heat.mode})" if heat else ""
        self.refresh()

    def set_breaks(self, breaks: Set[int]) -> None:
        self.breaks = breaks
        self.refresh()

    def show_ip(self, ip: int, *, center: bool = False) -> None:
        if 0 <= ip < len(self.row_of_ip):
            self.move_cursor(self.row_of_ip[ip], center=center, announce=False)

    @property
    def cursor_ip(self) -> int | None:
        if not self.rows:
            return None
        ip = self.rows[self.cursor]
        return ip if ip >= 0 else None

    # ---- LineView ---------------------------------------------------------------------

    def set_notice(self, text: str) -> None:
        self.notice = textwrap.wrap(text, 56) or [""]
        self.rows_changed()

    def row_count(self) -> int:
        return len(self.notice) if self.notice else len(self.rows)

    def _columns(self, width: int) -> tuple[int, bool]:
        """The operand column's width, and whether the time column fits
        (it gives way first when the pane is narrow)."""
        fixed = 2 + self.ip_width + 1 + self.pos_width + 1 + self.op_width + 1 + 1 + HITS \
            + 1 + BAR
        room = width - fixed
        time_fits = room - TIME - 1 >= min(self.arg_width, 10)
        if time_fits:
            room -= TIME + 1
        return max(min(room, self.arg_width), 4), time_fits

    def header(self, width: int) -> Text:
        args, time_fits = self._columns(width)
        text = (f"  {'ip':>{self.ip_width}} {'line':<{self.pos_width}} "
                f"{'opcode':<{self.op_width}} {'operands':<{args}} {'hits':>{HITS}}"
                + (f" {self._time_label():>{TIME}}" if time_fits else "") + " heat")
        return Text(text)

    def render_row(self, row: int, width: int) -> Text:
        if self.notice:
            return Text(" " + self.notice[row], "#ff8787")
        assert self.code is not None
        ip = self.rows[row]
        if ip < 0:
            fn = self.code.functions[-1 - ip]
            where = "top level" if -1 - ip == len(self.code.functions) - 1 else \
                f"line {fn.span.line}"
            return Text(f"{fn.name} ({where})",
                        style=self.part("instructions--function"))
        instr = self.code.instrs[ip]
        snap = self.snapshot
        args, time_fits = self._columns(width)
        current = (snap is not None and snap.ip == ip
                   and snap.state not in (State.FINISHED,))
        jump_to = snap.instr.target if snap is not None and snap.instr is not None else None
        tint = self.tints.get(instr.span.line, "")
        text = Text(style=f"on {tint}" if tint else "")
        if current:
            text.append("→", "bold #ffd75f")
        elif ip == jump_to:
            text.append("»", f"bold {st.TARGET_COLOUR}")
        else:
            text.append(">" if ip in self.targets else " ", "dim")
        text.append("●" if ip in self.breaks else " ", st.BREAK_COLOUR)
        pos = f"{instr.span.line}:{instr.span.col}"
        text.append(f"{ip:>{self.ip_width}} {pos:<{self.pos_width}} ")
        op_style = f"bold {st.TARGET_COLOUR}" if ip == jump_to else "bold"
        text.append(f"{st.cut(instr.op.value, self.op_width):<{self.op_width}}", op_style)
        text.append(f" {st.cut(operand_text(instr), args):<{args}} ")
        heat = self.heat
        if heat is not None and ip < len(heat.hits):
            hits, share = heat.hits[ip], heat.share[ip]
            frac = share / heat.top if heat.top else 0.0
        else:
            hits = snap.hits[ip] if snap is not None and ip < len(snap.hits) else 0
            frac = hits / self.top_hits if self.top_hits else 0.0
        text.append(f"{st.format_count(hits) if hits else '':>{HITS}}")
        if time_fits and heat is not None:
            cell = f"{share * 100:.1f}%" if share else ""
            text.append(f" {cell:>{TIME}}", st.heat_colour(frac) if share else "")
        elif time_fits:
            ns = snap.times_ns[ip] if snap is not None and ip < len(snap.times_ns) else 0
            text.append(f" {st.format_ns(ns):>{TIME}}", "#afafaf")
        text.append(" ")
        text.append_text(st.heat_bar(frac, BAR))
        if current:
            text.stylize(f"on {st.CURRENT_BG}")
        return text

    def _time_label(self) -> str:
        return "time" if self.heat is None else f"{self.heat.label}%"

    def on_line_view_cursor_moved(self, event: LineView.CursorMoved) -> None:
        ip = self.cursor_ip
        if ip is not None:
            self.post_message(self.Selected(ip))
