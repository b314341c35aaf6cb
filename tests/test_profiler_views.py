"""Aggregations, renderers, exporters and the JSON model on a hand-built
Profile whose every number is known (no VM, no clock)."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from vmscope.profiler import aggregate as agg
from vmscope.profiler.diff import diff_json, diff_rows, diff_text
from vmscope.profiler.export import (
    SPEEDSCOPE_SCHEMA,
    OverwriteError,
    is_previous_profile,
    parse_collapsed,
    to_collapsed,
    to_speedscope,
    write_atomic,
)
from vmscope.profiler.model import (
    SCHEMA_VERSION,
    Calibration,
    Cell,
    Context,
    Edge,
    FuncMeta,
    InstrMeta,
    Profile,
    ProfileFormatError,
)
from vmscope.profiler.render import bar, header_lines, render, renderable

# f(x) { return x + ... }   called from a loop in <main> ten times:
#  0 load_local  1 add  2 return          (f, line 2)
#  3 const  4 call f  (line 4)   5 jump_if_false -> 7   6 jump -> 3   (line 5)   7 halt
INSTRS = (
    InstrMeta("load_local", "load_local", 2, 10, 0, "x"),
    InstrMeta("add", "add", 2, 12, 0),
    InstrMeta("return", "return", 2, 3, 0),
    InstrMeta("const", "const", 4, 1, 1, "1"),
    InstrMeta("call", "call", 4, 1, 1, "f/1", 0),
    InstrMeta("jump_if_false", "jump_if_false", 5, 7, 1, "", 7),
    InstrMeta("jump", "jump", 5, 1, 1, "loop", 3),
    InstrMeta("halt", "halt", 6, 1, 1),
)
FUNCS = (FuncMeta("f", 0, 3, 1), FuncMeta("<main>", 3, 8, 1))
HITS = {0: 10, 1: 10, 2: 10, 3: 10, 4: 10, 5: 10, 6: 9, 7: 1}
OWN = {0: 100.0, 1: 600.0, 2: 100.0, 3: 50.0, 4: 150.0, 5: 50.0, 6: 50.0, 7: 0.0}
D = 10.0  # dispatch ns per hit


def make_profile(mode: str = "timed", scale: float = 1.0) -> Profile:
    cells = tuple(Cell(1 if ip < 3 else 0, ip, HITS[ip], OWN[ip] * scale, HITS[ip] * D)
                  for ip in range(8))
    return Profile(
        program="hand.vms", mode=mode, instrs=INSTRS, functions=FUNCS,
        contexts=(Context(-1, -1, 1), Context(0, 4, 0)), cells=cells,
        edges=(Edge(4, 0, 10), Edge(5, 7, 1), Edge(6, 3, 9), Edge(2, 5, 10)),
        calibration=Calibration(dispatch_ns=D, timer_ns=100.0, timer_spread_ns=2.0),
        wall_ns=5000, runs=1, has_hits=True, has_time=mode != "count", has_contexts=True,
        overhead=2.5, notes=("hand-made",),
        source_lines={2: "return x + 1", 4: "f(1)", 5: "while ... {", 6: "}"},
        created="2026-01-01T00:00:00+00:00", tool="vmscope test")


@pytest.fixture
def prof() -> Profile:
    return make_profile()


def by_key(rows: list[agg.Row]) -> dict[str, agg.Row]:
    return {r.key: r for r in rows}


def test_totals(prof: Profile) -> None:
    assert prof.steps == 70
    assert prof.dispatch_total_ns == 700.0
    assert prof.total_ns == 1100.0 + 700.0


def test_by_instruction_and_opcode(prof: Profile) -> None:
    rows = agg.by_instruction(prof)
    assert rows[0].key == "1" and rows[0].ns == 600.0 and rows[0].hits == 10
    assert "add" in rows[0].detail and "2:12" in rows[0].detail
    ops = by_key(agg.by_opcode(prof))
    assert ops["add"].ns == 600.0
    assert ops["jump"].hits == 9
    assert agg.top_keys(prof, "opcode", 2) == ["add", "call"]
    # timed error bars: hits x the timer spread
    assert ops["add"].err_ns == 10 * 2.0


def test_by_line(prof: Profile) -> None:
    lines = by_key(agg.by_line(prof))
    assert lines["2"].ns == 800.0 and lines["2"].hits == 30
    assert lines["2"].detail == "return x + 1"
    assert lines["5"].hits == 19


def test_by_function_self_inclusive_calls(prof: Profile) -> None:
    funcs = by_key(agg.by_function(prof))
    assert funcs["f"].ns == 800.0 and funcs["f"].incl_ns == 800.0 and funcs["f"].count == 10
    assert funcs["<main>"].ns == 300.0 and funcs["<main>"].incl_ns == 1100.0


def test_by_loop(prof: Profile) -> None:
    (loop,) = agg.by_loop(prof)
    assert loop.key == "4"  # the header (ip 3) is on line 4
    assert loop.count == 9  # backward jumps taken
    assert loop.ns == 300.0  # own time of ips 3..6
    assert loop.incl_ns == 1100.0  # plus everything f did when called from the loop


def test_sequences(prof: Profile) -> None:
    pairs = by_key(agg.sequences(prof, 2))
    assert pairs["load_local add"].hits == 10
    assert pairs["jump_if_false jump"].hits == 9  # the fall-through edge: 10 - 1 taken
    assert pairs["jump_if_false halt"].hits == 1
    assert pairs["return jump_if_false"].hits == 10  # through the return edge
    assert pairs["load_local add"].ns == 10 * (10.0 + 60.0)
    assert pairs["load_local add"].saved_ns == 10 * D
    triples = by_key(agg.sequences(prof, 3))
    assert triples["load_local add return"].hits == 10 and triples["load_local add return"].exact
    assert triples["call load_local add"].saved_ns == 10 * 2 * D
    assert agg.sequences(replace(prof, has_hits=False), 2) == []


def test_shares_sum_to_one_and_dispatch_row(prof: Profile) -> None:
    s = agg.shares(prof, "opcode", with_dispatch=True)
    assert sum(s.values()) == pytest.approx(1.0)
    assert s[agg.DISPATCH] == pytest.approx(700 / 1800)
    d = agg.dispatch_row(prof)
    assert d.dispatch and d.hits == 70 and d.ns == 700.0


def test_count_mode_views_rank_by_hits() -> None:
    p = make_profile("count")
    assert agg.by_opcode(p)[0].hits == 10
    assert "exact counts" in "\n".join(header_lines(p))


def test_sampled_error_bars() -> None:
    p = replace(make_profile("sample"), samples=100,
                cells=tuple(replace(c, samples=50 if c.ip == 1 else 0) for c in
                            make_profile().cells))
    row = by_key(agg.by_opcode(p))["add"]
    # p = 0.5, n = 100: 1.96 * sqrt(0.25 / 100) = 0.098 of the total
    assert row.err_ns == pytest.approx(0.098 * p.total_ns)


def test_merged_ticks_in_the_header_and_json() -> None:
    """Samples that stood for several merged ticks are said, and the header's
    error bound counts only the samples taken (100 - 36 = 64: 1.96 * 0.5 / 8)."""
    p = replace(make_profile("sample"), samples=100, merged_ticks=36, has_samples=True,
                sample_rate_hz=2000.0)
    head = "\n".join(header_lines(p))
    assert "36 merged ticks" in head and "±12.2 points" in head
    assert Profile.from_json(p.to_json()).merged_ticks == 36
    assert "merged" not in "\n".join(header_lines(replace(p, merged_ticks=0)))


def test_a_run_too_short_to_sample_says_so() -> None:
    """No samples: the header says why and what to do, never a NaN bound."""
    p = replace(make_profile("sample"), samples=0, has_samples=True, sample_rate_hz=2000.0)
    head = "\n".join(header_lines(p))
    assert "nan" not in head.lower()
    assert "shorter than the sampling interval (500 µs)" in head and "--repeat N" in head
    assert "nan" not in render(p, "opcode", 10).lower()


def test_bar() -> None:
    assert bar(0.0, 4) == "    "
    assert bar(1.0, 4) == "████"
    assert bar(0.5, 4) == "██  "
    assert bar(1 / 32, 4) == "▏   "


@pytest.mark.parametrize("by", agg.VIEWS)
def test_render_every_view(prof: Profile, by: str) -> None:
    text = render(prof, by, top=3)
    assert text.startswith("vmscope profile of hand.vms   mode: timed")
    assert "calibration: dispatch 10.0" in text and "timer 100.0±2.0" in text
    assert "estimated overhead: 2.50x" in text
    assert "note: hand-made" in text
    if by != "sequence":
        assert agg.DISPATCH in text
        assert "ip += code[ip](vm)" in text  # not eaten as markup


def test_render_top_n_and_more(prof: Profile) -> None:
    text = render(prof, "instruction", top=2)
    assert "… 6 more" in text


@pytest.mark.parametrize("by", agg.VIEWS)
def test_a_terminal_gets_the_same_cells_drawn_by_rich(prof: Profile, by: str) -> None:
    from rich.console import Console

    buf = io.StringIO()
    Console(file=buf, width=250, color_system=None).print(renderable(prof, by, top=3))

    def words(text: str) -> list[list[str]]:  # rules are drawn to different lengths
        return [line.split() for line in text.splitlines() if line.strip(" ━╇─┼")]

    # the same words on the same lines: only the drawing differs
    assert words(buf.getvalue()) == words(render(prof, by, top=3))


def test_json_round_trip(prof: Profile) -> None:
    text = prof.to_json()
    data = json.loads(text)
    assert data["schema"] == "vmscope.profile" and data["version"] == SCHEMA_VERSION
    again = Profile.from_json(text)
    assert again == prof
    assert Profile.from_json(again.to_json()) == prof


def test_json_rejects_other_documents() -> None:
    with pytest.raises(ProfileFormatError, match="not a vmscope profile"):
        Profile.from_json('{"a": 1}')
    with pytest.raises(ProfileFormatError, match="not JSON"):
        Profile.from_json("nope")
    bad = json.loads(make_profile().to_json())
    bad["version"] = 99
    with pytest.raises(ProfileFormatError, match="version 99"):
        Profile.from_dict(bad)
    del bad["version"]
    bad["version"] = SCHEMA_VERSION
    del bad["cells"]
    with pytest.raises(ProfileFormatError, match=r"^missing field cells$"):
        Profile.from_dict(bad)


# The required fields of https://www.speedscope.app/file-format-schema.json
# (FileFormat.File, Frame and SampledProfile), restated for validation.
SPEEDSCOPE_REQUIRED = {
    "type": "object",
    "required": ["$schema", "profiles", "shared"],
    "properties": {
        "$schema": {"enum": [SPEEDSCOPE_SCHEMA]},
        "shared": {"type": "object", "required": ["frames"], "properties": {
            "frames": {"type": "array", "items": {
                "type": "object", "required": ["name"],
                "properties": {"name": {"type": "string"}, "file": {"type": "string"},
                               "line": {"type": "number"}, "col": {"type": "number"}}}}}},
        "profiles": {"type": "array", "items": {
            "type": "object",
            "required": ["endValue", "name", "samples", "startValue", "type", "unit",
                         "weights"],
            "properties": {
                "type": {"enum": ["sampled"]},
                "unit": {"enum": ["bytes", "microseconds", "milliseconds", "nanoseconds",
                                  "none", "seconds"]},
                "samples": {"type": "array", "items": {"type": "array",
                                                       "items": {"type": "number"}}},
                "weights": {"type": "array", "items": {"type": "number"}}}}},
        "name": {"type": "string"}, "activeProfileIndex": {"type": "number"},
        "exporter": {"type": "string"}},
}


def test_speedscope_structure(prof: Profile) -> None:
    doc = json.loads(to_speedscope(prof))
    try:
        import jsonschema
    except ImportError:  # the structural checks below still run
        pass
    else:
        jsonschema.validate(doc, SPEEDSCOPE_REQUIRED)
    frames = doc["shared"]["frames"]
    (sp,) = doc["profiles"]
    assert sp["type"] == "sampled" and sp["unit"] == "nanoseconds"
    assert len(sp["samples"]) == len(sp["weights"])
    assert sum(sp["weights"]) == pytest.approx(prof.total_ns)
    assert sp["endValue"] == pytest.approx(prof.total_ns) and sp["startValue"] == 0
    names = [[frames[i]["name"] for i in s] for s in sp["samples"]]
    # function > line > instruction, following the calling context
    assert ["<main>", "f", "line 2: return x + 1", "1 add"] in names
    assert ["<main>", "f", agg.DISPATCH] in names
    assert all(0 <= i < len(frames) for s in sp["samples"] for i in s)


def test_collapsed_parses_back(prof: Profile) -> None:
    stacks = parse_collapsed(to_collapsed(prof))
    assert sum(n for _, n in stacks) == round(prof.total_ns)
    assert (["<main>", "f", "hand.vms:2", "1 add"], 600) in stacks
    assert all(frames[0] == "<main>" for frames, _ in stacks)


def test_collapsed_count_mode_weights_are_hits() -> None:
    stacks = parse_collapsed(to_collapsed(make_profile("count")))
    assert sum(n for _, n in stacks) == 70


def test_diff(prof: Profile) -> None:
    faster = make_profile(scale=0.5)
    rows = {r.key: r for r in diff_rows(prof, faster, "opcode")}
    assert rows["add"].d_ns == -300.0 and rows["add"].d_hits == 0
    assert rows[agg.DISPATCH].d_ns == 0.0
    lines = {r.key: r for r in diff_rows(prof, faster, "line")}
    assert lines["2"].d_ns == -400.0
    text = diff_text(prof, faster)
    assert text.startswith("vmscope profile diff")
    assert "-300 ns" in text and "-50.0%" in text
    doc = json.loads(diff_json(prof, faster))
    assert doc["by_opcode"][0]["key"] == "add"
    assert "levels differ" not in text


def test_the_level_is_kept_shown_and_compared(prof: Profile) -> None:
    o1, o2 = replace(prof, level=1), replace(prof, level=2)
    assert Profile.from_json(o2.to_json()).level == 2
    assert header_lines(o2)[0].startswith("vmscope profile of hand.vms -O2   mode:")
    assert header_lines(prof)[0].startswith("vmscope profile of hand.vms   mode:")  # unknown
    summary = diff_text(o1, o2).splitlines()
    assert summary[1].startswith("A: hand.vms -O1 (") and summary[2].startswith("B: hand.vms -O2")
    assert "note: the -O levels differ (-O1 vs -O2): the instructions differ, so compare by " \
           "line" in summary
    data = json.loads(prof.to_json())
    del data["level"]  # a profile written before the field existed
    assert Profile.from_dict(data).level is None


def test_atomic_write_and_overwrite_guard(tmp_path: Path, prof: Profile) -> None:
    target = tmp_path / "p.json"
    write_atomic(target, prof.to_json())
    assert Profile.from_json(target.read_text()) == prof
    write_atomic(target, prof.to_json())  # a previous profile may be replaced
    other = tmp_path / "notes.txt"
    other.write_text("precious\n")
    with pytest.raises(OverwriteError, match="--force"):
        write_atomic(other, prof.to_json())
    assert other.read_text() == "precious\n"
    write_atomic(other, prof.to_json(), force=True)
    assert is_previous_profile(other)
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary files left behind


def test_previous_profiles_are_recognised(tmp_path: Path, prof: Profile) -> None:
    for name, text in (("a.json", prof.to_json()), ("b.speedscope.json", to_speedscope(prof)),
                       ("c.folded", to_collapsed(prof)), ("d.txt", render(prof))):
        path = tmp_path / name
        path.write_text(text)
        assert is_previous_profile(path), name
    for name, text in (("e.json", '{"x": 1}'), ("f.txt", "hello world\n"), ("g", "")):
        path = tmp_path / name
        path.write_text(text)
        assert not is_previous_profile(path), name


def test_progress_appears_only_for_long_runs() -> None:
    import io
    import time

    from vmscope.profiler.progress import progress

    quick = io.StringIO()
    with progress("profiling quick.vms", True, delay=0.5, stream=quick):
        pass
    assert quick.getvalue() == ""
    slow = io.StringIO()
    with progress("profiling slow.vms", True, delay=0.01, stream=slow):
        time.sleep(0.1)
    assert slow.getvalue() == "vmscope: profiling slow.vms… (still running after 0.01 s)\n"
    off = io.StringIO()
    with progress("x", False, delay=0.0, stream=off):
        time.sleep(0.02)
    assert off.getvalue() == ""


# ---- defects: what a new user hit --------------------------------------------------------

@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.pop("cell_fields"), "missing field cell_fields"),
    (lambda d: d.pop("wall_ns"), "missing field wall_ns"),
    (lambda d: d["sampling"].pop("rate_hz"), "missing field sampling.rate_hz"),
    (lambda d: d.update(has=[]), "field has: expected an object, got list"),
    (lambda d: d.update(cell_fields=["ip", "ctx"]), "field cell_fields: expected ['ctx', "),
    (lambda d: d.update(mode="fast"), "field mode: unknown mode 'fast'; choose one of count"),
    (lambda d: d["cells"][2].__setitem__(2, "x"), "field cells[2]: expected an integer, got 'x'"),
    (lambda d: d["cells"].append([0, 1]), "field cells[8]: expected a list of 7 values, got "
                                          "[0, 1]"),
    (lambda d: d["cells"].append([0, 99, 1, 0.0, 0.0, 0, 0]),
     "field cells[8]: ip 99 or context 0 is out of range (the profile has 8 instructions"),
    (lambda d: d["edges"].append([0, 42, 1]), "field edges[4]: ip 0 or 42 is out of range"),
    (lambda d: d.update(source_lines={"two": "x"}),
     "field source_lines: expected line numbers as keys, got 'two'"),
    (lambda d: d.update(runs=True), "field runs: expected an integer, got True"),
])
def test_a_malformed_profile_says_what_is_wrong(change: object, message: str) -> None:
    """Not `malformed profile: KeyError('cell_fields')`: the field and what is wrong."""
    data = json.loads(make_profile().to_json())
    change(data)  # type: ignore[operator]
    with pytest.raises(ProfileFormatError) as info:
        Profile.from_dict(data)
    assert str(info.value).startswith(message), str(info.value)
    assert "Error(" not in str(info.value)


def test_diff_of_a_malformed_profile_is_one_line_naming_the_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import vmscope.cli

    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    data = json.loads(make_profile().to_json())
    good.write_text(json.dumps(data))
    del data["cell_fields"]
    bad.write_text(json.dumps(data))
    code = vmscope.cli.main(["profile", "diff", str(bad), str(good)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith(f"vmscope: {bad}: missing field cell_fields") and err.count("\n") == 1


def test_a_diff_of_count_profiles_compares_hits() -> None:
    """No "0 ns" in every time cell and no empty change column: without
    times the columns, the sort and the change column are hits."""
    before = make_profile("count")
    after = replace(before, cells=tuple(replace(c, hits=c.hits * 2 if c.ip == 1 else c.hits)
                                        for c in before.cells))
    rows = diff_rows(before, after, "opcode")
    assert rows[0].key == agg.DISPATCH and rows[0].d_hits == 10  # largest change in hits first
    assert rows[1].key == "add" and rows[1].d_hits == 10
    text = diff_text(before, after)
    assert "note: not both profiles have times (count mode): hits compared" in text
    header = next(line for line in text.splitlines() if line.startswith("opcode"))
    assert header.split() == ["opcode", "┃", "hits", "A", "┃", "hits", "B", "┃", "Δ", "hits",
                              "┃", "Δ", "%", "┃", "detail"]
    add = next(line for line in text.splitlines() if line.startswith("add "))
    assert [c.strip() for c in add.split("│")[1:5]] == ["10", "20", "+10", "+100.0%"]
    assert " ns" not in text
    assert json.loads(diff_json(before, after))["compared"] == "hits"
    timed = diff_text(make_profile(), make_profile(scale=0.5))
    assert "time A" in timed and json.loads(diff_json(make_profile(),
                                                      make_profile()))["compared"] == "time"


def test_nothing_to_compare_says_so() -> None:
    sampled = replace(make_profile("sample"), has_hits=False)
    counted = make_profile("count")
    assert "note: nothing to compare" in diff_text(sampled, counted)


def test_the_sequence_view_without_counts_is_a_note_not_a_row() -> None:
    p = replace(make_profile("sample"), has_hits=False)
    text = render(p, "sequence")
    lines = text.splitlines()
    note = "the sequence view needs exact counts: use --mode count or timed, or --counts"
    assert lines[-1] == note and lines[-2] == ""
    assert "┃" not in text and "by sequence" not in text  # no table, no header row
    buf = io.StringIO()
    from rich.console import Console

    Console(file=buf, width=200, color_system=None).print(renderable(p, "sequence"))
    assert buf.getvalue().splitlines()[-1] == note


def test_the_report_writes_numbers_in_one_style() -> None:
    """Counts exact below a million and then `1.23M`; times in the unit that fits."""
    big = replace(make_profile(), wall_ns=2_345_678_901,
                  cells=tuple(replace(c, hits=c.hits * 200_000, ns=c.ns * 1e4)
                              for c in make_profile().cells))
    text = render(big, "opcode")
    head = text.splitlines()[0]
    assert "wall: 2.35 s" in head and "steps: 14.0M" in head
    add = next(line for line in text.splitlines() if line.startswith("add "))
    assert [c.strip() for c in add.split("│")[1:5]] == ["2.00M", "6.00 ms", "54.5%", "3 ns"]
    assert not re.search(r"\d+k\b", text)
