from tests.factories.agent_factory import AgentExecutionFactory, AgentFactory
from tests.factories.base import BaseFactory, get_session
from tests.factories.feedback_factory import AgentFeedbackFactory
from tests.factories.user_factory import UserFactory

__all__ = ["AgentExecutionFactory", "AgentFactory", "AgentFeedbackFactory", "BaseFactory",
           "UserFactory", "get_session"]
