"""The Profile view (`P`) driven with Pilot: it opens on the profile of the
debugger's program, its rows count what a count-mode profile counts, sorting
reorders them, the Instructions and Source panes show the profile's heat
afterwards, and the profile scene matches its golden SVG."""

from __future__ import annotations

import asyncio
from pathlib import Path

from test_tui import PROGRAM, Test, drive, lines, press
from test_tui_snapshots import check_golden, normalise, screen_text
from textual.pilot import Pilot

import vmscope
from vmscope.profiler import profile
from vmscope.profiler.aggregate import by_line, by_opcode
from vmscope.tui.app import DebuggerApp
from vmscope.tui.profile_view import ProfileScreen, ViewTable
from vmscope.tui.scenes import SCENE_CALIBRATION, render, scene_named
from vmscope.tui.style import format_count

LOOPY = """\
fn sq(x) {
  return x * x
}
let total = 0
for i in range(2000) {
  total += sq(i)
}
let j = 0
while j < 500 {
  j += 1
}
print(total + j)
"""


def count_profile(source: str) -> vmscope.profiler.Profile:
    program = vmscope.compile_source(source, "prog.vms")
    with profile(program, mode="count", calibration=SCENE_CALIBRATION) as p:
        p.run(lambda s: None)
    return p.profile


def table(app: DebuggerApp, view: str) -> ViewTable:
    screen = app.screen
    assert isinstance(screen, ProfileScreen)
    return screen.table(view)


def keys_of(t: ViewTable) -> list[str]:
    """The first cell of each row, as shown (the key: opcode, ip, line)."""
    return [str(t.get_row_at(n)[0]) for n in range(t.row_count)]


def test_p_opens_the_profile_view_with_exact_counts() -> None:
    async def test(app: DebuggerApp, pilot: Pilot[int]) -> None:
        await press(app, pilot, "P")
        assert isinstance(app.screen, ProfileScreen)
        run = app.profile_run
        assert run is not None and run.profile is not None and run.problem is None
        assert run.profile.mode == "sample" and run.profile.has_hits  # sample + counts
        expected = count_profile(LOOPY)
        shown = {r.key: r.hits for r in table(app, "opcode").data_rows if not r.dispatch}
        assert shown == {r.key: r.hits for r in by_opcode(expected)}
        by_lines = {r.key: r.hits for r in table(app, "line").data_rows if not r.dispatch}
        assert by_lines == {r.key: r.hits for r in by_line(expected)}
        loops = table(app, "loop").data_rows
        assert sorted(r.count for r in loops) == [500, 2000]  # iterations of each loop
        assert keys_of(table(app, "opcode"))  # rendered into the DataTable
        await press(app, pilot, "escape")
        assert not isinstance(app.screen, ProfileScreen)

    drive(LOOPY, test)


def test_sorting_changes_row_order() -> None:
    async def test(app: DebuggerApp, pilot: Pilot[int]) -> None:
        await press(app, pilot, "P", "2")  # the Instructions tab
        t = table(app, "instruction")
        first = keys_of(t)
        hot = [r.hits for r in t.ordered()]
        await press(app, pilot, "s")  # next column: ip, ascending
        by_ip = keys_of(t)
        assert by_ip != first
        numbers = [int(k) for k in by_ip if k.isdigit()]
        assert numbers == sorted(numbers)
        await press(app, pilot, "r")  # reversed
        assert keys_of(t) == by_ip[::-1]
        # a header click sorts by that column: hits, most first
        hits_col = next(n for n, c in enumerate(t.columns_spec) if c.label == "hits")
        t.sort_by(hits_col)
        await pilot.pause()
        assert [r.hits for r in t.ordered()] == sorted(hot, reverse=True)
        assert "hits▼" in str(t.ordered_columns[hits_col].label)

    drive(LOOPY, test)


def test_instructions_and_source_show_the_profile_heat() -> None:
    async def test(app: DebuggerApp, pilot: Pilot[int]) -> None:
        before = lines(app.instructions, 100)
        await press(app, pilot, "P", "escape")
        heat = app.profile_heat
        assert heat is not None and heat.timed
        assert "heat: profile" in str(app.instructions.border_subtitle)
        after = lines(app.instructions, 100)
        assert after != before
        header = app.instructions.header(100).plain
        assert "time%" in header
        expected = count_profile(LOOPY)
        hits = [0] * len(expected.instrs)
        for c in expected.cells:
            hits[c.ip] += c.hits
        assert list(heat.hits) == hits
        top = max(range(len(heat.share)), key=heat.share.__getitem__)  # sampled: the hottest
        row = app.instructions.render_row(app.instructions.row_of_ip[top], 100).plain
        assert format_count(hits[top]) in row and f"{heat.share[top] * 100:.1f}%" in row
        assert row.rstrip().endswith("█████")  # the heat bar is the profile's time share
        assert app.source.heat  # the gutter sparks follow the profile's line shares
        assert max(app.source.heat.values()) == 1.0
        await press(app, pilot)
        await app.run_action("clear_profile")
        await pilot.pause()
        assert app.profile_heat is None and "time%" not in app.instructions.header(100).plain

    drive(LOOPY, test)


def test_debugger_keys_are_off_in_the_view_and_p_needs_a_program() -> None:
    async def test(app: DebuggerApp, pilot: Pilot[int]) -> None:
        await press(app, pilot, "P", "s")  # `s` sorts here; it does not step
        assert app.session is not None and app.session.snapshot().steps == 0
        await press(app, pilot, "P")  # P again: back to the debugger
        assert not isinstance(app.screen, ProfileScreen)
        await press(app, pilot, "s")
        assert app.session.snapshot().steps == 1

    drive(PROGRAM, test)
    bad: Test

    async def bad(app: DebuggerApp, pilot: Pilot[int]) -> None:
        assert app.check_action("profile", ()) is None
        await press(app, pilot, "P")
        assert not isinstance(app.screen, ProfileScreen)

    drive("let = \n", bad)


def test_profile_scene_matches_its_golden(tmp_path: Path) -> None:
    svg = normalise(asyncio.run(render(scene_named("profile"), (120, 40))))
    text = screen_text(svg)
    assert any("timed" in row and "315,376 instructions" in row for row in text)
    assert any("load_local" in row for row in text)
    check_golden("profile-120x40", svg, tmp_path)


def test_functions_and_sequences_tabs() -> None:
    async def test(app: DebuggerApp, pilot: Pilot[int]) -> None:
        await press(app, pilot, "P", "5")
        funcs = {r.key: r for r in table(app, "function").data_rows if not r.dispatch}
        assert funcs["sq"].count == 2000 and funcs["<main>"].hits > 0  # calls of sq
        assert funcs["sq"].incl_ns is not None and funcs["sq"].incl_ns >= funcs["sq"].ns
        await press(app, pilot, "6")
        seqs = table(app, "sequence").data_rows
        assert seqs and all(len(r.key.split()) in (2, 3) for r in seqs)
        family_hits = {r.key: r.hits for r in by_opcode(count_profile(LOOPY))}
        for r in seqs:  # a sequence runs at most as often as its first opcode
            assert 0 < r.hits <= family_hits[r.key.split()[0]]
        assert keys_of(table(app, "sequence"))

    drive(LOOPY, test)


def test_x_stops_a_running_profile_and_keeps_what_ran() -> None:
    async def test(app: DebuggerApp, pilot: Pilot[int]) -> None:
        await pilot.press("P")
        run = app.profile_run
        assert run is not None
        for _ in range(200):  # until the loop is running
            await asyncio.sleep(0.01)
            if run.steps():
                break
        assert isinstance(app.screen, ProfileScreen) and app.screen.check_action("stop", ())
        await press(app, pilot, "x")
        assert run.done and run.profile is not None and run.problem is None
        assert run.profile.error == "interrupted" and run.profile.steps
        screen = app.screen
        assert isinstance(screen, ProfileScreen) and screen.check_action("stop", ()) is False
        assert "interrupted" in screen.query_one("#profile-summary").render().plain  # type: ignore[attr-defined]

    drive("let i = 0\nwhile true { i += 1 }\n", test)


def test_the_profile_tables_write_numbers_in_one_style() -> None:
    """Times in the unit that fits (not `ns/hit 1053301.7`), counts in the
    style of vmscope.units (not `1000k` beside `12M`)."""
    from dataclasses import replace

    from vmscope.tui.profile_tables import table_spec
    from vmscope.tui.style import format_ns

    prof = count_profile(LOOPY)
    slow = replace(prof, has_time=True, cells=tuple(
        replace(c, hits=1_000_000, ns=1_053_301.7 * 1_000_000) if c.ip == 0 else c
        for c in prof.cells))
    cols, rows, _ = table_spec(slow, "instruction")
    labels = [c.label for c in cols]
    assert "ns/hit" not in labels
    row = next(r for r in rows if r.key == "0")
    cells = {c.label: c.cell(row) for c in cols}
    assert str(cells["per hit"]) == "1.05 ms" and str(cells["hits"]) == "1.00M"
    assert str(cells["time"]) == "1053 s"
    assert format_count(999_999) == "999,999" and format_count(1_000_000) == "1.00M"
    assert format_count(12_345_678) == "12.3M"
    assert format_ns(7778) == "7.78 µs" and format_ns(0) == ""
