"""
Unit Tests for SQLAlchemy ORM Models

Tests ORM relationships, field validation, lifecycle hooks, and constraints.
Objects are created through the factories in tests/factories (pass _session=db to keep
them in the test's session).
Target: 50% coverage on models.py
"""

import sqlite3

import pytest

from core.database import Base
from core.models import AgentExecution, AgentFeedback, AgentRegistry, AgentStatus, User
from tests.factories import AgentExecutionFactory, AgentFactory, AgentFeedbackFactory, UserFactory


class TestAgentRegistryModel:
    def test_agent_creation_defaults(self, db):
        agent = AgentFactory(_session=db, name="Defaults")
        assert agent.status == AgentStatus.STUDENT.value
        assert agent.confidence_score == 0.5
        assert db.get(AgentRegistry, agent.id) is agent

    def test_agent_status_update(self, db):
        agent = AgentFactory(_session=db)
        agent.status = AgentStatus.INTERN.value
        db.flush()
        row = db.bind.connection.execute(
            "SELECT status FROM agent_registry WHERE id = ?", (agent.id,)).fetchone()
        assert row == ("intern",)

    def test_agent_unique_id_constraint(self, db):
        agent1 = AgentFactory(_session=db)
        agent2 = AgentRegistry(id=agent1.id, name="Duplicate", category="test")
        db.add(agent2)
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE constraint failed: agent_registry.id"):
            db.flush()

    def test_register_atom_main(self, db):
        agent = AgentFactory(id="atom_main", name="Atom", category="Meta")
        assert (agent.id, agent.category) == ("atom_main", "Meta")

    def test_atom_main_starts_as_student(self, db):
        agent = AgentFactory(_session=db, id="atom_main", name="Atom", category="Meta")
        assert agent.status == AgentStatus.STUDENT.value


class TestAgentExecutionModel:
    def test_agent_execution_relationship(self, db):
        agent = AgentFactory()
        execution = AgentExecutionFactory(agent=agent, _session=db)
        assert execution.agent_id == agent.id
        assert execution.agent.name == agent.name

    def test_execution_defaults(self, db):
        execution = AgentExecutionFactory(_session=db)
        assert execution.id
        assert execution.started_at is not None

    def test_executions_per_agent(self, db):
        agent = AgentFactory(_session=db)
        for _ in range(3):
            AgentExecutionFactory(agent=agent, _session=db)
        assert db.query(AgentExecution).filter(AgentExecution.agent_id == agent.id).count() == 3


class TestUserModel:
    def test_user_creation(self, db):
        user = UserFactory(email="test@example.com")
        assert user.email == "test@example.com"
        assert user.role == "member"

    def test_user_full_name(self, db):
        user = UserFactory(_session=db, email="test@example.com", first_name="Ada", last_name="Lovelace")
        assert user.full_name == "Ada Lovelace"

    def test_user_email_unique(self, db):
        UserFactory(_session=db, email="dup@example.com")
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE constraint failed: users.email"):
            UserFactory(_session=db, email="dup@example.com")

    def test_username_is_rejected(self, db):
        with pytest.raises(TypeError, match="'username' is an invalid keyword argument for User"):
            UserFactory(_session=db, username="legacy")


class TestAgentFeedbackModel:
    def test_agent_feedback_relationship(self, db):
        feedback = AgentFeedbackFactory(_session=db)
        assert feedback.agent.id == feedback.agent_id
        assert feedback.user.email.endswith("@example.com")

    def test_feedback_count_per_agent(self, db):
        agent = AgentFactory(_session=db, id="feedback-agent")
        for _ in range(3):
            AgentFeedbackFactory(agent=agent)
        assert db.query(AgentFeedback).filter_by(agent_id="feedback-agent").count() == 3

    def test_feedback_thumbs_down(self, db):
        agent = AgentFactory(_session=db, id="feedback-agent")
        feedback = AgentFeedbackFactory(_session=db, agent=agent, thumbs_up_down=False)
        assert feedback.thumbs_up_down is False


class TestLifecycleHooks:
    def test_feedback_created_at_set_on_flush(self, db):
        feedback = AgentFeedbackFactory(_session=db)
        assert feedback.created_at is not None


class TestIndexConstraints:
    def test_email_index_exists(self, db):
        row = db.bind.connection.execute(
            "SELECT tbl_name FROM sqlite_master WHERE type = 'index' AND name = 'ix_users_email'").fetchone()
        assert row == ("users",)

    def test_indexes_declared_once(self, db):
        names = [name for model in Base.registry.values() for name, _ in model.__indexes__()]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        assert duplicates == []


class TestCascadeBehaviors:
    def test_agent_with_executions_cannot_be_deleted(self, db):
        agent = AgentFactory(_session=db)
        AgentExecutionFactory(agent=agent, _session=db)
        db.delete(agent)
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY constraint failed"):
            db.flush()


class TestDatabaseIsolation:
    def test_each_test_starts_with_empty_tables(self, db):
        counts = {model.__tablename__: db.query(model).count()
                  for model in (User, AgentRegistry, AgentExecution, AgentFeedback)}
        assert counts == {"users": 0, "agent_registry": 0, "agent_executions": 0, "agent_feedback": 0}
