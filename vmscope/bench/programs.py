"""Benchmark programs, embedded so `vmscope bench` works from an install."""

from __future__ import annotations

FIB = """
fn fib(n) {
  if n < 2 { return n }
  return fib(n - 1) + fib(n - 2)
}
print(fib(22))
"""

LOOP = """
let i = 0
let s = 0
while i < 300000 {
  s += i
  i += 1
}
print(s)
"""

STRINGS = """
let out = ""
for i in range(40000) {
  out += str(i % 10)
}
print(len(out))
"""

MANDEL = """
let rows = 0
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
    rows += k
  }
}
print(rows)
"""

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

CALLS = """
fn add(a, b) { return a + b }
fn twice(x) { return add(x, x) }
let acc = 0
for i in range(60000) { acc = add(acc, twice(i) % 7) }
print(acc)
"""

QUICK = {"fib": FIB, "loop": LOOP, "strings": STRINGS, "mandelbrot": MANDEL, "sieve": SIEVE,
         "calls": CALLS}

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
