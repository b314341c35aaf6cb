"""The generator's drawing helpers, names in scope and expressions of each
type: a mixin of support.programs.Gen, which holds the state they read."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from .vocabulary import (
    AND,
    CMP,
    FLOAT_LITS,
    INT_LITS,
    NAMES,
    NOT,
    OR,
    POSTFIX,
    POW,
    PRIMARY,
    RANGE_STEPS,
    SMALL_INTS,
    SPECIAL_FLOATS,
    STR_LITS,
    SUM,
    TERM,
    TYPES,
    UNARY,
    E,
    Fn,
    Var,
)


class Expressions:
    draw: Any
    globals: dict[str, Var]
    live: set[str]
    pending: dict[str, Var]
    scopes: list[dict[str, Var]]
    fns: list[Fn]
    cur_fn: Fn | None
    self_call_ok: bool
    nest: int
    budget: int
    sloppy: int
    future: int
    no_future: bool

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
