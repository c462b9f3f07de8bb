"""
Shared pytest fixtures for the atom backend.

The standardized ``db_session`` fixture is the one every test file should use: it gives
each test a fresh SQLite database in a temporary file, so no state leaks between tests and
nothing touches atom_dev.db.
"""

from __future__ import annotations

import os
import tempfile

import pytest

from core.database import Base, create_engine, sessionmaker

# Import every model module so Base.metadata knows all tables before create_all.
import core.models  # noqa: F401
import saas.models  # noqa: F401


def _temp_database_url() -> tuple[str, str]:
    """A tempfile-based SQLite URL (more stable than :memory: across processes)."""
    fd, path = tempfile.mkstemp(prefix="atom_test_", suffix=".db")
    os.close(fd)
    return f"sqlite:///{path}", path


@pytest.fixture(scope="function")
def db_session():
    """
    Standardized database session fixture: a fresh database per test.

    - Creates a temporary SQLite file and all tables with checkfirst=True, so duplicate
      index definitions in the models are skipped instead of failing the setup.
    - Yields a session bound to that database only.
    - On exit rolls back, closes, disposes the engine and deletes the file.
    """
    url, path = _temp_database_url()
    engine = create_engine(url, connect_args={"check_same_thread": False})
    Base.metadata.create_all(engine, checkfirst=True)
    TestingSessionLocal = sessionmaker(bind=engine)
    session = TestingSessionLocal()
    try:
        yield session
    finally:
        session.rollback()
        session.close()
        engine.dispose()
        os.unlink(path)


@pytest.fixture
def unique_email():
    """Emails that never collide, for tests that create several users."""
    counter = iter(range(1, 10_000))

    def make(prefix: str = "user") -> str:
        return f"{prefix}{next(counter)}@example.com"

    return make


def pytest_configure(config):
    config.addinivalue_line("markers", "integration: touches more than one service")
