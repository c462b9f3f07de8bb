"""The cyclic garbage collector paused while a command builds what lives until its report.

Loading plans, parsing sources and checking must-haves create many objects (ast nodes, documents,
results) that all stay alive until the report is made: the collector, triggered by allocation
counts, walks them again and again and frees nothing (5-10% of a lint or verify run). Paused for
the run; reference counting still frees everything acyclic, and the next collection after the
pause takes any cycle left.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
