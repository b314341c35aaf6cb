"""The benchmark programs, each beside a hand-written Python equivalent (the
CPython limit). Embedded so `vmscope bench` works from an install."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Benchmark:
    name: str
    what: str
    source: str
    python: Callable[[], object]


FIB = """
fn fib(n) {
  if n < 2 { return n }
  return fib(n - 1) + fib(n - 2)
}
print(fib(22))
"""


def py_fib() -> object:
    def fib(n: int) -> int:
        if n < 2:
            return n
        return fib(n - 1) + fib(n - 2)

    return fib(22)


LOOP = """
let i = 0
let s = 0
while i < 300000 {
  s += i
  i += 1
}
print(s)
"""


def py_loop() -> object:
    i = 0
    s = 0
    while i < 300000:
        s += i
        i += 1
    return s


STRINGS = """
let out = ""
for i in range(40000) {
  out += str(i % 10)
  if len(out) > 1000 { out = "" }
}
print(len(out))
"""


def py_strings() -> object:
    out = ""
    for i in range(40000):
        out += str(i % 10)
        if len(out) > 1000:
            out = ""
    return len(out)


MANDEL = """
let total = 0
for y in range(30) {
  for x in range(60) {
    let cr = x / 20.0 - 2.0
    let ci = y / 12.0 - 1.25
    let zr = 0.0
    let zi = 0.0
    let k = 0
    while k < 30 and zr * zr + zi * zi < 4.0 {
      let t = zr * zr - zi * zi + cr
      zi = 2.0 * zr * zi + ci
      zr = t
      k += 1
    }
    total += k
  }
}
print(total)
"""


def py_mandel() -> object:
    total = 0
    for y in range(30):
        for x in range(60):
            cr = x / 20.0 - 2.0
            ci = y / 12.0 - 1.25
            zr = 0.0
            zi = 0.0
            k = 0
            while k < 30 and zr * zr + zi * zi < 4.0:
                t = zr * zr - zi * zi + cr
                zi = 2.0 * zr * zi + ci
                zr = t
                k += 1
            total += k
    return total


SIEVE = """
let n = 60000
let flags = []
for i in range(n + 1) { push(flags, true) }
let count = 0
for i in range(2, n + 1) {
  if flags[i] {
    count += 1
    let j = i * i
    while j <= n { flags[j] = false; j += i }
  }
}
print(count)
"""


def py_sieve() -> object:
    n = 60000
    flags = []
    for _ in range(n + 1):
        flags.append(True)
    count = 0
    for i in range(2, n + 1):
        if flags[i]:
            count += 1
            j = i * i
            while j <= n:
                flags[j] = False
                j += i
    return count


SORT = """
fn sort(xs: list) -> list {
  let n = len(xs)
  for i in range(1, n) {
    let v = xs[i]
    let j = i - 1
    while j >= 0 and xs[j] > v {
      xs[j + 1] = xs[j]
      j -= 1
    }
    xs[j + 1] = v
  }
  return xs
}
let xs = []
let seed = 7
for i in range(500) {
  seed = (seed * 1103515245 + 12345) % 2147483648
  push(xs, seed % 1000)
}
let out = sort(xs)
print(out[0], out[499])
"""


def py_sort() -> object:
    def sort(xs: list[int]) -> list[int]:
        n = len(xs)
        for i in range(1, n):
            v = xs[i]
            j = i - 1
            while j >= 0 and xs[j] > v:
                xs[j + 1] = xs[j]
                j -= 1
            xs[j + 1] = v
        return xs

    xs = []
    seed = 7
    for _ in range(500):
        seed = (seed * 1103515245 + 12345) % 2147483648
        xs.append(seed % 1000)
    out = sort(xs)
    return out[0], out[499]


CALLS = """
fn add(a, b) { return a + b }
fn twice(x) { return add(x, x) }
let acc = 0
for i in range(60000) { acc = add(acc, twice(i) % 7) }
print(acc)
"""


def py_calls() -> object:
    def add(a: int, b: int) -> int:
        return a + b

    def twice(x: int) -> int:
        return add(x, x)

    acc = 0
    for i in range(60000):
        acc = add(acc, twice(i) % 7)
    return acc


NBODY = """
fn energy(xs: list, vs: list, ms: list) -> float {
  let e = 0.0
  let n = len(xs)
  for i in range(n) {
    e += 0.5 * ms[i] * vs[i] * vs[i]
    for j in range(i + 1, n) {
      let d = xs[i] - xs[j]
      e -= ms[i] * ms[j] / sqrt(d * d + 0.01)
    }
  }
  return e
}
let xs = []
let vs = []
let ms = []
for i in range(60) {
  push(xs, i * 0.37)
  push(vs, 1.0 / (i + 1))
  push(ms, 1.0 + i % 3)
}
let total = 0.0
for step in range(12) { total += energy(xs, vs, ms) }
print(floor(total))
"""


def py_nbody() -> object:
    import math

    def energy(xs: list[float], vs: list[float], ms: list[float]) -> float:
        e = 0.0
        n = len(xs)
        for i in range(n):
            e += 0.5 * ms[i] * vs[i] * vs[i]
            for j in range(i + 1, n):
                d = xs[i] - xs[j]
                e -= ms[i] * ms[j] / math.sqrt(d * d + 0.01)
        return e

    xs, vs, ms = [], [], []
    for i in range(60):
        xs.append(i * 0.37)
        vs.append(1.0 / (i + 1))
        ms.append(1.0 + i % 3)
    total = 0.0
    for _ in range(12):
        total += energy(xs, vs, ms)
    return math.floor(total)


PROGRAMS = [
    Benchmark("fib", "recursive calls", FIB, py_fib),
    Benchmark("loop", "counting loop", LOOP, py_loop),
    Benchmark("strings", "string building", STRINGS, py_strings),
    Benchmark("mandelbrot", "float kernel", MANDEL, py_mandel),
    Benchmark("nbody", "float kernel over lists", NBODY, py_nbody),
    Benchmark("sieve", "list work", SIEVE, py_sieve),
    Benchmark("sort", "list work (insertion sort)", SORT, py_sort),
    Benchmark("calls", "call-heavy", CALLS, py_calls),
]

# A long loop with a breakpoint after it: the debugger's "continue" speed.
CONTINUE = """
let i = 0
let s = 0
while i < 400000 {
  s += i
  i += 1
}
print(s)
"""
CONTINUE_BREAK_LINE = 8
