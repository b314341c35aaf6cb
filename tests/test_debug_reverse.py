"""Reverse execution to a condition (rr's model): reverse-stepi, -step,
-next, -finish, -continue and last_change, each checked on hand-written
programs and, with hypothesis, against a forward scan of random programs
(run forward one step at a time, recording where breakpoints hit and values
change, then compare with what the backward search finds)."""

from __future__ import annotations

import threading
import time
from collections.abc import Hashable
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_properties import GEN_LIMITS, _examples, programs

import vmscope
from vmscope.debug import DebugError, Session, State, StopReason
from vmscope.debug import reverse as reverse_module
from vmscope.debug.evaluate import scope_names
from vmscope.debug.trails import Position, previous_line_over, previous_line_start
from vmscope.errors import CompileError
from vmscope.lang.values import UNSET, display
from vmscope.vm.opcodes import Op

pytestmark = pytest.mark.filterwarnings(
    "ignore:The recursion limit will not be reset:hypothesis.errors.HypothesisWarning")

PROGRAM = """\
let calls = 0
let last = ""
fn f(n) {
  calls += 1
  let m = n * 2
  if n > 0 { last = str(n) }
  return m
}
let total = 0
for i in range(5) {
  total += f(i)
}
print(total, last)
"""


def session(src: str = PROGRAM, **kw: Any) -> Session:
    return Session(vmscope.compile_source(src, "t.vms"), **kw)


# ---- the pure parts ------------------------------------------------------------------------

def test_previous_line_start_on_a_trail() -> None:
    trail: list[Position] = [(0, 0, 1), (0, 0, 1), (0, 0, 2), (1, 1, 7), (1, 1, 7), (0, 0, 2),
                             (0, 0, 3)]
    assert previous_line_start(trail, 0) == 5  # into the call's return: line 2 again
    assert previous_line_start(trail[:5], 0) == 2  # in the callee: back to the call line
    assert previous_line_start(trail[:2], 0) == 0
    assert previous_line_start(trail[1:3], 10) is None  # the window is too short


def test_previous_line_over_skips_calls_and_leaves_the_frame_at_its_call() -> None:
    trail: list[Position] = [(0, 0, 1), (0, 0, 2), (1, 1, 7), (1, 1, 8), (0, 0, 2),
                             (0, 0, 3)]
    assert previous_line_over(trail, 0) == 1  # line 2's start, over the call
    inside: list[Position] = [(0, 0, 1), (0, 0, 2), (1, 1, 7), (1, 1, 7), (1, 1, 8)]
    assert previous_line_over(inside, 0) == 2  # the callee's first line
    assert previous_line_over(inside[:4], 0) == 1  # out of it: the call in the caller


# ---- hand-written cases ------------------------------------------------------------------

def test_reverse_stepi_is_back_one_state() -> None:
    s = session(checkpoint_every=8)
    snaps = [s.snapshot(), *(s.step() for _ in range(30))]
    assert s.reverse_stepi() == snaps[29]
    assert s.reverse_stepi(10) == snaps[19]


def test_reverse_step_and_reverse_next() -> None:
    s = session()
    s.run_to(line=13)  # the print, after the loop
    back = s.reverse_step()
    assert back.line == 10 and back.frame_count == 1  # the loop head that left the loop
    assert s.reverse_step().line == 12  # the body's `}`: the jump back
    assert s.reverse_step().line == 11  # the rest of the body's line, after f returned
    inside = s.reverse_step()  # into the call: its last line
    assert (inside.line, inside.frames[-1].function) == (7, "f")
    s.restart()
    s.run_to(line=7)  # in f, past the `if`
    assert [s.reverse_next().line for _ in range(3)] == [6, 5, 4]
    out = s.reverse_next()  # from f's first line: out to the call
    assert out.frame_count == 1 and out.instr is not None and out.instr.op is Op.CALL
    assert s.reverse_next(2).frame_count == 1


def test_reverse_finish_goes_back_to_the_call_instruction() -> None:
    s = session()
    s.add_breakpoint("7", condition="n == 3")
    snap = s.continue_()
    assert snap.frame_count == 2
    back = s.reverse_finish()
    assert back.reason is StopReason.CALL and back.frame_count == 1
    assert back.instr is not None and back.instr.op is Op.CALL
    assert back.detail == f"of f at step {back.steps:,}"
    assert s.step().frames[-1].function == "f" and s.evaluate("n") == 3
    s.reverse_stepi()
    with pytest.raises(DebugError, match="reverse-finish: not in a function"):
        s.reverse_finish()


def test_reverse_continue_to_a_breakpoint_then_a_watchpoint_then_step_0() -> None:
    s = session()
    s.add_breakpoint("6", condition="n == 2")
    s.continue_()
    at = s.snapshot()
    s.continue_()  # the end
    back = s.reverse_continue()
    assert back.steps == at.steps and back.reason is StopReason.BREAKPOINT
    assert back.detail == "#1 line 6 if n == 2"
    s.add_watchpoint("last")
    back = s.reverse_continue()
    assert back.reason is StopReason.WATCHPOINT and back.detail == 'last: "" -> "1"'
    s.delete_all_breakpoints()
    s.clear_watches()
    back = s.reverse_continue()
    assert back.steps == 0 and back.reason is StopReason.GOTO
    assert "no breakpoint hit before step" in back.detail


def test_last_change_of_a_global_and_of_a_local() -> None:
    s = session()
    s.run_to(line=13)
    snap = s.last_change("total")
    assert snap.reason is StopReason.CHANGE and snap.detail.startswith("total: 12 -> 20 at")
    assert s.evaluate("total") == 20
    s.goto(snap.steps - 1)
    assert s.evaluate("total") == 12
    s.restart()
    s.run_to(line=7)
    local = s.last_change("m")
    assert local.frame_count == 2 and local.detail.startswith("m: (no value) -> ")
    entry = s.last_change("n")
    assert entry.detail.startswith("n: (no frame) -> ")  # bound when f was called
    with pytest.raises(DebugError, match="1 \\+ 1 never changed since step 0"):
        s.last_change("1 + 1")
    with pytest.raises(CompileError):
        s.last_change("nope")


def test_last_change_follows_the_selected_frame() -> None:
    s = session()
    s.run_to(line=7)
    s.up()
    snap = s.last_change("i")  # main's loop variable, seen from f's caller
    assert snap.frame_count == 1 and snap.detail.startswith("i: ")


def test_a_backward_search_crosses_many_windows_and_checkpoints() -> None:
    src = "let x = 0\nlet i = 0\nwhile i < 3000 { i += 1 }\nx = 1\nlet j = 0\n" \
          "while j < 3000 { j += 1 }\nprint(x)\n"
    s = session(src, checkpoint_every=50)
    s.add_breakpoint("4")
    first = s.continue_()
    s.continue_()
    assert s.reverse_continue().steps == first.steps
    s.continue_()
    s.delete_all_breakpoints()
    assert s.last_change("x").steps == first.steps + 2


def test_a_pause_interrupts_a_search_and_leaves_the_program_where_it_was() -> None:
    src = "let x = 0\nlet i = 0\nwhile i < 400000 { i += 1 }\nprint(i)\n"
    s = session(src)
    s.continue_()
    end = s.snapshot()
    result: list[Any] = []
    worker = threading.Thread(target=lambda: result.append(s.last_change("x")))
    worker.start()
    time.sleep(0.3)
    s.pause()
    worker.join(timeout=10)
    assert not worker.is_alive()
    snap = result[0]
    assert snap.reason is StopReason.PAUSE and snap.detail == "last-change interrupted: not moved"
    assert snap.steps == end.steps and snap.state is State.FINISHED


def test_reverse_search_sees_an_edited_variable() -> None:
    s = session()
    s.run_to(line=13)
    s.set_variable("total", "99")
    s.continue_()
    snap = s.last_change("total")
    assert s.evaluate("total") == 99 and "-> 99" in snap.detail


# ---- against a forward scan, on random programs -----------------------------------------

SETTINGS: dict[str, Any] = dict(
    max_examples=_examples(40), deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much])
MAX_STEPS = 1500


def _key(value: Any) -> Hashable:
    return ("none",) if value is UNSET else (type(value).__name__, display([value]))


def _program(src: str) -> vmscope.Program | None:
    try:
        program = vmscope.compile_source(src, "gen.vms")
        program.code  # noqa: B018
    except CompileError:
        return None
    return program


def _forward(program: vmscope.Program, limits: vmscope.Limits) -> list[dict[str, Any]]:
    """Every state up to MAX_STEPS: ip, depth, globals' keys, the frames' slots."""
    scan = Session(program, limits)
    states = []
    while True:
        vm = scan.vm
        states.append({"ip": min(vm.ip, len(program.code.instrs) - 1),
                       "depth": len(vm.frames),
                       "globals": [_key(v) for v in vm.globals]})
        if scan.done or len(states) > MAX_STEPS:
            return states
        scan.step()
        if scan.state is State.ERROR:
            return states  # the failing step did not happen: no new state


@pytest.fixture(autouse=True)
def small_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tiny first windows, so searches chain many of them across checkpoints."""
    monkeypatch.setattr(reverse_module, "FIRST_WINDOW", 3)


@settings(**SETTINGS)
@given(programs(), st.data())
def test_reverse_continue_agrees_with_a_forward_scan(src: str, data: st.DataObject) -> None:
    program = _program(src)
    assume(program is not None)
    assert program is not None
    limits = vmscope.Limits(**GEN_LIMITS)
    states = _forward(program, limits)
    lines = sorted({i.span.line for i in program.code.instrs})
    chosen = data.draw(st.lists(st.sampled_from(lines), max_size=2, unique=True))
    # A watchpoint reads its expression in the innermost frame: watch globals no
    # function has a local of the same name, so the scan's direct read agrees.
    locals_ = {name for fn in program.code.functions for name in fn.slot_names}
    plain = [i for i, name in enumerate(program.code.global_names) if name not in locals_]
    watched = data.draw(st.sampled_from([None, *plain]))
    s = Session(program, limits, checkpoint_every=data.draw(st.sampled_from([4, 37, 1000])))
    ips: set[int] = set()
    for line in chosen:
        ips |= set(s.add_breakpoint(line=line).ips)
    if watched is not None:
        s.add_watchpoint(program.code.global_names[watched])
    now = data.draw(st.integers(0, len(states) - 1))
    s.goto(now)
    if now == 0:
        with pytest.raises(DebugError):
            s.reverse_continue()
        return
    events = [k for k in range(now) if states[k]["ip"] in ips]
    if watched is not None:
        events += [k for k in range(1, now)
                   if states[k]["globals"][watched] != states[k - 1]["globals"][watched]]
    snap = s.reverse_continue()
    assert snap.steps == max(events, default=0)


@settings(**SETTINGS)
@given(programs(), st.data())
def test_last_change_agrees_with_a_forward_scan(src: str, data: st.DataObject) -> None:
    program = _program(src)
    assume(program is not None and program.code.global_names)
    assert program is not None
    limits = vmscope.Limits(**GEN_LIMITS)
    states = _forward(program, limits)
    names = program.code.global_names
    index = data.draw(st.integers(0, len(names) - 1))
    s = Session(program, limits, checkpoint_every=data.draw(st.sampled_from([4, 37, 1000])))
    now = data.draw(st.integers(1, len(states) - 1)) if len(states) > 1 else 0
    assume(now > 0)
    s.goto(now)
    fn, _, ip = s.frame_at(0)
    assume(names[index] not in scope_names(fn, ip))  # the global, not a local of that name
    changes = [k for k in range(1, now + 1)
               if states[k]["globals"][index] != states[k - 1]["globals"][index]]
    if not changes:
        with pytest.raises(DebugError, match="never changed since step 0"):
            s.last_change(names[index])
        assert s.steps == now
        return
    assert s.last_change(names[index]).steps == changes[-1]


@settings(**SETTINGS)
@given(programs(), st.data())
def test_reverse_finish_and_reverse_step_agree_with_a_forward_scan(
        src: str, data: st.DataObject) -> None:
    program = _program(src)
    assume(program is not None)
    assert program is not None
    limits = vmscope.Limits(**GEN_LIMITS)
    states = _forward(program, limits)
    s = Session(program, limits, checkpoint_every=data.draw(st.sampled_from([4, 37, 1000])))
    now = data.draw(st.integers(1, len(states) - 1)) if len(states) > 1 else 0
    assume(now > 0)
    s.goto(now)
    depth = states[now]["depth"]
    if depth == 0:
        with pytest.raises(DebugError, match="not in a function"):
            s.reverse_finish()
    else:
        expected = max(k for k in range(now) if states[k]["depth"] < depth)
        assert s.reverse_finish().steps == expected
        s.goto(now)
    instrs = program.code.instrs
    trail = [(st_["depth"], instrs[st_["ip"]].func, instrs[st_["ip"]].span.line)
             for st_ in states[:now + 1]]
    assert s.reverse_step().steps == previous_line_start(trail, 0)
    s.goto(now)
    assert s.reverse_next().steps == previous_line_over(trail, 0)


def test_the_forward_scan_reads_locals_like_last_change() -> None:
    """A local's last change, found by a forward scan of its slot by name."""
    s = session()
    s.run_to(line=7)
    p = s.frame_count - 1
    scan = session()
    keys = []
    while scan.steps <= s.steps:
        vm = scan.vm
        if len(vm.frames) < p:
            keys.append(("no frame",))
        else:
            fn, slots, ip = scan.frame_at(len(vm.frames) - p)
            slot = scope_names(fn, ip).get("m")
            keys.append(_key(UNSET if slot is None else slots[slot]))
        scan.step()
    expected = max(k for k in range(1, len(keys)) if keys[k] != keys[k - 1])
    assert s.last_change("m").steps == expected


def test_reverse_statement_retraces_statement_stepping() -> None:
    s = session()
    starts = [0]  # step 0 is <main>'s entry
    while not s.done:
        snap = s.step_statement()
        if snap.ip in s.statement_starts and not s.done:
            starts.append(snap.steps)
    back = []
    while s.steps:
        back.append(s.reverse_statement().steps)
    assert back == sorted(starts, reverse=True)
