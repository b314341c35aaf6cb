"""Frames: gdb's numbering and selection, evaluation in the selected frame,
the selection reset when the program moves, set_variable, and snapshots that
fold a deep stack (Session.frames gives any range)."""

from __future__ import annotations

import pytest

import vmscope
from vmscope.debug import DebugError, Session, StopReason
from vmscope.errors import CompileError, GuestError

NESTED = """\
let g = 10
fn inner(x: int) -> int {
  let y: float = 1.5
  return x + 1
}
fn outer(n) {
  let k = n * 2
  return inner(k)
}
print(outer(3))
print(g)
"""


def at_inner() -> Session:
    s = Session(vmscope.compile_source(NESTED, "t.vms"))
    s.add_breakpoint("4")
    assert s.continue_().reason is StopReason.BREAKPOINT
    return s


def test_frames_are_numbered_as_gdb_numbers_them() -> None:
    s = at_inner()
    snap = s.snapshot()
    assert [(f.level, f.function) for f in snap.frames] == [
        (2, "<main>"), (1, "outer"), (0, "inner")]
    assert [f.function for f in s.frames()] == ["inner", "outer", "<main>"]  # innermost first
    assert [f.level for f in s.frames(1, 5)] == [1, 2]
    assert snap.frame_count == 3 and snap.omitted_frames == 0


def test_up_down_and_frame_select_where_print_evaluates() -> None:
    s = at_inner()
    assert s.evaluate("x") == 6
    snap = s.up()
    assert snap.selected_frame == 1 and s.evaluate("k") == 6
    with pytest.raises(CompileError, match="name 'x' is not defined"):
        s.evaluate("x")  # not in outer's scope
    assert s.up(5).selected_frame == 2  # as far as there are
    with pytest.raises(DebugError, match="up: the outermost frame"):
        s.up()
    assert s.down(2).selected_frame == 0
    with pytest.raises(DebugError, match="down: the innermost"):
        s.down()
    assert s.select_frame(1).selected_frame == 1
    with pytest.raises(DebugError, match=r"no frame 3: the stack has 3 frames \(0 to 2\)"):
        s.select_frame(3)
    assert s.evaluate("n", frame=1) == 3 and s.evaluate("g", frame=0) == 10


def test_watches_follow_the_selected_frame() -> None:
    s = at_inner()
    s.add_watch("n")
    assert s.snapshot().watches[0].value is None
    value = s.up().watches[0].value
    assert value is not None and value.text == "3"


def test_the_selection_resets_to_frame_0_when_the_program_moves() -> None:
    s = at_inner()
    s.up()
    assert s.step().selected_frame == 0
    s.up()
    assert s.goto(s.steps - 1).selected_frame == 0
    s.up()
    assert s.restart().selected_frame == 0


def test_set_variable_assigns_a_local_in_a_frame_and_the_program_sees_it() -> None:
    s = at_inner()
    s.up()
    s.set_variable("k", "k * 10 + n")  # evaluated in frame 1: 6 * 10 + 3
    assert s.evaluate("k") == 63
    s.select_frame(0)
    s.set_variable("x", "100")
    snap = s.continue_()
    assert snap.output == "101\n10\n"


def test_set_variable_checks_a_declared_type_as_a_binding_does() -> None:
    s = at_inner()
    with pytest.raises(GuestError, match=r"cannot set x \(int\): expected int, got str"):
        s.set_variable("x", '"no"')
    assert s.evaluate("x") == 6
    s.set_variable("y", "2")
    assert s.evaluate("y") == 2.0 and type(s.evaluate("y")) is float  # int -> float
    s.set_variable("g", '"any type"')  # undeclared: anything goes
    assert s.evaluate("g") == "any type"


def test_set_variable_on_a_name_not_in_scope_is_an_error() -> None:
    s = at_inner()
    with pytest.raises(CompileError, match="name 'k' is not defined in frame 0 \\(inner\\)"):
        s.set_variable("k", "1")
    with pytest.raises(CompileError, match="name 'zz' is not defined"):
        s.set_variable("x", "zz")
    fresh = Session(vmscope.compile_source(NESTED, "t.vms"))
    with pytest.raises(GuestError, match="before its let ran"):
        fresh.set_variable("g", "1")


def test_history_after_an_edit_is_the_edited_one() -> None:
    s = at_inner()
    edited_at = s.steps
    s.set_variable("x", "41")
    end = s.continue_()
    assert end.output == "42\n10\n"
    back = s.goto(edited_at)
    assert back.steps == edited_at and s.evaluate("x") == 41  # not the replayed 6
    assert s.goto(edited_at + 2).steps == edited_at + 2
    assert s.continue_().output == "42\n10\n"
    assert s.goto(edited_at - 1).steps == edited_at - 1
    assert s.evaluate("x") == 6  # before the edit the past is as it was


DEEP = """\
fn down(n) {
  if n == 0 { return 0 }
  return down(n - 1) + 1
}
print(down(500))
"""


def test_a_deep_stack_is_folded_in_snapshots_and_expands_on_demand() -> None:
    s = Session(vmscope.compile_source(DEEP, "deep.vms"))
    s.add_breakpoint("2", condition="n == 0")
    snap = s.continue_()
    assert snap.frame_count == 502
    assert len(snap.frames) == 20 and snap.omitted_frames == 482
    levels = [f.level for f in snap.frames]
    assert levels == [*range(501, 491, -1), *range(9, -1, -1)]
    middle = s.frames(250, 3)
    assert [f.level for f in middle] == [250, 251, 252]
    assert [v.text for _, v in middle[0].args] == ["250"]
