"""`vmscope dap` over a real pipe: data breakpoints (the Session's
watchpoints): which data `dataBreakpointInfo` offers, `setDataBreakpoints`,
the `data breakpoint` stop with what changed, and reverse-continue back to a
change."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.dap_client import DapClient

PROGRAM = """\
let total = 0
let grid = [[0, 0], [0, 0]]
fn bump(n) {
  let k = n * 2
  total += k
  return k
}
for i in range(4) {
  bump(i)
  grid[1][0] = i
}
print(total)
"""


@pytest.fixture
def client() -> Iterator[DapClient]:
    c = DapClient.start()
    yield c
    c.close()


def at_bump(client: DapClient, tmp_path: Path) -> Path:
    """Stopped at `total += k` of the first call of bump."""
    prog = tmp_path / "prog.vms"
    prog.write_text(PROGRAM, encoding="utf-8")
    client.launch(prog, breakpoints=[{"line": 5}])
    client.stopped("breakpoint")
    return prog


def info(client: DapClient, name: str, **args: object) -> dict[str, object]:
    return client.ok("dataBreakpointInfo", {"name": name, **args})


def test_which_data_can_be_watched(client: DapClient, tmp_path: Path) -> None:
    at_bump(client, tmp_path)
    globals_ = client.scope("Globals")["variablesReference"]
    total = info(client, "total", variablesReference=globals_)
    assert total == {"dataId": "total", "description": "total", "accessTypes": ["write"],
                     "canPersist": True}
    locals_ = client.scope("Locals")["variablesReference"]
    k = info(client, "k", variablesReference=locals_)
    assert (k["dataId"], k["canPersist"]) == ("k", False)
    caller_locals = client.scope("Locals", frame_id=2)["variablesReference"]
    outer = info(client, "i", variablesReference=caller_locals)
    assert outer["dataId"] is None
    assert outer["description"] == ("i reads locals of frame 2 (<main>), and a data "
                                    "breakpoint watches in the innermost frame (frame 1)")
    grid = client.named("Globals")["grid"]
    row = client.variables(grid["variablesReference"])[1]
    element = info(client, "0", variablesReference=row["variablesReference"])
    assert (element["dataId"], element["canPersist"]) == ("grid[1][0]", True)
    stack = client.scope("Value stack")["variablesReference"]
    assert info(client, "0", variablesReference=stack)["dataId"] is None
    expression = info(client, "k + total", frameId=1)
    assert expression["dataId"] == "k + total"
    assert info(client, "total * 2")["dataId"] == "total * 2"  # no frame: the global scope
    broken = info(client, "k +", frameId=1)
    assert broken["dataId"] is None and str(broken["description"]).startswith("SyntaxError")
    unknown = info(client, "nope", frameId=1)
    assert unknown["description"] == "NameError: name 'nope' is not defined"


def test_a_data_breakpoint_stops_where_the_value_changes(client: DapClient, tmp_path: Path
                                                         ) -> None:
    prog = at_bump(client, tmp_path)
    client.ok("setBreakpoints", {"source": {"path": str(prog)}, "breakpoints": []})
    body = client.ok("setDataBreakpoints", {"breakpoints": [
        {"dataId": "grid[1][0]", "accessType": "write"}, {"dataId": "total"},
        {"dataId": "total", "accessType": "read"}, {"dataId": "k", "condition": "k > 2"},
        {"dataId": "k +"}]})
    element, total, read, conditional, broken = body["breakpoints"]
    assert element["verified"] and total["verified"]
    assert read == {"id": read["id"], "verified": False, "reason": "failed", "message":
                    "only `write` data breakpoints (a change of value) are supported, not "
                    "`read`"}
    assert conditional["message"] == "a data breakpoint takes no condition or hit condition"
    assert broken["message"].startswith("expression: SyntaxError:")
    stop = client.move("continue", "data breakpoint")
    assert stop["description"] == "Paused on data breakpoint"
    seen = [(stop["text"], stop["hitBreakpointIds"])]
    for _ in range(3):
        stop = client.move("continue", "data breakpoint")
        seen.append((stop["text"], stop["hitBreakpointIds"]))
    # i = 0: total stays 0 (k is 0), grid[1][0] stays 0; i = 1: total 0 -> 2, then grid 0 -> 1
    assert seen == [("total: 0 -> 2", [total["id"]]), ("grid[1][0]: 0 -> 1", [element["id"]]),
                    ("total: 2 -> 6", [total["id"]]), ("grid[1][0]: 1 -> 2", [element["id"]])]
    assert client.evaluate("i") == "2"
    back = client.move("reverseContinue", "data breakpoint")
    assert (back["text"], back["hitBreakpointIds"]) == ("total: 2 -> 6", [total["id"]])
    assert client.evaluate("total") == "6"
    client.ok("setDataBreakpoints", {"breakpoints": []})
    assert client.run_to_end() == 0
    assert client.output() == "12\n"


def test_data_breakpoints_persist_across_a_restart_and_wait_for_launch(
        client: DapClient, tmp_path: Path) -> None:
    prog = tmp_path / "prog.vms"
    prog.write_text(PROGRAM, encoding="utf-8")
    client.ok("initialize", {"adapterID": "vmscope"})
    early = client.ok("setDataBreakpoints", {"breakpoints": [{"dataId": "grid[1][0]"}]})
    assert early["breakpoints"][0]["reason"] == "pending"
    client.ok("launch", {"program": str(prog)})
    placed = client.event("breakpoint")["body"]["breakpoint"]
    assert placed["verified"] is True
    client.event("initialized")
    client.ok("configurationDone")
    first = client.stopped("data breakpoint")
    assert first["text"] == "grid[1][0]: (no value) -> 0"  # from before its let ran
    client.ok("restart")
    assert client.stopped("data breakpoint")["text"] == "grid[1][0]: (no value) -> 0"
    assert client.move("continue", "data breakpoint")["text"] == "grid[1][0]: 0 -> 1"


def test_data_breakpoints_set_while_running_take_effect_when_it_stops(
        client: DapClient, tmp_path: Path) -> None:
    prog = tmp_path / "spin.vms"
    prog.write_text("let n = 0\nwhile true {\n  n += 1\n}\n", encoding="utf-8")
    client.launch(prog)
    time.sleep(0.2)
    (pending,) = client.ok("setDataBreakpoints", {"breakpoints": [{"dataId": "n"}]})[
        "breakpoints"]
    assert (pending["verified"], pending["reason"], pending["message"]) == (
        False, "pending", "set when the program stops")
    client.move("pause", "pause")
    changed = client.event("breakpoint")["body"]["breakpoint"]
    assert (changed["id"], changed["verified"]) == (pending["id"], True)
    now = int(client.evaluate("n"))
    stop = client.move("continue", "data breakpoint")
    assert stop["text"] == f"n: {now} -> {now + 1}"
    assert stop["hitBreakpointIds"] == [pending["id"]]
