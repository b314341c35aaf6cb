"""The one number style: counts, times, rates and sizes."""

from __future__ import annotations

import pytest

from vmscope.units import fmt_bytes, fmt_count, fmt_ns, fmt_pct, fmt_rate


@pytest.mark.parametrize(("n", "text"), [
    (0, "0"), (7, "7"), (12_345, "12,345"), (999_999, "999,999"), (1_000_000, "1.00M"),
    (1_234_567, "1.23M"), (12_345_678, "12.3M"), (123_456_789, "123M"),
    (999_999_999, "1.00G"), (4_560_000_000, "4.56G"), (-2_500_000, "-2.50M"),
])
def test_counts_are_exact_below_a_million_then_three_digits(n: int, text: str) -> None:
    assert fmt_count(n) == text


def test_no_count_is_written_in_thousands_with_k() -> None:
    assert all("k" not in fmt_count(n) for n in range(0, 10_000_000, 99_991))


@pytest.mark.parametrize(("ns", "text"), [
    (0, "0 ns"), (850, "850 ns"), (999.4, "999 ns"), (1_000, "1.00 µs"), (12_345, "12.3 µs"),
    (1_053_301.7, "1.05 ms"), (2_400_000_000, "2.40 s"), (-1_500, "-1.50 µs"),
    (None, "—"), (float("nan"), "—"),
])
def test_times_take_the_unit_that_fits(ns: float | None, text: str) -> None:
    assert fmt_ns(ns) == text


def test_rates_sizes_and_shares() -> None:
    assert fmt_rate(1_234_567) == "1.23M/s"
    assert fmt_rate(850) == "850/s"
    assert fmt_bytes(512) == "512 B"
    assert fmt_bytes(1536) == "1.50 KB"
    assert fmt_bytes(64 * 1024 * 1024) == "64.0 MB"
    assert fmt_pct(0.125) == "12.5%"
    assert fmt_pct(None) == "—"
