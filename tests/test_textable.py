"""The plain-text tables of the headless reports."""

from __future__ import annotations

import pytest

from vmscope.textable import Column, TextTable


def sample() -> TextTable:
    t = TextTable("by opcode", [Column("opcode", right=False), Column("execs"),
                                Column("detail", right=False)])
    t.add("add.int", "1,234", "x + y", rule_after=True)
    t.add("call", "7", "a long source line that goes on and on")
    t.add("(dispatch)", "1,241", "the VM loop", emphasis=True)
    return t


def test_columns_align_and_lines_end_without_padding() -> None:
    lines = sample().lines()
    assert lines == [
        "by opcode",
        "opcode     ┃ execs ┃ detail",
        "━━━━━━━━━━━╇━━━━━━━╇━━━━━━━",
        "add.int    │ 1,234 │ x + y",
        "───────────┼───────┼───────",
        "call       │     7 │ a long source line that goes on and on",
        "(dispatch) │ 1,241 │ the VM loop",
    ]


def test_a_row_must_fill_every_column() -> None:
    with pytest.raises(ValueError, match="2 cells for 3 columns"):
        sample().add("x", "y")
