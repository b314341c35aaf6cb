"""The program side of py-spy mode: `python -m vmscope.profiler.child FILE
--out OUT --meta META [--repeat N] [--max-steps N]`, run under `py-spy record`.

Every instruction's closure gets a code object of its own named after its ip
and opcode (`i0042_add`), so py-spy's samples name instructions; the program
then runs in the unchanged fast loop, `VM.run` (`VM.run_counted`, which
py-spy's parser also knows, under a step budget: the LimitError of `vmscope
run --max-steps`). Its output goes to OUT (py-spy prints to stdout too); META
gets the run's wall time and any guest error."""

from __future__ import annotations

import argparse
import json
import sys
import time
import types
from collections.abc import Sequence
from typing import Any

NAME_PREFIX = "i"


def instruction_name(ip: int, op: str) -> str:
    return f"{NAME_PREFIX}{ip:04d}_{op}"


def renamed(code: Any) -> list[Any]:
    """A copy of the closure list whose every closure has its own code
    object named after its ip and opcode. The closures keep their cells, so
    they share state with the originals and run exactly as fast."""
    out = []
    for ip, (fn, instr) in enumerate(zip(code.code, code.instrs, strict=True)):
        name = instruction_name(ip, instr.family.replace(".", "_"))
        new_code = fn.__code__.replace(co_name=name, co_qualname=name)
        clone = types.FunctionType(new_code, fn.__globals__, name, fn.__defaults__,
                                   fn.__closure__)
        clone.__qualname__ = name
        out.append(clone)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="vmscope.profiler.child")
    ap.add_argument("file")
    ap.add_argument("--out", required=True)
    ap.add_argument("--meta", required=True)
    ap.add_argument("--name", default=None, help="the program's name in reports")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--level", type=int, default=0, help="the -O level to compile at")
    ap.add_argument("--max-steps", type=int, default=None)
    ap.add_argument("--max-depth", type=int, default=None)
    ap.add_argument("--max-length", type=int, default=None)
    ap.add_argument("--max-int-bits", type=int, default=None)
    args = ap.parse_args(argv)

    from vmscope.api import compile_source
    from vmscope.errors import GuestError
    from vmscope.lang import values
    from vmscope.lang.values import Limits

    defaults = Limits()
    limits = Limits(args.max_steps, args.max_depth or defaults.max_depth,
                    args.max_length or defaults.max_length,
                    args.max_int_bits or defaults.max_int_bits)
    with open(args.file, "rb") as fh:
        program = compile_source(fh.read(), args.name or args.file).at_level(args.level)
    code = renamed(program.code_for(limits))
    sys.setrecursionlimit(max(sys.getrecursionlimit(), values.NEST_LIMIT * 4 + 1000))
    wall = cpu = 0
    runs = 0
    error: str | None = None
    stack: list[str] = []
    with open(args.out, "w", encoding="utf-8") as out:
        for i in range(max(args.repeat, 1)):
            vm = program.new_vm(out.write if i == 0 else (lambda s: None), limits)
            vm.code = code
            c0 = time.thread_time_ns()
            t0 = time.perf_counter_ns()
            try:
                if limits.max_steps is None:
                    vm.run()
                else:
                    vm.run_counted(limits.max_steps)
            except GuestError as err:
                error = err.headline(program.source.name)
                stack = err.traceback_lines(program.source.name)
            finally:
                wall += time.perf_counter_ns() - t0
                cpu += time.thread_time_ns() - c0
                runs += 1
            if error is not None:
                break
    with open(args.meta, "w", encoding="utf-8") as fh:
        json.dump({"wall_ns": wall, "cpu_ns": cpu, "runs": runs, "error": error,
                   "stack": stack}, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
