"""Store metadata (what watchpoints build on) against reality: every
instruction's `Instr.writes` names each variable it changes, and
`Instr.mutates` is set on each instruction that changes a list in place, at
every level. The programs run one instruction at a time; before and after
each, the named variables of the frames involved, the globals and every list
reachable from them are compared."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from support.programs import programs

import vmscope
from vmscope.errors import GuestError
from vmscope.lang.values import UNSET, Limits
from vmscope.vm.machine import VM, Halt
from vmscope.vm.opcodes import Op
from vmscope.vm.program import CompiledCode, Scope

# The engines raise the host recursion limit; hypothesis' note about it is noise.
pytestmark = pytest.mark.filterwarnings(
    "ignore:The recursion limit will not be reset:hypothesis.errors.HypothesisWarning"
)
SAMPLES = sorted((Path(__file__).resolve().parent.parent / "sample_programs").glob("*.vms"))
LIMITS = Limits(max_length=2_000)


def named_slots(code: CompiledCode, func: int) -> list[int]:
    """The slots of a function's frame that hold its variables."""
    fn = code.functions[func]
    return [slot for slot in range(fn.nlocals) if not fn.slot_names[slot].startswith("<")]


def reachable_lists(roots: list[Any]) -> dict[int, tuple[Any, ...]]:
    """Every list reachable from `roots`, by id: its elements' identities."""
    seen: dict[int, tuple[Any, ...]] = {}
    todo = [r for r in roots if type(r) is list]
    while todo:
        items = todo.pop()
        if id(items) in seen:
            continue
        seen[id(items)] = tuple(map(id, items))
        todo.extend(x for x in items if type(x) is list)
    return seen


@dataclass
class State:
    """What the VM holds in variables before or after one instruction."""

    frame: list[Any]
    frame_vars: dict[int, Any]
    caller: list[Any] | None
    caller_vars: dict[int, Any]
    depth: int
    globals: list[Any]
    lists: dict[int, tuple[Any, ...]]
    keep: list[Any]  # the lists themselves, so their ids stay theirs

    @classmethod
    def of(cls, vm: VM, code: CompiledCode) -> State:
        def variables(slots: list[Any], func: int) -> dict[int, Any]:
            return {slot: slots[slot] for slot in named_slots(code, func)}

        frame_vars = variables(vm.slots, code.instrs[vm.ip].func)
        caller, caller_vars = None, {}
        if vm.frames:
            caller, call_ip, _ = vm.frames[-1]
            caller_vars = variables(caller, code.instrs[call_ip].func)
        roots = [*vm.globals]
        for slots, call_ip, _ in vm.frames:
            roots += [slots[s] for s in named_slots(code, code.instrs[call_ip].func)]
        roots += frame_vars.values()
        lists = reachable_lists(roots)
        return cls(vm.slots, frame_vars, caller, caller_vars, len(vm.frames), list(vm.globals),
                   lists, roots)


def _changed(before: dict[int, Any], now: list[Any]) -> set[int]:
    return {slot for slot, value in before.items() if now[slot] is not value}


def check_step(code: CompiledCode, ip: int, before: State, vm: VM) -> None:
    """Every change the instruction at `ip` made is covered by its record."""
    instr = code.instrs[ip]
    where = f"ip {ip} ({instr.family} {instr.argrepr!r}, line {instr.span.line})"
    local = {slot for scope, slot in instr.writes if scope is Scope.LOCAL}
    callee = {slot for scope, slot in instr.writes if scope is Scope.CALLEE}
    globals_ = {index for scope, index in instr.writes if scope is Scope.GLOBAL}
    if len(vm.frames) == before.depth + 1 and vm.frames[-1][0] is before.frame:  # a call
        assert not _changed(before.frame_vars, before.frame), where
        func = code.instrs[vm.ip].func  # the callee's entry
        bound = {s for s in named_slots(code, func) if vm.slots[s] is not UNSET}
        assert bound <= callee, f"{where}: set parameters {bound}, recorded {callee}"
    elif len(vm.frames) == before.depth - 1 and vm.slots is before.caller:  # a return
        assert not _changed(before.caller_vars, before.caller), where
    else:
        assert vm.slots is before.frame, where
        changed = _changed(before.frame_vars, vm.slots)
        assert changed <= local, f"{where}: changed locals {changed}, recorded {local}"
    changed_globals = {i for i, value in enumerate(before.globals) if vm.globals[i] is not value}
    assert changed_globals <= globals_, f"{where}: changed globals {changed_globals}"
    if not instr.mutates:
        for key, items in reachable_lists(before.keep).items():
            assert before.lists.get(key, items) == items, f"{where}: changed a list in place"


def run_checked(program: vmscope.Program, level: int, limits: Limits = LIMITS,
                max_steps: int = 6_000) -> int:
    """Run step by step, checking every instruction; the steps run."""
    code = program.compiled(level, limits)
    vm = VM(code, lambda text: None, limits)
    for step in range(max_steps):
        ip = vm.ip
        before = State.of(vm, code)
        try:
            offset = code.code[ip](vm)
        except Halt:
            return step
        except (GuestError, RecursionError):
            check_step(code, ip, before, vm)  # what it did before failing counts too
            return step
        vm.ip = ip + offset
        check_step(code, ip, before, vm)
    return max_steps


@pytest.mark.parametrize("level", [0, 1, 2])
@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_sample_programs_store_only_where_recorded(path: Path, level: int) -> None:
    program = vmscope.compile_source(path.read_text(encoding="utf-8"), path.name)
    assert run_checked(program, level) > 0


STORES = """\
let total = 0
let xs = [1, 2]
fn bump(n: float, ys) {
  total += n
  push(ys, n)
  ys[0] = n
  let m = pop(ys)
  return m
}
for i in range(3) { total = total + bump(i, xs) }
for x in xs { xs[0] += x }
print(total, xs)
"""


@pytest.mark.parametrize("level", [0, 1, 2])
def test_each_kind_of_store_is_recorded(level: int) -> None:
    """A known program: which instructions record which writes."""
    code = vmscope.compile_source(STORES).at_level(level).code
    fn_bump = next(f for f in code.functions if f.name == "bump")
    main = code.main
    recorded = {(code.functions[i.func].name, scope, main.slot_names[slot]
                 if scope is Scope.LOCAL and i.func == main.index else
                 fn_bump.slot_names[slot] if scope is not Scope.GLOBAL else
                 code.global_names[slot]) for i in code.instrs for scope, slot in i.writes}
    assert recorded >= {
        ("<main>", Scope.GLOBAL, "total"), ("<main>", Scope.GLOBAL, "xs"),
        ("<main>", Scope.LOCAL, "i"), ("<main>", Scope.LOCAL, "x"),
        ("<main>", Scope.CALLEE, "n"), ("<main>", Scope.CALLEE, "ys"),
        ("bump", Scope.LOCAL, "n"), ("bump", Scope.LOCAL, "m"), ("bump", Scope.GLOBAL, "total"),
    }
    mutating = {i.span.line for i in code.instrs if i.mutates}
    assert {5, 6, 7, 11} <= mutating  # push, ys[0] = n, pop, xs[0] += x
    assert not mutating & {1, 2, 4, 12}  # plain stores and print change no list
    assert run_checked(vmscope.compile_source(STORES), level) > 0


@pytest.mark.parametrize("level", [0, 1, 2])
def test_writes_name_variables_only(level: int) -> None:
    """No record names a temporary or hidden loop state, and loads record nothing."""
    for path in SAMPLES:
        code = vmscope.compile_source(path.read_text(encoding="utf-8")).at_level(level).code
        for instr in code.instrs:
            if instr.op in (Op.CONST, Op.LOAD_LOCAL, Op.LOAD_GLOBAL, Op.PRINT, Op.JUMP, Op.HALT):
                assert instr.writes == () and not instr.mutates, instr
            for scope, slot in instr.writes:
                if scope is Scope.GLOBAL:
                    assert slot < len(code.global_names)
                elif scope is Scope.LOCAL:
                    assert slot in named_slots(code, instr.func), instr
                else:
                    assert instr.op is Op.CALL


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(programs())
def test_generated_programs_store_only_where_recorded(src: str) -> None:
    note(src)
    program = vmscope.compile_source(src, "gen.vms")
    for level in (0, 1, 2):
        run_checked(program, level, max_steps=5_000)
