"""
Atom governance and learning progression.

Both tests use the public API only: AgentGovernanceService.can_perform_action() for gating,
AtomMetaAgent.execute() for a run (the private _step_act no longer exists).
"""

import asyncio
from unittest.mock import AsyncMock, patch

from core.agent_governance_service import AgentGovernanceService
from core.atom_meta_agent import AtomMetaAgent
from core.models import AgentRegistry, AgentStatus


def test_atom_governance_gating(db_session):
    """A STUDENT Atom may present a chart but not delete anything."""
    db_session.add(AgentRegistry(id="atom_main", name="Atom", status=AgentStatus.STUDENT.value,
                                 category="Meta", module_path="core.atom_meta_agent",
                                 class_name="AtomMetaAgent", confidence_score=0.49))
    db_session.commit()
    gov = AgentGovernanceService(db_session)

    assert gov.can_perform_action("atom_main", "present_chart")["allowed"] is True
    blocked = gov.can_perform_action("atom_main", "delete")
    assert blocked["allowed"] is False
    assert blocked["reason"] == "student agent lacks maturity for delete (complexity 4)"


def test_atom_learning_progression():
    """AtomMetaAgent.execute() completes through the public API without touching the database."""
    atom = AtomMetaAgent()
    atom.llm.generate_response = AsyncMock(return_value="Thought: I should finish.\nFinal Answer: Done.")
    with (
        patch("core.agent_governance_service.AgentGovernanceService.record_outcome", new_callable=AsyncMock) as record_outcome,
        patch.object(atom, "_record_execution", new_callable=AsyncMock) as record_execution,
    ):
        result = asyncio.run(atom.execute("Test task"))

    assert result == {"status": "success", "final_output": "Done.", "steps": 1}
    atom.llm.generate_response.assert_called_once()
    record_execution.assert_awaited_once()
    assert record_execution.await_args.args[:2] == ("Test task", result)
    # _record_execution is replaced, so the governance write behind it never runs.
    record_outcome.assert_not_awaited()
