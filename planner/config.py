"""The `gsd` section of `.planning/config.json`: defaults for timeout, jobs, agent and path_map.

Real config.json files carry many other keys (mode, depth, workflow ...): those are ignored. Inside
the `gsd` section unknown keys are errors, so a typo (`timout`) is not silently a default.

`GsdConfig` is the value (a frozen dataclass holding the defaults); `planner.config_schema` holds
the pydantic model that validates what the user wrote, imported only when there is a `gsd` section
(most projects have none, and lint, status and show should not pay pydantic's import for it).
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planner.errors import GsdError
from planner.records import record

if TYPE_CHECKING:
    from pydantic import ValidationError

CODES = {
    "GSD210": "config.json cannot be read or is not valid JSON",
    "GSD211": "config.json has an invalid value in its gsd section",
}

CONFIG_NAME = "config.json"


def _default_jobs() -> int:
    return os.cpu_count() or 1


@record(frozen=True, slots=True, kw_only=True)
class GsdConfig:
    timeout: float = 300.0  # seconds per verify command
    jobs: int = field(default_factory=_default_jobs)
    agent: str | None = None  # e.g. "claude -p"
    agent_timeout: float | None = None
    path_map: dict[str, str] = field(default_factory=dict)  # OLD prefix -> NEW prefix


def load_config(planning_dir: Path) -> GsdConfig:
    """Read `planning_dir/config.json`; a missing file means defaults."""
    path = Path(planning_dir) / CONFIG_NAME
    shown = _shown(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return GsdConfig()
    except (OSError, UnicodeDecodeError) as exc:
        raise GsdError(f"cannot read {CONFIG_NAME}: {exc}", code="GSD210", file=shown) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GsdError(
            f"invalid JSON: {exc.msg}",
            code="GSD210",
            file=shown,
            line=exc.lineno,
            col=exc.colno,
            hint="config.json must be one JSON object",
        ) from exc
    if not isinstance(data, dict):
        raise GsdError(
            f"{CONFIG_NAME} must hold a JSON object, not {type(data).__name__}",
            code="GSD210",
            file=shown,
        )
    if "gsd" not in data:
        return GsdConfig()
    plain = _plain_section(data["gsd"])
    if plain is not None:
        return GsdConfig(**plain)
    from pydantic import ValidationError

    from planner.config_schema import ConfigFile

    try:
        section = ConfigFile.model_validate(data).gsd
    except ValidationError as exc:
        raise _config_error(exc, text, shown) from exc
    return GsdConfig(**section.model_dump(exclude_unset=True))


def _number(value: Any) -> float | None:
    """A finite number above 0 as strict validation takes it (as a float), else None."""
    if type(value) not in (int, float) or not 0 < value < math.inf:
        return None
    return float(value)


def _plain_section(section: Any) -> dict[str, Any] | None:
    """The section's values when each is exactly what `GsdSection` accepts (a known key, its JSON
    type, in bounds), as pydantic would hand them over; None sends the section to pydantic, whose
    messages name every problem. The common case then costs no pydantic import (~0.15 s)."""
    if type(section) is not dict:
        return None
    out: dict[str, Any] = {}
    for key, value in section.items():
        if key == "agent_timeout" and value is None:
            out[key] = None
        elif key in ("timeout", "agent_timeout"):
            number = _number(value)
            if number is None:
                return None
            out[key] = number
        elif key == "jobs":
            if type(value) is not int or value < 1:
                return None
            out[key] = value
        elif key == "agent":
            if value is not None and type(value) is not str:
                return None
            out[key] = value
        elif key == "path_map":
            if type(value) is not dict or any(type(v) is not str for v in value.values()):
                return None
            out[key] = dict(value)
        else:
            return None
    return out


def _config_error(exc: ValidationError, text: str, shown: str) -> GsdError:
    lines = []
    first_line: int | None = None
    for err in exc.errors():
        loc = ".".join(str(part) for part in err["loc"])
        lines.append(f"{loc}: {err['msg']}")
        if first_line is None:
            first_line = _key_line(text, err["loc"])
    return GsdError(
        "\n  ".join(lines),
        code="GSD211",
        file=shown,
        line=first_line,
        hint='see the "gsd" section: timeout, jobs, agent, agent_timeout, path_map',
    )


def _key_line(text: str, loc: tuple[Any, ...]) -> int | None:
    """Line of the last string key of `loc` in the JSON text (best effort, for the message)."""
    keys = [k for k in loc if isinstance(k, str)]
    if not keys:
        return None
    m = re.search(r'"' + re.escape(keys[-1]) + r'"\s*:', text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
