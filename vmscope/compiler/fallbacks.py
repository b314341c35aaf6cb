"""What generated (-O1/-O2) closures call on their rare or failing paths,
and the namespace their source is compiled in. Each helper puts the failing
operation's span on the error, as the engines' own error paths do."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

from vmscope.errors import ErrorKind, GuestError, index_error, limit_error, zero_division
from vmscope.lang import nodes as n
from vmscope.lang import values as _v
from vmscope.lang.builtins import print_line
from vmscope.source import Span
from vmscope.vm.machine import Halt


def _at(err: GuestError, span: Span) -> GuestError:
    if err.span is None:
        err.span = span
    return err


def h_unset(name: str, span: Span) -> GuestError:
    return GuestError(ErrorKind.NAME, f"global '{name}' is used before its let ran", span)


def h_limit(bits: int, span: Span) -> GuestError:
    return _at(limit_error(f"integer result needs more than {bits} bits"), span)


def h_zdiv(span: Span) -> GuestError:
    return _at(zero_division("integer division or modulo by zero"), span)


def h_fdiv(span: Span) -> GuestError:
    return _at(zero_division("division by zero"), span)


def h_index(span: Span) -> GuestError:
    return _at(index_error("list index out of range"), span)


def h_op(fn: Callable[[Any, Any], Any], a: Any, b: Any, span: Span) -> Any:
    try:
        return fn(a, b)
    except GuestError as err:
        raise _at(err, span) from None


def h_op1(fn: Callable[[Any], Any], a: Any, span: Span) -> Any:
    try:
        return fn(a)
    except GuestError as err:
        raise _at(err, span) from None


def h_check(value: Any, declared: n.TypeName, span: Span) -> Any:
    try:
        return _v.check_type(value, declared)
    except GuestError as err:
        raise _at(err, span) from None


def h_depth(limit: int, span: Span) -> GuestError:
    return GuestError(ErrorKind.RECURSION, f"maximum call depth of {limit} exceeded", span)


def h_set_index(obj: Any, i: Any, value: Any, span: Span) -> None:
    try:
        _v.set_index(obj, i, value)
    except GuestError as err:
        raise _at(err, span) from None


# Limit-free functions only: whatever depends on a run's limits (its
# operators, builtins and bounds) is captured per instruction instead.
NAMESPACE: dict[str, Any] = {
    "_v": _v, "U": _v.UNSET, "h_unset": h_unset, "h_limit": h_limit, "h_zdiv": h_zdiv,
    "h_fdiv": h_fdiv, "h_index": h_index, "h_op": h_op, "h_op1": h_op1, "h_check": h_check,
    "h_set_index": h_set_index, "print_line": print_line, "IndexError": IndexError,
    "h_depth": h_depth, "_sqrt": math.sqrt, "OverflowError": OverflowError, "Halt": Halt,
    "chain": itertools.chain,
}
