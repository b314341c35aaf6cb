"""Compile time and memory: a generated program of at least 100,000 -O0
instructions, compiled by the front end (lexer, parser, resolver) and then
by the back end at each level. Times are medians of interleaved rounds;
memory (tracemalloc, measured in a separate pass since tracing slows the
compiler down) is the compiled code's retained size per instruction and the
peak while compiling."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from typing import Any

from vmscope.bench.runner import interleaved
from vmscope.units import fmt_bytes, fmt_count, fmt_ns

TARGET_INSTRUCTIONS = 100_000
LEVELS = (0, 1, 2)

_FUNCTION = """\
fn f{i}(a: int, b) {{
  let c = a * {i} + b
  if c > {i} and b != 0 {{ c = c - b * 2 }} else {{ c = c + a % 7 }}
  let xs = [a, b, c]
  let s = ""
  for k in range(3) {{ s = s + str(xs[k]) }}
  while c > 100 {{ c = c // 2 }}
  return len(s) + c
}}
"""


def generated_source(functions: int) -> str:
    """`functions` copies of a function that exercises most of the compiler,
    and a main that calls every one of them."""
    body = "".join(_FUNCTION.format(i=i) for i in range(functions))
    calls = "".join(f"total += f{i}({i}, {i % 5})\n" for i in range(functions))
    return f"{body}let total = 0\n{calls}print(total)\n"


def sized_source(target: int = TARGET_INSTRUCTIONS) -> tuple[str, int]:
    """A generated program with at least `target` instructions at -O0, and
    that count."""
    from vmscope.api import compile_source

    def count(functions: int) -> int:
        return len(compile_source(generated_source(functions)).compiled(0).code)

    per_function = count(2) - count(1)
    functions = max(1, -(-(target - count(0)) // per_function))
    source = generated_source(functions)
    return source, count(functions)


def _front_end(source: str) -> Callable[[], object]:
    from vmscope.api import compile_source

    return lambda: compile_source(source, "generated.vms")


def _back_end(source: str, level: int) -> Callable[[], object]:
    from vmscope.api import Program, compile_source

    front = compile_source(source, "generated.vms")
    # a fresh Program every round: nothing compiled yet, the front end's work reused
    return lambda: Program(front.source, front.resolved).compiled(level)


def _memory(source: str, level: int) -> tuple[int, int, int]:
    """(instructions, bytes retained by the compiled code, peak bytes while
    compiling) at `level`, the front end's result already in hand."""
    from vmscope.api import compile_source

    program = compile_source(source, "generated.vms")
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        code = program.compiled(level)
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return len(code.code), after - before, peak - before


def compile_benchmark(rounds: int) -> dict[str, Any]:
    source, instructions = sized_source()
    variants: dict[str, Callable[[], object]] = {"front end": _front_end(source)}
    variants.update({f"O{lvl}": _back_end(source, lvl) for lvl in LEVELS})
    t = interleaved(variants, rounds, "compile")
    memory = {}
    for lvl in LEVELS:
        count, retained, peak = _memory(source, lvl)
        memory[f"O{lvl}"] = {"instructions": count, "bytes_per_instruction": retained / count,
                             "peak_bytes": peak}
    seconds = {v: t[v].median for v in t}
    lines = len(source.splitlines())
    return {"instructions_O0": instructions, "lines": lines, "seconds": seconds,
            "memory": memory, "text": describe(lines, instructions, seconds, memory)}


def describe(lines: int, instructions: int, seconds: dict[str, float],
             memory: dict[str, dict[str, float]]) -> str:
    """The one-paragraph report, every figure in the one number style."""
    return (f"compile: a generated program of {fmt_count(lines)} lines, "
            f"{fmt_count(instructions)} instructions at -O0; front end "
            f"{fmt_ns(seconds['front end'] * 1e9)}"
            + "".join(f"; -O{lvl} {fmt_ns(seconds[f'O{lvl}'] * 1e9)} "
                      f"({fmt_count(memory[f'O{lvl}']['instructions'])} instructions, "
                      f"{fmt_bytes(memory[f'O{lvl}']['bytes_per_instruction'])} each, "
                      f"peak {fmt_bytes(memory[f'O{lvl}']['peak_bytes'])})"
                      for lvl in LEVELS)
            + " (medians; memory by tracemalloc)")
