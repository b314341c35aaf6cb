"""`dataBreakpointInfo`: which data a data breakpoint can watch. A data
breakpoint is a Session watchpoint: an expression, evaluated in the innermost
frame after every step, that stops the program when its value changes (so
the only access type is `write`). The `dataId` is that expression: a
variable's name (`total`), a list element's path (`grid[3]`, `xs[0][1]`), or
an expression the client names (`a + b`).

A watchpoint sees names as the innermost frame does, so data that belongs to
an outer frame's locals cannot be watched; a global (or an element of one)
can, from any frame, and such a data breakpoint may persist across sessions."""

from __future__ import annotations

from typing import Any

from vmscope.dap.breakpoints import WRITE
from vmscope.dap.frames import level_of, outermost
from vmscope.dap.variables import ScopeKind, ScopeRef, Variables
from vmscope.debug.inspection import Root
from vmscope.debug.session import Session
from vmscope.errors import CompileError


def _unavailable(why: str) -> dict[str, Any]:
    return {"dataId": None, "description": why}


def _index(name: str) -> int | None:
    text = name.strip()
    return int(text) if text.isdigit() else None


def _target(session: Session, variables: Variables, name: str, reference: int | None,
            frame_id: int | None) -> tuple[str, int] | str:
    """The expression to watch and the level it is written for, or why none."""
    if reference is None:
        level = level_of(session, frame_id) if frame_id is not None else outermost(session)
        return name.strip(), level
    container = variables.container(reference)
    if isinstance(container, ScopeRef):
        if container.kind is ScopeKind.STACK:
            return "a value-stack slot is not a variable: it cannot be watched"
        level = container.level if container.kind is ScopeKind.LOCALS else outermost(session)
        return name.strip(), level
    index = _index(name)
    if index is None:
        return f"{container.label} has no element {name!r}"
    if container.root is Root.STACK:
        return "an element of a value-stack slot cannot be watched"
    level = outermost(session) if container.root is Root.GLOBAL else container.frame
    return container.child(index).label, level


def info(session: Session, variables: Variables, name: str, reference: int | None,
         frame_id: int | None) -> dict[str, Any]:
    """The `dataBreakpointInfo` response body."""
    target = _target(session, variables, name, reference, frame_id)
    if isinstance(target, str):
        return _unavailable(target)
    expr, level = target
    if not expr:
        return _unavailable("no expression to watch")
    fn, _, ip = session.frame_at(level)
    try:
        compiled = session.evaluator.compile(expr, fn, ip)
    except CompileError as err:
        return _unavailable(f"{err.kind.value}: {err.message}")
    if compiled.uses_locals and level != 0:
        return _unavailable(f"{expr} reads locals of frame {level + 1} ({fn.name}), and a "
                            f"data breakpoint watches in the innermost frame (frame 1)")
    return {"dataId": expr, "description": expr, "accessTypes": [WRITE],
            "canPersist": not compiled.uses_locals}
