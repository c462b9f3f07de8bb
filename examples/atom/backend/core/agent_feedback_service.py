"""Enhanced feedback: thumbs up/down, 1-5 star ratings and corrections on agent output."""

from __future__ import annotations

from collections import Counter
from typing import Any

from core.database import Session
from core.models import AgentFeedback, AgentRegistry, User


class AgentFeedbackService:
    def __init__(self, db: Session) -> None:
        self.db = db

    def submit_feedback(self, agent_id: str, user_id: str, original_output: str, *,
                        user_correction: str = "", feedback_type: str = "correction",
                        thumbs_up_down: bool | None = None, rating: int | None = None) -> AgentFeedback:
        if self.db.get(AgentRegistry, agent_id) is None:
            raise ValueError(f"unknown agent: {agent_id}")
        if self.db.get(User, user_id) is None:
            raise ValueError(f"unknown user: {user_id}")
        if rating is not None and not 1 <= rating <= 5:
            raise ValueError(f"rating must be between 1 and 5, got {rating}")
        feedback = AgentFeedback(agent_id=agent_id, user_id=user_id, original_output=original_output,
                                 user_correction=user_correction, feedback_type=feedback_type,
                                 thumbs_up_down=thumbs_up_down, rating=rating)
        self.db.add(feedback)
        self.db.commit()
        return feedback

    def get_feedback_summary(self, agent_id: str) -> dict[str, Any]:
        rows = self.db.query(AgentFeedback).filter(AgentFeedback.agent_id == agent_id).all()
        ratings = [r.rating for r in rows if r.rating is not None]
        return {
            "total": len(rows),
            "thumbs_up": sum(1 for r in rows if r.thumbs_up_down == 1),
            "thumbs_down": sum(1 for r in rows if r.thumbs_up_down == 0),
            "average_rating": round(sum(ratings) / len(ratings), 2) if ratings else None,
            "by_type": dict(Counter(r.feedback_type for r in rows)),
        }
