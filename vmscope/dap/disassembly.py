"""The `disassemble` request. A memory reference names an ip, written in
decimal as `vmscope dis` numbers instructions ("42"; "0x2a" is read too);
an instruction is one address unit, so `offset` and `instructionOffset` both
count instructions. Exactly `instructionCount` instructions come back: past
either end of the program, filler entries with `presentationHint: "invalid"`."""

from __future__ import annotations

from typing import Any

from vmscope.dap.positions import Positions
from vmscope.dap.protocol import Arguments, bad_arguments
from vmscope.vm.disasm import instruction_text
from vmscope.vm.program import CompiledCode

MAX_COUNT = 100_000  # instructions in one answer


def ip_reference(ip: int) -> str:
    return str(ip)


def parse_reference(text: str, what: str) -> int:
    """An ip from a memory or instruction reference ("42" or "0x2a")."""
    cleaned = text.strip().lower()
    try:
        negative = cleaned.startswith("-")
        digits = cleaned.lstrip("-")
        value = int(digits, 16) if digits.startswith("0x") else int(digits, 10)
    except ValueError:
        raise bad_arguments(f"{what} must be an ip such as \"42\" or \"0x2a\", not "
                            f"{text!r}") from None
    return -value if negative else value


def disassemble(args: Arguments, code: CompiledCode, positions: Positions) -> dict[str, Any]:
    base = parse_reference(args.string("memoryReference", required=True), "memoryReference")
    count = args.count("instructionCount")
    if count is None:
        raise bad_arguments("disassemble: missing `instructionCount`")
    if count > MAX_COUNT:
        raise bad_arguments(f"disassemble: at most {MAX_COUNT:,} instructions a request")
    first = base + args.integer("offset", 0) + args.integer("instructionOffset", 0)
    return {"instructions": [instruction(ip, code, positions)
                             for ip in range(first, first + count)]}


def instruction(ip: int, code: CompiledCode, positions: Positions) -> dict[str, Any]:
    """One DAP `DisassembledInstruction`; filler outside the program."""
    if not 0 <= ip < len(code.instrs):
        return {"address": ip_reference(ip), "instruction": "(no instruction)",
                "presentationHint": "invalid"}
    instr = code.instrs[ip]
    return {"address": ip_reference(ip), "instruction": instruction_text(instr).rstrip(),
            "symbol": code.functions[instr.func].name, "location": positions.source(),
            **positions.span_fields(instr.span), "presentationHint": "normal"}
