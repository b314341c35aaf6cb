"""`vmscope dap`'s wire: the framing (Content-Length, CRLF CRLF, UTF-8
JSON), malformed input after which the adapter still answers, requests in
the wrong state, the capabilities, TCP with --port, and no Textual."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.dap_client import TIMEOUT, DapClient, encode

from vmscope.dap.breakpoints import Origin
from vmscope.dap.framing import FrameReader, FramingError
from vmscope.dap.framing import encode as adapter_encode
from vmscope.dap.handlers import HANDLERS
from vmscope.dap.protocol import Command
from vmscope.dap.stops import BREAKPOINT_REASONS, STOP_REASONS
from vmscope.debug.snapshot import StopReason

PROGRAM = 'let s = "héllo ☃"\nprint(s)\n'


@pytest.fixture
def client() -> Iterator[DapClient]:
    c = DapClient.start()
    yield c
    c.close()


def frames(data: bytes) -> list[object]:
    reader = FrameReader(io.BytesIO(data))
    out = []
    while (frame := reader.read()) is not None:
        out.append(frame)
    return out


def test_framing_reads_what_the_spec_writes() -> None:
    body = '{"seq": 1, "type": "request", "command": "x", "arguments": {"s": "☃"}}'
    raw = body.encode("utf-8")
    data = b"Content-Length: %d\r\n\r\n" % len(raw) + raw
    assert frames(data + data) == [json.loads(body)] * 2
    # other header fields are ignored; the length counts bytes, not characters
    assert frames(b"Content-Type: x\r\nContent-Length: %d\r\n\r\n" % len(raw) + raw) == [
        json.loads(body)]
    written = adapter_encode({"s": "☃"})
    assert written == b'Content-Length: 11\r\n\r\n{"s":"\xe2\x98\x83"}'  # bytes, not chars


def test_framing_turns_bad_frames_into_errors_and_reads_on() -> None:
    good = adapter_encode({"seq": 9})
    found = frames(b"nonsense\r\n\r\n" + good + b"Content-Length: x\r\n\r\n" + good
                   + b"Content-Length: 3\r\n\r\n[1]" + b"Content-Length: 2\r\n\r\n\xff\xfe"
                   + b"X-Other: 1\r\n\r\n" + good + b"Content-Length: 99\r\n\r\n{}")
    problems = [f.message for f in found if isinstance(f, FramingError)]
    assert [f for f in found if not isinstance(f, FramingError)] == [{"seq": 9}] * 3
    assert problems == [
        "bad header: a header line without ':': 'nonsense'",
        "bad header: Content-Length is not a number: 'x'",
        "the body is a JSON array, not an object",
        "the body is not UTF-8 (byte 0)",
        "bad header: no Content-Length",
        "the stream ended inside a body of 99 bytes",
    ]


def test_every_command_has_a_handler() -> None:
    assert set(HANDLERS) == set(Command)


def test_every_stop_reason_of_the_session_has_a_protocol_reason() -> None:
    assert set(STOP_REASONS) == set(StopReason)  # a new StopReason needs a row here
    assert STOP_REASONS[StopReason.FINISHED] is None  # the end is exited/terminated
    assert set(BREAKPOINT_REASONS) == set(Origin)


def test_initialize_announces_what_works(client: DapClient) -> None:
    caps = client.ok("initialize", {"adapterID": "vmscope"})
    assert caps["supportsConfigurationDoneRequest"] is True
    announced = {name for name, value in caps.items() if value is True}
    assert announced == {
        "supportsConfigurationDoneRequest", "supportsStepBack", "supportsDisassembleRequest",
        "supportsSteppingGranularity", "supportsInstructionBreakpoints",
        "supportsConditionalBreakpoints", "supportsHitConditionalBreakpoints",
        "supportsFunctionBreakpoints", "supportsExceptionInfoRequest",
        "supportsRestartRequest", "supportsTerminateRequest", "supportsLogPoints",
        "supportsDataBreakpoints", "supportsSetVariable", "supportsCompletionsRequest",
        "supportsDelayedStackTraceLoading", "supportsEvaluateForHovers",
        "supportsClipboardContext"}
    assert set(caps) == announced | {"exceptionBreakpointFilters"}  # nothing announced false
    assert [f["filter"] for f in caps["exceptionBreakpointFilters"]] == ["runtime"]
    again = client.request("initialize", {"adapterID": "vmscope"})
    assert not again["success"] and again["message"] == "initialize may only be sent once"


def test_malformed_input_never_kills_the_adapter(client: DapClient, tmp_path: Path) -> None:
    client.send_raw(b"this is no header\r\n\r\n")  # before initialize: a response, seq 0
    first = client.response(0)
    assert first["success"] is False and "malformed" in first["message"]
    client.ok("initialize", {"adapterID": "vmscope"})
    client.send_raw(b"Content-Length: 7\r\n\r\n{nope!}")  # bad JSON, after: an output event
    notice = client.event("output")["body"]
    assert notice["category"] == "console" and "not JSON" in notice["output"]
    client.send_raw(b"Content-Length: 4\r\n\r\n\"hi\"")
    assert "not an object" in client.event("output")["body"]["output"]
    client.send_raw(encode({"type": "request", "command": "threads"}))  # no seq
    assert "`seq`" in client.event("output")["body"]["output"]
    client.send_raw(encode({"seq": 50, "type": "request"}))
    assert client.response(50)["message"] == "a request needs a `command`, a string"
    client.send_raw(encode({"seq": 51, "type": "event", "event": "x"}))
    assert "expected a request" in client.response(51)["message"]
    client.send_raw(encode({"seq": 52, "type": "request", "command": "threads",
                            "arguments": [1]}))
    assert client.response(52)["message"] == "threads: `arguments` must be an object"
    unknown = client.request("frobnicate", {})
    assert unknown["success"] is False
    assert unknown["message"] == "unknown command 'frobnicate'"
    assert unknown["body"]["error"]["format"] == "unknown command 'frobnicate'"
    assert unknown["command"] == "frobnicate"
    missing = client.request("setBreakpoints", {})
    assert missing["message"] == "setBreakpoints: missing `source`"
    wrong_type = client.request("launch", {"program": 7})
    assert wrong_type["message"] == "launch: `program` must be a string"
    prog = tmp_path / "ok.vms"
    prog.write_text(PROGRAM, encoding="utf-8")
    client.ok("launch", {"program": str(prog)})  # still serving
    client.event("initialized")
    client.ok("configurationDone")
    client.event("terminated")
    assert client.output() == "héllo ☃\n"
    assert client.bad_frames == []  # everything the adapter wrote was a proper frame


def test_requests_in_the_wrong_state_are_refused(client: DapClient, tmp_path: Path) -> None:
    early = client.request("stackTrace", {"threadId": 1})
    assert not early["success"] and "not initialized" in early["message"]
    client.ok("initialize", {"adapterID": "vmscope"})
    for command, args in [("stackTrace", {"threadId": 1}), ("next", {"threadId": 1}),
                          ("continue", {"threadId": 1}), ("scopes", {"frameId": 1}),
                          ("disassemble", {"memoryReference": "0", "instructionCount": 1})]:
        response = client.request(command, args)
        assert not response["success"], command
        assert response["body"]["error"]["id"] > 0
        assert "launch" in response["message"], command
    prog = tmp_path / "ok.vms"
    prog.write_text(PROGRAM, encoding="utf-8")
    client.ok("launch", {"program": str(prog), "stopOnEntry": True})
    waiting = client.request("next", {"threadId": 1})
    assert "configurationDone" in waiting["message"]
    client.ok("configurationDone")
    client.stopped("entry")
    other_thread = client.request("next", {"threadId": 2})
    assert other_thread["message"] == "no thread 2 (the program is thread 1)"
    bad_step = client.request("next", {"threadId": 1, "granularity": "word"})
    assert "unknown granularity 'word'" in bad_step["message"]
    relaunch = client.request("launch", {"program": str(prog)})
    assert "already launched" in relaunch["message"]
    client.ok("continue", {"threadId": 1})
    client.event("terminated")
    ended = client.request("next", {"threadId": 1})
    assert not ended["success"] and "ended" in ended["message"]


def test_a_program_that_does_not_compile_fails_launch(client: DapClient, tmp_path: Path) -> None:
    prog = tmp_path / "bad.vms"
    prog.write_text("let x = 1\nprint(x +)\n", encoding="utf-8")
    client.ok("initialize", {"adapterID": "vmscope"})
    response = client.request("launch", {"program": str(prog)})
    assert response["success"] is False
    assert response["message"] == f"{prog}:2:10: SyntaxError: expected an expression, found ')'"
    assert response["body"]["error"]["showUser"] is True
    missing = client.request("launch", {"program": "nowhere.vms", "cwd": str(tmp_path)})
    assert missing["message"] == "cannot read nowhere.vms: No such file or directory"
    prog.write_text("print(1)\n", encoding="utf-8")
    client.ok("launch", {"program": "bad.vms", "cwd": str(tmp_path)})  # relative to cwd


def test_stdout_carries_only_the_protocol_and_no_textual(tmp_path: Path) -> None:
    """In a fresh interpreter: a whole session's stdout is frames and nothing
    else (the client's reader would choke on anything else), and Textual is
    never imported."""
    prog = tmp_path / "ok.vms"
    prog.write_text(PROGRAM, encoding="utf-8")
    probe = (
        "import sys\n"
        "from vmscope.cli import main\n"
        "code = main(['dap'])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'textual')\n"
        "sys.stderr.write('LOADED ' + ' '.join(loaded) + '\\n')\n"
        "sys.exit(code)\n")
    proc = subprocess.Popen([sys.executable, "-c", probe], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    client = DapClient(proc.stdout, proc.stdin, proc=proc)
    client.launch(prog)
    client.event("terminated")
    assert client.close() == 0
    assert client.stderr().splitlines()[-1].strip() == "LOADED"
    names = [m.get("command") or m.get("event") for m in client.messages]
    assert names[:3] == ["initialize", "launch", "initialized"]
    assert names[-3:] == ["exited", "terminated", "disconnect"]
    assert client.bad_frames == []


def test_port_serves_one_client_over_tcp(tmp_path: Path) -> None:
    prog = tmp_path / "ok.vms"
    prog.write_text(PROGRAM, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "vmscope", "dap", "--port", "0"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline().decode()
        assert line.startswith("vmscope dap: listening on 127.0.0.1:"), line
        client = DapClient.connect(int(line.rsplit(":", 1)[1]), proc)
        client.launch(prog, stop_on_entry=True)
        client.stopped("entry")
        assert client.top()["line"] == 1
        client.ok("continue", {"threadId": 1})
        assert client.event("exited")["body"]["exitCode"] == 0
        assert client.output() == "héllo ☃\n"
        client.ok("disconnect")
        assert proc.wait(timeout=TIMEOUT) == 0
        client.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=TIMEOUT)


def test_a_bad_port_is_a_usage_error() -> None:
    proc = subprocess.run([sys.executable, "-m", "vmscope", "dap", "--port", "http"],
                          capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert proc.returncode == 2
    assert "expected a port number (0 to 65535), got 'http'" in proc.stderr
    assert proc.stdout == ""


def test_log_records_the_traffic_and_the_problems(tmp_path: Path) -> None:
    log = tmp_path / "dap.log"
    client = DapClient.start("--log", str(log))
    try:
        client.ok("initialize", {"adapterID": "vmscope"})
        client.send_raw(b"Content-Length: 3\r\n\r\n{x}")
        client.event("output")
    finally:
        assert client.close() == 0
    text = log.read_text(encoding="utf-8")
    assert "-> {'seq': 1, 'type': 'request', 'command': 'initialize'" in text
    assert '<- {"seq": 1, "type": "response", "request_seq": 1, "success": true' in text
    assert "WARNING malformed message: the body is not JSON" in text
    assert "malformed message" in client.stderr()  # problems also go to stderr


def test_the_new_requests_check_their_arguments(client: DapClient, tmp_path: Path) -> None:
    prog = tmp_path / "ok.vms"
    prog.write_text("let xs = [1, 2]\nprint(xs)\n", encoding="utf-8")
    early = client.request("setVariable", {"variablesReference": 1, "name": "x", "value": "1"})
    assert "not initialized" in early["message"]
    client.launch(prog, stop_on_entry=True)
    client.stopped("entry")
    cases = [
        ("setVariable", {"variablesReference": 1, "value": "1"}, "setVariable: missing `name`"),
        ("setVariable", {"variablesReference": 99, "name": "x", "value": "1"},
         "no variables reference 99 (references last until the program runs again)"),
        ("dataBreakpointInfo", {"variablesReference": 1}, "dataBreakpointInfo: missing `name`"),
        ("dataBreakpointInfo", {"name": "xs", "frameId": 7}, "no frame 7 (there are 1)"),
        ("setDataBreakpoints", {"breakpoints": [{"dataId": "xs", "accessType": "sometimes"}]},
         "setDataBreakpoints: unknown accessType 'sometimes' (read, write, readWrite)"),
        ("setDataBreakpoints", {"breakpoints": [{}]},
         "setDataBreakpoints.breakpoints[0]: missing `dataId`"),
        ("completions", {"text": "p x", "column": 4, "line": 3},
         "completions: no line 3 in the text"),
        ("completions", {"text": "p x"}, "completions: missing `column`"),
        ("evaluate", {"context": "repl"}, "evaluate: missing `expression`"),
        ("variables", {"variablesReference": "1"}, "variables: `variablesReference` must be an "
                                                   "integer"),
        ("stepBack", {"threadId": 1, "granularity": "page"},
         "stepBack: unknown granularity 'page' (statement, line or instruction)"),
    ]
    for command, args, message in cases:
        response = client.request(command, args)
        assert (response["success"], response["message"]) == (False, message), command
        assert response["body"]["error"]["format"] == message
    assert client.run_to_end() == 0  # still serving


def test_a_running_program_answers_not_stopped_to_the_new_requests(
        client: DapClient, tmp_path: Path) -> None:
    prog = tmp_path / "spin.vms"
    prog.write_text("let n = 0\nwhile true { n += 1 }\n", encoding="utf-8")
    client.launch(prog)
    for command, args in [("setVariable", {"variablesReference": 1, "name": "n", "value": "0"}),
                          ("dataBreakpointInfo", {"name": "n"}),
                          ("completions", {"text": "p n", "column": 4}),
                          ("stepBack", {"threadId": 1}), ("reverseContinue", {"threadId": 1})]:
        response = client.request(command, args)
        assert (response["success"], response["message"]) == (False, "notStopped"), command
    client.ok("terminate")
    client.event("terminated")
