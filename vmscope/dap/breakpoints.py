"""The client's breakpoints, kept by origin (source lines, functions,
instructions) and placed on the Session: where each really sits (a line with
no code moves to the next line that has some), whether it could be set and
why not, and which of them a stop hit.

The protocol's `setBreakpoints`-style requests replace all breakpoints of
their kind at once; breakpoints sent before `launch` wait, unverified, and are
placed (with `breakpoint` events) once the program is compiled."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from vmscope.dap.positions import Positions
from vmscope.debug.breakpoints import ips_of, line_starts
from vmscope.debug.evaluate import parse_expression
from vmscope.debug.session import Session
from vmscope.errors import CompileError
from vmscope.vm.program import CompiledCode

HIT_CONDITION = re.compile(r"\s*(>=|>)?\s*(\d+)\s*")


class Origin(Enum):
    SOURCE = "source"
    FUNCTION = "function"
    INSTRUCTION = "instruction"


@dataclass
class Entry:
    """One breakpoint as the client sees it, and where it was placed."""

    id: int
    origin: Origin
    where: int | str  # the requested line, function name or ip
    condition: str | None = None
    hit_condition: str | None = None
    log_message: str | None = None
    on_program: bool = True  # a source breakpoint in the launched program's file
    verified: bool = False
    message: str | None = None
    reason: str | None = None  # "pending" or "failed" when not verified
    ip: int | None = None  # the first ip it stops at
    line: int | None = None  # the line it really sits on
    ips: frozenset[int] = frozenset()
    session_ids: list[int] = field(default_factory=list)
    hits: int = 0

    def unplace(self) -> None:
        self.verified, self.message, self.reason = False, None, None
        self.ip, self.line, self.ips, self.session_ids = None, None, frozenset(), []


def parse_hit_condition(text: str) -> int | None:
    """The Session's hit count (stop from the Nth hit on) for `N`, `>= N` or
    `> N`; ValueError for any other form."""
    match = HIT_CONDITION.fullmatch(text)
    if match is None:
        raise ValueError(f"hit condition {text.strip()!r} is not supported: write N, >= N "
                         f"or > N (stop from the Nth hit on)")
    count = int(match.group(2)) + (1 if match.group(1) == ">" else 0)
    return count if count > 1 else None


def next_line_with_code(code: CompiledCode, line: int) -> int | None:
    lines = sorted({i.span.line for i in code.instrs if i.span.line >= line})
    for candidate in lines:
        if line_starts(code, candidate):
            return candidate
    return None


class BreakpointTable:
    def __init__(self) -> None:
        self.entries: dict[Origin, list[Entry]] = {origin: [] for origin in Origin}
        self._next_id = 1

    def new_entry(self, origin: Origin, where: int | str, **fields: Any) -> Entry:
        entry = Entry(self._next_id, origin, where, **fields)
        self._next_id += 1
        return entry

    def replace(self, origin: Origin, entries: list[Entry], session: Session | None,
                no_debug: bool = False) -> list[Entry]:
        """The client's new set of one kind; placed at once when there is a session."""
        old = self.entries[origin]
        if session is not None:
            for entry in old:
                for bp_id in entry.session_ids:
                    session.remove_breakpoint(bp_id)
        self.entries[origin] = entries
        for entry in entries:
            if session is None:
                entry.verified, entry.reason = False, "pending"
                entry.message = "set when the program is launched"
            else:
                self._place(entry, session, no_debug)
        return entries

    def place_all(self, session: Session, no_debug: bool = False) -> list[Entry]:
        """Place every breakpoint on a new session; returns those whose view changed."""
        changed = []
        for entry in self.all():
            before = (entry.verified, entry.line, entry.message)
            entry.unplace()
            self._place(entry, session, no_debug)
            if (entry.verified, entry.line, entry.message) != before:
                changed.append(entry)
        return changed

    def all(self) -> list[Entry]:
        return [e for origin in Origin for e in self.entries[origin]]

    def _place(self, entry: Entry, session: Session, no_debug: bool) -> None:
        entry.unplace()
        problem = self._problem(entry, session.code, no_debug)
        if problem is not None:
            entry.message, entry.reason = problem, "failed"
            return
        try:
            hit_count = (parse_hit_condition(entry.hit_condition)
                         if entry.hit_condition else None)
        except ValueError as exc:
            entry.message, entry.reason = str(exc), "failed"
            return
        if entry.origin is Origin.SOURCE:
            assert isinstance(entry.where, int)
            line = next_line_with_code(session.code, entry.where)
            if line is None:
                entry.message, entry.reason = f"no code at or after line {entry.where}", "failed"
                return
            bp = session.add_breakpoint(line=line, condition=entry.condition,
                                        hit_count=hit_count)
        else:
            ip = self._ip_of(entry, session.code)
            assert ip is not None  # _problem checked it
            bp = session.add_breakpoint(ip=ip, condition=entry.condition, hit_count=hit_count)
        ips = ips_of(bp, session.code)
        entry.session_ids = [bp.id]
        entry.ips = frozenset(ips)
        entry.ip = min(ips)
        entry.line = session.code.instrs[entry.ip].span.line
        entry.verified = True

    def _problem(self, entry: Entry, code: CompiledCode, no_debug: bool) -> str | None:
        """Why `entry` cannot be placed, or None."""
        if no_debug:
            return "the program runs without debugging (noDebug)"
        if not entry.on_program:
            return "not the launched program's source"
        if entry.log_message:
            return "logpoints are not supported yet"
        if entry.condition:
            try:
                parse_expression(entry.condition)
            except CompileError as err:
                return f"condition: {err.kind.value}: {err.message}"
        if entry.origin is not Origin.SOURCE and self._ip_of(entry, code) is None:
            if entry.origin is Origin.FUNCTION:
                return f"no function named {entry.where}"
            return f"no instruction at ip {entry.where} (the program has ips 0 to " \
                   f"{len(code.instrs) - 1})"
        return None

    @staticmethod
    def _ip_of(entry: Entry, code: CompiledCode) -> int | None:
        if entry.origin is Origin.FUNCTION:
            for fn in code.functions:
                if fn.name == entry.where:
                    return fn.entry
            return None
        assert isinstance(entry.where, int)
        return entry.where if 0 <= entry.where < len(code.instrs) else None

    # ---- at a stop ----------------------------------------------------------------------

    def remember_hits(self, session: Session) -> None:
        """Before a run: each entry's hit count, to tell which ones the stop hit."""
        counts = {bp.id: bp.hits for bp in session.list_breakpoints()}
        for entry in self.all():
            entry.hits = sum(counts.get(i, 0) for i in entry.session_ids)

    def hit_at(self, session: Session, ip: int) -> list[Entry]:
        """The entries at `ip` whose hit count grew since `remember_hits`."""
        counts = {bp.id: bp.hits for bp in session.list_breakpoints()}
        return [e for e in self.all() if ip in e.ips
                and sum(counts.get(i, 0) for i in e.session_ids) > e.hits]

    def at(self, ip: int) -> list[Entry]:
        return [e for e in self.all() if ip in e.ips]

    # ---- the protocol's view ------------------------------------------------------------

    @staticmethod
    def view(entry: Entry, positions: Positions | None) -> dict[str, Any]:
        """The DAP `Breakpoint` of an entry."""
        out: dict[str, Any] = {"id": entry.id, "verified": entry.verified}
        if entry.message:
            out["message"] = entry.message
        if entry.reason and not entry.verified:
            out["reason"] = entry.reason
        if positions is not None and entry.verified and entry.line is not None:
            out["source"] = positions.source()
            out["line"] = positions.line_out(entry.line)
        if entry.ip is not None:
            out["instructionReference"] = str(entry.ip)
        return out
