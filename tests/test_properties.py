"""Property-based tests (hypothesis).

1. Random *well-formed* programs, generated as source text by a scope- and
   type-aware generator, must compile, and the reference AST interpreter and
   the closure VM must agree on them exactly: the same output, exit code,
   error kind, error LINE:COL and call stack (message texts are not compared).
   A Program run twice on the closure VM, with a run under other limits in
   between and the second run streaming its output through `out=`, must give
   the same result both times (no state leaks between runs). Runtime errors
   are expected and welcome: they are compared too. Some examples use tiny
   depth / length / int-size limits, so RecursionError and LimitError are
   compared as well.

2. Arbitrary text (a symbol/keyword-rich alphabet, token soup, mutated valid
   programs, raw bytes) either compiles or raises a CompileError of kind
   SyntaxError / NameError at a position inside the text; never another
   exception. Whatever compiles runs on both engines under a step budget
   without a host exception, and, when no LimitError cuts either run short,
   both engines agree.

Termination of generated programs is by construction:
- every `while` is `let wN = 0` / `while wN < K ... { wN += 1; ... }` with the
  increment first (so `continue` cannot skip it) and wN never assigned
  elsewhere;
- `for` loops run over literal `range(...)` bounds, list literals, strings,
  copies (`v + []`) or a list variable itself, whose growth by pushes in the
  body is capped by the length limit (a LimitError, compared like any other);
- every function starts with `fuel -= 1` / `if fuel < 0 { return ... }` on a
  read-only global `fuel`, which bounds the number of calls that do work, and
  recursive functions carry a depth counter `d` and recurse only as
  `f(d - 1, ...)` under `if d > 0`.
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
import textwrap
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, example, given, note, settings
from hypothesis import strategies as st

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
# the program generator

TYPES = ("int", "float", "str", "bool", "list", "any")

# precedence levels, lowest binding first
OR, AND, NOT, CMP, SUM, TERM, UNARY, POW, POSTFIX, PRIMARY = range(1, 11)

INT_LITS = [
    "0",
    "1",
    "2",
    "3",
    "4",
    "5",
    "7",
    "10",
    "007",
    "42",
    "-1",
    "4294967296",
    "123456789012345678901234567890",
    "9007199254740993",
    "10000000000000000",
    "18446744073709551616",
]
SMALL_INTS = ["0", "1", "2", "3", "-1", "-2", "4", "5"]
RANGE_STEPS = ["1", "-1", "2", "-2", "3", "-1", "1", "-3"]
SPECIAL_FLOATS = [  # (text, precedence)
    ('float("nan")', 9),
    ('float("inf")', 9),
    ('-float("inf")', 7),
    ("1e308 * 10", 6),
    ('-float("nan")', 7),
]
FLOAT_LITS = [
    "0.5",
    "1.5",
    "2.0",
    "0.1",
    "0.0",
    "1e-05",
    "2.5e3",
    "3.0E2",
    "1e16",
    "1e300",
    "7.25",
    "0.25e-3",
    "-0.0",
    "-2.5",
    "9007199254740992.0",
    "1e308",
    "5e-324",
    "0.30000000000000004",
    "1e22",
]
STR_LITS = [
    '""',
    '"a"',
    "'b'",
    '"ab"',
    '"hello"',
    '"x\\ny"',
    '"t\\tab"',
    '"q\\"q"',
    "'it\\'s'",
    '"\\\\"',
    '"é"',
    '"日本"',
    '"\\0"',
    '"\\r"',
    '"12"',
    '" -3 "',
    '"1.5"',
    '"inf"',
    '"nan"',
    '"1e400"',
    '"abc"',
    "'\"'",
    '"[1]"',
]
# variable names: a few shadow builtins on purpose (functions and variables
# live in separate namespaces)
NAMES = ["a", "b", "c", "x", "y", "n", "s", "t", "v", "i", "k", "total", "len", "str", "print"]
COMPOUND = {
    "int": ["+=", "-=", "*=", "//=", "%="],
    "float": ["+=", "-=", "*=", "/=", "//=", "%="],
    "str": ["+="],
    "list": ["+="],
}
DEFAULT = {"int": "0", "float": "0.0", "str": '""', "bool": "false", "list": "[]", "any": "null"}


@dataclass(frozen=True)
class Var:
    ty: str
    readonly: bool = False


@dataclass
class Fn:
    name: str
    params: list[tuple[str, str, str | None]]  # name, intended type, annotation
    ret: str
    ret_ann: str | None
    recursive: bool
    body: str = ""


@dataclass(frozen=True)
class E:
    text: str
    prec: int


@dataclass
class Gen:
    draw: Any
    globals: dict[str, Var] = field(default_factory=dict)
    live: set[str] = field(default_factory=set)
    pending: dict[str, Var] = field(default_factory=dict)
    scopes: list[dict[str, Var]] = field(default_factory=list)
    fns: list[Fn] = field(default_factory=list)
    cur_fn: Fn | None = None
    self_call_ok: bool = False
    loops: int = 0
    nest: int = 0
    budget: int = 0
    counters: int = 0
    sloppy: int = 0  # percent of expressions deliberately of a random type
    future: int = 0  # percent of top-level leaves reading a global not yet let
    no_future: bool = False

    # -- drawing helpers (shrinking goes towards index 0 / False) ----------
    def pick(self, seq: Any) -> Any:
        return self.draw(st.sampled_from(seq))

    def n(self, lo: int, hi: int) -> int:
        return self.draw(st.integers(lo, hi))

    def chance(self, pct: int) -> bool:
        return self.draw(st.integers(0, 99)) >= 100 - pct

    # -- names -------------------------------------------------------------
    def visible(self) -> dict[str, Var]:
        env: dict[str, Var] = {}
        if self.cur_fn is None:
            for name in self.live:
                env[name] = self.globals[name]
        else:
            env.update(self.globals)
        for sc in self.scopes:
            env.update(sc)
        return env

    def vars_of(self, ty: str) -> list[str]:
        env = self.visible()
        return sorted(n for n, v in env.items() if v.ty == ty)

    def current_scope_names(self) -> set[str]:
        if self.scopes:
            return set(self.scopes[-1])
        return set(self.globals)

    def declare(self, name: str, var: Var) -> None:
        if self.scopes:
            self.scopes[-1][name] = var
        else:  # a top-level let: a global
            self.globals[name] = var
            self.live.add(name)
            self.pending.pop(name, None)

    def fresh_name(self) -> str | None:
        taken = self.current_scope_names()
        free = [n for n in NAMES if n not in taken]
        return self.pick(free) if free else None

    # -- expressions -------------------------------------------------------
    def wrap(self, e: E, minp: int) -> str:
        if e.prec < minp or self.chance(4):
            return f"({e.text})"
        return e.text

    def bin(self, left: E, op: str, right: E, prec: int, lmin: int, rmin: int) -> E:
        return E(f"{self.wrap(left, lmin)} {op} {self.wrap(right, rmin)}", prec)

    def var_or(self, ty: str, fallback: Any) -> E:
        names = self.vars_of(ty)
        if ty != "any" and self.chance(5):
            names = names + self.vars_of("any")
        if self.cur_fn is not None and not self.chance(25):
            # in a function, prefer its own names: a global may not be set yet
            local = set().union(*self.scopes) if self.scopes else set()
            names = [n for n in names if n in local] or names
        if names and not self.chance(25):
            return E(self.pick(names), PRIMARY)
        return fallback()

    def future_global(self, ty: str) -> E | None:
        """Top level only: read a global whose `let` comes later (a runtime
        NameError if reached first; a compile-time name all the same)."""
        if self.cur_fn is not None or self.no_future:
            return None
        env = self.visible()
        cands = [n for n, v in self.pending.items() if v.ty == ty and n not in env]
        if cands:
            return E(self.pick(sorted(cands)), PRIMARY)
        free = [n for n in NAMES if n not in self.globals and n not in env]
        if not free:
            return None
        name = self.pick(free)
        self.pending[name] = Var(ty)
        self.globals[name] = Var(ty)
        return E(name, PRIMARY)

    def call(self, ty: str, depth: int) -> E | None:
        cands = [f for f in self.fns if f.ret == ty or ty == "any"]
        cands = [f for f in cands if f is not self.cur_fn or self.self_call_ok]
        if not cands:
            return None
        f = self.pick(cands)
        return E(self.call_text(f, depth), POSTFIX)

    def call_text(self, f: Fn, depth: int) -> str:
        args = []
        for idx, (_pname, pty, _ann) in enumerate(f.params):
            if idx == 0 and f.recursive:
                if f is self.cur_fn:
                    args.append("d - 1")
                else:
                    args.append(self.pick(["0", "1", "2", "3"]))
            else:
                args.append(self.expr(pty, depth - 1).text)
        return f"{f.name}({', '.join(args)})"

    def small_index(self, depth: int) -> str:
        choice = self.n(0, 3)
        if choice == 0:
            return self.pick(["0", "1", "-1", "2", "-2", "5"])
        if choice == 1 and depth > 0:
            return self.expr("int", depth - 1).text
        return self.pick(["0", "1", "-1"])

    def expr(self, ty: str, depth: int = 2) -> E:
        if self.sloppy and self.chance(self.sloppy):  # a deliberately ill-typed operand
            ty = self.pick(TYPES)
        if depth <= 0 or self.chance(20):
            return self.leaf(ty)
        return getattr(self, f"expr_{ty}")(depth)

    def leaf(self, ty: str) -> E:
        if ty == "any":
            ty = self.pick(["int", "str", "list", "float", "bool", "null"])
            if ty == "null":
                return E("null", PRIMARY)
        if self.cur_fn is None and self.future and self.chance(self.future):
            fg = self.future_global(ty)
            if fg is not None:
                return fg
        return self.var_or(ty, lambda: self.literal(ty))

    def range_args(self) -> list[str]:
        nargs = self.n(1, 3)
        args = [self.pick(SMALL_INTS) for _ in range(min(nargs, 2))]
        if nargs == 3:
            step = self.pick(RANGE_STEPS) if not self.chance(3) else "0"
            if step.startswith("-") and self.chance(70):
                args.sort(key=int, reverse=True)  # a descending range that runs
            args.append(step)
        return args

    def literal(self, ty: str) -> E:
        if ty == "float" and self.chance(12):
            text, prec = self.pick(SPECIAL_FLOATS)
            return E(text, prec)
        if ty in ("int", "float"):
            if ty == "int":
                text = self.pick(INT_LITS[:10]) if self.chance(90) else self.pick(INT_LITS)
            else:
                text = self.pick(FLOAT_LITS)
            # "-1" is really unary minus applied to a literal
            return E(text, UNARY if text.startswith("-") else PRIMARY)
        if ty == "str":
            return E(self.pick(STR_LITS), PRIMARY)
        if ty == "bool":
            return E(self.pick(["true", "false"]), PRIMARY)
        if ty == "list":
            k = self.n(0, 3)
            ety = self.pick(["int", "str", "float", "any", "list"])
            return E("[" + ", ".join(self.leaf(ety).text for _ in range(k)) + "]", PRIMARY)
        return E("null", PRIMARY)

    def expr_int(self, depth: int) -> E:
        k = self.n(0, 14)
        d = depth - 1
        if k == 0:
            return self.leaf("int")
        if k in (1, 2):
            op = self.pick(["+", "-", "*"])
            prec = SUM if op != "*" else TERM
            return self.bin(self.expr("int", d), op, self.expr("int", d), prec, prec, prec + 1)
        if k == 3:
            op = self.pick(["//", "%"])
            right = (
                self.expr("int", d)
                if self.chance(50)
                else E(self.pick(["2", "3", "7", "0"]), PRIMARY)
            )
            return self.bin(self.expr("int", d), op, right, TERM, TERM, TERM + 1)
        if k == 4:
            return E("-" + self.wrap(self.expr("int", d), UNARY), UNARY)
        if k == 5:
            exp = self.pick(["0", "1", "2", "3"]) if self.chance(85) else self.expr("int", 0).text
            return self.bin(self.expr("int", d), "**", E(exp, PRIMARY), POW, POSTFIX, UNARY)
        if k == 6:
            return E(f"len({self.expr(self.pick(['str', 'list']), d).text})", POSTFIX)
        if k == 7:
            arg = self.expr(self.pick(["float", "int", "str"]), d)
            return E(f"int({arg.text})", POSTFIX)
        if k == 8:
            return E(f"floor({self.expr(self.pick(['float', 'int']), d).text})", POSTFIX)
        if k == 9:
            return E(f"abs({self.expr('int', d).text})", POSTFIX)
        if k == 10:
            fn = self.pick(["min", "max"])
            if self.chance(30):
                return E(f"{fn}({self.expr('list', d).text})", POSTFIX)
            args = ", ".join(self.expr("int", d).text for _ in range(self.n(2, 3)))
            return E(f"{fn}({args})", POSTFIX)
        if k == 11:
            c = self.call("int", depth)
            if c is not None:
                return c
        if k == 12:
            return E(f"{self.indexable('list', d)}[{self.small_index(d)}]", POSTFIX)
        if k == 13:
            return E(f"pop({self.indexable('list', d)})", POSTFIX)
        return self.var_or("int", lambda: self.literal("int"))

    def indexable(self, ty: str, depth: int) -> str:
        return self.wrap(self.expr(ty, depth), POSTFIX)

    def expr_float(self, depth: int) -> E:
        k = self.n(0, 9)
        d = depth - 1
        num = lambda: self.expr(self.pick(["float", "int"]), d)
        if k == 0:
            return self.leaf("float")
        if k in (1, 2):
            op = self.pick(["+", "-", "*"])
            prec = SUM if op != "*" else TERM
            return self.bin(self.expr("float", d), op, num(), prec, prec, prec + 1)
        if k == 3:
            op = self.pick(["/", "//", "%"])
            return self.bin(num(), op, num(), TERM, TERM, TERM + 1)
        if k == 4:
            return E("-" + self.wrap(self.expr("float", d), UNARY), UNARY)
        if k == 5:
            exp = self.pick(["0.5", "2", "-1", "2.0", "-2", "3"])
            return self.bin(
                num(), "**", E(exp, UNARY if exp.startswith("-") else PRIMARY), POW, POSTFIX, UNARY
            )
        if k == 6:
            fn = self.pick(["float", "sqrt", "abs"])
            arg = self.expr(self.pick(["int", "float", "str"]) if fn == "float" else "float", d)
            return E(f"{fn}({arg.text})", POSTFIX)
        if k == 7:
            c = self.call("float", depth)
            if c is not None:
                return c
        if k == 8:
            return self.bin(self.expr("int", d), "/", self.expr("int", d), TERM, TERM, TERM + 1)
        return self.var_or("float", lambda: self.literal("float"))

    def expr_str(self, depth: int) -> E:
        k = self.n(0, 7)
        d = depth - 1
        if k == 0:
            return self.leaf("str")
        if k in (1, 2):
            return self.bin(self.expr("str", d), "+", self.expr("str", d), SUM, SUM, SUM + 1)
        if k == 3:
            return E(f"{self.indexable('str', d)}[{self.small_index(d)}]", POSTFIX)
        if k == 4:
            return E(f"str({self.expr('any', d).text})", POSTFIX)
        if k == 5:
            return E(f"type({self.expr('any', d).text})", POSTFIX)
        if k == 6:
            c = self.call("str", depth)
            if c is not None:
                return c
        return self.var_or("str", lambda: self.literal("str"))

    def expr_bool(self, depth: int) -> E:
        k = self.n(0, 7)
        d = depth - 1
        if k == 0:
            return self.leaf("bool")
        if k in (1, 2):
            op = self.pick(["<", "<=", ">", ">=", "==", "!="])
            if op in ("==", "!=") and self.chance(40):
                lt, rt = self.pick(TYPES), self.pick(TYPES)
            else:
                lt = self.pick(["int", "float", "str", "list"])
                rt = lt if lt in ("str", "list") else self.pick(["int", "float"])
            return self.bin(self.expr(lt, d), op, self.expr(rt, d), CMP, SUM, SUM)
        if k == 3:
            return E("not " + self.wrap(self.expr(self.pick(["bool", "any"]), d), NOT), NOT)
        if k == 4:
            op = self.pick(["and", "or"])
            prec = AND if op == "and" else OR
            return self.bin(self.expr("bool", d), op, self.expr("bool", d), prec, prec, prec + 1)
        if k == 5:
            c = self.call("bool", depth)
            if c is not None:
                return c
        return self.var_or("bool", lambda: self.literal("bool"))

    def expr_list(self, depth: int) -> E:
        k = self.n(0, 6)
        d = depth - 1
        if k == 0:
            return self.leaf("list")
        if k == 1:
            ety = self.pick(["int", "str", "any", "float", "list"])
            items = [self.expr(ety, d).text for _ in range(self.n(0, 3))]
            return E("[" + ", ".join(items) + "]", PRIMARY)
        if k == 2:
            return self.bin(self.expr("list", d), "+", self.expr("list", d), SUM, SUM, SUM + 1)
        if k == 3:
            args = self.range_args()
            return E(f"range({', '.join(args)})", POSTFIX)
        if k == 4:
            c = self.call("list", depth)
            if c is not None:
                return c
        return self.var_or("list", lambda: self.literal("list"))

    def expr_any(self, depth: int) -> E:
        k = self.n(0, 5)
        d = depth - 1
        if k == 0:
            return self.leaf("any")
        if k in (1, 4):  # and/or yield the deciding operand, of any type
            op = self.pick(["and", "or"])
            prec = AND if op == "and" else OR
            return self.bin(self.expr("any", d), op, self.expr("any", d), prec, prec, prec + 1)
        if k == 2:
            return E(f"{self.indexable('list', d)}[{self.small_index(d)}]", POSTFIX)
        if k == 3:
            c = self.call("any", depth)
            if c is not None:
                return c
        return self.expr(self.pick(["int", "float", "str", "bool", "list"]), depth)

    # -- statements --------------------------------------------------------
    def block(
        self,
        scope: dict[str, Var] | None = None,
        min_stmts: int = 0,
        prefix: list[str] | None = None,
        extra: list[str] | None = None,
    ) -> str:
        self.scopes.append(dict(scope or {}))
        self.nest += 1
        stmts: list[str] = list(prefix or [])
        count = self.n(min_stmts, 4)
        for _ in range(count):
            if self.budget <= 0 and len(stmts) >= min_stmts:
                break
            stmts.extend(self.stmt())
        stmts.extend(extra or [])
        self.nest -= 1
        self.scopes.pop()
        return self.render_block(stmts)

    def render_block(self, stmts: list[str]) -> str:
        if not stmts:
            return self.pick(["{ }", "{}", "{\n}"])
        if all("\n" not in s for s in stmts) and self.chance(30):
            return "{ " + "; ".join(stmts) + self.pick([" }", "; }", " ;}"])
        body = "\n".join(stmts)
        if self.chance(5):
            body += "\n# trailing comment"
        return "{\n" + textwrap.indent(body, "  ") + "\n}"

    def stmt(self) -> list[str]:
        self.budget -= 1
        kinds = ["print", "let", "assign", "show", "let", "assign", "call", "push", "show"]
        if self.nest < 3:
            kinds += ["if", "for", "while", "if", "for"]
        if self.loops:
            kinds += ["break"]
        if self.cur_fn is not None:
            kinds += ["return"]
            if self.cur_fn.recursive and not self.self_call_ok and self.nest < 3:
                kinds += ["recurse"]
        kind = self.pick(kinds)
        return getattr(self, f"stmt_{kind}")()

    def stmt_print(self) -> list[str]:
        args = [self.expr(self.pick(TYPES)).text for _ in range(self.n(0, 3))]
        return [f"print({', '.join(args)})"]

    def stmt_show(self) -> list[str]:
        """Print a few visible variables: makes the state observable."""
        names = sorted(self.visible())
        if not names:
            return self.stmt_print()
        k = self.n(1, min(3, len(names)))
        return [f"print({', '.join(self.pick(names) for _ in range(k))})"]

    def stmt_let(self) -> list[str]:
        name = self.fresh_name()
        if name is None:
            return self.stmt_print()
        ty = self.pick(TYPES)
        ann = None
        if self.chance(35):
            ann = ty if self.chance(90) else self.pick(TYPES)
        value_ty = ty
        if ann == "float" and self.chance(30):
            value_ty = "int"  # an int bound to a float annotation becomes a float
        value = self.expr(value_ty)  # sees the outer binding of `name`, if any
        self.declare(name, Var(ty))
        annot = f": {ann}" if ann else ""
        return [f"let {name}{annot} = {value.text}"]

    def assignable(self) -> list[str]:
        return sorted(n for n, v in self.visible().items() if not v.readonly)

    def stmt_assign(self) -> list[str]:
        names = self.assignable()
        if not names:
            return self.stmt_let()
        name = self.pick(names)
        ty = self.visible()[name].ty
        k = self.n(0, 3)
        if k == 0 or (k == 1 and ty not in COMPOUND):
            return [f"{name} = {self.expr(ty).text}"]
        if k == 1:
            op = self.pick(COMPOUND[ty])
            rhs_ty = (
                ty
                if ty in ("str", "list")
                else self.pick(["int", "float"] if ty == "float" else ["int"])
            )
            return [f"{name} {op} {self.expr(rhs_ty).text}"]
        # an indexed target
        lists = self.vars_of("list")
        if not lists:
            return [f"{name} = {self.expr(ty).text}"]
        target = f"{self.pick(lists)}[{self.small_index(1)}]"
        if self.chance(15):
            target += f"[{self.small_index(0)}]"
        if k == 2:
            return [f"{target} = {self.expr('any').text}"]
        op = self.pick(["+=", "-=", "*=", "/=", "//=", "%="])
        return [f"{target} {op} {self.expr(self.pick(['int', 'float', 'any'])).text}"]

    def stmt_call(self) -> list[str]:
        c = self.call("any", 2)
        if c is None:
            return self.stmt_print()
        return [c.text]

    def stmt_push(self) -> list[str]:
        lists = self.vars_of("list")
        target = self.pick(lists) if lists and not self.chance(10) else self.expr("list", 1).text
        if self.chance(75):
            return [f"push({target}, {self.expr(self.pick(TYPES), 1).text})"]
        return [f"pop({target})"]

    def cond(self) -> str:
        return self.expr(self.pick(["bool", "bool", "any"])).text

    def stmt_if(self) -> list[str]:
        text = f"if {self.cond()} {self.block()}"
        for _ in range(self.n(0, 2)):
            text += self.pick([" ", "\n", "\n\n# between\n"]) + f"elif {self.cond()} {self.block()}"
        if self.chance(50):
            text += self.pick([" ", "\n"]) + f"else {self.block()}"
        return [text]

    def stmt_while(self) -> list[str]:
        counter = f"w{self.counters}"
        self.counters += 1
        bound = self.pick(["2", "1", "3", "0", "4"])
        cond = f"{counter} < {bound}"
        if self.chance(40):
            cond += f" and {self.wrap(self.expr('bool', 1), AND + 1)}"
        let = f"let {counter} = 0"
        self.declare(counter, Var("int", readonly=True))
        self.loops += 1
        body = self.block(prefix=[f"{counter} += 1"])
        self.loops -= 1
        return [let, f"while {cond} {body}"]

    def iterable(self) -> tuple[str, str]:
        k = self.n(0, 6)
        if k == 0 or k == 1:
            args = self.range_args()
            return f"range({', '.join(args)})", "int"
        if k == 2:
            ety = self.pick(["int", "str", "float", "list", "any"])
            items = [self.expr(ety, 1).text for _ in range(self.n(0, 4))]
            return "[" + ", ".join(items) + "]", ety
        if k == 3:
            strs = self.vars_of("str")
            if strs and self.chance(50):
                return self.pick(strs), "str"
            return self.pick(STR_LITS), "str"
        if k == 4:
            lists = self.vars_of("list")
            if lists:
                # iterating the list itself: pushes in the body are visited,
                # which stays bounded because lengths are capped (max_length)
                return self.pick(lists) + self.pick([" + []", ""]), "any"
            return "[]", "any"
        if k == 5:
            return f"str({self.expr('any', 1).text})", "str"
        if k == 6 and self.chance(15):
            return self.expr(
                self.pick(["int", "bool", "float"]), 1
            ).text, "any"  # TypeError at `in`
        return f"range(min(len({self.expr('str', 1).text}), 4))", "int"

    def stmt_for(self) -> list[str]:
        name = self.pick(NAMES)
        it, ety = self.iterable()
        self.loops += 1
        body = self.block(scope={name: Var(ety)})
        self.loops -= 1
        return [f"for {name} in {it} {body}"]

    def stmt_break(self) -> list[str]:
        kw = self.pick(["break", "continue"])
        if self.chance(75):
            return [f"if {self.cond()} {{ {kw} }}"]
        return [kw]

    def stmt_return(self) -> list[str]:
        fn = self.cur_fn
        assert fn is not None
        if self.chance(10):
            return ["return"]
        return [f"return {self.expr(fn.ret).text}"]

    def stmt_recurse(self) -> list[str]:
        fn = self.cur_fn
        assert fn is not None
        self.self_call_ok = True
        call = self.call_text(fn, 2)
        if self.chance(50):
            name = self.fresh_name_in_new_scope()
            first = f"let {name} = {call}"
            scope = {name: Var(fn.ret)}
        else:
            first, scope = call, {}
        # the block's first statement is the recursive call; more may follow
        self.scopes.append({})
        self.nest += 1
        stmts = [first]
        self.scopes[-1].update(scope)
        for _ in range(self.n(0, 2)):
            if self.budget <= 0:
                break
            stmts.extend(self.stmt())
        self.nest -= 1
        self.scopes.pop()
        self.self_call_ok = False
        return [f"if d > 0 {self.render_block(stmts)}"]

    def fresh_name_in_new_scope(self) -> str:
        return self.pick(NAMES)

    # -- whole programs ----------------------------------------------------
    def flush_pending(self, all_of_them: bool) -> list[str]:
        out = []
        for name in sorted(self.pending):
            if name not in self.pending:
                continue
            if all_of_them or self.chance(50):
                var = self.pending[name]
                value = self.expr(var.ty)
                self.declare(name, var)
                out.append(f"let {name} = {value.text}")
        return out

    def program(self) -> str:
        self.budget = self.n(2, 28)
        self.sloppy = self.pick([0, 1, 0, 3])
        self.future = self.pick([0, 0, 0, 2])
        # signatures first: bodies may call any function (hoisting)
        for idx in range(self.n(0, 3)):
            recursive = self.chance(40)
            params: list[tuple[str, str, str | None]] = []
            if recursive:
                params.append(("d", "int", "int" if self.chance(50) else None))
            pool = [n for n in NAMES if n != "d"]
            for _ in range(self.n(0, 3)):
                free = [n for n in pool if n not in {p[0] for p in params}]
                pname = self.pick(free)
                pty = self.pick(TYPES)
                ann = None
                if self.chance(30):
                    ann = pty if self.chance(90) else self.pick(TYPES)
                params.append((pname, pty, ann))
            ret = self.pick(TYPES)
            ret_ann = None
            if self.chance(30):
                ret_ann = ret if self.chance(90) else self.pick(TYPES)
            self.fns.append(Fn(f"f{idx}", params, ret, ret_ann, recursive))

        # the top level
        fuel = self.pick(["3", "0", "1", "10", "25"])
        self.declare("fuel", Var("int", readonly=True))
        main: list[str] = [f"let fuel = {fuel}"]
        for _ in range(self.n(1, 8)):
            if self.budget <= 0:
                break
            main.extend(self.stmt())
            main.extend(self.flush_pending(False))
        self.no_future = True
        while self.pending:
            main.extend(self.flush_pending(True))
        if self.fns and self.chance(70):
            # make sure the functions get exercised
            for f in self.fns:
                main.append(f"print({self.call_text(f, 2)})")
        if self.chance(70):
            # observe the final state of every global
            main.append(f"print({', '.join(sorted(self.live))})")

        # function bodies: every global is known now
        for f in self.fns:
            self.cur_fn = f
            self.budget = max(self.budget, 0) + self.n(1, 6)
            scope = {p: Var(ty, readonly=(p == "d")) for p, ty, _ in f.params}
            prologue = ["fuel -= 1", f"if fuel < 0 {{ return {DEFAULT[f.ret]} }}"]
            self.nest = 0
            self.scopes.append(dict(scope))
            body_stmts = list(prologue)
            for _ in range(self.n(0, 4)):
                if self.budget <= 0:
                    break
                body_stmts.extend(self.stmt())
            if self.chance(80):
                body_stmts.extend(self.stmt_return_final())
            self.scopes.pop()
            f.body = self.render_block(body_stmts)
            self.cur_fn = None

        # place the declarations anywhere at the top level (they are hoisted)
        out = list(main)
        for f in self.fns:
            params = ", ".join(f"{p}: {a}" if a else p for p, _, a in f.params)
            ret = f" -> {f.ret_ann}" if f.ret_ann else ""
            decl = f"fn {f.name}({params}){ret} {f.body}"
            out.insert(self.n(0, len(out)), decl)
        sep = "\n"
        return sep.join(out) + self.pick(["\n", "", "\n\n"])

    def stmt_return_final(self) -> list[str]:
        fn = self.cur_fn
        assert fn is not None
        return [f"return {self.expr(fn.ret).text}"]


@st.composite
def programs(draw: Any) -> str:
    return Gen(draw).program()


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

KEYWORDS = [
    "let",
    "fn",
    "return",
    "if",
    "elif",
    "else",
    "while",
    "for",
    "in",
    "break",
    "continue",
    "true",
    "false",
    "null",
    "and",
    "or",
    "not",
]
SYMBOLS = [
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ",",
    ";",
    ":",
    "->",
    "=",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "//",
    "%",
    "**",
    "+=",
    "-=",
    "*=",
    "/=",
    "//=",
    "%=",
    "!",
    ".",
    "#",
    '"',
    "'",
    "\\",
]
WORDS = [
    "x",
    "y",
    "f",
    "g",
    "a1",
    "_",
    "print",
    "len",
    "range",
    "push",
    "pop",
    "str",
    "int",
    "float",
    "type",
    "min",
    "max",
    "sqrt",
    "floor",
    "abs",
    "any",
    "bool",
    "list",
]
NUMS = [
    "0",
    "1",
    "42",
    "007",
    "1.5",
    "1e3",
    "1e-05",
    "1.",
    ".5",
    "1e",
    "2E+3",
    "99999999999999999999",
]
STRS = ['"a"', "'b'", '"x\\n"', '"\\q"', '"unterminated', '""', "'\\''"]
SPACE = [" ", " ", "\n", "\t", "\r\n", "", "  # c\n"]

ALPHABET = st.sampled_from(
    [
        *"(){}[],;:=+-*/%<>!.#\"'\\_ \n\t\r0123456789abcdefxyzEe",
        *["é", "日", "\u00a0", "\u2028", "\ufeff", "\x00", "\U0001d518"],
    ]
)


@st.composite
def token_soup(draw: Any) -> str:
    toks = draw(st.lists(st.sampled_from(KEYWORDS + SYMBOLS + WORDS + NUMS + STRS), max_size=40))
    out = []
    for tok in toks:
        out.append(tok)
        out.append(draw(st.sampled_from(SPACE)))
    return "".join(out)


@st.composite
def mutated_programs(draw: Any) -> str:
    src = draw(programs())
    for _ in range(draw(st.integers(1, 3))):
        if not src:
            break
        pos = draw(st.integers(0, len(src)))
        op = draw(st.integers(0, 3))
        if op == 0:  # delete a few characters
            src = src[:pos] + src[pos + draw(st.integers(1, 4)) :]
        elif op == 1:  # insert a token
            tok = draw(st.sampled_from(KEYWORDS + SYMBOLS + WORDS + NUMS + STRS + SPACE))
            src = src[:pos] + tok + src[pos:]
        elif op == 2:  # replace a character
            src = src[:pos] + draw(ALPHABET) + src[pos + 1 :]
        else:  # duplicate a line
            lines = src.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            src = "\n".join(lines)
    return src


@st.composite
def bytes_programs(draw: Any) -> bytes:
    kind = draw(st.integers(0, 2))
    if kind == 0:
        return draw(st.binary(max_size=60))
    base = draw(token_soup()).encode("utf-8")
    if kind == 1:
        base = b"\xef\xbb\xbf" + base
    pos = draw(st.integers(0, len(base)))
    junk = draw(
        st.sampled_from(
            [b"\xff", b"\xc3", b"\xe6\x97", b"\x80", b"\xed\xa0\x80", b"", b"\xef\xbb\xbf"]
        )
    )
    return base[:pos] + junk + base[pos:]


ANY_TEXT = st.one_of(
    st.text(ALPHABET, max_size=60),
    token_soup(),
    mutated_programs(),
    bytes_programs(),
    st.text(max_size=30),
)


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
