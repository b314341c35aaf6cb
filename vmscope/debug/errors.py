"""What the debugger says when a command cannot be done: one exception
family, a ValueError (a library's usage-level problem), whose message is the
sentence a front end shows as it is ("finish: not in a function")."""

from __future__ import annotations


class DebugError(ValueError):
    """A debugger operation that cannot be done in this state, or a bad
    argument to one; nothing changed."""


class LocationError(DebugError):
    """A breakpoint location that names no code: no code on the line, no
    such function, instruction or opcode."""
