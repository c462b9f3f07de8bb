"""SaaS billing models: subscriptions and the usage events recorded against them."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from core.database import Base, Column, relationship


class Subscription(Base):
    __tablename__ = "saas_subscriptions"

    id = Column("TEXT", primary_key=True, default=lambda: str(uuid.uuid4()))
    workspace_id = Column("TEXT", default="default")
    plan = Column("TEXT", default="free")
    status = Column("TEXT", default="active")


class UsageEvent(Base):
    __tablename__ = "saas_usage_events"

    id = Column("TEXT", primary_key=True, default=lambda: str(uuid.uuid4()))
    subscription_id = Column("TEXT", foreign_key="saas_subscriptions.id")
    event_type = Column("TEXT", nullable=False)
    quantity = Column("INTEGER", default=1)
    created_at = Column("TEXT", default=lambda: datetime.now(timezone.utc).isoformat())

    # Was relationship("ecommerce.models.Subscription") before plan 26-03.
    subscription = relationship("Subscription", foreign_key="subscription_id")
