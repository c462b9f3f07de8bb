"""Data models that cost nothing to import: slotted stdlib dataclasses with the pydantic API we use.

The documents, diagnostics, and the views `gsd show` and `gsd status` print are on the start-up
path (`gsd show --json` has 0.25 s, and importing pydantic alone takes 0.15-0.19 s here). So they
are plain dataclasses, and pydantic is imported only where it earns its cost:

- `model_validate` / `model_json_schema` build a pydantic `TypeAdapter` on first use: pydantic
  validates these classes field by field (tests and `gsd schema` use it; pydantic models that hold
  them validate and serialise them natively);
- `model_dump` walks the fields itself, with pydantic's output for every type the loader produces
  (tests compare the two over the whole corpus); values of any other type are handed to
  `pydantic_core`.

A field renamed in data (`from_` is `"from"`) names its alias in `field(metadata={"alias": ...})`;
`ALIASES` gives pydantic the same names through `__pydantic_config__`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect  # dataclasses imports it anyway
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar, dataclass_transform

from planner.records import lazy_init

if TYPE_CHECKING:
    from pydantic import TypeAdapter

Mode = Literal["python", "json"]
T = TypeVar("T")
_ADAPTERS: dict[type, TypeAdapter[Any]] = {}
_SCALARS = (str, int, float, bool, type(None))


def alias_of(name: str) -> str:
    """pydantic's alias generator for these models: the one renamed field, else the name itself."""
    return "from" if name == "from_" else name


# Given to pydantic through each class's `__pydantic_config__` (a plain dict: no pydantic import).
ALIASES = {"alias_generator": alias_of, "validate_by_name": True, "validate_by_alias": True}


@dataclass_transform(kw_only_default=True, field_specifiers=(dataclasses.field,))
def model(cls: type[T]) -> type[T]:
    """The decorator of every model (a subclass of DataModel): a slotted, keyword-only dataclass.

    dataclasses generates nothing: `DataModel` has the one `__eq__` and `__repr__` for all of
    them, `__init__` is compiled on a class's first instantiation (`records.lazy_init`: cheaper
    than dataclasses' and only for the classes a run builds), and a docstring spares dataclasses
    computing one from the signature."""
    undocumented = cls.__doc__ is None
    if undocumented:
        cls.__doc__ = "-"  # else dataclasses writes one from inspect.signature (0.3 ms a class)
    own = inspect.get_annotations(cls)  # as written: strings (`from __future__ import annotations`)
    floats = tuple(n for n, t in own.items() if t in _FLOAT)
    if floats:
        cls.__post_init__ = _float_fields(floats)  # type: ignore[attr-defined]
    made = dataclasses.dataclass(init=False, slots=True, kw_only=True, eq=False, repr=False)(cls)
    lazy_init(made, slots=True)
    if undocumented:
        made.__doc__ = None  # no description in the JSON Schema, as before
    return made


_FLOAT = ("float", "float | None")


def _float_fields(names: tuple[str, ...]) -> Any:
    """A `__post_init__` making an int given to a float field a float, as pydantic did (a
    duration summed over no commands is `0.0` in JSON, not `0`)."""

    def __post_init__(self: Any) -> None:
        for name in names:
            value = getattr(self, name)
            if type(value) is int:
                setattr(self, name, float(value))

    return __post_init__


class DataModel:
    """Base of the dataclass models: `model_copy`, `model_dump`, `model_validate`, JSON Schema."""

    __slots__ = ()
    __pydantic_config__ = ALIASES
    __dataclass_fields__: dict[str, dataclasses.Field[Any]]

    def __eq__(self, other: object) -> bool:
        """Equal when of the same class with equal fields (as a dataclass's `__eq__`)."""
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self.__dataclass_fields__)

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value: unhashable

    def __repr__(self) -> str:
        fields = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__dataclass_fields__)
        return f"{self.__class__.__qualname__}({fields})"

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Self:
        """A shallow copy with `update` applied (like pydantic's: the values are not validated)."""
        return dataclasses.replace(self, **(update or {}))  # type: ignore[type-var]

    def model_dump(
        self, *, mode: Mode = "python", by_alias: bool = False, exclude_none: bool = False
    ) -> dict[str, Any]:
        out: dict[str, Any] = dump(self, mode == "json", by_alias, exclude_none)
        return out

    def model_dump_json(self, *, by_alias: bool = False, exclude_none: bool = False) -> str:
        """Compact JSON, as pydantic writes it (no spaces, non-ASCII kept)."""
        import json

        data = dump(self, True, by_alias, exclude_none)
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def model_validate(cls, data: Any) -> Self:
        """Validate `data` (a mapping, as `model_dump` gives) into an instance; pydantic raises."""
        result: Self = _adapter(cls).validate_python(data)
        return result

    @classmethod
    def model_json_schema(
        cls, *, by_alias: bool = True, mode: Literal["validation", "serialization"] = "validation"
    ) -> dict[str, Any]:
        schema: dict[str, Any] = _adapter(cls).json_schema(by_alias=by_alias, mode=mode)
        return schema


def _adapter(cls: type) -> TypeAdapter[Any]:
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        from pydantic import TypeAdapter

        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter


def dump(value: Any, json: bool, by_alias: bool = False, exclude_none: bool = False) -> Any:
    """`value` as pydantic's `model_dump` gives it: plain containers; enums as values in JSON mode."""
    if isinstance(value, _SCALARS):
        if json and isinstance(value, float) and (value != value or value in _INFS):
            return None  # pydantic's JSON mode writes inf and nan as null
        return value
    fields = getattr(value, "__dataclass_fields__", None)
    if fields is not None and not isinstance(value, type):
        out: dict[str, Any] = {}
        for name, f in fields.items():
            item = getattr(value, name)
            if exclude_none and item is None:
                continue
            key = f.metadata.get("alias", name) if by_alias else name
            out[key] = dump(item, json, by_alias, exclude_none)
        return out
    if isinstance(value, Enum):
        return value.value if json else value
    if isinstance(value, list):
        return [dump(v, json, by_alias, exclude_none) for v in value]
    if isinstance(value, dict):
        return {_key(k, json): dump(v, json, by_alias, exclude_none) for k, v in value.items()}
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        items = [dump(v, json, by_alias, exclude_none) for v in value]
        return items if json else tuple(items)
    if hasattr(value, "model_dump"):  # a pydantic model held in an `Any` field
        return value.model_dump(mode="json" if json else "python", by_alias=by_alias)
    if not json:
        return value
    if isinstance(value, dt.datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):  # YAML !!binary; pydantic raises on bytes that are not UTF-8
        return value.decode("utf-8", errors="replace")
    from pydantic_core import to_jsonable_python  # sets, paths, decimals ...: pydantic's rules

    return to_jsonable_python(value, by_alias=by_alias)


_INFS = (float("inf"), float("-inf"))


def _key(key: Any, json: bool) -> Any:
    """A mapping key in JSON mode is text: `1` -> "1", a date -> its ISO form, `None` -> "None"."""
    if not json or isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    dumped = dump(key, json)
    return dumped if isinstance(dumped, str) else str(key if dumped is None else dumped)
