"""A reader that goes away (`vmscope run FLOOD.vms | head -1`) is a normal end:
no message, the program stops, exit 0, on every engine, level and command.
Each case reads one line from a real pipe, closes it and waits."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

FOREVER = 'while true { print("y") }\n'  # stops only because the pipe closes
LATE = 'print("a")\nlet i = 0\nwhile i < 200000 { i += 1 }\nprint("b")\n'  # output at exit
FINITE = "for i in range(200000) { print(i) }\n"  # timed mode runs a reference run first
# buffered as a user's stdout is (PYTHONUNBUFFERED would hide Python's own flush at exit)
ENV = {k: v for k, v in os.environ.items()
       if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED")}
ENV["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), "vmscope-test-pycache")

CASES = {
    "closure -O0": ["run", "-O0", "forever.vms"],
    "closure -O1": ["run", "-O1", "forever.vms"],
    "closure -O2": ["run", "forever.vms"],
    "ast": ["run", "--engine", "ast", "forever.vms"],
    "stats": ["run", "--stats", "forever.vms"],
    "profile sample": ["profile", "forever.vms", "--no-progress"],
    "profile count": ["profile", "forever.vms", "--mode", "count", "--no-progress"],
    "profile timed": ["profile", "finite.vms", "--mode", "timed", "--no-progress"],
    "trace": ["trace", "forever.vms"],
    "trace -O2": ["trace", "-O2", "forever.vms"],
    "eval": ["eval", "n", "--rows", "big.csv"],
    "eval print": ["eval", "print(n)", "--rows", "big.csv"],
    "eval --where": ["eval", "--where", "n > 0", "--rows", "big.csv"],
    "eval ast": ["eval", "--engine", "ast", "print(n)", "--rows", "big.csv"],
    "eval --profile": ["eval", "--profile", "print(n)", "--rows", "big.csv"],
    "dis": ["dis", "long.vms"],
}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("pipes")
    (d / "forever.vms").write_text(FOREVER)
    (d / "finite.vms").write_text(FINITE)
    (d / "late.vms").write_text(LATE)
    (d / "big.csv").write_text("n:int\n" + "".join(f"{i}\n" for i in range(1, 30_001)))
    (d / "long.vms").write_text("".join(f"print({i})\n" for i in range(2_000)))
    return d


def head_1(cwd: Path, args: list[str]) -> tuple[int, str, str]:
    """(exit status, the line read, stderr) of `vmscope ARGS | head -1`."""
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([sys.executable, "-m", "vmscope", *args], cwd=cwd, env=ENV,
                                stdout=subprocess.PIPE, stderr=err, text=True)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        proc.stdout.close()  # the reader goes away
        try:
            code = proc.wait(timeout=120)
        finally:
            proc.kill()
        err.seek(0)
        return code, line, err.read()


@pytest.mark.parametrize("case", list(CASES))
def test_a_closed_pipe_ends_quietly_with_exit_0(workdir: Path, case: str) -> None:
    code, line, err = head_1(workdir, CASES[case])
    assert line.strip(), case  # it did write before the reader went away
    assert (code, err) == (0, ""), (case, err)


@pytest.mark.parametrize("args", [
    ["run", "late.vms"], ["run", "--engine", "ast", "late.vms"],
    ["profile", "late.vms", "--mode", "count"],
    ["bench", "--only", "fib", "--rounds", "1"],  # rich's own handler would exit 1
], ids=["closure", "ast", "profile", "bench"])
def test_a_reader_gone_before_any_output_is_quiet_too(workdir: Path, args: list[str]) -> None:
    """The reader is gone before the first write: for `run`, the output is
    still in Python's buffer when the program ends, so the first write that
    fails is the last flush, vmscope's own, and then none at exit (Python
    would print `Exception ignored ... BrokenPipeError`)."""
    proc = subprocess.Popen([sys.executable, "-m", "vmscope", *args], cwd=workdir, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert (proc.returncode, err) == (0, "")


@pytest.mark.parametrize("engine", ["closure", "ast"])
def test_a_runtime_error_is_still_reported_when_the_reader_is_gone(
        workdir: Path, engine: str) -> None:
    (workdir / "fails.vms").write_text('print("a")\nprint(1 / 0)\n')
    proc = subprocess.Popen([sys.executable, "-m", "vmscope", "run", "--engine", engine,
                             "fails.vms"], cwd=workdir, env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert err.splitlines() == ["fails.vms:2:9: ZeroDivisionError: division by zero",
                                "  at <main> (fails.vms:2:9)"]
