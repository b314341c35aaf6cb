"""The closure compiler and VM: the code/instrs tables, closure names, patched
absolute jump targets, static stack depths, flat calls, and `disassemble()`."""

from __future__ import annotations

import inspect
import itertools
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import vmscope
from vmscope.compiler.arith import BINARY_OPS
from vmscope.lang.nodes import BinOp
from vmscope.lang.values import Limits
from vmscope.vm.machine import Halt
from vmscope.vm.opcodes import JUMPS, Op
from vmscope.vm.program import CompiledCode

MIXED = """\
fn f(a: int, b) -> int {
  let s = 0
  for i in range(a) {
    if i % 2 == 0 and i > 0 or b { s += i } elif i == 3 { continue } else { break }
  }
  for c in "ab" { s = s + 1 }
  while s > 100 { s -= 1 }
  return s
}
let xs = [1, [2, 3]]
xs[1][0] += f(5, false)
print(xs, not xs, -f(1, true), xs[0])
"""

LOOPS = """\
let total = 0
let i = 0
while true {
  i += 1
  if i > 10 { break }
  if i % 3 == 0 { continue }
  for j in [i, i] { total += j }
}
print(total, i)
"""

LOGIC = 'print(0 or "d", 3 and 4, null or [] or "last", 1 and 0 or 5, not (1 and 0))\n'

FIB = """\
fn fib(n) { if n < 2 { return n }; return fib(n - 1) + fib(n - 2) }
print(fib(15))
fn unused(x) { while x { x -= 1 } }
"""

STRINGS = """\
fn count(s: str, ch) -> int {
  let k = 0
  for c in s { if c == ch { k += 1 } }
  return k
}
let words = ["banana", "apple"]
for w in words { print(w, count(w, "a")) }
if len(words) == 3 { print("three") } elif len(words) == 2 { print("two") }
"""

PROGRAMS: dict[str, tuple[str, str]] = {
    "mixed": (MIXED, "[1, [4, 3]] false -2 1\n"),
    "loops": (LOOPS, "74 11\n"),
    "logic": (LOGIC, "d 4 last 5 true\n"),
    "fib": (FIB, "610\n"),
    "strings": (STRINGS, "banana 3\napple 1\ntwo\n"),
    "empty": ("", ""),
    "only-fn": ("fn g() { return 1 }\n", ""),
}

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "sample_programs").glob("*.vms"))


def all_sources() -> Iterator[Any]:
    for name, (src, _) in PROGRAMS.items():
        yield pytest.param(src, id=name)
    for path in SAMPLES:
        yield pytest.param(path.read_text(encoding="utf-8"), id=path.name)


def code_of(src: str) -> CompiledCode:
    return vmscope.compile_source(src).code


# ---- the two tables ----------------------------------------------------------------------------


@pytest.mark.parametrize("src", list(all_sources()))
def test_code_and_instrs_are_parallel_and_closures_are_named_by_opcode(src: str) -> None:
    code = code_of(src)
    assert len(code.code) == len(code.instrs) > 0
    for ip, (closure, instr) in enumerate(zip(code.code, code.instrs, strict=True)):
        assert closure.__name__ == "op_" + instr.op.value, ip


@pytest.mark.parametrize("src", list(all_sources()))
def test_functions_tile_the_code_and_each_ends_in_return_or_halt(src: str) -> None:
    code = code_of(src)
    assert code.main is code.functions[-1] and code.main.name == "<main>"
    assert code.entry == code.main.entry
    ranges = sorted((f.entry, f.end) for f in code.functions)
    assert ranges[0][0] == 0 and ranges[-1][1] == len(code.code)
    for (_, end), (start, _) in itertools.pairwise(ranges):
        assert end == start
    for index, fn in enumerate(code.functions):
        assert fn.index == index
        assert fn.nslots >= fn.nlocals >= fn.nparams
        for ip in range(fn.entry, fn.end):
            assert code.instrs[ip].func == index
            assert code.function_at(ip) is fn
        last = code.instrs[fn.end - 1].op
        assert last is (Op.HALT if fn is code.main else Op.RETURN)


def test_code_is_compiled_once_per_program() -> None:
    program = vmscope.compile_source(FIB)
    assert program.code is program.code


# ---- jumps ------------------------------------------------------------------------------------


def _fake_vm_taking_the_jump(instr: Any) -> SimpleNamespace:
    """A VM stand-in on which the jump (or call) `instr` takes its target."""
    slots: list[Any] = [0] * 64
    if instr.op is Op.CALL:
        return SimpleNamespace(slots=slots, frames=[], max_depth=10, deepest=0)
    if instr.op is Op.JUMP_IF_TRUE_OR_POP:
        slots = [1] * 64
    elif instr.op is Op.FOR_RANGE_NEXT:
        nxt = instr.args[1]
        slots[nxt], slots[nxt + 1], slots[nxt + 2] = 5, 0, 1  # exhausted
    elif instr.op is Op.FOR_ITER_NEXT:
        seq = instr.args[1]
        slots[seq], slots[seq + 1] = [], 0  # exhausted
    return SimpleNamespace(slots=slots)


@pytest.mark.parametrize("src", list(all_sources()))
def test_jump_targets_are_absolute_patched_and_inside_their_function(src: str) -> None:
    code = code_of(src)
    entries = {f.name: f.entry for f in code.functions}
    for ip, instr in enumerate(code.instrs):
        if instr.op in JUMPS:
            assert instr.target is not None, ip
            fn = code.function_at(ip)
            assert fn.entry <= instr.target < fn.end, ip
        elif instr.op is Op.CALL:
            # a call's target is its callee's entry
            assert instr.target == entries[instr.argrepr.split("/")[0]], ip
        else:
            assert instr.target is None, ip
            continue
        # the closure's relative offset lands exactly on the recorded absolute target
        offset = code.code[ip](_fake_vm_taking_the_jump(instr))  # type: ignore[arg-type]
        assert ip + offset == instr.target, ip


def test_loops_jump_back_to_their_heads() -> None:
    code = code_of(LOOPS)
    back = {i.target for ip, i in enumerate(code.instrs)
            if i.op is Op.JUMP and i.target is not None and i.target < ip}
    heads = {code.instrs[t].op for t in back}
    # the while loop re-evaluates its condition (line 3); the for loop asks for its next item
    assert Op.FOR_ITER_NEXT in heads
    assert any(code.instrs[t].span.line == 3 and code.instrs[t - 1].stmt.line != 3
               for t in back)
    # and `break` / loop exits jump forwards, past the backward jump
    exits = [i for ip, i in enumerate(code.instrs)
             if i.op in JUMPS and i.target is not None and i.target > ip]
    assert exits


@pytest.mark.parametrize(("src", "out"), [
    pytest.param(src, out, id=name) for name, (src, out) in PROGRAMS.items()])
def test_programs_run_correctly_on_both_engines(src: str, out: str) -> None:
    program = vmscope.compile_source(src)
    for engine in ("closure", "ast"):
        result = program.run(engine)
        assert result.error is None, (engine, result.error)
        assert result.output == out, engine


# ---- static stack depth -----------------------------------------------------------------------

# Depth at a jump's target, relative to the depth before the jump.
_AT_TARGET = {Op.JUMP: 0, Op.JUMP_IF_FALSE: -1, Op.JUMP_IF_FALSE_OR_POP: 0,
              Op.JUMP_IF_TRUE_OR_POP: 0, Op.FOR_RANGE_NEXT: 0, Op.FOR_ITER_NEXT: 0}


@pytest.mark.parametrize("src", list(all_sources()))
def test_static_depth_is_never_negative_and_zero_at_statement_boundaries(src: str) -> None:
    code = code_of(src)
    for fn in code.functions:
        assert code.instrs[fn.entry].depth == 0
        for ip in range(fn.entry, fn.end):
            instr = code.instrs[ip]
            assert instr.depth >= 0, ip
            assert instr.depth + min(instr.effect, 0) >= 0, ip  # never pops below empty
            assert fn.nlocals + instr.depth + max(instr.effect, 0) <= fn.nslots, ip
            if ip > fn.entry and instr.stmt != code.instrs[ip - 1].stmt:
                assert instr.depth == 0, f"ip {ip} starts a statement at depth {instr.depth}"


@pytest.mark.parametrize("src", list(all_sources()))
def test_static_depth_is_consistent_along_every_edge(src: str) -> None:
    code = code_of(src)
    for fn in code.functions:
        for ip in range(fn.entry, fn.end):
            instr = code.instrs[ip]
            if instr.op in _AT_TARGET:
                assert instr.target is not None
                assert code.instrs[instr.target].depth == instr.depth + _AT_TARGET[instr.op], ip
            if instr.op not in (Op.JUMP, Op.HALT) and ip + 1 < fn.end:
                after = instr.depth + instr.effect
                following = code.instrs[ip + 1].depth
                # an expression statement's value is dropped without an instruction
                assert following == after or (following == 0 and after == 1), ip


def test_statement_boundaries_are_at_depth_zero_in_a_known_program() -> None:
    code = code_of("let a = 1 + 2 * 3\nprint(a, [a, a])\na = -a\n")
    starts = [i for ip, i in enumerate(code.instrs)
              if ip == 0 or i.stmt != code.instrs[ip - 1].stmt]
    assert [(i.stmt.line, i.depth) for i in starts] == [(1, 0), (2, 0), (3, 0), (4, 0)]
    # `1 + 2 * 3` and `print(a, [a, a])` both hold three values before their last operation
    assert max(i.depth for i in code.instrs) == 3
    assert code.main.nslots - code.main.nlocals == 3


# ---- calls ------------------------------------------------------------------------------------

COUNTDOWN = "fn r(n) {\n  if n == 0 { return 0 }\n  return r(n - 1) + 1\n}\nprint(r(N))\n"


def _host_depth() -> int:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    return depth


def test_calls_push_vm_frames_not_host_frames() -> None:
    program = vmscope.compile_source("fn a(x) { return b(x) + 1 }\nfn b(y) { return c(y) }\n"
                                     "fn c(z) { return z * 2 }\nprint(a(3))")
    out: list[str] = []
    vm = program.new_vm(out.append)
    code, ip = vm.code, vm.ip
    seen: list[int] = []
    with pytest.raises(Halt):
        while True:
            ip += code[ip](vm)
            seen.append(len(vm.frames))
    assert max(seen) == 3
    assert vm.frames == []
    assert vm.deepest == 3
    assert out == ["7\n"]


def test_ten_thousand_deep_recursion_runs_without_host_recursion() -> None:
    program = vmscope.compile_source(COUNTDOWN.replace("N", "9999"))  # 10,000 calls active
    out: list[str] = []
    vm = program.new_vm(out.append)
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(_host_depth() + 100)
    try:
        vm.run()  # a RecursionError here would become a guest RecursionError
    finally:
        sys.setrecursionlimit(old)
    assert out == ["9999\n"]
    assert vm.deepest == 10_000


def test_ten_thousand_deep_recursion_through_the_api() -> None:
    result = vmscope.compile_source(COUNTDOWN.replace("N", "9999")).run()
    assert result.error is None
    assert result.output == "9999\n"
    assert result.max_call_depth == 10_000


@pytest.mark.parametrize("engine", ["closure", "ast"])
def test_the_10001st_call_is_a_guest_recursion_error_at_its_name(engine: str) -> None:
    program = vmscope.compile_source(COUNTDOWN.replace("N", "10000"))
    result = program.run(engine)
    err = result.error
    assert err is not None
    assert (err.kind.value, err.line, err.col) == ("RecursionError", 3, 10)
    assert result.output == ""
    assert len(err.stack) == 10_001  # <main> and 10,000 active calls of r
    assert (err.stack[0].function, err.stack[0].span.line, err.stack[0].span.col) == \
        ("<main>", 5, 7)
    assert all(e.function == "r" for e in err.stack[1:])
    assert (err.stack[-1].span.line, err.stack[-1].span.col) == (3, 10)


@pytest.mark.parametrize("engine", ["closure", "ast"])
def test_max_depth_limit_is_configurable(engine: str) -> None:
    program = vmscope.compile_source(COUNTDOWN.replace("N", "4"))  # 5 calls active
    ok = program.run(engine, limits=Limits(max_depth=5))
    assert ok.error is None and ok.output == "4\n"
    bad = program.run(engine, limits=Limits(max_depth=4))
    assert bad.error is not None and bad.error.kind.value == "RecursionError"
    assert (bad.error.line, bad.error.col) == (3, 10)
    assert [e.function for e in bad.error.stack] == ["<main>", "r", "r", "r", "r"]


def test_a_program_can_run_again_from_a_fresh_state() -> None:
    program = vmscope.compile_source("let xs = []\npush(xs, 1)\nprint(xs)")
    assert [program.run().output for _ in range(2)] == ["[1]\n", "[1]\n"]


# ---- disassembly ------------------------------------------------------------------------------

_LINE = re.compile(r"^\s*(?P<mark>>>)?\s+(?P<ip>\d+)\s+(?P<line>\d+):(?P<col>\d+)\s+"
                   r"(?P<op>[a-z_]+)\b(?P<rest>.*?)\s*depth (?P<depth>\d+)$")


@pytest.mark.parametrize("src", [MIXED, LOOPS, FIB, STRINGS],
                         ids=["mixed", "loops", "fib", "strings"])
def test_disassembly_lists_every_instruction_with_position_depth_and_markers(src: str) -> None:
    program = vmscope.compile_source(src, "t.vms")
    code = program.code
    text = program.disassemble()
    targets = {i.target for i in code.instrs if i.op in JUMPS}
    seen: list[int] = []
    for line in text.splitlines():
        m = _LINE.match(line)
        if m is None:
            continue
        ip = int(m["ip"])
        instr = code.instrs[ip]
        seen.append(ip)
        assert (int(m["line"]), int(m["col"])) == (instr.span.line, instr.span.col)
        assert m["op"] == instr.op.value
        assert int(m["depth"]) == instr.depth
        assert (m["mark"] == ">>") == (ip in targets), line
        if instr.target is not None:
            assert f"to {instr.target}" in m["rest"]
    assert sorted(seen) == list(range(len(code.code)))


def test_disassembly_names_each_function() -> None:
    program = vmscope.compile_source(FIB, "fib.vms")
    text = program.disassemble()
    headers = [line for line in text.splitlines() if line.startswith("Disassembly of")]
    assert len(headers) == 3
    # main first, then the functions in declaration order, with where they are declared
    assert headers[0].startswith("Disassembly of <main>")
    assert re.match(r"Disassembly of fib\b.*\bline 1\b", headers[1])
    assert re.match(r"Disassembly of unused\b.*\bline 3\b", headers[2])
    assert "print(fib(15))" in text  # the source line is shown with its code
    calls = [line for line in text.splitlines() if re.search(r"\bcall\b", line)]
    assert len(calls) == 3 and all("fib" in line for line in calls)
    entry = program.code.functions[0].entry
    assert all(f"to {entry}" in line for line in calls)


def test_disassembly_of_a_small_program_exactly() -> None:
    text = vmscope.compile_source('print("hi", 1 + 2)\n').disassemble()
    ops = [m["op"] for m in map(_LINE.match, text.splitlines()) if m]
    assert ops == ["const", "const", "const", "add", "print", "halt"]
    assert "  >>" not in text  # straight-line code has no jump targets


# ---- emitters ---------------------------------------------------------------------------------


def test_factories_take_an_ip_only_where_they_use_it() -> None:
    from vmscope.compiler import arith, calls, control, data

    takes_ip = {f"{module.__name__.rsplit('.', 1)[1]}.{name}"
                for module in (arith, calls, control, data)
                for name, fn in vars(module).items()
                if name.startswith("make_") and "ip" in inspect.signature(fn).parameters}
    assert takes_ip == {"calls.make_call", "calls.make_return"}


@pytest.mark.parametrize("op", list(BinOp))
def test_every_operator_compiles_to_its_opcode(op: BinOp) -> None:
    program = vmscope.compile_source(f"let a = 7\nlet b = 2\nprint(a {op.symbol} b)\n")
    (instr, closure), = [(i, c) for i, c in zip(program.code.instrs, program.code.code,
                                                 strict=True) if i.pops == 2]
    assert instr.op is BINARY_OPS[op] and closure.__name__ == f"op_{instr.op.value}"
    assert program.run().output == program.run("ast").output
