"""`vmscope dap` over a real pipe: breakpoints of every kind (source lines
with conditions, hit conditions and log messages, functions, instructions,
the runtime-error filter) and the stop reasons they give. Data breakpoints
are in test_dap_data.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.dap_client import DapClient

LOOP = """\
let total = 0

fn add(a, b) {
  return a + b
}
for i in range(5) {
  total = add(total, i)
  print(total)
}
print("done", total)
"""
LOOP_OUTPUT = "0\n1\n3\n6\n10\ndone 10\n"

FAILING = """\
fn ratio(a, b) {
  return a / b
}
print(ratio(6, 3))
print(ratio(1, 0))
print("never")
"""


@pytest.fixture
def client() -> Iterator[DapClient]:
    c = DapClient.start()
    yield c
    c.close()


def write(tmp_path: Path, text: str, name: str = "prog.vms") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def stops_at(client: DapClient, expression: str) -> list[str]:
    """Continue from stop to stop until the end: `expression` at each stop."""
    seen = []
    while True:
        client.ok("continue", {"threadId": 1})
        if client.next_of("stopped", "exited") == "exited":
            return seen
        client.stopped("breakpoint")
        seen.append(client.evaluate(expression))


def test_a_breakpoint_on_a_blank_line_moves_to_the_next_line_with_code(
        client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, LOOP)
    client.ok("initialize", {"adapterID": "vmscope"})
    client.ok("launch", {"program": str(prog)})
    client.event("initialized")
    body = client.ok("setBreakpoints", {"source": {"path": str(prog)}, "breakpoints": [
        {"line": 2}, {"line": 8}, {"line": 40}]})
    moved, exact, nowhere = body["breakpoints"]
    assert (moved["verified"], moved["line"]) == (True, 4)  # line 3 has no code either
    assert (exact["verified"], exact["line"]) == (True, 8)
    assert moved["source"]["path"] == str(prog)
    assert nowhere == {"id": nowhere["id"], "verified": False, "reason": "failed",
                       "message": "no code at or after line 40"}
    client.ok("configurationDone")
    stop = client.stopped("breakpoint")
    assert stop["hitBreakpointIds"] == [moved["id"]]
    assert stop["threadId"] == 1
    assert (client.top()["line"], client.top()["name"]) == (4, "add")
    assert client.move("continue", "breakpoint")["hitBreakpointIds"] == [exact["id"]]
    assert client.top()["line"] == 8


def test_a_condition_and_a_hit_count(client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, LOOP)
    client.launch(prog, breakpoints=[{"line": 8, "condition": "i == 3"},
                                     {"line": 7, "hitCondition": ">= 2"}])
    client.stopped("breakpoint")
    assert (client.top()["line"], client.evaluate("i")) == (7, "1")  # its second hit
    client.move("continue", "breakpoint")
    assert (client.top()["line"], client.evaluate("i")) == (7, "2")  # and every one after
    client.ok("setBreakpoints", {"source": {"path": str(prog)},
                                 "breakpoints": [{"line": 8, "condition": "i == 3"}]})
    client.move("continue", "breakpoint")
    assert (client.top()["line"], client.evaluate("i")) == (8, "3")
    assert client.run_to_end() == 0
    assert client.output() == LOOP_OUTPUT


@pytest.mark.parametrize(("hit_condition", "stops"), [
    ("3", ["2", "3", "4"]),  # from the 3rd hit on, as gdb's and delve's bare number
    (">= 4", ["3", "4"]),
    ("> 3", ["3", "4"]),
    ("== 3", ["2"]),  # the 3rd hit only
    ("=2", ["1"]),
    ("% 2", ["1", "3"]),  # every 2nd hit
    ("%1", ["0", "1", "2", "3", "4"]),
])
def test_hit_conditions(client: DapClient, tmp_path: Path, hit_condition: str,
                        stops: list[str]) -> None:
    prog = write(tmp_path, LOOP)
    client.launch(prog, stop_on_entry=True)
    client.stopped("entry")
    (bp,) = client.ok("setBreakpoints", {"source": {"path": str(prog)}, "breakpoints": [
        {"line": 8, "hitCondition": hit_condition}]})["breakpoints"]
    assert bp["verified"] is True and "message" not in bp
    assert stops_at(client, "i") == stops
    assert client.output() == LOOP_OUTPUT


def test_a_hit_condition_counts_only_the_hits_whose_condition_holds(
        client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, LOOP.replace("range(5)", "range(12)"))
    client.launch(prog, stop_on_entry=True)
    client.stopped("entry")
    client.ok("setBreakpoints", {"source": {"path": str(prog)}, "breakpoints": [
        {"line": 8, "condition": "i % 2 == 1", "hitCondition": "% 2"}]})
    assert stops_at(client, "i") == ["3", "7", "11"]  # every 2nd odd i


def test_breakpoints_that_cannot_be_set_say_why(client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, LOOP)
    client.launch(prog, stop_on_entry=True)
    client.stopped("entry")
    body = client.ok("setBreakpoints", {"source": {"path": str(prog)}, "breakpoints": [
        {"line": 8, "condition": "i =="}, {"line": 8, "condition": "nope > 1"},
        {"line": 8, "hitCondition": "< 3"}, {"line": 8, "hitCondition": "== 0"},
        {"line": 8, "hitCondition": "% 0"}, {"line": 8, "logMessage": "x", "hitCondition": "%2"}]})
    found = body["breakpoints"]
    assert {(bp["verified"], bp["reason"]) for bp in found} == {(False, "failed")}
    messages = [bp["message"] for bp in found]
    assert messages[0].startswith("condition: SyntaxError:")
    assert messages[1] == "condition: NameError: name 'nope' is not defined"
    assert messages[2] == ("hit condition '< 3' is not supported: write N or >= N (from the "
                           "Nth hit on), > N, == N (the Nth hit only) or % N (every Nth hit)")
    assert messages[3] == "hit condition '== 0' never stops: hits count from 1"
    assert messages[4].startswith("hit condition '% 0'")
    assert messages[5].startswith("a logpoint takes a hit condition N, >= N or > N")
    other = client.ok("setBreakpoints", {"source": {"path": str(tmp_path / "other.vms")},
                                         "breakpoints": [{"line": 1}]})["breakpoints"][0]
    assert other["verified"] is False and "launched program" in other["message"]
    assert client.run_to_end() == 0  # none of them stopped the program


def test_logpoints_write_in_order_with_the_output_and_never_stop(
        client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, LOOP)
    client.launch(prog, breakpoints=[
        {"line": 8, "logMessage": "i={i} total={total} {{braces}} {nope}"},
        {"line": 4, "logMessage": "add({a}, {b})", "condition": "b >= 3"},
        {"line": 10, "logMessage": "at the end: {[total, \"x\"]}", "hitCondition": ">= 1"}])
    assert client.event("exited")["body"]["exitCode"] == 0
    client.event("terminated")
    assert client.events("stopped") == []
    assert client.output() == LOOP_OUTPUT
    logs = [text for category, text in client.outputs() if category == "console"]
    assert logs[:2] == ["i=0 total=0 {braces} <NameError: name 'nope' is not defined>\n",
                        "i=1 total=1 {braces} <NameError: name 'nope' is not defined>\n"]
    assert "add(3, 3)\n" in logs and "add(6, 4)\n" in logs and "add(1, 2)\n" not in logs
    assert logs[-1] == 'at the end: [10, "x"]\n'  # as print writes it
    # each message is sent after the output written before it, and before the rest
    pieces = [(category, text.strip()) for category, text in client.outputs()]
    assert pieces.index(("console", "add(3, 3)")) < pieces.index(("stdout", "6")) \
        < pieces.index(("console", "add(6, 4)")) < pieces.index(("stdout", "10"))
    assert pieces.index(("stdout", "10")) < pieces.index(("console", 'at the end: [10, "x"]')) \
        < pieces.index(("stdout", "done 10"))


def test_a_logpoint_with_a_hit_count_and_a_breakpoint_on_its_line(
        client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, LOOP)
    log, brk = client.launch(prog, breakpoints=[
        {"line": 8, "logMessage": "hit {i}", "hitCondition": "> 2"},
        {"line": 8, "condition": "i == 4"}])
    assert log["verified"] and brk["verified"]
    stop = client.stopped("breakpoint")
    assert client.evaluate("i") == "4"
    assert stop["hitBreakpointIds"] == [brk["id"]]  # the stopping one, not the logpoint
    consoled = [t for c, t in client.outputs() if c == "console"]
    assert consoled == ["hit 2\n", "hit 3\n", "hit 4\n"]


def test_a_function_breakpoint(client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, LOOP)
    client.launch(prog, stop_on_entry=True)
    client.stopped("entry")
    body = client.ok("setFunctionBreakpoints", {"breakpoints": [
        {"name": "add", "condition": "b >= 1", "hitCondition": "% 2"}, {"name": "nope"},
        {"name": "<main>"}]})
    add, nope, main = body["breakpoints"]
    assert (add["verified"], add["line"]) == (True, 4)
    assert nope == {"id": nope["id"], "verified": False, "message": "no function nope",
                    "reason": "failed"}
    assert main["verified"] is False
    stop = client.move("continue", "function breakpoint")
    assert stop["hitBreakpointIds"] == [add["id"]]
    assert stop["description"] == "Paused on function breakpoint"
    assert (client.top()["name"], client.evaluate("b")) == ("add", "2")
    client.move("continue", "function breakpoint")
    assert client.evaluate("b") == "4"
    assert client.run_to_end() == 0


def test_instruction_breakpoints_stop_by_ip(client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, LOOP)
    client.launch(prog, stop_on_entry=True)
    client.stopped("entry")
    listing = client.ok("disassemble", {"memoryReference": "0", "instructionCount": 40})
    target = next(int(i["address"]) for i in listing["instructions"]
                  if i["instruction"].startswith("print"))
    good, bad = client.ok("setInstructionBreakpoints", {"breakpoints": [
        {"instructionReference": str(target - 2), "offset": 2, "hitCondition": "2"},
        {"instructionReference": "0x0", "offset": 99999}]})["breakpoints"]
    assert good["verified"] and good["instructionReference"] == str(target)
    assert good["line"] == 8
    assert not bad["verified"]
    assert bad["message"].startswith("no instruction 99999, the program has")
    not_an_ip = client.request("setInstructionBreakpoints", {"breakpoints": [
        {"instructionReference": "here"}]})
    assert not not_an_ip["success"] and "instructionReference" in not_an_ip["message"]
    assert client.move("continue", "instruction breakpoint")["hitBreakpointIds"] == [good["id"]]
    assert client.top()["instructionPointerReference"] == str(target)
    assert client.evaluate("i") == "1"  # its second hit
    client.ok("setInstructionBreakpoints", {"breakpoints": []})
    assert client.run_to_end() == 0


def test_a_breakpoint_on_the_first_line_stops_before_anything_runs(
        client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, LOOP)
    client.launch(prog, breakpoints=[{"line": 1}])
    client.stopped("breakpoint")
    top = client.top()
    assert (top["line"], top["instructionPointerReference"]) == (1, "0")
    assert client.output() == ""
    assert client.run_to_end() == 0  # and it was hit once: continuing steps off it


def test_stop_on_entry(client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, LOOP)
    client.launch(prog, stop_on_entry=True, breakpoints=[{"line": 1}])
    stop = client.stopped("entry")  # at the breakpoint's place, reported once, as the entry
    assert stop["description"] == "Paused on entry"
    assert (client.top()["line"], client.top()["instructionPointerReference"]) == (1, "0")
    assert client.run_to_end() == 0
    assert [e["body"]["reason"] for e in client.events("stopped")] == ["entry"]


def test_a_runtime_error_stops_as_an_exception(client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, FAILING)
    client.launch(prog)
    stop = client.stopped("exception")
    assert stop["text"] == "ZeroDivisionError"
    assert stop["description"] == "Paused on runtime error"
    top = client.top()
    assert (top["name"], top["line"], top["column"]) == ("ratio", 2, 12)
    info = client.ok("exceptionInfo", {"threadId": 1})
    assert info["exceptionId"] == "ZeroDivisionError"
    assert info["breakMode"] == "always"
    assert info["description"] == f"{prog}:2:12: ZeroDivisionError: division by zero"
    assert info["details"]["message"] == "division by zero"
    assert info["details"]["typeName"] == "ZeroDivisionError"
    assert info["details"]["stackTrace"].splitlines() == [
        f"  at <main> ({prog}:5:7)", f"  at ratio ({prog}:2:12)"]
    assert client.evaluate("b") == "0"  # the variables of that moment
    assert client.output() == "2.0\n"
    assert client.run_to_end() == 1
    assert client.output("stderr").splitlines()[0] == \
        f"{prog}:2:12: ZeroDivisionError: division by zero"


def test_without_the_filter_a_runtime_error_ends_the_program(
        client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, FAILING)
    client.launch(prog, exceptions=False)
    assert client.event("exited")["body"]["exitCode"] == 1
    client.event("terminated")
    assert client.events("stopped") == []
    assert client.output() == "2.0\n"
    assert f"{prog}:2:12: ZeroDivisionError" in client.output("stderr")


def test_exception_info_away_from_an_error_is_refused(client: DapClient, tmp_path: Path
                                                      ) -> None:
    client.launch(write(tmp_path, LOOP), stop_on_entry=True)
    client.stopped("entry")
    response = client.request("exceptionInfo", {"threadId": 1})
    assert not response["success"]
    assert "not stopped at a runtime error" in response["message"]
    unknown = client.request("setExceptionBreakpoints", {"filters": ["all"]})
    assert unknown["message"] == ("setExceptionBreakpoints: unknown filter 'all' (the filter "
                                  "is 'runtime')")


def test_breakpoints_sent_before_launch_wait_then_are_placed(
        client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, LOOP)
    client.ok("initialize", {"adapterID": "vmscope"})
    early = client.ok("setBreakpoints", {"source": {"path": str(prog)},
                                         "breakpoints": [{"line": 2}]})["breakpoints"][0]
    assert (early["verified"], early["reason"]) == (False, "pending")
    client.ok("configurationDone")
    client.ok("launch", {"program": str(prog)})
    changed = client.event("breakpoint")["body"]
    assert changed["reason"] == "changed"
    assert changed["breakpoint"]["id"] == early["id"]
    assert (changed["breakpoint"]["verified"], changed["breakpoint"]["line"]) == (True, 4)
    client.stopped("breakpoint")
    assert client.top()["line"] == 4


def test_breakpoints_deleted_from_the_console_are_no_trouble(
        client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, LOOP)
    client.launch(prog, breakpoints=[{"line": 8}])
    client.stopped("breakpoint")
    assert client.evaluate("delete", context="repl").startswith("deleted breakpoint")
    again = client.ok("setBreakpoints", {"source": {"path": str(prog)},
                                         "breakpoints": [{"line": 7}]})["breakpoints"]
    assert again[0]["verified"]
    client.move("continue", "breakpoint")
    assert client.top()["line"] == 7
