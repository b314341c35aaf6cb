"""vmscope.lang.values, vmscope.lang.builtins and vmscope.lang.semantics,
called directly: display forms, equality and ordering, arithmetic edge cases,
limits (per setting of the bounds, never process-wide) and typed binding."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from vmscope.errors import GuestError
from vmscope.lang import builtins as b
from vmscope.lang import values as v
from vmscope.lang.bounded import operators
from vmscope.lang.nodes import BinOp, TypeName
from vmscope.lang.semantics import DEFAULT_SEMANTICS, Semantics, semantics
from vmscope.lang.values import Bounds, Limits

NAN = float("nan")
INF = float("inf")

# The default limits' operators and builtins, as the engines get them.
OPS = DEFAULT_SEMANTICS.ops
add, sub, mul, power = OPS.add, OPS.sub, OPS.mul, OPS.power
B = DEFAULT_SEMANTICS.builtins
b_str, b_int, b_floor, b_push, b_range = (B[name] for name in
                                          ("str", "int", "floor", "push", "range"))


@pytest.fixture
def deep_host_stack() -> Iterator[None]:
    """Room for the host recursion the nesting limit allows (as Program.run gives)."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, v.NEST_LIMIT * 4 + 1000))
    yield
    sys.setrecursionlimit(old)


def fails(fn: Callable[..., Any], *args: Any) -> tuple[str, str]:
    with pytest.raises(GuestError) as info:
        fn(*args)
    assert info.value.span is None  # the engine supplies the position
    return info.value.kind.value, info.value.message


def kind_of(fn: Callable[..., Any], *args: Any) -> str:
    return fails(fn, *args)[0]


def same(a: Any, b_: Any) -> bool:
    """Equal value and same host type (and the same sign for zeros)."""
    if type(a) is not type(b_):
        return False
    if type(a) is float:
        if math.isnan(a):
            return math.isnan(b_)
        return a == b_ and math.copysign(1, a) == math.copysign(1, b_)
    return bool(a == b_)


# ---- display form ------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "text"), [
    (0, "0"), (-7, "-7"), (2**100, "1267650600228229401496703205376"),
    (0.1, "0.1"), (3.0, "3.0"), (1e-05, "1e-05"), (1e16, "1e+16"), (-0.0, "-0.0"),
    (INF, "inf"), (-INF, "-inf"), (NAN, "nan"), (2.5, "2.5"),
    (True, "true"), (False, "false"), (None, "null"),
    ("hello", "hello"), ("say \"hi\"\n", "say \"hi\"\n"), ("", ""),
    ([], "[]"), ([1, 2.5, [True, None]], "[1, 2.5, [true, null]]"),
    (["a", ["b", []]], '["a", ["b", []]]'),
    (['say "hi"', "it's", "a\tb", ""], '["say \\"hi\\"", "it\'s", "a\\tb", ""]'),
    (["\\ \" \n \t \r \0"], r'["\\ \" \n \t \r \0"]'),
    ([[["x\ny"]]], r'[[["x\ny"]]]'),
])
def test_display(value: Any, text: str) -> None:
    assert v.display(value) == text
    assert b_str([value]) == text


def test_display_of_big_ints_is_not_limited_by_the_host() -> None:
    big = 10**5000
    assert v.display(big) == "1" + "0" * 5000


def test_a_list_inside_itself_is_written_with_dots() -> None:
    s: list[Any] = [1]
    s.append(s)
    assert v.display(s) == "[1, [...]]"
    outer: list[Any] = [s, s]
    assert v.display(outer) == "[[1, [...]], [1, [...]]]"  # siblings are not cycles
    shared = [1]
    assert v.display([shared, shared]) == "[[1], [1]]"


def test_displaying_too_deep_a_list_is_a_recursion_error(deep_host_stack: None) -> None:
    ok: list[Any] = []
    x = ok
    for _ in range(v.NEST_LIMIT - 1):
        x.append([])
        x = x[0]
    assert v.display(ok).startswith("[[[")
    x.append([])  # one level more
    assert kind_of(v.display, ok) == "RecursionError"


def test_print_line() -> None:
    assert b.print_line([]) == "\n"
    assert b.print_line([1, "a b", [" "], None, 1.0]) == '1 a b [" "] null 1.0\n'


# ---- equality --------------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b_", "equal"), [
    (1, 1.0, True), (0, -0.0, True), (2**53 + 1, 2.0**53, False), (2**53, 2.0**53, True),
    (10**400, INF, False), (True, 1, False), (False, 0, False), (True, 1.0, False),
    (None, False, False), (None, None, True), ("1", 1, False), ("", [], False),
    ([], [], True), ([1, [2]], [1.0, [2.0]], True), ([1, 2], [1], False),
    ([NAN], [NAN], False), (NAN, NAN, False), ([True], [1], False), ("a", "a", True),
    ([[1, "x"]], [[1, "x"]], True), ([None], [False], False),
])
def test_equality(a: Any, b_: Any, equal: bool) -> None:
    assert v.eq(a, b_) is equal
    assert v.eq(b_, a) is equal
    assert v.ne(a, b_) is (not equal)


def test_a_list_equals_itself_only_elementwise() -> None:
    xs = [NAN]
    assert v.eq(xs, xs) is False
    ys = [1, 2]
    assert v.eq(ys, ys) is True


def test_comparing_a_self_containing_list_is_a_recursion_error(deep_host_stack: None) -> None:
    s: list[Any] = [1]
    s.append(s)
    assert kind_of(v.eq, s, s) == "RecursionError"
    assert kind_of(v.lt, s, s) == "RecursionError"


# ---- ordering --------------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "b_", "less"), [
    (1, 2, True), (2, 1.5, False), (1, 1.0, False), (2**53 + 1, 2.0**53, False),
    (10**400, INF, True), (-INF, -(10**400), True),
    ("Zebra", "apple", True), ("a", "ab", True), ("b", "ab", False), ("", "a", True),
    ([1, 2], [1, 2, 0], True), ([1, 3], [1, 2, 9], False), ([], [0], True),
    ([2], [1, "x"], False), ([1, "a"], [1, "b"], True), ([1.0, [2]], [1, [3]], True),
    ([None], [None, 1], True),  # equal pairs are skipped, so null is never ordered
])
def test_ordering(a: Any, b_: Any, less: bool) -> None:
    assert v.lt(a, b_) is less
    assert v.gt(b_, a) is less
    assert v.le(a, b_) is (less or v.eq(a, b_))
    assert v.ge(b_, a) is (less or v.eq(a, b_))


@pytest.mark.parametrize(("a", "b_"), [
    (True, False), (None, None), (1, "a"), ("a", 1), (True, 1), (1, True), ([1], 1),
    ([1, "a"], [1, 2]), ([1, None], [1, 2]), ("a", ["a"]),
])
def test_ordering_other_pairs_is_a_type_error(a: Any, b_: Any) -> None:
    for op in (v.lt, v.le, v.gt, v.ge):
        assert kind_of(op, a, b_) == "TypeError"


def test_ordering_nan_is_false_both_ways() -> None:
    assert not v.lt(NAN, 1) and not v.gt(NAN, 1) and not v.le(NAN, NAN)


def test_binary_table_is_keyed_by_operator() -> None:
    expected = {
        BinOp.ADD: add, BinOp.SUB: sub, BinOp.MUL: mul, BinOp.DIV: v.truediv,
        BinOp.FLOORDIV: v.floordiv, BinOp.MOD: v.mod, BinOp.POW: power, BinOp.EQ: v.eq,
        BinOp.NE: v.ne, BinOp.LT: v.lt, BinOp.LE: v.le, BinOp.GT: v.gt, BinOp.GE: v.ge,
    }
    assert set(OPS.binary) == set(BinOp)
    for op, fn in expected.items():
        assert OPS.binary[op] is fn, op


def test_every_operator_has_its_symbol() -> None:
    symbols = {op: op.symbol for op in BinOp}
    assert symbols[BinOp.FLOORDIV] == "//" and symbols[BinOp.POW] == "**"
    assert symbols[BinOp.LE] == "<=" and symbols[BinOp.MOD] == "%"
    assert len(set(symbols.values())) == len(BinOp)


# ---- arithmetic ------------------------------------------------------------------------------


@pytest.mark.parametrize(("fn", "a", "b_", "result"), [
    (add, 1, 2, 3), (add, 1, 2.5, 3.5), (add, 1, 1.0, 2.0), (add, "ab", "c", "abc"),
    (add, [1], [2, 3], [1, 2, 3]), (add, 1e308, 1e308, INF),
    (sub, 5, 7, -2), (sub, 0.5, 1, -0.5),
    (mul, 3, 4, 12), (mul, 3, 0.5, 1.5), (mul, 1e300, 1e10, INF),
    (v.truediv, 1, 2, 0.5), (v.truediv, 4, 2, 2.0), (v.truediv, 10**400, 10**399, 10.0),
    (v.truediv, 1, 3, 1 / 3), (v.truediv, 2**1000 + 1, 2**1000, 1.0),
    (v.floordiv, 7, 2, 3), (v.floordiv, -7, 2, -4), (v.floordiv, 7, -2, -4),
    (v.floordiv, 7.0, 2, 3.0), (v.floordiv, -7.5, 2, -4.0),
    (v.mod, 7, 3, 1), (v.mod, -7, 2, 1), (v.mod, 7, -2, -1), (v.mod, 5.5, -2, -0.5),
    (v.mod, -1, 3.0, 2.0),
    (power, 2, 10, 1024), (power, 2, 0, 1), (power, 0, 0, 1), (power, 2, -1, 0.5),
    (power, 4, 0.5, 2.0), (power, 2.0, 2, 4.0), (power, -2, 3, -8),
    (power, -1, 10**9, 1), (power, 1, 10**20, 1), (power, 0, 10**20, 0),
    (power, 10, -400, 0.0), (power, -8.0, 2.0, 64.0),
])
def test_arithmetic(fn: Callable[[Any, Any], Any], a: Any, b_: Any, result: Any) -> None:
    assert same(fn(a, b_), result)


def test_plus_on_lists_makes_a_new_list() -> None:
    a = [1]
    c = add(a, [2])
    assert c == [1, 2] and a == [1] and c is not a


@pytest.mark.parametrize(("fn", "a", "b_", "kind"), [
    (add, True, 1, "TypeError"), (add, "a", 1, "TypeError"), (add, [1], "a", "TypeError"),
    (add, None, None, "TypeError"), (sub, "a", "a", "TypeError"),
    (sub, [1], [1], "TypeError"), (mul, "a", 3, "TypeError"), (mul, [1], 2, "TypeError"),
    (mul, True, 2, "TypeError"), (v.truediv, "a", 1, "TypeError"),
    (v.floordiv, 1, False, "TypeError"), (v.mod, None, 1, "TypeError"),
    (power, True, 2, "TypeError"),
    (v.truediv, 1, 0, "ZeroDivisionError"), (v.truediv, 1.0, 0.0, "ZeroDivisionError"),
    (v.truediv, 1, -0.0, "ZeroDivisionError"), (v.floordiv, 1, 0, "ZeroDivisionError"),
    (v.floordiv, 1, 0.0, "ZeroDivisionError"), (v.mod, 1, 0, "ZeroDivisionError"),
    (v.mod, 1.5, 0.0, "ZeroDivisionError"),
    (power, 0, -1, "ZeroDivisionError"), (power, 0.0, -1, "ZeroDivisionError"),
    (power, -0.0, -2.5, "ZeroDivisionError"),
    (power, -8, 0.5, "ValueError"), (power, -8.0, 1 / 3, "ValueError"),
    (power, 10.0, 400, "ValueError"), (power, 10, 400.0, "ValueError"),
    (power, 10**400, -1, "ValueError"),
    (mul, 10**400, 1.0, "ValueError"), (add, 10**400, 0.5, "ValueError"),
    (sub, 1.0, 10**400, "ValueError"), (v.truediv, 10**400, 1, "ValueError"),
    (v.truediv, 10**400, 2.0, "ValueError"), (v.floordiv, 10**400, 1.0, "ValueError"),
    (v.mod, 10**400, 1.5, "ValueError"),
])
def test_arithmetic_errors(fn: Callable[[Any, Any], Any], a: Any, b_: Any, kind: str) -> None:
    assert kind_of(fn, a, b_) == kind


def test_negation() -> None:
    assert v.neg(3) == -3
    assert same(v.neg(0.0), -0.0)
    assert kind_of(v.neg, "a") == "TypeError"
    assert kind_of(v.neg, True) == "TypeError"
    assert kind_of(v.neg, None) == "TypeError"


# ---- the int-size limit ----------------------------------------------------------------------


def test_default_limit_is_100000_bits() -> None:
    assert power(2, 99_999).bit_length() == 100_000
    assert kind_of(power, 2, 100_000) == "LimitError"
    assert kind_of(mul, 1 << 50_000, 1 << 50_000) == "LimitError"
    assert mul(1 << 49_999, 1 << 50_000).bit_length() == 100_000


def test_huge_power_fails_before_computing() -> None:
    # 2 ** 10 ** 9 would take minutes and gigabytes if it were computed first
    assert fails(power, 2, 10**9) == ("LimitError", "integer result needs more than 100000 bits")
    assert kind_of(power, 3, 10**12) == "LimitError"


# The int-size limit set to 64 bits: each operator, and what Python computes.
_PYTHON = {BinOp.ADD: lambda a, b_: a + b_, BinOp.SUB: lambda a, b_: a - b_,
           BinOp.MUL: lambda a, b_: a * b_, BinOp.POW: lambda a, b_: a**b_,
           BinOp.FLOORDIV: lambda a, b_: a // b_, BinOp.MOD: lambda a, b_: a % b_}


@pytest.mark.parametrize(("op", "args", "ok"), [
    (BinOp.ADD, (2**63, 2**63 - 1), True), (BinOp.ADD, (2**63, 2**63), False),
    (BinOp.SUB, (-(2**63), 2**63 - 1), True), (BinOp.SUB, (-(2**63), 2**63), False),
    (BinOp.MUL, (2**32, 2**31), True), (BinOp.MUL, (2**32, 2**32), False),
    (BinOp.MUL, (-(2**32), 2**32), False), (BinOp.POW, (2, 63), True),
    (BinOp.POW, (2, 64), False), (BinOp.POW, (-2, 63), True), (BinOp.POW, (3, 40), True),
    (BinOp.POW, (3, 41), False),
    (BinOp.POW, (2**64, 1), True),  # a result no bigger than an operand
    (BinOp.FLOORDIV, (2**64, 1), True), (BinOp.MOD, (2**64, 3), True),
])
def test_configured_int_limit(op: BinOp, args: tuple[Any, ...], ok: bool) -> None:
    fn = semantics(Limits(max_int_bits=64)).ops.binary[op]
    if ok:
        assert fn(*args) == _PYTHON[op](*args)
    else:
        assert fails(fn, *args) == ("LimitError", "integer result needs more than 64 bits")


def test_builtins_respect_the_int_limit() -> None:
    small = semantics(Limits(max_int_bits=64)).builtins
    assert small["int"](["18446744073709551615"]) == 2**64 - 1
    assert kind_of(small["int"], ["18446744073709551616"]) == "LimitError"
    assert kind_of(small["int"], ["9" * 10_000]) == "LimitError"
    assert kind_of(small["int"], [1e30]) == "LimitError"
    assert kind_of(small["floor"], [1e30]) == "LimitError"
    assert small["floor"]([1e18]) == 10**18
    assert b_int(["18446744073709551616"]) == 2**64  # the default limits' int() is not touched


def test_settings_of_the_limits_live_side_by_side() -> None:
    """No setting replaces another: both keep their own bound, used in any order."""
    small = semantics(Limits(max_int_bits=64)).ops
    assert kind_of(small.power, 2, 1000) == "LimitError"
    assert power(2, 1000) == 2**1000
    assert kind_of(small.power, 2, 1000) == "LimitError"
    assert (small.int_bound, OPS.int_bound) == (2**64, 2**100_000)


def test_semantics_are_built_once_per_setting_of_the_bounds() -> None:
    assert semantics(Limits(max_int_bits=64, max_steps=5, max_depth=3)) is \
        semantics(Bounds(max_int_bits=64))
    assert semantics(Limits()) is DEFAULT_SEMANTICS
    assert semantics(Limits(max_length=5)) is not DEFAULT_SEMANTICS
    assert isinstance(DEFAULT_SEMANTICS, Semantics) and DEFAULT_SEMANTICS.bounds == Bounds()


def test_operators_built_directly_follow_their_bounds() -> None:
    ops = operators(Bounds(max_length=3, max_int_bits=8))
    assert ops.add("ab", "c") == "abc" and kind_of(ops.add, "ab", "cd") == "LimitError"
    assert ops.add(127, 128) == 255 and kind_of(ops.add, 128, 128) == "LimitError"
    assert ops.to_str(123) == "123" and kind_of(ops.to_str, 1234) == "LimitError"


def test_length_limit() -> None:
    five = semantics(Limits(max_length=5))
    add5, b5 = five.ops.add, five.builtins
    assert add5("ab", "cde") == "abcde"
    assert kind_of(add5, "abc", "def") == "LimitError"
    assert kind_of(add5, [1, 2, 3], [4, 5, 6]) == "LimitError"
    assert b5["range"]([5]) == [0, 1, 2, 3, 4]
    assert kind_of(b5["range"], [6]) == "LimitError"
    assert kind_of(b5["range"], [0, 10**30]) == "LimitError"
    xs = [1, 2, 3, 4, 5]
    assert kind_of(b5["push"], [xs, 6]) == "LimitError"
    assert xs == [1, 2, 3, 4, 5]
    assert b5["str"]([12345]) == "12345"
    assert kind_of(b5["str"], [123456]) == "LimitError"
    assert b_str([123456]) == "123456"  # the default limits' str() is not touched


# ---- indexing --------------------------------------------------------------------------------


def test_indexing() -> None:
    assert v.get_index([1, 2, 3], -1) == 3
    assert v.get_index("abc", 1) == "b"
    assert v.get_index("abc", -3) == "a"
    assert fails(v.get_index, [1], 1)[0] == "IndexError"
    assert kind_of(v.get_index, "abc", -4) == "IndexError"
    assert kind_of(v.get_index, [1], True) == "TypeError"
    assert kind_of(v.get_index, [1], 0.0) == "TypeError"
    assert kind_of(v.get_index, 5, 0) == "TypeError"
    assert kind_of(v.get_index, None, 0) == "TypeError"
    xs = [1, 2]
    v.set_index(xs, -1, "x")
    assert xs == [1, "x"]
    assert kind_of(v.set_index, xs, 2, 0) == "IndexError"
    assert kind_of(v.set_index, xs, False, 0) == "TypeError"
    assert kind_of(v.set_index, "ab", 0, "x") == "TypeError"


# ---- typed bindings --------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "declared", "result"), [
    (1, TypeName.INT, 1), (1, TypeName.FLOAT, 1.0), (1.5, TypeName.FLOAT, 1.5),
    ("s", TypeName.STR, "s"), (True, TypeName.BOOL, True), ([], TypeName.LIST, []),
    (None, TypeName.ANY, None), (True, TypeName.ANY, True), (-0.0, TypeName.FLOAT, -0.0),
    (2**60 + 1, TypeName.FLOAT, float(2**60)),
])
def test_check_type_accepts(value: Any, declared: TypeName, result: Any) -> None:
    assert same(v.check_type(value, declared), result)


@pytest.mark.parametrize(("value", "declared"), [
    (True, TypeName.INT), (1.5, TypeName.INT), (1, TypeName.BOOL), (0, TypeName.BOOL),
    (True, TypeName.FLOAT), (None, TypeName.INT), (None, TypeName.LIST), ("1", TypeName.INT),
    ([], TypeName.STR), (1, TypeName.STR), (None, TypeName.FLOAT),
])
def test_check_type_rejects(value: Any, declared: TypeName) -> None:
    kind, message = fails(v.check_type, value, declared)
    assert kind == "TypeError"
    assert declared.value in message and v.type_name(value) in message


def test_check_type_of_an_int_too_big_for_a_float() -> None:
    assert kind_of(v.check_type, 10**400, TypeName.FLOAT) == "ValueError"


# ---- builtins --------------------------------------------------------------------------------


@pytest.mark.parametrize(("fn", "args", "result"), [
    (b.b_len, ["héllo"], 5), (b.b_len, [[1, [2, 3]]], 2), (b.b_len, [""], 0),
    (b_int, [" -42 "], -42), (b_int, ["+7"], 7), (b_int, ["\t007\n"], 7),
    (b_int, [3.99], 3), (b_int, [-3.99], -3), (b_int, [-0.0], 0), (b_int, [5], 5),
    (b.b_float, ["1.5"], 1.5), (b.b_float, [" 2e3 "], 2000.0), (b.b_float, ["inf"], INF),
    (b.b_float, ["-nan"], NAN), (b.b_float, [3], 3.0), (b.b_float, [2.5], 2.5),
    (b.b_float, ["1e400"], INF),
    (b.b_abs, [-2], 2), (b.b_abs, [-0.0], 0.0), (b.b_abs, [-(10**50)], 10**50),
    (b.b_min, [2, 2.0], 2), (b.b_max, [2, 2.0], 2), (b.b_min, [2.0, 2], 2.0),
    (b.b_min, [[5, -1, 4]], -1), (b.b_max, ["pear", "apple"], "pear"),
    (b.b_max, [[1, 2], [1, 2, 0]], [1, 2, 0]), (b.b_min, [[[3]]], [3]),
    (b.b_sqrt, [16], 4.0), (b.b_sqrt, [-0.0], -0.0), (b.b_sqrt, [2.25], 1.5),
    (b_floor, [-2.5], -3), (b_floor, [-0.0], 0), (b_floor, [7], 7), (b_floor, [2.0], 2),
    (b_range, [3], [0, 1, 2]), (b_range, [2, 12, 3], [2, 5, 8, 11]),
    (b_range, [10, 0, -3], [10, 7, 4, 1]), (b_range, [5, 1], []),
    (b.b_type, [None], "null"), (b.b_type, [1], "int"), (b.b_type, [1.0], "float"),
    (b.b_type, [True], "bool"), (b.b_type, ["x"], "str"), (b.b_type, [[]], "list"),
])
def test_builtin_results(fn: Callable[[list[Any]], Any], args: list[Any], result: Any) -> None:
    assert same(fn(args), result)


def test_min_max_keep_the_first_of_equal_candidates() -> None:
    a, c = [1], [1]
    assert b.b_min([a, c]) is a
    assert b.b_max([a, c]) is a


def test_push_and_pop() -> None:
    xs: list[Any] = [1]
    assert b_push([xs, "a"]) is None
    assert xs == [1, "a"]
    assert b.b_pop([xs]) == "a"
    assert xs == [1]


@pytest.mark.parametrize(("fn", "args", "kind"), [
    (b.b_len, [5], "TypeError"), (b.b_len, [], "TypeError"), (b.b_len, ["a", "b"], "TypeError"),
    (b_int, [True], "TypeError"), (b_int, [None], "TypeError"),
    (b_int, ["4 2"], "ValueError"), (b_int, [""], "ValueError"),
    (b_int, ["1.5"], "ValueError"), (b_int, ["١٢"], "ValueError"),
    (b_int, [INF], "ValueError"), (b_int, [NAN], "ValueError"),
    (b.b_float, [True], "TypeError"), (b.b_float, ["x"], "ValueError"),
    (b.b_float, [10**400], "ValueError"), (b.b_float, [[]], "TypeError"),
    (b.b_abs, [True], "TypeError"), (b.b_abs, ["1"], "TypeError"),
    (b.b_min, [5], "TypeError"), (b.b_min, [[]], "ValueError"), (b.b_min, [], "TypeError"),
    (b.b_max, [1, "a"], "TypeError"), (b.b_max, [[None, None]], "TypeError"),
    (b.b_sqrt, [-1], "ValueError"), (b.b_sqrt, [-1e-300], "ValueError"),
    (b.b_sqrt, ["4"], "TypeError"), (b.b_sqrt, [10**400], "ValueError"),
    (b_floor, [NAN], "ValueError"), (b_floor, [-INF], "ValueError"),
    (b_floor, [True], "TypeError"),
    (b_push, [[], 1, 2], "TypeError"), (b_push, ["ab", 1], "TypeError"),
    (b.b_pop, [[]], "IndexError"), (b.b_pop, ["ab"], "TypeError"),
    (b_range, [1, 5, 0], "ValueError"), (b_range, [1.0], "TypeError"),
    (b_range, [True], "TypeError"), (b_range, [], "TypeError"),
    (b_range, [1, 2, 3, 4], "TypeError"),
    (b.b_type, [], "TypeError"), (b_str, [1, 2], "TypeError"),
])
def test_builtin_errors(fn: Callable[[list[Any]], Any], args: list[Any], kind: str) -> None:
    assert kind_of(fn, args) == kind


def test_every_documented_builtin_is_registered() -> None:
    names = {"print", "len", "str", "int", "float", "abs", "min", "max", "sqrt", "floor",
             "push", "pop", "range", "type"}
    assert set(b.BUILTINS) == names
    assert set(B) == names and set(semantics(Limits(max_length=3)).builtins) == names
    assert set(b.MUTATING) == {"push", "pop"}
