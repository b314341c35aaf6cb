"""Differential cases: for (over lists, strs and ranges), while, break and continue."""

from __future__ import annotations

from .case import TE, ZD, Case, ok, rt

CASES: list[Case] = [
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
]
