"""Agent health from recent executions: success rate, mean duration and a status."""

from __future__ import annotations

from typing import Any

from core.database import Session
from core.models import AgentExecution, AgentRegistry


def classify_health(success_rate: float, executions: int) -> str:
    if executions == 0:
        return "unknown"
    if success_rate >= 0.9:
        return "healthy"
    if success_rate >= 0.6:
        return "degraded"
    return "critical"


class HealthMonitoringService:
    def __init__(self, db: Session) -> None:
        self.db = db

    def get_agent_health(self, agent_id: str) -> dict[str, Any]:
        runs = self.db.query(AgentExecution).filter(AgentExecution.agent_id == agent_id).all()
        done = [r for r in runs if r.status in ("completed", "failed")]
        ok = sum(1 for r in done if r.status == "completed")
        rate = ok / len(done) if done else 0.0
        durations = [r.duration_seconds for r in done if r.duration_seconds is not None]
        return {"agent_id": agent_id, "executions": len(done), "success_rate": round(rate, 3),
                "avg_duration_seconds": round(sum(durations) / len(durations), 3) if durations else None,
                "status": classify_health(rate, len(done))}

    def get_system_health(self) -> dict[str, Any]:
        statuses = [self.get_agent_health(a.id)["status"] for a in self.db.query(AgentRegistry).all()]
        return {"agents": len(statuses),
                "by_status": {s: statuses.count(s) for s in sorted(set(statuses))}}
