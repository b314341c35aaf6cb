"""Whole values for an inspector (ValueRef, paging, full text) and the quoted
text of values everywhere a snapshot or `vmscope trace` shows them."""

from __future__ import annotations

import pytest

import vmscope
from vmscope.debug import DebugError, Root, Session, ValueRef
from vmscope.debug.snapshot import render, short_display
from vmscope.debug.trace import trace_lines

PROGRAM = """\
let empty = ""
let words = ["a", "b\\tc", "", [1, "x\\n"]]
let big = range(1000000)
fn f(s: str) {
  let t = s + "!"
  return t
}
print(f(""))
"""


def at_f() -> Session:
    s = Session(vmscope.compile_source(PROGRAM, "t.vms"))
    s.add_breakpoint("6")
    s.continue_()
    return s


def test_strings_are_quoted_in_every_pane_of_a_snapshot() -> None:
    s = at_f()
    s.add_watch("t")
    s.add_watch("[t, empty]")
    snap = s.snapshot()
    shown = dict(snap.globals)
    assert shown["empty"].text == '""'  # not a blank
    assert shown["words"].text == '["a", "b\\tc", "", [1, "x\\n"]]'
    assert [(n, v.text) for n, v in snap.frames[-1].locals] == [("s", '""'), ("t", '"!"')]
    assert [w.value.text for w in snap.watches if w.value] == ['"!"', '["!", ""]']
    s.step()  # `return t` loads t: the stack shows it quoted
    assert [i.value.text for i in s.snapshot().stack] == ['"!"']


def test_trace_quotes_strings_on_the_stack() -> None:
    program = vmscope.compile_source('let s = "fib("\nprint([s, 0])\n', "t.vms")
    lines = list(trace_lines(program))
    assert any(line.endswith('["fib("]') for line in lines)
    assert any(line.endswith('[["fib(", 0]]') for line in lines)


def test_short_text_is_bounded_and_survives_a_list_that_holds_itself() -> None:
    loop: list[object] = [1]
    loop.append(loop)
    assert short_display(loop) == "[1, [...]]"
    deep: list[object] = []
    for _ in range(5000):
        deep = [deep]
    assert short_display(deep, 40).endswith("…") and len(short_display(deep, 40)) <= 40
    text, whole = render(list(range(10**6)), 100)
    assert not whole and len(text) == 100


def test_inspect_a_global_list_paged() -> None:
    s = at_f()
    detail = s.inspect(ValueRef.global_("big"), start=500_000, count=3)
    assert (detail.type, detail.length, detail.expandable) == ("list", 1_000_000, True)
    assert [c.index for c in detail.children] == [500_000, 500_001, 500_002]
    assert [c.value.text for c in detail.children] == ["500000", "500001", "500002"]
    assert not detail.complete and len(detail.text) <= 100_000
    assert s.inspect(ValueRef.global_("big"), 999_999, 10).children[-1].index == 999_999
    assert s.inspect(ValueRef.global_("big"), 2_000_000).children == ()


def test_inspect_nested_values_by_path() -> None:
    s = at_f()
    words = s.inspect(ValueRef.global_("words"))
    assert words.text == '["a", "b\\tc", "", [1, "x\\n"]]' and words.complete
    nested = words.children[3]
    assert nested.expandable and nested.ref.path == (3,)
    inner = s.inspect(nested.ref)
    assert [c.value.text for c in inner.children] == ["1", '"x\\n"']
    leaf = s.inspect(inner.children[1].ref)
    assert (leaf.type, leaf.length, leaf.text, leaf.children) == ("str", 2, '"x\\n"', ())
    assert inner.children[1].ref.label == "words[3][1]"


def test_inspect_locals_stack_slots_and_expressions() -> None:
    s = at_f()
    assert s.inspect(ValueRef.local("t")).text == '"!"'
    assert s.inspect(ValueRef.expression("[t, t]")).length == 2
    assert ValueRef.expression("a + b").child(1).label == "(a + b)[1]"
    s.step()
    slot = s.snapshot().stack[0].slot
    assert s.inspect(ValueRef.stack(slot)).text == '"!"'
    assert ValueRef.stack(slot).root is Root.STACK


def test_inspect_names_what_is_not_there() -> None:
    s = at_f()
    with pytest.raises(DebugError, match="no local k in frame 0"):
        s.inspect(ValueRef.local("k"))
    with pytest.raises(DebugError, match="no global nope"):
        s.inspect(ValueRef.global_("nope"))
    with pytest.raises(DebugError, match=r"words\[3\] has no element 5"):
        s.inspect(ValueRef.global_("words").child(3).child(5))
    with pytest.raises(DebugError, match="no value-stack slot"):
        s.inspect(ValueRef.stack(99))
    with pytest.raises(DebugError, match="no frame 4"):
        s.inspect(ValueRef.local("s", frame=4))


def test_the_text_limit_can_be_lifted() -> None:
    s = at_f()
    whole = s.inspect(ValueRef.global_("big"), count=0, text_limit=None)
    assert whole.complete and whole.text.endswith("999998, 999999]")
