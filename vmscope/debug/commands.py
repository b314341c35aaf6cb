"""The debugger's command line, headless, so the TUI's `:` line and the DAP's
repl share it: a typed line is parsed into a Command (words.py), run against
the Session by the handler its word keys, and answered with a CommandResult
the front end renders (text for a console, the new snapshot when something
changed, why it failed, whether to quit). Words that run the program take
the Session's `on_chunk` callback, so a front end can run them in a worker.
`complete` offers the words, the names in scope and the functions."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from vmscope.debug import console
from vmscope.debug.errors import DebugError
from vmscope.debug.inspection import ValueRef
from vmscope.debug.session import OnChunk, Session
from vmscope.debug.snapshot import Snapshot, ValueView, render
from vmscope.debug.words import (
    ALIASES,
    GROUPS,
    SPECS,
    Arg,
    Command,
    Word,
    first_words,
    help_lines,
    parse,
)
from vmscope.errors import VmsError
from vmscope.lang.tokens import KEYWORDS
from vmscope.lang.values import type_name
from vmscope.vm.opcodes import Op

PRINT_LIMIT = 2_000  # characters `print` writes; the inspector shows the rest
HISTORY_LIMIT = 1_000
REPEATABLE = frozenset({Word.STEPI, Word.NEXTI, Word.STEP, Word.NEXT, Word.REVERSE_STEPI,
                        Word.REVERSE_STEP, Word.REVERSE_NEXT, Word.UP, Word.DOWN})


class Change(Enum):
    """What a command changed, for a front end to refresh."""

    PROGRAM = "program"  # it moved (or restarted)
    FRAME = "frame"  # another frame is selected
    VARIABLES = "variables"  # a variable was set
    BREAKPOINTS = "breakpoints"
    WATCHES = "watches"  # watches (displays) or watchpoints


@dataclass(frozen=True)
class CommandResult:
    """A command's answer. `snapshot` is set when anything shown changed
    (`changed` says what); `error` says why a command failed (nothing changed
    then); `inspect` names the value `print` showed (for an inspector)."""

    command: Command | None
    lines: tuple[str, ...] = ()
    snapshot: Snapshot | None = None
    error: str | None = None
    quit: bool = False
    changed: frozenset[Change] = frozenset()
    inspect: ValueRef | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def text(self) -> str:
        return "\n".join(self.lines if self.error is None else (*self.lines, self.error))


@dataclass(frozen=True)
class Completions:
    """Candidates for the token that starts at `start` in the text: a front
    end replaces text[start:] with one."""

    start: int
    candidates: tuple[str, ...] = field(default=())


Handler = Callable[["CommandLine", Command, "OnChunk | None"], CommandResult]
_BREAK_ARGS = re.compile(r"^(?P<where>\S*)(?:\s*\bif\b\s*(?P<cond>.*))?$", re.S)
_IDENT_TAIL = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")
_TOKEN_TAIL = re.compile(r"[^\s,(\[\]+\-*/%<>=!]*$")


def _group_of(head: str) -> str | None:
    """The word group (info, set) a first token names, if it names one."""
    if head == "i":
        return "info"
    found = [g for g in GROUPS if g.startswith(head)] if head else []
    others = [w for w in first_words() if w.startswith(head) and w not in GROUPS]
    return found[0] if len(found) == 1 and not others else None


class CommandLine:
    """Runs command lines against one Session and keeps their history."""

    def __init__(self, session: Session, history: list[str] | None = None) -> None:
        self.session = session
        self.history: list[str] = list(history or [])
        self._last: Command | None = None

    # ---- running ------------------------------------------------------------------------

    def execute(self, text: str, on_chunk: OnChunk | None = None) -> CommandResult:
        """Run one line. An empty line repeats the last stepping word, as gdb
        does; every failure is a result with `error`, never an exception."""
        if not text.strip():
            if self._last is None:
                return CommandResult(None)
            command: Command | None = self._last
        else:
            self._remember(text.strip())
            try:
                command = parse(text)
            except DebugError as err:
                return CommandResult(None, error=str(err))
        assert command is not None
        self._last = command if command.word in REPEATABLE else None
        try:
            return HANDLERS[command.word](self, command, on_chunk)
        except (DebugError, ValueError) as err:
            return CommandResult(command, error=f"{command.word.value}: {err}"
                                 if not str(err).startswith(command.word.value) else str(err))
        except VmsError as err:
            return CommandResult(command, error=f"{err.kind.value}: {err.message}")

    def _remember(self, text: str) -> None:
        if not self.history or self.history[-1] != text:
            self.history.append(text)
            del self.history[:-HISTORY_LIMIT]

    # ---- helpers for handlers -----------------------------------------------------------

    def moved(self, command: Command, snap: Snapshot, *extra: str) -> CommandResult:
        lines = [*extra, *console.stop_lines(snap, self.session.program.source)]
        return CommandResult(command, tuple(lines), snap, changed=frozenset({Change.PROGRAM}))

    def changed(self, command: Command, change: Change, *lines: str) -> CommandResult:
        return CommandResult(command, lines, self.session.snapshot(), changed=frozenset({change}))

    def say(self, command: Command, *lines: str) -> CommandResult:
        return CommandResult(command, lines)

    # ---- completion ---------------------------------------------------------------------

    def complete(self, text: str) -> Completions:
        """Candidates for the last token of `text`: command words at the start,
        then what the word takes (names in scope and globals in an
        expression, functions and op: names in a location, numbers...)."""
        stripped = text.lstrip()
        parts = stripped.split(" ")
        if len(parts) == 1:
            return Completions(len(text) - len(stripped),
                               tuple(w for w in first_words() if w.startswith(stripped)))
        group = _group_of(parts[0])
        if group is not None and len(parts) == 2:
            subs = sorted(w.value.split()[1] for w in Word if w.value.startswith(group + " "))
            return Completions(len(text) - len(parts[1]),
                               tuple(sub for sub in subs if sub.startswith(parts[1])))
        try:
            command = parse(stripped)
        except DebugError:
            return Completions(len(text))
        match = _TOKEN_TAIL.search(text)
        token = match.group(0) if match else ""
        done = len(command.argument.split()) - (1 if token else 0)  # whole argument tokens
        found = self._candidates(SPECS[command.word].arg, command, token, done)
        return Completions(len(text) - len(token), tuple(sorted(set(found))))

    def _candidates(self, arg: Arg, command: Command, token: str, done: int) -> list[str]:
        session = self.session
        ids = [str(bp.id) for bp in session.list_breakpoints()]
        if arg is Arg.WORD:
            return [w for w in [*first_words(), *ALIASES] if w.startswith(token)
                    and " " not in w]
        if arg is Arg.BREAKPOINTS or (arg in (Arg.CONDITION, Arg.IGNORE) and done == 0):
            return [i for i in ids if i.startswith(token)]
        if arg is Arg.CONDITION:
            return self._names(token)
        if arg is Arg.NUMBERS:
            count = len(session.watches if command.word is Word.UNDISPLAY
                        else session.watchpoints)
            return [str(i) for i in range(1, count + 1) if str(i).startswith(token)]
        if arg is Arg.BREAK and done >= 1:
            return self._names(token) if re.search(r"\bif\b", command.argument) \
                else (["if"] if "if".startswith(token) else [])
        if arg in (Arg.LOCATION, Arg.BREAK, Arg.LOG) and done == 0:
            if token.startswith("op:"):
                return [f"op:{op.value}" for op in Op if f"op:{op.value}".startswith(token)]
            return [f.name for f in session.code.functions[:-1] if f.name.startswith(token)]
        if arg in (Arg.EXPRESSION, Arg.ASSIGNMENT):
            return self._names(token)
        return []

    def _names(self, token: str) -> list[str]:
        """Identifiers for an expression: locals in scope in the selected
        frame, globals, functions and builtins, the literal keywords."""
        tail = _IDENT_TAIL.search(token)
        prefix = token[: len(token) - len(tail.group(0))] if tail else token
        word = tail.group(0) if tail else ""
        session = self.session
        names = [*session.local_names(), *session.code.global_names,
                 *session.function_names(), *(k for k in KEYWORDS if k in
                                              ("true", "false", "null", "and", "or", "not"))]
        return [prefix + n for n in names if n.startswith(word) and (word or not prefix)]


# ---- handlers -----------------------------------------------------------------------------


def _count(command: Command, default: int = 1) -> int:
    text = command.argument.replace(",", "").replace("_", "")
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise DebugError(f"not a count: {command.argument} (a whole number from 1)")
    return int(text)


def _numbers(text: str) -> list[int]:
    """`1 3 5-7` -> [1, 3, 5, 6, 7]"""
    out: list[int] = []
    for part in text.replace(",", " ").split():
        low, dash, high = part.partition("-")
        if not low.isdigit() or (dash and not high.isdigit()):
            raise DebugError(f"not a number or range: {part}")
        out.extend(range(int(low), int(high or low) + 1))
    return out


def _break(cl: CommandLine, command: Command, on_chunk: OnChunk | None) -> CommandResult:
    m = _BREAK_ARGS.match(command.argument)
    assert m is not None
    session = cl.session
    where = m.group("where") or str(session.frame_span(session.selected_frame).line)
    temporary = command.word is Word.TBREAK
    bp = session.add_breakpoint(where, condition=m.group("cond"), temporary=temporary)
    places = f" ({len(bp.ips)} places)" if len(bp.ips) > 1 else ""
    return cl.changed(command, Change.BREAKPOINTS,
                      f"{'temporary ' if temporary else ''}breakpoint #{bp.id} at "
                      f"{bp.location.describe()} (ip {bp.ips[0]}){places}"
                      + (f" if {bp.condition}" if bp.condition else ""))


def _dprintf(cl: CommandLine, command: Command, on_chunk: OnChunk | None) -> CommandResult:
    where, comma, message = command.argument.partition(",")
    if not comma or not message.strip():
        raise DebugError("usage: dprintf LOCATION,MESSAGE")
    bp = cl.session.add_breakpoint(where.strip(), log_message=message.strip().strip('"'))
    return cl.changed(command, Change.BREAKPOINTS, f"logpoint #{bp.id} at "
                      f"{bp.location.describe()}: {bp.log_message}")


def _condition(cl: CommandLine, command: Command, on_chunk: OnChunk | None) -> CommandResult:
    number, _, cond = command.argument.partition(" ")
    if not number.isdigit():
        raise DebugError("usage: condition N [COND]")
    bp = cl.session.set_condition(int(number), cond)
    text = f"breakpoint #{bp.id} stops only if {bp.condition}" if bp.condition else \
        f"breakpoint #{bp.id} is now unconditional"
    return cl.changed(command, Change.BREAKPOINTS, text)


def _ignore(cl: CommandLine, command: Command, on_chunk: OnChunk | None) -> CommandResult:
    parts = command.argument.split()
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise DebugError("usage: ignore N COUNT")
    bp = cl.session.ignore(int(parts[0]), int(parts[1]))
    text = f"will ignore the next {bp.ignore_count:,} crossings of breakpoint #{bp.id}" \
        if bp.ignore_count else f"breakpoint #{bp.id} stops at its next crossing"
    return cl.changed(command, Change.BREAKPOINTS, text)


def _breakpoints(verb: str, act: Callable[[Session, int], object]) -> Handler:
    def handler(cl: CommandLine, command: Command, on_chunk: OnChunk | None) -> CommandResult:
        session = cl.session
        ids = _numbers(command.argument) if command.argument else \
            [bp.id for bp in session.list_breakpoints()]
        if not ids:
            return cl.say(command, "no breakpoints")
        for bp_id in ids:
            session.get_breakpoint(bp_id)  # all exist, or nothing changes
        for bp_id in ids:
            act(session, bp_id)
        return cl.changed(command, Change.BREAKPOINTS,
                          f"{verb} breakpoint{'s' if len(ids) > 1 else ''} "
                          + ", ".join(f"#{i}" for i in ids))

    return handler


def _watch(cl: CommandLine, command: Command, on_chunk: OnChunk | None) -> CommandResult:
    expr = _needs(command, "an expression")
    cl.session.add_watchpoint(expr)
    now = cl.session.watchpoints[expr]
    return cl.changed(command, Change.WATCHES, f"watchpoint {len(cl.session.watchpoints)}: "
                      f"{expr} (now {now if now is not None else '(no value)'})")


def _unwatch(cl: CommandLine, command: Command, on_chunk: OnChunk | None) -> CommandResult:
    exprs = list(cl.session.watchpoints)
    chosen = _by_numbers(command.argument, exprs, "watchpoint")
    for expr in chosen:
        cl.session.remove_watchpoint(expr)
    return cl.changed(command, Change.WATCHES, f"deleted {len(chosen)} watchpoint"
                      f"{'s' if len(chosen) != 1 else ''}")


def _by_numbers(argument: str, items: list[str], what: str) -> list[str]:
    if not argument:
        return items
    numbers = _numbers(argument)
    for number in numbers:
        if not 1 <= number <= len(items):
            raise DebugError(f"no {what} number {number} (there are {len(items)})")
    return [items[i - 1] for i in numbers]


def _display(cl: CommandLine, command: Command, on_chunk: OnChunk | None) -> CommandResult:
    session = cl.session
    if command.argument:
        session.add_watch(command.argument)
        return cl.changed(command, Change.WATCHES,
                          _display_line(cl, len(session.watches), command.argument))
    lines = [_display_line(cl, i, e) for i, e in enumerate(session.watches, 1)]
    return cl.say(command, *(lines or ["no display expressions"]))


def _display_line(cl: CommandLine, number: int, expr: str) -> str:
    try:
        value = ValueView.of(cl.session.evaluate(expr)).text
    except VmsError as err:
        value = f"<{err.kind.value}: {err.message}>"
    return f"{number}: {expr} = {value}"


def _undisplay(cl: CommandLine, command: Command, on_chunk: OnChunk | None) -> CommandResult:
    chosen = _by_numbers(command.argument, list(cl.session.watches), "display")
    for expr in chosen:
        cl.session.remove_watch(expr)
    return cl.changed(command, Change.WATCHES, f"removed {len(chosen)} display"
                      f"{'s' if len(chosen) != 1 else ''}")


def _needs(command: Command, what: str) -> str:
    if not command.argument:
        raise DebugError(f"{what} is needed: {command.spec.usage}")
    return command.argument


def _print(cl: CommandLine, command: Command, on_chunk: OnChunk | None) -> CommandResult:
    expr = _needs(command, "an expression")
    session = cl.session
    value = session.evaluate(expr)
    text, complete = render(value, PRINT_LIMIT)
    if not complete:
        text += f"  ({type_name(value)} of {len(value):,}: the inspector shows it all)"
    return CommandResult(command, (f"{expr} = {text}",),
                         inspect=ValueRef.expression(expr, session.selected_frame))


def _set_var(cl: CommandLine, command: Command, on_chunk: OnChunk | None) -> CommandResult:
    name, eq, expr = command.argument.partition("=")
    if not eq or not name.strip().isidentifier() or not expr.strip() or expr.startswith("="):
        raise DebugError("usage: set var NAME = EXPR")
    session = cl.session
    snap = session.set_variable(name.strip(), expr.strip())
    shown = ValueView.of(session.evaluate(name.strip())).text
    return CommandResult(command, (f"{name.strip()} = {shown}",), snap,
                         changed=frozenset({Change.VARIABLES}))


def _runs(go: Callable[[CommandLine, Command, OnChunk | None], Snapshot]) -> Handler:
    def handler(cl: CommandLine, command: Command, on_chunk: OnChunk | None) -> CommandResult:
        return cl.moved(command, go(cl, command, on_chunk))

    return handler


def _no_argument(command: Command) -> None:
    if command.argument:
        raise DebugError(f"takes no argument: {command.spec.usage}")


def _frame_word(cl: CommandLine, command: Command, on_chunk: OnChunk | None) -> CommandResult:
    session = cl.session
    word = command.word
    if word is Word.FRAME and not command.argument:
        return _info_frame(cl, command, on_chunk)
    if word is Word.FRAME:
        if not command.argument.isdigit():
            raise DebugError(f"not a frame number: {command.argument}")
        snap = session.select_frame(int(command.argument))
    elif word is Word.UP:
        snap = session.up(_count(command))
    else:
        snap = session.down(_count(command))
    frame = session.frame_view(session.selected_frame)
    name = session.program.source.name
    lines = [console.frame_line(frame, name)]
    text = console.source_line(session.program.source, frame.span.line)
    if text is not None:
        lines.append(text)
    return CommandResult(command, tuple(lines), snap, changed=frozenset({Change.FRAME}))


def _backtrace(cl: CommandLine, command: Command, on_chunk: OnChunk | None) -> CommandResult:
    session = cl.session
    total = session.frame_count
    arg = command.argument.strip()
    if arg == "all" or arg == "full":
        frames = session.frames()
    elif arg.lstrip("-").isdigit():
        n = int(arg.lstrip("-"))
        frames = session.frames(0, n) if not arg.startswith("-") else \
            session.frames(max(total - n, 0))
    elif arg:
        raise DebugError(f"not a frame count: {arg} (N, -N or all)")
    elif total > 2 * console.FOLD:
        frames = (*session.frames(0, console.FOLD), *session.frames(total - console.FOLD))
    else:
        frames = session.frames()
    name = session.program.source.name
    lines = console.backtrace_lines(frames, total, name, session.selected_frame)
    if frames and frames[0].level > 0:
        lines.insert(0, f"  ... {frames[0].level:,} inner frames not shown")
    return cl.say(command, *lines)


def _info_frame(cl: CommandLine, command: Command, on_chunk: OnChunk | None) -> CommandResult:
    session = cl.session
    level = session.selected_frame
    caller = session.frame_view(level + 1) if level + 1 < session.frame_count else None
    return cl.say(command, *console.frame_info(session.frame_view(level), caller,
                                               session.frame_count, session.program.source.name))


def _help(cl: CommandLine, command: Command, on_chunk: OnChunk | None) -> CommandResult:
    return cl.say(command, *help_lines(command.argument))


def _step_number(command: Command) -> int:
    text = _needs(command, "a step number").replace(",", "").replace("_", "")
    if not text.isdigit():
        raise DebugError(f"not a step number: {command.argument}")
    return int(text)


def _go(run: Callable[[Session, Command, OnChunk | None], Snapshot],
        arg_check: Callable[[Command], object] | None = _no_argument) -> Handler:
    def go(cl: CommandLine, command: Command, on_chunk: OnChunk | None) -> Snapshot:
        if arg_check is not None:
            arg_check(command)
        return run(cl.session, command, on_chunk)

    return _runs(go)


HANDLERS: dict[Word, Handler] = {
    Word.BREAK: _break,
    Word.TBREAK: _break,
    Word.DPRINTF: _dprintf,
    Word.CONDITION: _condition,
    Word.IGNORE: _ignore,
    Word.DELETE: _breakpoints("deleted", Session.remove_breakpoint),
    Word.DISABLE: _breakpoints("disabled", lambda s, i: s.enable_breakpoint(i, False)),
    Word.ENABLE: _breakpoints("enabled", lambda s, i: s.enable_breakpoint(i, True)),
    Word.INFO_BREAKPOINTS: lambda cl, c, _: cl.say(
        c, *console.breakpoint_table(cl.session.list_breakpoints())),
    Word.INFO_WATCHPOINTS: lambda cl, c, _: cl.say(
        c, *([f"{i}: {e} (now {v if v is not None else '(no value)'})"
              for i, (e, v) in enumerate(cl.session.watchpoints.items(), 1)]
             or ["no watchpoints"])),
    Word.INFO_DISPLAY: lambda cl, c, _: _display(cl, Command(Word.DISPLAY, "", c.text), _),
    Word.INFO_LOCALS: lambda cl, c, _: cl.say(
        c, *console.locals_lines(cl.session.frame_view(cl.session.selected_frame))),
    Word.INFO_ARGS: lambda cl, c, _: cl.say(
        c, *console.locals_lines(cl.session.frame_view(cl.session.selected_frame), True)),
    Word.INFO_FRAME: _info_frame,
    Word.WATCH: _watch,
    Word.UNWATCH: _unwatch,
    Word.DISPLAY: _display,
    Word.UNDISPLAY: _undisplay,
    Word.PRINT: _print,
    Word.SET_VAR: _set_var,
    Word.STEPI: _go(lambda s, c, oc: s.step(_count(c), oc), None),
    Word.NEXTI: _go(lambda s, c, oc: s.next_instruction(_count(c), oc), None),
    Word.STEP: _go(lambda s, c, oc: s.step_line(_count(c), oc), None),
    Word.NEXT: _go(lambda s, c, oc: s.step_over(_count(c), oc), None),
    Word.FINISH: _go(lambda s, c, oc: s.step_out(oc)),
    Word.CONTINUE: _go(lambda s, c, oc: s.continue_(on_chunk=oc)),
    Word.UNTIL: _go(lambda s, c, oc: s.until(c.argument or None, oc), None),
    Word.ADVANCE: _go(lambda s, c, oc: s.advance(_needs(c, "a location"), oc), None),
    Word.GOTO: _go(lambda s, c, oc: s.goto(_step_number(c)), None),
    Word.REVERSE_STEPI: _go(lambda s, c, oc: s.reverse_stepi(_count(c)), None),
    Word.REVERSE_STEP: _go(lambda s, c, oc: s.reverse_step(_count(c), oc), None),
    Word.REVERSE_NEXT: _go(lambda s, c, oc: s.reverse_next(_count(c), oc), None),
    Word.REVERSE_FINISH: _go(lambda s, c, oc: s.reverse_finish(oc)),
    Word.REVERSE_CONTINUE: _go(lambda s, c, oc: s.reverse_continue(oc)),
    Word.LAST_CHANGE: _go(lambda s, c, oc: s.last_change(_needs(c, "an expression"),
                                                         on_chunk=oc), None),
    Word.UP: _frame_word,
    Word.DOWN: _frame_word,
    Word.FRAME: _frame_word,
    Word.BACKTRACE: _backtrace,
    Word.RESTART: _go(lambda s, c, oc: s.restart()),
    Word.HELP: _help,
    Word.QUIT: lambda cl, c, _: CommandResult(c, quit=True),
}
assert set(HANDLERS) == set(Word)
