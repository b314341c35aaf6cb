"""The adapter's state between requests: the phase of the debug session,
the launched program and its Session (with the debug console's command line
on it), the breakpoints, and the worker that runs long operations off the
request loop.

A run (continue, a step, a step back, a moving word typed in the console) is
answered first and then started on a worker thread, so `pause` and other
requests are answered while it runs; when it stops, the worker sends the
program's new output and the logpoints' messages (in the order they were
written), then what the console word printed, then `stopped` (or `exited`
and `terminated`), in that order, after setting the phase, so a client that
asks for the stack on `stopped` finds the program stopped."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from vmscope.api import Program
from vmscope.dap.breakpoints import BreakpointTable, Entry
from vmscope.dap.channel import Channel
from vmscope.dap.launch import LaunchConfig
from vmscope.dap.output import OutputTracker
from vmscope.dap.positions import ClientConventions, Positions
from vmscope.dap.protocol import DapError, DapReason, ErrorId, EventName, OutputCategory
from vmscope.dap.stepping import Operation, start
from vmscope.dap.stops import THREAD_ID, StopView, dap_reason, stopped_body
from vmscope.dap.variables import Variables
from vmscope.debug.commands import CommandLine
from vmscope.debug.errors import DebugError
from vmscope.debug.session import Session
from vmscope.debug.snapshot import State
from vmscope.errors import GuestError, VmsError

log = logging.getLogger("vmscope.dap")

WORKER_STACK = 64 * 1024 * 1024  # the run worker's thread stack (deep values, deep host calls)
STOP_TIMEOUT = 10.0  # seconds to wait for a running program to pause
EXIT_INTERNAL = 70  # as the command line: an internal error of vmscope


class Phase(Enum):
    NEW = "the adapter is not initialized yet (send initialize first)"
    INITIALIZED = "no program is launched (send launch first)"
    CONFIGURING = "the program has not started (send configurationDone first)"
    STOPPED = "the program is stopped"
    RUNNING = "the program is running (pause it first)"
    ENDED = "the program has ended"


class Ending(Enum):
    """Why the adapter itself stops a running program."""

    TERMINATE = "terminate"
    RESTART = "restart"
    DISCONNECT = "disconnect"


@dataclass(frozen=True)
class Reply:
    """A handler's answer: the response body, and what to do once it is sent."""

    body: dict[str, Any] | None = None
    after: Callable[[], None] | None = None


class Adapter:
    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.phase = Phase.NEW
        self.conventions = ClientConventions()
        self.client_invalidates = False  # the client understands `invalidated` events
        self.config: LaunchConfig | None = None
        self.session: Session | None = None
        self.console: CommandLine | None = None
        self.positions: Positions | None = None
        self.variables: Variables | None = None
        self.breakpoints = BreakpointTable()
        self.stop_on_errors = True  # the runtime-error filter, on until the client says
        self.configured = False
        self.disconnected = False
        self.output = OutputTracker()
        self._lock = threading.Lock()  # phase changes and `_ending`, worker vs requests
        self._worker: threading.Thread | None = None
        self._ending: Ending | None = None
        self._pause_requested = False

    # ---- launching ----------------------------------------------------------------------

    def stopped_session(self) -> Session:
        """The session, which the phase check has already found stopped."""
        assert self.session is not None
        return self.session

    def install(self, config: LaunchConfig, program: Program) -> list[Entry]:
        """A fresh Session on `program`; returns the breakpoints whose placing changed."""
        self.config = config
        self.session = Session(program, config.limits)
        history = self.console.history if self.console is not None else None
        self.console = CommandLine(self.session, history)
        self.positions = Positions(self.conventions, config.path,
                                   tuple(program.source.lines))
        self.variables = Variables(self.session)
        self.output = OutputTracker()
        return self.breakpoints.place_all(self.session, config.no_debug)

    def send_breakpoint_changes(self, entries: list[Entry]) -> None:
        for entry in entries:
            self.channel.event(EventName.BREAKPOINT, {
                "reason": "changed", "breakpoint": self.breakpoints.view(entry, self.positions)})

    def start(self) -> None:
        """Launched and configured: stop on entry, or run."""
        session = self.session
        assert session is not None and self.config is not None
        if self.config.stop_on_entry and not self.config.no_debug:
            self.phase = Phase.STOPPED
            self.channel.event(EventName.STOPPED, stopped_body(
                DapReason.ENTRY, StopView.of(session), []))
            return
        self.begin_run(start)()

    def invalidate(self, *areas: str) -> None:
        """Tell a client that understands it to fetch these views again."""
        if self.client_invalidates:
            self.channel.event(EventName.INVALIDATED, {"areas": list(areas),
                                                       "threadId": THREAD_ID})

    # ---- runs ---------------------------------------------------------------------------

    def begin_run(self, op: Operation, *, announce: bool = False) -> Callable[[], None]:
        """Mark the program running now (before the response); returns what
        starts the worker (after the response). `announce` sends `continued`
        first: the request (a console word) did not say the program runs."""
        session = self.session
        assert session is not None and self.variables is not None
        with self._lock:
            self.phase = Phase.RUNNING
            self._ending = None
            self._pause_requested = False
        self.variables.reset()
        self.breakpoints.remember(session)
        started_in_error = session.state is State.ERROR

        def launch_worker() -> None:
            if announce:
                self.channel.event(EventName.CONTINUED, {"threadId": THREAD_ID,
                                                         "allThreadsContinued": True})
            old = threading.stack_size(WORKER_STACK)
            try:
                self._worker = threading.Thread(
                    target=self._work, args=(session, op, started_in_error),
                    name="vmscope-dap-run", daemon=True)
                self._worker.start()
            finally:
                threading.stack_size(old)

        return launch_worker

    def _work(self, session: Session, op: Operation, started_in_error: bool) -> None:
        note: str | None = None
        try:
            note = op(session, self._on_chunk)
        except DebugError as err:
            note = str(err)  # nothing moved: say why, and stop where it was
        except Exception as exc:  # a bug of ours: say so, and keep the adapter alive
            log.exception("the run failed")
            self.channel.event(EventName.OUTPUT, {
                "category": OutputCategory.STDERR.value,
                "output": f"vmscope: internal error: {type(exc).__name__}: {exc}\n"})
        snap = StopView.of(session)
        self._flush_output(session)
        if note:
            self.console_text(note)
        with self._lock:
            if session is not self.session:
                return  # a restart replaced it
            no_debug = self.config is not None and self.config.no_debug
            self.send_breakpoint_changes(self.breakpoints.place_deferred(session, no_debug))
            ending = self._ending
            if ending is Ending.TERMINATE:
                self.phase = Phase.ENDED
                self.channel.event(EventName.TERMINATED)
            elif ending is not None:  # restart or disconnect: its request goes on
                self.phase = Phase.STOPPED
            else:
                self._report(session, snap, started_in_error)

    def console_text(self, text: str) -> None:
        self.channel.event(EventName.OUTPUT, {"category": OutputCategory.CONSOLE.value,
                                              "output": text.rstrip("\n") + "\n"})

    def _on_chunk(self, session: Session) -> None:
        """From the worker, about every 0.1 s of a long run."""
        self._flush_output(session)
        if self._pause_requested or self._ending is not None:
            session.pause()  # a pause that came before the run had started

    def _flush_output(self, session: Session) -> None:
        fresh = session.log_messages(self.output.logs)
        for category, text in self.output.new_pieces(session.output, fresh):
            self.channel.event(EventName.OUTPUT, {"category": category.value, "output": text})

    def _report(self, session: Session, snap: StopView, started_in_error: bool) -> None:
        """The stop (or the end) after a run; called with the lock held."""
        no_debug = self.config is not None and self.config.no_debug
        if snap.state is State.FINISHED:
            self._end_program(session, 0)
            return
        if snap.state is State.ERROR and (started_in_error or not self.stop_on_errors
                                          or no_debug):
            self._end_program(session, EXIT_INTERNAL if not isinstance(session.error, VmsError)
                              else 1)
            return
        hit = self.breakpoints.stopped(session, snap.ip, snap.reason, snap.detail)
        dap = dap_reason(snap, hit)
        if dap is None:
            self._end_program(session, 0)
            return
        kind = session.error.kind.value if isinstance(session.error, VmsError) else None
        self.phase = Phase.STOPPED
        self.channel.event(EventName.STOPPED, stopped_body(dap, snap, hit, kind))

    def _end_program(self, session: Session, code: int) -> None:
        err = session.error
        if err is not None and self.config is not None:
            name = self.config.program
            if isinstance(err, VmsError):
                lines = [err.headline(name)]
                if isinstance(err, GuestError):
                    lines += err.traceback_lines(name)
                text = "\n".join(lines)
            else:
                text = f"vmscope: {err} (this is a bug in vmscope)"
            self.channel.event(EventName.OUTPUT, {"category": OutputCategory.STDERR.value,
                                                  "output": text + "\n"})
        self.phase = Phase.ENDED
        self.channel.event(EventName.EXITED, {"exitCode": code})
        self.channel.event(EventName.TERMINATED)

    # ---- stopping a run from outside ----------------------------------------------------

    def request_pause(self) -> None:
        session = self.session
        if session is not None:
            self._pause_requested = True
            session.pause()

    def terminate(self) -> Callable[[], None]:
        """End the program: a running one is paused and the worker says
        `terminated`; otherwise it is said after the response."""
        with self._lock:
            if self.phase is Phase.RUNNING:
                self._ending = Ending.TERMINATE
                return self.request_pause
            ended = self.phase is Phase.ENDED
            self.phase = Phase.ENDED
        return (lambda: None) if ended else (lambda: self.channel.event(EventName.TERMINATED))

    def stop_running(self, ending: Ending) -> None:
        """Pause a running program for `ending` and wait until it has stopped."""
        with self._lock:
            if self.phase is not Phase.RUNNING:
                return
            self._ending = ending
        self.request_pause()
        worker = self._worker
        if worker is not None:
            worker.join(STOP_TIMEOUT)
            if worker.is_alive():
                raise DapError(ErrorId.INTERNAL, f"the program did not stop within "
                               f"{STOP_TIMEOUT:g} s")

    def shutdown(self) -> None:
        """The client is gone: stop whatever runs."""
        try:
            self.stop_running(Ending.DISCONNECT)
        except DapError:
            log.warning("the program did not stop before the adapter exited")
        self.channel.close()
