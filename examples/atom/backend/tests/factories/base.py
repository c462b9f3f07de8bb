"""
BaseFactory: the slice of factory_boy's SQLAlchemyModelFactory the ORM tests use.

``Factory(**fields)`` builds the model with per-factory sequence defaults, adds it to a
session and then flushes or commits it (``_meta.sqlalchemy_session_persistence``).
"""

from __future__ import annotations

from typing import Any

from core.database import SessionLocal

_session = None


def get_session():
    """The factories' own session, used when a test passes no _session."""
    global _session
    if _session is None:
        _session = SessionLocal()
    return _session


class FactoryMeta:
    def __init__(self, model: Any = None) -> None:
        self.model = model
        self.sqlalchemy_session = None
        self.sqlalchemy_session_persistence = "commit"


class BaseFactory:
    model: Any = None
    _meta = FactoryMeta()
    _sequence = 0

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._meta, cls._sequence = FactoryMeta(cls.model), 0

    def __new__(cls, **kwargs: Any) -> Any:
        cls._sequence += 1
        return cls._create(cls._meta.model, **{**cls.defaults(cls._sequence, kwargs), **kwargs})

    @classmethod
    def defaults(cls, n: int, overrides: dict[str, Any]) -> dict[str, Any]:
        return {}

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Override to handle session injection."""
        session = kwargs.pop('_session', None)
        if session:
            cls._meta.sqlalchemy_session = session
            # Don't commit when using test session - let rollback handle it
            cls._meta.sqlalchemy_session_persistence = "flush"
        else:
            if cls._meta.sqlalchemy_session is None:
                cls._meta.sqlalchemy_session = get_session()
            cls._meta.sqlalchemy_session_persistence = "commit"
        obj = model_class(*args, **kwargs)
        cls._meta.sqlalchemy_session.add(obj)
        if cls._meta.sqlalchemy_session_persistence == "commit":
            cls._meta.sqlalchemy_session.commit()
        else:
            cls._meta.sqlalchemy_session.flush()
        return obj
