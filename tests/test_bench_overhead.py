"""The profiler's overhead benchmark, `python -m vmscope.bench.overhead`:
its report, its statistics, and its own one-line errors (it does not use the
command line's machinery)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from vmscope.bench import overhead


def test_overhead_benchmark_reports_modes_and_the_signal_floor(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert overhead.main(["sieve", "--reps", "1", "--modes", "count,sample,timed", "--json"]) == 0
    (result,) = json.loads(capsys.readouterr().out)
    assert set(result["overhead"]) == {"count", "sample", "timed", "signals", "py-noop"}
    assert all(v > 0 for v in result["overhead"].values())
    assert 0 <= result["shared_sample_timed"] <= 5 and result["samples"] > 0
    assert result["fast_spread"] >= 0.0
    assert overhead.main(["sieve", "--reps", "1", "--modes", "sample"]) == 0
    text = capsys.readouterr().out
    assert "signals  py-noop" in text and overhead.SIGNALS_NOTE in text
    assert " noise " in text and overhead.NOISE_NOTE in text


def test_half_iqr_is_relative_to_the_median() -> None:
    assert overhead.half_iqr([10.0]) == 0.0
    assert overhead.half_iqr([10.0, 10.0, 10.0, 10.0]) == 0.0
    # quartiles of 8, 9, 10, 11, 12 (exclusive method): 8.5 and 11.5; median 10
    assert overhead.half_iqr([12.0, 8.0, 10.0, 9.0, 11.0]) == pytest.approx(0.15)


def test_a_program_it_cannot_use_is_one_line_and_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.vms"
    bad.write_text("print(1 +)\n")
    assert overhead.main([str(bad), "--reps", "1", "--modes", "count"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith(f"{bad}:1:") and "SyntaxError" in err[-1]
    assert overhead.main([str(tmp_path / "missing.vms"), "--modes", "count"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1].startswith("vmscope: cannot read ") and "missing.vms" in err[-1]


@pytest.mark.parametrize("args", [["--reps", "0"], ["--child-repeat", "-1"],
                                  ["--modes", "count,fast"]])
def test_bad_options_are_usage_errors_not_tracebacks(args: list[str]) -> None:
    proc = subprocess.run([sys.executable, "-m", "vmscope.bench.overhead", "sieve", *args],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("python -m vmscope.bench.overhead: error: ")
    assert ("--" in last) if args[0] != "--modes" else ("no mode named 'fast'" in last)
