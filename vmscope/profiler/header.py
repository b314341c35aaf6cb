"""The report's header: what was profiled, how the numbers were obtained
and how far to trust them. Each mode has its own figures (what the header
says about samples, error bars and calibration for that mode), in the table
`HEADERS` keyed by the Mode; the rest is common. Reads only the Profile."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from vmscope.profiler.aggregate import Z95
from vmscope.profiler.model import Profile
from vmscope.profiler.options import Mode
from vmscope.units import fmt_count, fmt_ns

__all__ = ["HEADERS", "ModeHeader", "header_lines", "mode_label"]


def _sampled_label(p: Profile) -> str:
    counts = " + exact counts" if p.has_hits else ""
    return f"{p.mode} ({fmt_count(p.sample_rate_hz)} Hz){counts}"


def _plain_label(p: Profile) -> str:
    return str(p.mode)


def _sampled_figures(p: Profile) -> list[str]:
    """Samples, what one stands for, and the worst error bar on a share."""
    if not p.has_samples:
        return ["samples: none recorded"]
    n = p.samples + p.loop_samples
    taken = n - p.merged_ticks  # merged ticks are not independent draws
    merged = f"; {fmt_count(p.merged_ticks)} merged ticks" if p.merged_ticks else ""
    elsewhere = f"({fmt_count(p.lost_samples)} elsewhere{merged})"
    if taken > 0:
        worst = Z95 * math.sqrt(0.25 / taken)
        return [f"samples: {fmt_count(n)} in the VM loop {elsewhere}, one per "
                f"{fmt_ns(p.sample_ns)};  error bars: 95% binomial, at most "
                f"±{100 * worst:.1f} points on any share"]
    interval = fmt_ns(1e9 / p.sample_rate_hz) if p.sample_rate_hz else "one interval"
    return [f"samples: none in the VM loop {elsewhere}: the run was shorter than the "
            f"sampling interval ({interval}); `--repeat N` runs it N times, and `--mode "
            "count` or `timed` need no samples"]


def _timed_figures(p: Profile) -> list[str]:
    return ["error bars: ± hits x the timer calibration spread (a systematic bound)"]


def _counted_figures(p: Profile) -> list[str]:
    return ["exact counts: no sampling error"]


@dataclass(frozen=True)
class ModeHeader:
    """How a mode's header names it, and what it says about its numbers."""

    label: Callable[[Profile], str]
    figures: Callable[[Profile], list[str]]


HEADERS: dict[Mode, ModeHeader] = {
    Mode.SAMPLE: ModeHeader(_sampled_label, _sampled_figures),
    Mode.PYSPY: ModeHeader(_sampled_label, _sampled_figures),
    Mode.TIMED: ModeHeader(_plain_label, _timed_figures),
    Mode.COUNT: ModeHeader(_plain_label, _counted_figures),
}


def mode_label(p: Profile) -> str:
    """`sample (2,000 Hz) + exact counts`, `timed`, ..."""
    return HEADERS[p.mode].label(p)


def _calibration(p: Profile) -> str:
    """The constants measured before the run, those the mode used. They are
    per-instruction costs with sub-ns spreads, so they keep a decimal."""
    cal = p.calibration
    parts = [f"dispatch {cal.dispatch_ns:.1f}±{cal.dispatch_spread_ns:.1f} ns/instr"]
    if cal.timer_ns:
        parts.append(f"timer {cal.timer_ns:.1f}±{cal.timer_spread_ns:.1f} ns/instr (subtracted)")
    if cal.count_ns:
        parts.append(f"count loop {cal.count_ns:.1f} ns/instr")
    if cal.handler_ns:
        parts.append(f"sample handler {fmt_ns(cal.handler_ns)}")
    if cal.clock_resolution_ns:
        parts.append(f"clock step {fmt_ns(cal.clock_resolution_ns)}")
    return "calibration: " + ", ".join(parts)


def header_lines(p: Profile) -> list[str]:
    mode = HEADERS[p.mode]
    level = "" if p.level is None else f" -O{p.level}"
    steps = f"   steps: {fmt_count(p.steps)}" if p.steps is not None else ""
    lines = [f"vmscope profile of {p.program}{level}   mode: {mode.label(p)}   runs: "
             f"{fmt_count(p.runs)}   wall: {fmt_ns(p.wall_ns)}{steps}",
             *mode.figures(p), _calibration(p)]
    over = "unknown (out of process; see `python -m vmscope.bench.overhead`)" \
        if p.overhead is None else f"{p.overhead:.2f}x the unprofiled run"
    lines.append(f"estimated overhead: {over}")
    if p.has_time:
        lines.append(f"attributed: {fmt_ns(p.total_ns)} (dispatch {fmt_ns(p.dispatch_total_ns)})")
    lines.extend(f"note: {n}" for n in p.notes)
    if p.error:
        lines.append(f"the run stopped: {p.error}")
    return lines
