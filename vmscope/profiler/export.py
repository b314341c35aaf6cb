"""Exports: the profile's own JSON (SCHEMA.md), speedscope's file format
(https://www.speedscope.app/file-format-schema.json: `$schema`, `shared.frames`,
`profiles` of type "sampled"), and collapsed stacks (`a;b;c N`, what
flamegraph.pl and speedscope import). Frames go function > line >
instruction, the function frames following the folded calling context.

A renderer takes the Profile (and the Report: the table's view and rows)
and returns the text; `RENDERERS` holds one per Format, so `export(p,
"speedscope")` is a lookup, and a new format is a new entry.

Files are written atomically (a temporary file beside the target, then
os.replace); an existing file that is not a previous profile is never
replaced unless the caller forces it."""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vmscope.profiler.aggregate import DISPATCH
from vmscope.profiler.model import Cell, Profile, tool_name
from vmscope.profiler.options import Format, View, parse_choice

SPEEDSCOPE_SCHEMA = "https://www.speedscope.app/file-format-schema.json"
TABLE_MARK = "vmscope profile"  # the first words of a table report and of a diff
_COLLAPSED_LINE = re.compile(r"^[^\s;][^;]*(;[^;]+)* \d+$")
_SNIFF_LIMIT = 256 * 1024 * 1024


__all__ = ["RENDERERS", "OverwriteError", "Renderer", "Report", "export", "is_previous_profile",
           "parse_collapsed", "to_collapsed", "to_json", "to_speedscope", "write_atomic"]


class OverwriteError(Exception):
    """The target exists and is not a previous profile."""


# ---- stacks -------------------------------------------------------------------------------

def _context_functions(p: Profile, ctx: int) -> list[int]:
    """The functions along a context's path, root first."""
    out = []
    while ctx >= 0:
        out.append(p.contexts[ctx].func)
        ctx = p.contexts[ctx].parent
    return out[::-1]


def _weight(p: Profile, c: Cell) -> tuple[float, float]:
    """(own, dispatch) weight of a cell: ns with time, else hits."""
    if p.has_time:
        return c.ns, c.dispatch_ns
    return float(c.hits), 0.0


def stacks(p: Profile) -> Iterator[tuple[list[tuple[str, str, int, int]], float]]:
    """(frames, weight) pairs; a frame is (kind, name, line, col) with kind
    'function', 'line', 'instruction' or 'dispatch'."""
    funcs = p.functions
    main = len(funcs) - 1
    disp_by_ctx: dict[int, float] = {}
    for c in p.cells:
        own, disp = _weight(p, c)
        ctx = c.ctx if p.has_contexts and 0 <= c.ctx < len(p.contexts) else -1
        if ctx >= 0:
            path = _context_functions(p, ctx)
        else:
            leaf = p.instrs[c.ip].func
            path = [main] if leaf == main else [main, leaf]
        fn_frames = [("function", funcs[f].name, funcs[f].line, 0) for f in path]
        i = p.instrs[c.ip]
        if own > 0:
            text = p.source_lines.get(i.line, "")
            yield ([*fn_frames, ("line", f"line {i.line}: {text}".rstrip(": "), i.line, 0),
                    ("instruction", f"{c.ip} {i.op} {i.argrepr}".rstrip(), i.line, i.col)],
                   own)
        if disp > 0:
            disp_by_ctx[ctx] = disp_by_ctx.get(ctx, 0.0) + disp
            if ctx < 0:
                yield [*fn_frames, ("dispatch", DISPATCH, 0, 0)], disp
    for ctx, w in disp_by_ctx.items():
        if ctx >= 0:
            frames = [("function", funcs[f].name, funcs[f].line, 0)
                      for f in _context_functions(p, ctx)]
            yield [*frames, ("dispatch", DISPATCH, 0, 0)], w
    if p.loop_ns > 0 and p.has_time:
        yield [("function", funcs[main].name, funcs[main].line, 0),
               ("dispatch", DISPATCH, 0, 0)], p.loop_ns


# ---- formats ------------------------------------------------------------------------------

def to_json(p: Profile) -> str:
    return p.to_json(indent=None)


def to_speedscope(p: Profile) -> str:
    frames: list[dict[str, Any]] = []
    index: dict[tuple[str, str, int, int], int] = {}
    samples: list[list[int]] = []
    weights: list[float] = []
    for path, w in stacks(p):
        stack = []
        for f in path:
            k = index.get(f)
            if k is None:
                k = index[f] = len(frames)
                frame: dict[str, Any] = {"name": f[1], "file": p.program}
                if f[2]:
                    frame["line"] = f[2]
                if f[3]:
                    frame["col"] = f[3]
                frames.append(frame)
            stack.append(k)
        samples.append(stack)
        weights.append(round(w, 3))
    unit = "nanoseconds" if p.has_time else "none"
    doc = {
        "$schema": SPEEDSCOPE_SCHEMA,
        "shared": {"frames": frames},
        "profiles": [{"type": "sampled", "name": f"{p.program} ({p.mode})", "unit": unit,
                      "startValue": 0, "endValue": round(sum(weights), 3),
                      "samples": samples, "weights": weights}],
        "name": f"{p.program} ({p.mode})",
        "activeProfileIndex": 0,
        "exporter": tool_name(),
    }
    return json.dumps(doc) + "\n"


def _collapsed_name(kind: str, name: str, p: Profile, line: int) -> str:
    if kind == "line":
        name = f"{p.program}:{line}"
    return name.replace(";", ",").replace("\n", " ")


def to_collapsed(p: Profile) -> str:
    """One `frame;frame;frame WEIGHT` line per stack, weights in whole ns
    (or hits without time), identical stacks merged."""
    merged: dict[str, float] = {}
    for path, w in stacks(p):
        key = ";".join(_collapsed_name(k, n, p, ln) for k, n, ln, _ in path)
        merged[key] = merged.get(key, 0.0) + w
    return "".join(f"{k} {round(w)}\n" for k, w in merged.items() if round(w) > 0)


def parse_collapsed(text: str) -> list[tuple[list[str], int]]:
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        stack, _, count = line.rpartition(" ")
        out.append((stack.split(";"), int(count)))
    return out


# ---- the renderers ------------------------------------------------------------------------

@dataclass(frozen=True)
class Report:
    """What a report shows beyond the profile: the table's view and rows
    (the file formats write everything)."""

    view: View = View.OPCODE
    top: int = 20


def _table(p: Profile, report: Report) -> str:
    from vmscope.profiler.render import render  # the text report's modules load only for it

    return render(p, report.view, report.top)


Renderer = Callable[[Profile, Report], str]
RENDERERS: dict[Format, Renderer] = {
    Format.TABLE: _table,
    Format.JSON: lambda p, report: to_json(p),
    Format.SPEEDSCOPE: lambda p, report: to_speedscope(p),
    Format.COLLAPSED: lambda p, report: to_collapsed(p),
}


def export(p: Profile, fmt: Format | str, by: View | str = View.OPCODE, top: int = 20) -> str:
    """The profile as text in a format: its renderer, from `RENDERERS`."""
    renderer = RENDERERS[parse_choice(Format, fmt, "format")]
    return renderer(p, Report(parse_choice(View, by, "view"), top))


# ---- files --------------------------------------------------------------------------------

def writes_in_place(path: Path) -> bool:
    """A target that is not a regular file (a device such as /dev/null, a
    FIFO, /dev/stdout): written directly, since a rename would replace the
    node itself. Only regular files are protected and replaced atomically."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) or path.absolute().parts[1:2] in (("dev",), ("proc",))


def is_previous_profile(path: Path) -> bool:
    """A file vmscope wrote: its JSON, a speedscope file it exported, a
    collapsed-stacks file or a saved table report."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode) or st.st_size > _SNIFF_LIMIT:
            return False
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    stripped = text.strip()
    if not stripped:
        return False
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError:
            return False
        if isinstance(data, dict) and str(data.get("schema", "")).startswith("vmscope.profile"):
            return True
        return (isinstance(data, dict) and data.get("$schema") == SPEEDSCOPE_SCHEMA
                and str(data.get("exporter", "")).startswith("vmscope"))
    if stripped.startswith(TABLE_MARK):
        return True
    return all(_COLLAPSED_LINE.match(line) for line in stripped.splitlines() if line.strip())


def write_atomic(path: str | os.PathLike[str], text: str, force: bool = False) -> None:
    target = Path(path)
    if target.is_dir():
        raise OverwriteError(f"{target} is a directory")
    if writes_in_place(target):  # appended, so /dev/stdout keeps what came before
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(text)
        return
    if target.exists() and not force and not is_previous_profile(target):
        raise OverwriteError(f"{target} exists and is not a vmscope profile; "
                             "pass --force to overwrite it")
    parent = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
