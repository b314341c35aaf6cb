"""The generator's vocabulary: types, precedence levels, literals, names,
and the records it builds programs from (see support.programs)."""

from __future__ import annotations

from dataclasses import dataclass

TYPES = ("int", "float", "str", "bool", "list", "any")

# precedence levels, lowest binding first
OR, AND, NOT, CMP, SUM, TERM, UNARY, POW, POSTFIX, PRIMARY = range(1, 11)

INT_LITS = [
    "0",
    "1",
    "2",
    "3",
    "4",
    "5",
    "7",
    "10",
    "007",
    "42",
    "-1",
    "4294967296",
    "123456789012345678901234567890",
    "9007199254740993",
    "10000000000000000",
    "18446744073709551616",
]
SMALL_INTS = ["0", "1", "2", "3", "-1", "-2", "4", "5"]
RANGE_STEPS = ["1", "-1", "2", "-2", "3", "-1", "1", "-3"]
SPECIAL_FLOATS = [  # (text, precedence)
    ('float("nan")', 9),
    ('float("inf")', 9),
    ('-float("inf")', 7),
    ("1e308 * 10", 6),
    ('-float("nan")', 7),
]
FLOAT_LITS = [
    "0.5",
    "1.5",
    "2.0",
    "0.1",
    "0.0",
    "1e-05",
    "2.5e3",
    "3.0E2",
    "1e16",
    "1e300",
    "7.25",
    "0.25e-3",
    "-0.0",
    "-2.5",
    "9007199254740992.0",
    "1e308",
    "5e-324",
    "0.30000000000000004",
    "1e22",
]
STR_LITS = [
    '""',
    '"a"',
    "'b'",
    '"ab"',
    '"hello"',
    '"x\\ny"',
    '"t\\tab"',
    '"q\\"q"',
    "'it\\'s'",
    '"\\\\"',
    '"é"',
    '"日本"',
    '"\\0"',
    '"\\r"',
    '"12"',
    '" -3 "',
    '"1.5"',
    '"inf"',
    '"nan"',
    '"1e400"',
    '"abc"',
    "'\"'",
    '"[1]"',
]
# variable names: a few shadow builtins on purpose (functions and variables
# live in separate namespaces)
NAMES = ["a", "b", "c", "x", "y", "n", "s", "t", "v", "i", "k", "total", "len", "str", "print"]
COMPOUND = {
    "int": ["+=", "-=", "*=", "//=", "%="],
    "float": ["+=", "-=", "*=", "/=", "//=", "%="],
    "str": ["+="],
    "list": ["+="],
}
DEFAULT = {"int": "0", "float": "0.0", "str": '""', "bool": "false", "list": "[]", "any": "null"}


@dataclass(frozen=True)
class Var:
    ty: str
    readonly: bool = False


@dataclass
class Fn:
    name: str
    params: list[tuple[str, str, str | None]]  # name, intended type, annotation
    ret: str
    ret_ann: str | None
    recursive: bool
    body: str = ""


@dataclass(frozen=True)
class E:
    text: str
    prec: int
