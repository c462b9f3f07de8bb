"""
Tests for enhanced agent feedback: thumbs up/down, star ratings, corrections, summaries.

Uses the standardized db_session fixture from tests/conftest.py (plan 26-04).
"""

import uuid

import pytest

from core.agent_feedback_service import AgentFeedbackService
from core.models import AgentExecution, AgentFeedback, AgentRegistry, User


@pytest.fixture
def test_user(db_session):
    user = User(
        id=str(uuid.uuid4()),
        email="test@example.com",
        first_name="Test",
        last_name="User",
    )
    db_session.add(user)
    db_session.commit()
    return user


@pytest.fixture
def test_agent(db_session, test_user):
    agent = AgentRegistry(id="feedback-agent", name="Feedback Agent", category="test",
                          module_path="core.test", class_name="TestAgent", user_id=test_user.id)
    db_session.add(agent)
    db_session.commit()
    return agent


@pytest.fixture
def feedback_service(db_session):
    return AgentFeedbackService(db_session)


class TestFeedbackSubmission:
    def test_thumbs_up(self, feedback_service, test_agent, test_user):
        fb = feedback_service.submit_feedback(test_agent.id, test_user.id, "answer", thumbs_up_down=True)
        assert fb.thumbs_up_down is True
        assert fb.feedback_type == "correction"

    def test_thumbs_down_with_correction(self, feedback_service, test_agent, test_user):
        fb = feedback_service.submit_feedback(test_agent.id, test_user.id, "4", user_correction="5",
                                              thumbs_up_down=False)
        assert (fb.thumbs_up_down, fb.user_correction) == (False, "5")

    @pytest.mark.parametrize("rating", [1, 3, 5])
    def test_valid_star_rating(self, feedback_service, test_agent, test_user, rating):
        fb = feedback_service.submit_feedback(test_agent.id, test_user.id, "x", rating=rating,
                                              feedback_type="rating")
        assert fb.rating == rating

    @pytest.mark.parametrize("rating", [0, 6])
    def test_out_of_range_rating_rejected(self, feedback_service, test_agent, test_user, rating):
        with pytest.raises(ValueError, match="between 1 and 5"):
            feedback_service.submit_feedback(test_agent.id, test_user.id, "x", rating=rating)

    def test_unknown_agent_rejected(self, feedback_service, test_user):
        with pytest.raises(ValueError, match="unknown agent: ghost"):
            feedback_service.submit_feedback("ghost", test_user.id, "x")

    def test_unknown_user_rejected(self, feedback_service, test_agent):
        with pytest.raises(ValueError, match="unknown user: nobody"):
            feedback_service.submit_feedback(test_agent.id, "nobody", "x")

    def test_feedback_is_persisted(self, db_session, feedback_service, test_agent, test_user):
        feedback_service.submit_feedback(test_agent.id, test_user.id, "draft", user_correction="final")
        stored = db_session.query(AgentFeedback).filter_by(agent_id=test_agent.id).all()
        assert [f.user_correction for f in stored] == ["final"]

    def test_feedback_links_agent_and_user(self, feedback_service, test_agent, test_user):
        fb = feedback_service.submit_feedback(test_agent.id, test_user.id, "x")
        assert (fb.agent.name, fb.user.email) == ("Feedback Agent", "test@example.com")


class TestFeedbackSummary:
    def test_empty_summary(self, feedback_service, test_agent):
        summary = feedback_service.get_feedback_summary(test_agent.id)
        assert summary == {"total": 0, "thumbs_up": 0, "thumbs_down": 0,
                           "average_rating": None, "by_type": {}}

    def test_thumb_counts(self, feedback_service, test_agent, test_user):
        for thumb in (True, True, False):
            feedback_service.submit_feedback(test_agent.id, test_user.id, "x", thumbs_up_down=thumb)
        summary = feedback_service.get_feedback_summary(test_agent.id)
        assert (summary["total"], summary["thumbs_up"], summary["thumbs_down"]) == (3, 2, 1)

    def test_average_rating(self, feedback_service, test_agent, test_user):
        for rating in (2, 5, 5):
            feedback_service.submit_feedback(test_agent.id, test_user.id, "x", rating=rating)
        assert feedback_service.get_feedback_summary(test_agent.id)["average_rating"] == 4.0

    def test_counts_by_type(self, feedback_service, test_agent, test_user):
        for kind in ("rating", "correction", "rating"):
            feedback_service.submit_feedback(test_agent.id, test_user.id, "x", feedback_type=kind)
        assert feedback_service.get_feedback_summary(test_agent.id)["by_type"] == {
            "rating": 2, "correction": 1}


    def test_summary_is_per_agent(self, db_session, feedback_service, test_agent, test_user):
        db_session.add(AgentRegistry(id="other-agent", name="Other"))
        db_session.commit()
        feedback_service.submit_feedback("other-agent", test_user.id, "x", rating=1)
        feedback_service.submit_feedback(test_agent.id, test_user.id, "x", rating=4)
        assert feedback_service.get_feedback_summary(test_agent.id)["total"] == 1
        assert feedback_service.get_feedback_summary("other-agent")["average_rating"] == 1.0


class TestUserFixture:
    def test_user_uses_first_and_last_name(self, test_user):
        assert test_user.full_name == "Test User"

    def test_username_is_not_a_user_field(self):
        with pytest.raises(TypeError, match="'username' is an invalid keyword argument for User"):
            User(username="legacy", email="legacy@example.com")

    def test_same_email_in_every_test_does_not_collide(self, db_session, test_user):
        # Every test creates test@example.com: only a fresh database per test makes this pass.
        assert db_session.query(User).filter_by(email="test@example.com").count() == 1
        assert db_session.query(AgentExecution).count() == 0
