"""Differential cases: globals at run time, block scopes, and names resolved at compile time."""

from __future__ import annotations

from .case import NE, SE, Case, ce, ok, rt

CASES: list[Case] = [
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
]
