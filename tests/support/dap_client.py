"""A small DAP client for the tests: it talks to `python -m vmscope dap`
over a real pipe (or a TCP socket), with its own framing code (so the
adapter's framing is checked, not trusted), keeps every message in arrival
order, and bounds every wait with a timeout so a hung adapter fails a test
instead of hanging the suite."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

TIMEOUT = 15.0  # seconds any single wait may take


class DapTimeout(AssertionError):
    pass


def encode(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body


class DapClient:
    def __init__(self, reader: BinaryIO, writer: BinaryIO,
                 proc: subprocess.Popen[bytes] | None = None,
                 sock: socket.socket | None = None) -> None:
        self.reader, self.writer, self.proc, self.sock = reader, writer, proc, sock
        self.seq = 0
        self.messages: list[dict[str, Any]] = []  # everything received, in order
        self.bad_frames: list[str] = []  # framing problems seen on the adapter's side
        self._cond = threading.Condition()
        self._cursor: dict[str, int] = {}  # per event name: how many were taken
        self._eof = False
        self._thread = threading.Thread(target=self._read_loop, daemon=True)
        self._thread.start()

    # ---- starting -----------------------------------------------------------------------

    @classmethod
    def start(cls, *args: str, cwd: Path | None = None) -> DapClient:
        proc = subprocess.Popen([sys.executable, "-m", "vmscope", "dap", *args],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, cwd=cwd)
        assert proc.stdin is not None and proc.stdout is not None
        return cls(proc.stdout, proc.stdin, proc=proc)

    @classmethod
    def connect(cls, port: int, proc: subprocess.Popen[bytes]) -> DapClient:
        sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        sock.settimeout(None)
        return cls(sock.makefile("rb"), sock.makefile("wb"), proc=proc, sock=sock)

    # ---- the wire -----------------------------------------------------------------------

    def _read_loop(self) -> None:
        try:
            while True:
                length = None
                while True:
                    line = self.reader.readline()
                    if not line:
                        return
                    if line == b"\r\n":
                        break
                    if not line.endswith(b"\r\n"):
                        self.bad_frames.append(f"header line without CRLF: {line!r}")
                    name, _, value = line.decode("ascii").partition(":")
                    if name == "Content-Length":
                        length = int(value.strip())
                if length is None:
                    self.bad_frames.append("a header without Content-Length")
                    continue
                body = self.reader.read(length)
                message = json.loads(body.decode("utf-8"))
                with self._cond:
                    self.messages.append(message)
                    self._cond.notify_all()
        finally:
            with self._cond:
                self._eof = True
                self._cond.notify_all()

    def send_raw(self, data: bytes) -> None:
        self.writer.write(data)
        self.writer.flush()

    def send(self, command: str, arguments: dict[str, Any] | None = None) -> int:
        self.seq += 1
        message: dict[str, Any] = {"seq": self.seq, "type": "request", "command": command}
        if arguments is not None:
            message["arguments"] = arguments
        self.send_raw(encode(message))
        return self.seq

    def _wait(self, test: Callable[[], Any], what: str, timeout: float = TIMEOUT) -> Any:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = test()
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0 or self._eof:
                    raise DapTimeout(f"{'no' if left <= 0 else 'the adapter ended before'} "
                                     f"{what}; got {self.summary()}")
                self._cond.wait(left)

    def summary(self) -> str:
        return ", ".join(m.get("event") or f"{m.get('command')}:{m.get('success')}"
                         for m in self.messages[-12:])

    # ---- requests and events ------------------------------------------------------------

    def response(self, seq: int, timeout: float = TIMEOUT) -> dict[str, Any]:
        def find() -> dict[str, Any] | None:
            for m in self.messages:
                if m.get("type") == "response" and m.get("request_seq") == seq:
                    return m
            return None

        return self._wait(find, f"response to request {seq}", timeout)  # type: ignore[no-any-return]

    def request(self, command: str, arguments: dict[str, Any] | None = None,
                timeout: float = TIMEOUT) -> dict[str, Any]:
        return self.response(self.send(command, arguments), timeout)

    def ok(self, command: str, arguments: dict[str, Any] | None = None) -> dict[str, Any]:
        """The body of a successful response (asserts success)."""
        response = self.request(command, arguments)
        assert response["success"], response
        assert response["command"] == command
        return response.get("body") or {}

    def event(self, name: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The next `name` event not taken yet (each is taken once)."""
        def find() -> dict[str, Any] | None:
            seen = [m for m in self.messages if m.get("type") == "event" and m["event"] == name]
            taken = self._cursor.get(name, 0)
            if len(seen) > taken:
                self._cursor[name] = taken + 1
                return seen[taken]
            return None

        return self._wait(find, f"{name} event", timeout)  # type: ignore[no-any-return]

    def next_of(self, *names: str) -> str:
        """Which of these events comes next (the first not taken yet); not taken."""
        def find() -> str | None:
            first: tuple[int, str] | None = None
            for name in names:
                seen = [i for i, m in enumerate(self.messages)
                        if m.get("type") == "event" and m["event"] == name]
                taken = self._cursor.get(name, 0)
                if len(seen) > taken and (first is None or seen[taken] < first[0]):
                    first = (seen[taken], name)
            return first[1] if first is not None else None

        return self._wait(find, " or ".join(names) + " event")  # type: ignore[no-any-return]

    def events(self, name: str) -> list[dict[str, Any]]:
        with self._cond:
            return [m for m in self.messages if m.get("type") == "event" and m["event"] == name]

    def output(self, category: str = "stdout") -> str:
        return "".join(e["body"]["output"] for e in self.events("output")
                       if e["body"].get("category") == category)

    def wait_output(self, text: str, category: str = "stdout") -> str:
        return self._wait(lambda: self.output(category) if text in self.output(category)
                          else None, f"output {text!r}")  # type: ignore[no-any-return]

    # ---- the usual sequences ------------------------------------------------------------

    def launch(self, program: Path, *, breakpoints: list[dict[str, Any]] | None = None,
               stop_on_entry: bool = False, exceptions: bool = True,
               **launch_args: Any) -> list[dict[str, Any]]:
        """initialize, launch, initialized, breakpoints, configurationDone;
        the breakpoints as the adapter answered them."""
        self.ok("initialize", {"adapterID": "vmscope", "clientID": "tests",
                               "linesStartAt1": True, "columnsStartAt1": True,
                               "supportsVariablePaging": True, "supportsVariableType": True})
        self.ok("launch", {"program": str(program), "stopOnEntry": stop_on_entry,
                           **launch_args})
        self.event("initialized")
        placed: list[dict[str, Any]] = []
        if breakpoints is not None:
            placed = self.ok("setBreakpoints", {"source": {"path": str(program)},
                                                "breakpoints": breakpoints})["breakpoints"]
        self.ok("setExceptionBreakpoints", {"filters": ["runtime"] if exceptions else []})
        self.ok("configurationDone")
        return placed

    def stopped(self, reason: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = self.event("stopped")["body"]
        if reason is not None:
            assert body["reason"] == reason, body
        return body

    def top(self) -> dict[str, Any]:
        """The innermost stack frame."""
        frames: list[dict[str, Any]] = self.ok("stackTrace", {"threadId": 1})["stackFrames"]
        return frames[0]

    def move(self, command: str, reason: str | None = None, **args: Any) -> dict[str, Any]:
        """A request that runs the program (continue, next, stepBack...) and
        the `stopped` event that follows it; the body of that event."""
        self.ok(command, {"threadId": 1, **args})
        return self.stopped(reason)

    def evaluate(self, expression: str, frame_id: int | None = 1, context: str = "watch"
                 ) -> str:
        """An expression's result text (asserts success)."""
        args: dict[str, Any] = {"expression": expression, "context": context}
        if frame_id is not None:
            args["frameId"] = frame_id
        result: str = self.ok("evaluate", args)["result"]
        return result

    def scope(self, name: str, frame_id: int = 1) -> dict[str, Any]:
        scopes: list[dict[str, Any]] = self.ok("scopes", {"frameId": frame_id})["scopes"]
        return next(s for s in scopes if s["name"] == name)

    def variables(self, ref: int, **paging: Any) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.ok("variables", {"variablesReference": ref,
                                                            **paging})["variables"]
        return found

    def named(self, scope: str, frame_id: int = 1) -> dict[str, dict[str, Any]]:
        """A scope's variables by name."""
        ref = self.scope(scope, frame_id)["variablesReference"]
        return {v["name"]: v for v in self.variables(ref)}

    def run_to_end(self) -> int:
        """Continue to the end; the exit status."""
        self.ok("continue", {"threadId": 1})
        code: int = self.event("exited")["body"]["exitCode"]
        self.event("terminated")
        return code

    def outputs(self) -> list[tuple[str, str]]:
        """Every output event so far as (category, text), in order."""
        return [(e["body"].get("category", "console"), e["body"]["output"])
                for e in self.events("output")]

    def close(self) -> int | None:
        """Disconnect if still connected, and reap the adapter; its exit status."""
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(OSError):
                self.send("disconnect", {"terminateDebuggee": True})
            with contextlib.suppress(OSError):
                self.writer.close()
            try:
                self.proc.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=TIMEOUT)
        if self.sock is not None:
            self.sock.close()
        self._thread.join(TIMEOUT)
        return self.proc.returncode if self.proc is not None else None

    def stderr(self) -> str:
        assert self.proc is not None and self.proc.stderr is not None
        return self.proc.stderr.read().decode("utf-8", "replace")
