from tests.factories.base import BaseFactory

from core.models import AgentExecution, AgentRegistry


class AgentFactory(BaseFactory):
    model = AgentRegistry

    @classmethod
    def defaults(cls, n, overrides):
        return {"id": f"agent-{n}", "name": f"Agent {n}", "category": "test",
                "module_path": "core.test_agent", "class_name": "TestAgent"}


class AgentExecutionFactory(BaseFactory):
    model = AgentExecution

    @classmethod
    def defaults(cls, n, overrides):
        values = {"status": "completed", "input_summary": f"task {n}", "duration_seconds": 1.5}
        if "agent" not in overrides and "agent_id" not in overrides:
            values["agent"] = AgentFactory(_session=overrides.get("_session"))
        return values
