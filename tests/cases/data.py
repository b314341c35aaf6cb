"""Differential cases: the display form, indexing and compound assignment
(evaluation order included)."""

from __future__ import annotations

from .case import IE, NE, TE, TRACERS, ZD, Case, ce, ok, rt

CASES: list[Case] = [
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
]
