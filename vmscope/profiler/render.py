"""The terminal report: a header that says how the numbers were obtained
(mode, samples, calibration constants, estimated overhead, error bars) and a
table of the top rows of one view, with the dispatch row always shown."""

from __future__ import annotations

import math
from typing import Any

from vmscope.profiler import aggregate as agg
from vmscope.profiler.aggregate import Row
from vmscope.profiler.model import Profile
from vmscope.textable import Column, TextTable

BAR_WIDTH = 12
_PARTS = " ▏▎▍▌▋▊▉█"


def bar(share: float, width: int = BAR_WIDTH) -> str:
    """A horizontal bar of `share` (0..1) in eighths of a character."""
    eighths = max(0, min(width * 8, round(share * width * 8)))
    full, part = divmod(eighths, 8)
    return ("█" * full + (_PARTS[part] if part else "")).ljust(width)


def fmt_ns(ns: float | None) -> str:
    if ns is None or (isinstance(ns, float) and math.isnan(ns)):
        return "—"
    a = abs(ns)
    if a >= 1e9:
        return f"{ns / 1e9:.2f} s"
    if a >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if a >= 1e3:
        return f"{ns / 1e3:.1f} µs"
    return f"{ns:.0f} ns"


def fmt_pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def header_lines(p: Profile) -> list[str]:
    cal = p.calibration
    mode = p.mode
    if mode in ("sample", "pyspy"):
        mode += f" ({p.sample_rate_hz:,.0f} Hz)"
        if p.has_hits:
            mode += " + exact counts"
    level = "" if p.level is None else f" -O{p.level}"
    lines = [f"vmscope profile of {p.program}{level}   mode: {mode}   runs: {p.runs}   "
             f"wall: {fmt_ns(p.wall_ns)}" + (f"   steps: {p.steps:,}" if p.has_hits else "")]
    if p.has_samples:
        n = p.samples + p.loop_samples
        taken = n - p.merged_ticks  # merged ticks are not independent draws
        merged = f"; {p.merged_ticks:,} merged ticks" if p.merged_ticks else ""
        if taken > 0:
            worst = agg.Z95 * math.sqrt(0.25 / taken)
            lines.append(f"samples: {n:,} in the VM loop ({p.lost_samples:,} elsewhere{merged}), "
                         f"one per {fmt_ns(p.sample_ns)};  error bars: 95% binomial, at most "
                         f"±{100 * worst:.1f} points on any share")
        else:
            interval = fmt_ns(1e9 / p.sample_rate_hz) if p.sample_rate_hz else "one interval"
            lines.append(f"samples: none in the VM loop ({p.lost_samples:,} elsewhere{merged}): "
                         f"the run was shorter than the sampling interval ({interval}); "
                         "`--repeat N` runs it N times, and `--mode count` or `timed` "
                         "need no samples")
    elif mode == "timed":
        lines.append("error bars: ± hits x the timer calibration spread (a systematic bound)")
    else:
        lines.append("exact counts: no sampling error")
    cal_parts = [f"dispatch {cal.dispatch_ns:.1f}±{cal.dispatch_spread_ns:.1f} ns/instr"]
    if cal.timer_ns:
        cal_parts.append(f"timer {cal.timer_ns:.1f}±{cal.timer_spread_ns:.1f} ns/instr "
                         "(subtracted)")
    if cal.count_ns:
        cal_parts.append(f"count loop {cal.count_ns:.1f} ns/instr")
    if cal.handler_ns:
        cal_parts.append(f"sample handler {fmt_ns(cal.handler_ns)}")
    if cal.clock_resolution_ns:
        cal_parts.append(f"clock step {cal.clock_resolution_ns:.0f} ns")
    lines.append("calibration: " + ", ".join(cal_parts))
    over = "unknown (out of process; see `python -m vmscope.bench.overhead`)" \
        if p.overhead is None else f"{p.overhead:.2f}x the unprofiled run"
    lines.append(f"estimated overhead: {over}")
    if p.has_time:
        lines.append(f"attributed: {fmt_ns(p.total_ns)} "
                     f"(dispatch {fmt_ns(p.dispatch_total_ns)})")
    lines.extend(f"note: {n}" for n in p.notes)
    if p.error:
        lines.append(f"the run stopped: {p.error}")
    return lines


def _columns(by: str, p: Profile) -> list[str]:
    label = {"instruction": "ip", "opcode": "opcode", "line": "line", "function": "function",
             "loop": "loop at line", "sequence": "sequence"}[by]
    cols = [label]
    if by == "function":
        cols += ["calls", "execs", "self", "self %", "incl", "incl %"]
    elif by == "loop":
        cols += ["iterations", "execs", "inside", "%", "per iter"]
    elif by == "sequence":
        cols += ["executions", "time", "%", "saved if fused", "exact"]
    elif p.has_time:
        cols += ["execs", "time", "%", "ns/exec", "±"]
    else:
        cols += ["execs", "%"]
    cols += ["", "detail"]
    return cols


def _cells(by: str, p: Profile, r: Row, total: float) -> list[str]:
    timed = p.has_time
    weight = r.ns if timed else float(r.hits)
    share = weight / total if total else 0.0
    hits = f"{r.hits:,}" if p.has_hits else "—"
    if by == "function":
        incl = r.incl_ns
        ishare = incl / total if incl is not None and total else None
        calls = "—" if r.count is None else f"{r.count:,}"
        self_t = fmt_ns(r.ns) if timed else hits
        incl_t = (fmt_ns(incl) if timed else f"{incl:,.0f}") if incl is not None else "—"
        return [r.key, calls, hits, self_t, fmt_pct(share), incl_t, fmt_pct(ishare),
                bar(share), r.detail]
    if by == "loop":
        inside = r.incl_ns if r.incl_ns is not None else weight
        ishare = inside / total if total else 0.0
        iters = "—" if r.count is None else f"{r.count:,}"
        per = fmt_ns(inside / r.count) if timed and r.count else "—"
        return [r.key, iters, hits, fmt_ns(inside) if timed else f"{inside:,.0f}",
                fmt_pct(ishare), per, bar(ishare), r.detail]
    if by == "sequence":
        return [r.key, f"{r.hits:,}", fmt_ns(r.ns) if timed else "—", fmt_pct(share),
                fmt_ns(r.saved_ns), "yes" if r.exact else "~", bar(share), r.detail]
    if not timed:
        return [r.key, hits, fmt_pct(share), bar(share), r.detail]
    per = fmt_ns(r.ns / r.hits) if p.has_hits and r.hits else "—"
    err = f"±{fmt_ns(r.err_ns)}" if r.err_ns is not None else ""
    return [r.key, hits, fmt_ns(r.ns), fmt_pct(share), per, err, bar(share), r.detail]


def _dispatch_cells(by: str, p: Profile, d: Row, total: float) -> list[str]:
    if not p.has_time:  # every instruction is dispatched: a share says nothing
        share = None
    else:
        share = d.ns / total if total else 0.0
    hits = f"{d.hits:,}" if p.has_hits else "—"
    t = fmt_ns(d.ns) if p.has_time else "—"
    b = bar(share) if share is not None else ""
    if by == "function":
        return [d.key, "—", hits, t, fmt_pct(share), "—", "—", b, d.detail]
    if by == "loop":
        return [d.key, "—", hits, t, fmt_pct(share), "—", b, d.detail]
    if not p.has_time:
        return [d.key, hits, "—", b, d.detail]
    per = fmt_ns(d.ns / d.hits) if p.has_hits and d.hits else "—"
    err = f"±{fmt_ns(d.err_ns)}" if d.err_ns is not None else ""
    return [d.key, hits, t, fmt_pct(share), per, err, b, d.detail]


def table(p: Profile, by: str = "opcode", top: int = 20) -> TextTable:
    rows = agg.view(p, by)
    disp = agg.dispatch_row(p)
    if by == "sequence":
        total = sum(r.ns for r in rows if len(r.key.split()) == 2) if p.has_time else \
            float(sum(r.hits for r in rows if len(r.key.split()) == 2))
    else:
        total = p.total_ns if p.has_time else float(sum(c.hits for c in p.cells))
    names = _columns(by, p)
    t = TextTable(f"by {by}" + ("" if by != "sequence" else
                                " (pairs, then triples; ~ = estimated executions)"),
                  [Column(c, right=c not in ("detail", "", names[0])) for c in names])
    blank = [""] * (len(names) - 1)
    if by == "sequence" and not p.has_hits:
        t.add("(the sequence view needs exact counts: use --mode count or timed, or --counts)",
              *blank)
        return t
    pairs: list[Row] = []
    if by == "sequence":
        pairs = [r for r in rows if len(r.key.split()) == 2][:top]
        triples = [r for r in rows if len(r.key.split()) == 3][:top]
        shown = pairs + triples
    else:
        shown = rows[:top]
    for i, r in enumerate(shown):
        t.add(*_cells(by, p, r, total), rule_after=by == "sequence" and i == len(pairs) - 1)
    if by != "sequence":
        if len(rows) > top:
            t.add(f"… {len(rows) - top} more", *blank)
        t.add(*_dispatch_cells(by, p, disp, total), emphasis=True)
    return t


def render(p: Profile, by: str = "opcode", top: int = 20) -> str:
    """The report as plain text (for a pipe or a file)."""
    return "\n".join([*header_lines(p), "", *table(p, by, top).lines()]) + "\n"


def renderable(p: Profile, by: str = "opcode", top: int = 20) -> Any:
    """The report for a terminal: the same cells drawn by rich, which fits
    them to the terminal's width and styles them (rich loads only here)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    t = table(p, by, top)
    out = Table(title=t.title, title_justify="left", show_edge=False, pad_edge=False)
    last = len(t.columns) - 1
    for i, col in enumerate(t.columns):
        out.add_column(col.name, justify="right" if col.right else "left", no_wrap=i != last,
                       overflow="fold" if i == last else "ellipsis")
    for row in t.rows:
        out.add_row(*map(Text, row.cells), end_section=row.rule_after,
                    style="italic" if row.emphasis else None)
    return Group(Text("\n".join(header_lines(p)), style="dim"), Text(""), out)
