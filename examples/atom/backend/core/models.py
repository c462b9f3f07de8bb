"""Core models: users, the agent registry, agent executions and feedback."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from enum import Enum

from core.database import Base, Column, Index, relationship


def _uuid() -> str:
    return str(uuid.uuid4())


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


class AgentStatus(str, Enum):
    STUDENT = "student"
    INTERN = "intern"
    SUPERVISED = "supervised"
    AUTONOMOUS = "autonomous"


class User(Base):
    __tablename__ = "users"

    id = Column("TEXT", primary_key=True, default=_uuid)
    email = Column("TEXT", unique=True, nullable=False, index=True)
    first_name = Column("TEXT")
    last_name = Column("TEXT")
    role = Column("TEXT", default="member")

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


class AgentRegistry(Base):
    __tablename__ = "agent_registry"

    id = Column("TEXT", primary_key=True, default=_uuid)
    name = Column("TEXT", nullable=False)
    category = Column("TEXT", default="general")
    module_path = Column("TEXT")
    class_name = Column("TEXT")
    status = Column("TEXT", default=AgentStatus.STUDENT.value)
    confidence_score = Column("REAL", default=0.5)
    user_id = Column("TEXT", foreign_key="users.id")


class AgentExecution(Base):
    __tablename__ = "agent_executions"

    id = Column("TEXT", primary_key=True, default=_uuid)
    agent_id = Column("TEXT", nullable=False, index=True, foreign_key="agent_registry.id")
    status = Column("TEXT", default="running")
    input_summary = Column("TEXT")
    output_summary = Column("TEXT")
    duration_seconds = Column("REAL")
    started_at = Column("TEXT", default=_now)

    agent = relationship("AgentRegistry", foreign_key="agent_id")


class AgentFeedback(Base):
    __tablename__ = "agent_feedback"
    # Declared twice: here and by index=True on agent_id below (the duplicate index).
    __table_args__ = (Index("ix_agent_feedback_agent_id", "agent_id"),)

    id = Column("TEXT", primary_key=True, default=_uuid)
    agent_id = Column("TEXT", nullable=False, index=True, foreign_key="agent_registry.id")
    user_id = Column("TEXT", nullable=False, foreign_key="users.id")
    original_output = Column("TEXT")
    user_correction = Column("TEXT")
    feedback_type = Column("TEXT", default="correction")
    thumbs_up_down = Column("INTEGER")
    rating = Column("INTEGER")
    created_at = Column("TEXT", default=_now)

    agent = relationship("AgentRegistry", foreign_key="agent_id")
    user = relationship("User", foreign_key="user_id")
