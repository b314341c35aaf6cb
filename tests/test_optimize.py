"""Optimisation levels: deterministic figures (instructions per iteration,
calls into the generic operators), guards and deoptimisation, generated code
that treats user text as data, and the levels agreeing with the AST engine."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest

import vmscope
from vmscope.compiler import codegen
from vmscope.compiler.compiler import compile_program
from vmscope.compiler.fused import Kind
from vmscope.lang import values
from vmscope.lang.semantics import DEFAULT_SEMANTICS, Semantics
from vmscope.lang.values import Limits
from vmscope.vm.machine import VM
from vmscope.vm.opcodes import Op

COUNT_LOOP = """
let i = 0
let s = 0
while i < {n} {{ s += i; i += 1 }}
print(s)
"""


def steps(src: str, level: int) -> int:
    result = vmscope.compile_source(src).at_level(level).run(count_steps=True)
    assert result.error is None
    return result.steps


@pytest.mark.parametrize(("level", "exactly"), [(0, 13), (1, 3), (2, 3)])
def test_instructions_per_iteration_of_a_counting_loop(level: int, exactly: int) -> None:
    per_iteration = (steps(COUNT_LOOP.format(n=2000), level)
                     - steps(COUNT_LOOP.format(n=1000), level)) / 1000
    assert per_iteration == exactly  # the issue asks for at most 4 at -O1


@dataclass
class Counting:
    """A run's semantics whose generic operators, builtins and fallbacks count their calls."""

    calls: Counter[str]
    sem: Semantics

    def vm(self, program: vmscope.Program, write: Callable[[str], object]) -> VM:
        """A VM on the program compiled with the counting semantics."""
        return VM(compile_program(program.resolved, program.level, self.sem), write, Limits())


@pytest.fixture
def generic_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counting]:
    """Count calls into the generic operators that fused code falls back to."""
    calls: Counter[str] = Counter()

    def counted(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def counting(*args: Any) -> Any:
            calls[name] += 1
            return fn(*args)

        return counting

    ops = DEFAULT_SEMANTICS.ops
    binary = {op: counted(op.name.lower(), fn) for op, fn in ops.binary.items()}
    sem = Semantics(replace(ops, binary=binary, to_str=counted("to_str", ops.to_str)),
                    {name: counted(name, fn) for name, fn in DEFAULT_SEMANTICS.builtins.items()})
    for name in ("neg", "get_index"):  # limit-free: generated code reads them from values
        monkeypatch.setattr(values, name, counted(name, getattr(values, name)))
    yield Counting(calls, sem)


TYPED = """
fn poly(x: float, n: int) -> float {
  let acc: float = 0.0
  let i: int = 0
  while i < n {
    acc = acc * x + 1.5
    i += 1
  }
  return acc
}
let total = 0
for k in range(50) {
  total = total + k * 2 - k % 3 + k // 2
}
print(poly(0.5, 20), total, -total, total == 10, 1.5 < poly(0.1, 3))
"""


@pytest.mark.parametrize("level", [1, 2])
def test_no_generic_operator_calls_when_types_are_known(
        level: int, generic_calls: Counting) -> None:
    program = vmscope.compile_source(TYPED).at_level(level)
    vm_out: list[str] = []
    vm = generic_calls.vm(program, vm_out.append)
    vm.run()
    assert generic_calls.calls == Counter()
    assert sum(vm.deopts) == 0
    assert "".join(vm_out) == program.run("ast").output


def test_guards_fall_back_and_count_deoptimisations(generic_calls: Counting) -> None:
    src = 'fn join(a, b) { return a + b }\nprint(join(1, 2), join("x", "y"), join(3, 4))\n'
    program = vmscope.compile_source(src).at_level(1)
    vm = generic_calls.vm(program, lambda text: None)
    vm.run()
    deopted = [(program.code.instrs[ip].argrepr, count) for ip, count in enumerate(vm.deopts)
               if count]
    assert deopted == [("return a + b", 1)]  # only the call with strs left the int path
    assert generic_calls.calls == Counter(add=1)  # and it went to the run's generic `+`


HOSTILE = r"""
let __import__ = "os"
let __builtins__ = 1
fn __class__(self) { return self + __builtins__ }
let s = "') ; __import__('os').system('echo pwned') ; ('"
let q = "a\"b\n\tc\\d"
let t = s + q
print(__import__, __class__(41), s, len(t), t)
let xs = [s, q]
xs[0] += "!"
print(xs)
"""


@pytest.mark.parametrize("level", [0, 1, 2])
def test_hostile_names_and_strings_are_data(level: int, capfd: pytest.CaptureFixture[str]
                                            ) -> None:
    program = vmscope.compile_source(HOSTILE)
    want = program.run("ast").output
    got = program.at_level(level).run()
    assert got.error is None and got.output == want
    assert "pwned" not in capfd.readouterr().out
    # No user text reached generated source: every factory is keyed by its source.
    for source in codegen._FACTORIES:
        assert "__import__" not in source and "pwned" not in source


def test_factories_are_shared_by_shape() -> None:
    src = "\n".join(f"let v{i} = {i} + {i * 2}" for i in range(200)) + "\nprint(v199)\n"
    before = codegen.factory_cache_size()
    program = vmscope.compile_source(src).at_level(2)
    assert program.run().output == "597\n"
    assert codegen.factory_cache_size() - before <= 2


@pytest.mark.parametrize("level", [1, 2])
def test_fused_errors_keep_exact_positions(level: int) -> None:
    src = "let a = 1\nlet b = [1, 2]\nlet c = a + b[1] * (a - 1) // (b[0] - 1)\n"
    program = vmscope.compile_source(src, "e.vms")
    want = program.run("ast").error
    got = program.at_level(level).run().error
    assert want is not None and got is not None
    assert (got.kind, got.line, got.col) == (want.kind, want.line, want.col) == (
        vmscope.ErrorKind.ZERO_DIVISION, 3, 28)


def test_dis_shows_what_fused_instructions_stand_for() -> None:
    program = vmscope.compile_source(COUNT_LOOP.format(n=10)).at_level(1)
    listing = program.disassemble()
    assert "s += i" in listing and "while i < 10" in listing
    assert "add.int" in listing or "add.guard" in listing
    ops = {i.op for i in program.code.instrs}
    assert Op.STMT in ops and Op.BRANCH in ops


def test_levels_are_steppable_in_the_debugger() -> None:
    from vmscope.debug import Session, StopReason

    for level in (0, 1, 2):
        session = Session(vmscope.compile_source(TYPED).at_level(level))
        session.add_breakpoint(line=6)
        snap = session.continue_()
        assert snap.reason is StopReason.BREAKPOINT and snap.frames[-1].function == "poly"
        session.continue_()
        session.step_back()
        while not session.done:
            session.step()
        assert session.snapshot().output == vmscope.compile_source(TYPED).run("ast").output


ORDER = """
fn bump() { counter += 1; print("bump"); return 1 }
fn peek() { return counter }
let before = 1
print(before, bump(), counter)
fn early() { return missing + bump() }
print(early())
let missing = 5
"""


@pytest.mark.parametrize("level", [1, 2])
def test_operands_keep_their_order_around_calls(level: int) -> None:
    src = "let counter = 0\n" + ORDER
    program = vmscope.compile_source(src)
    want = program.run("ast")
    got = program.at_level(level).run()
    assert want.error is not None and got.error is not None
    assert (got.output, got.error.kind, got.error.line, got.error.col) == (
        want.output, want.error.kind, want.error.line, want.error.col)


SHORT_CIRCUIT = """
fn f(a, b, s) {{ return {expr} }}
print(f(3, 0, "x"), f(1, 2, "y"), f(2.5, 7, ""), f(-4, 1, "z"))
"""


@pytest.mark.parametrize("expr", ["a * b + 1 > 2 and s != \"x\"", "(a - b) * 2 < 1 or s",
                                  "a > b + b * 2 and s", "a + 1 == 4 or (b * b > 3 and s != \"\")"])
def test_and_or_fuse_the_left_test_with_the_jump(expr: str) -> None:
    program = vmscope.compile_source(SHORT_CIRCUIT.format(expr=expr))
    want = program.run("ast").output
    o1 = program.at_level(1)
    assert o1.run().output == want and program.at_level(0).run().output == want
    fn = [i for i in o1.code.instrs if i.func == 0]
    assert fn[0].op is Op.BRANCH and fn[0].target is not None  # the test and the jump: one
    assert not any(i.op in (Op.JUMP_IF_FALSE_OR_POP, Op.JUMP_IF_TRUE_OR_POP) for i in fn)


def test_row_expression_is_three_instructions_at_o1() -> None:
    from vmscope.bench.rows import COLUMNS
    from vmscope.rows.expr import compile_expression

    rx = compile_expression('(price * qty) * (1 - discount) > 100 and name != "x"', COLUMNS)
    ops = [i.op for i in rx.code_at(1).code.instrs]
    # the left test (ending the row when false), the right side ending the row,
    # and a plain `next row` (unreached here; the target of other shapes' jumps)
    assert ops == [Op.BRANCH, Op.EXPR, Op.HALT]


def test_fused_kinds_name_their_families_and_opcodes() -> None:
    assert Kind.EXPR.family(["add.int"]) == "add.int"
    assert Kind.STMT.family(["add.int", "mul.int"]) == "stmt"
    assert Kind.BRANCH.family(["lt.int"]) == "branch.lt.int"
    assert Kind.BRANCH.family(["lt.int", "and"]) == "branch"
    assert Kind.RETURN.family(["return"]) == "return"
    assert Kind.RETURN.family(["add.int", "return"]) == "return.fused"
    assert Kind.CALL.family(["call"]) == "call"
    assert Kind.ROWS.family(["add", "gt"]) == "rows"
    assert {k: k.op for k in Kind} == {
        Kind.EXPR: Op.EXPR, Kind.STMT: Op.STMT, Kind.BRANCH: Op.BRANCH, Kind.CALL: Op.CALL,
        Kind.RETURN: Op.RETURN, Kind.ROWS: Op.STMT}


def test_families_shown_for_a_known_program() -> None:
    src = ("fn f(n: int) -> int {\n  if n < 2 { return n }\n  return f(n - 1) + f(n - 2)\n}\n"
           "let s: float = 0.5\ns = s * 2.0\nprint(f(5), s)\n")
    families = {i.family for i in vmscope.compile_source(src).at_level(1).code.instrs}
    assert {"branch.lt.int", "return.fused", "call", "mul.float"} <= families
