"""compute_waves: topological layers; unknown dependencies and cycles are GsdErrors."""

from __future__ import annotations

import pytest

from planner.errors import GsdError
from planner.waves import compute_waves, find_cycle


def test_layers_keep_input_order() -> None:
    deps = {
        "26-03": ["26-01"],
        "26-01": [],
        "26-02": [],
        "26-04": ["26-03", "26-02"],
        "26-05": ["26-01"],
    }
    assert compute_waves(deps) == [["26-01", "26-02"], ["26-03", "26-05"], ["26-04"]]


def test_empty_and_independent() -> None:
    assert compute_waves({}) == []
    assert compute_waves({"a": [], "b": []}) == [["a", "b"]]


def test_unknown_dependency() -> None:
    with pytest.raises(GsdError) as info:
        compute_waves({"26-01": [], "26-02": ["26-09"]})
    assert info.value.code == "GSD220"
    assert info.value.message == "26-02 depends on 26-09, which is not known"


def test_cycle_is_named() -> None:
    with pytest.raises(GsdError) as info:
        compute_waves({"a": ["c"], "b": ["a"], "c": ["b"], "d": []})
    assert info.value.code == "GSD221"
    assert info.value.message == "dependency cycle: a -> c -> b -> a"


def test_self_dependency_is_a_cycle() -> None:
    with pytest.raises(GsdError, match=r"^dependency cycle: x -> x$"):
        compute_waves({"x": ["x"]})


def test_find_cycle_none_and_long_chain() -> None:
    assert find_cycle({"a": ["b"], "b": []}) == []
    chain = {str(i): [str(i + 1)] for i in range(5000)}
    chain["5000"] = []
    assert find_cycle(chain) == []  # iterative: no recursion limit
    assert len(compute_waves(chain)) == 5001
