"""`vmscope screenshots`: play the named scenes headlessly and write one SVG
each (`<scene>.svg`, or `<scene>-<W>x<H>.svg` for a size other than the
default) into a directory."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from vmscope.tui.scenes import SCENES, render, scene_named

DEFAULT_SIZE = (120, 40)


def parse_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"a size is WIDTHxHEIGHT, like 120x40, not {text!r}") from None
    if width < 40 or height < 12:
        raise ValueError(f"size {text} is too small (at least 40x12)")
    return width, height


def write_screenshots(out: Path, names: Sequence[str] = (),
                      size: tuple[int, int] = DEFAULT_SIZE) -> list[Path]:
    scenes = [scene_named(n) for n in names] if names else list(SCENES)
    out.mkdir(parents=True, exist_ok=True)
    suffix = "" if size == DEFAULT_SIZE else f"-{size[0]}x{size[1]}"
    written = []
    for scene in scenes:
        svg = asyncio.run(render(scene, size))
        path = out / f"{scene.name}{suffix}.svg"
        path.write_text(svg, encoding="utf-8")
        written.append(path)
    return written
