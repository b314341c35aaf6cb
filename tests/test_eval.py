"""`vmscope eval EXPR --rows FILE.csv`: tables (header, types, cells), the
row expression's compile and run errors, `--where`, the batch API, and the two
engines agreeing row by row. Most command-line checks run in-process
(`vmscope.cli.main`); a few go through `python -m vmscope` in subprocesses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from vmscope.cli import main
from vmscope.errors import CompileError, ErrorKind, GuestError
from vmscope.lang import values
from vmscope.lang.nodes import TypeName
from vmscope.lang.values import Limits, display
from vmscope.rows import (
    Column,
    compile_expression,
    csvfile,
    evaluate_row,
    evaluate_rows,
    make_runner,
    parse_table,
)
from vmscope.vm.opcodes import Op

ENGINES = ("closure", "ast")
INT, FLOAT, STR, BOOL, ANY = (TypeName.INT, TypeName.FLOAT, TypeName.STR, TypeName.BOOL,
                              TypeName.ANY)

SHOP = """\
name,price,qty:int,discount,ok:bool,note,tag
apple,1.5,10,0.1,true,,
pear,2,3,,false,ripe,
"x",100,5,0,true,"a,b",
fig,0.25,0,0.5,false,,
"""


def write_csv(tmp_path: Path, text: str, name: str = "t.csv") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["eval", *args])
    out, err = capsys.readouterr()
    return code, out, err


def usage_message(result: tuple[int, str, str]) -> str:
    code, out, err = result
    assert code == 2 and out == "", result
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("vmscope: "), err
    return lines[0]


# ---- tables: header, inference, cells ---------------------------------------------------------


def types_of(text: str) -> dict[str, TypeName]:
    return {c.name: c.type for c in parse_table(text).columns}


def test_bare_columns_take_the_type_every_non_empty_cell_fits() -> None:
    text = ("i,f,s,n,e,w,b\n"
            "1,1,1,,,3,true\n"
            " +7 ,2.5,x,,, -4 ,false\n"
            "007,1e3,2,,,,\n"
            "-0,inf,3.5,,,,\n")
    assert types_of(text) == {"i": INT, "f": FLOAT, "s": STR, "n": ANY, "e": ANY, "w": INT,
                              "b": STR}  # bool is never inferred: true/false is text


def test_int_inference_uses_int_rule_and_float_uses_pythons_float() -> None:
    # int()'s rule has no underscores; Python's float() accepts them.
    assert types_of("a,b,c\n1_000,nan,0x10\n") == {"a": FLOAT, "b": FLOAT, "c": STR}


def test_inferred_values() -> None:
    table = parse_table("i,f,s,n\n 7 ,2,x,\n007,0.5,,\n")
    rows, error = table.convert()
    assert error is None
    assert rows == [(7, 2.0, "x", None), (7, 0.5, None, None)]
    assert [type(v) for v in rows[0]] == [int, float, str, type(None)]


def test_typed_headers_fix_the_type() -> None:
    table = parse_table("q:int,p:float,s:str,b:bool\n3,3,12,true\n,,,false\n")
    assert [(c.name, c.type, c.declared) for c in table.columns] == [
        ("q", INT, True), ("p", FLOAT, True), ("s", STR, True), ("b", BOOL, True)]
    rows, error = table.convert()
    assert error is None
    assert rows == [(3, 3.0, "12", True), (None, None, None, False)]
    assert type(rows[0][1]) is float


def test_nullable_is_known_per_column() -> None:
    table = parse_table("a,b\n1,\n2,x\n")
    assert [c.nullable for c in table.columns] == [False, True]


def test_header_line_is_kept_exactly_and_a_bom_is_ignored() -> None:
    table = parse_table('\ufeff"price",qty:int \r\n1,2\r\n'.replace(" ", "").encode())
    assert table.header_line == '"price",qty:int'
    assert [c.name for c in table.columns] == ["price", "qty"]


@pytest.mark.parametrize("text,message", [
    ("a,b:int\n1,2\n3,x\n", 'row 2, column b: cannot read "x" as int'),
    ("a,b:int\n1,2\n3,1.5\n", 'row 2, column b: cannot read "1.5" as int'),
    ("a:float,b\n1,2\nz,3\n", 'row 2, column a: cannot read "z" as float'),
    ("a,b:bool\n1,true\n2,True\n", 'row 2, column b: cannot read "True" as bool'),
    ("a,b\n1,2\n3\n", "row 2, column b: missing cell (the row has 1 cell, the header 2)"),
    ("a,b\n1,2\n3,4,5\n", "row 2, column 3: extra cell (the row has 3 cells, the header 2)"),
    ("a:int,b:int\n1,2\nx,y\n", 'row 2, column a: cannot read "x" as int'),  # leftmost
    ("a,b:int\n5,6\n1,x\n3\n", 'row 2, column b: cannot read "x" as int'),  # earliest row
])
def test_bad_rows_name_the_row_and_the_column(text: str, message: str) -> None:
    rows, error = parse_table(text).convert()
    assert len(rows) == 1  # the rows before the bad one, converted
    assert error is not None and error.kind is ErrorKind.VALUE
    assert error.message.startswith(message)
    assert (error.line, error.col) == (1, 1)


def test_int_cells_obey_the_int_size_limit() -> None:
    rows, error = parse_table("a:int\n255\n256\n").convert(Limits(max_int_bits=8))
    assert rows == [(255,)]
    assert error is not None and error.kind is ErrorKind.LIMIT
    assert error.message.startswith("row 2, column a: ")


# ---- the command: output ----------------------------------------------------------------------


def test_one_display_form_per_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_path = write_csv(tmp_path, SHOP)
    for engine in ENGINES:
        assert run(capsys, "--engine", engine, "price * qty", "--rows", csv_path) == (
            0, "15.0\n6.0\n500.0\n0.0\n", "")
        assert run(capsys, "--engine", engine, "[name, discount, note, tag, ok]", "--rows",
                   csv_path) == (0, '["apple", 0.1, null, null, true]\n'
                                    '["pear", null, "ripe", null, false]\n'
                                    '["x", 0.0, "a,b", null, true]\n'
                                    '["fig", 0.5, null, null, false]\n', "")


def test_where_writes_the_header_as_is_and_matching_rows_as_csv(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_path = write_csv(tmp_path, SHOP.replace("\n", "\r\n"))
    expected = ('name,price,qty:int,discount,ok:bool,note,tag\n'
                'apple,1.5,10,0.1,true,,\n'
                'x,100,5,0,true,"a,b",\n')  # cells re-quoted by csv.writer, "\n" endings
    for engine in ENGINES:
        assert run(capsys, "--engine", engine, "--where", "ok", "--rows", csv_path) == (
            0, expected, "")
    # Truthiness is the language's: 0, 0.0, "", null, [] are false.
    assert run(capsys, "--where", "qty", "--rows", csv_path)[1].count("\n") == 4
    assert run(capsys, "--where", "discount", "--rows", csv_path)[1].splitlines()[1:] == [
        "apple,1.5,10,0.1,true,,", "fig,0.25,0,0.5,false,,"]


def test_where_with_no_matching_rows_writes_only_the_header(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_path = write_csv(tmp_path, '"a" , b\n1,2\n'.replace(" ", ""))
    assert run(capsys, "--where", "a > 5", "--rows", csv_path) == (0, '"a",b\n', "")


def test_a_table_without_data_rows_prints_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_path = write_csv(tmp_path, "a,b\n")
    assert run(capsys, "a + b", "--rows", csv_path) == (0, "", "")
    assert run(capsys, "a", "--rows", csv_path, "--where") == (0, "a,b\n", "")


def test_print_in_the_expression_stays_in_row_order(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_path = write_csv(tmp_path, "a\n1\n2\n3\n")
    for engine in ENGINES:
        assert run(capsys, "--engine", engine, "print(a) or a * 10", "--rows", csv_path) == (
            0, "1\n10\n2\n20\n3\n30\n", "")
        assert run(capsys, "--engine", engine, "--where", "print(a) or a != 2", "--rows",
                   csv_path) == (0, "a\n1\n1\n2\n3\n3\n", "")


# ---- the command: errors ----------------------------------------------------------------------


def test_bad_row_error_after_the_earlier_rows(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_path = write_csv(tmp_path, "a,b:int\n1,2\n3,4\n5,x\n7,8\n")
    for engine in ENGINES:
        code, out, err = run(capsys, "--engine", engine, "a + b", "--rows", csv_path)
        assert (code, out) == (1, "3\n7\n")
        assert err.splitlines() == [
            '<expr>:1:1: ValueError: row 3, column b: cannot read "x" as int',
            "  at <main> (<expr>:1:1)"]
        code, out, err = run(capsys, "--engine", engine, "--where", "a > 2", "--rows",
                             csv_path)
        assert (code, out) == (1, "a,b:int\n3,4\n")
        assert err.startswith("<expr>:1:1: ValueError: row 3, column b:")


def test_short_and_long_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_path = write_csv(tmp_path, "a,b,c\n1,2,3\n4,5\n")
    code, out, err = run(capsys, "a", "--rows", csv_path)
    assert (code, out) == (1, "1\n")
    assert err.startswith("<expr>:1:1: ValueError: row 2, column c: missing cell")
    csv_path = write_csv(tmp_path, "a,b\n1,2\n3,4\n5,6,7\n")
    code, out, err = run(capsys, "a", "--rows", csv_path)
    assert (code, out) == (1, "1\n3\n")
    assert err.startswith("<expr>:1:1: ValueError: row 3, column 3: extra cell")


def test_an_expression_error_in_an_earlier_row_comes_first(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_path = write_csv(tmp_path, "a,b:int\n1,2\n0,4\n5,x\n")
    code, out, err = run(capsys, "b / a", "--rows", csv_path)
    assert (code, out) == (1, "2.0\n")
    assert err.splitlines() == ["<expr>:1:3: ZeroDivisionError: row 2: division by zero",
                                "  at <main> (<expr>:1:3)"]


def test_runtime_errors_exit_1_with_the_main_frame(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_path = write_csv(tmp_path, SHOP)
    for engine in ENGINES:
        code, out, err = run(capsys, "--engine", engine, "name + ':' + str(price * discount)",
                             "--rows", csv_path)
        assert (code, out) == (1, "apple:0.15000000000000002\n")
        assert err.splitlines() == [
            "<expr>:1:24: TypeError: row 2: unsupported operand types for *: float and null",
            "  at <main> (<expr>:1:24)"]
        code, out, err = run(capsys, "--engine", engine, "name[3]", "--rows", csv_path)
        assert (code, out) == (1, "l\nr\n")
        assert err.splitlines()[0] == "<expr>:1:5: IndexError: row 3: str index out of range"


def test_rows_in_later_chunks(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csvfile, "BATCH_ROWS", 3)
    csv_path = write_csv(tmp_path, "a\n" + "".join(f"{i}\n" for i in range(10)) + "0\n")
    for engine in ENGINES:
        code, out, err = run(capsys, "--engine", engine, "100 // (a - 7)", "--rows", csv_path)
        assert (code, out) == (1, "-15\n-17\n-20\n-25\n-34\n-50\n-100\n")
        assert err.startswith("<expr>:1:5: ZeroDivisionError: row 8: ")
        code, out, err = run(capsys, "--engine", engine, "--where", "a % 4 == 1", "--rows",
                             csv_path)
        assert (code, out, err) == (0, "a\n1\n5\n9\n", "")


@pytest.mark.parametrize("expr,col,kind", [
    ("price +", 8, "SyntaxError"),
    ("", 1, "SyntaxError"),
    ("1 < 2 < 3", 7, "SyntaxError"),
    ("price = 1", 7, "SyntaxError"),
    ("let x = 1", 1, "SyntaxError"),
    ("'abc", 5, "SyntaxError"),
    ("len(price", 10, "SyntaxError"),
    ("price $ 2", 7, "SyntaxError"),
    ("(price\n+ 1)", 7, "SyntaxError"),  # an expression is one line
    ("price\n+ 1", 6, "SyntaxError"),
    ("price + $\n", 9, "SyntaxError"),  # an error before the newline wins
    ("foo", 1, "NameError"),
    ("price + bar", 9, "NameError"),
    ("nope(price)", 1, "NameError"),
    ("bar + (", 8, "SyntaxError"),  # a grammar error wins over a name error
    ("a + b + qty", 1, "NameError"),  # the first in source order
])
def test_compile_errors_are_at_expr_line_1_and_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], expr: str, col: int,
        kind: str) -> None:
    csv_path = write_csv(tmp_path, SHOP)
    for engine in ENGINES:
        code, out, err = run(capsys, "--engine", engine, "--rows", csv_path, "--", expr)
        assert (code, out) == (2, ""), err
        lines = err.splitlines()
        assert len(lines) == 1
        assert lines[0].startswith(f"<expr>:1:{col}: {kind}: "), lines[0]


def test_an_undecodable_expression_is_a_syntax_error_at_the_byte(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_path = write_csv(tmp_path, "a\n1\n")
    bad = b"a + \xff".decode("utf-8", "surrogateescape")
    assert run(capsys, bad, "--rows", csv_path) == (
        2, "", "<expr>:1:5: SyntaxError: invalid UTF-8 byte\n")


@pytest.mark.parametrize("header,fragment", [
    ("a,b-c", '"b-c" is not an identifier'),
    ("a,2b", "not an identifier"),
    ("a, b", "not an identifier"),
    ("a,", '"" is not an identifier'),
    ("a,while", "'while' is a keyword"),
    ("a,null:int", "'null' is a keyword"),
    ("a,b,a", "column name 'a' repeats column 1"),
    ("a:int,a:str", "repeats"),
    ("a,b:list", 'unknown type "list"'),
    ("a,b:any", 'unknown type "any"'),
    ("a,b:", 'unknown type ""'),
    ("a,b:Int", 'unknown type "Int"'),
])
def test_bad_headers_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      header: str, fragment: str) -> None:
    csv_path = write_csv(tmp_path, header + "\n1,2,3\n")
    message = usage_message(run(capsys, "a", "--rows", csv_path))
    assert fragment in message and "t.csv" in message


def test_unreadable_tables_are_usage_errors(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert "cannot read" in usage_message(run(capsys, "1", "--rows", str(tmp_path / "no.csv")))
    assert "cannot read" in usage_message(run(capsys, "1", "--rows", str(tmp_path)))
    (tmp_path / "latin1.csv").write_bytes(b"a\n\xe9\n")
    assert "not UTF-8" in usage_message(run(capsys, "1", "--rows",
                                            str(tmp_path / "latin1.csv")))
    assert "empty" in usage_message(run(capsys, "1", "--rows", write_csv(tmp_path, "")))
    usage_message(run(capsys, "1"))  # --rows is required
    usage_message(run(capsys, "1", "--rows", write_csv(tmp_path, "a\n1\n"), "--engine", "x"))


def test_usage_errors_come_before_compile_errors(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    usage_message(run(capsys, "1 +", "--rows", write_csv(tmp_path, "a,a\n")))


def test_limits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_path = write_csv(tmp_path, "a\n" + "1\n" * 50)
    for engine in ENGINES:
        # at least one step a row on either engine (-O1's `a + 1` row is one instruction)
        code, out, err = run(capsys, "--engine", engine, "--max-steps", "30", "a + 1",
                             "--rows", csv_path)
        assert code == 1 and 0 < out.count("\n") < 50
        lines = err.splitlines()
        assert lines[0].startswith("<expr>:1:1: LimitError: row ")
        assert lines[1] == "  at <main> (<expr>:1:1)"
        assert run(capsys, "--engine", engine, "--max-steps", "1000", "a + 1", "--rows",
                   csv_path) == (0, "2\n" * 50, "")
        code, out, err = run(capsys, "--engine", engine, "--max-length", "3",
                             "str(a * 1000)", "--rows", csv_path)
        assert (code, out) == (1, "")
        assert err.startswith("<expr>:1:1: LimitError: row 1: ")


# ---- the API ----------------------------------------------------------------------------------

COLUMNS = [Column("x", INT), Column("y", FLOAT), Column("s", STR)]


def test_compiled_form_keeps_the_column_types() -> None:
    rx = compile_expression("x * y", COLUMNS)
    assert rx.types == (INT, FLOAT, STR)
    assert rx.code.types == (INT, FLOAT, STR)
    assert rx.code is rx.code  # compiled once


@pytest.mark.parametrize("engine", ENGINES)
def test_batch_and_single_row_api(engine: str) -> None:
    rx = compile_expression("x * y + len(s)", COLUMNS)
    rows = [[1, 2.0, "ab"], (3, 0.5, ""), [0, -1.0, "z"]]
    assert evaluate_rows(rx, rows, engine=engine) == [4.0, 1.5, 1.0]
    assert evaluate_row(rx, rows[1], engine=engine) == 1.5
    assert evaluate_rows(rx, [], engine=engine) == []
    runner = make_runner(rx, engine)
    assert [runner.evaluate_row(r) for r in rows] == [4.0, 1.5, 1.0]
    assert runner.evaluate_rows(rows[:1]) + runner.evaluate_rows(rows[1:]) == [4.0, 1.5, 1.0]


@pytest.mark.parametrize("level", [0, 1, 2])
def test_single_rows_and_batches_share_a_closure_runner(level: int) -> None:
    rx = compile_expression("x > 0 and s != \"z\" or y * 2 > 1", COLUMNS)
    rx.level = level
    rows = [[1, 2.0, "ab"], [3, 0.5, "z"], [0, -1.0, "z"], [-1, 3.0, ""]]
    want = evaluate_rows(rx, rows, engine="ast")
    runner = make_runner(rx)
    mixed = [runner.evaluate_row(rows[0]), *runner.evaluate_rows(rows[1:3]),
             runner.evaluate_row(rows[3])]
    assert mixed == want == [runner.evaluate_row(r) for r in rows]
    with pytest.raises(ValueError, match="row 1 has 2 values"):
        runner.evaluate_row([1, 2.0])


@pytest.mark.parametrize("level", [0, 1, 2])
def test_single_row_errors_and_output_match_the_ast_engine(level: int) -> None:
    rx = compile_expression('x > 1 and print(s) == null or 10 // x > 2', COLUMNS)
    rx.level = level
    rows = [[2, 0.0, "hi"], [1, 0.0, "no"], [0, 0.0, "zero"]]
    got_out: list[str] = []
    want_out: list[str] = []
    runner = make_runner(rx, write=got_out.append)
    ast = make_runner(rx, "ast", write=want_out.append)
    assert [runner.evaluate_row(r) for r in rows[:2]] == [ast.evaluate_row(r) for r in rows[:2]]
    assert "".join(got_out) == "".join(want_out) == "hi\n"
    with pytest.raises(GuestError) as got:
        runner.evaluate_row(rows[2])
    with pytest.raises(GuestError) as want:
        ast.evaluate_row(rows[2])
    assert got.value.kind is want.value.kind is ErrorKind.ZERO_DIVISION
    assert (got.value.line, got.value.col) == (want.value.line, want.value.col)
    assert runner.evaluate_row(rows[0]) is True  # the runner is still usable after it
    if level == 2:  # one fused instruction: a single row is one call of it
        assert [i.op for i in rx.single_row_code().code.instrs] == [Op.EXPR, Op.HALT]


@pytest.mark.parametrize("engine", ENGINES)
def test_batch_error_leaves_the_earlier_values_in_out(engine: str) -> None:
    rx = compile_expression("10 // x", COLUMNS)
    out: list[Any] = []
    with pytest.raises(GuestError) as info:
        evaluate_rows(rx, [[1, 0.0, ""], [5, 0.0, ""], [0, 0.0, ""], [2, 0.0, ""]],
                      engine=engine, out=out)
    assert out == [10, 2]
    err = info.value
    assert (err.kind, err.line, err.col) == (ErrorKind.ZERO_DIVISION, 1, 4)
    assert err.traceback_lines("<expr>") == ["  at <main> (<expr>:1:4)"]


@pytest.mark.parametrize("engine", ENGINES)
def test_print_goes_to_write(engine: str) -> None:
    rx = compile_expression('print("row", x)', COLUMNS)
    written: list[str] = []
    assert evaluate_rows(rx, [[1, 0.0, ""], [2, 0.0, ""]], engine=engine,
                         write=written.append) == [None, None]
    assert written == ["row 1\n", "row 2\n"]


def test_api_misuse() -> None:
    rx = compile_expression("x", COLUMNS)
    with pytest.raises(ValueError, match="row 2 has 2 values"):
        evaluate_rows(rx, [[1, 2.0, "a"], [1, 2.0]])
    with pytest.raises(ValueError, match="unknown engine"):
        make_runner(rx, "jit")
    for bad in (["x", "x"], ["if"], ["a b"]):
        with pytest.raises(ValueError, match="bad column name"):
            compile_expression("1", [Column(c) for c in bad])
    with pytest.raises(CompileError):
        compile_expression("x +", COLUMNS)


def test_deeply_nested_expressions_do_not_crash() -> None:
    deep = "(" * 2000 + "x" + ")" * 2000
    assert evaluate_row(compile_expression(deep, COLUMNS), [7, 0.0, ""]) == 7
    absurd = "(" * 100_000 + "x" + ")" * 100_000
    with pytest.raises(CompileError) as info:
        compile_expression(absurd, COLUMNS)
    assert info.value.kind is ErrorKind.SYNTAX
    negs = "-" * 300 + "x"
    rx = compile_expression(negs, COLUMNS)
    assert [evaluate_row(rx, [7, 0.0, ""], engine=e) for e in ENGINES] == [7, 7]


# ---- both engines agree -----------------------------------------------------------------------

DIFFERENTIAL = [
    "price * qty",
    '(price * qty) * (1 - discount) > 100 and name != "x"',
    "qty // 2", "qty % 3", "price / qty", "qty ** 2", "-qty", "-price", "not ok", "ok",
    'name + "!"', "name[0]", "name[-1]", "name[3]", "len(name)", "note + name", "name * 2",
    "discount or 0.5", "note and len(note)", "tag", "type(tag)", "tag == null",
    "[name, qty, [discount]]", "str(price)", "int(price)", "float(qty)", "type(discount)",
    "min(price, qty)", "max([qty, 3])", "min([])", "abs(-price)", "sqrt(qty)", "floor(price)",
    "qty / (qty - 3)", "qty // (qty - 3)", "price > name", "qty == 10.0", "ok == true",
    "ok + 1", "range(qty)", "len(range(qty))", "name < note", "name[qty]", "qty[0]",
    "price ** -1", "(-price) ** 0.5", "10 ** 400 * 1.0", "2 ** qty ** 2", "int(name)",
    'print(name, qty, discount) or qty', "push([qty], price)", "pop([])", "str(note)",
]


def outcome(rx: Any, engine: str, row: Any) -> tuple[Any, ...]:
    written: list[str] = []
    try:
        value = evaluate_row(rx, row, engine=engine, write=written.append)
    except GuestError as err:
        return ("error", err.headline("<expr>"), tuple(err.traceback_lines("<expr>")),
                tuple(written))
    return ("ok", values.type_name(value), display(value), tuple(written))


def test_engines_agree_row_by_row() -> None:
    table = parse_table(SHOP)
    rows, error = table.convert()
    assert error is None and len(rows) == 4
    disagreements = []
    for expr in DIFFERENTIAL:
        rx = compile_expression(expr, table.columns)
        for row in rows:
            want = outcome(rx, "ast", row)
            for level in (0, 1, 2):  # typed columns specialise the code from -O1
                rx.level = level
                got = outcome(rx, "closure", row)
                if got != want:
                    disagreements.append((expr, level, row, got, want))
    assert disagreements == []


@pytest.mark.parametrize("expr", DIFFERENTIAL[:12])
def test_engines_agree_on_the_command_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], expr: str) -> None:
    csv_path = write_csv(tmp_path, SHOP)
    for extra in ((), ("--where",)):
        closure = run(capsys, "--engine", "closure", *extra, expr, "--rows", csv_path)
        ast = run(capsys, "--engine", "ast", *extra, expr, "--rows", csv_path)
        assert closure == ast


# ---- through `python -m vmscope` --------------------------------------------------------------


def test_the_command_in_subprocesses(tmp_path: Path) -> None:
    csv_path = write_csv(tmp_path, SHOP)
    runs = [
        ("eval", "price * qty", "--rows", csv_path),
        ("eval", "--engine", "ast", "price * qty", "--rows", csv_path),
        ("eval", "--where", "qty > 4", "--rows", csv_path),
        ("eval", "qty / (qty - 3)", "--rows", csv_path),
        ("eval", "qty +", "--rows", csv_path),
        ("eval", "qty", "--rows", str(tmp_path / "missing.csv")),
    ]
    procs = [subprocess.Popen([sys.executable, "-m", "vmscope", *args], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for args in runs]
    done = [(p.wait(timeout=60), *p.communicate()) for p in procs]
    assert done[0] == (0, "15.0\n6.0\n500.0\n0.0\n", "")
    assert done[1] == done[0]
    assert done[2] == (0, "name,price,qty:int,discount,ok:bool,note,tag\n"
                          "apple,1.5,10,0.1,true,,\nx,100,5,0,true,\"a,b\",\n", "")
    assert done[3] == (1, "1.4285714285714286\n", "<expr>:1:5: ZeroDivisionError: row 2: "
                       "division by zero\n  at <main> (<expr>:1:5)\n")
    assert done[4] == (2, "", "<expr>:1:6: SyntaxError: expected an expression, found end "
                       "of file\n")
    assert done[5][0] == 2 and done[5][2].startswith("vmscope: cannot read ")


# ---- --profile ---------------------------------------------------------------------------------

PROFILED = "n:int,s\n" + "".join(f"{i},{'ab'[i % 2]}\n" for i in range(1, 301))


@pytest.mark.parametrize("mode", ["sample", "count", "timed"])
def test_profile_keeps_the_results_and_reports_on_stderr(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str) -> None:
    csv_path = write_csv(tmp_path, PROFILED)
    expr = 'n * 2 > 100 and s != "a"'
    plain = run(capsys, expr, "--rows", csv_path, "--where")
    code, out, err = run(capsys, expr, "--rows", csv_path, "--where", f"--profile={mode}")
    assert code == 0 and out == plain[1] and plain[2] == ""
    assert f"mode: {mode}" in err and "by instruction" in err and "(dispatch)" in err


def test_profile_counts_every_row_exactly(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from vmscope.profiler.aggregate import per_ip
    from vmscope.profiler.collect import Collector, Options
    from vmscope.rows.profiling import RowProgram

    rx = compile_expression('n * 2 > 100 and s != "a"',
                            (Column("n", TypeName.INT), Column("s", TypeName.STR)))
    rows = [(i, "ab"[i % 2]) for i in range(1, 301)]
    results: list[object] = []
    program = RowProgram(rx, rows, 1, results)
    col = Collector(program, Options(mode="count"))  # type: ignore[arg-type]
    assert col.run().error is None
    assert results == [i * 2 > 100 and "ab"[i % 2] != "a" for i in range(1, 301)]
    hits = {c.ip: c.hits for c in per_ip(col.profile)}
    # -O1: the left test runs every row, and moves to the next row itself where
    # n * 2 <= 100; the right side (with `next row`) runs where n * 2 > 100
    assert hits == {0: 300, 1: 250, 2: 0}


def test_profile_reports_a_failing_row(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    csv_path = write_csv(tmp_path, "a:int\n1\n2\n0\n4\n")
    code, out, err = run(capsys, "10 / a", "--rows", csv_path, "--profile=count")
    assert code == 1 and out == "10.0\n5.0\n"
    assert "<expr>:1:4: ZeroDivisionError: row 3: " in err and "mode: count" in err


def test_profile_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_path = write_csv(tmp_path, "a\n1\n")
    assert "--engine ast" in usage_message(run(capsys, "a", "--rows", csv_path, "--profile",
                                               "--engine", "ast"))
    assert "--max-steps" in usage_message(run(capsys, "a", "--rows", csv_path, "--profile",
                                              "--max-steps", "5"))
