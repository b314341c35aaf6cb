"""Differential cases: small whole programs."""

from __future__ import annotations

from .case import TE, Case, ok, rt

CASES: list[Case] = [
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
