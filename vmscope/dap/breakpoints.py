"""The client's breakpoints, kept by origin (source lines, functions,
instructions, data) and placed on the Session: where each really sits (a line
with no code moves to the next line that has some), whether it could be set
and why not, and which of them a stop hit.

Source, function and instruction breakpoints are Session breakpoints (their
conditions, ignore counts and log messages are the Session's); data
breakpoints are Session watchpoints on an expression (the `dataId`). Every
kind shares one id space, so `hitBreakpointIds` names one breakpoint.

The protocol's `set...Breakpoints` requests replace all breakpoints of their
kind at once; breakpoints sent before `launch` wait, unverified, and are
placed (with `breakpoint` events) once the program is compiled."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from vmscope.dap.hits import HitRule, logpoint_problem, parse_hit_condition
from vmscope.dap.positions import Positions
from vmscope.debug.breakpoints import Breakpoint, line_starts
from vmscope.debug.errors import DebugError, LocationError
from vmscope.debug.session import Session
from vmscope.debug.snapshot import StopReason
from vmscope.errors import CompileError
from vmscope.vm.program import CompiledCode

WRITE = "write"  # the one data access type: a watchpoint sees a value change


class Origin(Enum):
    SOURCE = "source"
    FUNCTION = "function"
    INSTRUCTION = "instruction"
    DATA = "data"


@dataclass
class Entry:
    """One breakpoint as the client sees it, and where it was placed."""

    id: int
    origin: Origin
    where: int | str  # the requested line, function name, ip or watched expression
    condition: str | None = None
    hit_condition: str | None = None
    log_message: str | None = None
    access_type: str = WRITE
    on_program: bool = True  # a source breakpoint in the launched program's file
    verified: bool = False
    message: str | None = None
    reason: str | None = None  # "pending" or "failed" when not verified
    ip: int | None = None  # the first ip it stops at
    line: int | None = None  # the line it really sits on
    ips: frozenset[int] = frozenset()
    session_id: int | None = None  # the Session breakpoint
    watching: bool = False  # a data breakpoint: the Session watchpoint is ours
    rule: HitRule | None = None
    before: tuple[int, int] = (0, 0)  # (hits, ignore count) when the last run began

    def unplace(self) -> None:
        self.verified, self.message, self.reason, self.rule = False, None, None, None
        self.ip, self.line, self.ips, self.session_id, self.watching = \
            None, None, frozenset(), None, False


def next_line_with_code(code: CompiledCode, line: int) -> int | None:
    lines = sorted({i.span.line for i in code.instrs if i.span.line >= line})
    for candidate in lines:
        if line_starts(code, candidate):
            return candidate
    return None


def _add(entry: Entry, session: Session, **where: Any) -> None:
    """A Session breakpoint for `entry` at `where` (line=, function= or ip=)."""
    bp = session.add_breakpoint(**where, condition=entry.condition,
                                ignore_count=entry.rule.ignore_count if entry.rule else 0,
                                log_message=entry.log_message)
    entry.session_id = bp.id
    entry.ips = frozenset(bp.ips)
    entry.ip = min(bp.ips)
    entry.line = session.code.instrs[entry.ip].span.line


def _place_source(entry: Entry, session: Session) -> None:
    assert isinstance(entry.where, int)
    line = next_line_with_code(session.code, entry.where)
    if line is None:
        raise LocationError(f"no code at or after line {entry.where}")
    _add(entry, session, line=line)


def _place_function(entry: Entry, session: Session) -> None:
    _add(entry, session, function=str(entry.where))


def _place_instruction(entry: Entry, session: Session) -> None:
    _add(entry, session, ip=entry.where)


def _place_data(entry: Entry, session: Session) -> None:
    expr = str(entry.where)
    if expr not in session.watchpoints:
        session.add_watchpoint(expr)  # a CompileError for an expression that does not parse
        entry.watching = True


PLACERS: dict[Origin, Callable[[Entry, Session], None]] = {
    Origin.SOURCE: _place_source,
    Origin.FUNCTION: _place_function,
    Origin.INSTRUCTION: _place_instruction,
    Origin.DATA: _place_data,
}


class BreakpointTable:
    def __init__(self) -> None:
        self.entries: dict[Origin, list[Entry]] = {origin: [] for origin in Origin}
        self._stale: list[Entry] = []  # replaced while the program ran: removed when it stops
        self._next_id = 1

    def new_entry(self, origin: Origin, where: int | str, **fields: Any) -> Entry:
        entry = Entry(self._next_id, origin, where, **fields)
        self._next_id += 1
        return entry

    def all(self) -> list[Entry]:
        return [e for origin in Origin for e in self.entries[origin]]

    def replace(self, origin: Origin, entries: list[Entry], session: Session | None,
                no_debug: bool = False, *, defer: bool = False) -> list[Entry]:
        """The client's new set of one kind; placed at once when there is a
        session, unless `defer` (a running program's watchpoints change only
        when it stops: `place_deferred`)."""
        if defer:
            self._stale += self.entries[origin]
        elif session is not None:
            for entry in self.entries[origin]:
                self._remove(entry, session)
        self.entries[origin] = entries
        for entry in entries:
            if session is None or defer:
                entry.verified, entry.reason = False, "pending"
                entry.message = "set when the program stops" if defer else \
                    "set when the program is launched"
            else:
                self._place(entry, session, no_debug)
        return entries

    def place_deferred(self, session: Session, no_debug: bool = False) -> list[Entry]:
        """The program has stopped: the changes deferred while it ran are made;
        returns the entries placed."""
        for entry in self._stale:
            self._remove(entry, session)
        self._stale = []
        placed = [e for e in self.all() if e.reason == "pending"]
        for entry in placed:
            self._place(entry, session, no_debug)
        return placed

    def place_all(self, session: Session, no_debug: bool = False) -> list[Entry]:
        """Place every breakpoint on a new session; returns those whose view changed."""
        changed = []
        for entry in self.all():
            before = (entry.verified, entry.line, entry.message)
            self._place(entry, session, no_debug)
            if (entry.verified, entry.line, entry.message) != before:
                changed.append(entry)
        return changed

    def rearm(self, session: Session) -> None:
        """The program started again on the same Session (the console's
        `restart`): hit conditions count afresh."""
        for entry in self.all():
            if entry.rule is not None and entry.session_id is not None:
                with contextlib.suppress(DebugError):  # deleted from the console
                    session.enable_breakpoint(entry.session_id, True)
                    session.ignore(entry.session_id, entry.rule.ignore_count)

    @staticmethod
    def _remove(entry: Entry, session: Session) -> None:
        try:
            if entry.session_id is not None:
                session.remove_breakpoint(entry.session_id)
            if entry.watching:
                session.remove_watchpoint(str(entry.where))
        except (DebugError, KeyError):
            pass  # already deleted from the debug console

    def _place(self, entry: Entry, session: Session, no_debug: bool) -> None:
        entry.unplace()
        try:
            problem = self._problem(entry, no_debug)
            if problem is None:
                PLACERS[entry.origin](entry, session)
                entry.verified = True
        except ValueError as exc:  # a bad hit condition, a LocationError, a DebugError
            problem = str(exc)
        except CompileError as err:
            what = "condition" if entry.origin is not Origin.DATA else "expression"
            problem = f"{what}: {err.kind.value}: {err.message}"
        if problem is not None:
            entry.message, entry.reason = problem, "failed"

    @staticmethod
    def _problem(entry: Entry, no_debug: bool) -> str | None:
        """Why `entry` cannot be placed, before trying, or None; sets its rule."""
        if no_debug:
            return "the program runs without debugging (noDebug)"
        if not entry.on_program:
            return "not the launched program's source"
        if entry.origin is Origin.DATA:
            if entry.access_type != WRITE:
                return f"only `write` data breakpoints (a change of value) are supported, " \
                       f"not `{entry.access_type}`"
            if entry.condition or entry.hit_condition:
                return "a data breakpoint takes no condition or hit condition"
            return None
        entry.rule = parse_hit_condition(entry.hit_condition) if entry.hit_condition else None
        return logpoint_problem(entry.rule) if entry.log_message else None

    # ---- at a stop ----------------------------------------------------------------------

    def remember(self, session: Session) -> None:
        """Before a run: each entry's hits and ignore count, to tell which
        ones stopped the program."""
        records = _records(session)
        for entry in self.all():
            bp = records.get(entry.session_id) if entry.session_id is not None else None
            entry.before = (bp.hits, bp.ignore_count) if bp is not None else (0, 0)

    def stopped(self, session: Session, ip: int, reason: StopReason, detail: str
                ) -> list[Entry]:
        """The entries that stopped the program at `ip`, and each hit rule
        applied. A forward stop is told by the hits (the crossings past the
        ignore count); a stop found in reverse (no crossing counted) by the
        place."""
        if reason is StopReason.WATCHPOINT:
            return [e for e in self.entries[Origin.DATA] if e.verified
                    and _names_change(detail, str(e.where))]
        if reason is not StopReason.BREAKPOINT:
            return []
        records = _records(session)
        placed = [(e, records[e.session_id]) for e in self.all()
                  if e.session_id in records and ip in e.ips
                  and records[e.session_id].log_message is None]
        forward = [e for e, bp in placed if bp.hits - e.before[0] > e.before[1]]
        for entry in forward:
            if entry.rule is not None and entry.session_id is not None:
                entry.rule.after_stop(session, entry.session_id)
        return forward or [e for e, bp in placed if bp.enabled]

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


def _records(session: Session) -> dict[int | None, Breakpoint]:
    return {bp.id: bp for bp in session.list_breakpoints()}


def _names_change(detail: str, expr: str) -> bool:
    """Does a watchpoint stop's detail (`x: 1 -> 2; y: ...`) name `expr`?"""
    return detail.startswith(f"{expr}: ") or f"; {expr}: " in detail
