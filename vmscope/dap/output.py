"""The program's output and the logpoints' messages, sent to the client once
and in the order they were written. The Session keeps output as a list of
chunks; stepping back truncates it and replaying forward writes the same text
again (the language is deterministic), so what counts is how far into the text
the client has been sent, never which chunk objects exist. Log messages are
never rewound; each says after how many chunks of output it was written."""

from __future__ import annotations

from collections.abc import Sequence

from vmscope.dap.protocol import OutputCategory
from vmscope.debug.stops import LogMessage

Piece = tuple[OutputCategory, str]


class OutputTracker:
    def __init__(self) -> None:
        self.chunks = 0  # chunks of the session's output accounted for
        self.chars = 0  # characters in those chunks
        self.sent = 0  # characters of the output ever sent to the client
        self.logs = 0  # log messages sent

    def restart(self) -> None:
        """The program starts again: its output is new text (the log goes on)."""
        self.chunks = self.chars = self.sent = 0

    def new_pieces(self, output: list[str], fresh_logs: Sequence[LogMessage]) -> list[Piece]:
        """What the client has not seen yet: program output (stdout) and the
        log messages past the `logs` already sent (console), in order."""
        if len(output) < self.chunks:  # stepped back: count afresh
            self.chunks = len(output)
            self.chars = sum(map(len, output))
        pieces: list[Piece] = []
        for message in fresh_logs:
            self._output_to(output, min(message.output_chunks, len(output)), pieces)
            pieces.append((OutputCategory.CONSOLE, message.text + "\n"))
        self.logs += len(fresh_logs)
        self._output_to(output, len(output), pieces)
        return pieces

    def _output_to(self, output: list[str], end: int, pieces: list[Piece]) -> None:
        """The program's output up to chunk `end`, past what was sent."""
        if end <= self.chunks:
            return
        fresh = "".join(output[self.chunks:end])
        start = self.chars
        self.chunks = end
        self.chars += len(fresh)
        if self.chars <= self.sent:
            return
        pieces.append((OutputCategory.STDOUT, fresh[max(0, self.sent - start):]))
        self.sent = self.chars
