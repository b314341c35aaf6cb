"""Saved debugger state per program file: breakpoints, watches, watchpoints
and the command history, so they come back when the file is opened again.

Where: `$XDG_STATE_HOME/vmscope/` (default `~/.local/state/vmscope/`), one
JSON file per program, named after the program and a hash of its absolute
path (the path is also stored inside). Writes are atomic (a temporary file
in the same directory, then a rename).

A state file that cannot be used is a warning, never a crash, and is never
overwritten silently:
- corrupt (not JSON, or not this format): it is moved aside to
  `NAME.corrupt` (`NAME.corrupt-2`...), the warning names where, and the
  session starts fresh (and saves normally);
- unreadable, unmovable, or written by a newer vmscope (a higher version):
  it is left untouched and this session does not save over it.

The format (version 1):
    {"version": 1, "program": "/abs/fib.vms", "source_sha256": "...", "level": 0,
     "breakpoints": [{"location": "14", "condition": "i == 10", "ignore_count": 0,
                      "enabled": true, "temporary": false, "log_message": null}],
     "watches": ["n * 2"], "watchpoints": ["total"], "history": ["break 14", "c"]}
Breakpoint locations use the `break` syntax (LINE, FUNCTION, *IP, op:OPCODE);
an *IP one comes back only into the same source at the same -O level."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vmscope.debug.session import Session
from vmscope.errors import VmsError

FORMAT_VERSION = 1
HISTORY_KEPT = 1_000


@dataclass(frozen=True)
class SavedBreakpoint:
    location: str
    condition: str | None = None
    ignore_count: int = 0
    enabled: bool = True
    temporary: bool = False
    log_message: str | None = None


@dataclass(frozen=True)
class SavedState:
    breakpoints: tuple[SavedBreakpoint, ...] = ()
    watches: tuple[str, ...] = ()
    watchpoints: tuple[str, ...] = ()
    history: tuple[str, ...] = ()
    source_sha256: str | None = None
    level: int | None = None


@dataclass(frozen=True)
class Loaded:
    """What `load` found: the state (empty when none could be used), a
    warning to show, and whether saving over the file is allowed."""

    state: SavedState = field(default_factory=SavedState)
    warning: str | None = None
    writable: bool = True


def state_dir(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    base = env.get("XDG_STATE_HOME") or ""
    root = Path(base) if base and Path(base).is_absolute() else \
        Path(env.get("HOME") or Path.home()) / ".local" / "state"
    return root / "vmscope"


def state_file(program: Path, env: Mapping[str, str] | None = None) -> Path:
    absolute = str(program.absolute())
    digest = hashlib.sha256(absolute.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", program.name)[:60] or "program"
    return state_dir(env) / f"{stem}-{digest}.json"


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


class StateStore:
    """The saved state of one program file."""

    def __init__(self, program: Path, env: Mapping[str, str] | None = None) -> None:
        self.program = program.absolute()
        self.path = state_file(program, env)
        self.writable = True

    def load(self) -> Loaded:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return Loaded()
        except OSError as exc:
            self.writable = False
            return Loaded(warning=f"cannot read the saved state {self.path}: "
                          f"{exc.strerror or exc}; it is left as it is and not saved over",
                          writable=False)
        try:
            raw = json.loads(data.decode("utf-8"))
            version = raw.get("version") if isinstance(raw, dict) else None
            if isinstance(version, int) and version > FORMAT_VERSION:
                self.writable = False
                return Loaded(warning=f"the saved state {self.path} was written by a newer "
                              f"vmscope (format {version}); it is left as it is and not "
                              "saved over", writable=False)
            state = _decode(raw)
        except (ValueError, UnicodeDecodeError, TypeError, KeyError) as exc:
            return self._corrupt(str(exc))
        return Loaded(state)

    def _corrupt(self, reason: str) -> Loaded:
        aside = self._aside()
        try:
            os.replace(self.path, aside)
        except OSError as exc:
            self.writable = False
            return Loaded(warning=f"the saved state {self.path} is corrupt ({reason}) and "
                          f"cannot be moved aside ({exc.strerror or exc}); it is left as it "
                          "is and not saved over", writable=False)
        return Loaded(warning=f"the saved state {self.path} was corrupt ({reason}); it was "
                      f"moved to {aside} and this session starts fresh")

    def _aside(self) -> Path:
        candidate = self.path.with_name(self.path.name + ".corrupt")
        n = 2
        while candidate.exists():
            candidate = self.path.with_name(f"{self.path.name}.corrupt-{n}")
            n += 1
        return candidate

    def save(self, state: SavedState) -> str | None:
        """Write the state atomically; a warning when it was not written."""
        if not self.writable:
            return f"not saved: {self.path} is kept as it was found"
        text = json.dumps(_encode(state, self.program), indent=1, ensure_ascii=False)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(text + "\n")
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            return f"cannot save the debugger state to {self.path}: {exc.strerror or exc}"
        return None


def _encode(state: SavedState, program: Path) -> dict[str, Any]:
    return {
        "version": FORMAT_VERSION,
        "program": str(program),
        "source_sha256": state.source_sha256,
        "level": state.level,
        "breakpoints": [{"location": b.location, "condition": b.condition,
                         "ignore_count": b.ignore_count, "enabled": b.enabled,
                         "temporary": b.temporary, "log_message": b.log_message}
                        for b in state.breakpoints],
        "watches": list(state.watches),
        "watchpoints": list(state.watchpoints),
        "history": list(state.history[-HISTORY_KEPT:]),
    }


def _of(value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ValueError(f"{what} has the wrong type")
    return value


def _strings(raw: dict[str, Any], key: str) -> tuple[str, ...]:
    items = _of(raw.get(key, []), list, key)
    return tuple(_of(item, str, f"an item of {key}") for item in items)


def _decode(raw: Any) -> SavedState:
    """A SavedState from parsed JSON; ValueError when it is not the format."""
    raw = _of(raw, dict, "the file")
    if raw.get("version") != FORMAT_VERSION:
        raise ValueError(f"unknown format version {raw.get('version')!r}")
    breakpoints = []
    for item in _of(raw.get("breakpoints", []), list, "breakpoints"):
        item = _of(item, dict, "a breakpoint")
        ignore = _of(item.get("ignore_count", 0), int, "ignore_count")
        if ignore < 0:
            raise ValueError("ignore_count is negative")
        breakpoints.append(SavedBreakpoint(
            _of(item["location"], str, "location"),
            _of(item.get("condition"), (str, type(None)), "condition"),
            ignore,
            _of(item.get("enabled", True), bool, "enabled"),
            _of(item.get("temporary", False), bool, "temporary"),
            _of(item.get("log_message"), (str, type(None)), "log_message")))
    level = _of(raw.get("level"), (int, type(None)), "level")
    digest = _of(raw.get("source_sha256"), (str, type(None)), "source_sha256")
    return SavedState(tuple(breakpoints), _strings(raw, "watches"),
                      _strings(raw, "watchpoints"), _strings(raw, "history"), digest, level)


def capture(session: Session, history: list[str] | tuple[str, ...] = ()) -> SavedState:
    """What to save of a session (and a command line's history)."""
    breakpoints = tuple(SavedBreakpoint(bp.location.text, bp.condition, bp.ignore_count,
                                        bp.enabled, bp.temporary, bp.log_message)
                        for bp in session.list_breakpoints())
    return SavedState(breakpoints, tuple(session.watches), tuple(session.watchpoints),
                      tuple(history), source_hash(session.program.source.text),
                      session.program.level)


def apply(session: Session, state: SavedState) -> list[str]:
    """Put saved breakpoints, watches and watchpoints into a session; a
    warning for each that no longer fits the program (it is dropped)."""
    warnings = []
    same_code = state.source_sha256 == source_hash(session.program.source.text) and \
        state.level == session.program.level
    for bp in state.breakpoints:
        if bp.location.startswith("*") and not same_code:
            warnings.append(f"breakpoint at {bp.location} dropped: the program or its -O "
                            "level changed, so instructions moved")
            continue
        try:
            session.add_breakpoint(bp.location, condition=bp.condition,
                                   ignore_count=bp.ignore_count, temporary=bp.temporary,
                                   log_message=bp.log_message, enabled=bp.enabled)
        except (ValueError, VmsError) as exc:
            message = exc.message if isinstance(exc, VmsError) else str(exc)
            warnings.append(f"breakpoint at {bp.location} dropped: {message}")
    for expr in state.watches:
        try:
            session.add_watch(expr)
        except VmsError as exc:
            warnings.append(f"watch {expr} dropped: {exc.message}")
    for expr in state.watchpoints:
        try:
            session.add_watchpoint(expr)
        except VmsError as exc:
            warnings.append(f"watchpoint {expr} dropped: {exc.message}")
    return warnings


__all__ = ["FORMAT_VERSION", "Loaded", "SavedBreakpoint", "SavedState",
           "StateStore", "apply", "capture", "state_dir", "state_file"]
