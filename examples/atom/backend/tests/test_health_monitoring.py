"""
Tests for agent health monitoring: success rates, durations and health status.

Still carries its own in-memory database (see plan 26-04, task 2): the local db_session
fixture below shadows the standardized one from tests/conftest.py.
"""

import uuid

import pytest

from core.database import Base, create_engine, sessionmaker
from core.health_monitoring_service import HealthMonitoringService, classify_health
from core.models import AgentExecution, AgentRegistry, User

# Local in-memory database (predates the standardized conftest fixture).
SQLALCHEMY_DATABASE_URL = "sqlite:///:memory:"
engine = create_engine(SQLALCHEMY_DATABASE_URL, connect_args={"check_same_thread": False})
TestingSessionLocal = sessionmaker(bind=engine)


@pytest.fixture
def db_session():
    """Fresh tables on the module's in-memory database for each test."""
    Base.metadata.create_all(bind=engine)
    session = TestingSessionLocal()
    try:
        yield session
    finally:
        session.rollback()
        session.close()
        Base.metadata.drop_all(bind=engine)


@pytest.fixture
def test_user(db_session):
    user = User(id=str(uuid.uuid4()), email="health@example.com", first_name="Health", last_name="Check")
    db_session.add(user)
    db_session.commit()
    return user


@pytest.fixture
def test_agent(db_session, test_user):
    agent = AgentRegistry(id="health-agent", name="Health Agent", user_id=test_user.id)
    db_session.add(agent)
    db_session.commit()
    return agent


@pytest.fixture
def health_service(db_session):
    return HealthMonitoringService(db_session)


def add_runs(db_session, agent_id, statuses, duration=2.0):
    for status in statuses:
        db_session.add(AgentExecution(agent_id=agent_id, status=status, duration_seconds=duration))
    db_session.commit()


class TestHealthClassification:
    @pytest.mark.parametrize(("rate", "runs", "expected"), [
        (0.95, 20, "healthy"),
        (0.7, 10, "degraded"),
        (0.2, 5, "critical"),
    ])
    def test_classify_health(self, rate, runs, expected):
        assert classify_health(rate, runs) == expected


class TestAgentHealth:
    def test_no_executions_is_unknown(self, health_service, test_agent):
        health = health_service.get_agent_health(test_agent.id)
        assert (health["executions"], health["status"]) == (0, "unknown")

    def test_success_rate_and_duration(self, db_session, health_service, test_agent):
        add_runs(db_session, test_agent.id, ["completed"] * 9 + ["failed"], duration=1.5)
        health = health_service.get_agent_health(test_agent.id)
        assert health["success_rate"] == 0.9
        assert health["avg_duration_seconds"] == 1.5
        assert health["status"] == "healthy"

    def test_running_executions_are_not_counted(self, db_session, health_service, test_agent):
        add_runs(db_session, test_agent.id, ["running", "completed", "failed", "failed"])
        health = health_service.get_agent_health(test_agent.id)
        assert (health["executions"], health["status"]) == (3, "critical")


class TestSystemHealth:
    def test_counts_agents_by_status(self, db_session, health_service, test_agent):
        add_runs(db_session, test_agent.id, ["completed", "failed"])
        db_session.add(AgentRegistry(id="idle-agent", name="Idle"))
        db_session.commit()
        assert health_service.get_system_health() == {
            "agents": 2, "by_status": {"critical": 1, "unknown": 1}}

    def test_no_agents(self, health_service):
        assert health_service.get_system_health() == {"agents": 0, "by_status": {}}
