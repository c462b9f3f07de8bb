"""Which gaps go into which plan: gaps that share a file share a plan, at most MAX_TASKS each.

Gaps are linked when they name a common file (a gap without files is linked through the plan that
owns its truth). Each linked group becomes one plan, split into chunks of MAX_TASKS gaps (one task
per gap) when it is larger; the chunks of one group touch the same files, so each depends on the
one before it instead of running beside it in the same wave.
"""

from __future__ import annotations

from planner.gaps.model import OpenGap
from planner.records import record

MAX_TASKS = 3


@record
class Chunk:
    gaps: list[OpenGap]
    group: int  # 0-based group number, in report order
    part: int  # 0-based chunk number within the group


def group_gaps(gaps: list[OpenGap], max_tasks: int = MAX_TASKS) -> list[Chunk]:
    parent = list(range(len(gaps)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[str, str], int] = {}
    for i, gap in enumerate(gaps):
        keys = [("file", f) for f in gap.files] or [("owner", o) for o in gap.owners]
        for key in keys:
            if key in first:
                a, b = find(i), find(first[key])
                parent[max(a, b)] = min(a, b)  # the earliest gap stays the root
            else:
                first[key] = i
    groups: dict[int, list[OpenGap]] = {}
    for i, gap in enumerate(gaps):
        groups.setdefault(find(i), []).append(gap)
    chunks: list[Chunk] = []
    for number, root in enumerate(sorted(groups)):
        members = groups[root]
        for part, start in enumerate(range(0, len(members), max_tasks)):
            chunks.append(Chunk(gaps=members[start : start + max_tasks], group=number, part=part))
    return chunks
