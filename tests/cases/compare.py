"""Differential cases: and / or, equality and ordering."""

from __future__ import annotations

from .case import RE, SE, TE, ZD, Case, ce, ok, rt

CASES: list[Case] = [
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
]
