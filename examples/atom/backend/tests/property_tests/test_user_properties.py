"""Properties that hold for any user the model accepts."""

import sqlite3

import pytest

from core.models import User

EMAILS = ["a@example.com", "first.last+tag@example.co.uk", "UPPER@EXAMPLE.COM"]


@pytest.mark.parametrize("email", EMAILS)
def test_email_round_trips_exactly(db_session, email):
    db_session.add(User(email=email, first_name="P", last_name="Q"))
    db_session.commit()
    db_session.close()
    assert db_session.query(User).filter_by(email=email).first().email == email


def test_email_is_unique_per_database(db_session):
    db_session.add_all([User(email="same@example.com"), User(email="same@example.com")])
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE constraint failed: users.email"):
        db_session.flush()
