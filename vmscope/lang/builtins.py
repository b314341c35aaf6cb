"""The builtin functions. Each takes the evaluated arguments as a list and
checks their count and kinds itself (a TypeError at the call's name, which the
engine supplies). `print` only formats here: writing is the engine's job.

The builtins a run's bounds can refuse (`str`, `int`, `floor`, `push` and
`range` as a value) are built per setting of the bounds by `builtins_for`,
as vmscope.lang.bounded builds the operators."""

# ruff: noqa: F821 - the names a setting binds (MAX_LENGTH, MAX_DIGITS, MAX_INT_BITS, int_result, to_str) are declared, never
# bound here; mypy still checks every name.

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping

from vmscope.errors import index_error, limit_error, type_error, value_error
from vmscope.lang import values as v
from vmscope.lang.bounded import Operators, rebind
from vmscope.lang.values import Value

Builtin = Callable[[list[Value]], Value]

_INT_TEXT = re.compile(r"[ \t\n\r\f\v]*[+-]?[0-9]+[ \t\n\r\f\v]*", re.ASCII)


def _arity(name: str, args: list[Value], low: int, high: int | None = None) -> None:
    high = low if high is None else high
    if not low <= len(args) <= high:
        want = str(low) if low == high else f"{low} to {high}"
        raise type_error(f"{name}() takes {want} argument{'s' if high != 1 else ''}, "
                         f"got {len(args)}")


def _kind(name: str, arg: Value, wanted: str) -> Exception:
    return type_error(f"{name}() expects {wanted}, got {v.type_name(arg)}")


def print_line(args: list[Value]) -> str:
    return " ".join([v.display(a) for a in args]) + "\n"


def b_len(args: list[Value]) -> Value:
    _arity("len", args, 1)
    x = args[0]
    if type(x) is str or type(x) is list:
        return len(x)
    raise _kind("len", x, "a str or list")


def b_float(args: list[Value]) -> Value:
    _arity("float", args, 1)
    x = args[0]
    t = type(x)
    if t is float:
        return x
    if t is int:
        try:
            return float(x)
        except OverflowError:
            raise value_error("int too large to convert to float") from None
    if t is str:
        try:
            return float(x)
        except ValueError:
            raise value_error(f"could not convert string to float: {v.display([x])[1:-1]}") \
                from None
    raise _kind("float", x, "an int, float or str")


def b_abs(args: list[Value]) -> Value:
    _arity("abs", args, 1)
    x = args[0]
    if type(x) is int or type(x) is float:
        return abs(x)
    raise _kind("abs", x, "a number")


def _extreme(name: str, args: list[Value], better: Callable[[Value, Value], bool]) -> Value:
    if len(args) == 1:
        items = args[0]
        if type(items) is not list:
            raise _kind(name, items, "a list or two or more arguments")
        if not items:
            raise value_error(f"{name}() of an empty list")
    elif not args:
        raise type_error(f"{name}() takes at least 1 argument, got 0")
    else:
        items = args
    best = items[0]
    for item in items[1:]:
        if better(item, best):
            best = item
    return best


def b_min(args: list[Value]) -> Value:
    return _extreme("min", args, v.lt)


def b_max(args: list[Value]) -> Value:
    return _extreme("max", args, lambda y, b: v.lt(b, y))


def b_sqrt(args: list[Value]) -> Value:
    _arity("sqrt", args, 1)
    x = args[0]
    if type(x) is not int and type(x) is not float:
        raise _kind("sqrt", x, "a number")
    if x < 0:
        raise value_error("sqrt() of a negative number")
    try:
        return math.sqrt(x)
    except OverflowError:
        raise value_error("int too large to convert to float") from None


def b_pop(args: list[Value]) -> Value:
    _arity("pop", args, 1)
    items = args[0]
    if type(items) is not list:
        raise _kind("pop", items, "a list")
    if not items:
        raise index_error("pop from empty list")
    return items.pop()


def checked_range(args: list[Value]) -> range:
    """The Python range a `range(...)` call stands for, its arguments checked."""
    _arity("range", args, 1, 3)
    for a in args:
        if type(a) is not int:
            raise _kind("range", a, "int arguments")
    if len(args) == 3 and args[2] == 0:
        raise value_error("range() step must not be zero")
    return range(*args)


def b_type(args: list[Value]) -> Value:
    _arity("type", args, 1)
    return v.type_name(args[0])


def _print_placeholder(args: list[Value]) -> Value:
    raise AssertionError("print is executed by the engine")


_UNBOUNDED: dict[str, Builtin] = {
    "print": _print_placeholder,
    "len": b_len,
    "float": b_float,
    "abs": b_abs,
    "min": b_min,
    "max": b_max,
    "sqrt": b_sqrt,
    "pop": b_pop,
    "type": b_type,
}


# The builtins a run's bounds can refuse: templates over these names, which
# `builtins_for` binds per setting (see vmscope.lang.bounded), never here.
MAX_LENGTH: int
MAX_DIGITS: float  # more decimal digits than this cannot fit in MAX_INT_BITS
MAX_INT_BITS: int
int_result: Callable[[int], int]
to_str: Callable[[Value], str]


def _b_str(args: list[Value]) -> Value:
    _arity("str", args, 1)
    return to_str(args[0])


def _b_int(args: list[Value]) -> Value:
    _arity("int", args, 1)
    x = args[0]
    t = type(x)
    if t is int:
        return x
    if t is float:
        if math.isinf(x) or math.isnan(x):
            raise value_error(f"cannot convert float {v.display(x)} to int")
        return int_result(int(x))
    if t is str:
        if not _INT_TEXT.fullmatch(x):
            raise value_error(f"invalid literal for int(): {v.display([x])[1:-1]}")
        digits = len(x.strip(" \t\n\r\f\v+-").lstrip("0"))
        if digits > MAX_DIGITS:  # checked before the costly conversion
            raise limit_error(f"integer result needs more than {MAX_INT_BITS} bits")
        return int_result(int(x))
    raise _kind("int", x, "an int, float or str")


def _b_floor(args: list[Value]) -> Value:
    _arity("floor", args, 1)
    x = args[0]
    if type(x) is int:
        return x
    if type(x) is float:
        if math.isinf(x) or math.isnan(x):
            raise value_error(f"cannot convert float {v.display(x)} to int")
        return int_result(math.floor(x))
    raise _kind("floor", x, "a number")


def _b_push(args: list[Value]) -> Value:
    _arity("push", args, 2)
    items = args[0]
    if type(items) is not list:
        raise _kind("push", items, "a list")
    if len(items) >= MAX_LENGTH:
        raise limit_error(f"list longer than {MAX_LENGTH} elements")
    items.append(args[1])
    return None


def _b_range(args: list[Value]) -> Value:
    r = checked_range(args)
    try:
        too_long = len(r) > MAX_LENGTH
    except OverflowError:
        too_long = True
    if too_long:
        raise limit_error(f"list longer than {MAX_LENGTH} elements")
    return list(r)


def builtins_for(ops: Operators) -> Mapping[str, Builtin]:
    """Every builtin, those a limit can refuse bound to `ops`' setting of the
    bounds (call it through vmscope.lang.semantics, which builds each once)."""
    bounds = ops.bounds
    setting = {"MAX_LENGTH": bounds.max_length, "MAX_INT_BITS": bounds.max_int_bits,
               "MAX_DIGITS": bounds.max_int_bits * 0.302 + 2, "int_result": ops.int_result,
               "to_str": ops.to_str}
    ns = rebind((_b_str, _b_int, _b_floor, _b_push, _b_range), {**globals(), **setting})
    return {**_UNBOUNDED, "str": ns["_b_str"], "int": ns["_b_int"], "floor": ns["_b_floor"],
            "push": ns["_b_push"], "range": ns["_b_range"]}


# The builtins that may change a list in place (what watchpoints must watch).
MUTATING = frozenset({"push", "pop"})

# Every builtin's name, for the resolver (the functions come from `builtins_for`).
BUILTINS = frozenset({*_UNBOUNDED, "str", "int", "floor", "push", "range"})
