"""Whole values, for the TUI's value inspector and the DAP's `variables`: a
ValueRef names a value (a frame's local, a global, a value-stack slot, an
expression such as a watch; then a path of list indices into it), and
Session.inspect gives its type, length, display text (strings quoted, as the
language writes a str inside a list) and a page of its children, so a list of
a million elements costs the page shown. A mixin of the Session."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from vmscope.debug.errors import DebugError
from vmscope.debug.evaluate import scope_names
from vmscope.debug.snapshot import ValueView, length_of, render
from vmscope.lang.values import UNSET, type_name
from vmscope.vm.machine import VM
from vmscope.vm.program import CompiledCode, FunctionInfo

DEFAULT_PAGE = 100
DEFAULT_TEXT = 100_000  # characters of a value's text unless more are asked for


class Root(Enum):
    LOCAL = "local"
    GLOBAL = "global"
    STACK = "stack"
    EXPRESSION = "expression"


@dataclass(frozen=True)
class ValueRef:
    """A name for a value: where it lives (`root`: a local `name` in frame
    `frame`, a global `name`, value-stack slot `slot` of frame `frame`, or the
    expression `name` evaluated in frame `frame`), then list indices (`path`).
    Frames are gdb levels (0 the innermost)."""

    root: Root
    name: str = ""
    frame: int = 0
    slot: int = 0
    path: tuple[int, ...] = ()

    @staticmethod
    def local(name: str, frame: int = 0) -> ValueRef:
        return ValueRef(Root.LOCAL, name, frame)

    @staticmethod
    def global_(name: str) -> ValueRef:
        return ValueRef(Root.GLOBAL, name)

    @staticmethod
    def stack(slot: int, frame: int = 0) -> ValueRef:
        return ValueRef(Root.STACK, frame=frame, slot=slot)

    @staticmethod
    def expression(text: str, frame: int = 0) -> ValueRef:
        return ValueRef(Root.EXPRESSION, text, frame)

    def child(self, index: int) -> ValueRef:
        return ValueRef(self.root, self.name, self.frame, self.slot, (*self.path, index))

    @property
    def label(self) -> str:
        """How the value is written: `n`, `xs[3][0]`, `slot 4`, `(a + b)[1]`."""
        if self.root is Root.STACK:
            base = f"slot {self.slot}"
        elif self.root is Root.EXPRESSION and self.path and not self.name.isidentifier():
            base = f"({self.name})"
        else:
            base = self.name
        return base + "".join(f"[{i}]" for i in self.path)


@dataclass(frozen=True)
class Child:
    """One element of a list: its index, its ref (to inspect it in turn) and
    its short view."""

    index: int
    ref: ValueRef
    value: ValueView

    @property
    def expandable(self) -> bool:
        return self.value.type == "list" and bool(self.value.length)


@dataclass(frozen=True)
class ValueDetail:
    """A value whole: type, length (str and list), text (`complete` False
    when cut at the limit asked for), and children[start:start+count]."""

    ref: ValueRef
    type: str
    length: int | None
    text: str
    complete: bool
    children: tuple[Child, ...]
    start: int

    @property
    def expandable(self) -> bool:
        return self.type == "list" and bool(self.length)


class Inspecting:
    code: CompiledCode
    vm: VM
    _lock: threading.RLock

    if TYPE_CHECKING:
        def frame_at(self, level: int, vm: VM | None = None) -> tuple[
            FunctionInfo, list[Any], int]: ...

        def evaluate(self, text: str, frame: int | None = None) -> Any: ...

    def value_of(self, ref: ValueRef) -> Any:
        """The live value a ref names (a DebugError when there is none now;
        an expression's CompileError or GuestError as it is)."""
        value = self._root_value(ref)
        for depth, index in enumerate(ref.path):
            if type(value) is not list or not -len(value) <= index < len(value):
                where = ValueRef(ref.root, ref.name, ref.frame, ref.slot, ref.path[:depth])
                raise DebugError(f"{where.label} has no element {index} now")
            value = value[index]
        return value

    def _root_value(self, ref: ValueRef) -> Any:
        if ref.root is Root.GLOBAL:
            names = self.code.global_names
            if ref.name not in names or self.vm.globals[names.index(ref.name)] is UNSET:
                raise DebugError(f"no global {ref.name} holds a value now")
            return self.vm.globals[names.index(ref.name)]
        if ref.root is Root.EXPRESSION:
            return self.evaluate(ref.name, ref.frame)
        fn, slots, ip = self.frame_at(ref.frame)
        if ref.root is Root.STACK:
            instr = self.code.instrs[ip]
            if not fn.nlocals <= ref.slot < fn.nlocals + instr.depth:
                raise DebugError(f"no value-stack slot {ref.slot} in frame {ref.frame} now")
            return slots[ref.slot]
        slot = scope_names(fn, ip).get(ref.name)
        if slot is None or slots[slot] is UNSET:
            raise DebugError(f"no local {ref.name} in frame {ref.frame} ({fn.name}) now")
        return slots[slot]

    def inspect(self, ref: ValueRef, start: int = 0, count: int = DEFAULT_PAGE,
                text_limit: int | None = DEFAULT_TEXT) -> ValueDetail:
        """The value `ref` names, with children[start:start+count] (a list's
        elements); its text cut at `text_limit` characters (None: whole)."""
        with self._lock:
            value = self.value_of(ref)
            text, complete = render(value, text_limit)
            children: tuple[Child, ...] = ()
            start = max(start, 0)
            if type(value) is list:
                stop = min(len(value), start + max(count, 0))
                children = tuple(Child(i, ref.child(i), ValueView.of(value[i]))
                                 for i in range(start, stop))
            return ValueDetail(ref, type_name(value), length_of(value), text, complete,
                               children, start)
