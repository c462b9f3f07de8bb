"""What the `gsd` section of config.json may hold: the pydantic model that validates it.

Strict types and bounds; unknown keys are errors. Only the keys the user wrote are set (the
defaults live in `planner.config.GsdConfig`, the value this becomes).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class GsdSection(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    timeout: float = Field(default=300.0, gt=0)  # seconds per verify command
    jobs: int = Field(default=1, ge=1)
    agent: str | None = None
    agent_timeout: float | None = Field(default=None, gt=0)
    path_map: dict[str, str] = Field(default_factory=dict)  # OLD prefix -> NEW prefix


class ConfigFile(BaseModel):
    model_config = ConfigDict(extra="ignore")

    gsd: GsdSection = Field(default_factory=GsdSection)
