"""Row-evaluation benchmarks (the shapes of evalengine's): filled in once the
row evaluator lands."""

from __future__ import annotations

from typing import Any


def row_benchmarks(rounds: int) -> list[dict[str, Any]]:
    return []
