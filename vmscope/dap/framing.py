"""The DAP base protocol's framing: an ASCII header of `Name: value` lines,
each ended by CRLF, a blank line, then `Content-Length` bytes of UTF-8 JSON.

Reading never raises on bad input: a frame that cannot be decoded comes back
as a `FramingError` value, so the server can answer it and read on. The
reader resynchronises at the next blank line after a bad header."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, BinaryIO

MAX_HEADER_LINE = 8 * 1024  # bytes in one header line before it counts as garbage
MAX_BODY = 64 * 1024 * 1024  # a larger Content-Length is refused (and its body resynced over)


@dataclass(frozen=True)
class FramingError:
    """A frame that could not be read; `message` says why, in one line."""

    message: str


Frame = dict[str, Any] | FramingError


def encode(message: dict[str, Any]) -> bytes:
    """One message as it goes on the wire."""
    body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class FrameReader:
    """Reads frames from a binary stream until it ends (then `read` is None)."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream

    def read(self) -> Frame | None:
        header = self._read_header()
        if header is None:
            return None
        if isinstance(header, FramingError):
            return header
        size = header
        body = self._read_exactly(size)
        if body is None:
            return FramingError(f"the stream ended inside a body of {size} bytes")
        return decode_body(body)

    def _read_header(self) -> int | FramingError | None:
        """The body size from the header lines; None at the end of the stream."""
        length: int | None = None
        problem: str | None = None
        seen_any = False
        while True:
            line = self.stream.readline(MAX_HEADER_LINE)
            if not line:
                if seen_any:
                    return FramingError("the stream ended inside a header")
                return None
            if not line.endswith(b"\n"):
                problem = problem or f"a header line longer than {MAX_HEADER_LINE} bytes"
                seen_any = True
                continue
            text = line.rstrip(b"\r\n")
            if not text:
                if not seen_any:
                    continue  # stray blank lines between frames are harmless
                break
            seen_any = True
            name, sep, value = text.partition(b":")
            if not sep:
                problem = problem or f"a header line without ':': {_shown(text)}"
                continue
            if name.strip().lower() != b"content-length":
                continue  # other headers are allowed and ignored
            try:
                length = int(value.strip())
            except ValueError:
                problem = problem or f"Content-Length is not a number: {_shown(value.strip())}"
                continue
            if length < 0 or length > MAX_BODY:
                problem = problem or f"Content-Length {length} is out of range (0 to {MAX_BODY})"
                length = None
        if problem is not None:
            return FramingError(f"bad header: {problem}")
        if length is None:
            return FramingError("bad header: no Content-Length")
        return length

    def _read_exactly(self, size: int) -> bytes | None:
        chunks: list[bytes] = []
        left = size
        while left:
            chunk = self.stream.read(left)
            if not chunk:
                return None
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)


def decode_body(body: bytes) -> Frame:
    """The JSON object of a body, or why it is not one."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return FramingError(f"the body is not UTF-8 (byte {exc.start})")
    try:
        message = json.loads(text)
    except json.JSONDecodeError as exc:
        return FramingError(f"the body is not JSON: {exc.msg} at line {exc.lineno} "
                            f"column {exc.colno}")
    except RecursionError:
        return FramingError("the body is nested too deeply")
    if not isinstance(message, dict):
        kind = _JSON_KINDS.get(type(message), type(message).__name__)
        return FramingError(f"the body is a JSON {kind}, not an object")
    return message


_JSON_KINDS = {list: "array", str: "string", int: "number", float: "number", bool: "boolean",
               type(None): "null"}


def _shown(raw: bytes, limit: int = 60) -> str:
    text = raw.decode("ascii", errors="replace")
    return repr(text if len(text) <= limit else text[:limit] + "…")
