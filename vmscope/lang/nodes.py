"""The syntax tree. The parser builds it with `Name` and `Call`; the resolver
rewrites those into slot-addressed `Local`/`Global` and `CallFn`/`CallBuiltin`,
so both engines run the same resolved tree. Nodes are frozen and compared by
identity (eq=False), so they can key side tables."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, IntEnum

from vmscope.source import Span


class BinOp(IntEnum):
    """Binary operators. An IntEnum so engines index tables by it without
    paying for Enum's Python-level hash."""

    ADD = 0
    SUB = 1
    MUL = 2
    DIV = 3
    FLOORDIV = 4
    MOD = 5
    POW = 6
    EQ = 7
    NE = 8
    LT = 9
    LE = 10
    GT = 11
    GE = 12

    @property
    def symbol(self) -> str:
        return _SYMBOLS[self]


_SYMBOLS: dict[BinOp, str] = {
    BinOp.ADD: "+", BinOp.SUB: "-", BinOp.MUL: "*", BinOp.DIV: "/", BinOp.FLOORDIV: "//",
    BinOp.MOD: "%", BinOp.POW: "**", BinOp.EQ: "==", BinOp.NE: "!=", BinOp.LT: "<",
    BinOp.LE: "<=", BinOp.GT: ">", BinOp.GE: ">=",
}


class TypeName(Enum):
    INT = "int"
    FLOAT = "float"
    STR = "str"
    BOOL = "bool"
    LIST = "list"
    ANY = "any"



# ---- expressions -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class Const:
    value: object
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class ListLit:
    items: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Name:
    """An unresolved variable (parser output only)."""

    name: str
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Local:
    slot: int
    name: str
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Global:
    index: int
    name: str
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Neg:
    operand: Expr
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Not:
    operand: Expr
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Binary:
    op: BinOp
    left: Expr
    right: Expr
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class And:
    left: Expr
    right: Expr
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Or:
    left: Expr
    right: Expr
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Index:
    obj: Expr
    index: Expr
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Call:
    """An unresolved call (parser output only)."""

    name: str
    args: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class CallFn:
    index: int
    name: str
    args: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class CallBuiltin:
    name: str
    args: tuple[Expr, ...]
    span: Span


Expr = (Const | ListLit | Name | Local | Global | Neg | Not | Binary | And | Or | Index | Call
        | CallFn | CallBuiltin)
Var = Name | Local | Global


def children(e: Expr) -> tuple[Expr, ...]:
    """An expression's operands, in evaluation order."""
    if isinstance(e, Binary | And | Or):
        return (e.left, e.right)
    if isinstance(e, Not | Neg):
        return (e.operand,)
    if isinstance(e, Index):
        return (e.obj, e.index)
    if isinstance(e, ListLit):
        return e.items
    if isinstance(e, Call | CallFn | CallBuiltin):
        return e.args
    return ()

# ---- statements --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class Block:
    stmts: tuple[Stmt, ...]
    span: Span  # the opening `{` (or the first statement of a program)
    close: Span  # the closing `}`


@dataclass(frozen=True, slots=True, eq=False)
class Let:
    target: Var
    type: TypeName | None
    value: Expr
    eq_span: Span
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Assign:
    """`x = v` or `x op= v`; `type` is the target's declared type (resolved)."""

    target: Var
    op: BinOp | None
    value: Expr
    op_span: Span
    span: Span
    type: TypeName | None = None


@dataclass(frozen=True, slots=True, eq=False)
class IndexAssign:
    obj: Expr
    index: Expr
    op: BinOp | None
    value: Expr
    bracket: Span
    op_span: Span
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class ExprStmt:
    expr: Expr
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class If:
    conds: tuple[Expr, ...]
    blocks: tuple[Block, ...]
    orelse: Block | None
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class While:
    cond: Expr
    body: Block
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class For:
    var: Var
    iterable: Expr
    body: Block
    in_span: Span
    span: Span
    seq: int = -1  # hidden local slot holding the sequence (resolved)
    index: int = -1  # hidden local slot holding the next index (resolved)


@dataclass(frozen=True, slots=True, eq=False)
class ForRange:
    """`for v in range(...)`: counts without building a list (resolved)."""

    var: Local
    args: tuple[Expr, ...]
    body: Block
    range_span: Span
    span: Span
    counter: int  # hidden local slot holding the next value
    limit: int  # hidden local slot holding stop
    step: int  # hidden local slot holding step


@dataclass(frozen=True, slots=True, eq=False)
class Return:
    value: Expr | None
    span: Span
    type: TypeName | None = None  # the function's declared result type (resolved)


@dataclass(frozen=True, slots=True, eq=False)
class Break:
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Continue:
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Param:
    name: str
    type: TypeName | None
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class FnDecl:
    name: str
    params: tuple[Param, ...]
    ret_type: TypeName | None
    body: Block
    span: Span  # the function's name


Stmt = (Let | Assign | IndexAssign | ExprStmt | If | While | For | ForRange | Return | Break
        | Continue | FnDecl)


@dataclass(frozen=True, slots=True, eq=False)
class Module:
    """Parser output: top-level statements (FnDecl included, in place)."""

    stmts: tuple[Stmt, ...]
    end: Span


@dataclass(frozen=True, slots=True, eq=False)
class Function:
    """A resolved function (or `<main>`, index -1): its frame has `nslots`
    slots, parameters first."""

    index: int
    name: str
    params: tuple[Param, ...]
    ret_type: TypeName | None
    body: Block
    nslots: int
    span: Span
    slot_names: tuple[str, ...]


@dataclass(frozen=True, slots=True, eq=False)
class ResolvedProgram:
    main: Function
    functions: tuple[Function, ...]
    globals: tuple[str, ...]
