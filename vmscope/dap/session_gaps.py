"""What the adapter needs from today's Session that it offers only inside:
kept in this one module, so the day the Session offers it publicly only this
changes.

A run (continue, or an instruction step over a call) steps off the current
instruction before it looks for breakpoints, so a breakpoint on the very
first instruction of the program (a breakpoint on its first line) or of a
callee entered by one instruction step would be passed by. The Session's own
check, with its conditions and hit counts, is asked here instead."""

from __future__ import annotations

from vmscope.debug.session import Session


def stop_at_breakpoint_here(session: Session) -> bool:
    """Does an enabled breakpoint at the current instruction fire (its
    condition holds, its hit count is reached)? It then counts the hit and
    leaves the session stopped there, as a breakpoint stop."""
    if session.done or session.vm.ip not in session.breakpoint_ips():
        return False
    with session._lock:
        return session._breakpoint_hit()
