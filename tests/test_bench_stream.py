"""The end-to-end `eval` benchmark (vmscope.bench.stream), on a small file:
its figures, the check that both sides wrote the same output, and its hook
in `vmscope bench --only eval`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vmscope.bench import stream
from vmscope.cli import main


def test_eval_benchmark_reports_both_sides() -> None:
    result = stream.eval_benchmark(rounds=1, rows=3000)
    assert result["rows"] == 3000 and result["csv_bytes"] > 3000 * 10
    assert set(result["variants"]) == {"vmscope", "python", "vmscope --where",
                                       "python --where"}
    for figures in result["variants"].values():
        assert figures["seconds"] > 0 and figures["cpu_seconds"] > 0
        assert figures["rows_per_s"] == pytest.approx(3000 / figures["seconds"])
        # the child's own peak (a Python process: several MB, far from this one's)
        assert 4 << 20 < figures["peak_rss_bytes"] < 200 << 20
    assert result["ratio"] > 0 and result["cpu_where_ratio"] > 0
    lines = result["text"].splitlines()
    assert lines[0].startswith("eval at scale: 3,000 rows") and len(lines) == 7
    assert all(len(line) <= 80 for line in lines)


def test_the_generated_table_types_as_intended(tmp_path: Path) -> None:
    from vmscope.rows.table import read_table

    stream.write_table(tmp_path / "t.csv", 500)
    table = read_table(str(tmp_path / "t.csv"))
    assert [(c.name, c.type.value, c.declared) for c in table.columns] == [
        ("name", "str", False), ("price", "float", False), ("qty", "int", False),
        ("discount", "float", True)]


def test_different_answers_stop_the_benchmark(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stream, "HAND_WRITTEN", "print('true')\n")
    with pytest.raises(RuntimeError, match="different output"):
        stream.eval_benchmark(rounds=1, rows=50)


def test_bench_only_eval(monkeypatch: pytest.MonkeyPatch,
                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(stream, "ROWS", 500)
    assert main(["bench", "--only", "eval", "--rounds", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["eval"]["rows"] == 500 and data["programs"] == [] and data["rows"] == []
