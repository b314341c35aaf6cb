"""Differential cases: type annotations checked at run time, and operands
whose types the compiler knows."""

from __future__ import annotations

from .case import LE, TE, VE, ZD, Case, ok, rt

CASES: list[Case] = [
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
]
