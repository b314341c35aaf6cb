"""The one home of runtime semantics: value kinds, operators, display form and
typed bindings, shared by the AST interpreter and every closure the compiler
emits. Values are plain Python objects: int, float, str, bool, None (null)
and list. Errors raised here carry no span; the engine adds it.

Limits belong to a run, never to the process: the operators a run's length
and int-size limits can refuse (+, -, *, **, str()) live in
vmscope.lang.bounded, built per setting of those bounds; nothing here is
rewritten per run. What is here is the same for every run."""

from __future__ import annotations

import operator
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from vmscope.errors import (
    ErrorKind,
    GuestError,
    index_error,
    type_error,
    value_error,
    zero_division,
)
from vmscope.lang.nodes import BinOp, TypeName

Value = Any
Binary = Callable[[Value, Value], Value]
sys.set_int_max_str_digits(0)  # the language's ints print at any size
NEST_LIMIT = 2000  # deepest list nesting compared or displayed before a RecursionError


MAX_DEPTH_CEILING = 1_000_000
MAX_INT_BITS_CEILING = 1_000_000_000


class _Unset:
    """A slot or global that holds no value yet (a global before its `let`).
    Pickles by name, so it stays one object across debugger checkpoints."""

    def __repr__(self) -> str:
        return "<unset>"

    def __reduce__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


DEFAULT_MAX_LENGTH = 10_000_000
DEFAULT_MAX_INT_BITS = 100_000


@dataclass(frozen=True, slots=True)
class Bounds:
    """The part of a run's limits that operators and compiled code close over
    (the VM checks steps and call depth itself): code compiled for one Bounds
    runs only under Limits with the same bounds."""

    max_length: int = DEFAULT_MAX_LENGTH
    max_int_bits: int = DEFAULT_MAX_INT_BITS


@dataclass(frozen=True)
class Limits:
    """Run-time limits of the language, each a clean LimitError or RecursionError."""

    max_steps: int | None = None
    max_depth: int = 10_000
    max_length: int = DEFAULT_MAX_LENGTH
    max_int_bits: int = DEFAULT_MAX_INT_BITS

    def __post_init__(self) -> None:
        # Beyond these the host itself gives out first (memory, C recursion).
        if not 0 <= self.max_depth <= MAX_DEPTH_CEILING:
            raise ValueError(f"max depth must be between 0 and {MAX_DEPTH_CEILING:,}")
        if not 0 <= self.max_int_bits <= MAX_INT_BITS_CEILING:
            raise ValueError(f"max int bits must be between 0 and {MAX_INT_BITS_CEILING:,}")
        if self.max_length < 0 or (self.max_steps is not None and self.max_steps < 0):
            raise ValueError("limits must not be negative")

    @property
    def bounds(self) -> Bounds:
        return Bounds(self.max_length, self.max_int_bits)


DEFAULT_LIMITS = Limits()


_TYPE_NAMES = {int: "int", float: "float", str: "str", bool: "bool", type(None): "null",
               list: "list"}


def type_name(v: Value) -> str:
    return _TYPE_NAMES[type(v)]


# ---- display ---------------------------------------------------------------------------

_QUOTE = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r",
                        "\0": "\\0"})


def display(v: Value) -> str:
    """The display form used by print and str()."""
    t = type(v)
    if t is str:
        return v
    if t is int:
        return str(v)
    if t is float:
        return repr(v)
    if t is bool:
        return "true" if v else "false"
    if v is None:
        return "null"
    return _display_list(v, set(), 0)


def _display_list(items: list[Value], active: set[int], depth: int) -> str:
    if depth >= NEST_LIMIT:
        raise GuestError(ErrorKind.RECURSION, "list nested too deeply to display")
    key = id(items)
    if key in active:
        return "[...]"
    active.add(key)
    parts = []
    for item in items:
        t = type(item)
        if t is str:
            parts.append('"' + item.translate(_QUOTE) + '"')
        elif t is list:
            parts.append(_display_list(item, active, depth + 1))
        else:
            parts.append(display(item))
    active.discard(key)
    return "[" + ", ".join(parts) + "]"


# ---- arithmetic ------------------------------------------------------------------------


def operand_types_error(op: str, a: Value, b: Value) -> GuestError:
    return type_error(f"unsupported operand types for {op}: {type_name(a)} and {type_name(b)}")


def int_too_big_for_float() -> GuestError:
    return value_error("int too large to convert to float")


def require_numbers(op: str, a: Value, b: Value) -> None:
    ta = type(a)
    tb = type(b)
    if not ((ta is int or ta is float) and (tb is int or tb is float)):
        raise operand_types_error(op, a, b)


def truediv(a: Value, b: Value) -> float:
    require_numbers("/", a, b)
    if not b:
        raise zero_division("division by zero")
    try:
        return a / b
    except OverflowError:
        raise value_error("result too large for a float") from None


def floordiv(a: Value, b: Value) -> Value:
    require_numbers("//", a, b)
    if not b:
        raise zero_division("integer division or modulo by zero")
    try:
        return a // b
    except OverflowError:
        raise int_too_big_for_float() from None


def mod(a: Value, b: Value) -> Value:
    require_numbers("%", a, b)
    if not b:
        raise zero_division("integer division or modulo by zero")
    try:
        return a % b
    except OverflowError:
        raise int_too_big_for_float() from None


def neg(a: Value) -> Value:
    t = type(a)
    if t is int or t is float:
        return -a
    raise type_error(f"bad operand type for unary -: {type_name(a)}")


# ---- comparison ------------------------------------------------------------------------


def eq(a: Value, b: Value) -> bool:
    ta = type(a)
    tb = type(b)
    if ta is tb:
        if ta is list:
            return _list_eq(a, b, 0)
        return a == b
    if (ta is int or ta is float) and (tb is int or tb is float):
        return a == b
    return False


def ne(a: Value, b: Value) -> bool:
    return not eq(a, b)


def _list_eq(a: list[Value], b: list[Value], depth: int) -> bool:
    if depth >= NEST_LIMIT:
        raise GuestError(ErrorKind.RECURSION, "list nested too deeply to compare")
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=False):
        if type(x) is list and type(y) is list:
            if not _list_eq(x, y, depth + 1):
                return False
        elif not eq(x, y):
            return False
    return True


_SCALAR_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def _ordered(op: str, a: Value, b: Value, depth: int) -> bool:
    """`a op b` for an ordering op: numbers, strs, or lists compared
    lexicographically with the language's own `==`; else a TypeError."""
    ta = type(a)
    tb = type(b)
    if ((ta is int or ta is float) and (tb is int or tb is float)) or (ta is str and tb is str):
        return _SCALAR_ORDER[op](a, b)
    if ta is list and tb is list:
        if depth >= NEST_LIMIT:
            raise GuestError(ErrorKind.RECURSION, "list nested too deeply to compare")
        for x, y in zip(a, b, strict=False):
            if not eq(x, y):
                return _ordered(op, x, y, depth + 1)
        return _SCALAR_ORDER[op](len(a), len(b))
    raise type_error(f"'{op}' not supported between {type_name(a)} and {type_name(b)}")


def lt(a: Value, b: Value) -> bool:
    ta = type(a)
    if ta is type(b) and (ta is int or ta is float or ta is str):
        return a < b
    return _ordered("<", a, b, 0)


def le(a: Value, b: Value) -> bool:
    ta = type(a)
    if ta is type(b) and (ta is int or ta is float or ta is str):
        return a <= b
    return _ordered("<=", a, b, 0)


def gt(a: Value, b: Value) -> bool:
    ta = type(a)
    if ta is type(b) and (ta is int or ta is float or ta is str):
        return a > b
    return _ordered(">", a, b, 0)


def ge(a: Value, b: Value) -> bool:
    ta = type(a)
    if ta is type(b) and (ta is int or ta is float or ta is str):
        return a >= b
    return _ordered(">=", a, b, 0)


# The operators no limit can refuse, keyed by operator (vmscope.lang.bounded adds the others).
UNBOUNDED: Mapping[BinOp, Binary] = {
    BinOp.DIV: truediv, BinOp.FLOORDIV: floordiv, BinOp.MOD: mod, BinOp.EQ: eq, BinOp.NE: ne,
    BinOp.LT: lt, BinOp.LE: le, BinOp.GT: gt, BinOp.GE: ge,
}

# ---- indexing --------------------------------------------------------------------------


def get_index(obj: Value, i: Value) -> Value:
    t = type(obj)
    if t is list or t is str:
        if type(i) is not int:
            raise type_error(f"{type_name(obj)} indices must be int, not {type_name(i)}")
        try:
            return obj[i]
        except IndexError:
            raise index_error(f"{type_name(obj)} index out of range") from None
    raise type_error(f"{type_name(obj)} is not indexable")


def set_index(obj: Value, i: Value, v: Value) -> None:
    if type(obj) is not list:
        raise type_error(f"{type_name(obj)} does not support item assignment")
    if type(i) is not int:
        raise type_error(f"list indices must be int, not {type_name(i)}")
    try:
        obj[i] = v
    except IndexError:
        raise index_error("list assignment index out of range") from None


# ---- typed bindings --------------------------------------------------------------------

_ACCEPTS = {TypeName.INT: int, TypeName.STR: str, TypeName.BOOL: bool, TypeName.LIST: list,
            TypeName.FLOAT: float}


def check_type(v: Value, declared: TypeName) -> Value:
    """The value bound to a `declared`-typed name: an int becomes a float where a
    float is declared; anything else that does not match is a TypeError."""
    t = type(v)
    if declared is TypeName.ANY:
        return v
    if declared is TypeName.FLOAT and t is int:
        try:
            return float(v)
        except OverflowError:
            raise int_too_big_for_float() from None
    if _ACCEPTS[declared] is t:
        return v
    raise type_error(f"expected {declared.value}, got {type_name(v)}")

