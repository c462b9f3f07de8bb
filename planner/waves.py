"""Topological layers ("waves") of plans from their dependencies.

Stdlib only at import time (like the workspace); errors import `planner.errors` when raised.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NoReturn

CODES = {
    "GSD220": "a dependency names a plan that is not in the set",
    "GSD221": "dependency cycle",
}


def compute_waves(deps: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Layers in dependency order: wave 1 has no dependencies, wave N depends only on earlier waves.

    Within a wave, items keep the order of `deps`. Unknown dependencies and cycles raise GsdError.
    """
    order = {name: i for i, name in enumerate(deps)}
    for name, needs in deps.items():
        for dep in needs:
            if dep not in order:
                _fail(
                    "GSD220",
                    f"{name} depends on {dep}, which is not known",
                    hint="known: " + ", ".join(order) if order else None,
                )
    # Kahn's algorithm, layer by layer: O(nodes + edges).
    pending = {name: len(set(needs)) for name, needs in deps.items()}
    users: dict[str, list[str]] = {name: [] for name in deps}
    for name, needs in deps.items():
        for dep in set(needs):
            users[dep].append(name)
    ready = [name for name, count in pending.items() if count == 0]
    waves: list[list[str]] = []
    placed = 0
    while ready:
        ready.sort(key=order.__getitem__)
        waves.append(ready)
        placed += len(ready)
        nxt = []
        for name in ready:
            for user in users[name]:
                pending[user] -= 1
                if pending[user] == 0:
                    nxt.append(user)
        ready = nxt
    if placed < len(deps):
        stuck = {n: [d for d in deps[n] if pending[d] > 0] for n in deps if pending[n] > 0}
        cycle = find_cycle(stuck)
        _fail(
            "GSD221",
            "dependency cycle: " + " -> ".join(cycle),
            hint="remove one of these depends_on entries",
        )
    return waves


def find_cycle(graph: Mapping[str, Sequence[str]]) -> list[str]:
    """One cycle in `graph` as [a, b, ..., a]; [] when there is none. Iterative DFS."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    for start in graph:
        if state.get(start):
            continue
        path: list[str] = []
        stack: list[tuple[str, int]] = [(start, 0)]
        while stack:
            node, i = stack.pop()
            if i == 0:
                state[node] = 1
                path.append(node)
            nexts = [d for d in graph.get(node, ()) if d in graph]
            if i < len(nexts):
                stack.append((node, i + 1))
                nxt = nexts[i]
                if state.get(nxt) == 1:
                    return [*path[path.index(nxt) :], nxt]
                if not state.get(nxt):
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()
    return []


def _fail(code: str, message: str, *, hint: str | None = None) -> NoReturn:
    from planner.errors import GsdError

    raise GsdError(message, code=code, hint=hint)
