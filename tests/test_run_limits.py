"""Limits belong to a run, never to the process: programs with different
length and int-size limits run at the same time (two threads, a debugger
session and a run between its steps), and each gets its own limits, on both
engines and at every -O level."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

import vmscope
from vmscope.debug import Session
from vmscope.lang.values import UNSET, Limits
from vmscope.vm.machine import VM

# Both runs meet at the first print (their output callbacks wait on a
# barrier), so each computes while the other's run is active.
PROGRAM = """\
print("go")
let big = 2 ** 63 * 2
print("int ok")
let s = "abc" + "def"
print("str ok")
"""
NARROW_INTS = Limits(max_int_bits=64)  # 2 ** 64 needs 65 bits: a LimitError at line 2
SHORT_STRS = Limits(max_length=5)  # "abcdef" is 6 long: a LimitError at line 4
WANT = {
    NARROW_INTS: ("go\n", ("LimitError", 2, 19)),
    SHORT_STRS: ("go\nint ok\n", ("LimitError", 4, 15)),
}
VARIANTS = ["ast", "O0", "O1", "O2"]


def _run(program: vmscope.Program, variant: str, limits: Limits,
         write: Callable[[str], Any]) -> vmscope.RunResult:
    if variant == "ast":
        return program.run("ast", limits=limits, out=write)
    return program.at_level(int(variant[1])).run(limits=limits, out=write)


def _observed(result: vmscope.RunResult, chunks: list[str]) -> tuple[Any, ...]:
    err = result.error
    return ("".join(chunks), None if err is None else (err.kind.value, err.line, err.col))


def _side_by_side(variants: tuple[str, str]) -> list[tuple[Any, ...]]:
    """Run PROGRAM under NARROW_INTS and SHORT_STRS in two threads that meet
    inside their runs; what each observed."""
    program = vmscope.compile_source(PROGRAM, "both.vms")
    barrier = threading.Barrier(2, timeout=20)
    observed: list[tuple[Any, ...]] = [(), ()]
    failures: list[BaseException] = []

    def worker(slot: int, variant: str, limits: Limits) -> None:
        chunks: list[str] = []

        def write(text: str) -> None:
            chunks.append(text)
            if len(chunks) == 1:
                barrier.wait()  # both runs are past their start, neither has computed

        try:
            observed[slot] = _observed(_run(program, variant, limits, write), chunks)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=worker, args=(slot, variant, limits))
               for slot, (variant, limits) in enumerate(zip(variants, WANT, strict=True))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not failures, failures
    assert not any(t.is_alive() for t in threads)
    return observed


@pytest.mark.parametrize("variant", VARIANTS)
def test_two_threads_with_different_limits_each_get_their_own(variant: str) -> None:
    assert _side_by_side((variant, variant)) == list(WANT.values())


@pytest.mark.parametrize("variants", [("ast", "O2"), ("O2", "ast"), ("O0", "O1")])
def test_mixed_engines_at_once_each_get_their_own_limits(variants: tuple[str, str]) -> None:
    assert _side_by_side(variants) == list(WANT.values())


@pytest.mark.parametrize("level", [0, 1, 2])
def test_a_run_between_a_sessions_steps_does_not_change_its_limits(level: int) -> None:
    """The TUI profiles with the CLI's limits while a session is open: the
    session keeps its own."""
    program = vmscope.compile_source(PROGRAM, "s.vms").at_level(level)
    session = Session(program, NARROW_INTS)
    session.step()
    other = program.run(limits=SHORT_STRS)
    assert _observed(other, [other.output]) == WANT[SHORT_STRS]
    while not session.done:
        session.step()
    err = session.error
    assert isinstance(err, vmscope.GuestError)
    assert ("".join(session.output), (err.kind.value, err.line, err.col)) == WANT[NARROW_INTS]


def test_code_is_compiled_once_per_level_and_setting_of_the_bounds() -> None:
    program = vmscope.compile_source(PROGRAM).at_level(1)
    narrow = program.code_for(NARROW_INTS)
    assert program.code_for(Limits(max_int_bits=64, max_steps=10, max_depth=3)) is narrow
    assert program.code_for(Limits()) is program.code is not narrow
    assert narrow.bounds == NARROW_INTS.bounds and program.code.bounds == Limits().bounds
    assert program.at_level(1).code_for(NARROW_INTS) is narrow  # levels share the cache


def test_a_vm_refuses_code_compiled_for_other_bounds() -> None:
    program = vmscope.compile_source(PROGRAM)
    with pytest.raises(ValueError, match="compiled for"):
        VM(program.code, lambda s: None, NARROW_INTS)
    vm = program.new_vm(lambda s: None, NARROW_INTS)  # new_vm picks the right code
    assert vm.prog is program.code_for(NARROW_INTS)


def test_watch_expressions_evaluate_under_the_sessions_limits() -> None:
    program = vmscope.compile_source("let x = 2 ** 40\nprint(x)\n")
    for limits, value, error in ((NARROW_INTS, None, "integer result needs more than 64 bits"),
                                 (Limits(), "18446744073709551616", None)):
        session = Session(program, limits)
        session.add_watch("x * 2 ** 24")
        while session.vm.globals[0] is UNSET:  # to just after `let x`
            session.step()
        (watch,) = session.snapshot().watches
        assert (watch.value.text if watch.value else None, watch.error) == (value, error)
