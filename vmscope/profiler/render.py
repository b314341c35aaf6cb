"""The terminal report: the header (header.py: how the numbers were
obtained) and a table of the top rows of one view, with the dispatch row
always shown. Each view has a layout (its columns and how a row fills
them) in `LAYOUTS`, keyed by the View. Counts and times are written in the
one number style of vmscope.units."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vmscope.profiler import aggregate as agg
from vmscope.profiler.aggregate import Row
from vmscope.profiler.header import header_lines
from vmscope.profiler.model import Profile
from vmscope.profiler.options import View, parse_choice
from vmscope.textable import Column, TextTable
from vmscope.units import fmt_count, fmt_ns, fmt_pct

__all__ = ["LAYOUTS", "Layout", "bar", "header_lines", "render", "renderable", "table",
           "table_note"]

BAR_WIDTH = 12
_PARTS = " ▏▎▍▌▋▊▉█"
SEQUENCE_NEEDS_COUNTS = ("the sequence view needs exact counts: use --mode count or timed, "
                         "or --counts")


def bar(share: float, width: int = BAR_WIDTH) -> str:
    """A horizontal bar of `share` (0..1) in eighths of a character."""
    eighths = max(0, min(width * 8, round(share * width * 8)))
    full, part = divmod(eighths, 8)
    return ("█" * full + (_PARTS[part] if part else "")).ljust(width)


# ---- the layouts of the views ---------------------------------------------------------------

Cells = Callable[[Profile, Row, float], list[str]]


@dataclass(frozen=True)
class Layout:
    """One view's table: the key column's title, the value columns (given
    the profile: some need times), how a row and the dispatch row fill them
    (given the total that shares are of), and whether the dispatch row shows."""

    key: str
    columns: Callable[[Profile], list[str]]
    cells: Cells
    dispatch_cells: Cells
    dispatch: bool = True


def _hits(p: Profile, r: Row) -> str:
    return fmt_count(r.hits) if p.has_hits else "—"


def _share(p: Profile, r: Row, total: float) -> float:
    weight = r.ns if p.has_time else float(r.hits)
    return weight / total if total else 0.0


def _flat_columns(p: Profile) -> list[str]:
    return ["execs", "time", "%", "ns/exec", "±"] if p.has_time else ["execs", "%"]


def _flat_cells(p: Profile, r: Row, total: float) -> list[str]:
    share = _share(p, r, total)
    if not p.has_time:
        return [_hits(p, r), fmt_pct(share), bar(share), r.detail]
    per = fmt_ns(r.ns / r.hits) if p.has_hits and r.hits else "—"
    err = f"±{fmt_ns(r.err_ns)}" if r.err_ns is not None else ""
    return [_hits(p, r), fmt_ns(r.ns), fmt_pct(share), per, err, bar(share), r.detail]


def _dispatch_share(p: Profile, d: Row, total: float) -> float | None:
    """The dispatch row's share of the time; none without times (every
    instruction is dispatched: a share of the hits would say nothing)."""
    if not p.has_time:
        return None
    return d.ns / total if total else 0.0


def _flat_dispatch(p: Profile, d: Row, total: float) -> list[str]:
    share = _dispatch_share(p, d, total)
    b = bar(share) if share is not None else ""
    if not p.has_time:
        return [_hits(p, d), "—", b, d.detail]
    per = fmt_ns(d.ns / d.hits) if p.has_hits and d.hits else "—"
    err = f"±{fmt_ns(d.err_ns)}" if d.err_ns is not None else ""
    return [_hits(p, d), fmt_ns(d.ns), fmt_pct(share), per, err, b, d.detail]


def _function_cells(p: Profile, r: Row, total: float) -> list[str]:
    share = _share(p, r, total)
    incl = r.incl_ns
    ishare = incl / total if incl is not None and total else None
    calls = "—" if r.count is None else fmt_count(r.count)
    self_t = fmt_ns(r.ns) if p.has_time else _hits(p, r)
    incl_t = "—" if incl is None else fmt_ns(incl) if p.has_time else fmt_count(incl)
    return [calls, _hits(p, r), self_t, fmt_pct(share), incl_t, fmt_pct(ishare), bar(share),
            r.detail]


def _function_dispatch(p: Profile, d: Row, total: float) -> list[str]:
    share = _dispatch_share(p, d, total)
    t = fmt_ns(d.ns) if p.has_time else "—"
    return ["—", _hits(p, d), t, fmt_pct(share), "—", "—",
            bar(share) if share is not None else "", d.detail]


def _loop_cells(p: Profile, r: Row, total: float) -> list[str]:
    weight = r.ns if p.has_time else float(r.hits)
    inside = r.incl_ns if r.incl_ns is not None else weight
    ishare = inside / total if total else 0.0
    iters = "—" if r.count is None else fmt_count(r.count)
    per = fmt_ns(inside / r.count) if p.has_time and r.count else "—"
    inside_t = fmt_ns(inside) if p.has_time else fmt_count(inside)
    return [iters, _hits(p, r), inside_t, fmt_pct(ishare), per, bar(ishare), r.detail]


def _loop_dispatch(p: Profile, d: Row, total: float) -> list[str]:
    share = _dispatch_share(p, d, total)
    t = fmt_ns(d.ns) if p.has_time else "—"
    return ["—", _hits(p, d), t, fmt_pct(share), "—", bar(share) if share is not None else "",
            d.detail]


def _sequence_cells(p: Profile, r: Row, total: float) -> list[str]:
    share = _share(p, r, total)
    return [fmt_count(r.hits), fmt_ns(r.ns) if p.has_time else "—", fmt_pct(share),
            fmt_ns(r.saved_ns), "yes" if r.exact else "~", bar(share), r.detail]


_FLAT_TAIL = ["", "detail"]
LAYOUTS: dict[View, Layout] = {
    View.INSTRUCTION: Layout("ip", _flat_columns, _flat_cells, _flat_dispatch),
    View.OPCODE: Layout("opcode", _flat_columns, _flat_cells, _flat_dispatch),
    View.LINE: Layout("line", _flat_columns, _flat_cells, _flat_dispatch),
    View.FUNCTION: Layout("function", lambda p: ["calls", "execs", "self", "self %", "incl",
                                                 "incl %"], _function_cells, _function_dispatch),
    View.LOOP: Layout("loop at line", lambda p: ["iterations", "execs", "inside", "%",
                                                 "per iter"], _loop_cells, _loop_dispatch),
    View.SEQUENCE: Layout("sequence", lambda p: ["executions", "time", "%", "saved if fused",
                                                 "exact"], _sequence_cells, _sequence_cells,
                          dispatch=False),
}


# ---- the table ------------------------------------------------------------------------------

def _is_pair(r: Row) -> bool:
    return len(r.key.split()) == 2


def table_note(p: Profile, by: View | str) -> str | None:
    """Why a view has no table for this profile (said under the header)."""
    if parse_choice(View, by, "view") is View.SEQUENCE and not p.has_hits:
        return SEQUENCE_NEEDS_COUNTS
    return None


def table(p: Profile, by: View | str = View.OPCODE, top: int = 20) -> TextTable:
    """The top `top` rows of a view and its dispatch row (sequence: the top
    pairs, a rule, the top triples; no dispatch row)."""
    view = parse_choice(View, by, "view")
    layout = LAYOUTS[view]
    rows = agg.view(p, view) if table_note(p, view) is None else []
    names = [layout.key, *layout.columns(p), *_FLAT_TAIL]
    title = f"by {view}"
    if view is View.SEQUENCE:
        title += " (pairs, then triples; ~ = estimated executions)"
        pairs = [r for r in rows if _is_pair(r)]
        total = sum(r.ns for r in pairs) if p.has_time else float(sum(r.hits for r in pairs))
        shown = pairs[:top] + [r for r in rows if not _is_pair(r)][:top]
        last_pair = min(len(pairs), top) - 1
    else:
        total = p.total_ns if p.has_time else float(sum(c.hits for c in p.cells))
        shown, last_pair = rows[:top], -1
    t = TextTable(title, [Column(c, right=c not in ("detail", "", names[0])) for c in names])
    for i, r in enumerate(shown):
        t.add(r.key, *layout.cells(p, r, total), rule_after=i == last_pair)
    if layout.dispatch:
        if len(rows) > top:
            t.add(f"… {len(rows) - top} more", *[""] * (len(names) - 1))
        t.add(agg.DISPATCH, *layout.dispatch_cells(p, agg.dispatch_row(p), total),
              emphasis=True)
    return t


def render(p: Profile, by: View | str = View.OPCODE, top: int = 20) -> str:
    """The report as plain text (for a pipe or a file)."""
    note = table_note(p, by)
    body = [note] if note is not None else table(p, by, top).lines()
    return "\n".join([*header_lines(p), "", *body]) + "\n"


def renderable(p: Profile, by: View | str = View.OPCODE, top: int = 20) -> Any:
    """The report for a terminal: the same cells drawn by rich, which fits
    them to the terminal's width and styles them (rich loads only here)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    head = Text("\n".join(header_lines(p)), style="dim")
    note = table_note(p, by)
    if note is not None:
        return Group(head, Text(""), Text(note))
    t = table(p, by, top)
    out = Table(title=t.title, title_justify="left", show_edge=False, pad_edge=False)
    last = len(t.columns) - 1
    for i, col in enumerate(t.columns):
        out.add_column(col.name, justify="right" if col.right else "left", no_wrap=i != last,
                       overflow="fold" if i == last else "ellipsis")
    for row in t.rows:
        out.add_row(*map(Text, row.cells), end_section=row.rule_after,
                    style="italic" if row.emphasis else None)
    return Group(head, Text(""), out)
