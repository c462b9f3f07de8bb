"""
Fixtures for property-based tests: every test gets its own in-memory database.

This is the isolation pattern the unit tests are meant to follow.
"""

import pytest

from core.database import Base, create_engine, sessionmaker

import core.models  # noqa: F401  (register the tables)


@pytest.fixture(scope="function")
def db_session():
    """
    Yield a session on a private in-memory database.

    Nothing is shared with other tests: the engine is created here and disposed on exit.
    Teardown order is rollback(), close(), then dispose().
    """
    engine = create_engine("sqlite:///:memory:", connect_args={"check_same_thread": False})
    Base.metadata.create_all(bind=engine, checkfirst=True)
    session = sessionmaker(bind=engine)()
    try:
        yield session
    finally:
        session.rollback()
        session.close()
        engine.dispose()
