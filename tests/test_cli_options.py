"""The command line's own surface: --version, the short form of `debug`,
help text on every option of every command, what `trace` refuses, the
option types' messages and the number style of `run --stats`."""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import pytest

from vmscope.cli import COMMANDS, main
from vmscope.cli.profile import diff_parser

PROGRAM = 'print("start")\n# a comment\n\nfn twice(x) {\n  return x * 2\n}\nprint(twice(21))\n'


def usage_line(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """Runs main(argv); asserts one `vmscope:` line on stderr, nothing on
    stdout (nothing ran), exit 2; gives the line."""
    code = main(argv)
    out, err = capsys.readouterr()
    assert (code, out) == (2, ""), (code, out, err)
    assert err.count("\n") == 1 and err.startswith("vmscope: "), err
    return err.strip()


@pytest.fixture
def prog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    Path("prog.vms").write_text(PROGRAM)
    return "prog.vms"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"vmscope {importlib.metadata.version('vmscope')}\n"
    proc = subprocess.run([sys.executable, "-m", "vmscope", "--version"], capture_output=True,
                          text=True, timeout=60, check=False)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "vmscope 0.1.0\n", "")


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "--version" in out and "FILE.vms" in out
    for command in COMMANDS:
        assert re.search(rf"^    {command.name}\s+{re.escape(command.help[:20])}", out,
                         re.MULTILINE), command.name


@pytest.mark.parametrize("argv", [
    ["-O2", "prog.vms"], ["prog.vms", "-O2"], ["-O", "2", "prog.vms"],
    ["--max-depth", "50", "-O2", "prog.vms"], ["prog.vms", "--max-depth=50", "-O", "2"],
    ["debug", "-O2", "prog.vms"],
])
def test_the_short_form_takes_the_debug_options_in_any_order(
        prog: str, monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> None:
    from vmscope.tui import app

    opened: list[tuple[str, int, int, Path | None]] = []
    monkeypatch.setattr(app, "run_debugger", lambda name, data, limits, level, path:
                        opened.append((name, level, limits.max_depth, path)) or 0)
    assert main(argv) == 0
    depth = 50 if "50" in " ".join(argv) else 10_000
    assert opened == [(prog, 2, depth, Path(prog))]


def test_options_alone_open_the_bundled_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    from vmscope.tui import app

    opened: list[tuple[str, int, Path | None]] = []
    monkeypatch.setattr(app, "run_debugger", lambda name, data, limits, level, path:
                        opened.append((name, level, path)) or 0)
    assert main(["-O1"]) == 0 and main([]) == 0
    assert opened == [("fib.vms", 1, None), ("fib.vms", 0, None)]


def _parsers() -> list[tuple[str, argparse.ArgumentParser]]:
    found = [(c.name, importlib.import_module(c.module).parser()) for c in COMMANDS]
    return [*found, ("profile diff", diff_parser())]


@pytest.mark.parametrize(("name", "parser"), _parsers(), ids=lambda v: v if isinstance(
    v, str) else "")
def test_every_argument_and_option_has_help(name: str, parser: argparse.ArgumentParser
                                            ) -> None:
    assert parser.description, name
    for action in parser._actions:
        text = action.help or ""
        assert text.strip() and text != argparse.SUPPRESS, (name, action.dest)
        if action.option_strings and action.option_strings[0].startswith("--max-"):
            assert "default" in text, (name, action.dest)


def test_every_program_command_has_the_limit_options() -> None:
    for name, parser in _parsers():
        options = {s for a in parser._actions for s in a.option_strings}
        if name in ("run", "trace", "debug", "profile", "eval"):
            assert {"--max-steps", "--max-depth", "--max-length",
                    "--max-int-bits"} <= options, name
    help_text = importlib.import_module("vmscope.cli.profile").parser().format_help()
    assert "--max-steps N" in help_text


# ---- trace: what it refuses -------------------------------------------------------------------


@pytest.mark.parametrize(("options", "message"), [
    (["--function", "nosuch"], "no function named 'nosuch' in prog.vms; it has twice, <main>"),
    (["--start-line", "999"], "no code on line 999 of prog.vms: it has 7 lines"),
    (["--start-line", "2"], "no code on line 2 of prog.vms: the line is a comment"),
    (["--start-line", "3"], "no code on line 3 of prog.vms: the line is blank"),
    (["--start-ip", "99999"], "no instruction 99999: the program has "),
    (["--start-ip", "-1"], "argument --start-ip: expected a whole number >= 0, got '-1'"),
    (["--limit", "x"], "argument --limit: expected a whole number >= 0, got 'x'"),
])
def test_trace_names_what_does_not_exist(prog: str, capsys: pytest.CaptureFixture[str],
                                         options: list[str], message: str) -> None:
    line = usage_line(capsys, ["trace", prog, *options])
    assert line.startswith(f"vmscope: {message}"), line


def test_trace_instruction_count_in_the_message_is_the_programs(
        prog: str, capsys: pytest.CaptureFixture[str]) -> None:
    import vmscope

    n = len(vmscope.compile_source(PROGRAM).at_level(1).code.instrs)
    line = usage_line(capsys, ["trace", prog, "-O1", "--start-ip", "99999"])
    assert line == f"vmscope: no instruction 99999: the program has {n} at -O1 (0 to {n - 1})"


def test_trace_targets_that_exist_still_trace(prog: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", prog, "--function", "twice"]) == 0
    out = capsys.readouterr().out
    traced = [line for line in out.splitlines() if not line.startswith("|")]
    assert traced and all(re.match(r"\s*\d+\s+\d+\s+5:", line) for line in traced), out
    assert main(["trace", prog, "--start-line", "7", "--limit", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all(re.match(r"\s*\d+\s+\d+\s+7:", x) for x in lines), lines


# ---- option types and numbers -----------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "-1", "-100", "two"])
def test_one_message_for_every_value_below_one(prog: str, capsys: pytest.CaptureFixture[str],
                                               value: str) -> None:
    line = usage_line(capsys, ["profile", prog, "--top", value])
    assert line == f"vmscope: argument --top: expected a whole number >= 1, got '{value}'"


def test_stats_figures_in_the_one_number_style(prog: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    Path("loop.vms").write_text("let i = 0\nwhile i < 300000 { i += 1 }\n")
    assert main(["run", "--stats", "-O0", "loop.vms"]) == 0
    stats = dict(line.split(": ", 1) for line in capsys.readouterr().err.splitlines())
    assert re.fullmatch(r"\d+ \(instructions\)", stats["steps"])  # exact: --max-steps takes it
    assert int(stats["steps"].split()[0]) > 1_000_000
    assert re.fullmatch(r"\d+(\.\d+)? (ns|µs|ms|s)", stats["time"]), stats["time"]
    # exact below a million (`999,999`), then three digits and a suffix (`1.90M`)
    assert re.fullmatch(r"\d{1,3}(,\d{3})?|\d+(\.\d+)?[MG]", stats["steps/s"]), stats
    assert stats["max call depth"] == "0"
