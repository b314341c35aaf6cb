"""Differential table: every case runs on both engines and must match the table.

The table is an independent oracle: each expected output and error position
was worked out by hand from docs/LANGUAGE.md (the shared language contract),
not recorded from an engine. Each case is compiled once; a compile error is
compared on kind/line/col. Otherwise the same Program runs twice on the AST
interpreter and twice on the closure VM, and all four runs must produce
exactly the expected stdout, error kind, line and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

import vmscope

Pos = tuple[str, int, int]  # (error kind, line, col)
Frame = tuple[str, int, int]  # (function, line, col)


@dataclass(frozen=True)
class Case:
    id: str
    src: str
    out: str = ""
    error: Pos | None = None
    compile_time: bool = False
    stack: tuple[Frame, ...] | None = None
    limits: dict[str, Any] | None = None


def _text(lines: tuple[str, ...]) -> str:
    return "".join(line + "\n" for line in lines)


def ok(id: str, src: str, *lines: str, limits: dict[str, Any] | None = None) -> Case:
    """Runs cleanly; each of `lines` is one printed line."""
    return Case(id, src, _text(lines), limits=limits)


def rt(
    id: str,
    src: str,
    kind: str,
    line: int,
    col: int,
    *lines: str,
    stack: tuple[Frame, ...] | None = None,
    limits: dict[str, Any] | None = None,
) -> Case:
    """Fails at run time at (line, col) after printing `lines`."""
    return Case(id, src, _text(lines), (kind, line, col), stack=stack, limits=limits)


def ce(id: str, src: str, kind: str, line: int, col: int) -> Case:
    """Rejected by compile_source; nothing runs."""
    return Case(id, src, "", (kind, line, col), compile_time=True)


TE, ZD, VE, IE = "TypeError", "ZeroDivisionError", "ValueError", "IndexError"
NE, SE, RE, LE = "NameError", "SyntaxError", "RecursionError", "LimitError"

# A countdown used by the call-depth cases: r(n) has n + 1 calls active at its deepest.
COUNTDOWN = "fn r(n) {\n  if n == 0 { return 0 }\n  return r(n - 1)\n}\n"
# Prints its name, then yields a value: for checking evaluation order.
TRACERS = (
    'fn t() {\n  print("t")\n  return [0]\n}\n'
    'fn i() {\n  print("i")\n  return 0\n}\n'
    'fn v() {\n  print("v")\n  return 1\n}\n'
)  # 12 lines

CASES: list[Case] = [
    # ---------------------------------------------------------------- + - * /
    ok("add-int", "print(1 + 2, -5 + 3)", "3 -2"),
    ok("add-mixed", "print(1 + 2.5, 2.5 + 1, 1 + 1.0)", "3.5 3.5 2.0"),
    ok("add-str", 'print("ab" + "cd" + "")', "abcd"),
    ok("add-list-is-new", "let a = [1]\nlet b = a + [2, 3]\nprint(a, b)", "[1] [1, 2, 3]"),
    ok(
        "add-bigint",
        "print(2 ** 64 + 1, 10 ** 20 - 1)",
        "18446744073709551617 99999999999999999999",
    ),
    rt("add-int-str", 'print(1 + "a")', TE, 1, 9),
    rt("add-str-int", 'print("a" + 1)', TE, 1, 11),
    rt("add-bool-int", "print(true + 1)", TE, 1, 12),
    rt("add-bool-bool", "print(true + false)", TE, 1, 12),
    rt("add-null", "print(null + null)", TE, 1, 12),
    rt("add-list-int", "print([1] + 1)", TE, 1, 11),
    rt("add-list-str", 'print([1] + "a")', TE, 1, 11),
    rt("add-str-list", 'print("a" + ["a"])', TE, 1, 11),
    rt("add-float-bool", "print(1.5 + true)", TE, 1, 11),
    ok("sub", "print(5 - 7, 5 - 7.5, 0.5 - 1, 10 - 2 - 3)", "-2 -2.5 -0.5 5"),
    rt("sub-str", 'print("a" - "a")', TE, 1, 11),
    rt("sub-list", "print([1] - [1])", TE, 1, 11),
    rt("sub-bool", "print(1 - false)", TE, 1, 9),
    ok("mul", "print(6 * 7, 6 * 0.5, 3 * 0.1, -2 * 3)", "42 3.0 0.30000000000000004 -6"),
    rt("mul-str-int", 'print("ab" * 3)', TE, 1, 12),
    rt("mul-list-int", "print([0] * 3)", TE, 1, 11),
    rt("mul-null", "print(2 * null)", TE, 1, 9),
    ok("precedence", "print(1 + 2 * 3, (1 + 2) * 3, 2 * 3 ** 2, 100 / 10 / 5)", "7 9 18 2.0"),
    ok(
        "div-always-float",
        "print(6 / 3, 7 / 2, 1 / 3, -1 / 4, 0 / 5)",
        "2.0 3.5 0.3333333333333333 -0.25 0.0",
    ),
    ok("div-bigints", "print(10 ** 400 / 10 ** 399)", "10.0"),
    ok("div-correctly-rounded", "print(27021597764222986 / 3)", "9007199254740996.0"),
    rt("div-zero-int", "print(1 / 0)", ZD, 1, 9),
    rt("div-zero-float", "print(1.5 / 0.0)", ZD, 1, 11),
    rt("div-zero-negzero", "let z = -0.0\nprint(1 / z)", ZD, 2, 9),
    rt("div-zero-float-by-int", "print(0.0 / 0)", ZD, 1, 11),
    rt("div-bool", "print(1 / true)", TE, 1, 9),
    rt("div-str", 'print("4" / 2)', TE, 1, 11),
    # ---------------------------------------------------------------- // %
    ok("floordiv-signs", "print(7 // 2, -7 // 2, 7 // -2, -7 // -2)", "3 -4 -4 3"),
    ok("mod-signs", "print(7 % 2, -7 % 2, 7 % -2, -7 % -2)", "1 1 -1 -1"),
    ok(
        "floordiv-float",
        "print(7.5 // 2, -7.5 // 2, 7 // 2.0, -7.5 // -2)",
        "3.0 -4.0 3.0 3.0",
    ),
    ok(
        "mod-float",
        "print(7.5 % 2, -7.5 % 2, 7.5 % -2, -7 % 2.0, 7 % -2.0)",
        "1.5 0.5 -0.5 1.0 -1.0",
    ),
    ok("mod-float-zero-sign", "print(5 % 2.5, -5 % 2.5, 5 % -2.5, -0.0 % 5)", "0.0 0.0 -0.0 0.0"),
    ok("mod-bigint", "print(-(2 ** 70) % 3, 10 ** 20 // 3)", "2 33333333333333333333"),
    rt("floordiv-zero", "print(5 // 0)", ZD, 1, 9),
    rt("mod-zero", "print(5 % 0)", ZD, 1, 9),
    rt("mod-zero-float", "print(5.5 % 0.0)", ZD, 1, 11),
    rt("floordiv-zero-float", "print(5 // 0.0)", ZD, 1, 9),
    rt("floordiv-str", 'print("a" // 2)', TE, 1, 11),
    rt("mod-str-format", 'print("%d" % 1)', TE, 1, 12),
    rt("mod-bool", "print(5 % true)", TE, 1, 9),
    # ---------------------------------------------------------------- **
    ok("pow-int", "print(2 ** 10, (-3) ** 3, 0 ** 0, 7 ** 1)", "1024 -27 1 7"),
    ok("pow-big", "print(2 ** 100)", "1267650600228229401496703205376"),
    ok("pow-neg-exp", "print(2 ** -1, 2 ** -2, (-2) ** -1, 10 ** -3)", "0.5 0.25 -0.5 0.001"),
    ok(
        "pow-float",
        "print(2 ** 0.5, 2.0 ** 3, 4 ** 0.5, 1.5 ** 2)",
        "1.4142135623730951 8.0 2.0 2.25",
    ),
    ok("pow-right-assoc", "print(2 ** 3 ** 2, -2 ** 2, (-2) ** 2, 2 ** -1 ** 2)", "512 -4 4 0.5"),
    ok("pow-neg-base-whole-float", "print((-2) ** 3.0, (-8.0) ** 2, 0.0 ** 0)", "-8.0 64.0 1.0"),
    rt("pow-zero-neg", "print(0 ** -1)", ZD, 1, 9),
    rt("pow-zero-float-neg", "print(0.0 ** -2)", ZD, 1, 11),
    rt("pow-negzero-neg", "let z = -0.0\nprint(z ** -1)", ZD, 2, 9),
    rt("pow-zero-neg-fraction", "print(0 ** -0.5)", ZD, 1, 9),
    rt("pow-neg-base-fraction", "print((-8) ** (1 / 3))", VE, 1, 12),
    rt("pow-neg-float-base-fraction", "print((-2.5) ** 0.5)", VE, 1, 14),
    rt("pow-float-overflow", "print(10.0 ** 400)", VE, 1, 12),
    rt("pow-float-overflow-float-exp", "print(2 ** 1024.0)", VE, 1, 9),
    rt("pow-float-overflow-negative", "print((-10.0) ** 401)", VE, 1, 15),
    rt("pow-bigint-neg-exp", "print((10 ** 400) ** -1)", VE, 1, 19),
    ok("pow-int-never-overflows", "print(10 ** 400 > 0, 2.0 ** 1000 == 2 ** 1000)", "true true"),
    rt("pow-bool", "print(true ** 2)", TE, 1, 12),
    rt("pow-str", 'print("a" ** 2)', TE, 1, 11),
    rt("pow-list", "print(2 ** [1])", TE, 1, 9),
    # ---------------------------------------------------------------- float overflow
    ok("float-ieee-overflow", "print(1e300 * 1e10, -1e300 * 1e10, 1e308 + 1e308)", "inf -inf inf"),
    ok(
        "float-inf-arith",
        'let i = float("inf")\nprint(i - i, i * 0, i + 1, -i)',
        "nan nan inf -inf",
    ),
    ok("float-underflow", "print(1e-300 * 1e-300)", "0.0"),
    ok("float-big-int-mix-ok", "print(2 ** 53 + 1.0, 10 ** 20 * 1.0)", "9007199254740992.0 1e+20"),
    rt("bigint-to-float-mul", "print(10 ** 400 * 1.0)", VE, 1, 17),
    rt("bigint-to-float-add", "print(0.5 + 10 ** 400)", VE, 1, 11),
    rt("bigint-to-float-floordiv", "print(10 ** 400 // 2.0)", VE, 1, 17),
    rt("bigint-to-float-call", "print(float(10 ** 400))", VE, 1, 7),
    ok(
        "bigint-float-compare-exact",
        'print(10 ** 400 > 1e308, 10 ** 400 < float("inf"), 10 ** 400 == 1e308)',
        "true true false",
    ),
    # ---------------------------------------------------------------- unary
    ok(
        "neg",
        "print(-5, --5, -2.5, -0.0, -0, -(2 ** 64))",
        "-5 5 -2.5 -0.0 0 -18446744073709551616",
    ),
    rt("neg-bool", "print(-true)", TE, 1, 7),
    rt("neg-str", 'print(-"a")', TE, 1, 7),
    rt("neg-null", "print(1 + -null)", TE, 1, 11),
    rt("neg-list", "print(-[1])", TE, 1, 7),
    ok(
        "not-falsy",
        'print(not 0, not 0.0, not "", not [], not null, not false)',
        "true true true true true true",
    ),
    ok(
        "not-truthy",
        'print(not 1, not -0.5, not "0", not [0], not [[]], not true, not float("nan"))',
        "false false false false false false false",
    ),
    ok("not-not", "print(not not 3, not not [])", "true false"),
    ok("not-precedence", "print(not 1 + 1 == 3, not 1 == 1 and true)", "true false"),
    # ---------------------------------------------------------------- and / or
    ok(
        "and-or-deciding-operand",
        'print(1 and 2, 0 and 2, null or "x", "" or [], 0 or 0.0, [] and 1, "a" or 1 / 0)',
        "2 0 x [] 0.0 [] a",
    ),
    ok(
        "and-or-short-circuit-calls",
        'fn boom() {\n  print("boom")\n  return true\n}\n'
        "print(false and boom(), true or boom(), true and boom())",
        "boom",
        "false true true",
    ),
    ok("and-skips-unset-global", "print(false and g)\nlet g = 1", "false"),
    ok(
        "or-and-precedence",
        "print(true or false and false, (true or false) and false)",
        "true false",
    ),
    rt("or-evaluates-right", "print(0 or 1 / 0)", ZD, 1, 14),
    # ---------------------------------------------------------------- == !=
    ok("eq-int-float", "print(1 == 1.0, 2 == 2.5, 0 == -0.0, 1 != 1.0)", "true false true false"),
    ok(
        "eq-int-float-exact",
        "print(2 ** 53 + 1 == 2.0 ** 53, 2 ** 53 == 2.0 ** 53, 2 ** 53 + 1 > 2.0 ** 53)",
        "false true true",
    ),
    ok(
        "eq-bool-not-number",
        "print(true == 1, false == 0, true == true, 1.0 == true)",
        "false false true false",
    ),
    ok(
        "eq-differing-kinds",
        'print(null == null, null == false, null == 0, "1" == 1, [] == "", [1] == 1)',
        "true false false false false false",
    ),
    ok(
        "ne-kinds", 'print(1 != "1", null != null, "a" != "a", "a" != "b")', "true false false true"
    ),
    ok(
        "eq-lists",
        'print([1, 2] == [1, 2], [1] == [1.0], [1] == [1, 2], [[1], "a"] == [[1], "a"], [] == [])',
        "true true false true true",
    ),
    ok("eq-list-bool-elements", "print([true] == [1], [0] == [false])", "false false"),
    ok("eq-list-nested-mixed", "print([1, [2.0]] == [1.0, [2]])", "true"),
    ok(
        "nan-comparisons",
        'let n = float("nan")\nprint(n == n, n != n, n < 1, n >= 1, [n] == [n], [n] != [n])',
        "false true false false false true",
    ),
    ok("eq-same-list-no-identity-shortcut", 'let n = [float("nan")]\nprint(n == n)', "false"),
    rt("eq-self-containing", "let a = [1]\npush(a, a)\nprint(a == a)", RE, 3, 9),
    rt("lt-self-containing", "let a = [1]\npush(a, a)\nprint(a < a)", RE, 3, 9),
    # ---------------------------------------------------------------- < <= > >=
    ok(
        "lt-numbers",
        "print(1 < 2, 2 < 1.5, 1.5 <= 1.5, 3 >= 3.0, -1 > -2, 2 ** 100 < 1e30)",
        "true false true true true false",
    ),
    ok(
        "lt-str",
        'print("a" < "b", "Z" < "a", "abc" < "abd", "" < "a", "ab" < "a", "é" > "z")',
        "true true true true false true",
    ),
    ok(
        "lt-list",
        "print([1, 2] < [1, 3], [1, 2] < [1, 2, 0], [2] > [1, 9], [] < [0], [1] <= [1], "
        '[1, "a"] < [2, 0])',
        "true true true true true true",
    ),
    ok("lt-list-prefix-no-error", 'print([1] < [1, "a"])', "true"),
    rt("lt-list-element-kinds", 'print([1, 2] < [1, "a"])', TE, 1, 14),
    rt("lt-int-str", 'print(1 < "a")', TE, 1, 9),
    rt("lt-bool", "print(true < false)", TE, 1, 12),
    rt("le-null", "print(null <= 1)", TE, 1, 12),
    rt("gt-list-int", "print([1] > 1)", TE, 1, 11),
    rt("ge-str-list", 'print("a" >= ["a"])', TE, 1, 11),
    rt("lt-int-bool", "print(1 < true)", TE, 1, 9),
    ce("compare-chain", "print(1 < 2 < 3)", SE, 1, 13),
    ce("compare-chain-eq", "print(1 == 2 == false)", SE, 1, 14),
    ce("compare-chain-mixed", "let a = 1 < 2 == true", SE, 1, 15),
    ok("compare-parenthesised", "print((1 < 2) == true)", "true"),
    # ---------------------------------------------------------------- display form
    ok(
        "display-floats",
        "print(0.1, 3.0, 1e-05, 0.00001, 1e16, 1e15, -0.0)",
        "0.1 3.0 1e-05 1e-05 1e+16 1000000000000000.0 -0.0",
    ),
    ok(
        "display-floats-more",
        "print(0.1 + 0.2, 1.5e300, 2.0E10, 0.25e-3, 1e22, 123456789012345678.0, 1e+16)",
        "0.30000000000000004 1.5e+300 20000000000.0 0.00025 1e+22 1.2345678901234568e+17 1e+16",
    ),
    ok(
        "display-inf-nan",
        'print(float("inf"), -float("inf"), float("nan"), [float("-inf"), float("nan")])',
        "inf -inf nan [-inf, nan]",
    ),
    ok("display-ints", "print(0, 007, -12, 10 ** 30)", "0 7 -12 1000000000000000000000000000000"),
    ok("display-scalars", "print(true, false, null)", "true false null"),
    ok(
        "display-raw-strings",
        r"""print("a\tb", 'it\'s', "q\"x", 'say "hi"', "back\\slash")""",
        'a\tb it\'s q"x say "hi" back\\slash',
    ),
    ok("display-nul-cr", r'print("x\0y\rz")', "x\0y\rz"),
    ok(
        "display-list-escapes",
        r"""print(["a", 'b"c', "x\ny", "t\tq", "back\\slash", "cr\r", "nul\0", "it\'s"])""",
        r"""["a", "b\"c", "x\ny", "t\tq", "back\\slash", "cr\r", "nul\0", "it's"]""",
    ),
    ok(
        "display-nested",
        'print([[1, "a"], [], [[null, true]], [0.5, -0.0]])',
        '[[1, "a"], [], [[null, true]], [0.5, -0.0]]',
    ),
    ok("display-nested-escapes", r'print([["q\"", ["\\"]]])', r'[["q\"", ["\\"]]]'),
    ok("display-list-floats", "print([1.0, 2.5e-7, 1e100])", "[1.0, 2.5e-07, 1e+100]"),
    ok("display-non-ascii-in-list", 'print(["é"], len("é"))', '["é"] 1'),
    ok("print-empty-and-null", "print()\nprint(print())", "", "", "null"),
    ok("print-several", 'print(1, "a", null, true, [], 2.5)', "1 a null true [] 2.5"),
    ok(
        "display-self-list",
        "let a = [1]\npush(a, a)\nprint(a)\nprint(str(a))",
        "[1, [...]]",
        "[1, [...]]",
    ),
    ok("display-self-list-only", "let a = []\npush(a, a)\nprint(a, len(a))", "[[...]] 1"),
    ok(
        "display-mutual-lists",
        "let a = [1]\nlet b = [a]\npush(a, b)\nprint(a)\nprint(b)",
        "[1, [[...]]]",
        "[[1, [...]]]",
    ),
    ok("display-shared-not-a-cycle", "let a = [1]\nprint([a, a])", "[[1], [1]]"),
    ok(
        "str-builtin",
        'print(str(1.0) + str(null) + str(true) + str([1, "a"]) + str("s") + str(-0.0))',
        '1.0nulltrue[1, "a"]s-0.0',
    ),
    ok("str-of-str-is-raw", r'print(str("x\ty"), len(str("ab")))', "x\ty 2"),
    # ---------------------------------------------------------------- indexing
    ok("index-list", "let a = [10, 20, 30]\nprint(a[0], a[2], a[-1], a[-3])", "10 30 30 10"),
    ok("index-str", 'let s = "héllo"\nprint(s[1], s[-1], type(s[0]), "ab"[0])', "é o str a"),
    ok("index-nested", "let m = [[1, 2], [3, [4]]]\nprint(m[1][1][0], m[-1][0])", "4 3"),
    rt("index-out-of-range", "let a = [1, 2]\nprint(a[2])", IE, 2, 8),
    rt("index-negative-out-of-range", "let a = [1, 2]\nprint(a[-3])", IE, 2, 8),
    rt("index-str-out-of-range", 'print("abc"[3])', IE, 1, 12),
    rt("index-empty-list", "print([][0])", IE, 1, 9),
    rt("index-empty-str", 'print(""[-1])', IE, 1, 9),
    rt("index-huge", "let a = [1]\nprint(a[10 ** 30])", IE, 2, 8),
    rt("index-float", "let a = [1]\nprint(a[0.0])", TE, 2, 8),
    rt("index-bool", "let a = [1]\nprint(a[true])", TE, 2, 8),
    rt("index-str-key", 'let a = [1]\nprint(a["0"])', TE, 2, 8),
    rt("index-on-int", "let n = 5\nprint(n[0])", TE, 2, 8),
    rt("index-on-null", "let n = null\nprint(n[0])", TE, 2, 8),
    rt("index-str-by-float", 'print("abc"[1.0])', TE, 1, 12),
    rt("index-error-after-output", 'print("before")\nlet a = [1]\nprint(a[1])', IE, 3, 8, "before"),
    ok("index-assign", 'let a = [1, 2, 3]\na[0] = 9\na[-1] = "z"\nprint(a)', '[9, 2, "z"]'),
    ok(
        "index-assign-nested", "let m = [[1, 2], [3, 4]]\nm[1][0] = 7\nprint(m)", "[[1, 2], [7, 4]]"
    ),
    ok("index-assign-shared", "let a = [0]\nlet b = a\nb[0] = 5\nprint(a)", "[5]"),
    rt("index-assign-str", 'let s = "abc"\ns[0] = "x"', TE, 2, 2),
    rt("index-assign-out-of-range", "let a = [1]\na[1] = 2", IE, 2, 2),
    rt("index-assign-negative-out", "let a = [1]\na[-2] = 2", IE, 2, 2),
    rt("index-assign-float-index", "let a = [1]\na[0.5] = 2", TE, 2, 2),
    rt("index-assign-on-int", "let a = 3\na[0] = 2", TE, 2, 2),
    ok("index-assign-order", TRACERS + "t()[i()] = v()", "t", "i", "v"),
    rt("index-assign-value-before-store", TRACERS + "let a = [0]\na[5] = v()", IE, 14, 2, "v"),
    ok(
        "index-assign-target-first",
        "let a = [0]\nlet old = a\nfn f() {\n  a = [9]\n  return 5\n}\na[0] = f()\nprint(a, old)",
        "[9] [5]",
    ),
    # ---------------------------------------------------------------- compound assignment
    ok(
        "compound-int-chain",
        "let x = 7\nx += 3\nprint(x)\nx -= 1\nprint(x)\nx *= 2\nprint(x)\n"
        "x //= 4\nprint(x)\nx %= 3\nprint(x)\nx /= 2\nprint(x)",
        "10",
        "9",
        "18",
        "4",
        "1",
        "0.5",
    ),
    ok("compound-str", 'let s = "a"\ns += "b"\nprint(s)', "ab"),
    ok("compound-list-rebinds", "let a = [1]\nlet b = a\na += [2]\nprint(a, b)", "[1, 2] [1]"),
    ok("compound-index", "let a = [1, 2]\na[0] += 10\na[-1] *= 3\nprint(a)", "[11, 6]"),
    ok(
        "compound-index-target-once",
        'fn f() {\n  print("f")\n  return 0\n}\nlet a = [1]\na[f()] += 1\nprint(a)',
        "f",
        "[2]",
    ),
    rt("compound-type-error", 'let x = 1\nx += "a"', TE, 2, 3),
    rt("compound-floordiv-zero", "let x = 1\nx //= 0", ZD, 2, 3),
    rt("compound-mod-zero", "let x = 1\nx %= 0", ZD, 2, 3),
    rt("compound-div-zero", "let x = 1.5\nx /= 0", ZD, 2, 3),
    rt("compound-bool", "let b = true\nb += 1", TE, 2, 3),
    rt("compound-index-type-error", 'let a = [1]\na[0] -= "s"', TE, 2, 6),
    rt("compound-index-zero-div", "let a = [[4]]\na[0][0] //= 0", ZD, 2, 9),
    rt(
        "compound-index-reads-before-value",
        TRACERS + "let a = [1]\na[i() + 5] += v()",
        IE,
        14,
        2,
        "i",
    ),
    ok(
        "compound-reads-before-value",
        "let x = 1\nfn f() {\n  x = 10\n  return 1\n}\nx += f()\nprint(x)",
        "2",
    ),
    ok(
        "compound-index-reads-before-value-ok",
        "let a = [1]\nfn f() {\n  a[0] = 100\n  return 1\n}\na[0] += f()\nprint(a)",
        "[2]",
    ),
    ce("compound-undeclared", "y += 1", NE, 1, 1),
    # ---------------------------------------------------------------- len / str / type
    ok(
        "len",
        'print(len("héllo"), len(""), len([1, [2, 3]]), len([]), len(range(4)))',
        "5 0 2 0 4",
    ),
    rt("len-int", "print(len(5))", TE, 1, 7),
    rt("len-no-args", "print(len())", TE, 1, 7),
    rt("len-two-args", 'print(len("a", "b"))', TE, 1, 7),
    rt("len-null", "print(len(null))", TE, 1, 7),
    rt(
        "len-args-evaluated-first",
        'fn f() {\n  print("arg")\n  return 1\n}\nprint(len(f()))',
        TE,
        5,
        7,
        "arg",
    ),
    rt("builtin-count-is-runtime", 'print("before")\nprint(len())', TE, 2, 7, "before"),
    rt("str-no-args", "str()", TE, 1, 1),
    rt("str-two-args", "str(1, 2)", TE, 1, 1),
    ok(
        "type-all",
        'print(type(1), type(1.0), type("s"), type(true), type(null), type([]), type(range(2)), '
        "type(2 ** 100), type(1 / 1))",
        "int float str bool null list list int float",
    ),
    rt("type-no-args", "print(type())", TE, 1, 7),
    rt("type-two-args", "print(type(1, 2))", TE, 1, 7),
    # ---------------------------------------------------------------- int()
    ok(
        "int-from-numbers",
        "print(int(3.9), int(-3.9), int(-0.5), int(7), int(1e20), int(2.5e-10))",
        "3 -3 0 7 100000000000000000000 0",
    ),
    ok("int-from-big-float", "print(int(1e300))", str(int(1e300))),
    ok(
        "int-from-str",
        r'print(int("42"), int("  -7 "), int("+7"), int("007"), int("\t5\n"), int("\r-0 "))',
        "42 -7 7 7 5 0",
    ),
    rt("int-str-underscore", 'print(int("1_000"))', VE, 1, 7),
    rt("int-str-decimal", 'print(int("1.5"))', VE, 1, 7),
    rt("int-str-empty", 'print(int(""))', VE, 1, 7),
    rt("int-str-blank", 'print(int("  "))', VE, 1, 7),
    rt("int-str-sign-only", 'print(int("-"))', VE, 1, 7),
    rt("int-str-space-after-sign", 'print(int("- 5"))', VE, 1, 7),
    rt("int-str-inner-space", 'print(int("5 5"))', VE, 1, 7),
    rt("int-str-hex", 'print(int("0x10"))', VE, 1, 7),
    rt("int-str-fullwidth-digits", 'print(int("\uff11\uff12"))', VE, 1, 7),
    rt("int-str-arabic-indic-digit", 'print(int("٣"))', VE, 1, 7),
    rt("int-str-non-ascii-space", 'print(int("\u00a012"))', VE, 1, 7),
    rt("int-inf", 'print(int(float("inf")))', VE, 1, 7),
    rt("int-nan", 'print(int(float("nan")))', VE, 1, 7),
    rt("int-bool", "print(int(true))", TE, 1, 7),
    rt("int-null", "print(int(null))", TE, 1, 7),
    rt("int-list", "print(int([1]))", TE, 1, 7),
    rt("int-no-args", "print(int())", TE, 1, 7),
    # ---------------------------------------------------------------- float()
    ok(
        "float-conversions",
        'print(float(1), float(-2), float(2.5), float("1.5"), float(" -1.5e3 "), float("1e500"))',
        "1.0 -2.0 2.5 1.5 -1500.0 inf",
    ),
    ok(
        "float-special-strings",
        'print(float("inf"), float("-inf"), float("nan"), float("Infinity"), float("-NaN"), '
        'float("INF"))',
        "inf -inf nan inf nan inf",
    ),
    ok(
        "float-host-string-forms",
        'print(float("1."), float(".5"), float("1_000.5"), float("1E2"))',
        "1.0 0.5 1000.5 100.0",
    ),
    ok(
        "float-of-bigint-rounds",
        "print(float(2 ** 53 + 1), float(10 ** 308))",
        "9007199254740992.0 1e+308",
    ),
    rt("float-bad-str", 'print(float("abc"))', VE, 1, 7),
    rt("float-empty-str", 'print(float(""))', VE, 1, 7),
    rt("float-hex-str", 'print(float("0x1p3"))', VE, 1, 7),
    rt("float-bool", "print(float(false))", TE, 1, 7),
    rt("float-null", "print(float(null))", TE, 1, 7),
    rt("float-list", "print(float([1.5]))", TE, 1, 7),
    # ---------------------------------------------------------------- abs / sqrt / floor
    ok(
        "abs",
        "print(abs(-3), abs(3), abs(-2.5), abs(-0.0), abs(-(10 ** 30)))",
        "3 3 2.5 0.0 1000000000000000000000000000000",
    ),
    rt("abs-bool", "print(abs(true))", TE, 1, 7),
    rt("abs-str", 'print(abs("-1"))', TE, 1, 7),
    rt("abs-two-args", "print(abs(1, 2))", TE, 1, 7),
    ok(
        "sqrt",
        "print(sqrt(16), sqrt(2), sqrt(0), sqrt(-0.0), sqrt(2 ** 100), sqrt(0.25))",
        "4.0 1.4142135623730951 0.0 -0.0 1125899906842624.0 0.5",
    ),
    ok("sqrt-inf-nan", 'print(sqrt(float("inf")), sqrt(float("nan")))', "inf nan"),
    rt("sqrt-negative", "print(sqrt(-1))", VE, 1, 7),
    rt("sqrt-negative-float", "print(sqrt(-0.5))", VE, 1, 7),
    rt("sqrt-str", 'print(sqrt("4"))', TE, 1, 7),
    rt("sqrt-bool", "print(sqrt(true))", TE, 1, 7),
    rt("sqrt-bigint", "print(sqrt(10 ** 400))", VE, 1, 7),
    rt("sqrt-no-args", "sqrt()", TE, 1, 1),
    ok(
        "floor",
        "print(floor(2.7), floor(-2.5), floor(5), floor(-0.0), floor(1e20), floor(-0.5))",
        "2 -3 5 0 100000000000000000000 -1",
    ),
    ok(
        "floor-gives-int",
        "print(type(floor(2.5)), type(floor(3)), floor(10 ** 30) == 10 ** 30)",
        "int int true",
    ),
    rt("floor-inf", 'print(floor(float("inf")))', VE, 1, 7),
    rt("floor-nan", 'print(floor(float("nan")))', VE, 1, 7),
    rt("floor-str", 'print(floor("1"))', TE, 1, 7),
    rt("floor-bool", "print(floor(false))", TE, 1, 7),
    rt("floor-two-args", "print(floor(1, 2))", TE, 1, 7),
    # ---------------------------------------------------------------- min / max
    ok(
        "min-max-args",
        "print(min(3, 1, 2), max(3, 1, 2), min(2, 1.5), max(1, 2.5, 2))",
        "1 3 1.5 2.5",
    ),
    ok(
        "min-max-one-list",
        "print(min([4, 9, 2]), max([4, 9, 2]), min([7]), max([[1, 2], [1, 3]]))",
        "2 9 7 [1, 3]",
    ),
    ok(
        "min-max-keep-first-of-equals",
        "print(max(1, 1.0), max(1.0, 1), min(1, 1.0), min(1.0, 1))",
        "1 1.0 1 1.0",
    ),
    ok("min-max-strings", 'print(min("b", "a", "c"), max(["b", "a", "c"]))', "a c"),
    ok(
        "min-max-nan-scan",
        'let n = float("nan")\nprint(max(n, 1), max(1, n), min(n, 1), min(1, n))',
        "nan 1 nan 1",
    ),
    ok("min-two-list-args", "print(min([3], [1, 2]))", "[1, 2]"),
    ok("min-max-single-element-no-compare", "print(min([true]), max([null]))", "true null"),
    rt("min-empty-list", "print(min([]))", VE, 1, 7),
    rt("max-empty-list", "print(max([]))", VE, 1, 7),
    rt("min-single-int", "print(min(5))", TE, 1, 7),
    rt("min-single-str", 'print(min("ab"))', TE, 1, 7),
    rt("max-no-args", "print(max())", TE, 1, 7),
    rt("max-incomparable", 'print(max(1, "a"))', TE, 1, 7),
    rt("min-incomparable-late", 'print(min(1, 2, "x"))', TE, 1, 7),
    rt("min-bools", "print(min(true, false))", TE, 1, 7),
    rt("max-list-incomparable", "print(max([1, null]))", TE, 1, 7),
    rt("min-list-and-int", "print(min([1, 2], 3))", TE, 1, 7),
    # ---------------------------------------------------------------- push / pop / range
    ok(
        "push-pop",
        "let a = []\nprint(push(a, 1), a)\npush(a, [2])\nprint(pop(a), pop(a), a)",
        "null [1]",
        "[2] 1 []",
    ),
    rt("pop-empty", 'let a = [1]\npop(a)\nprint("once")\npop(a)', IE, 4, 1, "once"),
    rt("push-not-list", "push(1, 2)", TE, 1, 1),
    rt("push-str", 'push("ab", "c")', TE, 1, 1),
    rt("push-one-arg", "let a = []\npush(a)", TE, 2, 1),
    rt("pop-str", 'pop("ab")', TE, 1, 1),
    rt("pop-two-args", "pop([1], 0)", TE, 1, 1),
    ok(
        "range-values",
        "print(range(5), range(2, 5), range(0, 10, 3), range(5, 0, -2), range(5, 0), range(-3))",
        "[0, 1, 2, 3, 4] [2, 3, 4] [0, 3, 6, 9] [5, 3, 1] [] []",
    ),
    ok("range-is-a-list", "let r = range(3)\npush(r, 9)\nprint(r, type(r))", "[0, 1, 2, 9] list"),
    ok(
        "range-bigints",
        "print(range(10 ** 20, 10 ** 20 + 2))",
        "[100000000000000000000, 100000000000000000001]",
    ),
    rt("range-step-zero", "print(range(1, 5, 0))", VE, 1, 7),
    rt("range-step-zero-in-for", "for i in range(3, 0, 0) {\n  print(i)\n}", VE, 1, 10),
    rt("range-float", "print(range(2.0))", TE, 1, 7),
    rt("range-bool", "print(range(true))", TE, 1, 7),
    rt("range-str", 'print(range("3"))', TE, 1, 7),
    rt("range-no-args", "print(range())", TE, 1, 7),
    rt("range-four-args", "print(range(1, 2, 3, 4))", TE, 1, 7),
    # ---------------------------------------------------------------- for
    ok("for-list", "for x in [1, 2, 3] {\n  print(x)\n}", "1", "2", "3"),
    ok(
        "for-visits-pushed",
        "let a = [1, 2]\nfor x in a {\n  if x < 4 { push(a, x + 2) }\n  print(x)\n}",
        "1",
        "2",
        "3",
        "4",
        "5",
    ),
    ok(
        "for-stops-at-current-length",
        "let a = [1, 2, 3, 4]\nfor x in a {\n  print(x)\n  pop(a)\n}",
        "1",
        "2",
    ),
    ok(
        "for-sees-element-writes",
        "let a = [1, 2, 3]\nfor x in a {\n  a[2] = 9\n  print(x)\n}",
        "1",
        "2",
        "9",
    ),
    ok(
        "for-list-evaluated-once",
        "let a = [1, 2]\nfor x in a {\n  a = [7, 8, 9]\n  print(x)\n}",
        "1",
        "2",
    ),
    ok("for-str", 'for c in "hé!" {\n  print(c)\n}', "h", "é", "!"),
    ok(
        "for-str-evaluated-once",
        'let s = "ab"\nfor c in s {\n  s += "x"\n  print(c)\n}\nprint(s)',
        "a",
        "b",
        "abxx",
    ),
    ok("for-range-assign-loop-var", "for i in range(3) {\n  print(i)\n  i = 10\n}", "0", "1", "2"),
    ok(
        "for-range-compound-loop-var", "for i in range(3) {\n  i += 5\n  print(i)\n}", "5", "6", "7"
    ),
    ok(
        "for-range-args-once",
        "let n = 3\nfor i in range(n) {\n  n = 0\n  print(i)\n}",
        "0",
        "1",
        "2",
    ),
    ok(
        "for-range-call-once",
        'fn n() {\n  print("n")\n  return 3\n}\nfor i in range(n()) {\n  print(i)\n}',
        "n",
        "0",
        "1",
        "2",
    ),
    ok("for-range-negative-step", "for i in range(3, -3, -2) {\n  print(i)\n}", "3", "1", "-1"),
    ok("for-range-step", "for i in range(0, 10, 4) {\n  print(i)\n}", "0", "4", "8"),
    ok("for-range-empty", 'for i in range(5, 5) {\n  print(i)\n}\nprint("done")', "done"),
    ok("for-list-assign-loop-var", "for x in [1, 2] {\n  x = x * 10\n  print(x)\n}", "10", "20"),
    ok("for-empty-list", 'for x in [] {\n  print(x)\n}\nprint("done")', "done"),
    rt("for-over-int", "for x in 5 {\n}", TE, 1, 7),
    rt("for-over-null", 'print("a")\nfor x in null {\n}', TE, 2, 7, "a"),
    rt("for-over-bool", "for x in true {\n}", TE, 1, 7),
    rt("for-over-float", "for item in 1.5 {\n}", TE, 1, 10),
    rt("for-error-midway", "for x in [1, 0, 2] {\n  print(10 / x)\n}", ZD, 2, 12, "10.0"),
    # ---------------------------------------------------------------- while / break / continue
    ok("while-basic", "let n = 3\nwhile n {\n  print(n)\n  n -= 1\n}", "3", "2", "1"),
    ok(
        "while-break-continue",
        "let i = 0\nwhile true {\n  i += 1\n  if i % 2 == 0 { continue }\n  if i > 7 { break }\n"
        "  print(i)\n}",
        "1",
        "3",
        "5",
        "7",
    ),
    ok("while-false", 'while false { print("no") }\nprint("done")', "done"),
    ok(
        "nested-break-inner-only",
        "for i in range(3) {\n  for j in range(3) {\n    if j == 1 { break }\n"
        "    print(i, j)\n  }\n}",
        "0 0",
        "1 0",
        "2 0",
    ),
    ok(
        "continue-in-for",
        "for i in range(5) {\n  if i == 2 { continue }\n  print(i)\n}",
        "0",
        "1",
        "3",
        "4",
    ),
    ok(
        "truthiness",
        'for v in [0, 0.0, -0.0, "", [], null, false, 1, "0", [0], float("nan"), -1] {\n'
        '  if v { print("T") } else { print("F") }\n}',
        *"FFFFFFFTTTTT",
    ),
    # ---------------------------------------------------------------- functions
    ok("fn-basic", 'fn add(a, b) {\n  return a + b\n}\nprint(add(1, 2), add("x", "y"))', "3 xy"),
    ok(
        "fn-recursion",
        "fn fib(n) {\n  if n < 2 { return n }\n  return fib(n - 1) + fib(n - 2)\n}\nprint(fib(15))",
        "610",
    ),
    ok(
        "fn-recursion-bigint",
        "fn fact(n) {\n  if n <= 1 { return 1 }\n  return n * fact(n - 1)\n}\nprint(fact(30))",
        "265252859812191058636308480000000",
    ),
    ok("fn-hoisting", "print(triple(2))\nfn triple(x) {\n  return x * 3\n}", "6"),
    ok(
        "fn-mutual-recursion",
        "fn is_even(n) {\n  if n == 0 { return true }\n  return is_odd(n - 1)\n}\n"
        "fn is_odd(n) {\n  if n == 0 { return false }\n  return is_even(n - 1)\n}\n"
        "print(is_even(10), is_odd(7), is_even(3))",
        "true true false",
    ),
    ok("fn-implicit-null", "fn f() {\n}\nfn g() {\n  return\n}\nprint(f(), g())", "null null"),
    ok(
        "fn-return-from-loop",
        "fn first_neg(xs) {\n  for x in xs {\n    if x < 0 { return x }\n  }\n  return null\n}\n"
        "print(first_neg([3, -2, -5]), first_neg([1]))",
        "-2 null",
    ),
    ok(
        "fn-list-by-reference",
        "fn add_one(l) {\n  push(l, 1)\n}\nlet a = []\nadd_one(a)\nadd_one(a)\nprint(a)",
        "[1, 1]",
    ),
    ok(
        "fn-uses-globals",
        "let g = 1\nfn bump() {\n  g += 10\n  return g\n}\nprint(bump(), bump(), g)",
        "11 21 21",
    ),
    ok(
        "fn-param-rebinding-local",
        "fn f(x) {\n  x = 5\n  return x\n}\nlet y = 1\nprint(f(y), y)",
        "5 1",
    ),
    ok("namespaces-len", "let len = 3\nprint(len, len([1]))", "3 1"),
    ok("namespaces-fn-and-var", "let f = 1\nfn f() {\n  return 2\n}\nprint(f, f())", "1 2"),
    ok("param-named-like-builtin", "fn g(len) {\n  return len + len([1, 2])\n}\nprint(g(1))", "3"),
    ok("param-named-like-fn", "fn f(f) {\n  return f * 2\n}\nprint(f(4))", "8"),
    ok("type-names-are-not-keywords", "let int = 5\nlet list = [int]\nprint(int, list)", "5 [5]"),
    ok("fn-uncalled-runtime-error", 'fn f() {\n  return 1 / 0\n}\nprint("ok")', "ok"),
    ok(
        "evaluation-left-to-right",
        'fn a() {\n  print("a")\n  return 1\n}\nfn b() {\n  print("b")\n  return 2\n}\n'
        "print(a() - b(), [b(), a()])",
        "a",
        "b",
        "b",
        "a",
        "-1 [2, 1]",
    ),
    rt("args-evaluated-before-print", 'print("a")\nprint(1, 2 / 0)', ZD, 2, 12, "a"),
    ok(
        "fresh-list-per-evaluation",
        "fn mk() {\n  return []\n}\nlet a = mk()\nlet b = mk()\npush(a, 1)\nprint(a, b)",
        "[1] []",
    ),
    ok(
        "fresh-list-per-iteration",
        "let out = []\nfor i in range(3) {\n  let l = []\n  push(l, i)\n  push(out, l)\n}\n"
        "print(out)",
        "[[0], [1], [2]]",
    ),
    ok(
        "fresh-state-per-run",
        "let log = []\nfn note(x) {\n  push(log, x)\n  return len(log)\n}\nprint(note(1), note(2))",
        "1 2",
    ),
    # ---------------------------------------------------------------- globals at run time
    rt("global-read-before-let", "print(g)\nlet g = 1", NE, 1, 7),
    rt("global-assign-before-let", "g = 5\nlet g = 1", NE, 1, 1),
    rt(
        "global-read-in-fn-before-let",
        'fn f() {\n  return g\n}\nprint("start")\nprint(f())\nlet g = 1',
        NE,
        2,
        10,
        "start",
        stack=(("<main>", 5, 7), ("f", 2, 10)),
    ),
    rt("global-assign-in-fn-before-let", "fn f() {\n  g = 1\n}\nf()\nlet g = 0", NE, 2, 3),
    ok("global-in-fn-after-let", "fn f() {\n  return g\n}\nlet g = 1\nprint(f())", "1"),
    rt("global-let-reads-itself", "let x = x", NE, 1, 9),
    # ---------------------------------------------------------------- scopes
    ok(
        "scope-let-sees-outer",
        "let x = 1\nif true {\n  let x = x + 1\n  print(x)\n}\nprint(x)",
        "2",
        "1",
    ),
    ok(
        "scope-fn-let-sees-global",
        "let x = 10\nfn f() {\n  let x = x * 2\n  return x\n}\nprint(f(), x)",
        "20 10",
    ),
    ok(
        "scope-shadow-nested",
        "let a = 1\nif true {\n  let a = 2\n  if true {\n    let a = 3\n    print(a)\n  }\n"
        "  print(a)\n}\nprint(a)",
        "3",
        "2",
        "1",
    ),
    ok(
        "scope-local-starts-after-let",
        "let y = 5\nif true {\n  print(y)\n  let y = 1\n  print(y)\n}",
        "5",
        "1",
    ),
    ok("scope-for-var-shadows", "let x = 1\nfor x in [2] {\n  print(x)\n}\nprint(x)", "2", "1"),
    ok(
        "scope-for-body-let-same-name",
        "for i in range(2) {\n  let i = i * 10\n  print(i)\n}",
        "0",
        "10",
    ),
    ok(
        "scope-param-shadowed-in-block",
        "fn f(a) {\n  if true {\n    let a = 2\n    print(a)\n  }\n  print(a)\n}\nf(1)",
        "2",
        "1",
    ),
    ok(
        "scope-let-in-loop-each-iteration",
        "let i = 0\nwhile i < 2 {\n  let j = i + 100\n  print(j)\n  i += 1\n}",
        "100",
        "101",
    ),
    ce("scope-local-used-before-let", "if true {\n  print(y)\n  let y = 1\n}", NE, 2, 9),
    ce("scope-block-local-gone", "if true {\n  let z = 1\n}\nprint(z)", NE, 4, 7),
    ce("scope-for-var-gone", "for x in [1] {\n}\nprint(x)", NE, 3, 7),
    # ---------------------------------------------------------------- type annotations
    rt("ann-let-mismatch", 'let x: int = "a"', TE, 1, 12),
    ok("ann-let-float-from-int", "let x: float = 1\nprint(x, type(x))", "1.0 float"),
    rt("ann-let-float-bool", "let x: float = true", TE, 1, 14),
    rt("ann-let-int-float", "let x: int = 2.0", TE, 1, 12),
    rt("ann-let-str-null", "let s: str = null", TE, 1, 12),
    rt("ann-let-bool-int", "let b: bool = 0", TE, 1, 13),
    rt("ann-let-list-str", 'let l: list = "abc"', TE, 1, 13),
    ok(
        "ann-let-all-kinds",
        'let a: int = 1\nlet b: float = 2.5\nlet c: str = "s"\nlet d: bool = false\n'
        "let e: list = []\nlet f: any = null\nprint(a, b, c, d, e, f)",
        "1 2.5 s false [] null",
    ),
    rt("ann-assign-mismatch", 'let x: str = "a"\nx = 1', TE, 2, 3),
    ok("ann-assign-float-converts", "let x: float = 0.5\nx = 2\nprint(x, type(x))", "2.0 float"),
    ok("ann-compound-float", "let x: float = 1\nx += 1\nprint(x)", "2.0"),
    rt("ann-compound-int-div", "let x: int = 5\nx /= 2", TE, 2, 3),
    ok("ann-any", 'let x: any = 1\nx = "s"\nx = [x]\nprint(x)', '["s"]'),
    ok("unannotated-any-kind", 'let x = 1\nx = "s"\nprint(x)', "s"),
    ok("ann-list-elements-unchecked", 'let l: list = [1]\nl[0] = "s"\nprint(l)', '["s"]'),
    rt(
        "ann-param-mismatch",
        'fn f(x: int) {\n  return x\n}\nprint(f("a"))',
        TE,
        1,
        6,
        stack=(("<main>", 4, 7), ("f", 1, 6)),
    ),
    ok(
        "ann-param-float-converts",
        "fn f(x: float) {\n  return x\n}\nprint(f(2), f(2.5))",
        "2.0 2.5",
    ),
    rt("ann-param-second", "fn f(a: int, b: str) {\n}\nf(1, 2)", TE, 1, 14),
    rt("ann-param-assign", 'fn f(x: int) {\n  x = "s"\n}\nf(1)', TE, 2, 5),
    rt(
        "ann-return-mismatch",
        'fn f() -> int {\n  print("in")\n  return "a"\n}\nf()',
        TE,
        3,
        3,
        "in",
        stack=(("<main>", 5, 1), ("f", 3, 3)),
    ),
    rt("ann-return-implicit-null", "fn f() -> int {\n  let a = 1\n}\nf()", TE, 3, 1),
    rt("ann-return-implicit-null-one-line", "fn f() -> list {}\nf()", TE, 1, 17),
    rt("ann-return-bare", "fn f() -> str {\n  return\n}\nf()", TE, 2, 3),
    ok(
        "ann-return-float-converts",
        "fn f() -> float {\n  return 3\n}\nprint(f(), type(f()))",
        "3.0 float",
    ),
    ok("ann-return-any-null", "fn f() -> any {\n}\nprint(f())", "null"),
    rt("ann-global-assigned-in-fn", "let g: int = 0\nfn f() {\n  g = 1.5\n}\nf()", TE, 3, 5),
    # ---------------------------------------------------------------- compile-time names
    ce("name-unknown", 'print("hi")\nprint(zz)', NE, 2, 7),
    ce("name-unknown-fn", "foo(1)", NE, 1, 1),
    ce("name-var-called", "let f = 1\nf(2)", NE, 2, 1),
    ce("name-fn-as-value", "fn f() {\n}\nprint(f)", NE, 3, 7),
    ce("name-builtin-as-value", "print(len)", NE, 1, 7),
    ce("name-in-uncalled-fn", "fn f() {\n  return zz\n}", NE, 2, 10),
    ce("name-assign-undeclared", "zz = 1", NE, 1, 1),
    ce("redeclare-global", "let a = 1\nlet a = 2", SE, 2, 5),
    ce("redeclare-in-block", "if true {\n  let b = 1\n  let b = 2\n}", SE, 3, 7),
    ce("redeclare-param", "fn f(a) {\n  let a = 1\n}", SE, 2, 7),
    ce("duplicate-params", "fn f(a, b, a) {\n}", SE, 1, 12),
    ce("fn-named-like-builtin", "fn len(x) {\n  return 1\n}", SE, 1, 4),
    ce("fn-named-print", "fn print() {\n}", SE, 1, 4),
    ce("fn-declared-twice", "fn f() {\n}\nfn f() {\n}", SE, 3, 4),
    ce("fn-wrong-arg-count", "fn f(a) {\n  return a\n}\nprint(f(1, 2))", SE, 4, 7),
    ce("fn-wrong-arg-count-before-decl", "f()\nfn f(a) {\n}", SE, 1, 1),
    ce("break-outside-loop", "break", SE, 1, 1),
    ce("continue-in-if", "if true {\n  continue\n}", SE, 2, 3),
    ce("break-in-fn", "fn f() {\n  break\n}", SE, 2, 3),
    ce("return-at-top", "return 1", SE, 1, 1),
    ce("return-in-top-level-loop", "for i in [1] { return }", SE, 1, 16),
    ce("break-after-loop", "for x in [1] { break }\nbreak", SE, 2, 1),
    # ---------------------------------------------------------------- grammar
    ce("bad-type-name", "fn f(x: number) {\n}", SE, 1, 9),
    ce("null-is-not-a-type", "let x: null = null", SE, 1, 8),
    ce("keyword-as-name", "let if = 1", SE, 1, 5),
    ce("let-without-name", "let = 5", SE, 1, 5),
    ce("assign-to-literal", "1 = 2", SE, 1, 3),
    ce("assign-to-call", "fn f() {\n}\nf() = 1", SE, 3, 5),
    ce("trailing-comma-call", "print(1,)", SE, 1, 9),
    ce("trailing-comma-list", "print([1, 2,])", SE, 1, 13),
    ce("call-parenthesised-name", "fn f(x) {\n  return x\n}\nprint((f)(1))", SE, 4, 10),
    ce("call-call-result", "fn f(x) {\n  return x\n}\nprint(f(1)(2))", SE, 4, 11),
    ce("call-index-result", "let a = [1]\na[0](1)", SE, 2, 5),
    ce("if-block-then-statement", "let c = 1\nlet a = 2\nlet b = 3\nif c { a } b", SE, 4, 12),
    ce("while-block-then-statement", "while false { } print(1)", SE, 1, 17),
    ce("fn-block-then-statement", "fn f() { } f()", SE, 1, 12),
    ce("two-statements-one-line", "print(1) print(2)", SE, 1, 10),
    ce("newline-ends-expression", "let a = 1\n+ 2", SE, 2, 1),
    ok("newline-then-unary-minus-statement", "let a = 1\n- 2\nprint(a)", "1"),
    # ---------------------------------------------------------------- lexical
    ce("unknown-character", "print(1 @ 2)", SE, 1, 9),
    ce("unterminated-string-at-eof", 'print("abc', SE, 1, 11),
    ce("unterminated-string-at-newline", 'print("abc\nprint(1)', SE, 1, 11),
    ce("unterminated-single-quoted", "print(1)\nlet s = 'ab", SE, 2, 12),
    ce("unknown-escape", r'print("a\qb")', SE, 1, 9),
    ce("escaped-newline", 'print("a\\\nb")', SE, 1, 9),
    ce("float-trailing-dot", "print(1.)", SE, 1, 8),
    ce("float-leading-dot", "print(.5)", SE, 1, 7),
    ce("float-bare-exponent", "print(1e)", SE, 1, 8),
    ce("non-ascii-identifier", "let é = 1", SE, 1, 5),
    # ---------------------------------------------------------------- which error wins
    ce("lexical-error-wins", 'print(zz)\nprint("abc', SE, 2, 11),
    ce("lexical-error-wins-over-break", "break\nprint(1 @ 2)", SE, 2, 9),
    ce("grammar-error-wins", "print(zz)\nbreak\nprint(1 2)", SE, 3, 9),
    ce("grammar-error-in-fn-wins", "print(zz)\nfn f() {\n  return (1\n}", SE, 4, 1),
    ce("first-in-order-name", "print(yy)\nbreak", NE, 1, 7),
    ce("first-in-order-break", "break\nprint(yy)", SE, 1, 1),
    ce("first-in-order-redeclare", "let a = 1\nlet a = 2\nprint(zz)", SE, 2, 5),
    ce("first-in-order-fn-body", "fn f() {\n  return zz\n}\nlet a = 1\nlet a = 2", NE, 2, 10),
    ce("first-in-order-fn-body-later", "let a = 1\nlet a = 2\nfn f() {\n  return zz\n}", SE, 2, 5),
    ce("first-in-order-name-then-arity", "print(q)\nf(1)\nfn f() {\n}", NE, 1, 7),
    ce("first-in-order-arity-then-name", "f(1)\nprint(q)\nfn f() {\n}", SE, 1, 1),
    ce("first-in-order-name-then-dup-fn", "print(q)\nfn f() {\n}\nfn f() {\n}", NE, 1, 7),
    # ---------------------------------------------------------------- positions and layout
    ce("col-tab-is-one", "\tprint(zz)", NE, 1, 8),
    ce("col-counts-code-points", 'print("héllo", zz)', NE, 1, 16),
    ce("crlf-line-numbers", "print(1)\r\nprint(zz)\r\n", NE, 2, 7),
    ce("comment-lines-counted", "print(1) # fine\n# also fine\n  zz", NE, 3, 3),
    ok("crlf-runs", "let a = 1\r\nprint(a)\r\n", "1"),
    ok("bom-ignored", "\ufeffprint(1)", "1"),
    ok("semicolons-and-empty-statements", ";;print(1);;;print(2);", "1", "2"),
    ok("statement-ends-before-brace", "if true { print(1); print(2) }", "1", "2"),
    ok("newlines-inside-parens", "print(1,\n  2,\n  3 +\n  4)", "1 2 7"),
    ok("newlines-inside-brackets", "let a = [\n  1,\n  [2,\n   3]\n]\nprint(a)", "[1, [2, 3]]"),
    ok("newlines-inside-index", "let a = [5, 6]\nprint(a[\n1\n])", "6"),
    ok(
        "else-after-blank-lines-and-comments",
        "if false {\n  print(1)\n}\n\n# comment\n\nelif true {\n  print(2)\n}\n# another\n\n"
        "else {\n  print(3)\n}",
        "2",
    ),
    ok(
        "else-in-fn-after-comment",
        'fn f(x) {\n  if x {\n    return "yes"\n  }\n  # otherwise\n'
        '  else {\n    return "no"\n  }\n}\n'
        "print(f(1), f(0))",
        "yes no",
    ),
    ok(
        "elif-chain-one-line",
        'fn sign(n) {\n  if n < 0 { return "neg" } elif n == 0 { return "zero" }'
        ' else { return "pos" }\n}\n'
        "print(sign(-3), sign(0), sign(9))",
        "neg zero pos",
    ),
    ok("else-same-line", "if 0 { print(1) } else { print(2) }", "2"),
    ok("comments-and-blank-lines", "# a\n\n   # b\nprint(1) # c\n", "1"),
    ok("empty-program", ""),
    ok("only-a-comment", "# nothing here\n"),
    ok("compact-block", "if true {print(1)}", "1"),
    # ---------------------------------------------------------------- runtime stacks
    rt(
        "stack-order",
        'fn a() {\n  return b()\n}\nfn b() {\n  return 1 / 0\n}\nprint("x")\na()',
        ZD,
        5,
        12,
        "x",
        stack=(("<main>", 8, 1), ("a", 2, 10), ("b", 5, 12)),
    ),
    rt(
        "stack-deep",
        "fn r(n) {\n  if n == 0 { return [][0] }\n  return r(n - 1)\n}\nr(25)",
        IE,
        2,
        24,
        stack=(("<main>", 5, 1), *[("r", 3, 10)] * 25, ("r", 2, 24)),
    ),
    rt(
        "stack-builtin-in-fn",
        "fn f(x) {\n  return len(x)\n}\nprint(f([1]))\nprint(f(2))",
        TE,
        2,
        10,
        "1",
        stack=(("<main>", 5, 7), ("f", 2, 10)),
    ),
    rt("stack-top-level-only", "let a = 1\na = a / 0", ZD, 2, 7, stack=(("<main>", 2, 7),)),
    # ---------------------------------------------------------------- limits
    ok("depth-at-limit", COUNTDOWN + "print(r(49))", "0", limits={"max_depth": 50}),
    rt("depth-over-limit", COUNTDOWN + "print(r(50))", RE, 3, 10, limits={"max_depth": 50}),
    ok("depth-one", "fn f() {\n  return 1\n}\nprint(f())", "1", limits={"max_depth": 1}),
    rt(
        "depth-one-nested",
        "fn f() {\n  return 1\n}\nfn g() {\n  return f()\n}\nprint(g())",
        RE,
        5,
        10,
        stack=(("<main>", 7, 7), ("g", 5, 10)),
        limits={"max_depth": 1},
    ),
    rt(
        "depth-infinite",
        'fn f() {\n  return f()\n}\nprint("go")\nf()',
        RE,
        2,
        10,
        "go",
        limits={"max_depth": 200},
    ),
    ok(
        "length-print-not-limited",
        "let a = [1, 2, 3, 4, 5]\nprint(a, a)",
        "[1, 2, 3, 4, 5] [1, 2, 3, 4, 5]",
        limits={"max_length": 5},
    ),
    ok(
        "length-at-limit",
        'let a = [1, 2, 3, 4]\npush(a, 5)\nprint(a, "ab" + "cde", range(5), str(12345))',
        "[1, 2, 3, 4, 5] abcde [0, 1, 2, 3, 4] 12345",
        limits={"max_length": 5},
    ),
    rt("length-push", "let a = [1, 2, 3, 4, 5]\npush(a, 6)", LE, 2, 1, limits={"max_length": 5}),
    rt("length-plus-list", "print([1, 2, 3] + [4, 5, 6])", LE, 1, 17, limits={"max_length": 5}),
    rt("length-plus-str", 'print("abc" + "def")', LE, 1, 13, limits={"max_length": 5}),
    rt("length-range-value", "let r = range(6)", LE, 1, 9, limits={"max_length": 5}),
    rt("length-str-call", "print(str(123456))", LE, 1, 7, limits={"max_length": 5}),
    rt("length-str-of-list", "print(str([1, 2]))", LE, 1, 7, limits={"max_length": 5}),
    rt("length-compound", "let a = [1, 2, 3]\na += [4, 5, 6]", LE, 2, 3, limits={"max_length": 5}),
    ok(
        "length-range-loop-no-list",
        "let n = 0\nfor i in range(100) {\n  n += i\n}\nprint(n)",
        "4950",
        limits={"max_length": 5},
    ),
    rt("int-bits-power-fails-fast", "print(2 ** 10 ** 9)", LE, 1, 9),
    ok("int-bits-at-default-limit", "let x = 2 ** 99999\nprint(x > 0, x % 1000)", "true 688"),
    rt("int-bits-over-default-limit", "let x = 2 ** 100000", LE, 1, 11),
    ok(
        "int-host-str-limit-lifted",
        'print(len(str(2 ** 20000)))\nlet s = ""\nfor i in range(5000) {\n  s += "7"\n}\n'
        "print(int(s) % 100)",
        "6021",
        "77",
    ),
    ok(
        "int-bits-64-ok",
        "print(2 ** 63, 2 ** 63 + 1, -(2 ** 63) - 1)",
        "9223372036854775808 9223372036854775809 -9223372036854775809",
        limits={"max_int_bits": 64},
    ),
    rt("int-bits-64-pow", "print(2 ** 64)", LE, 1, 9, limits={"max_int_bits": 64}),
    rt("int-bits-64-mul", "print(2 ** 63 * 2)", LE, 1, 15, limits={"max_int_bits": 64}),
    rt("int-bits-64-add", "let a = 2 ** 63\nprint(a + a)", LE, 2, 9, limits={"max_int_bits": 64}),
    rt(
        "int-bits-64-sub",
        "let a = -(2 ** 63)\nprint(a - 2 ** 63)",
        LE,
        2,
        9,
        limits={"max_int_bits": 64},
    ),
    rt("int-bits-64-compound", "let a = 2 ** 63\na *= 2", LE, 2, 3, limits={"max_int_bits": 64}),
    rt(
        "int-bits-64-int-call",
        'print(int("18446744073709551616"))',
        LE,
        1,
        7,
        limits={"max_int_bits": 64},
    ),
    rt("int-bits-64-floor", "print(floor(1e30))", LE, 1, 7, limits={"max_int_bits": 64}),
    ok(
        "steps-budget-not-reached",
        "let s = 0\nfor i in range(10) {\n  s += i\n}\nprint(s)",
        "45",
        limits={"max_steps": 1_000_000},
    ),
    rt("steps-budget-exceeded", "while true {\n}", LE, 1, 1, limits={"max_steps": 1000}),
    # ---------------------------------------------------------------- typed operands
    # Annotations let the compiler specialise; the semantics must not change.
    ok("typed-int-true-division", "let x: int = 5\nprint(x / 2, x // 2, x % 2)", "2.5 2 1"),
    ok("typed-int-floor-signs", "let a: int = 7\nlet b: int = -2\nprint(a // b, a % b)", "-4 -1"),
    ok("typed-float-floor", "let f: float = 1\nprint(f // 2, f % 2, -f // 2)", "0.0 1.0 -1.0"),
    ok("typed-float-negzero-mod", "let z: float = -0.0\nprint(z % 5, z, -z)", "0.0 -0.0 0.0"),
    ok(
        "typed-int-neg-exponent", "let b: int = 2\nlet e: int = -1\nprint(b ** e, b ** -e)", "0.5 2"
    ),
    rt("typed-int-zero-neg-exponent", "let b: int = 0\nlet e: int = -1\nprint(b ** e)", ZD, 3, 9),
    rt("typed-int-floordiv-zero", "let a: int = 1\nlet b: int = 0\nprint(a // b)", ZD, 3, 9),
    rt("typed-float-div-zero", "let a: float = 1\nlet b: float = 0\nprint(a / b)", ZD, 3, 9),
    ok(
        "typed-int-float-compare-exact",
        "let a: int = 2 ** 53 + 1\nlet b: float = 2.0 ** 53\nprint(a == b, a > b, a == 1.0)",
        "false true false",
    ),
    ok(
        "typed-int-vs-float-literal",
        "let a: int = 1\nprint(a == 1.0, a < 1.5, a != 1)",
        "true true false",
    ),
    ok(
        "typed-float-nan",
        'let n: float = float("nan")\nprint(n == n, n < n, n != n)',
        "false false true",
    ),
    rt("typed-bool-plus", "let b: bool = true\nprint(b + 1)", TE, 2, 9),
    rt("typed-str-plus-int", 'let s: str = "a"\ns += 1', TE, 2, 3),
    rt("typed-str-lt-int", 'let s: str = "a"\nprint(s < 1)', TE, 2, 9),
    ok(
        "typed-str-ops",
        'let s: str = "ab"\ns += "c"\nprint(s, s[-1], len(s), s < "b")',
        "abc c 3 true",
    ),
    ok("typed-list-plus", "let l: list = [1]\nl += [2]\nprint(l, l[1])", "[1, 2] 2"),
    rt("typed-float-floordiv-zero", "let x: float = 1\nx //= 0", ZD, 2, 3),
    ok("typed-int-unary", "let i: int = 3\nprint(-i, i ** 2, i / 2, abs(-i))", "-3 9 1.5 3"),
    ok(
        "typed-float-builtins",
        "let f: float = -2.5\nprint(floor(f), int(f), abs(f), sqrt(-f * -f))",
        "-3 -2 2.5 2.5",
    ),
    rt("typed-bigint-to-float", "let a: int = 10 ** 400\nprint(a * 1.0)", VE, 2, 9),
    ok("typed-str-index-by-typed-int", 'let i: int = -1\nprint("abc"[i])', "c"),
    ok(
        "typed-param-float-math",
        "fn h(x: float) -> float {\n  return x / 3\n}\nprint(h(1), h(1.5))",
        "0.3333333333333333 0.5",
    ),
    ok(
        "typed-return-feeds-ops",
        "fn two() -> int {\n  return 2\n}\nprint(two() / two(), two() ** -two(), two() // 4)",
        "1.0 0.25 0",
    ),
    rt(
        "typed-int-bits-compound",
        "let a: int = 2 ** 63\na += a",
        LE,
        2,
        3,
        limits={"max_int_bits": 64},
    ),
    ok(
        "typed-int-bits-exact-ok",
        "let a: int = 2 ** 63\nprint(a + 1)",
        "9223372036854775809",
        limits={"max_int_bits": 64},
    ),
    # ---------------------------------------------------------------- range in for loops
    ok(
        "for-range-bigints",
        "for i in range(10 ** 20, 10 ** 20 + 2) {\n  print(i)\n}",
        "100000000000000000000",
        "100000000000000000001",
    ),
    ok("for-range-down-by-one", "for i in range(0, -3, -1) {\n  print(i)\n}", "0", "-1", "-2"),
    rt("for-range-float-arg", "for i in range(1.5) {\n}", TE, 1, 10),
    rt("for-range-bool-arg", "for i in range(0, true) {\n}", TE, 1, 10),
    rt("for-range-arg-count", "for i in range() {\n}", TE, 1, 10),
    ok(
        "range-variable-and-builtin",
        "let range = 5\nfor i in range(2) {\n  print(i, range)\n}",
        "0 5",
        "1 5",
    ),
    ok("for-over-variable-named-range", "let range = [7]\nfor x in range {\n  print(x)\n}", "7"),
    ok(
        "for-range-break-continue",
        "for i in range(10) {\n  if i == 1 { continue }\n  if i == 3 { break }\n"
        '  print(i)\n}\nprint("end")',
        "0",
        "2",
        "end",
    ),
    ok(
        "for-range-one-arg-from-call",
        "fn n() {\n  return 2\n}\nfor i in range(n() + 1) {\n  print(i)\n}",
        "0",
        "1",
        "2",
    ),
    # ---------------------------------------------------------------- small programs
    ok(
        "program-sieve",
        "fn sieve(n: int) -> list {\n  let is_p = []\n"
        "  for k in range(n + 1) { push(is_p, k >= 2) }\n"
        "  let found = []\n  for k in range(n + 1) {\n    if is_p[k] {\n      push(found, k)\n"
        "      let m = k * k\n      while m <= n { is_p[m] = false; m += k }\n    }\n  }\n"
        "  return found\n}\nprint(sieve(30))",
        "[2, 3, 5, 7, 11, 13, 17, 19, 23, 29]",
    ),
    ok(
        "program-bubble-sort",
        "fn sort(xs) {\n  let n = len(xs)\n  for i in range(n) {\n    for j in range(n - 1 - i) {\n"
        "      if xs[j] > xs[j + 1] {\n        let tmp = xs[j]\n        xs[j] = xs[j + 1]\n"
        "        xs[j + 1] = tmp\n      }\n    }\n  }\n  return xs\n}\n"
        'print(sort([5, 2.5, -1, 9, 0]), sort(["b", "a", "c"]))',
        '[-1, 0, 2.5, 5, 9] ["a", "b", "c"]',
    ),
    ok(
        "program-fizzbuzz",
        'for i in range(1, 16) {\n  if i % 15 == 0 { print("FizzBuzz") }\n'
        '  elif i % 3 == 0 { print("Fizz") }\n  elif i % 5 == 0 { print("Buzz") }\n'
        "  else { print(i) }\n}",
        *["1", "2", "Fizz", "4", "Buzz", "Fizz", "7", "8", "Fizz", "Buzz"],
        *["11", "Fizz", "13", "14", "FizzBuzz"],
    ),
    ok(
        "program-gcd",
        "fn gcd(a: int, b: int) -> int {\n  while b != 0 {\n"
        "    let t = b\n    b = a % b\n    a = t\n  }\n"
        "  return a\n}\nprint(gcd(1071, 462), gcd(2 ** 40, 6 ** 20))",
        "21 1048576",
    ),
    ok(
        "program-string-building",
        'fn join(xs, sep) {\n  let out = ""\n  for x in xs {\n    if out != "" { out += sep }\n'
        '    out += str(x)\n  }\n  return out\n}\nprint(join([1, 2.5, "x", [3]], ", "))',
        "1, 2.5, x, [3]",
    ),
    ok(
        "program-matrix",
        "fn matmul(a, b) {\n  let out = []\n  for i in range(len(a)) {\n    let row = []\n"
        "    for j in range(len(b[0])) {\n      let s = 0\n"
        "      for k in range(len(b)) { s += a[i][k] * b[k][j] }\n      push(row, s)\n    }\n"
        "    push(out, row)\n  }\n  return out\n}\n"
        "print(matmul([[1, 2], [3, 4]], [[5, 6], [7, 8]]))",
        "[[19, 22], [43, 50]]",
    ),
    ok(
        "program-reverse-string",
        'fn rev(s: str) -> str {\n  let out = ""\n  let i = len(s) - 1\n  while i >= 0 {\n'
        '    out += s[i]\n    i -= 1\n  }\n  return out\n}\nprint(rev("héllo"))',
        "olléh",
    ),
    rt(
        "program-error-after-output",
        'let total = 0\nfor x in [1, 2, "3"] {\n  total += x\n  print(total)\n}',
        TE,
        3,
        9,
        "1",
        "3",
    ),
]


def _kinds(err: Any) -> tuple[str, int, int]:
    return (err.kind.value, err.line, err.col)


def _observe(result: Any, case: Case) -> tuple[Any, ...]:
    """What one run did, in the shape of the expectation built by _expect."""
    err = result.error
    if err is None:
        return (result.output, None, result.exit_code, None)
    frames = tuple((e.function, e.span.line, e.span.col) for e in err.stack)
    if case.stack is None:
        # Without a spelled-out stack, still demand the two ends be right:
        # the top level outermost and the failing position innermost.
        frames = (frames[0][0], frames[-1][1:]) if frames else ()
    return (result.output, _kinds(err), result.exit_code, frames)


def _expect(case: Case) -> tuple[Any, ...]:
    if case.error is None:
        return (case.out, None, 0, None)
    stack = case.stack if case.stack is not None else ("<main>", case.error[1:])
    return (case.out, case.error, 1, stack)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_engines_match_table(case: Case, capsys: pytest.CaptureFixture[str]) -> None:
    if case.compile_time:
        with pytest.raises(vmscope.CompileError) as info:
            vmscope.compile_source(case.src, filename="case.vms")
        assert _kinds(info.value) == case.error
        # Nothing ran: no engine got a program, and nothing reached stdout.
        assert capsys.readouterr().out == ""
        return

    program = vmscope.compile_source(case.src, filename="case.vms")
    limits = vmscope.Limits(**case.limits) if case.limits else vmscope.Limits()
    want = _expect(case)
    # The AST interpreter, then the closure VM at every optimisation level.
    variants = [("ast", program), *((f"O{lvl}", program.at_level(lvl)) for lvl in (0, 1, 2))]
    got = {
        f"{name}#{attempt}": _observe(
            variant.run(engine="ast" if name == "ast" else "closure", limits=limits), case
        )
        for name, variant in variants
        for attempt in (1, 2)
    }
    assert got == dict.fromkeys(got, want)
    # Output is captured into the result, never written to the host's stdout.
    assert capsys.readouterr().out == ""


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 250


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
