"""One style for the numbers every front end prints: counts, times, rates
and sizes. Exact below a million with thousands separators; above it three
significant digits and a suffix (k is never used, so `999,999` is followed
by `1.00M`); a time in the unit that fits it, also to three significant
digits. The CLI, the profiler's reports, the bench and the TUI all call
these, so one program's figures read the same everywhere."""

from __future__ import annotations

import math

_COUNT_UNITS = (("G", 1e9), ("M", 1e6))
_TIME_UNITS = (("s", 1e9), ("ms", 1e6), ("µs", 1e3))
_BYTE_UNITS = ("B", "KB", "MB", "GB", "TB")


def _three_digits(value: float) -> str:
    """`value` (>= 1 or 0) to three significant digits: 1.23, 12.3, 123."""
    if value >= 99.95:
        return f"{value:.0f}"
    if value >= 9.995:
        return f"{value:.1f}"
    return f"{value:.2f}"


def fmt_count(n: float) -> str:
    """A count: `12,345`, `999,999`, `1.00M`, `12.3M`, `4.56G`."""
    if isinstance(n, float) and not math.isfinite(n):
        return "—"
    sign = "-" if n < 0 else ""
    a = abs(n)
    if a < 999_999.5:
        return f"{sign}{a:,.0f}"
    for unit, size in _COUNT_UNITS:
        if a >= size * 0.9995 or unit == "M":
            return f"{sign}{_three_digits(a / size)}{unit}"
    return f"{sign}{a:,.0f}"  # pragma: no cover - the loop always returns


def fmt_ns(ns: float | None) -> str:
    """A duration given in ns: `850 ns`, `12.3 µs`, `1.05 ms`, `2.40 s`;
    `—` when unknown."""
    if ns is None or (isinstance(ns, float) and not math.isfinite(ns)):
        return "—"
    sign = "-" if ns < 0 else ""
    a = abs(ns)
    for unit, size in _TIME_UNITS:
        if a >= size * 0.9995:
            return f"{sign}{_three_digits(a / size)} {unit}"
    return f"{sign}{a:.0f} ns"


def fmt_rate(per_second: float) -> str:
    """Events per second: `850/s`, `12,345/s`, `1.23M/s`."""
    return f"{fmt_count(per_second)}/s"


def fmt_bytes(n: float) -> str:
    """A size in bytes, in binary units: `512 B`, `1.50 KB`, `64.0 MB`."""
    size = float(n)
    for unit in _BYTE_UNITS:
        if abs(size) < 1023.5 or unit == _BYTE_UNITS[-1]:
            return f"{size:.0f} {unit}" if unit == "B" else f"{_three_digits(size)} {unit}"
        size /= 1024
    return f"{n} B"  # pragma: no cover - the loop always returns


def fmt_pct(share: float | None) -> str:
    """A share (0..1) as a percentage with one decimal: `12.5%`."""
    return "—" if share is None or not math.isfinite(share) else f"{100 * share:.1f}%"
