"""Does a task state a truth? A deterministic matcher for plan prose.

"States the truth": an item of a task's `done` or `acceptance_criteria` (one line or bullet each)
or one of its verify expectations, compared with the truth by
- normalized containment: the truth inside the item, or the item (3+ significant words) inside the
  truth; or
- word overlap: significant words (lower case, stop words dropped, a light suffix stemmer) shared
  by both cover at least half of the truth's words, and at least min(3, |truth words|) of them,
  for a truth of 2+ significant words.
"""

from __future__ import annotations

import functools

from planner.checks.twins import EnginePattern
from planner.documents.models import Task

OVERLAP_SHARE = 0.5
OVERLAP_MIN = 3
_PUNCT = EnginePattern(r"[^\w\s]+", unicode_sensitive=True)
_SPACE = EnginePattern(r"\s+", unicode_sensitive=True)
_WORD = EnginePattern(r"[a-z0-9_]+", unicode_sensitive=False)
_BULLET = EnginePattern(r"^\s*(?:[-*+•]|\d+[.)]|\[[ xX]\])\s*", unicode_sensitive=True)


def _words(text: str) -> list[str]:
    return text.split()


_STOP = frozenset(
    _words(
        "a an the and or but if then else of to in on at by for from with without into onto over "
        "under is are was were be been being do does did done has have had it its this that these "
        "those there their they them we our you your all any both each every some no not nor none "
        "only own same so than too very can could should would will shall may might must just "
        "also now via per using use uses used after before when while where which who whom what "
        "why how py ts js md"
    )
)


# Pure functions of plan text, asked for every truth against every task item: memoized.
@functools.lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """Case, whitespace, quotes and punctuation folded: the identity of a truth."""
    folded = text.casefold().replace("_", " ")
    return _SPACE.sub(" ", _PUNCT.sub(" ", folded)).strip()


def _stem(word: str) -> str:
    """passed/passes -> pass, errors -> error, tests -> test: enough to compare plan prose."""
    if word.endswith("ss"):
        return word
    for suffix, longer_than in (("ing", 5), ("ed", 4), ("es", 5), ("s", 3)):
        if word.endswith(suffix) and len(word) > longer_than:
            return word[: -len(suffix)]
    return word


@functools.lru_cache(maxsize=4096)
def significant_words(text: str) -> frozenset[str]:
    words = _WORD.findall(text.casefold())
    return frozenset(_stem(w) for w in words if w not in _STOP and (len(w) > 1 or w.isdigit()))


def states_truth(truth: str, item: str) -> bool:
    nt, ni = normalize(truth), normalize(item)
    if not nt or not ni:
        return False
    if f" {nt} " in f" {ni} ":
        return True
    item_words = significant_words(item)
    if len(item_words) >= 3 and f" {ni} " in f" {nt} ":
        return True
    truth_words = significant_words(truth)
    if len(truth_words) < 2:
        return False
    shared = len(truth_words & item_words)
    return shared >= min(OVERLAP_MIN, len(truth_words)) and shared >= OVERLAP_SHARE * len(
        truth_words
    )


def task_items(task: Task) -> list[str]:
    items: list[str] = []
    for block in (task.done, task.acceptance_criteria):
        for line in block.splitlines():
            item = _BULLET.sub("", line).strip()
            if item:
                items.append(item)
    if task.verify is not None:
        for command in task.verify.commands:
            items.extend(e.text for e in command.expectations if e.text.strip())
        items.extend(e.text for e in task.verify.orphan_expectations if e.text.strip())
    return items


def matching_tasks(truth: str, tasks: list[Task]) -> list[tuple[Task, str]]:
    """Tasks whose done criteria / expectations state the truth, with the item that does."""
    out: list[tuple[Task, str]] = []
    for task in tasks:
        for item in task_items(task):
            if states_truth(truth, item):
                out.append((task, item))
                break
    return out
