"""`vmscope dap` over a real pipe: the debug console. Expressions, and the
TUI's command words (`p x`, `bt`, `info locals`, `break 12 if i == 3`, `set
var`, and words that move the program, which run like a continue with their
`stopped` event), in the frame the request names; completions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.dap_client import DapClient

PROGRAM = """\
let total = 0
fn add(a, b) {
  let s = a + b
  return s
}
for i in range(6) {
  total = add(total, i)
}
print("total", total)
"""


@pytest.fixture
def client() -> Iterator[DapClient]:
    c = DapClient.start()
    yield c
    c.close()


def launch(client: DapClient, tmp_path: Path, line: int = 3) -> Path:
    prog = tmp_path / "prog.vms"
    prog.write_text(PROGRAM, encoding="utf-8")
    client.ok("initialize", {"adapterID": "vmscope", "supportsInvalidatedEvent": True})
    client.ok("launch", {"program": str(prog)})
    client.event("initialized")
    client.ok("setBreakpoints", {"source": {"path": str(prog)}, "breakpoints": [{"line": line}]})
    client.ok("configurationDone")
    client.stopped("breakpoint")
    return prog


def repl(client: DapClient, text: str, frame_id: int | None = 1) -> dict[str, Any]:
    args: dict[str, Any] = {"expression": text, "context": "repl"}
    if frame_id is not None:
        args["frameId"] = frame_id
    return client.request("evaluate", args)


def said(client: DapClient, text: str, frame_id: int | None = 1) -> str:
    response = repl(client, text, frame_id)
    assert response["success"], response
    result: str = response["body"]["result"]
    return result


def console_since(client: DapClient, start: int) -> list[str]:
    return [text for category, text in client.outputs()[start:] if category == "console"]


def test_words_that_look_at_the_program(client: DapClient, tmp_path: Path) -> None:
    prog = launch(client, tmp_path)
    assert said(client, "p a + b") == "a + b = 0"
    assert said(client, "a + b") == "0"  # an expression stays an expression
    assert said(client, "info locals") == "a = 0\nb = 0"
    assert said(client, "bt").splitlines() == [
        f"> #0  add(a=0, b=0) at {prog}:3:11", f"  #1  <main> at {prog}:7:11"]
    assert said(client, "info args", frame_id=2) == "no arguments"  # the frame named
    assert said(client, "p i", frame_id=2) == "i = 0"
    assert said(client, "help print").startswith("print EXPR")
    failed = repl(client, "frobnicate")
    assert not failed["success"]
    assert failed["message"] == ("NameError: name 'frobnicate' is not defined (nor is it a "
                                 "command word: `help` lists them)")
    missing = repl(client, "p nope")
    assert missing["message"] == "NameError: name 'nope' is not defined"
    printed = repl(client, "p [total, [1, 2]]")["body"]
    assert printed["result"] == "[total, [1, 2]] = [0, [1, 2]]"
    assert printed["indexedVariables"] == 2
    inner = client.variables(printed["variablesReference"])
    assert [v["value"] for v in inner] == ["0", "[1, 2]"]


def test_break_from_the_console_and_a_word_that_moves(client: DapClient, tmp_path: Path
                                                      ) -> None:
    prog = launch(client, tmp_path)
    client.ok("setBreakpoints", {"source": {"path": str(prog)}, "breakpoints": []})
    placed = said(client, "break 7 if i == 3")
    assert placed.startswith("breakpoint #") and placed.endswith("at line 7 (ip 5) if i == 3")
    start = len(client.outputs())
    assert said(client, "continue") == ""
    continued = client.event("continued")["body"]
    assert continued == {"threadId": 1, "allThreadsContinued": True}
    stop = client.stopped("breakpoint")
    assert "hitBreakpointIds" not in stop  # the console's breakpoint: not the editor's
    assert client.evaluate("i") == "3"
    notes = console_since(client, start)
    assert notes[0].startswith("Breakpoint #")
    assert f"at {prog}:7:" in notes[0]
    # a word that moves, with a count; then one that goes back
    said(client, "next 3")  # line 8 (the loop's jump), line 6, line 7
    client.event("continued")
    client.stopped("step")
    assert client.top()["line"] == 7 and client.evaluate("i") == "4"
    said(client, "reverse-continue")
    client.event("continued")
    client.stopped("breakpoint")
    assert client.evaluate("i") == "3"
    said(client, "until 9")
    client.event("continued")
    client.stopped("step")
    assert client.top()["line"] == 9


def test_a_leading_colon_makes_a_command_word(client: DapClient, tmp_path: Path) -> None:
    prog = tmp_path / "prog.vms"
    prog.write_text("let n = 5\nlet s = 0\nwhile n > 0 {\n  s += n\n  n -= 1\n}\nprint(s)\n",
                    encoding="utf-8")
    client.launch(prog, breakpoints=[{"line": 4}])
    client.stopped("breakpoint")
    assert said(client, "n") == "5"  # a variable named like a word is the variable
    said(client, ":n")
    client.event("continued")
    client.stopped("step")
    assert client.top()["line"] == 5
    said(client, ":stepi")
    client.event("continued")
    assert client.stopped("step")["reason"] == "step"


def test_set_var_and_the_views_it_invalidates(client: DapClient, tmp_path: Path) -> None:
    prog = launch(client, tmp_path)
    client.ok("setBreakpoints", {"source": {"path": str(prog)}, "breakpoints": []})
    assert said(client, "set var a = 100") == "a = 100"
    assert client.event("invalidated")["body"]["areas"] == ["variables"]
    assert client.named("Locals")["a"]["value"] == "100"
    assert said(client, "set var total = 7", frame_id=2) == "total = 7"  # main's view of it
    assert client.named("Globals")["total"]["value"] == "7"
    assert client.run_to_end() == 0
    assert client.output() == "total 115\n"


def test_a_word_that_cannot_move_says_why_and_stays(client: DapClient, tmp_path: Path
                                                    ) -> None:
    prog = tmp_path / "prog.vms"
    prog.write_text(PROGRAM, encoding="utf-8")
    client.launch(prog, stop_on_entry=True)
    client.stopped("entry")
    start = len(client.outputs())
    said(client, "finish")
    client.event("continued")
    assert client.stopped("entry")["reason"] == "entry"  # where it was
    assert console_since(client, start) == ["finish: not in a function (<main> does not "
                                            "return)\n"]


def test_continue_from_the_console_to_the_end(client: DapClient, tmp_path: Path) -> None:
    launch(client, tmp_path, line=9)
    assert client.output() == ""
    said(client, "c")
    client.event("continued")
    assert client.event("exited")["body"]["exitCode"] == 0
    client.event("terminated")
    assert client.output() == "total 15\n"


def test_restart_runs_again_and_prints_again(client: DapClient, tmp_path: Path) -> None:
    prog = tmp_path / "prog.vms"
    prog.write_text('for i in range(3) {\n  print("i", i)\n}\nprint("end")\n', encoding="utf-8")
    client.launch(prog, breakpoints=[{"line": 2, "hitCondition": "== 2"}])
    client.stopped("breakpoint")
    assert (client.evaluate("i"), client.output()) == ("1", "i 0\n")
    said(client, "restart")
    client.event("continued")
    assert client.stopped("entry")["reason"] == "entry"
    said(client, "c")
    client.event("continued")
    client.stopped("breakpoint")  # its hit count counts afresh
    assert (client.evaluate("i"), client.output()) == ("1", "i 0\ni 0\n")
    said(client, "c")
    client.event("continued")
    client.event("exited")
    assert client.output() == "i 0\ni 0\ni 1\ni 2\nend\n"
    quitting = DapClient.start()
    try:
        quitting.launch(prog, stop_on_entry=True)
        quitting.stopped("entry")
        assert said(quitting, "quit") == ""
        quitting.event("terminated")
        assert quitting.events("exited") == []
    finally:
        quitting.close()


def test_completions(client: DapClient, tmp_path: Path) -> None:
    launch(client, tmp_path)

    def complete(text: str, column: int | None = None, frame_id: int = 1
                 ) -> list[tuple[str, int, int]]:
        body = client.ok("completions", {"text": text, "frameId": frame_id,
                                         "column": (column or len(text)) + 1})
        return [(t["label"], t["start"], t["length"]) for t in body["targets"]]

    assert ("reverse-continue", 1, 5) in complete("rever")
    assert ("total", 1, 2) in complete("to")
    words = [label for label, _, _ in complete("b")]
    assert "break" in words and "backtrace" in words and "b" in words
    assert [c for c in complete("p a + ") if c[0] == "b"] == [("b", 7, 0)]
    assert ("add", 9, 1) in complete("total + a")
    assert [c[0] for c in complete("info lo")] == ["locals"]
    assert ("i", 3, 0) in [c for c in complete("p ", frame_id=2)]  # main's locals there
    assert complete("p xyz") == []
