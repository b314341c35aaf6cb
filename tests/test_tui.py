"""The debugger TUI driven with Pilot (`App.run_test`): keys and clicks change
what the panes show, the error views, pause of an infinite loop.

Panes are read as a person would: the plain text of their rows."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from vmscope.clock import FakeClock  # drive() is a helper, not a test: it cannot take a fixture
from vmscope.debug.snapshot import Snapshot, State, StopReason
from vmscope.tui.app import DebuggerApp
from vmscope.tui.breakpoint_list import BreakpointsView
from vmscope.tui.dialogs import HelpScreen, PromptScreen
from vmscope.tui.frames import FramesView
from vmscope.tui.instructions import InstructionsView
from vmscope.tui.lineview import LineView
from vmscope.tui.output import OutputView
from vmscope.tui.palette import COMMANDS
from vmscope.tui.scenes import FAILING, SCENE_SEED
from vmscope.tui.source import SourceView
from vmscope.tui.stack import StackView
from vmscope.tui.status import StatusLine
from vmscope.tui.watches import WatchesView

PROGRAM = """\
fn add(a, b) {
  let s = a + b
  return s
}
let x = add(2, 3)
print(x * 10)
print("done")
"""
LOOP = 'print("start")\nlet i = 0\nwhile true {\n  i += 1\n}\n'
BAD = "fn f(x) {\n  return x +\n}\nprint(f(1))\n"

Test = Callable[[DebuggerApp, Pilot[int]], Awaitable[None]]


def drive(source: str, test: Test, *, size: tuple[int, int] = (100, 32),
          name: str = "prog.vms") -> None:
    async def main() -> None:
        app = DebuggerApp(name, source, clock=FakeClock(seed=SCENE_SEED))
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await test(app, pilot)

    asyncio.run(main())


async def press(app: DebuggerApp, pilot: Pilot[int], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await app.workers.wait_for_complete()
        await pilot.pause()


def lines(view: LineView, width: int = 80) -> list[str]:
    return [view.render_row(row, width).plain.rstrip() for row in range(view.row_count())]


def status(app: DebuggerApp) -> str:
    return app.query_one(StatusLine).render().plain


def ip_of(app: DebuggerApp, line: int, op: str | None = None) -> int:
    """The first instruction of `line` (with opcode `op`): tests do not
    hard-code what the compiler emits."""
    assert app.program is not None
    return next(ip for ip, i in enumerate(app.program.code.instrs)
                if i.span.line == line and (op is None or i.op.value == op))


def entry_of(app: DebuggerApp, name: str) -> int:
    assert app.program is not None
    return next(f.entry for f in app.program.code.functions if f.name == name)


def snap(app: DebuggerApp) -> Snapshot:
    assert app.snapshot is not None
    return app.snapshot


# ---- stepping ------------------------------------------------------------------------------


def test_opens_ready_at_the_entry() -> None:
    async def test(app: DebuggerApp, pilot: Pilot[int]) -> None:
        assert snap(app).state is State.READY and snap(app).ip == 0
        assert " ready " in status(app) and "ip 0 (line 5)" in status(app)
        assert app.source.cursor_line == 5
        assert lines(app.query_one(StackView))[0].strip() == "(empty)"
        rows = lines(app.instructions)
        assert rows[0] == "<main> (top level)" and rows[1].startswith("→")

    drive(PROGRAM, test)


def test_step_pushes_and_pops_on_the_stack() -> None:
    async def test(app: DebuggerApp, pilot: Pilot[int]) -> None:
        await press(app, pilot, "s")
        assert snap(app).ip == ip_of(app, 5) + 1 and snap(app).steps == 1
        assert lines(app.query_one(StackView))[0].split() == ["0", "int", "2", "+push"]
        await press(app, pilot, "s")
        cells = [row.split() for row in lines(app.query_one(StackView))]
        assert cells == [["1", "int", "3", "+push"], ["0", "int", "2"]]
        await press(app, pilot, "s")  # into add(2, 3)
        assert snap(app).ip == entry_of(app, "add")
        frames = lines(app.query_one(FramesView))
        assert [f.split()[:2] for f in frames if not f.startswith("      ")] == [
            ["1", "add"], ["0", "<main>"]]
        assert "a int 2" in " ".join(frames.pop(1).split())
        await press(app, pilot, "s", "s", "s")  # a, b, add
        stack = lines(app.query_one(StackView))
        assert stack[0].split() == ["3", "int", "5", "+push"]
        assert [row.split()[:2] for row in stack[1:]] == [["int", "2"], ["int", "3"]]
        assert stack[1].endswith("-pop")
        assert "▶" in app.source.render_row(1, 80).plain  # line 2 is current

    drive(PROGRAM, test)


def test_next_finish_continue_and_output() -> None:
    async def test(app: DebuggerApp, pilot: Pilot[int]) -> None:
        await press(app, pilot, "n")  # over the call: line 6
        assert snap(app).line == 6 and len(snap(app).frames) == 1
        await press(app, pilot, "n")
        assert snap(app).line == 7
        assert lines(app.query_one(OutputView)) == ["50"]
        await press(app, pilot, "r", "s", "s", "s", "f")  # into add, then out
        assert snap(app).ip == ip_of(app, 5, "define_global") and len(snap(app).frames) == 1
        await press(app, pilot, "c")
        assert snap(app).state is State.FINISHED
        assert lines(app.query_one(OutputView)) == ["50", "done"]
        assert " finished " in status(app)
        assert app.check_action("step", ()) is None  # nothing left to run
        assert app.check_action("step_back", ()) is True

    drive(PROGRAM, test)


def test_step_back_and_restart() -> None:
    async def test(app: DebuggerApp, pilot: Pilot[int]) -> None:
        await press(app, pilot, "s", "s", "s", "s")
        assert snap(app).steps == 4
        await press(app, pilot, "B")
        assert snap(app).steps == 3 and snap(app).ip == entry_of(app, "add")
        await press(app, pilot, "B", "B")
        assert snap(app).steps == 1 and snap(app).ip == ip_of(app, 5) + 1
        await press(app, pilot, "r")
        assert snap(app).steps == 0 and snap(app).state is State.READY

    drive(PROGRAM, test)


def test_run_to_cursor_line_and_instruction() -> None:
    async def test(app: DebuggerApp, pilot: Pilot[int]) -> None:
        app.source.show_line(3)
        await press(app, pilot, "t")
        assert snap(app).line == 3 and snap(app).ip == ip_of(app, 3)
        app.instructions.focus()
        app.instructions.show_ip(ip_of(app, 7))
        await press(app, pilot, "t")
        assert snap(app).ip == ip_of(app, 7) and lines(app.query_one(OutputView)) == ["50"]

    drive(PROGRAM, test)


# ---- breakpoints and watches -----------------------------------------------------------------


def test_breakpoint_toggled_by_key_stops_continue() -> None:
    async def test(app: DebuggerApp, pilot: Pilot[int]) -> None:
        app.source.show_line(3)
        await press(app, pilot, "b")
        assert "●" in app.source.render_row(2, 80).plain[:2]
        assert lines(app.query_one(BreakpointsView)) == ["●      line 3"]
        assert ip_of(app, 3) in app.instructions.breaks
        await press(app, pilot, "c")
        assert snap(app).ip == ip_of(app, 3) and snap(app).reason is StopReason.BREAKPOINT
        assert lines(app.query_one(BreakpointsView)) == ["●   1x line 3"]
        await press(app, pilot, "b")  # off again
        assert lines(app.query_one(BreakpointsView))[0].startswith(" (b sets one")
        await press(app, pilot, "c")
        assert snap(app).state is State.FINISHED

    drive(PROGRAM, test)


def test_breakpoint_on_an_instruction_and_enable_disable() -> None:
    async def test(app: DebuggerApp, pilot: Pilot[int]) -> None:
        app.instructions.focus()
        mul = ip_of(app, 6, "mul")
        app.instructions.show_ip(mul)
        await press(app, pilot, "b")
        assert lines(app.query_one(BreakpointsView)) == [f"●      ip {mul}"]
        app.query_one(BreakpointsView).focus()
        await press(app, pilot, "e")
        assert lines(app.query_one(BreakpointsView)) == [f"○      ip {mul}"]
        await press(app, pilot, "c")
        assert snap(app).state is State.FINISHED  # disabled: not stopped
        await press(app, pilot, "r", "e", "c")
        assert snap(app).ip == mul
        await press(app, pilot, "x")
        assert app.session is not None and app.session.list_breakpoints() == []

    drive(PROGRAM, test)


def test_clicking_the_gutter_toggles_a_breakpoint() -> None:
    async def test(app: DebuggerApp, pilot: Pilot[int]) -> None:
        source = app.query_one(SourceView)
        await pilot.click(SourceView, offset=(3, 3))  # border row, then lines 1, 2, 3
        await pilot.pause()
        assert app.session is not None
        assert [b.where for b in app.session.list_breakpoints()] == [3]
        assert "●" in source.render_row(2, 80).plain[:2]
        await pilot.click(SourceView, offset=(20, 2))  # on the code: only moves the cursor
        await pilot.pause()
        assert source.cursor_line == 2 and len(app.session.list_breakpoints()) == 1
        await pilot.click(SourceView, offset=(3, 3))
        await pilot.pause()
        assert app.session.list_breakpoints() == []

    drive(PROGRAM, test)


def test_clicking_an_instruction_selects_it() -> None:
    async def test(app: DebuggerApp, pilot: Pilot[int]) -> None:
        # border, header, "<main>" row, ips 0.. : row 3 + ip
        await pilot.click(InstructionsView, offset=(8, 3 + ip_of(app, 6)))
        await pilot.pause()
        assert app.instructions.cursor_ip == ip_of(app, 6)
        assert app.source.cursor_line == 6  # the source follows the selection
        assert snap(app).ip == 0  # selecting runs nothing

    drive(PROGRAM, test)


def test_watch_added_through_the_prompt() -> None:
    async def test(app: DebuggerApp, pilot: Pilot[int]) -> None:
        await press(app, pilot, "n", "w")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"x * 2", "enter")
        await pilot.pause()
        assert lines(app.query_one(WatchesView)) == [" x * 2 = 10  int"]
        await press(app, pilot, "w")
        app.screen.query_one(Input).value = "nope +"  # a syntax error is refused
        await press(app, pilot, "enter")
        assert len(lines(app.query_one(WatchesView))) == 1
        app.query_one(WatchesView).focus()
        await press(app, pilot, "x")
        assert lines(app.query_one(WatchesView)) == [" (w adds a watch)"]

    drive(PROGRAM, test)


# ---- errors --------------------------------------------------------------------------------


def test_syntax_error_opens_at_its_place_with_stepping_disabled() -> None:
    async def test(app: DebuggerApp, pilot: Pilot[int]) -> None:
        assert app.session is None and app.snapshot is None
        assert "compile error" in status(app) and "SyntaxError" in status(app)
        rows = lines(app.source)
        assert rows[1].startswith("  2✗") and rows[2].strip() == "^"
        assert rows[3].strip().startswith("SyntaxError: expected an expression")
        assert rows[4].startswith("  3 ")
        assert app.source.cursor_line == 2
        assert lines(app.instructions)[0].startswith(" Nothing to run: bad.vms:2:13")
        for action in ("step", "next", "continue", "toggle_breakpoint", "add_watch"):
            assert app.check_action(action, ()) is None
        await press(app, pilot, "s", "c", "b")
        assert app.snapshot is None

    drive(BAD, test, name="bad.vms")


def test_runtime_error_stops_there_post_mortem() -> None:
    async def test(app: DebuggerApp, pilot: Pilot[int]) -> None:
        await press(app, pilot, "c")
        s = snap(app)
        assert s.state is State.ERROR and s.line == 5
        assert "ZeroDivisionError: division by zero" in status(app)
        rows = lines(app.source)
        assert rows[4][2:].startswith(" 5✗   return total") and rows[6].strip() == (
            "ZeroDivisionError: division by zero")
        frames = [f.split()[1] for f in lines(app.query_one(FramesView))
                  if not f.startswith("      ")]
        assert frames == ["average", "summarize", "report", "<main>"]
        assert [r.split()[1:] for r in lines(app.query_one(StackView))] == [
            ["int", "0"], ["int", "0"]]
        assert lines(app.query_one(OutputView)) == ["score report", "alice: 84.0", "bob: 67.5"]
        assert app.check_action("continue", ()) is None
        await press(app, pilot, "B")  # back out of the error: before the len(xs) call
        assert snap(app).state is State.PAUSED and snap(app).steps == s.steps - 1
        back = snap(app).instr
        assert back is not None and back.argrepr == "len/1"

    drive(FAILING, test, name="failing.vms")


# ---- running and pausing ---------------------------------------------------------------------


def test_pause_stops_an_infinite_loop_promptly() -> None:
    async def test(app: DebuggerApp, pilot: Pilot[int]) -> None:
        assert app.session is not None
        await pilot.press("c")
        start = time.monotonic()
        while snap(app).steps < 50_000:  # progress snapshots arrive while it runs
            assert time.monotonic() - start < 10, "no progress shown"
            await asyncio.sleep(0.02)
        assert app.busy and " running " in status(app)
        assert app.check_action("step", ()) is None and app.check_action("pause", ())
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert snap(app).state is State.PAUSED and snap(app).reason is StopReason.PAUSE
        assert snap(app).line in (3, 4, 5) and "start" in snap(app).output
        steps = snap(app).steps
        await press(app, pilot, "s")
        assert snap(app).steps == steps + 1

    drive(LOOP, test)


def test_a_pause_key_from_the_input_thread_stops_the_vm_at_once() -> None:
    """The terminal's input thread hands keys to the event loop as coroutines;
    a pause key stops the VM while that coroutine is made, not when the busy
    event loop gets round to it."""

    async def test(app: DebuggerApp, pilot: Pilot[int]) -> None:
        session = app.session
        assert session is not None
        await pilot.press("c")
        while snap(app).steps < 10_000:
            await asyncio.sleep(0.02)
        loop = asyncio.get_running_loop()
        timings: list[float] = []

        def input_thread() -> None:
            start = time.perf_counter()
            coro = app._post_message(events.Key("space", " "))
            while session.state is State.RUNNING and time.perf_counter() - start < 5:
                time.sleep(0.0005)
            timings.append(time.perf_counter() - start)
            asyncio.run_coroutine_threadsafe(coro, loop)

        thread = threading.Thread(target=input_thread)
        thread.start()
        while thread.is_alive():
            await asyncio.sleep(0.01)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert session.state is State.PAUSED
        assert timings[0] < 0.1, f"the VM ran on for {timings[0] * 1000:.0f} ms"
        assert snap(app).state is State.PAUSED

    drive(LOOP, test)


# ---- the rest of the UI ------------------------------------------------------------------------


def test_help_screen_maximise_and_palette() -> None:
    async def test(app: DebuggerApp, pilot: Pilot[int]) -> None:
        await press(app, pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await press(app, pilot, "escape")
        assert not isinstance(app.screen, HelpScreen)
        await press(app, pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        await press(app, pilot, "q")
        app.instructions.focus()
        await press(app, pilot, "m")
        assert app.screen.maximized is app.instructions
        await press(app, pilot, "m")
        assert app.screen.maximized is None
        for _, _, action in COMMANDS:
            assert callable(getattr(app, f"action_{action}")), action
        await app.run_action("step")  # what a palette command does
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert snap(app).steps == 1

    drive(PROGRAM, test)


def test_instruction_listing_marks_current_target_and_heat() -> None:
    async def test(app: DebuggerApp, pilot: Pilot[int]) -> None:
        app.instructions.focus()
        jump = ip_of(app, 3, "jump_if_false")
        app.instructions.show_ip(jump)
        await press(app, pilot, "t")  # to the `jump_if_false` of `while i < 3`
        rows = lines(app.instructions, 90)
        current = next(r for r in rows if r.startswith("→"))
        target = ip_of(app, 6)  # out of the loop
        assert "jump_if_false" in current and f"to {target}" in current
        assert [r.split()[1] for r in rows if r.startswith("»")] == [str(target)]
        await press(app, pilot, "c", "p")  # p: nothing runs, nothing happens
        assert snap(app).state is State.FINISHED
        def row(ip: int) -> list[str]:
            return app.instructions.render_row(app.instructions.row_of_ip[ip], 90).plain.split()

        assert row(ip_of(app, 3))[-2:] == ["4", "█████"]  # the loop test: hottest
        assert row(ip_of(app, 4))[-2:] == ["3", "███▊"]  # the body: 3/4 of it
        once = row(0)[-4:]  # ran once, single-stepped (so timed)
        assert once[0] == "1" and once[1].isdigit() and once[2:] == ["ns", "█▎"]
        sparks = [app.source.render_row(row, 80).plain[1] for row in range(5)]
        assert sparks[0] in "▁▂▃" and sparks[2] == "█"  # heat in the gutter too

    drive("print(\"start\")\nlet i = 0\nwhile i < 3 {\n  i += 1\n}\n", test)


def test_footer_takes_two_rows_when_narrow() -> None:
    from vmscope.tui.status import KeyFooter

    async def test(app: DebuggerApp, pilot: Pilot[int]) -> None:
        footer = app.query_one(KeyFooter)
        keys = [k for k in footer.children if k.region.width]
        assert footer.has_class("-two-rows") and footer.size.height == 2
        assert {k.region.y for k in keys} == {app.size.height - 2, app.size.height - 1}
        assert all(k.region.right <= 80 for k in keys)  # nothing cut off
        assert not footer.show_command_palette
        await pilot.resize_terminal(130, 32)
        await pilot.pause()
        footer = app.query_one(KeyFooter)
        assert not footer.has_class("-two-rows") and footer.size.height == 1
        assert footer.show_command_palette

    drive(PROGRAM, test, size=(80, 24))


def test_r_reloads_a_changed_file_keeping_breakpoints_and_watches(
        tmp_path: Path, scene_clock: FakeClock) -> None:
    path = tmp_path / "prog.vms"
    path.write_text("let a = 1\nlet b = a + 1\nprint(b)\n")

    async def main() -> None:
        app = DebuggerApp(str(path), path.read_bytes(), clock=scene_clock, path=path)
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            assert app.session is not None
            app.session.add_breakpoint(line=2)
            app.add_watch("a")
            await press(app, pilot, "r")  # unchanged: a plain restart
            first = app.session
            path.write_text("let a = 10\nlet b = a * 3\nprint(b)\nprint(a)\n")
            await press(app, pilot, "r")
            assert app.session is not first and "a * 3" in app.text
            assert [(bp.kind.value, bp.where) for bp in app.session.list_breakpoints()] == [
                ("line", 2)]
            assert app.session.watches == ["a"]
            await press(app, pilot, "c")  # to the kept breakpoint
            assert app.snapshot is not None and app.snapshot.line == 2
            await press(app, pilot, "c")
            assert app.snapshot.output == "30\n10\n"
            path.write_text("let a = \n")  # now broken: its error shows, r stays on
            await press(app, pilot, "r")
            assert app.session is None and app.compile_error is not None
            assert app.check_action("restart", ()) and app.check_action("step", ()) is None
            path.write_text("let a = 5\nprint(a)\n")  # fixed: what was set comes back
            await press(app, pilot, "r")
            assert app.session is not None and app.session.watches == ["a"]
            assert [bp.where for bp in app.session.list_breakpoints()] == [2]
            await press(app, pilot, "c", "c")
            assert app.snapshot is not None and app.snapshot.output == "5\n"

    asyncio.run(main())


def test_next_over_a_long_call_shows_progress_and_pauses() -> None:
    src = ("fn spin(n) {\n  let i = 0\n  while i < n { i += 1 }\n  return i\n}\n"
           "let r = spin(100000000)\nprint(r)\n")

    async def main() -> None:
        app = DebuggerApp("spin.vms", src)  # the real clock: progress every 0.1 s
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            await pilot.press("n")
            start = time.monotonic()
            while snap(app).steps < 1000:  # snapshots arrive while `n` runs
                assert time.monotonic() - start < 10, "no progress shown"
                await asyncio.sleep(0.02)
            assert app.busy and snap(app).line in (2, 3, 4)
            await pilot.press("p")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert snap(app).state is State.PAUSED and snap(app).reason is StopReason.PAUSE

    asyncio.run(main())
