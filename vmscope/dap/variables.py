"""Variables for the protocol, built on the live VM values of a stopped
program: the scopes of a frame (Locals, Globals, Value stack) and lists as
expandable containers whose elements page with `start`/`count`.

This is the one module that reads values for the client; it is to be
switched to the Session's value-inspection API when that exists. References
are valid until the program resumes (`reset`), as the spec allows."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from vmscope.dap.frames import LiveFrame, frame_by_id
from vmscope.dap.protocol import DapError, ErrorId
from vmscope.debug.evaluate import visible_locals
from vmscope.debug.session import Session
from vmscope.debug.snapshot import State
from vmscope.lang.values import UNSET, display, type_name

VALUE_TEXT = 1000  # characters of a value shown before it is cut


class ScopeKind(Enum):
    LOCALS = "Locals"
    GLOBALS = "Globals"
    STACK = "Value stack"


SCOPE_HINTS = {ScopeKind.LOCALS: "locals", ScopeKind.STACK: "registers"}


@dataclass(frozen=True)
class ScopeRef:
    kind: ScopeKind
    frame_id: int


@dataclass(frozen=True)
class ListRef:
    items: list[Any]  # the live list: read when asked, not copied
    evaluate_name: str | None


Container = ScopeRef | ListRef


def literal(value: Any, limit: int | None = VALUE_TEXT) -> str:
    """A value as the language writes it inside a list (strings quoted), cut
    at about `limit` characters (None: whole) without rendering a huge list
    whole; a list inside itself is `[...]`."""
    if limit is None:
        return display([value])[1:-1]
    parts: list[str] = []
    size = 0

    def put(text: str) -> None:
        nonlocal size
        parts.append(text)
        size += len(text)

    def walk(item: Any, active: set[int]) -> None:
        if type(item) is not list:
            if type(item) is str and len(item) > limit:
                item = item[:limit]
            put(display([item])[1:-1])
            return
        if id(item) in active:
            put("[...]")
            return
        active.add(id(item))
        put("[")
        for i, element in enumerate(item):
            if i:
                put(", ")
            if size > limit:
                put("…")
                break
            walk(element, active)
        put("]")
        active.discard(id(item))

    walk(value, set())
    text = "".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Variables:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._refs: dict[int, Container] = {}

    def reset(self) -> None:
        self._refs.clear()

    def _ref(self, container: Container) -> int:
        ref = len(self._refs) + 1
        self._refs[ref] = container
        return ref

    # ---- scopes -------------------------------------------------------------------------

    def scopes(self, frame_id: int) -> list[dict[str, Any]]:
        frame = frame_by_id(self.session, frame_id)
        out = []
        for kind in ScopeKind:
            entries = self._scope_entries(ScopeRef(kind, frame_id), frame)
            scope: dict[str, Any] = {"name": kind.value,
                                     "variablesReference": self._ref(ScopeRef(kind, frame_id)),
                                     "namedVariables": len(entries), "expensive": False}
            if kind in SCOPE_HINTS:
                scope["presentationHint"] = SCOPE_HINTS[kind]
            out.append(scope)
        return out

    def _scope_entries(self, scope: ScopeRef, frame: LiveFrame
                       ) -> list[tuple[str, Any, str | None]]:
        """(name, value, evaluate name) of a scope, in display order."""
        session = self.session
        if scope.kind is ScopeKind.LOCALS:
            names = visible_locals(frame.fn, frame.slots, frame.ip)
            return [(name, frame.slots[slot], name)
                    for name, slot in sorted(names.items(), key=lambda item: item[1])]
        if scope.kind is ScopeKind.GLOBALS:
            code, values = session.code, session.vm.globals
            return [(name, value, name) for name, value in zip(code.global_names, values,
                                                               strict=True)
                    if value is not UNSET]
        depth = 0 if session.state is State.FINISHED else session.code.instrs[frame.ip].depth
        base = frame.fn.nlocals
        # top of the stack first, each named by its depth from the bottom
        return [(str(d), frame.slots[base + d], None) for d in range(depth - 1, -1, -1)
                if base + d < len(frame.slots)]

    # ---- variables ----------------------------------------------------------------------

    def variables(self, ref: int, start: int = 0, count: int = 0,
                  only: str | None = None) -> list[dict[str, Any]]:
        container = self._refs.get(ref)
        if container is None:
            raise DapError(ErrorId.NOT_FOUND, f"no variables reference {ref} (references "
                           f"last until the program runs again)")
        if isinstance(container, ListRef):
            if only == "named":
                return []
            items = container.items
            stop = len(items) if not count else min(len(items), start + count)
            parent = container.evaluate_name
            return [self.variable(str(i), items[i], f"{parent}[{i}]" if parent else None)
                    for i in range(start, stop)]
        if only == "indexed":
            return []
        frame = frame_by_id(self.session, container.frame_id)
        entries = self._scope_entries(container, frame)
        chosen = entries[start:start + count] if count else entries[start:]
        return [self.variable(name, value, evaluate_name)
                for name, value, evaluate_name in chosen]

    def variable(self, name: str, value: Any, evaluate_name: str | None) -> dict[str, Any]:
        """A DAP `Variable`."""
        out: dict[str, Any] = {"name": name, **self.value_fields(value, evaluate_name)}
        if evaluate_name:
            out["evaluateName"] = evaluate_name
        return out

    def value_fields(self, value: Any, evaluate_name: str | None,
                     limit: int | None = VALUE_TEXT) -> dict[str, Any]:
        """`value`, `type`, `variablesReference` (and `indexedVariables` for a list)."""
        out: dict[str, Any] = {"value": literal(value, limit), "type": type_name(value),
                               "variablesReference": 0}
        if type(value) is list:
            out["variablesReference"] = self._ref(ListRef(value, evaluate_name))
            out["indexedVariables"] = len(value)
        return out
