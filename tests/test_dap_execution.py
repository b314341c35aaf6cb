"""`vmscope dap` over a real pipe: stepping at each granularity, step back
and reverse continue, pause while running, restart, terminate, output
events, exit codes, and the order of responses and events."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.dap_client import DapClient

CALLS = """\
fn twice(n) {
  let m = n * 2
  return m
}
let a = twice(3)
print(a)
let b = twice(a); print(b)
print("end")
"""

SPIN = """\
let n = 0
while true {
  n += 1
}
"""

CHATTY = """\
let i = 0
while i < 200000 {
  if i % 50000 == 0 { print("tick", i) }
  i += 1
}
print("done")
"""


@pytest.fixture
def client() -> Iterator[DapClient]:
    c = DapClient.start()
    yield c
    c.close()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "prog.vms"
    path.write_text(text, encoding="utf-8")
    return path


def step(client: DapClient, command: str, granularity: str | None = None) -> dict[str, object]:
    args: dict[str, object] = {"threadId": 1}
    if granularity is not None:
        args["granularity"] = granularity
    client.ok(command, args)
    client.stopped("step")
    return client.top()


def ip(frame: dict[str, object]) -> int:
    return int(str(frame["instructionPointerReference"]))


def test_instruction_steps_move_one_instruction(client: DapClient, tmp_path: Path) -> None:
    client.launch(write(tmp_path, CALLS), stop_on_entry=True)
    client.stopped("entry")
    start = ip(client.top())
    after = step(client, "stepIn", "instruction")
    assert ip(after) == start + 1
    # next by instruction runs a call to its return: find the call and step over it
    listing = client.ok("disassemble", {"memoryReference": str(ip(after)),
                                        "instructionCount": 10})["instructions"]
    call = next(int(i["address"]) for i in listing if i["instruction"].startswith("call"))
    while ip(client.top()) < call:
        step(client, "next", "instruction")
    over = step(client, "next", "instruction")
    assert (ip(over), over["name"]) == (call + 1, "<main>")
    frames = client.ok("stackTrace", {"threadId": 1})["totalFrames"]
    assert frames == 1
    # stepIn by instruction at a call enters the callee
    client.ok("setInstructionBreakpoints", {"breakpoints": [{"instructionReference": str(
        next(int(i["address"]) for i in client.ok("disassemble", {
            "memoryReference": str(call + 1), "instructionCount": 20})["instructions"]
             if i["instruction"].startswith("call")))}]})
    client.ok("continue", {"threadId": 1})
    client.stopped("instruction breakpoint")
    inside = step(client, "stepIn", "instruction")
    assert inside["name"] == "twice"
    assert client.ok("stackTrace", {"threadId": 1})["totalFrames"] == 2


def test_line_steps_into_over_and_out(client: DapClient, tmp_path: Path) -> None:
    client.launch(write(tmp_path, CALLS), stop_on_entry=True)
    client.stopped("entry")
    assert client.top()["line"] == 5
    into = step(client, "stepIn", "line")
    assert (into["name"], into["line"]) == ("twice", 2)
    down = step(client, "next", "line")
    assert (down["name"], down["line"]) == ("twice", 3)
    out = step(client, "stepOut", "line")
    assert out["name"] == "<main>" and out["line"] == 5
    over = step(client, "next", "line")
    assert (over["name"], over["line"]) == ("<main>", 6)
    over = step(client, "next", "line")
    assert over["line"] == 7
    assert client.output() == "6\n"


def test_statement_steps_stop_at_each_statement(client: DapClient, tmp_path: Path) -> None:
    client.launch(write(tmp_path, CALLS), stop_on_entry=True)
    client.stopped("entry")

    def b_now() -> str:
        response = client.request("evaluate", {"expression": "b", "frameId": 1})
        return response["body"]["result"] if response["success"] else "unset"

    assert step(client, "next")["line"] == 6  # no granularity: the spec's default, statement
    at_let = step(client, "next", "statement")
    assert (at_let["line"], b_now()) == (7, "unset")
    at_print = step(client, "next", "statement")  # `print(b)`, on the same line
    assert (at_print["line"], b_now()) == (7, "12")
    assert client.output() == "6\n"
    back = [step(client, "stepBack", "statement") for _ in range(3)]  # any frame: into twice
    assert [(f["name"], f["line"]) for f in back] == [("twice", 3), ("twice", 2), ("<main>", 7)]
    assert back[-1] == at_let
    inside = step(client, "stepIn", "statement")
    assert (inside["name"], inside["line"]) == ("twice", 2)
    assert step(client, "stepIn", "statement")["line"] == 3
    back_out = step(client, "stepIn", "statement")  # returned: the rest of `let b = ...`
    assert (back_out["name"], back_out["line"], b_now()) == ("<main>", 7, "unset")
    assert step(client, "stepIn", "statement") == at_print
    by_line = step(client, "stepBack", "line")  # into the call: twice's last line
    assert (by_line["name"], by_line["line"]) == ("twice", 3)
    by_line = step(client, "next", "line")  # by line, `print(b)` is no stop of its own
    assert (by_line["name"], by_line["line"]) == ("<main>", 7)
    assert step(client, "next", "line")["line"] == 8


def test_step_out_of_main_runs_on(client: DapClient, tmp_path: Path) -> None:
    client.launch(write(tmp_path, CALLS), stop_on_entry=True)
    client.stopped("entry")
    client.ok("stepOut", {"threadId": 1})
    assert client.event("exited")["body"]["exitCode"] == 0
    assert client.output() == "6\n12\nend\n"


def test_step_back_at_the_start_is_refused(client: DapClient, tmp_path: Path) -> None:
    client.launch(write(tmp_path, CALLS), stop_on_entry=True)
    client.stopped("entry")
    for command in ("stepBack", "reverseContinue"):
        refused = client.request(command, {"threadId": 1})
        assert not refused["success"]
        assert refused["message"] == f"{command}: at step 0, the start: nothing before it"
    assert client.top()["instructionPointerReference"] == "0"
    assert client.events("stopped")[-1]["body"]["reason"] == "entry"


def test_step_back_at_each_granularity(client: DapClient, tmp_path: Path) -> None:
    client.launch(write(tmp_path, CALLS), stop_on_entry=True)
    client.stopped("entry")
    first = client.top()
    second = step(client, "stepIn", "instruction")
    third = step(client, "stepIn", "instruction")  # the call: into twice
    assert (ip(second), third["name"]) == (ip(first) + 1, "twice")
    assert step(client, "stepBack", "instruction") == second
    client.ok("stepBack", {"threadId": 1, "granularity": "instruction"})
    assert client.stopped("entry")["description"] == "Paused on entry"  # step 0 again
    assert client.top() == first
    for _ in range(2):
        step(client, "next", "line")
    assert client.top()["line"] == 7
    assert client.output() == "6\n"
    assert step(client, "stepBack", "line")["line"] == 6
    into = step(client, "stepBack", "statement")  # the statement before: twice's return
    assert (into["name"], into["line"]) == ("twice", 3)
    # forward again: the output printed the first time is not sent twice
    client.ok("continue", {"threadId": 1})
    client.event("terminated")
    assert client.output() == "6\n12\nend\n"


def test_reverse_continue_goes_back_to_the_last_breakpoint_stop(
        client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, CALLS)
    (bp,) = client.launch(prog, breakpoints=[{"line": 2}])
    client.stopped("breakpoint")
    n_first = client.ok("evaluate", {"expression": "n", "frameId": 1})["result"]
    client.ok("continue", {"threadId": 1})
    client.stopped("breakpoint")
    assert client.ok("evaluate", {"expression": "n", "frameId": 1})["result"] == "6"
    client.ok("next", {"threadId": 1})
    client.stopped("step")
    client.ok("reverseContinue", {"threadId": 1})
    assert client.stopped("breakpoint")["hitBreakpointIds"] == [bp["id"]]
    assert client.ok("evaluate", {"expression": "n", "frameId": 1})["result"] == "6"
    client.ok("reverseContinue", {"threadId": 1})
    client.stopped("breakpoint")
    assert client.ok("evaluate", {"expression": "n", "frameId": 1})["result"] == n_first == "3"
    client.ok("reverseContinue", {"threadId": 1})
    client.stopped("entry")
    assert client.top()["line"] == 5
    note = [t for c, t in client.outputs() if c == "console"][-1]
    assert note.startswith("reverse-continue: back at step 0 (no breakpoint hit before step ")


def test_pause_stops_an_endless_loop_and_requests_are_answered_meanwhile(
        client: DapClient, tmp_path: Path) -> None:
    client.launch(write(tmp_path, SPIN))
    time.sleep(0.3)
    running = client.request("stackTrace", {"threadId": 1})
    assert not running["success"]
    assert running["message"] == "notStopped"
    assert "running" in running["body"]["error"]["format"]
    busy = client.request("next", {"threadId": 1})
    assert not busy["success"] and busy["message"] == "notStopped"
    assert client.ok("threads")["threads"] == [{"id": 1, "name": "main"}]
    started = time.monotonic()
    seq = client.send("pause", {"threadId": 1})
    assert client.response(seq)["success"]
    stop = client.stopped("pause")
    assert time.monotonic() - started < 5
    assert stop["description"] == "Paused"
    assert client.top()["line"] in (2, 3, 4)  # the loop: its test, its body, its jump back
    n = int(client.ok("evaluate", {"expression": "n", "frameId": 1})["result"])
    assert n > 0
    # the response to pause comes before the stopped event
    order = [m.get("command") or m.get("event") for m in client.messages]
    assert order.index("pause") < len(order) - 1 - order[::-1].index("stopped")


def test_pause_when_stopped_is_an_error(client: DapClient, tmp_path: Path) -> None:
    client.launch(write(tmp_path, CALLS), stop_on_entry=True)
    client.stopped("entry")
    response = client.request("pause", {"threadId": 1})
    assert not response["success"] and "not running" in response["message"]
    assert client.ok("threads")["threads"][0]["id"] == 1


def test_output_events_stream_while_running_and_come_before_the_end(
        client: DapClient, tmp_path: Path) -> None:
    client.launch(write(tmp_path, CHATTY))
    assert client.event("exited")["body"]["exitCode"] == 0
    client.event("terminated")
    assert client.output() == "tick 0\ntick 50000\ntick 100000\ntick 150000\ndone\n"
    kinds = [m.get("event") for m in client.messages if m["type"] == "event"]
    assert kinds.index("exited") > max(i for i, k in enumerate(kinds) if k == "output")
    assert kinds[-2:] == ["exited", "terminated"]
    seqs = [m["seq"] for m in client.messages]
    assert seqs == list(range(1, len(seqs) + 1))  # numbered from 1, one more a message


def test_restart_runs_the_program_again_as_it_is_now_on_disk(
        client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, CALLS)
    client.launch(prog, breakpoints=[{"line": 7}])
    client.stopped("breakpoint")
    assert client.output() == "6\n"
    prog.write_text(CALLS.replace("print(a)\n", "print(a + 100)\n# no code here\n"),
                    encoding="utf-8")
    client.ok("restart", {"arguments": {"program": str(prog)}})
    changed = client.event("breakpoint")["body"]
    assert changed["reason"] == "changed"
    assert (changed["breakpoint"]["verified"], changed["breakpoint"]["line"]) == (True, 8)
    client.stopped("breakpoint")
    assert client.top()["line"] == 8
    assert client.output() == "6\n106\n"  # the new program ran from the start
    client.ok("restart")  # no new arguments: the same configuration
    client.stopped("breakpoint")
    assert client.output() == "6\n106\n106\n"
    assert client.ok("evaluate", {"expression": "a", "frameId": 1})["result"] == "6"


def test_restart_while_running(client: DapClient, tmp_path: Path) -> None:
    client.launch(write(tmp_path, SPIN))
    time.sleep(0.2)
    client.ok("restart", {"arguments": {"program": str(tmp_path / "prog.vms"),
                                        "stopOnEntry": True}})
    client.stopped("entry")
    assert client.top()["instructionPointerReference"] == "0"
    before_let = client.request("evaluate", {"expression": "n", "frameId": 1})
    assert before_let["message"] == "NameError: global 'n' is used before its let ran"


def test_terminate_while_running(client: DapClient, tmp_path: Path) -> None:
    client.launch(write(tmp_path, SPIN))
    time.sleep(0.2)
    client.ok("terminate")
    client.event("terminated")
    assert client.events("stopped") == []
    after = client.request("stackTrace", {"threadId": 1})
    assert not after["success"] and "ended" in after["message"]
    assert client.close() == 0


def test_disconnect_while_running_ends_the_adapter(client: DapClient, tmp_path: Path) -> None:
    client.launch(write(tmp_path, SPIN))
    time.sleep(0.2)
    client.ok("disconnect", {"terminateDebuggee": True})
    assert client.proc is not None
    assert client.proc.wait(timeout=15) == 0


def test_the_limits_of_the_launch_configuration_apply(client: DapClient, tmp_path: Path
                                                      ) -> None:
    client.launch(write(tmp_path, SPIN), maxSteps=1000)
    stop = client.stopped("exception")
    assert stop["text"] == "LimitError"
    info = client.ok("exceptionInfo", {"threadId": 1})
    assert info["details"]["message"] == "step limit of 1000 exceeded"


def test_the_optimization_level_changes_the_code(client: DapClient, tmp_path: Path) -> None:
    client.launch(write(tmp_path, CALLS), stop_on_entry=True, optimization=2)
    client.stopped("entry")
    listing = client.ok("disassemble", {"memoryReference": "0", "instructionCount": 3})
    assert not listing["instructions"][0]["instruction"].startswith("const")
    bad = DapClient.start()
    try:
        bad.ok("initialize", {"adapterID": "vmscope"})
        response = bad.request("launch", {"program": str(tmp_path / "prog.vms"),
                                          "optimization": 3})
        assert not response["success"]
        assert response["message"] == "launch: `optimization` must be 0, 1 or 2, not 3"
    finally:
        bad.close()


def test_no_debug_runs_through_breakpoints_and_errors(client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, CALLS + "print(1 / 0)\n")
    client.launch(prog, breakpoints=[{"line": 2}], noDebug=True)
    assert client.event("exited")["body"]["exitCode"] == 1
    client.event("terminated")
    assert client.events("stopped") == []
    assert client.output() == "6\n12\nend\n"
    assert f"{prog}:9:9: ZeroDivisionError: division by zero" in client.output("stderr")


def test_a_step_from_a_runtime_error_ends_the_program(client: DapClient, tmp_path: Path
                                                      ) -> None:
    client.launch(write(tmp_path, "print(len(5))\n"))
    assert client.stopped("exception")["text"] == "TypeError"
    client.ok("next", {"threadId": 1})
    assert client.event("exited")["body"]["exitCode"] == 1
    client.event("terminated")
