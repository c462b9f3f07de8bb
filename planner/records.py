"""`record`: the `@dataclass` decorator, cheaper to apply, with the same classes as a result.

`dataclasses.dataclass` compiles `__init__`, `__repr__`, `__eq__` (and for a frozen class
`__setattr__`, `__delattr__`, `__hash__`) with `exec` for every class at import: 0.5-0.9 ms a
class, ~75 ms of a `gsd verify` run. Here dataclasses only collects the fields (`init=False,
repr=False, eq=False`, never `frozen`); then

- `__init__` is compiled on a class's first instantiation (`lazy_init`): straight-line code, as
  dataclasses writes it (it is hot), and only for the classes a run builds (58 of 89 in verify);
- `__eq__`, `__repr__`, `__hash__`, frozen `__setattr__`/`__delattr__` are closures over the
  class's field names: nothing to compile.

The result behaves as the dataclass would (tests/test_records.py compares them), and it is one
for `dataclasses.fields`, `replace`, `asdict` and pydantic. Two differences: a class without a
docstring keeps none (dataclasses writes one from `inspect.signature`, 0.3 ms a class), and
`__dataclass_params__` says what dataclasses itself was asked to generate (nothing).
"""

from __future__ import annotations

import dataclasses
from _thread import get_ident
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T")

# dataclasses' own markers: a field is a real field, a ClassVar or an InitVar.
_FIELD = dataclasses._FIELD  # type: ignore[attr-defined]
_FIELD_INITVAR = dataclasses._FIELD_INITVAR  # type: ignore[attr-defined]
_MISSING = dataclasses.MISSING


@overload
def record(cls: type[T], /) -> type[T]: ...


@overload
def record(
    *, eq: bool = True, frozen: bool = False, kw_only: bool = False, slots: bool = False
) -> Callable[[type[T]], type[T]]: ...


@dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def record(
    cls: type[T] | None = None,
    /,
    *,
    eq: bool = True,
    frozen: bool = False,
    kw_only: bool = False,
    slots: bool = False,
) -> type[T] | Callable[[type[T]], type[T]]:
    """`@dataclass` with these keywords (`repr` and `init` always on, no ordering)."""

    def wrap(cls: type[T]) -> type[T]:
        return _process(cls, eq=eq, frozen=frozen, kw_only=kw_only, slots=slots)

    return wrap if cls is None else wrap(cls)


def _process(cls: type[T], *, eq: bool, frozen: bool, kw_only: bool, slots: bool) -> type[T]:
    own = cls.__dict__
    class_hash = own.get("__hash__", _MISSING)
    explicit_hash = not (class_hash is _MISSING or (class_hash is None and "__eq__" in own))
    _check_frozen_bases(cls, frozen)
    undocumented = cls.__doc__ is None
    if undocumented:
        cls.__doc__ = "-"  # else dataclasses writes one from inspect.signature (0.3 ms a class)
    made: Any = dataclasses.dataclass(
        init=False, repr=False, eq=False, kw_only=kw_only, slots=slots
    )(cls)
    if undocumented:
        made.__doc__ = None
    made.__record_frozen__ = frozen
    fields = [f for f in made.__dataclass_fields__.values() if f._field_type is _FIELD]
    lazy_init(made, frozen=frozen, slots=slots)
    _set_new(made, "__repr__", _repr_fn([f.name for f in fields if f.repr]))
    if eq:
        _set_new(made, "__eq__", _eq_fn(_getter([f.name for f in fields if f.compare])))
    if frozen:
        names = frozenset(f.name for f in fields)
        for fn in (_frozen_setattr(made, names), _frozen_delattr(made, names)):
            if not _set_new(made, fn.__name__, fn):
                raise TypeError(
                    f"Cannot overwrite attribute {fn.__name__} in class {made.__name__}"
                )
        if slots:
            _set_new(made, "__getstate__", _getstate)
            _set_new(made, "__setstate__", _setstate)
    if eq and not explicit_hash:  # dataclasses' rule without unsafe_hash
        if frozen:
            hashed = [f.name for f in fields if (f.compare if f.hash is None else f.hash)]
            made.__hash__ = _hash_fn(_getter(hashed))
        else:
            made.__hash__ = None
    result: type[T] = made
    return result


def _check_frozen_bases(cls: type, frozen: bool) -> None:
    """dataclasses' rule: frozen and non-frozen records do not inherit from each other."""
    bases = [b for b in cls.__mro__[1:] if hasattr(b, "__dataclass_fields__")]
    if not bases:
        return
    any_frozen = any(
        getattr(b, "__record_frozen__", False) or b.__dataclass_params__.frozen  # type: ignore[attr-defined]
        for b in bases
    )
    if any_frozen and not frozen:
        raise TypeError("cannot inherit non-frozen dataclass from a frozen one")
    if frozen and not any_frozen:
        raise TypeError("cannot inherit frozen dataclass from a non-frozen one")


def _set_new(cls: type, name: str, value: Any) -> bool:
    """Set `name` unless the class defines it itself (as dataclasses does)."""
    if name in cls.__dict__:
        return False
    setattr(cls, name, value)
    return True


def lazy_init(cls: type, *, frozen: bool = False, slots: bool = False) -> None:
    """Give a processed dataclass an `__init__` that compiles the real one on its first call.

    The real one is what dataclasses would generate: positional or keyword-only parameters in
    dataclasses' order, defaults, a factory called per instance, `field(init=False)` fields set
    from their default or factory, `__post_init__` called with the InitVars."""
    if "__init__" in cls.__dict__:
        return  # the class wrote its own, as dataclasses keeps it
    _check_defaults(cls)

    def __init__(self: Any, /, *args: Any, **kwargs: Any) -> None:
        init = _make_init(cls, frozen, slots)
        if cls.__dict__.get("__init__") is __init__:
            cls.__init__ = init  # type: ignore[misc]
        init(self, *args, **kwargs)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = __init__  # type: ignore[misc]


def _init_fields(cls: type) -> list[dataclasses.Field[Any]]:
    """Fields and InitVars (not ClassVars), in definition order."""
    fields: dict[str, dataclasses.Field[Any]] = cls.__dataclass_fields__  # type: ignore[attr-defined]
    return [f for f in fields.values() if f._field_type in (_FIELD, _FIELD_INITVAR)]  # type: ignore[attr-defined]


def _check_defaults(cls: type) -> None:
    """At class creation, as dataclasses: a positional field without a default after one with."""
    seen_default = False
    for f in _init_fields(cls):
        if f.init and not f.kw_only:
            if not (f.default is _MISSING and f.default_factory is _MISSING):
                seen_default = True
            elif seen_default:
                raise TypeError(f"non-default argument {f.name!r} follows default argument")


_HAS_FACTORY = dataclasses._HAS_DEFAULT_FACTORY  # type: ignore[attr-defined]  # "<factory>"


def _make_init(cls: type, frozen: bool, slots: bool) -> Callable[..., None]:
    """Compile `cls.__init__` as dataclasses' `_init_fn` would write it."""
    fields = _init_fields(cls)
    names = {f.name for f in fields}
    self_name = "__dataclass_self__" if "self" in names else "self"
    ns: dict[str, Any] = {
        "__record_factory__": _HAS_FACTORY,
        "__record_setattr__": object.__setattr__,
    }
    positional: list[str] = []
    keyword: list[str] = []
    body: list[str] = []
    for f in fields:
        default = f"__record_dflt_{f.name}__"
        if f.init:
            param = f.name
            if f.default_factory is not _MISSING:
                param += "=__record_factory__"
            elif f.default is not _MISSING:
                param += f"={default}"
            (keyword if f.kw_only else positional).append(param)
        if f.default_factory is not _MISSING:
            ns[default] = f.default_factory
            if f.init:
                value = f"{default}() if {f.name} is __record_factory__ else {f.name}"
            else:
                value = f"{default}()"
        elif f.init:
            if f.default is not _MISSING:
                ns[default] = f.default
            value = f.name
        elif slots and f.default is not _MISSING:
            ns[default] = f.default
            value = default
        else:
            continue  # read from the class attribute that holds the default
        if f._field_type is _FIELD_INITVAR:  # type: ignore[attr-defined]
            continue
        if frozen:
            body.append(f"__record_setattr__({self_name}, {f.name!r}, {value})")
        else:
            body.append(f"{self_name}.{f.name} = {value}")
    if hasattr(cls, "__post_init__"):
        initvars = [f.name for f in fields if f._field_type is _FIELD_INITVAR]  # type: ignore[attr-defined]
        body.append(f"{self_name}.__post_init__({', '.join(initvars)})")
    params = [self_name, *positional]
    if keyword:
        params += ["*", *keyword]
    lines = [f"def __init__({', '.join(params)}):", *(f"    {line}" for line in body or ["pass"])]
    exec("\n".join(lines), ns)  # our own source, built from identifiers (field names)
    init: Callable[..., None] = ns["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    return init


def _getter(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The tuple of these attributes of an object (dataclasses compares and hashes tuples)."""
    if len(names) > 1:
        return attrgetter(*names)
    if names:
        (name,) = names
        return lambda obj: (getattr(obj, name),)
    return lambda obj: ()


def _eq_fn(values: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any, Any], Any]:
    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    return __eq__


def _hash_fn(values: Callable[[Any], tuple[Any, ...]]) -> Callable[[Any], int]:
    def __hash__(self: Any) -> int:
        return hash(values(self))

    return __hash__


def _repr_fn(names: list[str]) -> Callable[[Any], str]:
    parts = [(f"{name}=", name) for name in names]
    running: set[tuple[int, int]] = set()  # (object, thread) whose repr is being written

    def __repr__(self: Any) -> str:
        key = (id(self), get_ident())
        if key in running:
            return "..."  # a record that contains itself: dataclasses' recursion guard
        running.add(key)
        try:
            inner = ", ".join(f"{label}{getattr(self, name)!r}" for label, name in parts)
        finally:
            running.discard(key)
        return f"{self.__class__.__qualname__}({inner})"

    return __repr__


def _frozen_setattr(cls: type[Any], names: frozenset[str]) -> Callable[[Any, str, Any], None]:
    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    return __setattr__


def _frozen_delattr(cls: type[Any], names: frozenset[str]) -> Callable[[Any, str], None]:
    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return __delattr__


def _getstate(self: Any) -> list[Any]:
    """Pickling and copying a frozen slotted record (as dataclasses adds)."""
    return [getattr(self, f.name) for f in dataclasses.fields(self)]


def _setstate(self: Any, state: list[Any]) -> None:
    for f, value in zip(dataclasses.fields(self), state, strict=False):
        object.__setattr__(self, f.name, value)
