"""One differential case, and the helpers the category modules write them
with: `ok` (runs cleanly, printing lines), `rt` (fails at run time at a
LINE:COL after printing lines, optionally with the whole guest stack), `ce`
(rejected at compile time). Expected outputs and positions are worked out by
hand from docs/language.md, never recorded from an engine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Pos = tuple[str, int, int]  # (error kind, line, col)
Frame = tuple[str, int, int]  # (function, line, col)


@dataclass(frozen=True)
class Case:
    id: str
    src: str
    out: str = ""
    error: Pos | None = None
    compile_time: bool = False
    stack: tuple[Frame, ...] | None = None
    limits: dict[str, Any] | None = None


def _text(lines: tuple[str, ...]) -> str:
    return "".join(line + "\n" for line in lines)


def ok(id: str, src: str, *lines: str, limits: dict[str, Any] | None = None) -> Case:
    """Runs cleanly; each of `lines` is one printed line."""
    return Case(id, src, _text(lines), limits=limits)


def rt(
    id: str,
    src: str,
    kind: str,
    line: int,
    col: int,
    *lines: str,
    stack: tuple[Frame, ...] | None = None,
    limits: dict[str, Any] | None = None,
) -> Case:
    """Fails at run time at (line, col) after printing `lines`."""
    return Case(id, src, _text(lines), (kind, line, col), stack=stack, limits=limits)


def ce(id: str, src: str, kind: str, line: int, col: int) -> Case:
    """Rejected by compile_source; nothing runs."""
    return Case(id, src, "", (kind, line, col), compile_time=True)


TE, ZD, VE, IE = "TypeError", "ZeroDivisionError", "ValueError", "IndexError"
NE, SE, RE, LE = "NameError", "SyntaxError", "RecursionError", "LimitError"

# A countdown used by the call-depth cases: r(n) has n + 1 calls active at its deepest.
COUNTDOWN = "fn r(n) {\n  if n == 0 { return 0 }\n  return r(n - 1)\n}\n"
# Prints its name, then yields a value: for checking evaluation order.
TRACERS = (
    'fn t() {\n  print("t")\n  return [0]\n}\n'
    'fn i() {\n  print("i")\n  return 0\n}\n'
    'fn v() {\n  print("v")\n  return 1\n}\n'
)  # 12 lines
