"""Hit conditions (`hitCondition`), the forms editors write, mapped onto the
Session's ignore counts: `N` and `>= N` stop at every hit from the Nth on
(gdb's and delve's reading of a bare number), `> N` from the one after, `== N`
(or `= N`) at the Nth hit only, `% N` at every Nth hit. A hit is a crossing
with the condition true, as the spec says (`hitCondition` is evaluated only
when `condition` holds).

The first kind is an ignore count alone; the other two need the adapter to
act after each stop at the breakpoint (disable it, or count the next N
afresh), so a logpoint, which never stops, takes only the first."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from vmscope.debug.errors import DebugError
from vmscope.debug.session import Session

_FORM = re.compile(r"\s*(>=|>|===|==|=|%)?\s*(\d+)\s*")
FORMS = "N or >= N (from the Nth hit on), > N, == N (the Nth hit only) or % N (every Nth hit)"


class HitKind(Enum):
    FROM = "from"  # every hit from the Nth on: an ignore count of N - 1
    EXACTLY = "exactly"  # the Nth hit only: then the breakpoint is disabled
    EVERY = "every"  # every Nth hit: after each stop, N - 1 to ignore again


@dataclass(frozen=True)
class HitRule:
    kind: HitKind
    count: int  # N

    @property
    def ignore_count(self) -> int:
        """The Session's ignore count to start with."""
        return self.count - 1

    def after_stop(self, session: Session, bp_id: int) -> None:
        """What the rule does once the breakpoint has stopped the program."""
        AFTER_STOP[self.kind](session, bp_id, self)


def parse_hit_condition(text: str) -> HitRule | None:
    """The rule of a hit condition (None: every hit stops); a ValueError says
    what is wrong with one that is not understood."""
    match = _FORM.fullmatch(text)
    if match is None:
        raise ValueError(f"hit condition {text.strip()!r} is not supported: write {FORMS}")
    op, count = match.group(1), int(match.group(2))
    if op == "%":
        if count == 0:
            raise ValueError("hit condition '% 0': every 0th hit means nothing (% 1 is every hit)")
        return HitRule(HitKind.EVERY, count) if count > 1 else None
    if op is not None and op.startswith("="):
        if count == 0:
            raise ValueError(f"hit condition {text.strip()!r} never stops: hits count from 1")
        return HitRule(HitKind.EXACTLY, count)
    first = count + 1 if op == ">" else count
    return HitRule(HitKind.FROM, first) if first > 1 else None


def logpoint_problem(rule: HitRule | None) -> str | None:
    """Why a logpoint cannot take this rule (it never stops, so nothing
    counts the hits afresh), or None."""
    if rule is None or rule.kind is HitKind.FROM:
        return None
    return "a logpoint takes a hit condition N, >= N or > N (== N and % N count at stops, " \
           "and a logpoint never stops)"


def _nothing(session: Session, bp_id: int, rule: HitRule) -> None:
    pass


def _disable(session: Session, bp_id: int, rule: HitRule) -> None:
    with contextlib.suppress(DebugError):  # deleted meanwhile (from the debug console)
        session.enable_breakpoint(bp_id, False)


def _ignore_again(session: Session, bp_id: int, rule: HitRule) -> None:
    with contextlib.suppress(DebugError):
        session.ignore(bp_id, rule.count - 1)


AFTER_STOP: dict[HitKind, Callable[[Session, int, HitRule], None]] = {
    HitKind.FROM: _nothing,
    HitKind.EXACTLY: _disable,
    HitKind.EVERY: _ignore_again,
}
