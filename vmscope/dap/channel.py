"""The adapter's side of the wire: numbers every message it sends (`seq`
from 1, one more per message), writes each whole under one lock so the
request loop and the run worker never interleave, and logs the traffic."""

from __future__ import annotations

import json
import logging
import threading
from typing import Any, BinaryIO

from vmscope.dap.framing import encode
from vmscope.dap.protocol import DapError, EventName

log = logging.getLogger("vmscope.dap")


class Channel:
    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self._seq = 0
        self._lock = threading.Lock()
        self.closed = False

    def _send(self, message: dict[str, Any]) -> None:
        with self._lock:
            if self.closed:
                return
            self._seq += 1
            message = {"seq": self._seq, **message}
            if log.isEnabledFor(logging.DEBUG):
                log.debug("<- %s", json.dumps(message, ensure_ascii=False))
            try:
                self.stream.write(encode(message))
                self.stream.flush()
            except (OSError, ValueError):  # the client went away
                self.closed = True

    def respond(self, request_seq: int, command: str, body: dict[str, Any] | None = None
                ) -> None:
        message: dict[str, Any] = {"type": "response", "request_seq": request_seq,
                                   "success": True, "command": command}
        if body is not None:
            message["body"] = body
        self._send(message)

    def fail(self, request_seq: int, command: str, error: DapError) -> None:
        self._send({"type": "response", "request_seq": request_seq, "success": False,
                    "command": command, "message": error.short or error.text,
                    "body": error.body()})

    def event(self, name: EventName, body: dict[str, Any] | None = None) -> None:
        message: dict[str, Any] = {"type": "event", "event": name.value}
        if body is not None:
            message["body"] = body
        self._send(message)

    def close(self) -> None:
        with self._lock:
            self.closed = True
