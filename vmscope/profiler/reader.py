"""Reading a profile's JSON document field by field, so that a malformed
file is one ProfileFormatError naming what is wrong (`missing field
cell_fields`, `field cells[3]: expected an integer, got 'x'`, a row that
points outside its table) rather than a KeyError from deep inside."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vmscope.profiler.model import Profile

__all__ = ["ProfileFormatError", "as_bool", "as_float", "as_int", "as_line_texts", "as_list",
           "as_object", "as_text", "check_tables", "fields_of", "opt_float", "opt_int",
           "opt_text"]


class ProfileFormatError(ValueError):
    """A JSON document that is not a profile this version can read."""


_REQUIRED: Any = object()


def as_int(v: Any) -> int:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(f"expected an integer, got {v!r}")
    return v


def opt_int(v: Any) -> int | None:
    return None if v is None else as_int(v)


def as_float(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise ValueError(f"expected a number, got {v!r}")
    return float(v)


def opt_float(v: Any) -> float | None:
    return None if v is None else as_float(v)


def as_bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise ValueError(f"expected true or false, got {v!r}")
    return v


def as_text(v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError(f"expected a string, got {v!r}")
    return v


def opt_text(v: Any) -> str | None:
    return None if v is None else as_text(v)


def as_list(v: Any) -> list[Any]:
    if not isinstance(v, list):
        raise ValueError(f"expected a list, got {type(v).__name__}")
    return v


def as_line_texts(v: Any) -> dict[int, str]:
    """`source_lines`: {"line number": "text"}."""
    out = {}
    for k, text in as_object(v).items():
        if not (isinstance(k, str) and k.isdigit()):
            raise ValueError(f"expected line numbers as keys, got {k!r}")
        out[int(k)] = as_text(text)
    return out


def as_object(v: Any) -> dict[str, Any]:
    if not isinstance(v, dict):
        raise ValueError(f"expected an object, got {type(v).__name__}")
    return v


def fields_of(d: dict[str, Any]) -> _Fields:
    """The top-level object of a profile document."""
    return _Fields(d)


class _Fields:
    """One JSON object of a profile, read field by field; every failure is
    a ProfileFormatError naming the field (`sampling.rate_hz`, `cells[3]`)."""

    def __init__(self, d: dict[str, Any], where: str = "") -> None:
        self.d = d
        self.where = where

    def _name(self, key: str) -> str:
        return f"{self.where}{key}"

    def get(self, key: str, kind: Callable[[Any], Any], default: Any = _REQUIRED) -> Any:
        if key not in self.d:
            if default is _REQUIRED:
                raise ProfileFormatError(f"missing field {self._name(key)}")
            return default
        value = self.d[key]
        try:
            return kind(value)
        except (TypeError, ValueError) as exc:
            raise ProfileFormatError(f"field {self._name(key)}: {exc}") from None

    def sub(self, key: str) -> _Fields:
        return _Fields(self.get(key, as_object), f"{self._name(key)}.")

    def rows(self, key: str, make: Callable[..., Any], required: bool = True) -> tuple[Any, ...]:
        """A list of rows, each a list of `make`'s arguments."""
        items = self.get(key, as_list, _REQUIRED if required else [])
        width = make.__code__.co_argcount
        out = []
        for n, row in enumerate(items):
            where = f"field {self._name(key)}[{n}]"
            if not isinstance(row, list) or len(row) != width:
                got = repr(row)
                raise ProfileFormatError(f"{where}: expected a list of {width} values, got "
                                         + (got if len(got) <= 60 else got[:59] + "…"))
            try:
                out.append(make(*row))
            except (TypeError, ValueError) as exc:
                raise ProfileFormatError(f"{where}: {exc}") from None
        return tuple(out)


def check_tables(p: Profile) -> None:
    """Every index a row holds points into its table (the views index them)."""
    n_instrs, n_funcs, n_ctx = len(p.instrs), len(p.functions), len(p.contexts)

    def bad(what: str) -> ProfileFormatError:
        return ProfileFormatError(f"{what} (the profile has {n_instrs} instructions, "
                                  f"{n_funcs} functions, {n_ctx} contexts)")

    if not n_funcs:
        raise ProfileFormatError("field functions: empty (<main> is always there)")
    for n, i in enumerate(p.instrs):
        if not 0 <= i.func < n_funcs or (i.target is not None and not 0 <= i.target < n_instrs):
            raise bad(f"field instrs[{n}]: its function or target is out of range")
    for n, c in enumerate(p.contexts):
        if not (-1 <= c.parent < n and 0 <= c.func < n_funcs and -1 <= c.call_ip < n_instrs):
            raise bad(f"field contexts[{n}]: its parent, call ip or function is out of range")
    for n, cell in enumerate(p.cells):
        if not (0 <= cell.ip < n_instrs and -1 <= cell.ctx < max(n_ctx, 1)):
            raise bad(f"field cells[{n}]: ip {cell.ip} or context {cell.ctx} is out of range")
    for n, e in enumerate(p.edges):
        if not (0 <= e.src < n_instrs and 0 <= e.dst < n_instrs):
            raise bad(f"field edges[{n}]: ip {e.src} or {e.dst} is out of range")
    for n, (ip, _) in enumerate(p.deopts):
        if not 0 <= ip < n_instrs:
            raise bad(f"field deopts[{n}]: ip {ip} is out of range")
