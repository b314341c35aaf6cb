"""Closure factories generated from templates, for -O1 and -O2.

A fused instruction's body is Python source built from the expression's
*shape*: every slot index, constant, span and name is a captured argument
(`a0`, `a1`, ...), never text in the source, so user identifiers and string
literals only ever travel as data. Factories are cached by source, so one
exec serves every instruction of the same shape. Operators whose operand
types are known statically compile to bare Python arithmetic; unknown types
get an int fast path behind a type guard, and a failed guard counts a
deoptimisation (vm.deopts[ip]) before falling back to the generic operator.

The run's semantics (its operators, builtins, int bounds and length limit)
are captured values too, so one factory serves every setting of the limits
and a closure reads its bounds from a cell, never from a module global.
While generating, a Gen records which variables the instruction stores and
whether it may change a list in place (Instr.writes / Instr.mutates)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vmscope.compiler.fallbacks import NAMESPACE
from vmscope.compiler.fused import Built, Kind
from vmscope.compiler.infer import NULL, Ty, Types, binary_type
from vmscope.lang import nodes as n
from vmscope.lang.builtins import MUTATING
from vmscope.lang.semantics import Semantics
from vmscope.source import Span
from vmscope.vm.program import Scope, Write

_FACTORIES: dict[str, Callable[..., Any]] = {}
_ARITH_SYM = {n.BinOp.ADD: "+", n.BinOp.SUB: "-", n.BinOp.MUL: "*"}
_CMP_SYM = {n.BinOp.LT: "<", n.BinOp.LE: "<=", n.BinOp.GT: ">", n.BinOp.GE: ">=",
            n.BinOp.EQ: "==", n.BinOp.NE: "!="}
_NUM = (int, float)
# The generic operators' names, as fused families show them (`truediv.float`).
_OP_NAMES = {n.BinOp.ADD: "add", n.BinOp.SUB: "sub", n.BinOp.MUL: "mul", n.BinOp.DIV: "truediv",
             n.BinOp.FLOORDIV: "floordiv", n.BinOp.MOD: "mod", n.BinOp.POW: "power",
             n.BinOp.EQ: "eq", n.BinOp.NE: "ne", n.BinOp.LT: "lt", n.BinOp.LE: "le",
             n.BinOp.GT: "gt", n.BinOp.GE: "ge"}


class SlotRef:
    """An operand already computed into a slot of the frame."""

    __slots__ = ("slot", "type")

    def __init__(self, slot: int, ty: Ty) -> None:
        self.slot = slot
        self.type = ty


class Gen:
    """Builds the body of one fused closure."""

    def __init__(self, types: Types, func: int, ip: int, sem: Semantics,
                 set_globals: set[int] | frozenset[int] = frozenset()) -> None:
        self.types = types
        self.sem = sem
        self.set_globals = set_globals  # globals certainly assigned here: no unset check
        self.func = func
        self.shared: dict[str, str] = {}  # captured once per closure: bounds, limits
        self.writes: list[Write] = []
        self.mutates = False
        self.lines: list[str] = []
        self.args: list[Any] = []
        self.depth = 1
        self.ntmp = 0
        self.ip = ip
        self.ip_arg = self.cap(ip)
        self.uses_globals = False
        self.ops: list[str] = []  # the opcode families inside, for naming

    # ---- plumbing -------------------------------------------------------------------------

    def cap(self, value: Any) -> str:
        self.args.append(value)
        return f"a{len(self.args) - 1}"

    def cap_once(self, key: str, value: Any) -> str:
        """Capture a value every use in this closure shares (a bound, a limit)."""
        name = self.shared.get(key)
        if name is None:
            name = self.shared[key] = self.cap(value)
        return name

    def max_length(self) -> str:
        return self.cap_once("max_length", self.sem.bounds.max_length)

    def operator(self, op: n.BinOp) -> str:
        """The run's generic operator for `op`, captured."""
        return self.cap_once(f"op{op.value}", self.sem.ops.binary[op])

    def tmp(self) -> str:
        self.ntmp += 1
        return f"t{self.ntmp}"

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def deopt(self) -> None:
        self.emit(f"vm.deopts[{self.ip_arg}] += 1")

    # ---- expressions ----------------------------------------------------------------------

    def expr(self, e: n.Expr | SlotRef) -> tuple[str, Ty]:
        if isinstance(e, SlotRef):
            t = self.tmp()
            self.emit(f"{t} = s[{self.cap(e.slot)}]")
            return t, e.type
        if isinstance(e, n.Const):
            return self.cap(e.value), type(e.value)
        if isinstance(e, n.Local):
            t = self.tmp()
            self.emit(f"{t} = s[{self.cap(e.slot)}]")
            return t, self.types.of(self.func, e)
        if isinstance(e, n.Global):
            return self.global_(e), self.types.of(self.func, e)
        if isinstance(e, n.Binary):
            a, ta = self.expr(e.left)
            b, tb = self.expr(e.right)
            return self.binop(e.op, a, ta, b, tb, e.span), binary_type(e.op, ta, tb)
        if isinstance(e, n.And | n.Or):
            return self.logical(e)
        if isinstance(e, n.Not):
            a, _ = self.expr(e.operand)
            t = self.tmp()
            self.emit(f"{t} = not {a}")
            self.ops.append("not")
            return t, bool
        if isinstance(e, n.Neg):
            return self.neg(e)
        if isinstance(e, n.Index):
            return self.index(e)
        if isinstance(e, n.ListLit):
            items = [self.expr(i)[0] for i in e.items]
            t = self.tmp()
            self.emit(f"{t} = [{', '.join(items)}]")
            self.ops.append("build_list")
            return t, list
        if isinstance(e, n.CallBuiltin):
            return self.builtin(e)
        raise AssertionError(f"cannot fuse {type(e).__name__}")

    def global_(self, e: n.Global) -> str:
        self.uses_globals = True
        t = self.tmp()
        self.emit(f"{t} = g[{self.cap(e.index)}]")
        if e.index not in self.set_globals:
            self.emit(f"if {t} is U:")
            self.emit(f"    raise h_unset({self.cap(e.name)}, {self.cap(e.span)})")
        return t

    def binop(self, op: n.BinOp, a: str, ta: Ty, b: str, tb: Ty, span: Span) -> str:
        r = self.tmp()
        sp = self.cap(span)
        name = _OP_NAMES[op]
        if ta is int and tb is int and op in _ARITH_SYM:
            self._int_arith(r, a, _ARITH_SYM[op], b, sp)
            self.ops.append(f"{name}.int")
        elif ta is int and tb is int and op in (n.BinOp.FLOORDIV, n.BinOp.MOD):
            self.emit(f"if not {b}:")
            self.emit(f"    raise h_zdiv({sp})")
            self.emit(f"{r} = {a} {'//' if op is n.BinOp.FLOORDIV else '%'} {b}")
            self.ops.append(f"{name}.int")
        elif ta is float and tb is float and op in _ARITH_SYM:
            self.emit(f"{r} = {a} {_ARITH_SYM[op]} {b}")
            self.ops.append(f"{name}.float")
        elif ta in _NUM and tb in _NUM and op in _ARITH_SYM:
            # int with float: Python's mixed arithmetic, unless the int is too
            # big for a float (then the generic operator reports it).
            self.emit("try:")
            self.emit(f"    {r} = {a} {_ARITH_SYM[op]} {b}")
            self.emit("except OverflowError:")
            self.emit(f"    {r} = h_op({self.operator(op)}, {a}, {b}, {sp})")
            self.ops.append(f"{name}.mixed")
        elif ta is float and tb is float and op is n.BinOp.DIV:
            self.emit(f"if not {b}:")
            self.emit(f"    raise h_fdiv({sp})")
            self.emit(f"{r} = {a} / {b}")
            self.ops.append(f"{name}.float")
        elif op in _CMP_SYM and ((ta in _NUM and tb in _NUM) or (ta is tb and ta is str) or
                                 (op in (n.BinOp.EQ, n.BinOp.NE) and ta is tb and
                                  ta in (bool, NULL))):
            self.emit(f"{r} = {a} {_CMP_SYM[op]} {b}")
            self.ops.append(f"{name}.{ta.__name__ if ta is tb else 'num'}")
        elif op is n.BinOp.ADD and ta is str and tb is str:
            self.emit(f"if len({a}) + len({b}) > {self.max_length()}:")
            self.emit(f"    {r} = h_op({self.operator(op)}, {a}, {b}, {sp})")
            self.emit(f"{r} = {a} + {b}")
            self.ops.append("add.str")
        elif (ta is None or tb is None) and (op in _ARITH_SYM or op in _CMP_SYM or
                                             op is n.BinOp.DIV) and \
                ta in (int, float, None) and tb in (int, float, None) and \
                ((ta in (float, None) and tb in (float, None)) or op is not n.BinOp.DIV):
            # Speculate int (or float, where an operand is one), guard, and fall
            # back (deoptimise) to the generic operator.
            keyword = "if"
            if ta in (int, None) and tb in (int, None) and op is not n.BinOp.DIV:
                self.emit(f"if type({a}) is int and type({b}) is int:")
                self.depth += 1
                if op in _ARITH_SYM:
                    self._int_arith(r, a, _ARITH_SYM[op], b, sp)
                else:
                    self.emit(f"{r} = {a} {_CMP_SYM[op]} {b}")
                self.depth -= 1
                keyword = "elif"
            if ta in (float, None) and tb in (float, None):
                test = f"type({a}) is float and type({b}) is float"
                if op is n.BinOp.DIV:
                    test += f" and {b}"
                self.emit(f"{keyword} {test}:")
                sym = _ARITH_SYM.get(op) or _CMP_SYM.get(op) or "/"
                self.emit(f"    {r} = {a} {sym} {b}")
            self.emit("else:")
            self.depth += 1
            self.deopt()
            self.emit(f"{r} = h_op({self.operator(op)}, {a}, {b}, {sp})")
            self.depth -= 1
            self.ops.append(f"{name}.guard")
        else:
            self.emit(f"{r} = h_op({self.operator(op)}, {a}, {b}, {sp})")
            self.ops.append(name)
        return r

    def _int_arith(self, r: str, a: str, sym: str, b: str, sp: str) -> None:
        ops = self.sem.ops
        low = self.cap_once("neg_int_bound", ops.neg_int_bound)
        high = self.cap_once("int_bound", ops.int_bound)
        self.emit(f"{r} = {a} {sym} {b}")
        self.emit(f"if not {low} < {r} < {high}:")
        self.emit(f"    raise h_limit({self.cap_once('bits', ops.bounds.max_int_bits)}, {sp})")

    def logical(self, e: n.And | n.Or) -> tuple[str, Ty]:
        a, ta = self.expr(e.left)
        r = self.tmp()
        self.emit(f"{r} = {a}")
        self.emit(f"if {'' if isinstance(e, n.And) else 'not '}{r}:")
        self.depth += 1
        mark = len(self.lines)
        b, tb = self.expr(e.right)
        self.emit(f"{r} = {b}")
        if len(self.lines) == mark:
            self.emit("pass")
        self.depth -= 1
        self.ops.append("and" if isinstance(e, n.And) else "or")
        return r, (ta if ta is tb else None)

    def neg(self, e: n.Neg) -> tuple[str, Ty]:
        a, ta = self.expr(e.operand)
        r = self.tmp()
        if ta in _NUM:
            self.emit(f"{r} = -{a}")
            self.ops.append(f"neg.{'int' if ta is int else 'float'}")
            return r, ta
        self.emit(f"{r} = h_op1(_v.neg, {a}, {self.cap(e.span)})")
        self.ops.append("neg")
        return r, None

    def index(self, e: n.Index) -> tuple[str, Ty]:
        a, ta = self.expr(e.obj)
        b, tb = self.expr(e.index)
        r = self.tmp()
        sp = self.cap(e.span)
        if ta is list and tb is int:
            self.emit("try:")
            self.emit(f"    {r} = {a}[{b}]")
            self.emit("except IndexError:")
            self.emit(f"    raise h_index({sp}) from None")
            self.ops.append("index.list")
        else:
            self.emit(f"if type({a}) is list and type({b}) is int:")
            self.emit("    try:")
            self.emit(f"        {r} = {a}[{b}]")
            self.emit("    except IndexError:")
            self.emit(f"        raise h_index({sp}) from None")
            self.emit("else:")
            self.emit(f"    {r} = h_op(_v.get_index, {a}, {b}, {sp})")
            self.ops.append("index")
        return r, (str if ta is str else None)

    def builtin(self, e: n.CallBuiltin) -> tuple[str, Ty]:
        args = [self.expr(a) for a in e.args]
        r = self.tmp()
        names = ", ".join(a for a, _ in args)
        sp = self.cap(e.span)
        kinds = [t for _, t in args]
        one = len(args) == 1
        builtins = self.sem.builtins
        if e.name in MUTATING:
            self.mutates = True
        if e.name == "print":
            self.emit(f"vm.write(h_op1(print_line, [{names}], {sp}))")
            self.emit(f"{r} = None")
        elif e.name == "len" and one and kinds[0] in (str, list):
            self.emit(f"{r} = len({names})")
        elif e.name == "str" and one and kinds[0] in (int, str):
            # An int's digits or a copy of a str: only the length limit can fail.
            self.emit(f"{r} = str({names})")
            self.emit(f"if len({r}) > {self.max_length()}:")
            self.emit(f"    {r} = h_op1({self.cap(self.sem.ops.to_str)}, {names}, {sp})")
        elif e.name == "str" and one:
            self.emit(f"{r} = h_op1({self.cap(self.sem.ops.to_str)}, {names}, {sp})")
        elif e.name == "sqrt" and one and kinds[0] in (float, None):
            self.emit(f"if type({names}) is float and {names} >= 0.0:")
            self.emit(f"    {r} = _sqrt({names})")
            self.emit("else:")
            self.emit(f"    {r} = h_op1({self.cap(builtins['sqrt'])}, [{names}], {sp})")
        elif e.name == "abs" and one and kinds[0] in _NUM:
            self.emit(f"{r} = abs({names})")
        elif e.name == "push" and len(args) == 2 and kinds[0] is list:
            self.emit(f"if len({args[0][0]}) >= {self.max_length()}:")
            self.emit(f"    h_op1({self.cap(builtins['push'])}, [{names}], {sp})")
            self.emit(f"{args[0][0]}.append({args[1][0]})")
            self.emit(f"{r} = None")
        else:
            fn = self.cap(builtins[e.name])
            self.emit(f"{r} = h_op1({fn}, [{names}], {sp})")
        self.ops.append(e.name)
        return r, self.types.of(self.func, e)

    # ---- statements -----------------------------------------------------------------------

    def check(self, value: str, ty: Ty, declared: n.TypeName | None, span: Span) -> str:
        if declared is None or declared is n.TypeName.ANY:
            return value
        wanted = {n.TypeName.INT: int, n.TypeName.FLOAT: float, n.TypeName.STR: str,
                  n.TypeName.BOOL: bool, n.TypeName.LIST: list}[declared]
        if ty is wanted:
            return value
        r = self.tmp()
        self.emit(f"{r} = h_check({value}, {self.cap(declared)}, {self.cap(span)})")
        return r

    def store(self, target: n.Expr, value: str, define: bool) -> None:
        if isinstance(target, n.Local):
            self.emit(f"s[{self.cap(target.slot)}] = {value}")
            self.writes.append((Scope.LOCAL, target.slot))
            return
        assert isinstance(target, n.Global)
        self.writes.append((Scope.GLOBAL, target.index))
        self.uses_globals = True
        index = self.cap(target.index)
        if not define and target.index not in self.set_globals:
            self.emit(f"if g[{index}] is U:")
            self.emit(f"    raise h_unset({self.cap(target.name)}, {self.cap(target.span)})")
        self.emit(f"g[{index}] = {value}")

    def statement(self, s: n.Stmt) -> None:
        if isinstance(s, n.Let):
            value, ty = self.expr(s.value)
            self.store(s.target, self.check(value, ty, s.type, s.eq_span), define=True)
        elif isinstance(s, n.Assign):
            if s.op is None:
                value, ty = self.expr(s.value)
            else:
                old, told = self.expr(s.target)
                rhs, trhs = self.expr(s.value)
                value = self.binop(s.op, old, told, rhs, trhs, s.op_span)
                ty = binary_type(s.op, told, trhs)
            self.store(s.target, self.check(value, ty, s.type, s.op_span), define=False)
        elif isinstance(s, n.IndexAssign):
            obj, _ = self.expr(s.obj)
            i, _ = self.expr(s.index)
            if s.op is None:
                value, _ = self.expr(s.value)
            else:
                old = self.tmp()
                self.emit(f"{old} = h_op(_v.get_index, {obj}, {i}, {self.cap(s.bracket)})")
                rhs, trhs = self.expr(s.value)
                value = self.binop(s.op, old, None, rhs, trhs, s.op_span)
            sp = self.cap(s.bracket)
            self.emit(f"if type({obj}) is list and type({i}) is int:")
            self.emit("    try:")
            self.emit(f"        {obj}[{i}] = {value}")
            self.emit("    except IndexError:")
            self.emit(f"        h_set_index({obj}, {i}, {value}, {sp})")
            self.emit("else:")
            self.emit(f"    h_set_index({obj}, {i}, {value}, {sp})")
            self.ops.append("store_index")
            self.mutates = True
        elif isinstance(s, n.ExprStmt):
            self.expr(s.expr)
        else:
            raise AssertionError(f"cannot fuse {type(s).__name__}")

    # ---- calls and returns ----------------------------------------------------------------

    def call_tail(self, args: list[str], dest: int, span: Span, pad: int) -> list[str]:
        """After the arguments: push a frame (flat call) and jump to the callee.
        The new frame is one list display: arguments, then `pad` unset slots."""
        self.ops.append("call")
        frame = ", ".join([*args, *["U"] * pad]) if pad <= 16 else \
            f"{', '.join(args)}{',' if len(args) == 1 else ''}] + [U] * {self.cap(pad)} + ["
        return [
            "fr = vm.frames",
            "d = len(fr)",
            "if d >= vm.max_depth:",
            f"    raise h_depth(vm.max_depth, {self.cap(span)})",
            f"fr.append((s, {self.ip_arg}, {self.cap(dest)}))",
            f"vm.slots = [{frame}]",
            "if d >= vm.deepest:",
            "    vm.deepest = d + 1",
            "return off",
        ]

    def return_tail(self, value: str) -> list[str]:
        self.ops.append("return")
        return [
            "fr = vm.frames",  # not .pop(): no eval-breaker check (a sampler's signal) here
            "caller, call_ip, dest = fr[-1]",
            "del fr[-1]",
            f"caller[dest] = {value}",
            "vm.slots = caller",
            f"return call_ip + 1 - {self.ip_arg}",
        ]

    # ---- closures -------------------------------------------------------------------------

    def build(self, kind: Kind, result: str | None = None, dest: int | None = None,
              jump: bool = False, tail: list[str] | None = None, when_true: bool = False
              ) -> Built:
        """The closure's factory; a jump's factory takes the offset first."""
        family = kind.family(self.ops)
        fname = "op_" + family.replace(".", "_")
        body = list(self.lines)
        if result is not None and dest is not None:
            body.append(f"    s[{self.cap(dest)}] = {result}")
        if tail is not None:
            body += ["    " + line for line in tail]  # (an empty tail: the body returns)
        elif jump and when_true:
            body.append(f"    return off if {result} else 1")
        elif jump:
            body.append(f"    return 1 if {result} else off")
        else:
            body.append("    return 1")
        head = ["    s = vm.slots"]
        if self.uses_globals:
            head.append("    g = vm.globals")
        params = ", ".join(f"a{i}" for i in range(len(self.args)))
        if jump:
            params = "off" + (", " + params if params else "")

        source = "\n".join([f"def make({params}):", f"  def {fname}(vm):",
                            *("  " + line for line in head + body), f"  return {fname}"])
        factory = _FACTORIES.get(source)
        if factory is None:
            namespace = dict(NAMESPACE)
            exec(compile(source, f"<vmscope {family}>", "exec"), namespace)
            factory = namespace["make"]
            _FACTORIES[source] = factory
        return Built(kind, factory, tuple(self.args), family, tuple(dict.fromkeys(self.writes)),
                     self.mutates)


def factory_cache_size() -> int:
    return len(_FACTORIES)
