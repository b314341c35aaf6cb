"""Watch expressions and breakpoint conditions: language expressions compiled
against the names visible in a paused frame and run by the AST interpreter
on the live frame (read-only by convention; output they print is dropped)."""

from __future__ import annotations

from typing import Any

from vmscope.errors import CompileError, ErrorKind, GuestError
from vmscope.lang import nodes as n
from vmscope.lang.interpreter import Interpreter
from vmscope.lang.lexer import tokenize
from vmscope.lang.parser import Parser
from vmscope.lang.resolver import Resolver, _FnScope
from vmscope.lang.tokens import T
from vmscope.lang.values import DEFAULT_LIMITS, UNSET, Bounds, Limits
from vmscope.vm.program import FunctionInfo


def parse_expression(text: str) -> n.Expr:
    parser = Parser(tokenize(text))
    expr = parser.expr()
    if not parser.at(T.EOF):
        tok = parser.peek()
        raise CompileError(ErrorKind.SYNTAX, f"unexpected {tok.describe()}", tok.span)
    return expr


def visible_locals(fn: FunctionInfo, slots: list[Any], ip: int) -> dict[str, int]:
    """Name -> slot of the locals in scope at `ip` that hold a value; a later
    slot of the same name (an inner, shadowing declaration) wins."""
    names: dict[str, int] = {}
    for slot, name in enumerate(fn.slot_names):
        if not name.startswith("<") and slot < len(slots) and slots[slot] is not UNSET \
                and fn.in_scope(slot, ip):
            names[name] = slot
    return names


def evaluate(text: str, resolved: n.ResolvedProgram, fn: FunctionInfo, slots: list[Any],
             globals_: list[Any], ip: int, bounds: Bounds = DEFAULT_LIMITS.bounds) -> Any:
    """Evaluate `text` in the frame (fn, slots), under the paused run's
    length and int-size `bounds`; raises CompileError/GuestError."""
    expr = parse_expression(text)
    resolver = Resolver()
    resolver.functions = {f.name: (f.index, f) for f in resolved.functions}  # type: ignore[misc]
    resolver.globals = {name: i for i, name in enumerate(resolved.globals)}
    scope = _FnScope(is_main=False)
    scope.scopes.append(visible_locals(fn, slots, ip))
    resolver.fn = scope
    resolved_expr = resolver.expr(expr)
    if resolver.errors:
        raise resolver.errors[0]
    limits = Limits(max_steps=100_000, max_length=bounds.max_length,
                    max_int_bits=bounds.max_int_bits)
    interp = Interpreter(resolved, lambda text: None, limits)
    interp.frame = slots
    interp.globals = globals_
    try:
        return interp.ev[resolved_expr.__class__](resolved_expr)
    except RecursionError:
        raise GuestError(ErrorKind.RECURSION, "watch expression nested too deeply") from None
