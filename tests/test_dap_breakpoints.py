"""`vmscope dap` over a real pipe: breakpoints of every kind supported
(source lines with conditions and hit counts, functions, instructions, the
runtime-error filter) and the stop reasons they give."""

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


def evaluate(client: DapClient, expression: str) -> str:
    result: str = client.ok("evaluate", {"expression": expression, "frameId": 1,
                                         "context": "watch"})["result"]
    return result


def run_to_end(client: DapClient) -> int:
    client.ok("continue", {"threadId": 1})
    code: int = client.event("exited")["body"]["exitCode"]
    client.event("terminated")
    return code


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
    assert nowhere["verified"] is False
    assert nowhere["message"] == "no code at or after line 40"
    client.ok("configurationDone")
    stop = client.stopped("breakpoint")
    assert stop["hitBreakpointIds"] == [moved["id"]]
    assert stop["threadId"] == 1
    assert client.top()["line"] == 4
    assert client.top()["name"] == "add"
    client.ok("continue", {"threadId": 1})
    assert client.stopped("breakpoint")["hitBreakpointIds"] == [exact["id"]]
    assert client.top()["line"] == 8


def test_a_condition_and_a_hit_count(client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, LOOP)
    client.launch(prog, breakpoints=[{"line": 8, "condition": "i == 3"},
                                     {"line": 7, "hitCondition": ">= 2"}])
    client.stopped("breakpoint")
    assert client.top()["line"] == 7
    assert evaluate(client, "i") == "1"  # the second hit of line 7
    client.ok("continue", {"threadId": 1})
    client.stopped("breakpoint")
    assert (client.top()["line"], evaluate(client, "i")) == (7, "2")  # and every one after
    client.ok("setBreakpoints", {"source": {"path": str(prog)},
                                 "breakpoints": [{"line": 8, "condition": "i == 3"}]})
    client.ok("continue", {"threadId": 1})
    client.stopped("breakpoint")
    assert (client.top()["line"], evaluate(client, "i")) == (8, "3")
    assert run_to_end(client) == 0
    assert client.output() == LOOP_OUTPUT


def test_breakpoints_that_cannot_be_set_say_why(client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, LOOP)
    client.launch(prog, stop_on_entry=True)
    client.stopped("entry")
    body = client.ok("setBreakpoints", {"source": {"path": str(prog)}, "breakpoints": [
        {"line": 8, "condition": "i =="}, {"line": 8, "hitCondition": "%2"},
        {"line": 8, "logMessage": "i is {i}"}]})
    messages = [bp["message"] for bp in body["breakpoints"]]
    assert not any(bp["verified"] for bp in body["breakpoints"])
    assert messages[0].startswith("condition: SyntaxError:")
    assert "hit condition '%2' is not supported" in messages[1]
    assert messages[2] == "logpoints are not supported yet"
    other = client.ok("setBreakpoints", {"source": {"path": str(tmp_path / "other.vms")},
                                         "breakpoints": [{"line": 1}]})["breakpoints"][0]
    assert other["verified"] is False and "launched program" in other["message"]
    assert run_to_end(client) == 0  # none of them stopped the program


def test_a_function_breakpoint(client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, LOOP)
    client.launch(prog, stop_on_entry=True)
    client.stopped("entry")
    body = client.ok("setFunctionBreakpoints", {"breakpoints": [
        {"name": "add", "condition": "b == 2"}, {"name": "nope"}]})
    add, nope = body["breakpoints"]
    assert (add["verified"], add["line"]) == (True, 4)
    assert nope == {"id": nope["id"], "verified": False, "message": "no function named nope",
                    "reason": "failed"}
    client.ok("continue", {"threadId": 1})
    stop = client.stopped("function breakpoint")
    assert stop["hitBreakpointIds"] == [add["id"]]
    assert client.top()["name"] == "add"
    assert evaluate(client, "b") == "2"


def test_an_instruction_breakpoint(client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, LOOP)
    client.launch(prog, stop_on_entry=True)
    client.stopped("entry")
    listing = client.ok("disassemble", {"memoryReference": "0", "instructionCount": 40})
    prints = [i["address"] for i in listing["instructions"]
              if i["instruction"].startswith("print")]
    target = prints[0]
    body = client.ok("setInstructionBreakpoints", {"breakpoints": [
        {"instructionReference": target}, {"instructionReference": "0x0", "offset": 99999}]})
    good, bad = body["breakpoints"]
    assert good["verified"] and good["instructionReference"] == target
    assert good["line"] == 8
    assert not bad["verified"] and bad["message"].startswith("no instruction at ip 99999")
    client.ok("continue", {"threadId": 1})
    assert client.stopped("instruction breakpoint")["hitBreakpointIds"] == [good["id"]]
    assert client.top()["instructionPointerReference"] == target
    client.ok("setInstructionBreakpoints", {"breakpoints": []})
    assert run_to_end(client) == 0


def test_a_breakpoint_on_the_first_line_stops_before_anything_runs(
        client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, LOOP)
    client.launch(prog, breakpoints=[{"line": 1}])
    client.stopped("breakpoint")
    top = client.top()
    assert (top["line"], top["instructionPointerReference"]) == (1, "0")
    assert client.output() == ""


def test_stop_on_entry(client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, LOOP)
    client.launch(prog, stop_on_entry=True)
    stop = client.stopped("entry")
    assert stop["description"] == "Paused on entry"
    assert client.top()["line"] == 1


def test_a_runtime_error_stops_as_an_exception(client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, FAILING)
    client.launch(prog)
    stop = client.stopped("exception")
    assert stop["text"] == "ZeroDivisionError"
    top = client.top()
    assert (top["name"], top["line"], top["column"]) == ("ratio", 2, 12)
    info = client.ok("exceptionInfo", {"threadId": 1})
    assert info["exceptionId"] == "ZeroDivisionError"
    assert info["breakMode"] == "always"
    assert info["description"] == f"{prog}:2:12: ZeroDivisionError: division by zero"
    assert info["details"]["message"] == "division by zero"
    assert info["details"]["stackTrace"].splitlines() == [
        f"  at <main> ({prog}:5:7)", f"  at ratio ({prog}:2:12)"]
    assert client.output() == "2.0\n"
    assert run_to_end(client) == 1
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
