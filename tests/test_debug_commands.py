"""The command line: gdb's and pdb's words parsed into typed commands, run
against a Session, answered with results a front end renders; completion
and help."""

from __future__ import annotations

import pytest

import vmscope
from vmscope.debug import Session, State, StopReason
from vmscope.debug.commands import Change, CommandLine
from vmscope.debug.words import ALIASES, SPECS, Word, help_lines, parse

PROGRAM = """\
let calls = 0
fn fib(n) {
  calls += 1
  if n < 2 { return n }
  return fib(n - 1) + fib(n - 2)
}
let names = ["a", ""]
print(fib(5))
print(calls)
"""


def line() -> CommandLine:
    return CommandLine(Session(vmscope.compile_source(PROGRAM, "fib.vms")))


@pytest.mark.parametrize(("text", "word", "argument"), [
    ("break 4 if n == 1", Word.BREAK, "4 if n == 1"),
    ("b fib", Word.BREAK, "fib"),
    ("  tbreak   op:add ", Word.TBREAK, "op:add"),
    ("cond 1 n > 2", Word.CONDITION, "1 n > 2"),
    ("condit 1", Word.CONDITION, "1"),
    ("info breakpoints", Word.INFO_BREAKPOINTS, ""),
    ("i b", Word.INFO_BREAKPOINTS, ""),
    ("info lo", Word.INFO_LOCALS, ""),
    ("set var n = 3", Word.SET_VAR, "n = 3"),
    ("p n * 2", Word.PRINT, "n * 2"),
    ("si 3", Word.STEPI, "3"),
    ("rc", Word.REVERSE_CONTINUE, ""),
    ("reverse-step", Word.REVERSE_STEP, ""),
    ("u 2", Word.UP, "2"),
    ("d", Word.DOWN, ""),
    ("bt -3", Word.BACKTRACE, "-3"),
    ("last-change calls", Word.LAST_CHANGE, "calls"),
    ("q", Word.QUIT, ""),
])
def test_lines_parse_into_typed_commands(text: str, word: Word, argument: str) -> None:
    command = parse(text)
    assert (command.word, command.argument) == (word, argument)


@pytest.mark.parametrize(("text", "error"), [
    ("bogus", "unknown command: bogus"),
    ("re", "ambiguous command re: restart, reverse-continue"),
    ("info", "info what?"),
    ("info zzz", "unknown info command: zzz"),
    ("", "no command given"),
])
def test_a_bad_word_says_why(text: str, error: str) -> None:
    result = line().execute(text) if text else CommandLine(line().session).execute("  x")
    if text:
        assert result.error is not None and result.error.startswith(error)
    with pytest.raises(ValueError, match=error.split(":")[0]):
        parse(text)


def test_every_word_has_help_and_every_alias_a_word() -> None:
    lines = help_lines()
    assert len(lines) == len(Word)
    assert all(any(line.startswith(SPECS[w].usage) for line in lines) for w in Word)
    assert help_lines("rc")[-1] == "  also: rc"
    assert all(isinstance(w, Word) for w in ALIASES.values())
    assert line().execute("help step").lines[0] == "step [N]"


def test_break_run_and_inspect_a_session() -> None:
    cl = line()
    result = cl.execute("break 4 if n == 1")
    assert result.ok and result.changed == {Change.BREAKPOINTS}
    ip = cl.session.get_breakpoint(1).ips[0]
    assert result.lines == (f"breakpoint #1 at line 4 (ip {ip}) if n == 1",)
    moved = cl.execute("c")
    assert moved.snapshot is not None and moved.snapshot.reason is StopReason.BREAKPOINT
    assert moved.changed == {Change.PROGRAM}
    assert moved.lines[0] == "Breakpoint #1 line 4 if n == 1"
    assert moved.lines[1].startswith("#0  fib(n=1) at fib.vms:4:")
    assert moved.lines[2] == "    4    if n < 2 { return n }"
    printed = cl.execute("p [n, names]")
    assert printed.lines == ('[n, names] = [1, ["a", ""]]',)
    assert printed.inspect is not None and printed.inspect.name == "[n, names]"
    bt = cl.execute("bt")
    assert bt.lines[0].startswith("> #0  fib(n=1)") and bt.lines[-1].startswith("  #5  <main>")
    up = cl.execute("up 2")
    assert up.changed == {Change.FRAME} and cl.session.selected_frame == 2
    assert cl.execute("p n").lines == ("n = 3",)
    assert cl.execute("info frame").lines[0].startswith("frame #2 of 6: fib at fib.vms:5:")
    assert cl.execute("info locals").lines == ("n = 3",)
    assert cl.execute("info args").lines == ("n = 3",)
    assert cl.execute("frame 0").snapshot is not None and cl.session.selected_frame == 0


def test_breakpoint_words() -> None:
    cl = line()
    cl.execute("b fib")
    cl.execute("tbreak 9")
    assert cl.execute("condition 1 n == 0").lines == ("breakpoint #1 stops only if n == 0",)
    bad = cl.execute("condition 1 n ==")
    assert bad.error is not None and bad.error.startswith("SyntaxError: ")
    assert cl.session.get_breakpoint(1).condition == "n == 0"
    assert cl.execute("ignore 1 2").lines == (
        "will ignore the next 2 crossings of breakpoint #1",)
    table = cl.execute("info breakpoints").lines
    assert table[0].split() == ["Num", "Disp", "Enb", "Hits", "What"]
    assert "stop only if n == 0" in table[2] and "ignore the next 2" in table[3]
    assert table[4].split()[:3] == ["2", "del", "y"]
    assert cl.execute("disable 1-2").lines == ("disabled breakpoints #1, #2",)
    assert not any(bp.enabled for bp in cl.session.list_breakpoints())
    cl.execute("enable")
    assert cl.execute("delete 7").error == "delete: no breakpoint number 7"
    assert cl.execute("delete 1").ok and len(cl.session.list_breakpoints()) == 1
    assert cl.execute("delete").ok and cl.session.list_breakpoints() == []
    assert cl.execute("break 3.5").error == "break: not a location: 3.5 (LINE, FUNCTION, " \
        "*IP or op:OPCODE)"
    assert cl.execute("b 99").error == "break: no code on line 99"


def test_dprintf_makes_a_logpoint() -> None:
    cl = line()
    assert cl.execute("dprintf fib,fib({n})").ok
    cl.execute("continue")
    assert [m.text for m in cl.session.log_messages()][:3] == ["fib(5)", "fib(4)", "fib(3)"]


def test_watch_display_and_their_removal() -> None:
    cl = line()
    assert cl.execute("watch calls").lines == ("watchpoint 1: calls (now (no value))",)
    stop = cl.execute("c")
    assert stop.snapshot is not None and stop.snapshot.reason is StopReason.WATCHPOINT
    assert cl.execute("display calls + 1").lines == ("1: calls + 1 = 1",)
    assert cl.execute("display").lines == ("1: calls + 1 = 1",)
    assert cl.execute("info watchpoints").lines == ("1: calls (now 0)",)
    assert cl.execute("undisplay 1").ok and cl.session.watches == []
    assert cl.execute("undisplay 3").error == "undisplay: no display number 3 (there are 0)"
    assert cl.execute("unwatch").ok and cl.session.watchpoints == {}


def test_stepping_words_and_the_empty_line_repeat() -> None:
    cl = line()
    first = cl.execute("si 3")
    assert first.snapshot is not None and first.snapshot.steps == 3
    again = cl.execute("")
    assert again.snapshot is not None and again.snapshot.steps == 6
    for word in ("step 2", "nexti", "next"):
        assert cl.execute(word).ok, word
    cl.execute("b 4 if n < 2")
    cl.execute("c")
    cl.execute("delete")
    assert cl.execute("finish").lines[0].startswith("Returned fib returned 1 to fib")
    assert cl.execute("until").ok and cl.execute("advance 9").ok
    assert cl.execute("goto 1,000").lines[0] == "the program ends at step 218"
    assert cl.execute("goto 1_00").snapshot is not None and cl.session.steps == 100
    for word in ("reverse-stepi 2", "reverse-step", "reverse-next", "rc"):
        assert cl.execute(word).ok, word
    assert cl.execute("goto x").error == "goto: not a step number: x"
    assert cl.execute("si 0").error == "stepi: not a count: 0 (a whole number from 1)"
    assert cl.execute("finish 2").error == "finish: takes no argument: finish"


def test_set_var_and_last_change() -> None:
    cl = line()
    cl.execute("b 4")
    cl.execute("c")
    assert cl.execute("set var n = n + 10").lines == ("n = 15",)
    assert cl.execute("set var n").error == "set var: usage: set var NAME = EXPR"
    assert cl.execute("set var zz = 1").error.startswith(  # type: ignore[union-attr]
        "NameError: name 'zz' is not defined")
    changed = cl.execute("last-change n")
    assert changed.snapshot is not None and changed.snapshot.reason is StopReason.CHANGE


def test_at_the_end_words_say_why_and_restart_and_quit() -> None:
    cl = line()
    cl.execute("c")
    assert cl.session.state is State.FINISHED
    assert cl.execute("next").error == "next: the program has finished (restart runs it again)"
    assert cl.execute("finish").error is not None
    restarted = cl.execute("restart")
    assert restarted.snapshot is not None and restarted.snapshot.steps == 0
    assert cl.execute("reverse-step").error == "reverse-step: at step 0, the start: nothing " \
        "before it"
    assert cl.execute("quit").quit


def test_history_keeps_typed_lines_once_each() -> None:
    cl = CommandLine(line().session, history=["old"])
    for text in ("si", "si", "p 1", "bogus"):
        cl.execute(text)
    assert cl.history == ["old", "si", "p 1", "bogus"]


@pytest.mark.parametrize(("text", "start", "expected"), [
    ("", 0, None),
    ("b", 0, ("backtrace", "break")),
    ("rev", 0, ("reverse-continue", "reverse-finish", "reverse-next", "reverse-step",
                "reverse-stepi")),
    ("info ", 5, ("args", "breakpoints", "display", "frame", "locals", "watchpoints")),
    ("info l", 5, ("locals",)),
    ("p ca", 2, ("calls",)),
    ("print fib(n) + na", 15, ("names",)),
    ("break op:ad", 6, ("op:add",)),
    ("break fi", 6, ("fib",)),
    ("break 4 i", 8, ("if",)),
    ("break 4 if ca", 11, ("calls",)),
    ("help rev", 5, ("reverse-continue", "reverse-finish", "reverse-next", "reverse-step",
                     "reverse-stepi")),
    ("watch na", 6, ("names",)),
])
def test_completion(text: str, start: int, expected: tuple[str, ...] | None) -> None:
    got = line().complete(text)
    assert got.start == start
    if expected is None:
        assert "break" in got.candidates and "quit" in got.candidates
    else:
        assert got.candidates == expected


def test_completion_of_locals_follows_the_selected_frame() -> None:
    cl = line()
    cl.execute("b 4")
    cl.execute("c")
    assert "n" in cl.complete("p ").candidates
    cl.execute("up 10")
    assert "n" not in cl.complete("p ").candidates
    cl.execute("b 5")
    assert cl.complete("delete ").candidates == ("1", "2")
    assert cl.complete("condition 1 c").candidates == ("calls",)
