"""The debugger's benchmark functions run end to end on small sizes and
report what they measured (the figures themselves come from `vmscope bench
--debugger`, never from a timed test)."""

from __future__ import annotations

from vmscope.bench import debugger


def test_continue_speed_reports_both_sides() -> None:
    deep = debugger.continue_speed_deep(rounds=1, depth=300)
    assert deep["depth"] == 300 and deep["run_s"] > 0 and deep["continue_s"] > 0
    assert deep["ratio"] == deep["continue_s"] / deep["run_s"]
    assert deep["text"].startswith("continue on a recursion 300 deep: ")
    flat = debugger.continue_speed_flat(rounds=1)
    assert "flat loop" in flat["text"] and flat["target"] == 2.0


def test_reverse_continue_cost_goes_back_across_the_steps_asked_for() -> None:
    result = debugger.reverse_continue_cost(rounds=1, steps=20_000)
    assert 19_000 <= result["steps"] <= 21_000
    assert result["reverse_s"] > 0 and result["forward_s"] > 0 and result["checkpoints"] >= 1
    assert "reverse-continue back across" in result["text"]


def test_last_change_and_snapshot_costs() -> None:
    change = debugger.last_change_cost(rounds=1, steps=3_000)
    assert change["steps"] >= 3_000 and change["ratio"] > 0
    shots = debugger.snapshot_cost((10, 400), repeat=3)
    assert set(shots["ns_by_depth"]) == {10, 400}
    assert "400 deep" in shots["text"]


def test_watchpoint_cost() -> None:
    result = debugger.watchpoint_cost(rounds=1, steps=5_000)
    assert result["watch_s"] > 0 and result["plain_s"] > 0
    assert "watchpoint" in result["text"]
