"""The command words of the debugger's command line, gdb's and pdb's: one
table says each word's usage, what it takes and a line of help; aliases are
one table beside it. `parse` turns a typed line into a Command; a word may be
shortened to any unique prefix (`cond` for condition), as gdb allows."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from vmscope.debug.errors import DebugError


class Word(Enum):
    BREAK = "break"
    TBREAK = "tbreak"
    DPRINTF = "dprintf"
    CONDITION = "condition"
    IGNORE = "ignore"
    DELETE = "delete"
    DISABLE = "disable"
    ENABLE = "enable"
    INFO_BREAKPOINTS = "info breakpoints"
    INFO_WATCHPOINTS = "info watchpoints"
    INFO_DISPLAY = "info display"
    INFO_LOCALS = "info locals"
    INFO_ARGS = "info args"
    INFO_FRAME = "info frame"
    WATCH = "watch"
    UNWATCH = "unwatch"
    DISPLAY = "display"
    UNDISPLAY = "undisplay"
    PRINT = "print"
    SET_VAR = "set var"
    STEPI = "stepi"
    NEXTI = "nexti"
    STEP = "step"
    NEXT = "next"
    FINISH = "finish"
    CONTINUE = "continue"
    UNTIL = "until"
    ADVANCE = "advance"
    GOTO = "goto"
    REVERSE_STEPI = "reverse-stepi"
    REVERSE_STEP = "reverse-step"
    REVERSE_NEXT = "reverse-next"
    REVERSE_FINISH = "reverse-finish"
    REVERSE_CONTINUE = "reverse-continue"
    LAST_CHANGE = "last-change"
    UP = "up"
    DOWN = "down"
    FRAME = "frame"
    BACKTRACE = "backtrace"
    RESTART = "restart"
    HELP = "help"
    QUIT = "quit"


class Arg(Enum):
    """What follows a word: for parsing checks and for completion."""

    NONE = "none"
    COUNT = "count"  # an optional positive count
    LOCATION = "location"  # LINE, FUNCTION, *IP, op:OPCODE
    BREAK = "break"  # LOCATION [if COND]
    LOG = "log"  # LOCATION,MESSAGE
    BREAKPOINTS = "breakpoints"  # breakpoint numbers (none: all)
    CONDITION = "condition"  # N [COND]
    IGNORE = "ignore"  # N COUNT
    EXPRESSION = "expression"
    ASSIGNMENT = "assignment"  # NAME = EXPR
    NUMBERS = "numbers"  # display / watchpoint numbers (none: all)
    FRAME = "frame"  # an optional frame level
    STEP = "step"  # a step number
    BACKTRACE = "backtrace"  # [N | -N | all]
    WORD = "word"  # a command word (help)


@dataclass(frozen=True)
class WordSpec:
    """A word's table row: how it is written, what it takes, one line of help,
    and whether it runs the program (long words take an on_chunk callback)."""

    word: Word
    usage: str
    help: str
    arg: Arg = Arg.NONE
    runs: bool = False


SPECS: dict[Word, WordSpec] = {s.word: s for s in (
    WordSpec(Word.BREAK, "break [LOCATION] [if COND]", "set a breakpoint (LINE, FUNCTION, "
             "*IP or op:OPCODE; none: this line)", Arg.BREAK),
    WordSpec(Word.TBREAK, "tbreak [LOCATION] [if COND]", "set a breakpoint deleted when it "
             "first stops", Arg.BREAK),
    WordSpec(Word.DPRINTF, "dprintf LOCATION,MESSAGE", "a logpoint: write MESSAGE ({expr} "
             "interpolated) there, without stopping", Arg.LOG),
    WordSpec(Word.CONDITION, "condition N [COND]", "stop at breakpoint N only if COND "
             "(none: always)", Arg.CONDITION),
    WordSpec(Word.IGNORE, "ignore N COUNT", "ignore the next COUNT crossings of breakpoint N",
             Arg.IGNORE),
    WordSpec(Word.DELETE, "delete [N...]", "delete breakpoints (none: all)", Arg.BREAKPOINTS),
    WordSpec(Word.DISABLE, "disable [N...]", "disable breakpoints (none: all)",
             Arg.BREAKPOINTS),
    WordSpec(Word.ENABLE, "enable [N...]", "enable breakpoints (none: all)", Arg.BREAKPOINTS),
    WordSpec(Word.INFO_BREAKPOINTS, "info breakpoints", "list the breakpoints"),
    WordSpec(Word.INFO_WATCHPOINTS, "info watchpoints", "list the watchpoints"),
    WordSpec(Word.INFO_DISPLAY, "info display", "list the display expressions"),
    WordSpec(Word.INFO_LOCALS, "info locals", "the selected frame's locals"),
    WordSpec(Word.INFO_ARGS, "info args", "the selected frame's arguments"),
    WordSpec(Word.INFO_FRAME, "info frame", "about the selected frame"),
    WordSpec(Word.WATCH, "watch EXPR", "a watchpoint: stop when EXPR's value changes",
             Arg.EXPRESSION),
    WordSpec(Word.UNWATCH, "unwatch [N...]", "delete watchpoints (none: all)", Arg.NUMBERS),
    WordSpec(Word.DISPLAY, "display [EXPR]", "show EXPR at every stop (none: show them all)",
             Arg.EXPRESSION),
    WordSpec(Word.UNDISPLAY, "undisplay [N...]", "stop showing displays (none: all)",
             Arg.NUMBERS),
    WordSpec(Word.PRINT, "print EXPR", "evaluate EXPR in the selected frame", Arg.EXPRESSION),
    WordSpec(Word.SET_VAR, "set var NAME = EXPR", "assign a variable in the selected frame",
             Arg.ASSIGNMENT),
    WordSpec(Word.STEPI, "stepi [N]", "N instructions, into calls", Arg.COUNT, True),
    WordSpec(Word.NEXTI, "nexti [N]", "N instructions, over calls", Arg.COUNT, True),
    WordSpec(Word.STEP, "step [N]", "N lines, into calls", Arg.COUNT, True),
    WordSpec(Word.NEXT, "next [N]", "N lines of this function, over calls", Arg.COUNT, True),
    WordSpec(Word.FINISH, "finish", "run until the selected frame returns", Arg.NONE, True),
    WordSpec(Word.CONTINUE, "continue", "run until a breakpoint, a watchpoint or the end",
             Arg.NONE, True),
    WordSpec(Word.UNTIL, "until [LOCATION]", "run to a line past this one in this frame (or "
             "to LOCATION), or until the frame returns", Arg.LOCATION, True),
    WordSpec(Word.ADVANCE, "advance LOCATION", "run to LOCATION, or until the frame returns",
             Arg.LOCATION, True),
    WordSpec(Word.GOTO, "goto STEP", "go to the state after STEP steps (back or forward)",
             Arg.STEP, True),
    WordSpec(Word.REVERSE_STEPI, "reverse-stepi [N]", "back N instructions", Arg.COUNT, True),
    WordSpec(Word.REVERSE_STEP, "reverse-step [N]", "back to the previous line, into calls",
             Arg.COUNT, True),
    WordSpec(Word.REVERSE_NEXT, "reverse-next [N]", "back to the previous line of this "
             "function, over calls", Arg.COUNT, True),
    WordSpec(Word.REVERSE_FINISH, "reverse-finish", "back to where the selected frame's "
             "function was called", Arg.NONE, True),
    WordSpec(Word.REVERSE_CONTINUE, "reverse-continue", "back to the last breakpoint hit or "
             "watchpoint change", Arg.NONE, True),
    WordSpec(Word.LAST_CHANGE, "last-change EXPR", "back to the step where EXPR's value last "
             "changed", Arg.EXPRESSION, True),
    WordSpec(Word.UP, "up [N]", "select the frame N levels toward the callers", Arg.COUNT),
    WordSpec(Word.DOWN, "down [N]", "select the frame N levels toward the innermost",
             Arg.COUNT),
    WordSpec(Word.FRAME, "frame [N]", "select frame N (0 is the innermost), or describe it",
             Arg.FRAME),
    WordSpec(Word.BACKTRACE, "backtrace [N | -N | all]", "the call stack, innermost first "
             "(N innermost, -N outermost)", Arg.BACKTRACE),
    WordSpec(Word.RESTART, "restart", "start the program again (breakpoints stay)",
             Arg.NONE, True),
    WordSpec(Word.HELP, "help [WORD]", "the words, or one word's usage", Arg.WORD),
    WordSpec(Word.QUIT, "quit", "leave the debugger"),
)}
assert set(SPECS) == set(Word)

ALIASES: dict[str, Word] = {
    "b": Word.BREAK, "br": Word.BREAK, "tb": Word.TBREAK, "cond": Word.CONDITION,
    "del": Word.DELETE, "dis": Word.DISABLE, "en": Word.ENABLE,
    "i b": Word.INFO_BREAKPOINTS, "i break": Word.INFO_BREAKPOINTS,
    "i watch": Word.INFO_WATCHPOINTS, "i locals": Word.INFO_LOCALS, "i args": Word.INFO_ARGS,
    "i frame": Word.INFO_FRAME, "i display": Word.INFO_DISPLAY,
    "p": Word.PRINT, "set variable": Word.SET_VAR,
    "si": Word.STEPI, "ni": Word.NEXTI, "s": Word.STEP, "n": Word.NEXT, "fin": Word.FINISH,
    "c": Word.CONTINUE, "cont": Word.CONTINUE, "unt": Word.UNTIL, "adv": Word.ADVANCE,
    "rsi": Word.REVERSE_STEPI, "rs": Word.REVERSE_STEP, "rn": Word.REVERSE_NEXT,
    "rf": Word.REVERSE_FINISH, "rc": Word.REVERSE_CONTINUE, "lc": Word.LAST_CHANGE,
    # pdb's u and d move frames (the TUI's keys too); delete is `del` or `delete`
    "u": Word.UP, "d": Word.DOWN, "f": Word.FRAME,
    "bt": Word.BACKTRACE, "where": Word.BACKTRACE, "w": Word.BACKTRACE,
    "run": Word.RESTART, "h": Word.HELP, "q": Word.QUIT, "exit": Word.QUIT,
}
GROUPS = ("info", "set")  # words that take a second word (info locals, set var)


@dataclass(frozen=True)
class Command:
    """A parsed line: the word and the rest of the line, stripped."""

    word: Word
    argument: str = ""
    text: str = ""

    @property
    def spec(self) -> WordSpec:
        return SPECS[self.word]


def first_words() -> list[str]:
    """The words a line can start with, as completion offers them."""
    return sorted({w.value.split()[0] for w in Word})


def _group_words(group: str) -> list[str]:
    return sorted(w.value.split()[1] for w in Word if w.value.startswith(group + " "))


def _unique(token: str, names: list[str], what: str) -> str:
    if token in names:
        return token
    found = [name for name in names if name.startswith(token)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise DebugError(f"unknown {what}: {token} (help lists the words)")
    raise DebugError(f"ambiguous {what} {token}: {', '.join(found)}")


def resolve(text: str) -> tuple[Word, str]:
    """The word a line starts with and the rest of it."""
    head, _, rest = text.strip().partition(" ")
    rest = rest.strip()
    second, _, after = rest.partition(" ")
    if f"{head} {second}" in ALIASES:
        return ALIASES[f"{head} {second}"], after.strip()
    if head in ALIASES:
        return ALIASES[head], rest
    name = _unique(head, first_words(), "command")
    if name in GROUPS:
        if not second:
            raise DebugError(f"{name} what? ({', '.join(_group_words(name))})")
        sub = _unique(second, _group_words(name), f"{name} command")
        return Word(f"{name} {sub}"), after.strip()
    return Word(name), rest


def parse(text: str) -> Command:
    """A Command from a typed line; DebugError for an unknown or ambiguous word."""
    if not text.strip():
        raise DebugError("no command given (help lists the words)")
    word, rest = resolve(text)
    return Command(word, rest, text.strip())


def help_lines(topic: str = "") -> list[str]:
    """`help`: every word with its line; `help WORD`: its usage and aliases."""
    if not topic.strip():
        width = max(len(s.usage) for s in SPECS.values())
        return [f"{s.usage:<{width}}  {s.help}" for s in SPECS.values()]
    word, _ = resolve(topic)
    spec = SPECS[word]
    aliases = sorted(a for a, w in ALIASES.items() if w is word)
    lines = [spec.usage, f"  {spec.help}"]
    if aliases:
        lines.append(f"  also: {', '.join(aliases)}")
    return lines
