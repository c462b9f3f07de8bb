"""Lint rules, split by topic; `planner.commands.lint` runs them and builds a `LintReport`.

Codes GSD300-GSD399; each rule module documents its own in `CODES`.
"""

from __future__ import annotations


def all_codes() -> dict[str, str]:
    """Every lint code with its meaning (for docs and tests)."""
    from planner.lint import commands, frontmatter, graph, musthaves, reports, tasks

    codes: dict[str, str] = {}
    for module in (frontmatter, tasks, musthaves, commands, graph, reports):
        codes.update(module.CODES)
    return codes
