"""The command palette's debugger commands (Ctrl-P): every action of the app,
including the ones without a key of their own."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("Step instruction", "s: execute one instruction, into calls", "step"),
    ("Next line", "n: run to the next line, stepping over calls", "next"),
    ("Finish function", "f: run until the current function returns", "finish"),
    ("Continue", "c: run to a breakpoint, the end or an error", "continue"),
    ("Pause", "p / space: stop a running program", "pause"),
    ("Toggle breakpoint", "b: at the cursor line (or instruction)", "toggle_breakpoint"),
    ("Run to cursor", "t: continue to the cursor line or instruction", "run_to_cursor"),
    ("Step back", "B: undo one instruction (checkpoint + replay)", "step_back"),
    ("Step back line", "back to where the previous line began", "step_back_line"),
    ("Back to previous breakpoint", "back to the last breakpoint stop", "back_breakpoint"),
    ("Go to step…", "put the program in its state after N steps", "goto_step"),
    ("Restart", "r: run the program again from the start", "restart"),
    ("Add watch…", "w: an expression shown at every stop", "add_watch"),
    ("Add watchpoint…", "W: stop when an expression's value changes", "add_watchpoint"),
    ("Clear watches", "remove every watch and watchpoint", "clear_watches"),
    ("Hottest instruction", "h: select the most executed instruction", "hottest"),
    ("Profile the program", "P: run it under the profiler (sample + exact counts) and show "
     "the Profile view", "profile"),
    ("Clear profile heat", "Instructions and Source show stepping heat again",
     "clear_profile"),
    ("Maximise pane", "m: the focused pane fills the screen (again to restore)",
     "toggle_maximize"),
    ("Help", "? / F1: keys and mouse", "help"),
    ("Quit", "q: leave vmscope", "quit"),
)


class DebuggerCommands(Provider):
    async def discover(self) -> Hits:
        for title, help_text, action in COMMANDS:
            yield DiscoveryHit(title, partial(self.app.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in COMMANDS:
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self.app.run_action, action),
                          help=help_text)
