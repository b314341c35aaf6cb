"""Variables for the protocol, through the Session's value inspection
(`ValueRef`, `Session.inspect`): the scopes of a frame (Locals, Globals,
Value stack) and lists as containers whose elements page with
`start`/`count` (a list of a million costs the page asked for).

A `variablesReference` names a scope of a frame or a ValueRef (a local, a
global, a value-stack slot or an expression, then list indices), so what it
shows is read when asked; references last until the program runs again
(`reset`), as the spec allows. Values are the Session's short views (the
display form, strings quoted, cut at about 160 characters, as the TUI shows
them); a list inside itself is `[...]`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from vmscope.dap.protocol import DapError, ErrorId
from vmscope.debug.errors import DebugError
from vmscope.debug.inspection import Root, ValueRef
from vmscope.debug.session import Session
from vmscope.debug.snapshot import MAX_TEXT, State, ValueView
from vmscope.errors import VmsError

ALL = 1 << 62  # "count: 0" asks for every element


class ScopeKind(Enum):
    LOCALS = "Locals"
    GLOBALS = "Globals"
    STACK = "Value stack"


SCOPE_HINTS = {ScopeKind.LOCALS: "locals", ScopeKind.STACK: "registers"}


@dataclass(frozen=True)
class ScopeRef:
    kind: ScopeKind
    level: int  # the frame's gdb level


Container = ScopeRef | ValueRef


@dataclass(frozen=True)
class Named:
    """One variable of a scope or list: its name, its ref and its short view."""

    name: str
    ref: ValueRef
    view: ValueView


def evaluate_name(ref: ValueRef) -> str | None:
    """An expression that gives the value again (none for a value-stack slot)."""
    return None if ref.root is Root.STACK else ref.label


def view_of(session: Session, ref: ValueRef, text_limit: int | None = MAX_TEXT) -> ValueView:
    detail = session.inspect(ref, count=0, text_limit=text_limit)
    return ValueView(detail.type, detail.text, detail.length)


def failure(err: Exception) -> DapError:
    """An evaluation's failure as the error of the request."""
    text = f"{err.kind.value}: {err.message}" if isinstance(err, VmsError) else str(err)
    return DapError(ErrorId.EVALUATION_FAILED, text)


class Variables:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._refs: dict[int, Container] = {}
        self._ids: dict[Container, int] = {}

    def reset(self) -> None:
        self._refs.clear()
        self._ids.clear()

    def reference(self, container: Container) -> int:
        """The variablesReference of a container (one per container a stop)."""
        found = self._ids.get(container)
        if found is None:
            found = self._ids[container] = len(self._refs) + 1
            self._refs[found] = container
        return found

    def container(self, ref: int) -> Container:
        found = self._refs.get(ref)
        if found is None:
            raise DapError(ErrorId.NOT_FOUND, f"no variables reference {ref} (references "
                           f"last until the program runs again)")
        return found

    # ---- scopes -------------------------------------------------------------------------

    def scopes(self, level: int) -> list[dict[str, Any]]:
        out = []
        for kind in ScopeKind:
            scope = ScopeRef(kind, level)
            body: dict[str, Any] = {"name": kind.value, "variablesReference": self.reference(scope),
                                    "namedVariables": len(self.entries(scope)),
                                    "expensive": False}
            if kind in SCOPE_HINTS:
                body["presentationHint"] = SCOPE_HINTS[kind]
            out.append(body)
        return out

    def entries(self, scope: ScopeRef) -> list[Named]:
        """A scope's variables, in display order."""
        session = self.session
        if scope.kind is ScopeKind.LOCALS:
            view = session.frame_view(scope.level)
            return [Named(name, ValueRef.local(name, scope.level), value)
                    for name, value in view.locals]
        if scope.kind is ScopeKind.GLOBALS:
            out = []
            for name in session.code.global_names:
                ref = ValueRef.global_(name)
                try:
                    out.append(Named(name, ref, view_of(session, ref)))
                except DebugError:
                    continue  # its let has not run yet
            return out
        fn, _, ip = session.frame_at(scope.level)
        depth = 0 if session.state is State.FINISHED else session.code.instrs[ip].depth
        refs = [(str(d), ValueRef.stack(fn.nlocals + d, scope.level))
                for d in range(depth - 1, -1, -1)]  # the top of the stack first
        return [Named(name, ref, view_of(session, ref)) for name, ref in refs]

    # ---- variables ----------------------------------------------------------------------

    def variables(self, ref: int, start: int = 0, count: int = 0,
                  only: str | None = None) -> list[dict[str, Any]]:
        container = self.container(ref)
        if isinstance(container, ValueRef):
            if only == "named":
                return []
            try:
                detail = self.session.inspect(container, start, count or ALL, text_limit=0)
            except (DebugError, VmsError) as err:
                raise failure(err) from None
            return [self.variable(Named(str(c.index), c.ref, c.value)) for c in detail.children]
        if only == "indexed":
            return []
        entries = self.entries(container)
        chosen = entries[start:start + count] if count else entries[start:]
        return [self.variable(named) for named in chosen]

    def variable(self, named: Named) -> dict[str, Any]:
        """A DAP `Variable`."""
        out: dict[str, Any] = {"name": named.name, **self.value_fields(named.ref, named.view)}
        name = evaluate_name(named.ref)
        if name is not None:
            out["evaluateName"] = name
        return out

    def value_fields(self, ref: ValueRef | None, view: ValueView) -> dict[str, Any]:
        """`value`, `type`, `variablesReference` (a list, when `ref` may be read
        again) and `indexedVariables` (a list's length)."""
        out: dict[str, Any] = {"value": view.text, "type": view.type, "variablesReference": 0}
        if view.type == "list":
            out["indexedVariables"] = view.length or 0
            if ref is not None and view.length:
                out["variablesReference"] = self.reference(ref)
        return out

    # ---- setting ------------------------------------------------------------------------

    def set_variable(self, ref: int, name: str, value: str) -> dict[str, Any]:
        """`setVariable`: a local (in its frame) or a global gets the value of
        the expression `value`, evaluated there."""
        container = self.container(ref)
        session = self.session
        if not isinstance(container, ScopeRef) or container.kind is ScopeKind.STACK:
            what = "a list element" if isinstance(container, ValueRef) else "a value-stack slot"
            raise DapError(ErrorId.BAD_ARGUMENTS, f"setVariable: {what} cannot be set (a local "
                           f"or a global can)")
        if container.kind is ScopeKind.LOCALS:
            level, target = container.level, ValueRef.local(name, container.level)
            if name not in session.local_names(level):
                raise DapError(ErrorId.NOT_FOUND, f"setVariable: no local {name} in frame "
                               f"{level + 1}")
        else:
            level, target = session.frame_count - 1, ValueRef.global_(name)
            if name in session.local_names(level):
                raise DapError(ErrorId.BAD_ARGUMENTS, f"setVariable: the global {name} is "
                               f"hidden by a local of <main> here")
        try:
            session.set_variable(name, value, frame=level)
            view = view_of(session, target)
        except (DebugError, VmsError) as err:
            raise failure(err) from None
        return self.value_fields(target, view)
