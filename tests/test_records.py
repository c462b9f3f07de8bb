"""`record` and `model` make the classes `dataclasses.dataclass` makes, more cheaply.

Each class body is decorated twice, once by `dataclasses.dataclass` and once by ours, under the
same qualified name, and the two are driven the same way: what they return, print, hash and
raise must agree (error messages included).
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import inspect
import math
import pickle
import pkgutil
from collections.abc import Callable
from dataclasses import FrozenInstanceError, InitVar, field
from functools import partial
from typing import Any, ClassVar

import pytest

import planner
from planner.datamodel import DataModel, model
from planner.records import record

Decorator = Callable[[type], Any]
STD = dataclasses.dataclass
OPTIONS: list[dict[str, bool]] = [
    {},
    {"frozen": True},
    {"eq": False},
    {"kw_only": True},
    {"slots": True},
    {"frozen": True, "slots": True, "kw_only": True},
]


def point(deco: Decorator) -> Any:
    """Required, defaulted, factory, compare=False, repr=False and init=False fields."""

    @deco
    class Point:
        x: int
        y: int = 0
        tags: list[str] = field(default_factory=list)
        note: str = field(default="", compare=False)
        secret: str = field(default="s", repr=False)
        seen: dict[str, int] = field(default_factory=dict, init=False, repr=False)
        level: int = field(default=5, init=False)
        kind: ClassVar[str] = "point"

    return Point


def pair(options: dict[str, bool]) -> tuple[Any, Any]:
    return point(STD(**options)), point(record(**options))


def outcome(call: Callable[[], Any]) -> tuple[str, str]:
    """What a call gives: its repr, or the exception's type and message."""
    try:
        return ("ok", repr(call()))
    except Exception as exc:
        return (type(exc).__name__, str(exc))


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_construction_matches_dataclasses_for_every_call_shape(options: dict[str, bool]) -> None:
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
        ((1,), {}),
        ((1, 2), {}),
        ((1, 2, ["a"], "n", "t"), {}),
        ((), {"x": 1, "tags": ["b"], "secret": "z"}),
        ((), {}),  # missing required
        ((), {"y": 2}),
        ((1,), {"nope": 2}),  # unknown keyword
        ((1, 2, [], "", "", 9), {}),  # too many positional
        ((1,), {"x": 1}),  # given twice
        ((1,), {"seen": {}}),  # init=False field is no parameter
    ]
    std, ours = pair(options)
    for args, kwargs in calls:
        expected = outcome(partial(std, *args, **kwargs))
        assert outcome(partial(ours, *args, **kwargs)) == expected, (args, kwargs)
    assert outcome(lambda: ours()) == (
        "TypeError",
        "point.<locals>.Point.__init__() missing 1 required "
        + ("keyword-only" if options.get("kw_only") else "positional")
        + " argument: 'x'",
    )


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_fields_defaults_and_introspection_match(options: dict[str, bool]) -> None:
    std, ours = pair(options)
    a, b = ours(x=1), ours(x=1)
    assert a.tags == [] and a.tags is not b.tags  # a factory runs per instance
    assert a.seen == {} and a.seen is not b.seen  # init=False with a factory
    assert (a.level, a.secret, a.kind) == (5, "s", "point")
    assert [f.name for f in dataclasses.fields(ours)] == [f.name for f in dataclasses.fields(std)]
    assert ours.__match_args__ == std.__match_args__
    assert dataclasses.asdict(a) == dataclasses.asdict(std(x=1))
    assert dataclasses.astuple(a) == dataclasses.astuple(std(x=1))
    assert all(map(dataclasses.is_dataclass, (ours, a)))
    assert hasattr(ours, "__slots__") == hasattr(std, "__slots__")
    assert hasattr(a, "__dict__") == hasattr(std(x=1), "__dict__")
    moved = dataclasses.replace(a, y=7)
    assert (moved.x, moved.y, moved.tags, a.y) == (1, 7, [], 0)
    assert outcome(lambda: dataclasses.replace(a, level=1)) == outcome(
        lambda: dataclasses.replace(std(x=1), level=1)
    )
    if not options.get("kw_only"):
        match ours(3, 4):
            case ours(x, y):
                assert (x, y) == (3, 4)


@pytest.mark.parametrize("options", OPTIONS, ids=str)
def test_eq_repr_and_hash_match(options: dict[str, bool]) -> None:
    std, ours = pair(options)
    values: list[dict[str, Any]] = [
        {"x": 1},
        {"x": 1, "note": "other"},  # compare=False: still equal
        {"x": 1, "y": 2},
        {"x": 1, "secret": "hidden"},  # repr=False: not printed
        {"x": 1, "tags": ["a", "b"]},
    ]
    made_std = [std(**v) for v in values]
    made_ours = [ours(**v) for v in values]
    for s, o in zip(made_std, made_ours, strict=True):
        assert repr(o) == repr(s)
        for s2, o2 in zip(made_std, made_ours, strict=True):
            assert (o == o2) == (s == s2)
            assert (o != o2) == (s != s2)
        assert (o == s) is False  # another class, even with the same name and fields
        assert o.__eq__(1) is NotImplemented
        hashes = outcome(partial(hash, o)), outcome(partial(hash, s))  # a list: unhashable
        if options.get("eq") is False:  # by identity: both hash, to different numbers
            assert hashes[0][0] == hashes[1][0] == "ok"
        else:
            assert hashes[0] == hashes[1]
        if options.get("eq") is False:
            assert hash(o) == object.__hash__(o)  # identity


def keyed(deco: Decorator) -> Any:
    @deco
    class Key:
        path: str
        line: int = 0
        note: str = field(default="", compare=False)
        weight: float = field(default=1.0, hash=False)

    return Key


@pytest.mark.parametrize(
    "options", [{"frozen": True}, {"eq": False}, {"eq": False, "frozen": True}], ids=str
)
def test_hash_of_frozen_records_is_the_hash_of_their_hashed_fields(
    options: dict[str, bool],
) -> None:
    std, ours = keyed(STD(**options)), keyed(record(**options))
    calls: list[dict[str, Any]] = [
        {"path": "a"},
        {"path": "a", "line": 3, "note": "n", "weight": 2.0},
    ]
    for kwargs in calls:
        if options.get("eq") is False:  # identity, as object's
            item = ours(**kwargs)
            assert hash(item) == object.__hash__(item) and ours.__hash__ is object.__hash__
        else:
            assert (
                hash(ours(**kwargs))
                == hash(std(**kwargs))
                == hash((kwargs["path"], kwargs.get("line", 0)))
            )
    assert len({ours("a"), ours("a"), ours("b")}) == (2 if options.get("eq") is None else 3)


def test_unhashable_when_mutable_and_compared_by_value() -> None:
    std, ours = pair({})
    assert ours.__hash__ is None and std.__hash__ is None
    assert outcome(lambda: hash(ours(x=1))) == ("TypeError", "unhashable type: 'Point'")


@pytest.mark.parametrize("options", [{"frozen": True}, {"frozen": True, "slots": True}], ids=str)
def test_frozen_records_refuse_changes_as_dataclasses_do(options: dict[str, bool]) -> None:
    std, ours = pair(options)
    s, o = std(x=1), ours(x=1)
    for change in (lambda p: setattr(p, "x", 2), lambda p: delattr(p, "y")):
        assert outcome(partial(change, o)) == outcome(partial(change, s))
    stray = outcome(lambda: setattr(o, "stray", 2))
    assert stray == ("FrozenInstanceError", "cannot assign to field 'stray'")
    # Python 3.11's frozen slotted dataclass refuses too, by accident: its `__setattr__` names the
    # class from before `slots` rebuilt it, so `super()` raises TypeError.
    assert outcome(lambda: setattr(s, "stray", 2)) == (
        stray
        if not options.get("slots")
        else ("TypeError", "super(type, obj): obj must be an instance or subtype of type")
    )
    assert outcome(lambda: setattr(o, "x", 2)) == (
        "FrozenInstanceError",
        "cannot assign to field 'x'",
    )
    assert o.x == 1
    assert copy.copy(o) == o and copy.deepcopy(o) == o


@record(frozen=True, slots=True)
class Frozen:  # at module level: pickle finds classes by name
    a: int
    b: list[int] = field(default_factory=list)


def test_frozen_slotted_records_pickle_and_copy() -> None:
    item = Frozen(3, [1])
    assert pickle.loads(pickle.dumps(item)) == item
    assert copy.copy(item) == item and copy.deepcopy(item).b == [1]
    assert copy.deepcopy(item).b is not item.b


def test_a_plain_subclass_of_a_frozen_record_may_add_attributes() -> None:
    for deco in (STD(frozen=True), record(frozen=True)):
        base = point(deco)
        sub = type("Sub", (base,), {})
        item = sub(x=1)
        item.extra = 1  # not a field, and not the record's own class
        assert item.extra == 1
        with pytest.raises(FrozenInstanceError):
            item.x = 3


def post_init_class(deco: Decorator) -> Any:
    @deco
    class Scaled:
        value: int
        factor: InitVar[int] = 2  # type: ignore[assignment]  # mypy: `deco` is no dataclass
        scaled: int = field(init=False)
        log: list[str] = field(default_factory=list, init=False)

        def __post_init__(self, factor: int) -> None:
            self.scaled = self.value * factor
            self.log.append(f"made {self.value}")

    return Scaled


def test_post_init_runs_with_initvars_after_every_field_is_set() -> None:
    std, ours = post_init_class(STD), post_init_class(record)
    for args in [(3,), (3, 5)]:
        assert repr(ours(*args)) == repr(std(*args))
    made = ours(4, factor=3)
    assert (made.scaled, made.log) == (12, ["made 4"])
    assert outcome(lambda: ours(factor=3)) == outcome(lambda: std(factor=3))
    assert not hasattr(made, "factor") or made.factor == 2  # an InitVar is no attribute


def test_a_field_without_default_after_one_with_fails_at_class_creation() -> None:
    def broken(deco: Decorator) -> Callable[[], Any]:
        def make() -> type:
            @deco
            class Broken:
                a: int = 0
                b: int

            return Broken

        return make

    assert outcome(broken(record)) == outcome(broken(STD))
    assert outcome(broken(record))[1] == "non-default argument 'b' follows default argument"
    assert outcome(broken(record(kw_only=True)))[0] == "ok"  # keyword-only: any order


def test_frozen_and_mutable_records_do_not_inherit_from_each_other() -> None:
    def child(base_frozen: bool, frozen: bool, deco: Callable[..., Any]) -> Callable[[], Any]:
        base = deco(frozen=base_frozen)(type("Base", (), {"__annotations__": {"a": "int"}}))
        return lambda: deco(frozen=frozen)(
            type("Child", (base,), {"__annotations__": {"b": "int"}})
        )

    for base_frozen, frozen in [(True, False), (False, True), (True, True), (False, False)]:
        ours = outcome(child(base_frozen, frozen, record))
        assert ours[0] == outcome(child(base_frozen, frozen, STD))[0]
        if base_frozen != frozen:
            assert ours == outcome(child(base_frozen, frozen, STD))


def test_methods_the_class_writes_itself_are_kept() -> None:
    def custom(deco: Decorator) -> Any:
        @deco
        class Custom:
            a: int

            def __repr__(self) -> str:
                return f"<{self.a}>"

            def __eq__(self, other: object) -> bool:
                return True

            def __hash__(self) -> int:
                return 7

        return Custom

    std, ours = custom(STD(frozen=True)), custom(record(frozen=True))
    assert (repr(ours(1)), ours(1) == ours(2), hash(ours(1))) == ("<1>", True, 7)
    assert (repr(std(1)), std(1) == std(2), hash(std(1))) == ("<1>", True, 7)


def test_recursive_repr_and_a_field_named_self() -> None:
    def holder(deco: Decorator) -> Any:
        @deco
        class Holder:
            self: int
            items: list[Any] = field(default_factory=list)

        return Holder

    std, ours = holder(STD), holder(record)
    s, o = std(1), ours(self=1)
    s.items.append(s)
    o.items.append(o)
    assert repr(o) == repr(s)
    assert repr(o).endswith("<locals>.Holder(self=1, items=[...])")


def test_nan_fields_compare_as_dataclasses_compare_them() -> None:
    std, ours = pair({"frozen": True})
    nan = math.nan
    assert ours(x=nan) == ours(x=nan)  # the same object: tuples compare by identity first
    assert std(x=nan) == std(x=nan)
    assert ours(x=float("nan")) != ours(x=float("nan"))
    assert std(x=float("nan")) != std(x=float("nan"))


def test_init_is_compiled_on_first_instantiation_and_then_is_straight_line() -> None:
    ours = point(record)
    stub = ours.__dict__["__init__"]
    assert list(inspect.signature(stub).parameters) == ["self", "args", "kwargs"]
    ours(x=1)
    compiled = ours.__dict__["__init__"]
    assert compiled is not stub and compiled.__qualname__ == stub.__qualname__
    assert [
        (p.name, p.kind, p.default) for p in inspect.signature(compiled).parameters.values()
    ] == [
        (p.name, p.kind, p.default)
        for p in inspect.signature(point(STD).__init__).parameters.values()
    ]
    sub = type("Sub", (point(record),), {})  # a plain subclass built before its base
    assert sub(x=2).x == 2


def models(deco: Decorator) -> tuple[Any, Any]:
    class Base(DataModel):
        name: str
        ratio: float = 0.0
        items: list[int] = field(default_factory=list)

    made = deco(Base)

    class Child(made):  # type: ignore[valid-type, misc]
        extra: int | None = None

    return made, deco(Child)


def test_models_build_like_their_dataclass_and_coerce_floats() -> None:
    def std(cls: type) -> type:
        return STD(slots=True, kw_only=True, eq=False, repr=False)(cls)

    (std_base, std_child), (base, child) = models(std), models(model)
    for call in (
        lambda cls: cls(name="a"),
        lambda cls: cls(),
        lambda cls: cls("a"),
        lambda cls: cls(name="a", nope=1),
        lambda cls: cls(name="a", extra=2),
    ):
        assert outcome(partial(call, base)) == outcome(partial(call, std_base))
        assert outcome(partial(call, child)) == outcome(partial(call, std_child))
    made = child(name="a", ratio=1, extra=3)
    assert made.ratio == 1.0 and type(made.ratio) is float  # the float coercion
    assert child(name="a").items is not child(name="a").items
    assert made.model_copy(update={"extra": 4}).extra == 4
    assert dataclasses.replace(made, name="b") == child(name="b", ratio=1.0, extra=3)
    assert child.__match_args__ == () and not hasattr(made, "__dict__")


def test_pydantic_validates_and_serialises_a_model_never_instantiated_before() -> None:
    from pydantic import TypeAdapter

    _, child = models(model)
    adapter = TypeAdapter(child)
    made = adapter.validate_python({"name": "a", "ratio": 2, "items": [1], "extra": None})
    assert made == child(name="a", ratio=2.0, items=[1])
    assert adapter.dump_python(made, mode="json") == made.model_dump(mode="json")
    assert child.model_validate({"name": "z"}).name == "z"


def planner_dataclasses() -> list[type]:
    found: dict[str, type] = {}
    for info in pkgutil.walk_packages(planner.__path__, "planner."):
        if info.name == "planner.__main__":
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and value.__module__ == info.name
                and "__dataclass_fields__" in value.__dict__
            ):
                found[f"{info.name}.{value.__qualname__}"] = value
    return list(found.values())


def test_every_planner_dataclass_gets_the_init_dataclasses_would_write() -> None:
    """Each class is rebuilt with `dataclasses.make_dataclass` from its own fields: both
    `__init__` signatures must have the same parameters, kinds and defaults."""
    classes = planner_dataclasses()
    assert len(classes) > 80
    for cls in classes:
        ours = inspect.signature(vars(cls)["__init__"])
        if ours.parameters.keys() == {"self", "args", "kwargs"}:  # not compiled yet
            with pytest.raises(TypeError):  # compile it (and fail: too many arguments)
                cls(*[object()] * 99)
            ours = inspect.signature(vars(cls)["__init__"])
        std = dataclasses.make_dataclass(
            cls.__name__, [(f.name, f.type, f) for f in map(copy.copy, dataclasses.fields(cls))]
        )
        assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == [
            (p.name, p.kind, p.default)
            for p in inspect.signature(vars(std)["__init__"]).parameters.values()
        ], cls
