"""What the Session offers the DAP server (and any front end that starts a
program without reporting a first stop): `check_breakpoint_here`, log
messages placed in the program's output, and values of lists that contain
themselves, in snapshots and in the inspector."""

from __future__ import annotations

import vmscope
from vmscope.debug import Session, State, StopReason, ValueRef

LOOP = """\
let total = 0
for i in range(3) {
  print("i is", i)
  total += i
}
print(total)
"""


def session(src: str = LOOP) -> Session:
    return Session(vmscope.compile_source(src, "t.vms"))


def test_a_run_steps_off_the_first_instruction_so_a_breakpoint_there_needs_asking() -> None:
    passed = session()
    passed.add_breakpoint("1")
    assert passed.continue_().state is State.FINISHED  # the gap: ip 0 is stepped off
    s = session()
    bp = s.add_breakpoint("1")
    assert s.check_breakpoint_here() is True
    assert (s.state, s.reason, s.vm.ip, s.steps) == (State.PAUSED, StopReason.BREAKPOINT, 0, 0)
    assert s.get_breakpoint(bp.id).hits == 1
    assert s.snapshot().reason_text == "breakpoint #1 line 1"
    assert s.continue_().state is State.FINISHED  # counted once: the run steps off it


def test_check_breakpoint_here_counts_the_crossing_as_a_run_would() -> None:
    s = session()
    assert s.check_breakpoint_here() is False  # no breakpoint at all
    unmet = s.add_breakpoint("1", condition="false")
    assert s.check_breakpoint_here() is False
    assert s.get_breakpoint(unmet.id).hits == 0  # a false condition is no crossing
    s.remove_breakpoint(unmet.id)
    ignored = s.add_breakpoint("1", hit_count=2)
    assert s.check_breakpoint_here() is False
    assert (s.get_breakpoint(ignored.id).hits, s.get_breakpoint(ignored.id).ignore_count) == (1, 0)
    assert s.state is State.READY
    s.remove_breakpoint(ignored.id)
    s.add_breakpoint("1", log_message="start, total is {1 + 1}")
    assert s.check_breakpoint_here() is False
    assert [m.text for m in s.log_messages()] == ["start, total is 2"]
    s.continue_()
    assert len(s.log_messages()) == 1  # the run did not log it again
    assert s.check_breakpoint_here() is False  # the program has ended


def test_log_messages_know_where_they_fall_in_the_output() -> None:
    s = session()
    s.add_breakpoint("3", log_message="before {i}")
    s.continue_()
    assert s.output == ["i is 0\n", "i is 1\n", "i is 2\n", "3\n"]
    assert [(m.text, m.output_chunks) for m in s.log_messages()] == [
        ("before 0", 0), ("before 1", 1), ("before 2", 2)]


def test_a_list_that_contains_itself_in_snapshots_and_the_inspector() -> None:
    s = session("let a = [1]\npush(a, a)\nlet b = [a, a]\nfn f(x) {\n  return len(x)\n}\n"
                "print(f(b))\n")
    s.add_breakpoint("5")
    snap = s.continue_()
    shown = dict(snap.globals)
    assert shown["a"].text == "[1, [...]]"
    assert shown["b"].text == "[[1, [...]], [1, [...]]]"  # siblings are not cycles
    assert dict(snap.frames[-1].locals)["x"].text == "[[1, [...]], [1, [...]]]"
    detail = s.inspect(ValueRef.global_("a"), text_limit=None)
    assert (detail.text, detail.complete, detail.length) == ("[1, [...]]", True, 2)
    inner = detail.children[1]
    assert (inner.value.text, inner.expandable, inner.ref.label) == ("[1, [...]]", True, "a[1]")
    deeper = s.inspect(inner.ref.child(1).child(1))
    assert (deeper.text, deeper.ref.label) == ("[1, [...]]", "a[1][1][1]")
    assert s.inspect(ValueRef.expression("b[0][1]")).text == "[1, [...]]"
