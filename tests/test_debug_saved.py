"""Saved state per program file, under a temporary XDG_STATE_HOME: round
trips, atomic writes, and files that cannot be used (a warning, never a
crash, never overwritten silently)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import vmscope
from vmscope.debug import Session
from vmscope.debug.saved import (
    FORMAT_VERSION,
    SavedBreakpoint,
    SavedState,
    StateStore,
    apply,
    capture,
    state_dir,
    state_file,
)

PROGRAM = "fn f(n) {\n  return n + 1\n}\nlet x = f(1)\nprint(x)\n"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"XDG_STATE_HOME": str(tmp_path / "state"), "HOME": str(tmp_path / "home")}


@pytest.fixture
def program(tmp_path: Path) -> Path:
    path = tmp_path / "prog.vms"
    path.write_text(PROGRAM)
    return path


def session(text: str = PROGRAM) -> Session:
    return Session(vmscope.compile_source(text, "prog.vms"))


def test_the_state_lives_under_xdg_state_home_keyed_by_the_absolute_path(
        env: dict[str, str], program: Path, tmp_path: Path) -> None:
    assert state_dir(env) == tmp_path / "state" / "vmscope"
    assert state_dir({"HOME": str(tmp_path)}) == tmp_path / ".local" / "state" / "vmscope"
    assert state_dir({"HOME": str(tmp_path), "XDG_STATE_HOME": "relative"}) == \
        tmp_path / ".local" / "state" / "vmscope"  # the spec ignores a relative path
    here = state_file(program, env)
    other = tmp_path / "sub" / "prog.vms"
    assert here.parent == state_dir(env) and here.name.startswith("prog.vms-")
    assert state_file(other, env) != here


def test_breakpoints_watches_and_history_round_trip(env: dict[str, str],
                                                     program: Path) -> None:
    s = session()
    s.add_breakpoint("2", condition="n > 0", ignore_count=2)
    s.add_breakpoint("f", temporary=True)
    off = s.add_breakpoint("*3")
    s.enable_breakpoint(off.id, False)
    s.add_breakpoint("5", log_message="x is {x}")
    s.add_watch("x * 2")
    s.add_watchpoint("x")
    store = StateStore(program, env)
    assert store.save(capture(s, ["break 2", "c"])) is None
    raw = json.loads(store.path.read_text())
    assert raw["version"] == FORMAT_VERSION and raw["program"] == str(program.absolute())
    loaded = StateStore(program, env).load()
    assert loaded.warning is None and loaded.writable
    assert loaded.state.history == ("break 2", "c")
    fresh = session()
    assert apply(fresh, loaded.state) == []
    again = [(b.location.text, b.condition, b.ignore_count, b.enabled, b.temporary,
              b.log_message) for b in fresh.list_breakpoints()]
    assert again == [("2", "n > 0", 2, True, False, None), ("f", None, 0, True, True, None),
                     ("*3", None, 0, False, False, None), ("5", None, 0, True, False, "x is {x}")]
    assert fresh.watches == ["x * 2"] and list(fresh.watchpoints) == ["x"]


def test_a_missing_file_is_a_fresh_start(env: dict[str, str], program: Path) -> None:
    loaded = StateStore(program, env).load()
    assert loaded == type(loaded)()


def test_ip_breakpoints_come_back_only_into_the_same_code(env: dict[str, str],
                                                          program: Path) -> None:
    s = session()
    s.add_breakpoint("*3")
    s.add_breakpoint("2")
    state = capture(s)
    changed = session(PROGRAM + "print(2)\n")
    warnings = apply(changed, state)
    assert warnings == ["breakpoint at *3 dropped: the program or its -O level changed, so "
                        "instructions moved"]
    assert [b.location.text for b in changed.list_breakpoints()] == ["2"]


def test_what_no_longer_fits_is_dropped_with_a_warning() -> None:
    state = SavedState((SavedBreakpoint("40"), SavedBreakpoint("g"),
                        SavedBreakpoint("2", condition="zz > 1")), ("x +",), ("(",))
    s = session()
    warnings = apply(s, state)
    assert warnings[:3] == ["breakpoint at 40 dropped: no code on line 40",
                            "breakpoint at g dropped: no function g",
                            "breakpoint at 2 dropped: name 'zz' is not defined"]
    assert warnings[3].startswith("watch x + dropped: ")
    assert warnings[4].startswith("watchpoint ( dropped: ")
    assert s.list_breakpoints() == [] and s.watches == []


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b'{"version": 1, "breakpoints": 3}',
                                     b'{"version": 1, "breakpoints": [{"location": 4}]}',
                                     b'{"version": 0}', b"\xff\xfe"])
def test_a_corrupt_file_is_moved_aside_with_a_warning(env: dict[str, str], program: Path,
                                                      content: bytes) -> None:
    store = StateStore(program, env)
    store.path.parent.mkdir(parents=True)
    store.path.write_bytes(content)
    loaded = store.load()
    aside = store.path.with_name(store.path.name + ".corrupt")
    assert loaded.warning is not None and str(aside) in loaded.warning
    assert "corrupt" in loaded.warning and loaded.state == SavedState()
    assert aside.read_bytes() == content and not store.path.exists()
    assert store.save(SavedState(watches=("x",))) is None  # saving goes on normally
    store.path.write_bytes(b"again")
    second = StateStore(program, env).load()
    assert second.warning is not None and ".corrupt-2" in second.warning


def test_a_newer_format_is_left_untouched_and_not_saved_over(env: dict[str, str],
                                                            program: Path) -> None:
    store = StateStore(program, env)
    store.path.parent.mkdir(parents=True)
    store.path.write_text('{"version": 99, "future": true}')
    loaded = store.load()
    assert loaded.warning is not None and "newer vmscope" in loaded.warning
    assert not loaded.writable
    warning = store.save(SavedState(watches=("x",)))
    assert warning is not None and "not saved" in warning
    assert json.loads(store.path.read_text()) == {"version": 99, "future": True}


def test_an_unreadable_file_is_a_warning_and_is_not_saved_over(env: dict[str, str],
                                                              program: Path) -> None:
    store = StateStore(program, env)
    store.path.mkdir(parents=True)  # a directory where the file should be: cannot be read
    (store.path / "keep").write_text("mine")
    loaded = store.load()
    assert loaded.warning is not None and "cannot read" in loaded.warning
    assert not loaded.writable and store.save(SavedState()) is not None
    assert (store.path / "keep").read_text() == "mine"


def test_a_write_that_fails_is_a_warning(env: dict[str, str], program: Path,
                                         tmp_path: Path) -> None:
    blocker = tmp_path / "state"
    blocker.write_text("a file where the directory should be")
    warning = StateStore(program, env).save(SavedState())
    assert warning is not None and warning.startswith("cannot save the debugger state")


def test_writes_are_atomic_and_leave_no_temporary_file(env: dict[str, str],
                                                      program: Path) -> None:
    store = StateStore(program, env)
    for n in range(3):
        store.save(SavedState(history=tuple(str(i) for i in range(n))))
    assert [p.name for p in store.path.parent.iterdir()] == [store.path.name]
    assert StateStore(program, env).load().state.history == ("0", "1")
