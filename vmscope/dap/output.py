"""The program's output, sent to the client once. The Session keeps output
as a list of chunks; stepping back truncates it and replaying forward writes
the same text again (the language is deterministic), so what counts is how
far into the text the client has been sent, never which chunk objects exist."""

from __future__ import annotations


class OutputTracker:
    def __init__(self) -> None:
        self.chunks = 0  # chunks of the session's output accounted for
        self.chars = 0  # characters in those chunks
        self.sent = 0  # characters of the output ever sent to the client

    def new_text(self, output: list[str]) -> str:
        """The output past what the client has seen, from the session's chunks."""
        if len(output) < self.chunks:  # stepped back: count afresh
            self.chunks = len(output)
            self.chars = sum(map(len, output))
            return ""
        fresh = "".join(output[self.chunks:])
        start = self.chars
        self.chunks = len(output)
        self.chars += len(fresh)
        if self.chars <= self.sent:
            return ""
        text = fresh[max(0, self.sent - start):]
        self.sent = self.chars
        return text
