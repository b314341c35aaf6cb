"""The plain-text tables of the headless reports."""

from __future__ import annotations

import pytest

from vmscope.textable import BOLD, DIM, ITALIC, RESET, Column, TextTable, dim


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


def test_width_cuts_the_last_column_with_an_ellipsis() -> None:
    lines = sample().lines(width=30)
    assert all(len(line) <= 30 for line in lines)
    assert lines[5] == "call       │     7 │ a long s…"
    assert lines[3] == "add.int    │ 1,234 │ x + y"  # short lines are left alone


def test_color_styles_title_header_and_emphasis_only() -> None:
    lines = sample().lines(color=True)
    assert lines[0] == f"{ITALIC}by opcode{RESET}"
    assert lines[1].startswith(BOLD) and lines[1].endswith(RESET)
    assert lines[-1] == f"{ITALIC}(dispatch) │ 1,241 │ the VM loop{RESET}"
    assert "\x1b" not in lines[3]
    assert dim(["a", ""], True) == [f"{DIM}a{RESET}", ""]
    assert dim(["a"], False) == ["a"]


def test_a_row_must_fill_every_column() -> None:
    with pytest.raises(ValueError, match="2 cells for 3 columns"):
        sample().add("x", "y")
