"""The operators a run's bounds can refuse: `+`, `-`, `*`, `**`, `str()`'s
conversion and the int-size check, for one setting of the length and
int-size limits.

Each is written once below, over the names MAX_LENGTH, MAX_INT_BITS,
INT_BOUND and NEG_INT_BOUND, which this module never binds: `operators`
gives every setting of the bounds its own copies of the functions, the same
code bound to a copy of this module's namespace in which those names hold
that setting (`rebind`). So a run's operators read their bounds with a
global load, as fast as a module constant (a closure would copy its cells at
every call, measurably slower for `+`), no global is ever rewritten, and a
template called directly fails at once instead of using some other run's
limits. vmscope.lang.semantics builds each setting once."""

# ruff: noqa: F821 - the names a setting binds (MAX_LENGTH, MAX_INT_BITS, INT_BOUND, NEG_INT_BOUND) are declared, never
# bound here; mypy still checks every name.

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import FunctionType
from typing import Any

from vmscope.errors import limit_error, value_error, zero_division
from vmscope.lang.nodes import BinOp
from vmscope.lang.values import (
    UNBOUNDED,
    Binary,
    Bounds,
    Value,
    display,
    int_too_big_for_float,
    operand_types_error,
    require_numbers,
    type_name,
)

# Bound per setting by `operators`, never here.
MAX_LENGTH: int
MAX_INT_BITS: int
INT_BOUND: int  # an int is too big when abs(value) >= INT_BOUND
NEG_INT_BOUND: int  # kept, not negated per check: that would copy a huge int


def rebind(templates: Iterable[Callable[..., Any]], namespace: dict[str, Any]
           ) -> dict[str, Any]:
    """Bind each template's code to `namespace`, under the template's name
    (so the copies call each other), named without its leading underscore."""
    for fn in templates:
        assert isinstance(fn, FunctionType)
        name = fn.__name__.lstrip("_")
        code = fn.__code__.replace(co_name=name, co_qualname=name)
        namespace[fn.__name__] = FunctionType(code, namespace, name, fn.__defaults__,
                                              fn.__closure__)
    return namespace


def _int_result(r: int) -> int:
    if NEG_INT_BOUND < r < INT_BOUND:
        return r
    raise limit_error(f"integer result needs more than {MAX_INT_BITS} bits")


def _add(a: Value, b: Value) -> Value:
    ta = type(a)
    tb = type(b)
    if ta is int and tb is int:
        r = a + b
        if NEG_INT_BOUND < r < INT_BOUND:
            return r
        raise limit_error(f"integer result needs more than {MAX_INT_BITS} bits")
    if (ta is float or ta is int) and (tb is float or tb is int):
        try:
            return a + b
        except OverflowError:
            raise int_too_big_for_float() from None
    if (ta is str and tb is str) or (ta is list and tb is list):
        if len(a) + len(b) > MAX_LENGTH:
            raise limit_error(f"{type_name(a)} longer than {MAX_LENGTH} elements")
        return a + b
    raise operand_types_error("+", a, b)


def _sub(a: Value, b: Value) -> Value:
    ta = type(a)
    tb = type(b)
    if ta is int and tb is int:
        r = a - b
        if NEG_INT_BOUND < r < INT_BOUND:
            return r
        raise limit_error(f"integer result needs more than {MAX_INT_BITS} bits")
    if (ta is float or ta is int) and (tb is float or tb is int):
        try:
            return a - b
        except OverflowError:
            raise int_too_big_for_float() from None
    raise operand_types_error("-", a, b)


def _mul(a: Value, b: Value) -> Value:
    ta = type(a)
    tb = type(b)
    if ta is int and tb is int:
        if a.bit_length() + b.bit_length() - 1 > MAX_INT_BITS:
            raise limit_error(f"integer result needs more than {MAX_INT_BITS} bits")
        return _int_result(a * b)
    if (ta is float or ta is int) and (tb is float or tb is int):
        try:
            return a * b
        except OverflowError:
            raise int_too_big_for_float() from None
    raise operand_types_error("*", a, b)


def _power(a: Value, b: Value) -> Value:
    require_numbers("**", a, b)
    if type(a) is int and type(b) is int and b >= 0:
        if a not in (0, 1, -1) and b > 1:
            bits = a.bit_length()
            if (bits - 1) * b + 1 > MAX_INT_BITS:
                raise limit_error(f"integer result needs more than {MAX_INT_BITS} bits")
            if bits * b > MAX_INT_BITS:
                return _int_result(a**b)
        return a**b
    if not a and b < 0:
        raise zero_division("zero to a negative power")
    try:
        r = float(a) ** float(b) if type(a) is int and type(b) is int else a**b
    except OverflowError:
        raise value_error("numerical result out of range") from None
    if type(r) is complex:
        raise value_error("negative number to a fractional power")
    return r


def _to_str(v: Value) -> str:
    s = display(v)
    if len(s) > MAX_LENGTH:
        raise limit_error(f"string longer than {MAX_LENGTH} characters")
    return s


@dataclass(frozen=True, eq=False)
class Operators:
    """Every binary operator, keyed by operator, and `str()`'s conversion,
    for one setting of the bounds; `int_result` checks an int result against
    the int-size limit (`neg_int_bound < r < int_bound`)."""

    bounds: Bounds
    int_bound: int
    neg_int_bound: int
    add: Binary
    sub: Binary
    mul: Binary
    power: Binary
    to_str: Callable[[Value], str]
    int_result: Callable[[int], int]
    binary: Mapping[BinOp, Binary]


def operators(bounds: Bounds) -> Operators:
    """This setting's operators (call it through vmscope.lang.semantics)."""
    int_bound = 1 << bounds.max_int_bits
    neg_int_bound = -int_bound
    setting = {"MAX_LENGTH": bounds.max_length, "MAX_INT_BITS": bounds.max_int_bits,
               "INT_BOUND": int_bound, "NEG_INT_BOUND": neg_int_bound}
    ns = rebind((_int_result, _add, _sub, _mul, _power, _to_str), {**globals(), **setting})
    add, sub, mul, power = ns["_add"], ns["_sub"], ns["_mul"], ns["_power"]
    binary = {BinOp.ADD: add, BinOp.SUB: sub, BinOp.MUL: mul, BinOp.POW: power, **UNBOUNDED}
    return Operators(bounds, int_bound, neg_int_bound, add, sub, mul, power, ns["_to_str"],
                     ns["_int_result"], binary)
