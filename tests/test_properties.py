"""Property-based tests (hypothesis).

1. Random *well-formed* programs, generated as source text by a scope- and
   type-aware generator (tests/support/programs.py), must compile, and the
   reference AST interpreter and the closure VM must agree on them exactly:
   the same output, exit code, error kind, error LINE:COL and call stack
   (message texts are not compared). A Program run twice on the closure VM,
   with a run under other limits in between and the second run streaming its
   output through `out=`, must give the same result both times (no state
   leaks between runs). Runtime errors are expected and welcome: they are
   compared too. Some examples use tiny depth / length / int-size limits, so
   RecursionError and LimitError are compared as well.

2. Arbitrary text (a symbol/keyword-rich alphabet, token soup, mutated valid
   programs, raw bytes: tests/support/text.py) either compiles or raises a
   CompileError of kind SyntaxError / NameError at a position inside the
   text; never another exception. Whatever compiles runs on both engines
   under a step budget without a host exception, and, when no LimitError
   cuts either run short, both engines agree.

A timer (see `_run`) is the last line of defence against the rare program
whose values grow exponentially by sharing (`a = [a, a]` in a loop); such
examples are discarded, unless only one engine is slow. (The AST engine runs
on a worker thread, which the timer cannot stop: it finishes in the
background. In soaks of 10,000 programs the timer never fired.)

Set VMSCOPE_PROPERTY_EXAMPLES=N to scale the number of examples (e.g. for a
long local soak); the default keeps the whole file around half a minute.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, example, given, note, settings
from hypothesis import strategies as st
from support.programs import programs
from support.text import ANY_TEXT

import vmscope

# The engines raise the host recursion limit for deep guest recursion; that is
# expected, so hypothesis' note that it will not restore the limit is noise.
pytestmark = pytest.mark.filterwarnings(
    "ignore:The recursion limit will not be reset:hypothesis.errors.HypothesisWarning"
)

# ---------------------------------------------------------------------------
# settings

_SCALE = int(os.environ.get("VMSCOPE_PROPERTY_EXAMPLES", "0") or 0)


def _examples(default: int) -> int:
    return _SCALE if _SCALE > 0 else default


_SETTINGS: dict[str, Any] = dict(
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    report_multiple_bugs=False,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.large_base_example,
    ],
)

# Generated programs: no step budget (termination is by construction), a
# smaller length budget than the default so that doubling strings/lists hit
# the LimitError quickly (both engines must agree on it exactly). Some
# examples use tiny depth / int-size / length limits so that RecursionError
# and LimitError paths are compared too.
GEN_LIMITS = dict(max_steps=None, max_length=2_000)
LIMIT_VARIANTS = st.one_of(
    st.just(GEN_LIMITS),
    st.fixed_dictionaries(
        {
            "max_steps": st.none(),
            "max_depth": st.sampled_from([10_000, 1, 2, 3]),
            "max_length": st.sampled_from([2_000, 3, 8]),
            "max_int_bits": st.sampled_from([100_000, 40, 64, 200]),
        }
    ),
)
OTHER_LIMITS = dict(max_steps=50, max_depth=2, max_length=3, max_int_bits=40)
# Arbitrary text: a step budget; LimitError runs are not compared.
FUZZ_LIMITS = dict(max_steps=2_000, max_length=100_000)

# ---------------------------------------------------------------------------
# running with a watchdog


class _Timeout(BaseException):
    """Raised by the watchdog timer; a BaseException so engines that catch
    Exception let it through."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise _Timeout()


def _is_timeout(exc: BaseException) -> bool:
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, _Timeout):
            return True
        exc = getattr(exc, "cause", None) or exc.__cause__ or exc.__context__
        seen += 1
    return False


def _run(
    program: Any, engine: str, limits: dict[str, Any], seconds: float, stream: bool = False
) -> Any:
    """Run `program` on `engine`; None if the watchdog fired. With `stream`,
    output goes through `out=` and is put back into a copy of the result."""
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        lim = vmscope.Limits(**limits)
        if not stream:
            return program.run(engine=engine, limits=lim)
        chunks: list[str] = []
        r = program.run(engine=engine, limits=lim, out=chunks.append)
        assert r.output == "", "output was captured although out= was given"
        return _Streamed(r, "".join(chunks))
    except BaseException as exc:
        if _is_timeout(exc):
            return None
        raise
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@dataclass
class _Streamed:
    """A RunResult whose output was streamed, with that output put back."""

    inner: Any
    output: str

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _describe(r: Any) -> dict[str, Any]:
    err = r.error
    d: dict[str, Any] = {"output": r.output, "exit_code": r.exit_code, "error": None}
    if err is not None:
        d["error"] = {
            "kind": err.kind.value,
            "pos": (err.line, err.col),
            "message": err.message,
            "stack": [(e.function, e.span.line, e.span.col) for e in err.stack],
        }
    return d


def _assert_same(a: Any, b: Any, what: str) -> None:
    """The engines' results agree on everything the spec pins down (the
    message text is not compared)."""
    da, db = _describe(a), _describe(b)
    note(f"{what}: {da!r}\n   vs: {db!r}")
    assert da["output"] == db["output"], f"{what}: output differs"
    ea, eb = da["error"], db["error"]
    assert (ea is None) == (eb is None), f"{what}: one run failed, the other did not: {ea} / {eb}"
    if ea is not None:
        assert ea["kind"] == eb["kind"], f"{what}: error kind {ea['kind']} vs {eb['kind']}"
        assert ea["pos"] == eb["pos"], f"{what}: error position {ea['pos']} vs {eb['pos']}"
        assert [f for f, _, _ in ea["stack"]] == [f for f, _, _ in eb["stack"]], (
            f"{what}: stack functions differ"
        )
        assert ea["stack"] == eb["stack"], f"{what}: stack positions differ"
    assert da["exit_code"] == db["exit_code"], f"{what}: exit code differs"


# ---------------------------------------------------------------------------
# (1) the engines agree on well-formed programs

REGRESSIONS_AGREE = [
    "print(-2 ** 2, 2 ** -1, (-8) // 3, -8 % 3, 7.5 // -2, 1 / 3)",
    "print(1e300 * 1e10, -1e300 * 1e10, 0.1 + 0.2, 10 ** 20 == 1e20, 2 ** 53 + 1 == 2.0 ** 53)",
    'print([1, \'a\', ["b\\n"]], str([1.0, null, true]), "x" + str(3))',
    "let x = [1, 2]\nfor e in x { if len(x) < 5 { push(x, e) } }\nprint(x)",
    "let v = []\npush(v, v)\nprint(v, len(v))",
    'let a = [1]\nlet b = a\nb[0] += 5\nprint(a, a == b, [float("nan")] == [float("nan")])',
    "for i in range(3) { i = 10; print(i) }",
    'print(true == 1, 1 == 1.0, null == [], "a" < "b", [1, 2] < [1, 3])',
    "print(1 // 0)",
    'let s = "abc"\nprint(s[-1], s[5])',
    'print(int(" -12 "), float("1.5"), floor(-0.5), sqrt(-0.0), abs(-3), min([3, 1, 2]))',
    "print(10 ** 400 * 1.0)",
    "print(2.0 ** 10000)",
    "print((-8) ** 0.5)",
    "print(0 ** -1)",
    'let t = "x"\nt[0] = "y"',
    'fn f(d: int) -> int {\n  if d > 0 { return f(d - 1) + 1 }\n  return "no"\n}\nprint(f(3))',
    'fn g(a: float) { print(a) }\ng(1)\ng("s")',
    "fn h() -> int { }\nprint(h())",
    "print(x)\nlet x = 1",
    "fn f() { return y }\nprint(f())\nlet y = 2\nprint(f())",
    "let len = 3\nprint(len, len([1]))",
    'print(1 and 0, 0 or "", null or [], not [], 3 and 4)',
    "let l = [1, 2, 3]\nl[1] //= 0",
    'print(min(1, "a"))',
    "print(range(5, 0, -2), range(0), range(1, 2, 0))",
    'for c in "héllo" { print(c) }',
    "for q in 5 { print(q) }",
    "let a: float = 1\na = 2\nprint(a, type(a))",
    "let b: int = 1\nb /= 2",
    'fn r(d) { if d > 0 { r(d - 1) } else { print(1 + "x") } }\nr(3)',
    "let x = 1\nif true { let x = x + 1; print(x) }\nprint(x)",
    "fn deep(n) { if n > 0 { return deep(n - 1) + 1 }; return 0 }\n"
    "print(deep(50))\nprint(deep(20000))",
    "let x = 1\nx *= 2 ** 99990\nx *= x",
    'let s = "ab"\nwhile true { s += s }',
    "let a = [1]\nfor e in a { push(a, e + 1) }",
    "let a = [1, 2, 3]\nfor e in a { print(e, pop(a)) }",
    "print(9007199254740993 == 9007199254740992.0, 9007199254740993 > 9007199254740992.0)",
    'print(min(1, 1.0), max(1.0, 1), min(float("nan"), 1), max([2, float("nan")]))',
    "print(floor(-0.0), sqrt(-0.0), -0.0 == 0, str(-0.0), 0.0 * -1)\nprint(5 % -0.0)",
    'print(int(1e300) > 0, int(-2.7), float("-inf"))\nprint(float(10 ** 400))',
    "let v = [1]\npush(v, v)\nprint(v == v)",
    "fn f(a: float) -> int { return a }\nprint(f(2))",
    "fn f() -> str {\n  print(1)\n}\nf()",
    "let t = [[1, 2], [3]]\nt[0][1] += t[1][0]\nt[1][5] = 0",
    # evaluation order: t, i, v / t, i, read t[i], v
    "fn p(x) { print(x); return x }\nlet t = [0, 1]\n"
    "t[p(1)] = p(2)\nt[p(0)] += p(5)\nt[p(9)] -= p(3)",
]


def _agree_body(src: str, limits: dict[str, Any] = GEN_LIMITS) -> None:
    note(src)
    note(f"limits: {limits}")
    program = vmscope.compile_source(src, filename="gen.vms")
    t0 = time.perf_counter()
    ast_r = _run(program, "ast", limits, 5.0)
    if ast_r is None:
        event("discarded: too slow on the AST engine")
        assume(False)
    ast_time = time.perf_counter() - t0
    budget = max(5.0, 20 * ast_time)
    clo_r = _run(program, "closure", limits, budget)
    assert clo_r is not None, (
        f"closure engine did not finish in {budget:.1f}s; AST took {ast_time:.3f}s"
    )
    _assert_same(ast_r, clo_r, "ast vs closure")
    for level in (1, 2):  # the optimised levels agree as well
        opt_r = _run(program.at_level(level), "closure", limits, budget)
        assert opt_r is not None, f"-O{level} did not finish in {budget:.1f}s"
        _assert_same(ast_r, opt_r, f"ast vs closure -O{level}")
    # A run with other limits (and a step budget, so the counting VM loop)
    # in between must not change the next run: no state leaks across runs.
    other = OTHER_LIMITS if limits == GEN_LIMITS else GEN_LIMITS
    _run(program, "closure", other, budget)
    clo_r2 = _run(program, "closure", limits, budget, stream=True)
    assert clo_r2 is not None, "second closure run did not finish"
    _assert_same(clo_r, clo_r2, "closure run 1 vs run 2")
    event(f"error: {ast_r.error.kind.value}" if ast_r.error else "ran to completion")


def _with_regressions(test: Any) -> Any:
    for src in reversed(REGRESSIONS_AGREE):
        test = example(src, GEN_LIMITS)(test)
    return test


@settings(max_examples=_examples(300), **_SETTINGS)
@given(programs(), LIMIT_VARIANTS)
@_with_regressions
def test_engines_agree_on_generated_programs(src: str, limits: dict[str, Any]) -> None:
    _agree_body(src, limits)


# ---------------------------------------------------------------------------
# (2) arbitrary text never crashes the front end or the engines


def _lines_of(src: str | bytes) -> list[str]:
    if isinstance(src, bytes):
        if src.startswith(b"\xef\xbb\xbf"):
            src = src[3:]
        src = src.decode("utf-8", errors="replace")
    elif src.startswith("\ufeff"):
        src = src[1:]
    return src.split("\n")


def _check_position(err: Any, src: str | bytes, what: str) -> None:
    assert err.line >= 1 and err.col >= 1, f"{what}: position {err.line}:{err.col}"
    lines = _lines_of(src)
    assert err.line <= len(lines), f"{what}: line {err.line} past the end ({len(lines)} lines)"
    assert err.col <= len(lines[err.line - 1]) + 1, (
        f"{what}: col {err.col} past the end of line {err.line} ({lines[err.line - 1]!r})"
    )


FUZZ_REGRESSIONS: list[str | bytes] = [
    "",
    "\ufeff",
    b"\xef\xbb\xbf",
    b"\xff",
    "a < b < c",
    "(f)(1)",
    "f(1)(2)",
    "if c { a } b",
    '"abc',
    '"a\\q"',
    "'x\n'",
    "1.",
    ".5",
    "1e",
    "x = 1",
    "let x = 1\nlet x = 2",
    "break",
    "return 1",
    "fn len() {}",
    "fn f(a, a) {}",
    "fn f(a) { let a = 1 }",
    "fn f() {}\nfn f() {}",
    "fn f(a) {}\nf()",
    "print(undefined)",
    "undefined()",
    "let x = 1 _2",
    "1 +",
    "\r\n\r\n",
    "while true { }",
    "fn f() { f() }\nf()",
    'let s = "x"\nwhile true { s += s }',
    "print(2 ** 10 ** 9)",
    "let a = [1]\nfor x in a { push(a, x) }",
    "# only a comment",
    "let x = 1;;;print(x)",
    "if true {\n}\n\n# c\nelse { }",
    "print(\"\\0\", '\\r')",
    "\x00",
    "let x = 08.5e-0",
    "a[0](1)",
    "x.y",
    "let é = 1",
    "print(1)\r\nprint(2)",
]


def _fuzz_body(src: str | bytes) -> None:
    try:
        program = vmscope.compile_source(src, filename="fuzz.vms")
    except vmscope.CompileError as exc:
        assert exc.kind.value in ("SyntaxError", "NameError"), exc.kind
        _check_position(exc, src, "compile error")
        event(f"compile: {exc.kind.value}")
        return
    results = {}
    for engine in ("ast", "closure", "closure-O2"):
        variant = program.at_level(2) if engine == "closure-O2" else program
        r = _run(variant, engine.split("-")[0], FUZZ_LIMITS, 10.0)
        assert r is not None, f"{engine} engine did not finish within 10 s under max_steps=2000"
        if r.error is not None:
            assert r.error.line >= 1 and r.error.col >= 1, f"{engine}: runtime error position"
            assert r.exit_code == 1
        else:
            assert r.exit_code == 0
        results[engine] = r
    kinds = {r.error.kind.value for r in results.values() if r.error is not None}
    if "LimitError" in kinds:
        event("ran: LimitError")
        return
    event("ran: compared")
    _assert_same(results["ast"], results["closure"], "ast vs closure")
    _assert_same(results["ast"], results["closure-O2"], "ast vs closure -O2")


def _with_fuzz_regressions(test: Any) -> Any:
    for src in reversed(FUZZ_REGRESSIONS):
        test = example(src)(test)
    return test


@settings(max_examples=_examples(350), **_SETTINGS)
@given(ANY_TEXT)
@_with_fuzz_regressions
def test_arbitrary_text_compiles_or_fails_cleanly(src: str | bytes) -> None:
    _fuzz_body(src)


@settings(max_examples=_examples(60), **_SETTINGS)
@given(programs())
def test_generated_programs_compile(src: str) -> None:
    """The generator itself: everything it makes is well formed. (Cheap: no
    run.) A failure here is a generator bug or a compiler bug; the message
    says which rule was hit."""
    note(src)
    vmscope.compile_source(src, filename="gen.vms")
