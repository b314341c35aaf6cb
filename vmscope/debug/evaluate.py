"""Watch expressions, breakpoint conditions and `print`: language expressions
compiled against the names visible in a frame and run by the AST interpreter
on the live frame (read-only by convention; output they print is dropped).

An Evaluator compiles each text once per scope (a function and the names in
scope at an ip), so a condition tested a million times is parsed once, and a
bare variable name is read straight from its slot without the interpreter
(what watchpoints and `last_change` test at every step)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

from vmscope.debug.snapshot import MAX_TEXT, ValueView
from vmscope.errors import CompileError, ErrorKind, GuestError, VmsError
from vmscope.lang import nodes as n
from vmscope.lang.interpreter import Interpreter
from vmscope.lang.lexer import tokenize
from vmscope.lang.parser import Parser
from vmscope.lang.resolver import Resolver, _FnScope
from vmscope.lang.tokens import T
from vmscope.lang.values import DEFAULT_LIMITS, UNSET, Bounds, Limits, display
from vmscope.vm.program import CompiledCode, FunctionInfo

EVAL_STEPS = 100_000  # an expression's own budget (a watch that calls a function)

Reader = Callable[[list[Any], list[Any]], Any]


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


def scope_names(fn: FunctionInfo, ip: int) -> dict[str, int]:
    """Name -> slot of the locals in scope at `ip` (the static view)."""
    names: dict[str, int] = {}
    for slot, name in enumerate(fn.slot_names):
        if not name.startswith("<") and fn.in_scope(slot, ip):
            names[name] = slot
    return names


@dataclass(frozen=True)
class Compiled:
    """An expression resolved in one scope: the tree, the locals it reads
    (each must hold a value when it runs), and a direct reader for a bare name."""

    text: str
    expr: n.Expr
    locals_used: tuple[tuple[int, str], ...]
    read: Reader | None = None

    @property
    def uses_locals(self) -> bool:
        return bool(self.locals_used)


def _nodes(node: Any) -> Iterator[Any]:
    """The expression nodes under `node` (itself first)."""
    yield node
    if is_dataclass(node):
        for f in fields(node):
            value = getattr(node, f.name)
            if isinstance(value, tuple):
                for item in value:
                    if is_dataclass(item):
                        yield from _nodes(item)
            elif is_dataclass(value) and not isinstance(value, type):
                yield from _nodes(value)


def _reader(expr: n.Expr) -> Reader | None:
    if isinstance(expr, n.Local):
        slot = expr.slot
        return lambda slots, globals_: slots[slot]
    if isinstance(expr, n.Global):
        index, name = expr.index, expr.name

        def read_global(slots: list[Any], globals_: list[Any]) -> Any:
            value = globals_[index]
            if value is UNSET:
                raise GuestError(ErrorKind.NAME, f"global '{name}' is used before its let ran")
            return value

        return read_global
    return None


class Evaluator:
    """Compiles and runs expressions in the frames of one compiled program."""

    def __init__(self, resolved: n.ResolvedProgram, code: CompiledCode) -> None:
        self.resolved = resolved
        self.code = code
        self._parsed: dict[str, n.Expr | CompileError] = {}
        self._scopes: dict[tuple[int, int], tuple[tuple[str, int], ...]] = {}
        self._compiled: dict[tuple[str, tuple[tuple[str, int], ...]],
                             Compiled | CompileError] = {}
        self._local = threading.local()  # one interpreter per thread

    def parse(self, text: str) -> n.Expr:
        """The parsed tree of `text`; a CompileError for bad syntax."""
        found = self._parsed.get(text)
        if found is None:
            try:
                found = parse_expression(text)
            except CompileError as err:
                found = err
            self._parsed[text] = found
        if isinstance(found, CompileError):
            raise CompileError(found.kind, found.message, found.span)
        return found

    def scope(self, fn: FunctionInfo, ip: int) -> tuple[tuple[str, int], ...]:
        key = (fn.index, ip)
        names = self._scopes.get(key)
        if names is None:
            names = self._scopes[key] = tuple(scope_names(fn, ip).items())
        return names

    def compile(self, text: str, fn: FunctionInfo, ip: int) -> Compiled:
        """`text` resolved against the names in scope at `ip` in `fn` (and the
        globals); a CompileError when it does not parse or names nothing."""
        return self._compile_in(text, self.scope(fn, ip))

    def compile_globals(self, text: str) -> Compiled:
        """`text` resolved against the globals only."""
        return self._compile_in(text, ())

    def _compile_in(self, text: str, scope: tuple[tuple[str, int], ...]) -> Compiled:
        key = (text, scope)
        found = self._compiled.get(key)
        if found is None:
            try:
                found = self._resolve(text, dict(scope))
            except CompileError as err:
                found = err
            self._compiled[key] = found
        if isinstance(found, CompileError):
            raise CompileError(found.kind, found.message, found.span)
        return found

    def _resolve(self, text: str, names: dict[str, int]) -> Compiled:
        expr = self.parse(text)
        resolver = Resolver()
        resolver.functions = {f.name: (f.index, f)  # type: ignore[misc]
                              for f in self.resolved.functions}
        resolver.globals = {name: i for i, name in enumerate(self.resolved.globals)}
        scope = _FnScope(is_main=False)
        scope.scopes.append(names)
        resolver.fn = scope
        resolved = resolver.expr(expr)
        if resolver.errors:
            raise resolver.errors[0]
        used = {(node.slot, node.name) for node in _nodes(resolved) if isinstance(node, n.Local)}
        return Compiled(text, resolved, tuple(sorted(used)), _reader(resolved))

    def run(self, compiled: Compiled, slots: list[Any], globals_: list[Any]) -> Any:
        """The value of a compiled expression on a frame; a GuestError when it fails."""
        for slot, name in compiled.locals_used:
            if slot >= len(slots) or slots[slot] is UNSET:
                raise GuestError(ErrorKind.NAME, f"name '{name}' has no value yet")
        if compiled.read is not None:
            return compiled.read(slots, globals_)
        interp = self._interpreter()
        interp.frame, interp.globals = slots, globals_
        interp.steps, interp.depth, interp.calls = 0, 0, []
        expr = compiled.expr
        try:
            return interp.ev[expr.__class__](expr)
        except RecursionError:
            raise GuestError(ErrorKind.RECURSION, "expression nested too deeply") from None

    def evaluate(self, text: str, fn: FunctionInfo, slots: list[Any], globals_: list[Any],
                 ip: int) -> Any:
        """Compile and run in one go; raises CompileError / GuestError."""
        return self.run(self.compile(text, fn, ip), slots, globals_)

    def _interpreter(self) -> Interpreter:
        interp = getattr(self._local, "interp", None)
        if interp is None:
            interp = self._local.interp = Interpreter(self.resolved, lambda text: None,
                                                      eval_limits(self.code.bounds))
        return interp


def eval_limits(bounds: Bounds) -> Limits:
    """An expression's limits: its own step budget, the paused run's length
    and int-size bounds."""
    return Limits(max_steps=EVAL_STEPS, max_length=bounds.max_length,
                  max_int_bits=bounds.max_int_bits)


def evaluate(text: str, resolved: n.ResolvedProgram, fn: FunctionInfo, slots: list[Any],
             globals_: list[Any], ip: int, bounds: Bounds = DEFAULT_LIMITS.bounds) -> Any:
    """Evaluate `text` in the frame (fn, slots), under the paused run's
    length and int-size `bounds`; raises CompileError/GuestError. One-off: a
    Session keeps an Evaluator, which caches the compiling."""
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
    interp = Interpreter(resolved, lambda text: None, eval_limits(bounds))
    interp.frame = slots
    interp.globals = globals_
    try:
        return interp.ev[resolved_expr.__class__](resolved_expr)
    except RecursionError:
        raise GuestError(ErrorKind.RECURSION, "watch expression nested too deeply") from None


NO_VALUE: Hashable = ("no value",)  # the fingerprint of an expression that fails


def fingerprint(value: Any) -> Hashable:
    """A key equal for two values exactly when the language shows them alike
    and they are of one type: a watched value changed when its key did (a list
    by its contents, since lists alias; a float by its repr, so nan == nan)."""
    t = type(value)
    if t is list:
        try:
            return ("list", display(value))
        except (VmsError, RecursionError):
            return ("list", id(value), len(value))
    if t is float:
        return (float, repr(value))
    return (t, value)


def key_text(key: Hashable) -> str | None:
    """The shown text of the value a fingerprint was taken of (None: no value),
    so a search keeps keys and renders text only where it reports a change."""
    if key == NO_VALUE or not isinstance(key, tuple) or len(key) < 2:
        return None
    kind, value = key[0], key[1]
    if kind == "list":
        if not isinstance(value, str):
            return "[…]"
        return value if len(value) <= MAX_TEXT else value[: MAX_TEXT - 1] + "…"
    if kind is float:
        return str(value)
    return ValueView.of(value).text
