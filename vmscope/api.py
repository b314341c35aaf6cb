"""The public library API: compile a source once, run it on either engine."""

from __future__ import annotations

import gc
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from vmscope.errors import CompileError, ErrorKind, GuestError
from vmscope.lang import values
from vmscope.lang.lexer import decode
from vmscope.lang.nodes import ResolvedProgram
from vmscope.lang.parser import parse
from vmscope.lang.resolver import resolve
from vmscope.lang.semantics import semantics
from vmscope.lang.values import DEFAULT_LIMITS, Bounds, Limits
from vmscope.source import Source, Span
from vmscope.vm.machine import VM
from vmscope.vm.program import CompiledCode

ENGINES = ("closure", "ast")
DEFAULT_LEVEL = 0  # the library's default; each command picks its own (see cli.py)
_AST_STACK_BYTES = 1 << 29  # a guest call is a few Python frames on the AST engine
_FRAMES_PER_GUEST_CALL = 40


@dataclass
class RunResult:
    output: str
    error: GuestError | None
    steps: int
    max_call_depth: int
    elapsed: float

    @property
    def exit_code(self) -> int:
        return 0 if self.error is None else 1


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while compiling: the compiler makes
    hundreds of thousands of objects and no garbage cycles, and the
    collector's passes over them cost more than the compiling (4x at -O0 on a
    100,000-instruction program)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class Program:
    """A compiled program. Runs start from a fresh state, so one Program can
    be run any number of times, on either engine, and at once from several
    threads: each run's limits belong to that run. The closure VM's code is
    compiled per level and per setting of the length and int-size limits
    (its closures capture them), on first use."""

    def __init__(self, source: Source, resolved: ResolvedProgram) -> None:
        self.source = source
        self.resolved = resolved
        self.level = DEFAULT_LEVEL
        self._code: dict[tuple[int, Bounds], CompiledCode] = {}

    def at_level(self, level: int) -> Program:
        """The same program, compiled for the closure VM at another -O level."""
        other = Program(self.source, self.resolved)
        other.level = level
        other._code = self._code  # compiled code is immutable: share the cache
        return other

    def compiled(self, level: int, limits: Limits = DEFAULT_LIMITS) -> CompiledCode:
        """The closure VM's code at an optimisation level for `limits`' bounds,
        compiled on first use."""
        key = (level, limits.bounds)
        code = self._code.get(key)
        if code is None:
            from vmscope.compiler.compiler import compile_program

            _ensure_recursion(COMPILE_RECURSION)
            with gc_paused():
                code = compile_program(self.resolved, level, semantics(limits))
            code = self._code.setdefault(key, code)  # a racing thread's copy is as good
        return code

    @property
    def code(self) -> CompiledCode:
        """The code at the program's level, for the default limits."""
        return self.compiled(self.level)

    def code_for(self, limits: Limits) -> CompiledCode:
        """The code at the program's level that runs under `limits`."""
        return self.compiled(self.level, limits)

    def new_vm(self, write: Callable[[str], Any], limits: Limits = DEFAULT_LIMITS) -> VM:
        """A fresh VM on the code for `limits` (its own `prog`)."""
        return VM(self.code_for(limits), write, limits)

    def run(self, engine: str = "closure", *, out: Callable[[str], Any] | None = None,
            limits: Limits = DEFAULT_LIMITS, count_steps: bool = False) -> RunResult:
        if engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
        chunks: list[str] = []
        write = out if out is not None else chunks.append
        error: GuestError | None = None
        if engine == "ast":  # loaded only when asked for: not on a closure run's start-up
            from vmscope.lang.interpreter import Interpreter
        start = time.perf_counter()
        if engine == "closure":
            _ensure_recursion(values.NEST_LIMIT * 4 + 1000)
            vm = self.new_vm(write, limits)
            try:
                if count_steps or limits.max_steps is not None:
                    vm.run_counted(limits.max_steps)
                else:
                    vm.run()
            except GuestError as err:
                error = err
            steps, depth = vm.steps, vm.deepest
        else:
            interp = Interpreter(self.resolved, write, limits, count_steps)
            try:
                _on_big_stack(interp.run, limits.max_depth)
            except GuestError as err:
                error = err
            steps, depth = interp.steps, interp.deepest
        elapsed = time.perf_counter() - start
        return RunResult("".join(chunks), error, steps, depth, elapsed)

    def disassemble(self) -> str:
        from vmscope.vm.disasm import disassemble

        return disassemble(self.code, self.source)


def _ensure_recursion(needed: int) -> None:
    """Room for the deepest host recursion a run may need (nested values)."""
    if sys.getrecursionlimit() < needed:
        sys.setrecursionlimit(needed)


def _on_big_stack(fn: Callable[[], None], max_depth: int) -> None:
    """Run fn on a thread with room for deep guest recursion; re-raise its error."""
    _ensure_recursion(max_depth * _FRAMES_PER_GUEST_CALL + values.NEST_LIMIT * 4 + 1000)
    failure: list[BaseException] = []

    def target() -> None:
        try:
            fn()
        except BaseException as exc:  # handed to the calling thread
            failure.append(exc)

    old = threading.stack_size(_AST_STACK_BYTES)
    try:
        worker = threading.Thread(target=target, name="vmscope-ast", daemon=True)
        worker.start()
    finally:
        threading.stack_size(old)
    worker.join()
    if failure:
        raise failure[0]


COMPILE_RECURSION = 200_000  # deeply nested programs recurse in the front end


def compile_source(text: str | bytes, filename: str = "<input>") -> Program:
    """Lex, parse and resolve; a CompileError reports the first problem."""
    if isinstance(text, bytes):
        text = decode(text)
    if text.startswith("\ufeff"):
        text = text[1:]
    source = Source(filename, text)
    _ensure_recursion(COMPILE_RECURSION)
    try:
        with gc_paused():
            return Program(source, resolve(parse(text)))
    except RecursionError:
        raise CompileError(ErrorKind.SYNTAX, "program nested too deeply",
                           Span.point(1, 1)) from None
