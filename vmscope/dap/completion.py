"""`completions` for the debug console: command words and what each takes
(from the command line's own `complete`), and in an expression the names in
scope in the frame (locals, globals, functions and builtins). Positions are
the client's: UTF-16 code units, 0- or 1-based as `initialize` said."""

from __future__ import annotations

import re
from typing import Any

from vmscope.dap.evaluation import COMMAND_PREFIX, is_command
from vmscope.debug.commands import CommandLine

_IDENT_TAIL = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")
Candidate = tuple[int, str, str]  # (start in `text`, the text, the DAP CompletionItemType)


def utf16_units(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def index_of(text: str, units: int) -> int:
    """The code-point index in `text` of a UTF-16 offset (clamped to the text)."""
    seen = 0
    for i, ch in enumerate(text):
        if seen >= units:
            return i
        seen += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def candidates(console: CommandLine, level: int, before: str) -> list[Candidate]:
    """What may complete `before` (the text up to the cursor)."""
    line = before.lstrip()
    offset = len(before) - len(line)
    if line.startswith(COMMAND_PREFIX):
        line = line[len(COMMAND_PREFIX):]
        offset += len(COMMAND_PREFIX)
        forced = True
    else:
        forced = False
    first_token = " " not in line
    found: list[Candidate] = []
    if forced or first_token or is_command(line):
        done = console.complete(line)
        kind = "keyword" if first_token else "text"
        found += [(offset + done.start, c, kind) for c in done.candidates]
    if not forced and (first_token or not is_command(line)):
        found += _names(console, level, before)
    seen: set[str] = set()
    unique = []
    for item in found:
        if item[1] not in seen:
            seen.add(item[1])
            unique.append(item)
    return unique


def _names(console: CommandLine, level: int, before: str) -> list[Candidate]:
    tail = _IDENT_TAIL.search(before)
    word = tail.group(0) if tail else ""
    start = len(before) - len(word)
    session = console.session
    pairs = [*((name, "variable") for name in session.local_names(level)),
             *((name, "variable") for name in session.code.global_names),
             *((name, "function") for name in session.function_names())]
    return [(start, name, kind) for name, kind in pairs if name.startswith(word)]


def targets(console: CommandLine, level: int, text: str, column: int,
            columns_start_at_1: bool) -> list[dict[str, Any]]:
    """The DAP `CompletionItem`s for `text` with the cursor at `column`."""
    cursor = index_of(text, column - 1 if columns_start_at_1 else column)
    before = text[:cursor]
    base = 1 if columns_start_at_1 else 0
    out = []
    for start, label, kind in candidates(console, level, before):
        out.append({"label": label, "text": label, "type": kind,
                    "start": utf16_units(before[:start]) + base,
                    "length": utf16_units(before[start:])})
    return out
