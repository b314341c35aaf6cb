"""`P`: run the debugger's program under the profiler in a thread worker,
show its progress (a live throughput sparkline) and then its Profile view,
and give the Instructions and Source panes the profile's heat.

The mode: `sample` with exact counts (Options(mode="sample", counts=True)),
so that the tables have honest, sampled time *and* exact hits; it runs in
the count loop (about 1.3-1.6x the fast loop). The run is the profiler's
(vmscope.profiler.live.LiveProfile, given the program's name, text and -O
level: what `vmscope profile` would run), on a VM of its own: the
debugger's session, its breakpoints and its position are left as they
were. Scenes and tests inject other Options (a fake clock, a fixed
calibration) for numbers that do not depend on the machine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.message import Message
from textual.timer import Timer

from vmscope.lang.values import DEFAULT_LIMITS, Limits
from vmscope.profiler.live import LiveProfile, ProfileRequest
from vmscope.profiler.options import Mode, Options
from vmscope.tui.profile_view import POLL_SECONDS, ProfileHeat, ProfileScreen
from vmscope.tui.runner import IDLE_ONLY, SessionApp

# What the app's own keys may do while the Profile view is up.
ON_PROFILE_SCREEN = frozenset({"quit", "help", "command_palette"})


def default_options(limits: Limits) -> Options:
    return Options(mode=Mode.SAMPLE, counts=True, limits=limits)


class ProfilingApp(SessionApp):
    """SessionApp plus `P` (the DebuggerApp shows the heat in its panes)."""

    class ProfileDone(Message):
        """The profiling worker finished (its LiveProfile says how)."""

        def __init__(self, run: LiveProfile) -> None:
            super().__init__()
            self.run = run

    def __init__(self, filename: str, data: bytes | str, limits: Limits = DEFAULT_LIMITS, *,
                 profile_options: Callable[[Limits], Options] | None = None,
                 profile_poll: float | None = POLL_SECONDS, **kwargs: Any) -> None:
        super().__init__(filename, data, limits, **kwargs)
        self.limits = limits
        self.profile_options = profile_options or default_options
        self.profile_poll = profile_poll  # None: no live polling (deterministic scenes)
        self.profile_run: LiveProfile | None = None
        self.profile_heat: ProfileHeat | None = None
        self._profile_timer: Timer | None = None

    # ---- for the app ------------------------------------------------------------------

    def show_profile_heat(self, heat: ProfileHeat | None) -> None:
        """Give the panes the last profile's heat (None: back to stepping heat)."""
        self.profile_heat = heat

    # ---- running ----------------------------------------------------------------------

    @property
    def profiling(self) -> bool:
        return self.profile_run is not None and not self.profile_run.done

    def action_profile(self) -> None:
        """Run the program under the profiler (or, while one runs, show it)."""
        if isinstance(self.screen, ProfileScreen):
            self.pop_screen()
            return
        run = self.profile_run
        if run is not None and not run.done:
            self.push_screen(ProfileScreen(run, self.filename))
            return
        if self.program is None or self.busy:
            return
        request = ProfileRequest(self.filename, self.program.source.text, self.level,
                                 self.profile_options(self.limits))
        run = LiveProfile(request, self.program)  # compiled already: the same code
        self.profile_run = run
        self.push_screen(ProfileScreen(run, self.filename))
        if self.profile_poll is not None:
            self._profile_timer = self.set_interval(self.profile_poll,
                                                    lambda: self._poll_profile(run))
        self._profile_worker(run)

    @work(thread=True, group="profile", exit_on_error=False)
    def _profile_worker(self, run: LiveProfile) -> None:
        run.run()
        self.post_message(self.ProfileDone(run))

    def _poll_profile(self, run: LiveProfile) -> None:
        run.poll()
        screen = self.screen
        if isinstance(screen, ProfileScreen) and screen.run is run:
            screen.update_view()

    def on_profiling_app_profile_done(self, event: ProfileDone) -> None:
        if self._profile_timer is not None:
            self._profile_timer.stop()
            self._profile_timer = None
        run = event.run
        if run.problem:
            self.notify(run.problem, severity="error")
        if run.profile is not None:
            self.show_profile_heat(ProfileHeat.of(run.profile))
        screen = self.screen
        if isinstance(screen, ProfileScreen) and screen.run is run:
            screen.update_view()
        elif run.profile is not None:
            self.notify("profile ready: P to see it")
        self.refresh_bindings()

    def action_clear_profile(self) -> None:
        if self.profile_heat is not None:
            self.show_profile_heat(None)
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if isinstance(self.screen, ProfileScreen):
            return action in ON_PROFILE_SCREEN
        if action == "profile":
            if self.program is None:
                return None
            return None if self.busy and not self.profiling else True
        if action in IDLE_ONLY and self.profiling:
            return None  # one VM at a time: the profile's numbers stay honest
        if action == "clear_profile":
            return True if self.profile_heat is not None else None
        return super().check_action(action, parameters)
