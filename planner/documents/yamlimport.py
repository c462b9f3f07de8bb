"""Import PyYAML without compiling the one pattern of it gsd never runs.

Importing this module imports `yaml`; the modules that import yaml first on a command's path
(frontmatter, yamlload) import this module before it.

`import yaml` compiles `yaml.reader.Reader.NON_PRINTABLE`, a character class spanning all of
Unicode: about 9 ms, a third of the import, on every command that reads a plan. Only the
pure-Python Reader uses it; gsd parses with libyaml (CSafeLoader), which never does. So while
yaml is imported, `re`'s own compile cache holds a stand-in under that pattern's key: PyYAML's
`re.compile` call returns it, and the stand-in compiles the real pattern on its first use, so
a pure-Python load (or anyone else's) behaves exactly as before, only later.

`re._cache` is a private detail of CPython's `re` (a dict keyed by (type, pattern, flags) in
3.11 to 3.13). Where it is not that, yaml is imported the ordinary way: slower, never wrong.
"""

from __future__ import annotations

import re
import sys
from typing import Any

# yaml/reader.py, Reader.NON_PRINTABLE (PyYAML 5.1 to 6.0.x).
NON_PRINTABLE = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
_KEY = (str, NON_PRINTABLE, 0)


class _DeferredPattern:
    """Stands in for re.compile(NON_PRINTABLE) until an attribute of it is asked for."""

    __slots__ = ("_pattern",)

    def __init__(self) -> None:
        self._pattern: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._pattern is None:
            _forget(self)
            self._pattern = re.compile(NON_PRINTABLE)
        return getattr(self._pattern, name)


def _forget(stand_in: _DeferredPattern) -> None:
    cache = getattr(re, "_cache", None)
    if isinstance(cache, dict) and cache.get(_KEY) is stand_in:
        del cache[_KEY]


def import_yaml() -> Any:
    """The `yaml` module, imported on first call with NON_PRINTABLE's compile deferred."""
    loaded = sys.modules.get("yaml")
    if loaded is not None:
        return loaded
    cache = getattr(re, "_cache", None)
    if not isinstance(cache, dict) or _KEY in cache:
        import yaml

        return yaml
    stand_in = _DeferredPattern()
    cache[_KEY] = stand_in
    try:
        import yaml
    finally:
        _forget(stand_in)  # later compiles of the pattern are real ones
    return yaml


import_yaml()
