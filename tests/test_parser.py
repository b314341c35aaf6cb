"""The parser: tree shapes (precedence and associativity), statement
termination, assignment targets, the call rule, and syntax error positions."""

from __future__ import annotations

import pytest

import vmscope
from vmscope.errors import CompileError, ErrorKind
from vmscope.lang import nodes as n
from vmscope.lang.parser import parse


def show(e: object) -> str:
    """A fully parenthesised rendering of a parsed expression."""
    if isinstance(e, n.Const):
        if e.value is None:
            return "null"
        if isinstance(e.value, bool):
            return "true" if e.value else "false"
        return repr(e.value)
    if isinstance(e, n.Name):
        return e.name
    if isinstance(e, n.Binary):
        return f"({show(e.left)} {e.op.symbol} {show(e.right)})"
    if isinstance(e, n.And):
        return f"({show(e.left)} and {show(e.right)})"
    if isinstance(e, n.Or):
        return f"({show(e.left)} or {show(e.right)})"
    if isinstance(e, n.Not):
        return f"(not {show(e.operand)})"
    if isinstance(e, n.Neg):
        return f"(-{show(e.operand)})"
    if isinstance(e, n.Call):
        return f"{e.name}({', '.join(show(a) for a in e.args)})"
    if isinstance(e, n.Index):
        return f"{show(e.obj)}[{show(e.index)}]"
    if isinstance(e, n.ListLit):
        return f"[{', '.join(show(a) for a in e.items)}]"
    raise AssertionError(f"unexpected node {e!r}")


def expr(text: str) -> str:
    module = parse(text)
    assert len(module.stmts) == 1
    stmt = module.stmts[0]
    assert isinstance(stmt, n.ExprStmt)
    return show(stmt.expr)


def syntax_error(text: str) -> tuple[int, int]:
    with pytest.raises(CompileError) as info:
        parse(text)
    assert info.value.kind is ErrorKind.SYNTAX
    return info.value.line, info.value.col


def run(text: str) -> str:
    result = vmscope.compile_source(text).run()
    assert result.error is None, result.error
    return result.output


# ---- precedence and associativity ----------------------------------------------------------


@pytest.mark.parametrize(("text", "tree"), [
    ("-2 ** 2", "(-(2 ** 2))"),
    ("2 ** 3 ** 2", "(2 ** (3 ** 2))"),
    ("2 ** -1", "(2 ** (-1))"),
    ("-x ** -y ** 2", "(-(x ** (-(y ** 2))))"),
    ("- - 3", "(-(-3))"),
    ("2 * -3", "(2 * (-3))"),
    ("not a == b", "(not (a == b))"),
    ("not not a", "(not (not a))"),
    ("not a and b", "((not a) and b)"),
    ("a or b and c", "(a or (b and c))"),
    ("a and b or c and d", "((a and b) or (c and d))"),
    ("a or b or c", "((a or b) or c)"),
    ("a and b and c", "((a and b) and c)"),
    ("a == b and c < d", "((a == b) and (c < d))"),
    ("1 + 2 * 3 == 7", "((1 + (2 * 3)) == 7)"),
    ("10 - 2 - 3", "((10 - 2) - 3)"),
    ("a / b / c", "((a / b) / c)"),
    ("a // b * c % d", "(((a // b) * c) % d)"),
    ("a + b - c + d", "(((a + b) - c) + d)"),
    ("-a * b", "((-a) * b)"),
    ("-a[0] ** 2", "(-(a[0] ** 2))"),
    ("(a + b) * c", "((a + b) * c)"),
    ("(a < b) < c", "((a < b) < c)"),
    ("f(1)[0][1]", "f(1)[0][1]"),
    ("f(a, b + 1, [])", "f(a, (b + 1), [])"),
    ("[1, [2, 3], x]", "[1, [2, 3], x]"),
    ("true or false and null", "(true or (false and null))"),
])
def test_tree_shape(text: str, tree: str) -> None:
    assert expr(text) == tree


def test_precedence_and_associativity_when_run() -> None:
    assert run("print(-2 ** 2, 2 ** 3 ** 2, 2 ** -1)") == "-4 512 0.5\n"
    assert run("let a = 1\nlet b = 2\nprint(not a == b)") == "true\n"
    assert run("print(0 or 2 and 3, 1 and 0 or 5, not 0 and 0)") == "3 5 0\n"
    assert run("print(10 - 2 - 3, 100 / 10 / 5, 2 ** 2 ** 3)") == "5 2.0 256\n"


def test_not_is_not_allowed_as_a_comparison_or_exponent_operand() -> None:
    assert syntax_error("print(1 == not 2)") == (1, 12)
    assert syntax_error("print(2 ** not 1)") == (1, 12)


def test_chained_comparison_is_an_error_at_the_second_operator() -> None:
    assert syntax_error("a < b < c") == (1, 7)
    assert syntax_error("print(1 == 2 != 3)") == (1, 14)
    assert syntax_error("x\nif a >= b <= c {}") == (2, 11)


def test_spans_of_operators_point_at_their_tokens() -> None:
    stmt = parse("x = a + -b ** c")
    assert isinstance(stmt.stmts[0], n.Assign)
    add = stmt.stmts[0].value
    assert isinstance(add, n.Binary) and (add.span.line, add.span.col) == (1, 7)
    neg = add.right
    assert isinstance(neg, n.Neg) and neg.span.col == 9
    assert isinstance(neg.operand, n.Binary) and neg.operand.span.col == 12
    idx = parse("a[0]").stmts[0]
    assert isinstance(idx, n.ExprStmt) and isinstance(idx.expr, n.Index)
    assert idx.expr.span.col == 2  # the `[`


# ---- calls -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "pos"), [
    ("(f)(1)", (1, 4)),
    ("f(1)(2)", (1, 5)),
    ("a[0](1)", (1, 5)),
    ("x = [g][0](1)", (1, 11)),
    ('"s"(1)', (1, 4)),
    ("print(f()(1))", (1, 10)),
])
def test_only_a_bare_name_can_be_called(text: str, pos: tuple[int, int]) -> None:
    assert syntax_error(text) == pos


def test_calling_a_name_and_indexing_a_call_result_are_fine() -> None:
    call = parse("f(1)[0]").stmts[0]
    assert isinstance(call, n.ExprStmt)
    assert isinstance(call.expr, n.Index) and isinstance(call.expr.obj, n.Call)
    assert call.expr.obj.name == "f"
    assert (call.expr.obj.span.line, call.expr.obj.span.col) == (1, 1)
    assert run("fn f(x) { return [x, x * 2] }\nprint(f(3)[1])") == "6\n"


def test_no_trailing_commas() -> None:
    assert syntax_error("print(1,)") == (1, 9)
    assert syntax_error("x = [1,]") == (1, 8)
    assert syntax_error("fn f(a,) {}") == (1, 8)


# ---- statement termination ------------------------------------------------------------------


@pytest.mark.parametrize(("text", "pos"), [
    ("let c = true\nif c { a } b", (2, 12)),
    ("while c { a } b", (1, 15)),
    ("for i in x { a } b", (1, 18)),
    ("fn f() { return 1 } f()", (1, 21)),
    ("if a {} else {} else {}", (1, 17)),
    ("let x = 1 let y = 2", (1, 11)),
    ("x = 3 y = 4", (1, 7)),
    ("print(1) print(2)", (1, 10)),
])
def test_a_statement_must_end_before_the_next_begins(text: str, pos: tuple[int, int]) -> None:
    assert syntax_error(text) == pos


def test_semicolons_and_empty_statements() -> None:
    assert run("print(1); print(2);; print(3);") == "1\n2\n3\n"
    assert run(";;\n\n;print(4)\n;") == "4\n"
    assert run("if true { print(1) }; print(2)") == "1\n2\n"
    assert run("if true { ;; print(5);; }") == "5\n"
    assert len(parse("a;b\n\nc;;").stmts) == 3


def test_a_statement_ends_just_before_the_closing_brace() -> None:
    assert run("fn f() { return }\nprint(f())") == "null\n"
    assert run("let x = 0\nif true { x = 7 }\nprint(x)") == "7\n"
    body = parse("while a { b = 1; c }").stmts[0]
    assert isinstance(body, n.While) and len(body.body.stmts) == 2


def test_newlines_inside_parens_and_brackets_are_ignored() -> None:
    src = "print(1,\n  2,\n\n  3)\nlet x = [1,\n2\n,3\n]\nprint(x, (4\n+ 5))\nprint(x[\n0\n])"
    assert run(src) == "1 2 3\n[1, 2, 3] 9\n1\n"


def test_a_newline_outside_brackets_ends_the_statement() -> None:
    assert syntax_error("let x = 1\n+ 2") == (2, 1)
    assert syntax_error("let x = 1 +\n2") == (1, 12)
    assert syntax_error("if true\n{ }") == (1, 8)


@pytest.mark.parametrize("gap", [
    "\n", "\n\n\n", "\n# a comment\n", "\n\n  # one\n\n# two\n\n", "  # same line\n",
    "\r\n# crlf\r\n\r\n",
])
def test_else_and_elif_may_follow_blank_lines_and_comments(gap: str) -> None:
    src = (f"let x = 0\nif x > 0 {{ print(\"pos\") }}{gap}elif x == 0 {{ print(\"zero\") }}"
           f"{gap}else {{ print(\"neg\") }}")
    tree = parse(src).stmts[1]
    assert isinstance(tree, n.If)
    assert len(tree.conds) == 2 and tree.orelse is not None
    assert run(src) == "zero\n"


def test_else_on_a_later_line_inside_a_function_body() -> None:
    src = 'fn f(x) {\n  if x { print("a") }\n\n  # note\n  else { print("b") }\n}\nf(false)'
    assert run(src) == "b\n"


def test_else_without_if_or_after_another_statement_is_an_error() -> None:
    assert syntax_error("else { }") == (1, 1)
    assert syntax_error("if true {}\nprint(1)\nelse {}") == (3, 1)
    assert syntax_error("if true {} ; else {}") == (1, 14)


# ---- assignment targets ----------------------------------------------------------------------


def test_assignment_target_kinds() -> None:
    stmts = parse("x = 1\nx += 2\ngrid[r][c] = 0\nrow(i)[0] //= 5").stmts
    assert isinstance(stmts[0], n.Assign) and stmts[0].op is None
    assert isinstance(stmts[1], n.Assign) and stmts[1].op is n.BinOp.ADD
    assert isinstance(stmts[2], n.IndexAssign)
    assert show(stmts[2].obj) == "grid[r]" and show(stmts[2].index) == "c"
    assert (stmts[2].op_span.line, stmts[2].op_span.col) == (3, 12)
    assert stmts[2].bracket.col == 8
    assert isinstance(stmts[3], n.IndexAssign) and stmts[3].op is n.BinOp.FLOORDIV
    assert show(stmts[3].obj) == "row(i)"


@pytest.mark.parametrize(("op", "binop"), [
    ("+=", n.BinOp.ADD), ("-=", n.BinOp.SUB), ("*=", n.BinOp.MUL), ("/=", n.BinOp.DIV),
    ("//=", n.BinOp.FLOORDIV), ("%=", n.BinOp.MOD),
])
def test_compound_assignment_operators(op: str, binop: n.BinOp) -> None:
    stmt = parse(f"x {op} 1").stmts[0]
    assert isinstance(stmt, n.Assign) and stmt.op is binop
    assert stmt.op_span.col == 3


@pytest.mark.parametrize(("text", "pos"), [
    ("a + 1 = 2", (1, 7)),
    ("(a) = 2", (1, 5)),
    ("(a) += 2", (1, 5)),
    ("1 = 2", (1, 3)),
    ("-x = 1", (1, 4)),
    ("f() = 1", (1, 5)),
    ("x == 1 = 2", (1, 8)),
    ("x = y = 1", (1, 7)),  # assignment is a statement, not an expression
    ("x **= 2", (1, 5)),  # there is no **=: `x ** =` lacks an exponent
])
def test_bad_assignment_targets(text: str, pos: tuple[int, int]) -> None:
    assert syntax_error(text) == pos


# ---- declarations ----------------------------------------------------------------------------


def test_function_declaration_shape() -> None:
    decl = parse("fn f(a: int, b, c: any) -> float { return a }").stmts[0]
    assert isinstance(decl, n.FnDecl)
    assert decl.name == "f" and decl.span.col == 4
    assert [(p.name, p.type) for p in decl.params] == [
        ("a", n.TypeName.INT), ("b", None), ("c", n.TypeName.ANY)]
    assert [p.span.col for p in decl.params] == [6, 14, 17]
    assert decl.ret_type is n.TypeName.FLOAT


def test_let_shape_and_types() -> None:
    stmts = parse("let a: list = []\nlet b = 1").stmts
    assert isinstance(stmts[0], n.Let) and stmts[0].type is n.TypeName.LIST
    assert stmts[0].eq_span.col == 13
    assert isinstance(stmts[1], n.Let) and stmts[1].type is None


@pytest.mark.parametrize(("text", "pos"), [
    ("fn f() { fn g() {} }", (1, 10)),
    ("if true { fn g() {} }", (1, 11)),
    ("while true {\n  fn g() {}\n}", (2, 3)),
])
def test_nested_fn_is_rejected_at_the_fn_keyword(text: str, pos: tuple[int, int]) -> None:
    assert syntax_error(text) == pos


@pytest.mark.parametrize(("text", "pos"), [
    ("let = 3", (1, 5)),
    ("let if = 1", (1, 5)),
    ("let x: foo = 3", (1, 8)),
    ("let x: null = 3", (1, 8)),
    ("let x 3", (1, 7)),
    ("fn f() -> foo {}", (1, 11)),
    ("fn (a) {}", (1, 4)),
    ("fn f(1) {}", (1, 6)),
    ("fn f() return", (1, 8)),
    ("for 1 in x {}", (1, 5)),
    ("for i x {}", (1, 7)),
    ("print(1", (1, 8)),
    ("x = (1 +\n", (2, 1)),
    ("if true {\n  print(1)\n", (3, 1)),
    ("x +", (1, 4)),
    ("{ }", (1, 1)),
    ("a[1", (1, 4)),
    ("print(1 2)", (1, 9)),
])
def test_syntax_error_positions(text: str, pos: tuple[int, int]) -> None:
    assert syntax_error(text) == pos


def test_first_syntax_error_wins() -> None:
    assert syntax_error("print(1)\nx = )\ny = ]") == (2, 5)


def test_lexical_error_reported_through_parse() -> None:
    assert syntax_error("print(1)\nx = 1.") == (2, 6)


def test_type_and_builtin_names_are_ordinary_names() -> None:
    assert run("let list = [1]; let int = 2; let any = 3\nprint(list, int, any)") == "[1] 2 3\n"
