"""Shared looks of the panes: the heat scale, the per-source-line tints that
link source and instructions (as Compiler Explorer does), number formats
(counts and times in vmscope.units' style, the one every front end uses)."""

from __future__ import annotations

from rich.text import Text

from vmscope.units import fmt_count, fmt_ns

BLOCKS = " ▏▎▍▌▋▊▉█"
SPARKS = "▁▂▃▄▅▆▇█"

# Muted backgrounds for dark themes; consecutive code lines get different ones.
LINE_TINTS = (
    "#1d2b3a", "#2e2338", "#1d3328", "#3a2e1d", "#2b1d33", "#1d3336", "#33331d", "#381d24",
)
# From cool to hot.
HEAT_COLOURS = ("#5f6f3f", "#8f9f2f", "#cfbf2f", "#efaf2f", "#ef7f2f", "#ef4f2f", "#ff2f4f")

CURRENT_BG = "#665800"
CURRENT_LINE_BG = "#2c2c1c"
ERROR_BG = "#4a1818"
BREAK_COLOUR = "#ff5f5f"
TARGET_COLOUR = "#5fd7ff"


def tint(ordinal: int) -> str:
    return LINE_TINTS[ordinal % len(LINE_TINTS)]


def heat_colour(frac: float) -> str:
    frac = min(max(frac, 0.0), 1.0)
    return HEAT_COLOURS[min(int(frac * len(HEAT_COLOURS)), len(HEAT_COLOURS) - 1)]


def heat_spark(frac: float) -> Text:
    """One cell: a block whose height and colour grow with `frac` (0..1)."""
    if frac <= 0:
        return Text(" ")
    index = min(int(frac * len(SPARKS)), len(SPARKS) - 1)
    return Text(SPARKS[index], style=heat_colour(frac))


def heat_bar(frac: float, width: int) -> Text:
    """A horizontal bar in eighths of a cell, `width` cells wide."""
    frac = min(max(frac, 0.0), 1.0)
    eighths = round(frac * width * 8)
    if frac > 0 and eighths == 0:
        eighths = 1  # anything that ran shows
    full, part = divmod(eighths, 8)
    bar = "█" * full + (BLOCKS[part] if part else "")
    return Text(bar.ljust(width), style=heat_colour(frac))


def format_ns(ns: float) -> str:
    """A time in the unit that fits (`850 ns`, `12.3 µs`); blank for none."""
    return fmt_ns(ns) if ns > 0 else ""


def format_count(n: float) -> str:
    """A count: exact below a million (`12,345`), then `1.23M`."""
    return fmt_count(n)


def format_bytes(n: int) -> str:
    """A size, at most 6 cells (`565 B`, `1.5 KB`, `64 MB`): the status line
    has no room for units.fmt_bytes' three digits at 80 columns."""
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            text = f"{size:.0f}" if unit == "B" or size >= 100 else f"{size:.1f}"
            return f"{text.removesuffix('.0')} {unit}"
        size /= 1024
    return f"{n} B"


def cut(text: str, width: int) -> str:
    """`text` in at most `width` cells (code points), with … when cut."""
    if width <= 0:
        return ""
    return text if len(text) <= width else text[: width - 1] + "…"
