"""Why the Session stopped: a StopReason for code to dispatch on, a detail
for people, and the text a status line shows."""

from __future__ import annotations

import pytest

import vmscope
from vmscope.debug import Session, State, StopReason

LOOP = """\
let total = 0
for i in range(10) {
  total += i
}
print(total)
"""


def session() -> Session:
    return Session(vmscope.compile_source(LOOP, "t.vms"))


def test_each_operation_names_its_reason() -> None:
    s = session()
    assert s.snapshot().reason is StopReason.READY
    assert s.step().reason is StopReason.STEP
    assert s.step_line().reason is StopReason.LINE
    assert s.step_over().reason is StopReason.NEXT
    assert s.run_to(line=5).reason is StopReason.CURSOR
    assert s.step_back().reason is StopReason.GOTO
    snap = s.continue_()
    assert snap.state is State.FINISHED and snap.reason is StopReason.FINISHED


def test_a_breakpoint_stop_carries_the_breakpoint_as_detail() -> None:
    s = session()
    s.add_breakpoint(line=3, condition="i == 4")
    snap = s.continue_()
    assert snap.reason is StopReason.BREAKPOINT
    assert snap.detail == "#1 line 3 if i == 4"
    assert snap.reason_text == "breakpoint #1 line 3 if i == 4"


def test_a_watchpoint_stop_says_what_changed() -> None:
    s = session()
    s.add_watchpoint("total")
    snap = s.continue_()
    assert snap.reason is StopReason.WATCHPOINT
    assert snap.detail == "total: (no value) -> 0"  # defined by its let
    snap = s.continue_()
    assert snap.detail == "total: 0 -> 1"
    assert snap.reason_text == "watch total: 0 -> 1"


def test_going_to_a_step_past_the_end_says_where_the_program_ends() -> None:
    s = session()
    end = s.continue_().steps
    s.goto(3)
    snap = s.goto(99_999_999)
    assert snap.state is State.FINISHED and snap.steps == end
    assert snap.reason is StopReason.FINISHED
    assert snap.reason_text == f"the program ends at step {end:,}"


def test_going_back_names_the_step_reached() -> None:
    s = session()
    for _ in range(5):
        s.step()
    snap = s.goto(2)
    assert snap.state is State.PAUSED and snap.steps == 2
    assert snap.reason_text == "at step 2"


@pytest.mark.parametrize("watchpoint", [False, True])
def test_watches_and_watchpoints_are_removed_through_the_session(watchpoint: bool) -> None:
    s = session()
    (s.add_watchpoint if watchpoint else s.add_watch)("total * 2")
    s.add_watch("i")
    assert len(s.snapshot().watches) == 2
    if watchpoint:
        s.remove_watchpoint("total * 2")
    else:
        s.remove_watch("total * 2")
    assert [w.expr for w in s.snapshot().watches] == ["i"]
    s.clear_watches()
    assert s.snapshot().watches == ()


def test_a_watchpoint_sees_a_change_past_the_text_a_pane_shows() -> None:
    src = "let xs = range(200)\nxs[150] = -1\nprint(len(xs))\n"
    s = Session(vmscope.compile_source(src, "t.vms"))
    s.run_to(line=2)
    s.add_watchpoint("xs")
    snap = s.continue_()
    assert snap.reason is StopReason.WATCHPOINT and snap.line == 3
    assert snap.detail.startswith("xs: [0, 1, 2")


def test_each_new_word_names_its_reason() -> None:
    s = Session(vmscope.compile_source("fn f() { return 1 }\nlet x = f()\nprint(x)\n", "t.vms"))
    s.run_to(location="f")
    assert s.reverse_finish().reason is StopReason.CALL
    s.run_to(location="f")
    assert s.finish().reason is StopReason.RETURN
    s.continue_()
    assert s.last_change("x").reason is StopReason.CHANGE
    s.restart()
    assert s.step_statement().reason is StopReason.STATEMENT
    assert StopReason.CALL.label == "at the call" and StopReason.CHANGE.label == "changed"
