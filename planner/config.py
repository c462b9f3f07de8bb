"""The `gsd` section of `.planning/config.json`: defaults for timeout, jobs, agent and path_map.

Real config.json files carry many other keys (mode, depth, workflow ...): those are ignored. Inside
the `gsd` section unknown keys are errors, so a typo (`timout`) is not silently a default.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from planner.errors import GsdError

CODES = {
    "GSD210": "config.json cannot be read or is not valid JSON",
    "GSD211": "config.json has an invalid value in its gsd section",
}

CONFIG_NAME = "config.json"


def _default_jobs() -> int:
    return os.cpu_count() or 1


class GsdConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    timeout: float = Field(default=300.0, gt=0)  # seconds per verify command
    jobs: int = Field(default_factory=_default_jobs, ge=1)
    agent: str | None = None  # e.g. "claude -p"
    agent_timeout: float | None = Field(default=None, gt=0)
    path_map: dict[str, str] = Field(default_factory=dict)  # OLD prefix -> NEW prefix


class _ConfigFile(BaseModel):
    model_config = ConfigDict(extra="ignore")

    gsd: GsdConfig = Field(default_factory=GsdConfig)


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
    try:
        return _ConfigFile.model_validate(data).gsd
    except ValidationError as exc:
        raise _config_error(exc, text, shown) from exc


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
