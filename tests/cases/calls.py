"""Differential cases: functions, calls and returns, and the guest call stack of runtime errors."""

from __future__ import annotations

from .case import IE, TE, ZD, Case, ok, rt

CASES: list[Case] = [
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
]
