"""`vmscope eval` streams: a first pass types the columns, a second reads
the file again a batch at a time, and each batch's output is written before
the next is read. Batching must change nothing a user can see (output,
errors, row numbers, exit status, on both engines); memory must not grow
with the file; standard input and pipes are spooled; blank lines are
skipped. Most checks call `run_eval` directly with small batches."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vmscope.cli import main
from vmscope.lang.nodes import TypeName
from vmscope.lang.values import Limits, display
from vmscope.rows import csvfile, run
from vmscope.rows.csvfile import RowFile
from vmscope.rows.run import EvalJob, display_lines, run_eval
from vmscope.rows.table import TableError, parse_table

ENGINES = ("closure", "ast")


def write_csv(tmp_path: Path, text: str | bytes, name: str = "t.csv") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return str(path)


def evaluate(expr: str, path: str, **options: Any) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_eval(EvalJob(expr, path, **options), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Three records a batch (profiled runs too), so a few rows cross batches."""
    monkeypatch.setattr(csvfile, "BATCH_ROWS", 3)
    monkeypatch.setattr(run, "PROFILE_BATCH_ROWS", 3)
    yield


# ---- blank lines: skipped, wherever they are -----------------------------------------------

BLANKS = [
    ("a,b\n1,2\n\n3,4\n", "3\n7\n"),  # in the middle (was: row 2, missing cell b)
    ("a,b\n1,2\n3,4\n\n", "3\n7\n"),  # at the end (an editor's extra newline)
    ("a,b\n1,2\n3,4\n\n\n\n", "3\n7\n"),
    ("\n\na,b\n1,2\n3,4\n", "3\n7\n"),  # before the header
    ("a,b\r\n1,2\r\n\r\n3,4\r\n\r\n", "3\n7\n"),  # \r\n files
    ("a:int,b:int\n1,2\n\n3,4\n", "3\n7\n"),  # typed columns
]


@pytest.mark.parametrize("text,want", BLANKS)
@pytest.mark.parametrize("engine", ENGINES)
def test_blank_lines_are_skipped(tmp_path: Path, text: str, want: str, engine: str) -> None:
    path = write_csv(tmp_path, text)
    header = text.strip().splitlines()[0].strip()
    assert evaluate("a + b", path, engine=engine) == (0, want, "")
    assert evaluate("b > 0", path, engine=engine, where=True) == (
        0, f"{header}\n1,2\n3,4\n", "")
    assert evaluate("b > 3", path, engine=engine, where=True) == (0, f"{header}\n3,4\n", "")


def test_a_blank_line_is_not_a_null_in_a_one_column_table(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "a\n1\n\n2\n\n")
    for engine in ENGINES:
        assert evaluate("a", path, engine=engine) == (0, "1\n2\n", "")
        assert evaluate("a", path, engine=engine, where=True) == (0, "a\n1\n2\n", "")
    # an empty value is written `""` (as csv.writer writes one): that is a null
    assert evaluate("a", write_csv(tmp_path, 'a\n1\n""\n2\n')) == (0, "1\nnull\n2\n", "")
    assert parse_table("a\n1\n\n2\n").convert() == ([(1,), (2,)], None)


def test_blank_lines_do_not_count_as_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "a,b:int\n1,2\n\n\n3,x\n")
    for engine in ENGINES:
        code, out, err = evaluate("a + b", path, engine=engine)
        assert (code, out) == (1, "3\n")
        assert err.startswith('<expr>:1:1: ValueError: row 2, column b: cannot read "x"')


def test_blank_lines_do_not_type_a_column(tmp_path: Path) -> None:
    table = parse_table("a,b\n1,x\n\n2,y\n")
    assert [(c.type, c.nullable) for c in table.columns] == [(TypeName.INT, False),
                                                             (TypeName.STR, False)]


def test_a_file_of_blank_lines_has_no_header(tmp_path: Path) -> None:
    with pytest.raises(TableError, match="no header row"):
        evaluate("1", write_csv(tmp_path, "\n\r\n\n"))


def test_a_line_of_spaces_is_not_blank(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "a\n1\n \n")
    assert evaluate("[a]", path) == (0, '["1"]\n[" "]\n', "")


# ---- batches change nothing ----------------------------------------------------------------

TABLE = "n:int,s,x\n" + "".join(f"{i},{'abc'[i % 3]},{i / 4}\n" for i in range(1, 21))
CASES = [
    ("n * x", TABLE, {}),
    ("n % 4 == 1", TABLE, {"where": True}),
    ('print(n) or s == "b"', TABLE, {"where": True}),
    ("print(s, n) or n", TABLE, {}),
    ("10 // (n - 13)", TABLE, {}),  # an error in a later batch
    ("n > 3", TABLE, {"where": True, "limits": Limits(max_steps=40)}),
    ("n", TABLE.replace("17,", "seventeen,"), {}),  # a bad row in a later batch
    ("n", TABLE.replace("\n18,c,4.5\n", "\n18,c\n"), {}),  # a short row there
    ("x", TABLE.replace("\n9,", "\n\n\n9,"), {"where": True}),  # blank lines across batches
]


@pytest.mark.parametrize("expr,text,options", CASES)
@pytest.mark.parametrize("engine", ENGINES)
def test_batch_sizes_change_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, expr: str,
                                    text: str, options: dict[str, Any], engine: str) -> None:
    path = write_csv(tmp_path, text)
    outcomes = []
    for size in (1, 2, 3, 7, 1000):
        monkeypatch.setattr(csvfile, "BATCH_ROWS", size)
        outcomes.append(evaluate(expr, path, engine=engine, **options))
    assert all(o == outcomes[0] for o in outcomes), outcomes
    if "10 //" in expr:
        assert outcomes[0][2].startswith("<expr>:1:4: ZeroDivisionError: row 13: ")
    if "seventeen" in text:
        assert outcomes[0][1].count("\n") == 16 and "row 17, column n" in outcomes[0][2]


def test_the_step_budget_covers_every_batch(tmp_path: Path, small_batches: None) -> None:
    path = write_csv(tmp_path, "a\n" + "1\n" * 50)
    for engine in ENGINES:
        code, out, err = evaluate("a + 1", path, engine=engine, limits=Limits(max_steps=30))
        done = out.count("\n")
        assert code == 1 and 3 < done <= 30  # past the first batches, short of the end
        assert err.startswith(f"<expr>:1:1: LimitError: row {done + 1}: step limit of 30 ")


class _Log:
    """A stdout that logs its writes next to the batches the evaluation reads."""

    def __init__(self, events: list[str]) -> None:
        self.events = events

    def write(self, text: str) -> int:
        if not self.events or not self.events[-1].startswith("write "):
            self.events.append("write ")
        self.events[-1] += text.replace("\n", "|")
        return len(text)

    def flush(self) -> None:
        pass


@pytest.mark.parametrize("where", [False, True])
def test_each_batch_is_written_before_the_next_is_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_batches: None,
        where: bool) -> None:
    events: list[str] = []
    read, scan = RowFile.batches, run.scan_columns

    def logged(self: RowFile, *args: Any) -> Iterator[list[list[str]]]:
        for batch in read(self, *args):
            events.append(f"read {len(batch)}")
            yield batch

    def typing(*args: Any) -> Any:
        events.append("typing pass")
        columns = scan(*args)
        events.append("typed")
        return columns

    monkeypatch.setattr(run, "scan_columns", typing)
    monkeypatch.setattr(RowFile, "batches", logged)
    path = write_csv(tmp_path, "a\n" + "".join(f"{i}\n" for i in range(1, 8)))
    assert run_eval(EvalJob("a % 2", path, where=where), _Log(events), io.StringIO()) == 0  # type: ignore[arg-type]
    assert events[:2] == ["typing pass", "typed"]  # nothing written before the file is typed
    if where:
        assert events[2:] == ["write a|", "read 3", "write 1|3|", "read 3", "write 5|",
                              "read 1", "write 7|"]
    else:
        assert events[2:] == ["read 3", "write 1|0|1|", "read 3", "write 0|1|0|", "read 1",
                              "write 1|"]


# ---- memory does not grow with the file --------------------------------------------------


def _peak(path: str, where: bool) -> int:
    out = open(os.devnull, "w")  # noqa: SIM115 - closed below
    tracemalloc.start()
    try:
        assert run_eval(EvalJob("price * qty > 100", path, where=where), out,
                        io.StringIO()) == 0
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        out.close()


@pytest.mark.parametrize("where", [False, True])
def test_peak_memory_does_not_grow_with_the_file(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 where: bool) -> None:
    monkeypatch.setattr(csvfile, "BATCH_ROWS", 256)
    row = "plum,12.5,3,0.1\n"
    small = write_csv(tmp_path, "name,price,qty:int,d\n" + row * 5_000, "small.csv")
    big = write_csv(tmp_path, "name,price,qty:int,d\n" + row * 40_000, "big.csv")
    small_peak, big_peak = _peak(small, where), _peak(big, where)
    # eight times the rows (0.6 MB of CSV), about the same peak: one batch's
    # worth, not the file's (holding it all took over 15 MB here)
    assert big_peak < small_peak * 1.5 + 100_000, (small_peak, big_peak)
    assert big_peak < 2_000_000


def test_wide_records_make_short_batches(tmp_path: Path) -> None:
    wide = "x" * 100_000
    path = write_csv(tmp_path, "a,b\n" + f"{wide},1\n" * 40)
    with RowFile.open(path) as table:
        sizes = [len(batch) for batch in table.batches(max_rows=1000, target_bytes=250_000)]
    assert sum(sizes) == 40 and sizes[0] <= 16 and max(sizes[1:]) <= 3, sizes


# ---- the first pass sees every row --------------------------------------------------------


def test_typing_reads_every_batch(tmp_path: Path, small_batches: None) -> None:
    ints = "".join(f"{i}\n" for i in range(20))
    assert evaluate("type(a)", write_csv(tmp_path, "a\n" + ints + "x\n"))[1] == "str\n" * 21
    assert evaluate("type(a)", write_csv(tmp_path, "a\n" + ints + "1.5\n"))[1] == "float\n" * 21
    assert evaluate("type(a)", write_csv(tmp_path, "a\n" + ints))[1] == "int\n" * 20
    assert evaluate("type(b)", write_csv(tmp_path, "a,b\n" + "1,\n" * 9))[1] == "null\n" * 9
    assert [c.nullable for c in parse_table("a,b\n" + "1,2\n" * 9 + "3\n").columns] == [
        False, True]  # a short row in the last batch


@pytest.mark.parametrize("cells,want", [
    (["1", "", "-2", " 3 ", "+4"], TypeName.INT),
    (["1", "1.5", "", "2e3", ".5", "5.", "-0.25E-2"], TypeName.FLOAT),
    (["1", " 2.5 ", "inf", "nan", "1_000", "\u0661\u0662"], TypeName.FLOAT),  # float()'s rule
    (["1", "1.2.3"], TypeName.STR), (["1", "."], TypeName.STR), (["1", "1e"], TypeName.STR),
    (["1.5\n2.5"], TypeName.STR),  # a newline inside one cell is not two cells
    (["\u0661"], TypeName.FLOAT),  # int()'s rule is ASCII digits only
    (["", ""], TypeName.ANY),
])
def test_inferred_types_follow_the_exact_rules(cells: list[str], want: TypeName) -> None:
    from vmscope.rows.infer import infer_type

    assert infer_type(cells) is want
    text = "a\n" + "".join('"' + c.replace('"', '""') + '"\n' if c else '""\n' for c in cells)
    assert parse_table(text).columns[0].type is want


# ---- standard input, pipes, and files that cannot be used ------------------------------


def test_standard_input_is_spooled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = "a,b\n1,2\n3,x\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode())))
    assert evaluate("[a, b]", "-") == (0, '[1, "2"]\n[3, "x"]\n', "")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"a,a\n")))
    with pytest.raises(TableError, match="<stdin>: column 2: column name 'a' repeats"):
        evaluate("a", "-")


def test_standard_input_through_the_command(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "vmscope", "eval", "--where", "b > 1",
                           "--rows", "-"], input="a,b\n1,1\n2,2\n\n", capture_output=True,
                          text=True, timeout=60, cwd=tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "a,b\n2,2\n", "")
    proc = subprocess.run([sys.executable, "-m", "vmscope", "eval", "a", "--rows", "-"],
                          input="", capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == "vmscope: <stdin>: no header row (the file is empty)\n"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_is_spooled(tmp_path: Path) -> None:
    fifo = tmp_path / "rows.csv"
    os.mkfifo(fifo)

    def feed() -> None:
        with open(fifo, "w") as fh:
            fh.write("a\n" + "".join(f"{i}\n" for i in range(5)))

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        assert evaluate("a * 2", str(fifo)) == (0, "0\n2\n4\n6\n8\n", "")
    finally:
        writer.join(timeout=10)


def test_bad_utf8_anywhere_is_a_usage_error_before_any_output(tmp_path: Path,
                                                              small_batches: None) -> None:
    path = write_csv(tmp_path, b"a\n" + b"1\n" * 20 + b"2\xe9\n")
    with pytest.raises(TableError) as info:
        evaluate("a", path)
    assert str(info.value) == f"cannot read {path}: not UTF-8 (bad byte at line 22, offset 43)"
    code, out, err = _cli("a", "--rows", path)
    assert (code, out) == (2, "") and "not UTF-8" in err


def test_a_record_csv_rejects_is_a_usage_error_before_any_output(
        tmp_path: Path, small_batches: None) -> None:
    path = write_csv(tmp_path, "a\n" + "1\n" * 20 + "x" * 200_000 + "\n")
    with pytest.raises(TableError, match=r"t\.csv: line 22: field larger than field limit"):
        evaluate("a", path)


def test_a_file_that_changes_between_the_passes(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_csv(tmp_path, "a\n1\n2\n")
    scan = run.scan_columns

    def scan_then_append(*args: Any) -> Any:
        columns = scan(*args)
        with open(path, "a") as fh:
            fh.write("oops\n")
        return columns

    monkeypatch.setattr(run, "scan_columns", scan_then_append)
    with pytest.raises(TableError, match="changed while vmscope was reading it"):
        evaluate("a", path)


def test_options_that_do_not_combine(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "a\n1\n")
    for job, message in [
        (EvalJob("a", path, engine="jit"), "unknown engine 'jit'"),
        (EvalJob("a", path, profile="wall"), "unknown profile mode 'wall'"),
        (EvalJob("a", path, profile="count", engine="ast"), "drop --engine ast"),
        (EvalJob("a", path, profile="count", limits=Limits(max_steps=9)), "--max-steps"),
        (EvalJob("a", path, level=3), "optimisation level 3"),
    ]:
        with pytest.raises(TableError, match=message):
            run_eval(job, io.StringIO(), io.StringIO())


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        code = main(["eval", *args])
    finally:
        sys.stdout, sys.stderr = old
    return code, out.getvalue(), err.getvalue()


# ---- limits are the run's, output forms, a closed pipe ---------------------------------


def test_int_cells_take_the_limit_of_their_run(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "a:int\n255\n256\n")
    code, out, err = evaluate("a", path, limits=Limits(max_int_bits=8))
    assert (code, out) == (1, "255\n")
    assert err.startswith("<expr>:1:1: LimitError: row 2, column a: integer result needs "
                          "more than 8 bits")
    assert evaluate("a", path) == (0, "255\n256\n", "")  # the next run has its own limit
    big = "9" * 400  # 10 ** 400 - 1 needs 1,329 bits
    path = write_csv(tmp_path, f"a\n{big}\n")
    assert evaluate("a", path, limits=Limits(max_int_bits=1329)) == (0, big + "\n", "")
    code, out, err = evaluate("a", path, limits=Limits(max_int_bits=1328))
    assert (code, out) == (1, "")
    assert "LimitError: row 1, column a: integer result needs more than 1328 bits" in err


def test_display_lines_is_display_a_line_each() -> None:
    batches: list[list[Any]] = [[True, False], [1, -2, 10 ** 30], [0.1, -0.0, float("inf")],
                                ["a", ""], [None], [1, 1.0, True, None, "x", [1, "y"]],
                                [[], [[True]]], []]
    for values in batches:
        assert display_lines(values) == "".join(display(v) + "\n" for v in values)


class _ClosedPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("level", [0, 1, 2])
def test_a_closed_pipe_stops_the_run_as_one_exception(tmp_path: Path, engine: str,
                                                      level: int) -> None:
    path = write_csv(tmp_path, "a\n1\n2\n")
    for expr in ("print(a)", "a"):  # written from inside the VM, and after it
        with pytest.raises(BrokenPipeError):
            run_eval(EvalJob(expr, path, engine=engine, level=level), _ClosedPipe(),
                     io.StringIO())


# ---- --profile over batches -----------------------------------------------------------------


def test_profile_counts_every_row_over_batches(tmp_path: Path, small_batches: None) -> None:
    path = write_csv(tmp_path, "n:int\n" + "".join(f"{i}\n" for i in range(1, 11)))
    code, out, err = evaluate("n * 2", path, profile="count")
    assert (code, out) == (0, "".join(f"{2 * i}\n" for i in range(1, 11)))
    assert "runs: 4" in err  # one profiled run a batch: 3 + 3 + 3 + 1 rows
    line = next(line for line in err.splitlines() if "mul" in line or "expr" in line)
    assert "10" in line.split()  # every row counted once


def test_profile_reports_a_bad_row_in_a_later_batch(tmp_path: Path,
                                                     small_batches: None) -> None:
    path = write_csv(tmp_path, "n:int\n1\n2\n3\n4\nx\n6\n")
    code, out, err = evaluate("n", path, profile="count", where=True)
    assert (code, out) == (1, "n:int\n1\n2\n3\n4\n")
    assert "mode: count" in err
    assert err.rstrip().splitlines()[-2] == ('<expr>:1:1: ValueError: row 5, column n: cannot '
                                             'read "x" as int')


def test_the_library_does_not_import_the_cli(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "a\n1\n")
    probe = ("import io, sys\nfrom vmscope.rows import EvalJob, run_eval\n"
             f"code = run_eval(EvalJob('a + 1', {path!r}), io.StringIO(), io.StringIO())\n"
             "print(code, sorted(m for m in sys.modules if m.startswith('vmscope.cli')"
             " or m == 'vmscope.commands' or m.startswith('textual')))")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60, check=True)
    assert proc.stdout == "0 []\n"


# ---- the typing pass's plain-text path agrees with reading records -------------------------

_CELLS = ["", "0", "7", "-12", "+3", " 4 ", "1.5", "-0.25", "1e3", ".5", "5.", "inf", "1_0",
          "x", "abc", "é", '"q"', '"a,b"', '"1\n2"', "1.2.3", "true", "\uff11"]
_ENDS = ["\n", "\r\n"]


def _random_table(rnd: Any, width: int) -> str:
    lines = []
    for _ in range(rnd.randint(0, 40)):
        if rnd.random() < 0.05:
            lines.append("")  # a blank line
            continue
        cells = rnd.choices(_CELLS[:13] if rnd.random() < 0.7 else _CELLS, k=width)
        if rnd.random() < 0.04:
            cells = cells[:-1] if rnd.random() < 0.5 else [*cells, "7"]  # short or long
        lines.append(",".join(cells))
    end = rnd.choice(_ENDS)
    tail = "" if rnd.random() < 0.2 else end
    return end.join(lines) + tail


def test_plain_chunks_type_as_records_do(monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    from vmscope.rows.columns import header_specs
    from vmscope.rows.infer import ColumnScan, scan_batch, scan_columns

    rnd = random.Random(12)
    for case in range(300):
        width = rnd.randint(1, 4)
        header = ",".join(f"c{j}" + rnd.choice(["", "", ":int", ":str"]) for j in range(width))
        text = header + "\n" + _random_table(rnd, width)
        monkeypatch.setattr(csvfile, "SKIM_BYTES", rnd.choice([1, 5, 16, 1 << 16]))
        with RowFile.from_bytes(text.encode()) as table:
            specs = header_specs(table.header.cells, "t")
            reference = [ColumnScan(spec) for spec in specs]
            for batch in table.records():
                scan_batch(reference, batch)
            want = tuple(scan.column() for scan in reference)
            assert scan_columns(table, specs) == want, (case, text)


def test_a_mistake_in_the_expression_is_found_before_the_typing_pass(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_typing(*args: Any) -> Any:
        raise AssertionError("the typing pass ran")

    path = write_csv(tmp_path, b"price,qty\n1,2\n" + b"3,\xff\n")  # bad UTF-8 after the header
    monkeypatch.setattr(run, "scan_columns", no_typing)
    assert evaluate("price +", path) == (
        2, "", "<expr>:1:8: SyntaxError: expected an expression, found end of file\n")
    assert evaluate("price * cost", path) == (
        2, "", "<expr>:1:9: NameError: name 'cost' is not defined\n")
    with pytest.raises(TableError, match="repeats"):  # the header still comes first
        evaluate("price +", write_csv(tmp_path, "a,a\n1,2\n"))


class _Counting(io.StringIO):
    writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


@pytest.mark.parametrize("where", [False, True])
def test_a_batch_is_one_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              where: bool) -> None:
    """(On an unbuffered stdout, PYTHONUNBUFFERED=1, each write is a system call.)"""
    monkeypatch.setattr(csvfile, "BATCH_ROWS", 100)
    path = write_csv(tmp_path, "a\n" + "".join(f"{i}\n" for i in range(1000)))
    out = _Counting()
    assert run_eval(EvalJob("a % 3 == 0", path, where=where), out, io.StringIO()) == 0
    assert out.getvalue().count("\n") == (335 if where else 1000)
    assert out.writes <= 11 + where  # eleven batches: 16 rows, then 100s (and the header)


def test_plain_chunks_split_into_the_records_csv_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    rnd = random.Random(34)
    for case in range(300):
        width = rnd.randint(1, 4)
        text = ",".join(f"c{j}" for j in range(width)) + "\n" + _random_table(rnd, width)
        monkeypatch.setattr(csvfile, "BATCH_ROWS", rnd.choice([1, 3, 2048]))
        with RowFile.from_bytes(text.encode()) as table:
            target = rnd.choice([1, 7, 64, 1 << 18])
            got = [r for batch in table.batches(target_bytes=target) for r in batch]
            assert got == [r for batch in table.records() for r in batch], (case, text)
