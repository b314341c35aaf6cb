"""SessionApp: the part of the debugger app that drives a `debug.Session`.

Every session operation runs in a thread worker, so the UI never blocks; a
continue posts the newest Snapshot about every 0.1 s (coalesced, so a slow
repaint never queues them up) and the final one when it stops. While a
worker runs, the UI thread touches the session only through `pause()` and
breakpoint edits, both made for that. A pause key stops the VM straight from
the terminal's input thread (see `_post_message`)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any

from textual import events, work
from textual.app import App
from textual.message import Message

from vmscope.api import Program, compile_source
from vmscope.debug.breakpoints import line_starts
from vmscope.debug.history import DEFAULT_CAP, DEFAULT_EVERY
from vmscope.debug.session import Clock, Session
from vmscope.debug.snapshot import Snapshot, State
from vmscope.errors import CompileError, VmsError
from vmscope.lang.values import DEFAULT_LIMITS, Limits

FORWARD = frozenset({"step", "next", "finish", "continue", "run_to_cursor"})
BACKWARD = frozenset({"step_back", "step_back_line", "back_breakpoint", "goto_step"})
IDLE_ONLY = FORWARD | BACKWARD | {"restart", "add_watch", "add_watchpoint", "clear_watches"}
NEEDS_PROGRAM = IDLE_ONLY | {"pause", "toggle_breakpoint", "hottest"}
PAUSE_KEYS = frozenset({"p", "space"})
RUN_SWITCH_INTERVAL = 0.001  # seconds; see _run_worker
BUSY_DELAY = 0.15  # seconds a run lasts before it shows as running


def program_text(data: bytes | str) -> str:
    """The text to show, even when it is not valid UTF-8."""
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


class SessionApp(App[int]):
    """Compiles the program, owns the Session, runs its operations."""

    class Progress(Message):
        """A running continue has a newer snapshot (kept in `_latest`)."""

    class Stopped(Message):
        """A worker's operation ended: its snapshot, or what went wrong."""

        def __init__(self, snapshot: Snapshot | None, problem: str | None) -> None:
            super().__init__()
            self.snapshot = snapshot
            self.problem = problem

    def __init__(self, filename: str, data: bytes | str, limits: Limits = DEFAULT_LIMITS, *,
                 level: int = 0, clock: Clock | None = None, tick_seconds: float | None = None,
                 checkpoint_every: int = DEFAULT_EVERY, memory_cap: int = DEFAULT_CAP,
                 path: Path | None = None) -> None:
        super().__init__()
        self.filename = filename
        self.level = level
        self.path = path  # re-read on restart (`r`) when it changed
        self._session_args = (limits, clock or time.perf_counter_ns, tick_seconds,
                              checkpoint_every, memory_cap)
        self.text = ""
        self.program: Program | None = None
        self.compile_error: CompileError | None = None
        self.session: Session | None = None
        self.load(data)
        self.snapshot: Snapshot | None = None
        self.busy = False
        self._pause_requested = False
        self._latest: Snapshot | None = None
        self._progress_posted = False
        self._bindings_key: tuple[object, ...] = ()
        self._label = ""

    def load(self, data: bytes | str) -> None:
        """Compile `data` and open a Session on it (or keep its compile error)."""
        limits, clock, tick_seconds, checkpoint_every, memory_cap = self._session_args
        self.text = program_text(data)
        self.program, self.compile_error, self.session = None, None, None
        try:
            self.program = compile_source(data, self.filename).at_level(self.level)
            self.program.code  # noqa: B018 - compile now, so its errors show here
        except CompileError as err:
            self.compile_error, self.program = err, None
        if self.program is not None:
            self.session = Session(self.program, limits, clock=clock,
                                   checkpoint_every=checkpoint_every, memory_cap=memory_cap)
            if tick_seconds is not None:
                self.session.tick_seconds = tick_seconds

    def changed_on_disk(self) -> bytes | None:
        """The file's new contents, if it was given and now reads differently."""
        if self.path is None:
            return None
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            self.notify(f"cannot re-read {self.filename}: {exc.strerror or exc}",
                        severity="error")
            return None
        return data if program_text(data) != self.text else None

    # ---- for the app ------------------------------------------------------------------

    def show(self, snap: Snapshot, *, follow: bool) -> None:
        """Show a snapshot in every pane (the app lays them out)."""
        self.snapshot = snap

    def show_running(self, snap: Snapshot) -> None:
        """The operation `snap.reason` has started."""

    def cursor_target(self) -> tuple[set[int], str] | None:
        """The ips `t` runs to, and how to name them (None: nothing there)."""
        return None

    # ---- running the session in a worker ------------------------------------------------

    def start(self, label: str, op: Callable[[Session], Snapshot]) -> None:
        """Run `op(session)` in a thread worker; the panes show RUNNING till it stops."""
        if self.session is None or self.busy:
            return
        self.busy, self._pause_requested, self._label = True, False, label
        self.set_timer(BUSY_DELAY, self._show_busy)
        self._run_worker(self.session, op)

    def _show_busy(self) -> None:
        """A run that has lasted a moment shows as running, in the status line
        and the footer. Single steps never do: no flicker, and rebuilding the
        footer costs more than all the panes."""
        if not self.busy:
            return
        if self.snapshot is not None:
            self.show_running(replace(self.snapshot, state=State.RUNNING))
        if self._bindings_key != ("busy",):
            self._bindings_key = ("busy",)
            self.refresh_bindings()

    @work(thread=True, group="vm", exit_on_error=False)
    def _run_worker(self, session: Session, op: Callable[[Session], Snapshot]) -> None:
        # The UI thread waits for the GIL on every event-loop turn while the VM
        # runs; a shorter switch interval keeps keys and repaints prompt.
        interval = sys.getswitchinterval()
        sys.setswitchinterval(min(interval, RUN_SWITCH_INTERVAL))
        try:
            snap: Snapshot | None = op(session)
            problem = None
        except (VmsError, ValueError, LookupError) as exc:
            snap, problem = None, str(exc)
        except Exception as exc:  # a bug of ours: say so, and keep the app usable
            snap, problem = None, f"internal error: {type(exc).__name__}: {exc}"
        finally:
            sys.setswitchinterval(interval)
        self.post_message(self.Stopped(snap, problem))

    def on_chunk(self, session: Session) -> None:
        """From the worker, every ~0.1 s of a long run: post the newest state."""
        if self._pause_requested:
            session.pause()  # a pause that came before the run had started
        self._latest = session.snapshot()
        if not self._progress_posted:
            self._progress_posted = True
            self.post_message(self.Progress())

    def on_session_app_progress(self, _: Progress) -> None:
        self._progress_posted = False
        if self.busy and self._latest is not None:
            self.show(self._latest, follow=False)

    def on_session_app_stopped(self, event: Stopped) -> None:
        self.busy = False
        self._latest = None
        if event.problem:
            self.notify(event.problem, severity="warning")
        assert self.session is not None
        snap = event.snapshot if event.snapshot is not None else self.session.snapshot()
        self.show(snap, follow=True)

    def _post_message(self, message: Message) -> Coroutine[Any, Any, bool]:
        """The terminal's input thread hands every key to the event loop through
        here (building this coroutine in its own thread). A pause key stops the
        VM right there: the event loop competes with the running VM for the
        GIL, and a key dispatched through it can take a while to arrive."""
        self._pause_now(message)
        return super()._post_message(message)

    def post_message(self, message: Message) -> bool:
        self._pause_now(message)
        return super().post_message(message)

    def _pause_now(self, message: Message) -> None:
        if (isinstance(message, events.Key) and message.key in PAUSE_KEYS and self.busy
                and self.session is not None and len(self.screen_stack) == 1):
            self._pause_requested = True
            self.session.pause()

    def bindings_changed(self) -> None:
        """Refresh the footer when what the keys can do changed."""
        snap = self.snapshot
        key = (snap.state in (State.FINISHED, State.ERROR) if snap else None,
               bool(snap and snap.steps))
        if not self.busy and key != self._bindings_key:
            self._bindings_key = key
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "restart" and self.session is None:
            return True if self.path is not None else None  # r re-reads a fixed file
        if action in NEEDS_PROGRAM and self.session is None:
            return None
        if action == "pause":
            return True if self.busy else None
        if self.busy and action in IDLE_ONLY:
            return None
        snap = self.snapshot
        if action in FORWARD and snap is not None and snap.state in (State.FINISHED,
                                                                     State.ERROR):
            return None
        if action in BACKWARD and snap is not None and snap.steps == 0:
            return None
        return True

    # ---- actions ----------------------------------------------------------------------

    def action_step(self) -> None:
        self.start("step", lambda s: s.step())

    def action_next(self) -> None:
        self.start("next", lambda s: s.step_over(on_chunk=self.on_chunk))

    def action_finish(self) -> None:
        self.start("finish", lambda s: s.step_out(on_chunk=self.on_chunk))

    def action_continue(self) -> None:
        self.start("continue", lambda s: s.continue_(on_chunk=self.on_chunk))

    def action_pause(self) -> None:
        if self.session is not None and self.busy:
            self._pause_requested = True
            self.session.pause()

    def action_run_to_cursor(self) -> None:
        target = self.cursor_target()
        if target is None:
            return
        stops, where = target
        self.start(f"to {where}", lambda s: s.continue_(extra_stops=stops, on_chunk=self.on_chunk))

    def line_stops(self, line: int) -> set[int]:
        """Where execution enters `line` (empty: no code there)."""
        return set(line_starts(self.session.code, line)) if self.session else set()

    def action_step_back(self) -> None:
        self.start("back", lambda s: s.step_back())

    def action_step_back_line(self) -> None:
        self.start("back line", lambda s: s.step_back_line())

    def action_back_breakpoint(self) -> None:
        self.start("back to breakpoint", lambda s: s.step_back_breakpoint())

    def goto_step(self, text: str | None) -> None:
        if text is None:
            return
        try:
            step = int(text.replace(",", "").replace("_", ""))
        except ValueError:
            self.notify(f"not a step number: {text}", severity="warning")
            return
        self.start(f"to step {step}", lambda s: s.goto(step))

    def action_restart(self) -> None:
        """Restart; when the file changed on disk, reload it first."""
        data = None if self.busy else self.changed_on_disk()
        if data is not None:
            self.reload(data)
        else:
            self.start("restart", lambda s: s.restart())

    def reload(self, data: bytes) -> None:
        """The program is `data` now (the app shows it)."""
        self.load(data)

    async def action_quit(self) -> None:
        if self.session is not None and self.busy:
            self.session.pause()
        self.exit(0)
