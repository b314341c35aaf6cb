"""Every bundled sample prints exactly its .out file on both engines; the one
that fails on purpose reports exactly its .err file from the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import vmscope

SAMPLES = Path(__file__).resolve().parent.parent / "sample_programs"
PROGRAMS = sorted(SAMPLES.glob("*.vms"))


def test_there_are_enough_samples() -> None:
    assert len(PROGRAMS) >= 12
    for path in PROGRAMS:
        assert path.with_suffix(".out").exists(), f"{path.name} has no expected output"


@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
@pytest.mark.parametrize("engine", ["ast", "O0", "O1", "O2"])
def test_sample_output(path: Path, engine: str) -> None:
    program = vmscope.compile_source(path.read_bytes(), path.name)
    if engine == "ast":
        result = program.run("ast")
    else:
        result = program.at_level(int(engine[1])).run("closure")
    assert result.output == path.with_suffix(".out").read_text()
    expected_err = path.with_suffix(".err")
    if expected_err.exists():
        assert result.error is not None
        lines = [result.error.headline(path.name), *result.error.traceback_lines(path.name)]
        want = expected_err.read_text().splitlines()
        assert lines[0].split(": ")[:2] == want[0].split(": ")[:2]
        assert lines[1:] == want[1:]
    else:
        assert result.error is None, result.error and result.error.headline(path.name)


@pytest.mark.parametrize("engine", ["closure", "ast"])
def test_failing_sample_from_the_command_line(engine: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "vmscope", "run", "--engine", engine,
                           "failing.vms"], cwd=SAMPLES, capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 1
    assert proc.stdout == (SAMPLES / "failing.out").read_text()
    want = (SAMPLES / "failing.err").read_text().splitlines()
    got = proc.stderr.splitlines()
    assert got[0].split(": ")[:2] == want[0].split(": ")[:2]
    assert got[1:] == want[1:]
