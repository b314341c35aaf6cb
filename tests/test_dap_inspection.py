"""`vmscope dap` over a real pipe: the stopped state. Stack traces with
paging and spans, scopes and variables (a long list paged), evaluate in each
context, and disassembly paging across both ends of the program."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.dap_client import DapClient

import vmscope
from vmscope.dap.adapter import Adapter, Phase
from vmscope.dap.channel import Channel
from vmscope.dap.handlers import HANDLERS
from vmscope.dap.launch import LaunchConfig
from vmscope.dap.protocol import Arguments, Command
from vmscope.vm.disasm import instruction_text

DEEP = """\
fn down(n) {
  if n == 0 {
    return 0
  }
  return down(n - 1) + 1
}
print(down(30))
"""

TYPED = """\
let seen = []
fn scale(x: int, f: float) {
  return x + f
}
fn outer(n) {
  return scale(n, 1.5)
}
let r = outer(2)
print(seen, r)
"""

DATA = """\
let words = ["a", "b\\n"]
let grid = []
for i in range(250) { push(grid, [i, i * i]) }
fn look(xs, k) {
  let here = xs[k]
  return here
}
print(look(grid, 7))
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


def variables(client: DapClient, ref: int, **paging: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.ok("variables", {"variablesReference": ref,
                                                          **paging})["variables"]
    return found


def scope(client: DapClient, name: str, frame_id: int = 1) -> dict[str, Any]:
    scopes = client.ok("scopes", {"frameId": frame_id})["scopes"]
    return next(s for s in scopes if s["name"] == name)


def test_the_stack_trace_pages_and_every_frame_has_an_ip(client: DapClient, tmp_path: Path
                                                         ) -> None:
    client.launch(write(tmp_path, DEEP), breakpoints=[{"line": 3}])
    client.stopped("breakpoint")
    whole = client.ok("stackTrace", {"threadId": 1})
    frames = whole["stackFrames"]
    assert whole["totalFrames"] == len(frames) == 32  # 31 calls of down, and <main>
    assert [f["name"] for f in frames] == ["down"] * 31 + ["<main>"]
    assert [f["id"] for f in frames] == list(range(1, 33))
    assert all(f["instructionPointerReference"].isdigit() for f in frames)
    assert all(f["source"]["path"] == str(tmp_path / "prog.vms") for f in frames)
    top, caller, main = frames[0], frames[1], frames[-1]
    assert (top["line"], top["column"], top["endLine"], top["endColumn"]) == (3, 12, 3, 13)
    # a caller is shown at its call: `down(n - 1)` on line 5, columns 10 to 14 (the name)
    assert (caller["line"], caller["column"], caller["endColumn"]) == (5, 10, 14)
    assert (main["line"], main["column"]) == (7, 7)
    page = client.ok("stackTrace", {"threadId": 1, "startFrame": 30, "levels": 5})
    assert page["totalFrames"] == 32
    assert [f["id"] for f in page["stackFrames"]] == [31, 32]
    assert client.ok("stackTrace", {"threadId": 1, "startFrame": 40})["stackFrames"] == []
    # each frame has its own locals
    n_of = [variables(client, scope(client, "Locals", fid)["variablesReference"])
            for fid in (1, 2, 31)]
    assert [v[0]["value"] for v in n_of] == ["0", "1", "30"]
    caller_n = client.ok("evaluate", {"expression": "n * 10", "frameId": 2})
    assert caller_n["result"] == "10"


def test_scopes_and_a_long_list_paged(client: DapClient, tmp_path: Path) -> None:
    client.launch(write(tmp_path, DATA), breakpoints=[{"line": 6}])
    client.stopped("breakpoint")
    names = [s["name"] for s in client.ok("scopes", {"frameId": 1})["scopes"]]
    assert names == ["Locals", "Globals", "Value stack"]
    local = {v["name"]: v for v in variables(client, scope(client, "Locals")[
        "variablesReference"])}
    assert local["k"]["value"] == "7" and local["k"]["type"] == "int"
    assert local["here"]["value"] == "[7, 49]"
    glob = {v["name"]: v for v in variables(client, scope(client, "Globals")[
        "variablesReference"])}
    assert glob["words"]["value"] == '["a", "b\\n"]'
    grid = glob["grid"]
    assert grid["type"] == "list" and grid["indexedVariables"] == 250
    assert grid["variablesReference"] > 0
    page = variables(client, grid["variablesReference"], start=240, count=20)
    assert [v["name"] for v in page] == [str(i) for i in range(240, 250)]
    assert page[0]["value"] == "[240, 57600]"
    assert page[0]["evaluateName"] == "grid[240]"
    middle = variables(client, grid["variablesReference"], start=100, count=3)
    assert [v["value"] for v in middle] == ["[100, 10000]", "[101, 10201]", "[102, 10404]"]
    assert variables(client, grid["variablesReference"], start=300, count=5) == []
    assert variables(client, grid["variablesReference"], filter="named") == []
    inner = variables(client, middle[1]["variablesReference"])
    assert [(v["name"], v["value"], v["evaluateName"]) for v in inner] == [
        ("0", "101", "grid[101][0]"), ("1", "10201", "grid[101][1]")]
    assert len(variables(client, grid["variablesReference"])) == 250
    stack = variables(client, scope(client, "Value stack")["variablesReference"])
    assert stack == []  # at the start of line 6 nothing is on the value stack


def test_references_end_when_the_program_runs(client: DapClient, tmp_path: Path) -> None:
    client.launch(write(tmp_path, DATA), breakpoints=[{"line": 6}])
    client.stopped("breakpoint")
    ref = scope(client, "Globals")["variablesReference"]
    client.ok("next", {"threadId": 1})
    client.stopped("step")
    stale = client.request("variables", {"variablesReference": ref + 100})
    assert not stale["success"]
    assert "until the program runs again" in stale["message"]


def test_the_value_stack_of_an_instruction(client: DapClient, tmp_path: Path) -> None:
    client.launch(write(tmp_path, "print(40 + 2)\n"), stop_on_entry=True)
    client.stopped("entry")
    for _ in range(2):
        client.ok("stepIn", {"threadId": 1, "granularity": "instruction"})
        client.stopped("step")
    stack = variables(client, scope(client, "Value stack")["variablesReference"])
    assert [(v["name"], v["value"]) for v in stack] == [("1", "2"), ("0", "40")]  # top first


def test_evaluate_in_each_context(client: DapClient, tmp_path: Path) -> None:
    client.launch(write(tmp_path, DATA), breakpoints=[{"line": 6}])
    client.stopped("breakpoint")
    watch = client.ok("evaluate", {"expression": "here[1] + k", "frameId": 1,
                                   "context": "watch"})
    assert (watch["result"], watch["type"], watch["variablesReference"]) == ("56", "int", 0)
    hover = client.ok("evaluate", {"expression": "xs", "frameId": 1, "context": "hover"})
    assert hover["indexedVariables"] == 250
    first = variables(client, hover["variablesReference"], count=1)[0]
    assert first["evaluateName"] == "xs[0]"
    assert client.evaluate("len(xs)", context="hover") == "250"  # a builtin that changes nothing
    for changing in ("pop(xs)", "look(xs, 1)"):
        refused = client.request("evaluate", {"expression": changing, "frameId": 1,
                                              "context": "hover"})
        assert refused["message"] == ("a hover does not evaluate calls that may change the "
                                      "program (push, pop, the program's functions)")
    assert client.evaluate("len(xs)") == "250"  # nothing was popped
    once = client.ok("evaluate", {"expression": "look(xs, 2)", "frameId": 1, "context": "repl"})
    assert (once["result"], once["indexedVariables"]) == ("[2, 4]", 2)
    assert once["variablesReference"] == 0  # it would be called again to expand it
    repl = client.ok("evaluate", {"expression": "len(xs) * 2", "frameId": 1, "context": "repl"})
    assert repl["result"] == "500"
    text = client.ok("evaluate", {"expression": "words", "context": "repl"})
    assert text["result"] == '["a", "b\\n"]'  # no frame: the global scope
    long_list = client.ok("evaluate", {"expression": "xs", "frameId": 1, "context": "watch"})
    copied = client.ok("evaluate", {"expression": "xs", "frameId": 1, "context": "clipboard"})
    assert long_list["result"].endswith("…") and len(long_list["result"]) <= 1000
    assert copied["result"].startswith("[[0, 0], [1, 1]") and copied["result"].endswith(
        "[249, 62001]]")
    missing = client.request("evaluate", {"expression": "nope + 1", "frameId": 1})
    assert not missing["success"] and missing["message"].startswith("NameError:")
    assert missing["body"]["error"]["id"] > 0
    broken = client.request("evaluate", {"expression": "k +", "frameId": 1})
    assert broken["message"].startswith("SyntaxError:")
    failing = client.request("evaluate", {"expression": "k / 0", "frameId": 1})
    assert failing["message"] == "ZeroDivisionError: division by zero"
    no_frame = client.request("evaluate", {"expression": "k", "frameId": 99})
    assert not no_frame["success"] and "no frame 99" in no_frame["message"]


def test_disassembly_pages_across_both_ends(client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, DEEP)
    code = vmscope.compile_source(DEEP, str(prog)).code
    size = len(code.instrs)
    client.launch(prog, stop_on_entry=True)
    client.stopped("entry")
    here = client.top()["instructionPointerReference"]
    before = client.ok("disassemble", {"memoryReference": "0", "instructionOffset": -5,
                                       "instructionCount": 8})["instructions"]
    assert len(before) == 8
    assert [i["address"] for i in before] == ["-5", "-4", "-3", "-2", "-1", "0", "1", "2"]
    assert all(i["presentationHint"] == "invalid" for i in before[:5])
    assert all(i["presentationHint"] == "normal" for i in before[5:])
    after = client.ok("disassemble", {"memoryReference": hex(size - 2),
                                      "instructionCount": 6})["instructions"]
    assert len(after) == 6
    assert [i["presentationHint"] for i in after] == ["normal"] * 2 + ["invalid"] * 4
    assert after[2]["address"] == str(size)
    around = client.ok("disassemble", {"memoryReference": here, "offset": 1,
                                       "instructionOffset": -1, "instructionCount": 1})
    assert around["instructions"][0]["address"] == here
    whole = client.ok("disassemble", {"memoryReference": "0", "instructionCount": size})
    for ip, item in enumerate(whole["instructions"]):
        instr = code.instrs[ip]
        assert item["address"] == str(ip)
        assert item["instruction"] == instruction_text(instr).rstrip()  # as `vmscope dis`
        assert item["symbol"] == code.functions[instr.func].name
        assert item["location"]["path"] == str(prog)
        assert (item["line"], item["column"]) == (instr.span.line, instr.span.col)
        assert (item["endLine"], item["endColumn"]) == (instr.span.end_line,
                                                        instr.span.end_col)
    assert client.ok("disassemble", {"memoryReference": "0",
                                     "instructionCount": 0})["instructions"] == []
    bad = client.request("disassemble", {"memoryReference": "here", "instructionCount": 1})
    assert not bad["success"] and "memoryReference" in bad["message"]


def test_columns_are_utf16_and_lines_can_start_at_0(client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, 'let s = "\U0001F600" + 1\n')  # the emoji is 2 UTF-16 units
    client.ok("initialize", {"adapterID": "vmscope", "linesStartAt1": False,
                             "columnsStartAt1": False})
    client.ok("launch", {"program": str(prog)})
    client.event("initialized")
    client.ok("configurationDone")
    client.stopped("exception")
    top = client.top()
    # `+` is code point column 13 (1-based); with the emoji's extra unit, 0-based: 13
    assert (top["line"], top["column"]) == (0, 13)


def test_a_list_that_contains_itself_expands_without_end(client: DapClient, tmp_path: Path
                                                        ) -> None:
    client.launch(write(tmp_path, "let a = [1]\npush(a, a)\nlet deep = []\n"
                        "for i in range(3000) { deep = [deep] }\nprint(len(a))\n"),
                  breakpoints=[{"line": 5}])
    client.stopped("breakpoint")
    a = client.named("Globals")["a"]
    assert (a["value"], a["type"], a["indexedVariables"]) == ("[1, [...]]", "list", 2)
    inner = client.variables(a["variablesReference"])
    assert [(v["name"], v["value"]) for v in inner] == [("0", "1"), ("1", "[1, [...]]")]
    again = client.variables(inner[1]["variablesReference"])[1]
    assert (again["value"], again["evaluateName"]) == ("[1, [...]]", "a[1][1]")
    assert client.evaluate("a[1][1][1]") == "[1, [...]]"
    assert client.evaluate("a", context="clipboard") == "[1, [...]]"
    deep = client.named("Globals")["deep"]["value"]
    assert deep.startswith("[[[[") and deep.endswith("…")  # cut, not rendered 3,000 deep
    copied = client.evaluate("deep", context="clipboard")
    assert copied.startswith("[[[[") and len(copied) > len(deep)


def test_set_variable_on_locals_and_globals(client: DapClient, tmp_path: Path) -> None:
    prog = write(tmp_path, TYPED)
    client.ok("initialize", {"adapterID": "vmscope", "supportsInvalidatedEvent": True})
    client.ok("launch", {"program": str(prog)})
    client.event("initialized")
    client.ok("setBreakpoints", {"source": {"path": str(prog)}, "breakpoints": [{"line": 3}]})
    client.ok("configurationDone")
    client.stopped("breakpoint")
    locals_ = client.scope("Locals")["variablesReference"]
    set_x = client.ok("setVariable", {"variablesReference": locals_, "name": "x",
                                      "value": "x * 10"})
    assert (set_x["value"], set_x["type"], set_x["variablesReference"]) == ("20", "int", 0)
    assert client.event("invalidated")["body"]["areas"] == ["variables"]
    typed = client.ok("setVariable", {"variablesReference": locals_, "name": "f",
                                      "value": "3"})
    assert (typed["value"], typed["type"]) == ("3.0", "float")  # a float is declared
    wrong = client.request("setVariable", {"variablesReference": locals_, "name": "f",
                                           "value": "\"no\""})
    assert not wrong["success"]
    assert wrong["message"] == "TypeError: cannot set f (float): expected float, got str"
    globals_ = client.scope("Globals")["variablesReference"]
    listed = client.ok("setVariable", {"variablesReference": globals_, "name": "seen",
                                       "value": "[len(seen), 2.5, [1]]"})  # in the global scope
    assert (listed["value"], listed["indexedVariables"]) == ("[0, 2.5, [1]]", 3)
    assert client.variables(listed["variablesReference"])[2]["value"] == "[1]"
    caller = client.scope("Locals", frame_id=2)["variablesReference"]
    client.ok("setVariable", {"variablesReference": caller, "name": "n", "value": "100"})
    assert client.evaluate("n", frame_id=2) == "100"
    nope = client.request("setVariable", {"variablesReference": locals_, "name": "nope",
                                          "value": "1"})
    assert nope["message"] == "setVariable: no local nope in frame 1"
    element = client.request("setVariable", {"variablesReference": listed["variablesReference"],
                                             "name": "0", "value": "1"})
    assert element["message"] == "setVariable: a list element cannot be set (a local or a " \
        "global can)"
    stack = client.scope("Value stack")["variablesReference"]
    assert "value-stack slot cannot be set" in client.request("setVariable", {
        "variablesReference": stack, "name": "0", "value": "1"})["message"]
    assert client.run_to_end() == 0
    assert client.output() == "[0, 2.5, [1]] 23.0\n"  # the program ran on with the new values


def test_a_stack_trace_page_costs_the_page_not_the_stack(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """In process: a 20-frame page of a 20,000-deep stack builds 20 frame views."""
    prog = write(tmp_path, "fn down(n) {\n  if n == 0 {\n    return 0\n  }\n"
                 "  return down(n - 1) + 1\n}\nprint(down(20000))\n")
    adapter = Adapter(Channel(io.BytesIO()))
    adapter.phase = Phase.INITIALIZED
    config = LaunchConfig.parse(Arguments("launch", {"program": str(prog), "maxDepth": 30000}))
    adapter.install(config, config.compile())
    session = adapter.stopped_session()
    session.add_breakpoint("3")
    session.continue_()
    adapter.phase = Phase.STOPPED
    built: list[int] = []
    original = session.frame_view

    def counted(level: int) -> object:
        built.append(level)
        return original(level)

    monkeypatch.setattr(session, "frame_view", counted)
    page = HANDLERS[Command.STACK_TRACE].fn(adapter, Arguments("stackTrace", {
        "threadId": 1, "startFrame": 10000, "levels": 20})).body
    assert page is not None
    assert page["totalFrames"] == 20002
    assert [f["id"] for f in page["stackFrames"]] == list(range(10001, 10021))
    assert sorted(built) == list(range(10000, 10020))


def test_a_list_of_a_million_pages_at_its_end(client: DapClient, tmp_path: Path) -> None:
    client.launch(write(tmp_path, "let big = range(1000000)\nprint(len(big))\n"),
                  breakpoints=[{"line": 2}])
    client.stopped("breakpoint")
    big = client.named("Globals")["big"]
    assert (big["indexedVariables"], big["value"][:12]) == (1000000, "[0, 1, 2, 3,")
    assert big["value"].endswith("…") and len(big["value"]) <= 160
    tail = client.variables(big["variablesReference"], start=999_990, count=100)
    assert [v["name"] for v in tail] == [str(i) for i in range(999_990, 1_000_000)]
    assert (tail[-1]["value"], tail[-1]["evaluateName"]) == ("999999", "big[999999]")
    assert client.variables(big["variablesReference"], filter="indexed", start=5, count=2) == [
        {"name": "5", "value": "5", "type": "int", "variablesReference": 0,
         "evaluateName": "big[5]"},
        {"name": "6", "value": "6", "type": "int", "variablesReference": 0,
         "evaluateName": "big[6]"}]
