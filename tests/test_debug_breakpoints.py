"""Breakpoints as gdb has them: one location syntax with clear errors,
temporary breakpoints, conditions set and changed, ignore counts, delete,
disable, enable, and logpoints."""

from __future__ import annotations

import pytest

import vmscope
from vmscope.debug import BreakKind, DebugError, LocationError, Session, State, StopReason
from vmscope.debug.breakpoints import parse_location
from vmscope.errors import CompileError

PROGRAM = """\
fn add(a, b) {
  let s = a + b
  return s
}
let total = 0
for i in range(6) {
  total = add(total, i)
}
print(total)
"""


def session(src: str = PROGRAM, level: int = 0) -> Session:
    return Session(vmscope.compile_source(src, "t.vms").at_level(level))


def test_locations_parse_to_their_kind() -> None:
    code = session().code
    assert parse_location("7", code).kind is BreakKind.LINE
    fn = parse_location("add", code)
    assert (fn.kind, fn.where, fn.text) == (BreakKind.FUNCTION, "add", "add")
    assert parse_location("*3", code).text == "*3"
    assert parse_location("op:add", code).describe() == "opcode add"
    assert parse_location("t.vms:7", code, "t.vms").where == 7
    assert parse_location("src/t.vms:7", code, "t.vms").where == 7


@pytest.mark.parametrize(("text", "message"), [
    ("4", "no code on line 4"),
    ("99", "no code on line 99"),
    ("sub", "no function sub"),
    ("*100000", "no instruction 100000, the program has"),
    ("op:frobnicate", "no opcode frobnicate"),
    ("op:for_iter_init", "no opcode for_iter_init in this program"),
    ("other.vms:7", "no file other.vms: the program is t.vms"),
    ("", "a location is needed"),
    ("*x", "not an instruction address"),
    ("a b", "not a location"),
])
def test_a_bad_location_says_why(text: str, message: str) -> None:
    s = session()
    with pytest.raises(LocationError, match="^" + message.replace("(", r"\(")):
        s.add_breakpoint(text)
    assert s.list_breakpoints() == []


def test_a_function_breakpoint_stops_at_its_entry_in_its_frame() -> None:
    s = session()
    s.add_breakpoint("add")
    snap = s.continue_()
    assert snap.reason is StopReason.BREAKPOINT and snap.frames[-1].function == "add"
    assert snap.ip == s.code.functions[0].entry
    assert [(n, v.text) for n, v in snap.frames[-1].args] == [("a", "0"), ("b", "0")]


@pytest.mark.parametrize("level", [0, 1, 2])
def test_an_opcode_breakpoint_matches_the_families_of_its_opcode(level: int) -> None:
    s = session(level=level)
    bp = s.add_breakpoint("op:return")
    assert bp.ips and all(s.code.instrs[ip].family.startswith("return") for ip in bp.ips)
    assert s.continue_().instr.family.startswith("return")  # type: ignore[union-attr]


def test_a_temporary_breakpoint_is_deleted_when_it_first_stops() -> None:
    s = session()
    bp = s.add_breakpoint("3", temporary=True)
    assert "temporary" in bp.describe()
    first = s.continue_()
    assert first.reason is StopReason.BREAKPOINT and first.line == 3
    assert s.list_breakpoints() == []
    assert s.continue_().state is State.FINISHED


def test_a_condition_is_set_changed_and_removed_after_the_fact() -> None:
    s = session()
    bp = s.add_breakpoint("7")
    s.set_condition(bp.id, "i == 4")
    assert s.continue_().frames[-1].locals[-1][1].text == "4"
    s.restart()
    s.set_condition(bp.id, "i >= 2")
    assert [v.text for n, v in s.continue_().frames[-1].locals if n == "i"] == ["2"]
    s.set_condition(bp.id, None)
    assert s.get_breakpoint(bp.id).condition is None
    assert [v.text for n, v in s.continue_().frames[-1].locals if n == "i"] == ["3"]


def test_a_condition_that_does_not_compile_raises_and_changes_nothing() -> None:
    s = session()
    bp = s.add_breakpoint("7", condition="i == 4")
    with pytest.raises(CompileError, match="SyntaxError: expected an expression"):
        s.set_condition(bp.id, "i ==")
    with pytest.raises(CompileError, match="name 'nope' is not defined"):
        s.set_condition(bp.id, "nope > 1")
    assert s.get_breakpoint(bp.id).condition == "i == 4"
    with pytest.raises(CompileError):
        s.add_breakpoint("3", condition="i")  # no i in add's scope
    assert len(s.list_breakpoints()) == 1
    with pytest.raises(DebugError, match="no breakpoint number 9"):
        s.set_condition(9, "true")


def test_ignore_counts_are_gdbs_the_next_n_crossings_do_not_stop() -> None:
    s = session()
    bp = s.add_breakpoint("add")
    s.ignore(bp.id, 3)
    snap = s.continue_()
    assert [v.text for n, v in snap.frames[-1].args if n == "b"] == ["3"]  # the 4th call
    now = s.get_breakpoint(bp.id)
    assert (now.hits, now.ignore_count) == (4, 0)
    assert [v.text for n, v in s.continue_().frames[-1].args if n == "b"] == ["4"]
    with pytest.raises(DebugError, match="negative"):
        s.ignore(bp.id, -1)


def test_ignore_counts_spend_only_on_crossings_whose_condition_holds() -> None:
    s = session()
    bp = s.add_breakpoint("add", condition="b % 2 == 1")
    s.ignore(bp.id, 1)
    snap = s.continue_()
    assert [v.text for n, v in snap.frames[-1].args if n == "b"] == ["3"]  # 1 ignored, 3 stops
    assert s.get_breakpoint(bp.id).hits == 2


def test_hit_count_is_ignore_count_plus_one() -> None:
    s = session()
    bp = s.add_breakpoint("add", hit_count=2)
    assert bp.ignore_count == 1 and "(ignore next 1)" in bp.describe()
    assert [v.text for n, v in s.continue_().frames[-1].args if n == "b"] == ["1"]
    with pytest.raises(DebugError):
        s.add_breakpoint("add", hit_count=0)


def test_delete_one_or_all_disable_and_enable() -> None:
    s = session()
    a = s.add_breakpoint("add")
    b = s.add_breakpoint("9")
    s.enable_breakpoint(a.id, False)
    assert s.continue_().line == 9
    s.restart()
    s.enable_breakpoint(a.id, True)
    assert s.continue_().frames[-1].function == "add"
    s.remove_breakpoint(a.id)
    assert [bp.id for bp in s.list_breakpoints()] == [b.id]
    with pytest.raises(DebugError, match="no breakpoint number"):
        s.remove_breakpoint(a.id)
    s.add_breakpoint("3")
    assert s.delete_all_breakpoints() == 2
    assert s.live == s.counter.fast  # every trap is gone
    assert s.continue_().state is State.FINISHED


def test_a_logpoint_writes_its_message_to_the_log_and_never_stops() -> None:
    s = session()
    s.add_breakpoint("3", log_message="add gives {s} ({{a}}={a}, {q}, {s + 'x'})")
    snap = s.continue_()
    assert snap.state is State.FINISHED and snap.output == "15\n"  # apart from the output
    texts = [m.text for m in s.log_messages()]
    assert len(texts) == 6
    assert texts[1] == ("add gives 1 ({a}=0, <NameError: name 'q' is not defined>, "
                        "<TypeError: unsupported operand types for +: int and str>)")
    assert [m.step for m in s.log_messages()] == sorted(m.step for m in s.log_messages())
    assert s.log_messages(5) == s.log_messages()[5:]
    assert s.get_breakpoint(1).hits == 6


def test_a_logpoint_interpolates_strings_as_print_writes_them() -> None:
    s = session('let w = "hi"\nprint(w)\n')
    s.add_breakpoint("2", log_message="w={w} list={[w]}")
    s.continue_()
    assert [m.text for m in s.log_messages()] == ['w=hi list=["hi"]']


def test_a_breakpoint_edited_while_a_continue_runs_keeps_its_hits() -> None:
    s = session()
    bp = s.add_breakpoint("add")
    s.continue_()
    s.enable_breakpoint(bp.id, False)
    assert s.get_breakpoint(bp.id).hits == 1 and not s.get_breakpoint(bp.id).enabled
