"""`vmscope eval` on the command line: the profile mode is never taken from the
next argument (`eval --profile 'EXPR' --rows F.csv` profiles EXPR), the
`--profile=MODE` and `--profile-mode MODE` forms, and TableError as a usage
error."""

from __future__ import annotations

from pathlib import Path

import pytest

from vmscope.cli import main
from vmscope.cli.eval import split_profile_mode

ROWS = "n:int\n" + "".join(f"{i}\n" for i in range(1, 51))
WANT = "".join(f"{i * 2}\n" for i in range(1, 51))


@pytest.fixture
def csv_path(tmp_path: Path) -> str:
    path = tmp_path / "t.csv"
    path.write_text(ROWS)
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["eval", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("argv", "mode"), [
    (["--profile", "n * 2", "--rows", "{csv}"], "sample"),  # EXPR, not a mode
    (["n * 2", "--profile", "--rows", "{csv}"], "sample"),
    (["--rows", "{csv}", "n * 2", "--profile"], "sample"),
    (["--profile=count", "n * 2", "--rows", "{csv}"], "count"),
    (["--profile-mode", "timed", "n * 2", "--rows", "{csv}"], "timed"),
    (["n * 2", "--rows", "{csv}", "--profile-mode=count"], "count"),
    (["--profile", "--profile-mode", "count", "n * 2", "--rows", "{csv}"], "count"),
])
def test_the_profile_mode_is_unambiguous(capsys: pytest.CaptureFixture[str], csv_path: str,
                                         argv: list[str], mode: str) -> None:
    code, out, err = run(capsys, *[a.replace("{csv}", csv_path) for a in argv])
    assert code == 0, err
    assert out == WANT  # the results alone on stdout
    assert f"mode: {mode}" in err and "by instruction" in err


def test_a_bad_mode_is_a_usage_error(capsys: pytest.CaptureFixture[str], csv_path: str) -> None:
    code, out, err = run(capsys, "--profile=fast", "n", "--rows", csv_path)
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert err.startswith("vmscope: argument --profile-mode: invalid choice: 'fast'")


def test_after_double_dash_everything_is_the_expression(capsys: pytest.CaptureFixture[str],
                                                        csv_path: str) -> None:
    assert split_profile_mode(["--rows", "f", "--", "--profile=x"]) == \
        ["--rows", "f", "--", "--profile=x"]
    code, out, err = run(capsys, "--rows", csv_path, "--", "-n")
    assert (code, err) == (0, "") and out.splitlines()[:2] == ["-1", "-2"]
    code, out, err = run(capsys, "--rows", csv_path, "--", "--profile=count")
    assert code == 2 and out == "" and err.startswith("<expr>:1:")  # the expression's error


def test_table_errors_are_usage_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                       csv_path: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,a\n1,2\n")
    for argv in (["n", "--rows", str(tmp_path / "missing.csv")], ["a", "--rows", str(bad)],
                 ["--profile", "--engine", "ast", "n", "--rows", csv_path]):
        code, out, err = run(capsys, *argv)
        assert (code, out) == (2, "") and err.count("\n") == 1 and err.startswith("vmscope: ")
