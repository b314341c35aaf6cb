"""`vmscope dap`: the request loop over stdio, or over one TCP connection
on 127.0.0.1 (`--port N`).

Bad input never ends the loop: a request that cannot be served gets an error
response (`success: false`, a one-line `message`, and `body.error`); a
message too broken to have a `seq` is reported in an `output` event (before
`initialize` has been answered, which forbids events, in an error response
with `request_seq` 0), and reading goes on. stdout carries only the protocol:
while the server runs, anything else printed goes to stderr, and problems are
logged to stderr or to `--log FILE`."""

from __future__ import annotations

import contextlib
import logging
import socket
import sys
from collections.abc import Iterator
from typing import Any, BinaryIO

from vmscope.dap.adapter import Adapter, Phase
from vmscope.dap.channel import Channel
from vmscope.dap.framing import FrameReader, FramingError
from vmscope.dap.handlers import HANDLERS
from vmscope.dap.protocol import (
    NOT_STOPPED,
    Arguments,
    Command,
    DapError,
    ErrorId,
    EventName,
    OutputCategory,
)

log = logging.getLogger("vmscope.dap")


class Server:
    def __init__(self, reader: BinaryIO, writer: BinaryIO) -> None:
        self.frames = FrameReader(reader)
        self.channel = Channel(writer)
        self.adapter = Adapter(self.channel)

    def serve(self) -> None:
        """Answer requests until `disconnect` or the end of the input."""
        try:
            while not self.adapter.disconnected:
                frame = self.frames.read()
                if frame is None:
                    break
                if isinstance(frame, FramingError):
                    self.malformed(frame.message)
                    continue
                if log.isEnabledFor(logging.DEBUG):
                    log.debug("-> %r", frame)
                self.dispatch(frame)
        finally:
            self.adapter.shutdown()

    def malformed(self, problem: str) -> None:
        """A message with no `seq` to answer."""
        log.warning("malformed message: %s", problem)
        text = f"vmscope dap: ignored a malformed message: {problem}"
        if self.adapter.phase is Phase.NEW:  # no events before initialize is answered
            self.channel.fail(0, "", DapError(ErrorId.MALFORMED, text))
        else:
            self.channel.event(EventName.OUTPUT, {"category": OutputCategory.CONSOLE.value,
                                                  "output": text + "\n"})

    def dispatch(self, message: dict[str, Any]) -> None:
        seq = message.get("seq")
        if type(seq) is not int or seq < 1:
            self.malformed("a message needs a `seq`, a positive integer")
            return
        kind = message.get("type")
        command = message.get("command")
        name = command if isinstance(command, str) else ""
        if kind != "request":
            if kind == "response":
                log.warning("ignored a response (request_seq %r): this adapter sends no "
                            "requests", message.get("request_seq"))
                return
            self.channel.fail(seq, name, DapError(
                ErrorId.MALFORMED, f"expected a request, got a message of type {kind!r}"))
            return
        if not isinstance(command, str):
            self.channel.fail(seq, "", DapError(ErrorId.MALFORMED,
                                                "a request needs a `command`, a string"))
            return
        try:
            self.answer(seq, command, message.get("arguments"))
        except DapError as err:
            self.channel.fail(seq, command, err)
        except Exception as exc:  # a bug of ours: answer it, log it, keep serving
            log.exception("request %s (seq %d) failed", command, seq)
            self.channel.fail(seq, command, DapError(
                ErrorId.INTERNAL, f"internal error in vmscope: {type(exc).__name__}: {exc}"))

    def answer(self, seq: int, command: str, raw_args: Any) -> None:
        try:
            which = Command(command)
        except ValueError:
            raise DapError(ErrorId.UNKNOWN_COMMAND, f"unknown command {command!r}") from None
        handler = HANDLERS[which]
        adapter = self.adapter
        if adapter.phase not in handler.phases:
            short = NOT_STOPPED if adapter.phase is Phase.RUNNING else None
            raise DapError(ErrorId.WRONG_STATE, f"{command} cannot be done now: "
                           f"{adapter.phase.value}", short)
        reply = handler.fn(adapter, Arguments.of(command, raw_args))
        self.channel.respond(seq, command, reply.body)
        if reply.after is not None:
            reply.after()


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[BinaryIO]:
    """The protocol's stdout, with sys.stdout pointed at stderr meanwhile."""
    protocol = sys.stdout.buffer
    saved = sys.stdout
    sys.stdout = sys.stderr
    try:
        yield protocol
    finally:
        sys.stdout = saved


def configure_logging(log_path: str | None) -> None:
    logger = logging.getLogger("vmscope.dap")
    logger.propagate = False
    logger.handlers.clear()
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setLevel(logging.WARNING)
    stderr.setFormatter(logging.Formatter("vmscope dap: %(message)s"))
    logger.addHandler(stderr)
    logger.setLevel(logging.WARNING)
    if log_path:
        handler = logging.FileHandler(log_path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)


def run(port: int | None = None, log_path: str | None = None) -> int:
    """Serve one client over stdio, or over TCP on 127.0.0.1:`port`."""
    configure_logging(log_path)
    if port is None:
        with _stdout_to_stderr() as out:
            Server(sys.stdin.buffer, out).serve()
        return 0
    with socket.create_server(("127.0.0.1", port)) as listener:
        host, actual = listener.getsockname()[:2]
        sys.stderr.write(f"vmscope dap: listening on {host}:{actual}\n")
        sys.stderr.flush()
        conn, _ = listener.accept()
    with conn, conn.makefile("rb") as reader, conn.makefile("wb") as writer:
        Server(reader, writer).serve()
    return 0
