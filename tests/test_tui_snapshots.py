"""SVG snapshots of the debugger's scenes (vmscope.tui.scenes, the same ones
`vmscope screenshots` renders) at two terminal sizes, against goldens in
tests/golden/ (gzipped SVG: a screen is ~150 KB of SVG, ~15 KB gzipped).

Scenes are deterministic (a fake clock, no progress ticks), so nothing needs
masking; the SVG's content-hash id is normalised only to keep diffs small.
On a mismatch the test reports a diff of the screen's text and leaves the
new SVG in pytest's tmp dir. Regenerate with VMSCOPE_UPDATE_GOLDEN=1."""

from __future__ import annotations

import asyncio
import difflib
import gzip
import html
import os
import re
from pathlib import Path

import pytest

from vmscope.tui.scenes import SCENES, render, scene_named

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("VMSCOPE_UPDATE_GOLDEN") == "1"
SIZES = [(120, 40), (80, 24)]

_ID = re.compile(r"terminal-\d+")
_TEXT = re.compile(r'<text [^>]*x="([\d.]+)"[^>]*clip-path="url\(#terminal(?:-\d+)?-line-'
                   r'(\d+)\)"[^>]*>([^<]*)</text>')
CELL = 12.2  # the width of a cell in rich's SVG export, in px


def normalise(svg: str) -> str:
    return _ID.sub("terminal", svg)


def screen_text(svg: str) -> list[str]:
    """The characters on the screen, one string a row (blank runs are only
    rects in the SVG, so text is placed by its x)."""
    rows: dict[int, dict[int, str]] = {}
    for x, line, text in _TEXT.findall(svg):
        row = rows.setdefault(int(line), {})
        for i, char in enumerate(html.unescape(text).replace("\xa0", " ")):
            row[round(float(x) / CELL) + i] = char
    return ["".join(r.get(c, " ") for c in range(max(r, default=-1) + 1)).rstrip()
            for r in (rows.get(n, {}) for n in range(max(rows, default=-1) + 1))]


def check_golden(name: str, svg: str, tmp_path: Path) -> None:
    path = GOLDEN / f"{name}.svg.gz"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(gzip.compress(svg.encode(), mtime=0))
        return
    assert path.exists(), f"no golden {path.name}: run with VMSCOPE_UPDATE_GOLDEN=1"
    expected = gzip.decompress(path.read_bytes()).decode()
    if svg == expected:
        return
    actual = tmp_path / f"{name}.svg"
    actual.write_text(svg, encoding="utf-8")
    diff = "\n".join(difflib.unified_diff(screen_text(expected), screen_text(svg),
                                          "golden", "now", lineterm=""))
    pytest.fail(f"{name} differs from its golden (new SVG: {actual}; if the change is "
                f"meant, e.g. the compiler now emits other code, regenerate with "
                f"VMSCOPE_UPDATE_GOLDEN=1); "
                + (f"screen text:\n{diff}" if diff else "same text, other styles"))


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("scene", [s.name for s in SCENES])
def test_scene_matches_golden(scene: str, size: tuple[int, int], tmp_path: Path) -> None:
    svg = normalise(asyncio.run(render(scene_named(scene), size)))
    check_golden(f"{scene}-{size[0]}x{size[1]}", svg, tmp_path)


def test_screen_text_reads_a_golden() -> None:
    path = GOLDEN / "error-80x24.svg.gz"
    text = screen_text(gzip.decompress(path.read_bytes()).decode())
    assert len(text) == 24
    assert "ZeroDivisionError" in text[0] and "failing.vms" in text[0]
    assert any("│  1 report  14:11" in row for row in text)  # the frame picked in Frames
    # under 120 columns the footer's keys take two rows
    assert text[-2].split()[:4] == ["s", "Step", "n", "Next"]
    assert text[-1].split()[:2] == ["B", "Back"] and "q Quit" in text[-1]
