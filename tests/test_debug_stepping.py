"""The stepping words: counts, nexti, next over calls at speed, statement
stepping, finish, until, advance, run to a location, and what happens (and
is said) at the ends of the program."""

from __future__ import annotations

import pytest

import vmscope
from vmscope.debug import DebugError, Session, State, StopReason

PROGRAM = """\
fn work(n) {
  let t = 0
  for i in range(n) { t += i }
  return t
}
let a = work(3)
let b = work(50)
let c = a + b
print(c)
"""


def session(src: str = PROGRAM, level: int = 0, **kw: object) -> Session:
    return Session(vmscope.compile_source(src, "t.vms").at_level(level),  # type: ignore[arg-type]
                   **kw)


def test_stepi_with_a_count_is_that_many_single_steps() -> None:
    a, b = session(), session()
    for _ in range(7):
        b.step()
    assert a.step(7) == b.snapshot()


def test_counted_line_steps_equal_repeated_ones() -> None:
    for word in ("step_line", "step_over", "step_statement", "next_statement",
                 "next_instruction"):
        a, b = session(), session()
        for _ in range(4):
            getattr(b, word)()
        assert getattr(a, word)(4) == b.snapshot(), word


def test_a_count_stops_early_at_a_breakpoint() -> None:
    s = session()
    s.add_breakpoint("2")
    snap = s.step_over(50)
    assert snap.reason is StopReason.BREAKPOINT and snap.line == 2


@pytest.mark.parametrize("level", [0, 1, 2])
def test_next_over_a_call_runs_it_at_speed_and_lands_as_single_steps_do(level: int) -> None:
    fast, slow = session(level=level), session(level=level)
    slow.add_watchpoint("1")  # a watchpoint forces the single-step path; 1 never changes
    snap = fast.step_over()
    assert snap.line == 7 and snap.frame_count == 1
    slow_snap = slow.step_over()
    assert slow_snap.steps == snap.steps and slow_snap.ip == snap.ip
    assert snap.hits == slow_snap.hits


def test_nexti_steps_over_a_call_and_stepi_into_it() -> None:
    s = session()
    s.run_to(location="*" + str(next(ip for ip, i in enumerate(s.code.instrs)
                                      if i.op.value == "call")))
    over = session()
    over.goto(s.steps)
    into = s.step()
    assert into.frames[-1].function == "work"
    after = over.next_instruction()
    assert after.frame_count == 1 and after.ip == into.frames[0].ip + 1


def test_statement_stepping_stops_at_each_statement_start() -> None:
    s = session("let x = 1\nlet y = [x, x + 1, 3]\nif x < y[2] { print(y) }\n")
    starts = []
    while not s.done:
        snap = s.step_statement()
        if not s.done:
            assert snap.ip in s.statement_starts and snap.reason is StopReason.STATEMENT
            starts.append(snap.line)
    assert starts == [2, 3, 3, 4]  # y's let, the if, the print inside it, the end


def test_next_statement_in_a_one_line_loop_stops_each_time_round() -> None:
    s = session()
    s.run_to(line=3)
    lines = set()
    seen = 0
    while seen < 6:
        snap = s.next_statement()
        lines.add(snap.line)
        seen += 1
    assert lines == {3}  # t += i, and the loop head, each round: no whole-loop jump
    assert s.evaluate("i") >= 1


def test_finish_returns_to_the_caller_and_says_what_it_returned() -> None:
    s = session()
    s.run_to(line=4)
    snap = s.step_out()
    assert snap.reason is StopReason.RETURN and snap.frame_count == 1
    assert snap.detail == "work returned 3 to <main>"
    assert snap.reason_text == "returned work returned 3 to <main>"


def test_finish_from_an_outer_selected_frame_finishes_that_frame() -> None:
    src = "fn a() { return b() + 1 }\nfn b() { return 5 }\nprint(a())\nprint(0)\n"
    s = session(src)
    s.run_to(location="b")
    s.up()
    snap = s.finish()
    assert snap.frame_count == 1 and snap.detail == "a returned 6 to <main>"


def test_finish_at_the_top_level_says_so_and_does_not_run() -> None:
    s = session()
    s.step()
    with pytest.raises(DebugError, match="finish: not in a function"):
        s.step_out()
    assert s.steps == 1


LOOP = """\
fn work(n) {
  let t = 0
  for i in range(n) {
    t += i
  }
  return t
}
print(work(40))
"""


def test_until_at_the_end_of_a_loop_body_runs_the_loop_to_its_end() -> None:
    s = session(LOOP)
    s.run_to(line=4)
    assert s.step_over().line == 5  # the body's `}`: the jump back to the loop head
    assert s.step_over().line == 3  # next goes round
    assert s.step_over().line == 4
    assert s.step_over().line == 5
    snap = s.until()  # lines 3 and 4 are not past 5: the loop runs to its end
    assert snap.line == 6 and snap.reason is StopReason.NEXT
    assert s.evaluate("t") == sum(range(40))


def test_until_a_location_stops_there_in_this_frame_or_when_it_returns() -> None:
    s = session()
    assert s.until(8).line == 8  # top level: to the line
    s.restart()
    s.run_to(line=2)
    snap = s.until(6)  # line 6 is not reached before work returns
    assert snap.reason is StopReason.RETURN and snap.frame_count == 1


def test_until_does_not_stop_in_a_deeper_recursive_call_but_advance_does() -> None:
    src = """\
fn r(n) {
  if n > 0 { r(n - 1) }
  return n
}
print(r(3))
"""
    s = session(src)
    s.run_to(line=2)
    deep = s.frame_count
    assert s.until(3).frame_count == deep  # the outer call's return line, not a deeper one
    s.restart()
    s.run_to(line=2)
    assert s.advance(3).frame_count == deep + 3  # the first time line 3 runs: n == 0


def test_run_to_takes_one_place() -> None:
    s = session()
    assert s.run_to(location="work").frames[-1].function == "work"
    with pytest.raises(DebugError, match="one of ip, line, location"):
        s.run_to(ip=1, line=2)


def test_at_the_end_forward_words_say_why_nothing_happens() -> None:
    s = session()
    s.continue_()
    for word in (s.step, s.step_line, s.step_over, s.continue_, s.until, s.step_statement):
        with pytest.raises(DebugError, match="the program has finished"):
            word()
    with pytest.raises(DebugError, match="advance: the program has finished"):
        s.advance(8)


def test_after_an_error_forward_words_say_so() -> None:
    s = session("print(1 // 0)\n")
    assert s.continue_().state is State.ERROR
    with pytest.raises(DebugError, match="stopped with an error"):
        s.step()
    assert s.goto(10).detail == "the program stops with an error at step 2"


def test_at_step_0_stepping_back_says_why_nothing_happens() -> None:
    s = session()
    for word in (s.step_back, s.reverse_step, s.reverse_next, s.reverse_continue,
                 s.reverse_stepi):
        with pytest.raises(DebugError, match="at step 0, the start"):
            word()
    with pytest.raises(DebugError, match="count must be at least 1"):
        s.step(0)


def test_a_run_to_target_survives_the_progress_ticks() -> None:
    """The ticks repatch the live code list; the run's own targets must stay."""
    src = "let i = 0\nwhile i < 200000 { i += 1 }\nprint(i)\n"
    s = session(src)
    s.tick_seconds = 0.001
    ticks: list[int] = []
    snap = s.run_to(line=3, on_chunk=lambda sess: ticks.append(sess.steps))
    assert ticks and snap.reason is StopReason.CURSOR and snap.line == 3
