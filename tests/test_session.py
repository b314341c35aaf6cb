"""debug.Session: every operation, checked against plain runs of the engine."""

from __future__ import annotations

import threading
import time

import pytest

import vmscope
from vmscope.debug import Session, State, StopReason
from vmscope.debug.breakpoints import ips_of
from vmscope.vm.opcodes import Op

FIB = """\
let calls = 0
fn fib(n: int) -> int {
  calls += 1
  if n < 2 {
    return n
  }
  return fib(n - 1) + fib(n - 2)
}
print(fib(6))
print(calls)
"""

LOOP = """\
let total = 0
for i in range(10) {
  total += i
}
print(total)
"""


def session(src: str, **kw: object) -> Session:
    return Session(vmscope.compile_source(src, "t.vms"), **kw)  # type: ignore[arg-type]


def fake_clock() -> object:
    ticks = iter(range(0, 10**12, 100))
    return lambda: next(ticks)


def test_stepping_to_the_end_matches_a_plain_run() -> None:
    s = session(FIB)
    while not s.done:
        s.step()
    plain = s.program.run(count_steps=True)
    snap = s.snapshot()
    assert snap.state is State.FINISHED
    assert snap.output == plain.output == "8\n25\n"
    assert snap.steps == plain.steps
    assert sum(snap.hits) == plain.steps


def test_step_shows_pushes_and_pops() -> None:
    s = session("print(1 + 2)\n")
    s.step()
    snap = s.step()
    assert [i.value.text for i in snap.stack] == ["2", "1"]  # top first
    assert snap.stack[0].pushed
    snap = s.step()  # add
    assert [i.value.text for i in snap.stack] == ["3"]
    assert [v.text for v in snap.popped] == ["1", "2"]


def test_continue_gives_exact_hits_like_single_stepping() -> None:
    fast = session(FIB)
    fast.continue_()
    slow = session(FIB)
    while not slow.done:
        slow.step()
    assert fast.snapshot() == slow.snapshot()


def test_line_breakpoint_with_condition_and_hit_count() -> None:
    s = session(FIB)
    s.add_breakpoint(line=3, condition="n == 1")
    snap = s.continue_()
    assert snap.state is State.PAUSED and snap.reason is StopReason.BREAKPOINT
    assert snap.frames[-1].locals == (("n", snap.frames[-1].locals[0][1]),)
    assert snap.frames[-1].locals[0][1].text == "1"
    s2 = session(FIB)
    bp = s2.add_breakpoint(line=3, hit_count=3)
    assert bp.ignore_count == 2  # from hit 3 = ignore the first 2 (gdb's count)
    snap = s2.continue_()
    assert s2.get_breakpoint(bp.id).hits == 3  # records are frozen: ask the session
    assert s2.get_breakpoint(bp.id).ignore_count == 0
    assert [f.function for f in snap.frames] == ["<main>", "fib", "fib", "fib"]


def test_broken_condition_stops_and_reports() -> None:
    s = session(FIB)
    bp = s.add_breakpoint(line=3, condition="n + 'x'")
    snap = s.continue_()
    assert snap.state is State.PAUSED
    assert s.get_breakpoint(bp.id).last_error is not None and "condition failed" in snap.detail


def test_ip_and_opcode_breakpoints() -> None:
    s = session(FIB)
    add_ip = next(ip for ip, i in enumerate(s.code.instrs) if i.op is Op.ADD)
    s.add_breakpoint(ip=add_ip)
    assert s.continue_().ip == add_ip
    s2 = session(FIB)
    s2.add_breakpoint(opcode="return")
    assert s2.continue_().instr.op is Op.RETURN  # type: ignore[union-attr]


def test_removed_breakpoint_restores_the_original_closure() -> None:
    s = session(LOOP)
    bp = s.add_breakpoint(line=3)
    ips = s.breakpoint_ips()
    assert all(s.live[ip] is not s.counter.fast[ip] for ip in ips)
    s.remove_breakpoint(bp.id)
    assert s.live == s.counter.fast
    assert s.continue_().state is State.FINISHED


def test_disabled_breakpoint_does_not_stop() -> None:
    s = session(LOOP)
    bp = s.add_breakpoint(line=3)
    s.enable_breakpoint(bp.id, False)
    assert s.continue_().state is State.FINISHED
    assert [b.enabled for b in s.list_breakpoints()] == [False]


def test_step_over_step_out_and_step_line() -> None:
    s = session(FIB)
    s.run_to(line=9)
    snap = s.step_over()
    assert snap.line == 10 and snap.output == "8\n"
    s.restart()
    s.run_to(line=3)
    out = s.step_out()
    assert len(out.frames) == 1 and out.frames[-1].function == "<main>"
    s.restart()
    first = s.step_line()
    assert first.line != 1 or first.frames[-1].function != "<main>"


def test_run_to_ip_and_restart_keeps_breakpoints() -> None:
    s = session(LOOP)
    s.add_breakpoint(line=5)
    snap = s.run_to(ip=3)
    assert snap.ip == 3
    s.restart()
    assert s.snapshot().state is State.READY
    assert s.continue_().line == 5


def test_step_back_lands_on_exactly_the_earlier_state() -> None:
    s = session(FIB, checkpoint_every=16)
    snaps = [s.snapshot()]
    for _ in range(120):
        snaps.append(s.step())
    for k in (119, 64, 33, 16, 15, 1, 0):
        assert s.goto(k) == snaps[k]
    s.goto(120)
    assert s.step_back() == snaps[119]


def test_step_back_after_continue_and_output_is_replayed() -> None:
    s = session(FIB, checkpoint_every=8)
    s.add_breakpoint(line=3)
    for _ in range(5):
        s.continue_()
    at = s.snapshot()
    s.continue_()
    back = s.step_back_breakpoint()
    assert back == at
    early = s.goto(3)
    assert early.output == ""
    assert s.goto(at.steps).output == at.output


def test_step_back_line() -> None:
    s = session(LOOP)
    s.run_to(line=5)
    back = s.step_back_line()
    assert back.line == 2  # the loop head was the last line before print


def test_watch_and_watchpoint() -> None:
    s = session(LOOP)
    s.add_watch("total * 2")
    s.add_watchpoint("total")
    snap = s.continue_()
    assert snap.reason is StopReason.WATCHPOINT and snap.detail.startswith("total")
    snap = s.continue_()
    assert "-> 1" in snap.detail
    assert snap.watches[0].value is not None and snap.watches[0].value.text == "2"


def test_runtime_error_is_post_mortem() -> None:
    s = session("fn f(x) {\n  return x / 0\n}\nprint(f(1))\n")
    snap = s.continue_()
    assert snap.state is State.ERROR
    assert snap.error is not None and "ZeroDivisionError" in snap.error
    assert snap.error_span is not None and (snap.error_span.line, snap.error_span.col) == (2, 12)
    assert [f.function for f in snap.frames] == ["<main>", "f"]
    assert [i.value.text for i in snap.stack] == ["0", "1"]


def test_pause_stops_an_infinite_loop_quickly() -> None:
    s = session("let i = 0\nwhile true { i += 1 }\n")
    done: list[object] = []
    worker = threading.Thread(target=lambda: done.append(s.continue_()))
    worker.start()
    time.sleep(0.3)
    start = time.perf_counter()
    s.pause()
    worker.join(timeout=5)
    assert not worker.is_alive()
    assert time.perf_counter() - start < 0.1
    snap = done[0]
    assert snap.state is State.PAUSED and snap.reason is StopReason.PAUSE  # type: ignore[attr-defined]
    s.step()  # the traps are gone: stepping and continuing still work
    assert s.snapshot().steps == snap.steps + 1  # type: ignore[attr-defined]


def test_checkpoint_memory_cap_thins_history() -> None:
    s = session(FIB, checkpoint_every=1, memory_cap=4000)
    while not s.done:
        s.step()
    snap = s.snapshot()
    assert snap.checkpoint_bytes <= 4000 + max(len(p.blob) for p in s.history.points)
    assert s.history.every > 1
    assert s.goto(10).steps == 10


def test_fake_clock_gives_deterministic_times() -> None:
    a = session(LOOP, clock=fake_clock())
    b = session(LOOP, clock=fake_clock())
    for _ in range(20):
        a.step()
        b.step()
    assert a.snapshot().times_ns == b.snapshot().times_ns
    assert a.snapshot().elapsed_ns == 20 * 100


def test_max_steps_is_a_limit_error_in_the_debugger() -> None:
    s = session("while true { }\n", limits=vmscope.Limits(max_steps=50))
    snap = s.continue_()
    assert snap.state is State.ERROR and snap.error is not None and "LimitError" in snap.error


def test_bad_breakpoint_is_rejected() -> None:
    s = session(LOOP)
    with pytest.raises(ValueError):
        s.add_breakpoint(line=99)
    with pytest.raises(ValueError):
        s.add_breakpoint(line=1, ip=2)


def test_breakpoint_added_after_a_pause_is_honoured() -> None:
    s = session("let i = 0\nwhile true {\n  i += 1\n}\n")
    worker = threading.Thread(target=s.continue_)
    worker.start()
    time.sleep(0.2)
    s.pause()
    worker.join(timeout=5)
    bp = s.add_breakpoint(line=3)
    assert s.breakpoint_ips() == set(ips_of(bp, s.code))  # stepping sees it at once
    snap = s.continue_()
    assert snap.reason is StopReason.BREAKPOINT and snap.line == 3


SCOPES = """\
fn f(a) {
  let x = 1
  if a {
    let x = 2
    print(x)
  }
  for i in range(2) { print(i) }
  return x
}
print(f(true))
"""


@pytest.mark.parametrize("level", [0, 1, 2])
def test_frames_show_the_locals_in_scope_and_watches_see_the_inner_name(level: int) -> None:
    s = Session(vmscope.compile_source(SCOPES, "t.vms").at_level(level))
    s.add_watch("x")
    s.add_breakpoint(line=5)
    s.add_breakpoint(line=8)
    inner = s.continue_()
    assert [(k, v.text) for k, v in inner.frames[-1].locals] == [("a", "true"), ("x", "2")]
    assert inner.watches[0].value is not None and inner.watches[0].value.text == "2"
    outer = s.continue_()
    assert outer.line == 8
    assert [(k, v.text) for k, v in outer.frames[-1].locals] == [("a", "true"), ("x", "1")]
    assert outer.watches[0].value is not None and outer.watches[0].value.text == "1"


def test_next_and_finish_report_progress_while_they_run() -> None:
    src = ("fn spin(n) {\n  let i = 0\n  while i < n { i += 1 }\n  return i\n}\n"
           "let r = spin(60000)\nprint(r)\n")
    s = session(src)
    s.tick_seconds = 0.005
    assert s.snapshot().line == 6  # where <main> starts
    seen: list[tuple[State, int, int]] = []

    def chunk(sess: Session) -> None:
        snap = sess.snapshot()
        seen.append((snap.state, snap.steps, snap.line))

    snap = s.step_over(on_chunk=chunk)
    assert snap.line == 7 and snap.state is State.PAUSED
    assert len(seen) >= 2 and all(state is State.RUNNING for state, _, _ in seen)
    assert [steps for _, steps, _ in seen] == sorted(steps for _, steps, _ in seen)
    assert all(line in (2, 3, 4) for _, _, line in seen)  # inside spin, as it ran
    s.restart()
    s.run_to(line=3)
    seen.clear()
    assert s.step_out(on_chunk=chunk).line == 6 and seen
