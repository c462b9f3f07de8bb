"""Atom, the meta agent: a ReAct loop over the LLM that records each execution."""

from __future__ import annotations

import time
from typing import Any

from core.agent_governance_service import AgentGovernanceService
from core.database import SessionLocal, configure_mappers
from core.models import AgentExecution
from saas.models import UsageEvent


class LLMService:
    """The example ships without a model; tests replace generate_response."""

    async def generate_response(self, prompt: str) -> str:
        raise RuntimeError("no LLM provider is configured in this example")


def final_answer(response: str) -> str | None:
    for line in response.splitlines():
        if line.startswith("Final Answer:"):
            return line.removeprefix("Final Answer:").strip()
    return None


class AtomMetaAgent:
    AGENT_ID = "atom_main"

    def __init__(self, workspace_id: str = "default", llm: Any = None) -> None:
        self.workspace_id = workspace_id
        self.llm = llm or LLMService()

    async def execute(self, request: str, max_steps: int = 5) -> dict[str, Any]:
        started = time.monotonic()
        transcript, answer, steps = [f"Task: {request}"], None, 0
        while answer is None and steps < max_steps:
            steps += 1
            response = await self.llm.generate_response("\n".join(transcript))
            transcript.append(response)
            answer = final_answer(response)
        result = {"status": "success" if answer is not None else "incomplete",
                  "final_output": answer, "steps": steps}
        await self._record_execution(request, result, time.monotonic() - started)
        return result

    async def _record_execution(self, request: str, result: dict[str, Any], duration: float) -> None:
        db = SessionLocal()
        try:
            configure_mappers()  # UsageEvent.subscription must resolve before any write
            db.add(AgentExecution(agent_id=self.AGENT_ID, status=result["status"],
                                  input_summary=request[:200], output_summary=result["final_output"],
                                  duration_seconds=duration))
            db.add(UsageEvent(event_type="agent_execution", quantity=result["steps"]))
            await AgentGovernanceService(db).record_outcome(self.AGENT_ID, result["status"] == "success")
            db.commit()
        finally:
            db.close()
