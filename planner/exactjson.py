"""JSON data back into the dataclass models, without pydantic: exact types, nothing coerced.

The ledger is read by `gsd status` and `gsd verify` on every project that has run `gsd execute`,
and importing pydantic to validate its lines cost more than the rest of `gsd status` together.
Its lines are written by gsd itself (`model_dump_json`), so reading them back needs no coercion:
a value of the wrong JSON type is a damaged line, and the caller skips it.

    entry = load_exact(LedgerEntry, json.loads(line))   # ValueError when `data` does not fit

Understood: str, int, float (an int is taken, as JSON writes 1.0 as 1 nowhere but hand-edits
may), bool, None, `X | None` and other unions, `Literal[...]`, Enum subclasses (by value),
`list[X]`, `dict[str, X]` and nested models. Unknown keys are ignored (as pydantic does by
default); a field's alias (`field(metadata={"alias": ...})`) and its name are both accepted.
A class whose annotations use anything else raises TypeError when its reader is first built:
a programming error, found by the tests, never by a user.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

T = TypeVar("T")
Check = Callable[[Any], Any]

_READERS: dict[Any, Check] = {}


def load_exact(cls: type[T], data: Any) -> T:
    """`data` (parsed JSON) as an instance of the dataclass `cls`; ValueError when it does not fit."""
    result: T = _reader(cls)(data)
    return result


def _reader(tp: Any) -> Check:
    found = _READERS.get(tp)
    if found is None:
        found = _READERS[tp] = _build(tp)
    return found


def _build(tp: Any) -> Check:
    if tp is Any:
        return _same
    if tp in _SCALARS:
        return _SCALARS[tp]
    if tp is type(None):
        return _none
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        args = typing.get_args(tp)
        if len(args) == 2 and type(None) in args:  # `X | None`: the reason is X's
            (other,) = (a for a in args if a is not type(None))
            return _optional(_reader(other))
        return _union([_reader(arg) for arg in args])
    if origin is typing.Literal:
        return _literal(typing.get_args(tp))
    if origin is list:
        (item,) = typing.get_args(tp)
        return _list(_reader(item))
    if origin is dict:
        key, value = typing.get_args(tp)
        if key is not str:
            raise TypeError(f"exactjson: dict keys must be str, not {key!r}")
        return _dict(_reader(value))
    if isinstance(tp, type) and issubclass(tp, Enum):
        return _enum(tp)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _model(tp)
    raise TypeError(f"exactjson: no reader for {tp!r}")


def _same(value: Any) -> Any:
    return value


def _none(value: Any) -> None:
    if value is not None:
        raise ValueError(f"expected null, got {type(value).__name__}")


def _exact(kind: type) -> Check:
    def check(value: Any) -> Any:
        if type(value) is not kind:
            raise ValueError(f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    return check


def _float(value: Any) -> float:
    if type(value) is float:
        return value
    if type(value) is int:
        return float(value)
    raise ValueError(f"expected a number, got {type(value).__name__}")


_SCALARS: dict[Any, Check] = {str: _exact(str), int: _exact(int), bool: _exact(bool), float: _float}


def _optional(read: Check) -> Check:
    def check(value: Any) -> Any:
        return None if value is None else read(value)

    return check


def _union(options: list[Check]) -> Check:
    def check(value: Any) -> Any:
        for option in options:
            try:
                return option(value)
            except ValueError:
                continue
        raise ValueError(f"{value!r} fits none of the allowed types")

    return check


def _literal(allowed: tuple[Any, ...]) -> Check:
    def check(value: Any) -> Any:
        # `type(...) is` keeps True from passing for 1 (JSON has both)
        if any(value == a and type(value) is type(a) for a in allowed):
            return value
        raise ValueError(f"{value!r} is not one of {allowed!r}")

    return check


def _list(item: Check) -> Check:
    def check(value: Any) -> list[Any]:
        if type(value) is not list:
            raise ValueError(f"expected a list, got {type(value).__name__}")
        return [item(v) for v in value]

    return check


def _dict(item: Check) -> Check:
    def check(value: Any) -> dict[str, Any]:
        if type(value) is not dict:
            raise ValueError(f"expected an object, got {type(value).__name__}")
        return {k: item(v) for k, v in value.items()}

    return check


def _enum(cls: type[Enum]) -> Check:
    def check(value: Any) -> Enum:
        if type(value) is not str and type(value) is not int:
            raise ValueError(f"expected a {cls.__name__} value, got {type(value).__name__}")
        try:
            return cls(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a {cls.__name__}") from None

    return check


def _model(cls: type) -> Check:
    hints = typing.get_type_hints(cls)
    # (key in the data, field name, its reader, required)
    fields: list[tuple[str, str, Check, bool]] = []
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        alias = f.metadata.get("alias", f.name)
        fields.append((alias, f.name, _reader(hints[f.name]), required))

    def check(value: Any) -> Any:
        if type(value) is not dict:
            raise ValueError(f"expected an object for {cls.__name__}, got {type(value).__name__}")
        kwargs: dict[str, Any] = {}
        for alias, name, read, required in fields:
            if alias in value:
                raw = value[alias]
            elif name in value:
                raw = value[name]
            elif required:
                raise ValueError(f"{cls.__name__}: {alias!r} is missing")
            else:
                continue
            try:
                kwargs[name] = read(raw)
            except ValueError as exc:
                raise ValueError(f"{cls.__name__}.{alias}: {exc}") from None
        return cls(**kwargs)

    return check
