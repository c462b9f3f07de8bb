"""Fixtures for unit tests: a session on the application database, rolled back after each test."""

import pytest

from core.database import Base, SessionLocal, engine

import core.models  # noqa: F401  (register the tables)


@pytest.fixture(scope="function")
def db():
    """Create a fresh database session with transaction rollback for each test."""
    Base.metadata.create_all(bind=engine, checkfirst=True)
    session = SessionLocal()
    session.autoflush = False

    yield session

    # Rollback all changes after test to ensure isolation
    session.rollback()
    session.close()
