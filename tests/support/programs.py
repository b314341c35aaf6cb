"""A scope- and type-aware generator of random *well-formed* programs, as
source text (hypothesis strategy `programs()`), for the property tests and
the store-metadata check. Every program it makes compiles; runtime errors
(TypeError, LimitError, RecursionError, ...) are expected and welcome.

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
Values can still grow exponentially by sharing (`a = [a, a]` in a loop):
runners keep a watchdog (see tests/test_properties.py)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from .expressions import Expressions
from .vocabulary import AND, COMPOUND, DEFAULT, NAMES, STR_LITS, TYPES, Fn, Var


@dataclass
class Gen(Expressions):
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
