"""Differential cases: the limits (call depth, length, int size and steps)."""

from __future__ import annotations

from .case import COUNTDOWN, LE, RE, Case, ok, rt

CASES: list[Case] = [
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
]
