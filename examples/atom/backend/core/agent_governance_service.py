"""Maturity-based governance: which actions an agent may take, and how outcomes move it."""

from __future__ import annotations

from typing import Any

from core.database import Session
from core.models import AgentRegistry, AgentStatus

# Complexity 1 (read-only) .. 4 (destructive); unknown actions count as 2.
ACTION_COMPLEXITY = {"search": 1, "present_chart": 1, "stream_chat": 2, "submit_form": 3,
                     "send_email": 3, "delete": 4, "deploy": 4}
MATURITY_LEVEL = {AgentStatus.STUDENT: 1, AgentStatus.INTERN: 2,
                  AgentStatus.SUPERVISED: 3, AgentStatus.AUTONOMOUS: 4}


def status_for_confidence(score: float) -> AgentStatus:
    if score >= 0.9:
        return AgentStatus.AUTONOMOUS
    if score >= 0.7:
        return AgentStatus.SUPERVISED
    if score >= 0.5:
        return AgentStatus.INTERN
    return AgentStatus.STUDENT


class AgentGovernanceService:
    def __init__(self, db: Session) -> None:
        self.db = db

    def can_perform_action(self, agent_id: str, action_type: str) -> dict[str, Any]:
        agent = self.db.get(AgentRegistry, agent_id)
        required = ACTION_COMPLEXITY.get(action_type, 2)
        if agent is None:
            return {"allowed": False, "reason": f"Agent {agent_id} not found",
                    "action_complexity": required}
        level = MATURITY_LEVEL[AgentStatus(agent.status)]
        allowed = level >= required
        reason = (f"{agent.status} agent may perform {action_type}" if allowed else
                  f"{agent.status} agent lacks maturity for {action_type} (complexity {required})")
        return {"allowed": allowed, "reason": reason, "agent_status": agent.status,
                "action_complexity": required}

    async def record_outcome(self, agent_id: str, success: bool) -> None:
        agent = self.db.get(AgentRegistry, agent_id)
        if agent is None:
            return
        delta = 0.05 if success else -0.1
        agent.confidence_score = round(min(1.0, max(0.0, agent.confidence_score + delta)), 4)
        agent.status = status_for_confidence(agent.confidence_score).value
        self.db.commit()
