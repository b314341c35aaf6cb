"""The debug console and the views that evaluate: `evaluate` (watch, hover,
repl, clipboard, variables) and `completions`. In the console a command line
of the TUI's words runs on the Session (`CommandLine`); a word that moves the
program runs on the worker as a continue does (`continued`, its output, what
the word printed, then `stopped`). The frame a request names is the one the
words use (the Session's selected frame)."""

from __future__ import annotations

import re

from vmscope.dap import completion
from vmscope.dap.adapter import Adapter, Reply
from vmscope.dap.evaluation import (
    Context,
    command_line,
    is_command,
    may_change_state,
    result_body,
)
from vmscope.dap.frames import level_of, outermost
from vmscope.dap.handlers.base import STOPPED, Handler
from vmscope.dap.protocol import Arguments, Command, DapError, ErrorId
from vmscope.dap.stepping import ChunkHook
from vmscope.dap.variables import view_of
from vmscope.debug.commands import Change
from vmscope.debug.errors import DebugError
from vmscope.debug.session import Session
from vmscope.debug.words import Word, parse
from vmscope.errors import VmsError

NOTHING = {"result": "", "variablesReference": 0}
# A line that may have meant a command word: a word, alone or before an argument.
WORD_LIKE = re.compile(r"\s*[A-Za-z][\w-]*(\s*$|\s+[^\s+\-*/%<>=!()\[\],])")


def _level(session: Session, args: Arguments) -> int | None:
    """The level of the frame a request names, if it names one."""
    frame_id = args.integer("frameId")
    return level_of(session, frame_id) if frame_id is not None else None


def _select(session: Session, level: int | None) -> int:
    """Select the frame named (the words use the selected one); its level."""
    if level is not None and session.selected_frame != level:
        session.select_frame(level)
    return session.selected_frame


def evaluate(adapter: Adapter, args: Arguments) -> Reply:
    text = args.string("expression", required=True)
    context = Context.of(args.string("context"))
    session = adapter.stopped_session()
    named = _level(session, args)
    level = named if named is not None else outermost(session)  # no frame: the global scope
    if context is Context.REPL:
        line = command_line(session, text, level)
        if line is not None:
            return run_command(adapter, line, named)
    assert adapter.variables is not None
    try:
        return Reply(result_body(session, adapter.variables, text, level, context))
    except DapError as err:
        if context is Context.REPL and WORD_LIKE.match(text) and not is_command(text):
            raise DapError(err.error_id, f"{err.text} (nor is it a command word: `help` lists "
                           f"them)") from None
        raise


def run_command(adapter: Adapter, line: str, level: int | None) -> Reply:
    """A console line of command words, in frame `level` (None: the one selected)."""
    if not line:
        return Reply(NOTHING)  # an empty line repeats nothing here: the editor has buttons
    try:
        command = parse(line)
    except DebugError as err:
        raise DapError(ErrorId.EVALUATION_FAILED, str(err)) from None
    console, session = adapter.console, adapter.stopped_session()
    assert console is not None and adapter.variables is not None
    _select(session, level)
    if command.spec.runs:
        def op(running: Session, hook: ChunkHook) -> str | None:
            restarting = command.word is Word.RESTART
            if restarting:
                adapter.output.restart()  # the program's output starts afresh
            text = console.execute(line, hook).text
            if restarting:
                adapter.breakpoints.rearm(running)  # and hit conditions count afresh
            return text or None

        return Reply(NOTHING, after=adapter.begin_run(op, announce=True))
    result = console.execute(line)
    if result.quit:
        return Reply(NOTHING, after=adapter.terminate())
    if not result.ok:
        raise DapError(ErrorId.EVALUATION_FAILED, result.text)
    body: dict[str, object] = {"result": result.text, "variablesReference": 0}
    shown = result.inspect
    if shown is not None and not may_change_state(shown.name):
        try:
            fields = adapter.variables.value_fields(shown, view_of(session, shown))
        except (DebugError, VmsError):
            fields = {}
        body.update({k: v for k, v in fields.items() if k != "value" and k != "type"})
    changed = result.changed
    return Reply(body, after=(lambda: adapter.invalidate("variables"))
                 if Change.VARIABLES in changed else None)


def completions(adapter: Adapter, args: Arguments) -> Reply:
    text = args.string("text", required=True)
    column = args.integer("column", required=True)
    lines = text.split("\n")
    first = 1 if adapter.conventions.lines_start_at_1 else 0
    row = args.integer("line", first) - first
    if not 0 <= row < len(lines):
        raise DapError(ErrorId.BAD_ARGUMENTS, f"completions: no line {row + first} in the text")
    session, console = adapter.stopped_session(), adapter.console
    assert console is not None
    level = _select(session, _level(session, args))
    return Reply({"targets": completion.targets(console, level, lines[row], column,
                                                adapter.conventions.columns_start_at_1)})


HANDLERS: dict[Command, Handler] = {
    Command.EVALUATE: Handler(evaluate, STOPPED),
    Command.COMPLETIONS: Handler(completions, STOPPED),
}
