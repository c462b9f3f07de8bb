from tests.factories.agent_factory import AgentFactory
from tests.factories.base import BaseFactory
from tests.factories.user_factory import UserFactory

from core.models import AgentFeedback


class AgentFeedbackFactory(BaseFactory):
    model = AgentFeedback

    @classmethod
    def defaults(cls, n, overrides):
        values = {"original_output": f"output {n}", "feedback_type": "correction"}
        if "agent" not in overrides and "agent_id" not in overrides:
            values["agent"] = AgentFactory(_session=overrides.get("_session"))
        if "user" not in overrides and "user_id" not in overrides:
            values["user"] = UserFactory(_session=overrides.get("_session"))
        return values
