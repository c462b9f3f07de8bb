"""A small stand-in for the SQLAlchemy layer of the atom backend, on stdlib sqlite3.

It keeps the names the plans use (Base, Column, Index, relationship, create_engine,
sessionmaker, SessionLocal) and the behaviours the phase 12 and 26 plans are about:

- ``Base.metadata.create_all(bind)`` issues a CREATE INDEX for every declared index, so a
  duplicate index definition fails with "index ix_... already exists" unless
  ``checkfirst=True`` (SQLAlchemy defaults checkfirst to True; here it defaults to False,
  which is what plan 26-04 assumes). create_all is atomic: a failure leaves no table behind.
- Sessions on one engine share one sqlite3 connection, so a commit made through one session
  also commits what another session only flushed (how factory commits leak between tests).
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any, Callable


class InvalidRequestError(Exception):
    """Raised when a relationship names a class that is not registered."""


class Column:
    def __init__(self, type_: str = "TEXT", *, primary_key: bool = False, unique: bool = False,
                 nullable: bool = True, index: bool = False, default: Any = None,
                 foreign_key: str | None = None) -> None:
        self.type, self.primary_key, self.unique = type_, primary_key, unique
        self.nullable, self.index, self.default, self.foreign_key = nullable, index, default, foreign_key
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type) -> Any:
        return self if obj is None else obj.__dict__.get(self.name)

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.name] = value

    def __eq__(self, value: object) -> Any:  # type: ignore[override]
        # Class-level comparison builds a filter condition: Model.id == "x".
        return (f"{self.name} = ?", value)

    __hash__ = object.__hash__

    def ddl(self) -> str:
        parts = [self.name, self.type]
        if self.primary_key:
            parts.append("PRIMARY KEY")
        if self.unique:
            parts.append("UNIQUE")
        if not self.nullable and not self.primary_key:
            parts.append("NOT NULL")
        if self.foreign_key:
            table, col = self.foreign_key.split(".")
            parts.append(f"REFERENCES {table}({col})")
        return " ".join(parts)


class Index:
    def __init__(self, name: str, *columns: str) -> None:
        self.name, self.columns = name, columns


class relationship:  # noqa: N801 - the SQLAlchemy spelling
    """Many-to-one link resolved by class name through ``Base.registry``."""

    def __init__(self, target: str, *, foreign_key: str) -> None:
        self.target, self.foreign_key = target, foreign_key

    def __set_name__(self, owner: type, name: str) -> None:
        self.owner, self.name = owner, name

    def resolve(self) -> type:
        if self.target not in Base.registry:
            raise InvalidRequestError(
                "One or more mappers failed to initialize - can't proceed with initialization "
                f"of other mappers. Triggering mapper: 'Mapper[{self.owner.__name__}"
                f"({self.owner.__tablename__})]'. Original exception was: When initializing mapper "
                f"Mapper[{self.owner.__name__}({self.owner.__tablename__})], expression "
                f"'{self.target}' failed to locate a name ('{self.target}')."
            )
        return Base.registry[self.target]

    def __get__(self, obj: Any, owner: type) -> Any:
        if obj is None:
            return self
        target, key = self.resolve(), obj.__dict__.get(self.foreign_key)
        session = obj.__dict__.get("_sa_session")
        return None if key is None or session is None else session.get(target, key)

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.foreign_key] = None if value is None else value.id


def configure_mappers() -> None:
    for model in Base.registry.values():
        for attr in vars(model).values():
            if isinstance(attr, relationship):
                attr.resolve()


class MetaData:
    def __init__(self) -> None:
        self.tables: dict[str, type[Base]] = {}

    def create_all(self, bind: Engine, checkfirst: bool = False) -> None:
        conn = bind.connection
        conn.execute("SAVEPOINT create_all")
        try:
            for model in self.tables.values():
                if not (checkfirst and _exists(conn, "table", model.__tablename__)):
                    cols = ", ".join(c.ddl() for c in model.__columns__())
                    conn.execute(f"CREATE TABLE {model.__tablename__} ({cols})")
                for name, columns in model.__indexes__():
                    if checkfirst and _exists(conn, "index", name):
                        continue
                    conn.execute(f"CREATE INDEX {name} ON {model.__tablename__} ({', '.join(columns)})")
        except sqlite3.Error:
            conn.execute("ROLLBACK TO create_all")
            raise
        finally:
            conn.execute("RELEASE create_all")

    def drop_all(self, bind: Engine) -> None:
        for model in reversed(list(self.tables.values())):
            bind.connection.execute(f"DROP TABLE IF EXISTS {model.__tablename__}")
        bind.connection.commit()


def _exists(conn: sqlite3.Connection, kind: str, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = ? AND name = ?", (kind, name))
    return row.fetchone() is not None


class Base:
    metadata = MetaData()
    registry: dict[str, type[Base]] = {}
    __tablename__ = ""
    __table_args__: tuple[Index, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        Base.registry[cls.__name__] = cls
        Base.metadata.tables[cls.__tablename__] = cls

    def __init__(self, **kwargs: Any) -> None:
        for key, value in kwargs.items():
            if not isinstance(getattr(type(self), key, None), (Column, relationship)):
                raise TypeError(f"{key!r} is an invalid keyword argument for {type(self).__name__}")
            setattr(self, key, value)

    @classmethod
    def __columns__(cls) -> list[Column]:
        return [v for k in dir(cls) if isinstance(v := getattr(cls, k), Column)]

    @classmethod
    def __indexes__(cls) -> list[tuple[str, tuple[str, ...]]]:
        auto = [(f"ix_{cls.__tablename__}_{c.name}", (c.name,)) for c in cls.__columns__() if c.index]
        return auto + [(i.name, i.columns) for i in cls.__table_args__]

    @classmethod
    def __pk__(cls) -> str:
        return next(c.name for c in cls.__columns__() if c.primary_key)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {getattr(self, self.__pk__(), None)!r}>"


class Engine:
    def __init__(self, url: str) -> None:
        self.url = url
        path = url.removeprefix("sqlite:///") or ":memory:"
        self.connection = sqlite3.connect(path, check_same_thread=False)
        self.connection.execute("PRAGMA foreign_keys = ON")

    def dispose(self) -> None:
        self.connection.close()


def create_engine(url: str, connect_args: dict[str, Any] | None = None, **_: Any) -> Engine:
    return Engine(url)


class Query:
    def __init__(self, session: Session, model: type[Base], where: tuple[tuple[str, Any], ...] = ()) -> None:
        self.session, self.model, self.where = session, model, where

    def filter(self, *conditions: tuple[str, Any]) -> Query:
        return Query(self.session, self.model, self.where + conditions)

    def filter_by(self, **values: Any) -> Query:
        return self.filter(*((f"{k} = ?", v) for k, v in values.items()))

    def _sql(self, head: str) -> tuple[str, list[Any]]:
        sql = f"{head} FROM {self.model.__tablename__}"
        if self.where:
            sql += " WHERE " + " AND ".join(cond for cond, _ in self.where)
        return sql, [value for _, value in self.where]

    def all(self) -> list[Any]:
        self.session._autoflush()
        names = [c.name for c in self.model.__columns__()]
        sql, params = self._sql(f"SELECT {', '.join(names)}")
        rows = self.session.bind.connection.execute(sql, params).fetchall()
        return [self.session._load(self.model, dict(zip(names, row, strict=True))) for row in rows]

    def first(self) -> Any:
        rows = self.all()
        return rows[0] if rows else None

    def count(self) -> int:
        self.session._autoflush()
        sql, params = self._sql("SELECT COUNT(*)")
        return int(self.session.bind.connection.execute(sql, params).fetchone()[0])

    def delete(self) -> int:
        self.session._autoflush()
        sql, params = self._sql("DELETE")
        return self.session.bind.connection.execute(sql, params).rowcount


class Session:
    def __init__(self, bind: Engine) -> None:
        self.bind, self.autoflush = bind, True
        self._new: list[Base] = []
        self._deleted: list[Base] = []
        self._identity: dict[tuple[type, Any], Base] = {}

    def add(self, obj: Base) -> None:
        obj.__dict__["_sa_session"] = self
        self._new.append(obj)

    def add_all(self, objs: list[Base]) -> None:
        for obj in objs:
            self.add(obj)

    def delete(self, obj: Base) -> None:
        self._deleted.append(obj)

    def flush(self) -> None:
        conn = self.bind.connection
        while self._new:
            obj = self._new.pop(0)
            for col in obj.__columns__():
                if obj.__dict__.get(col.name) is None and col.default is not None:
                    obj.__dict__[col.name] = col.default() if callable(col.default) else col.default
            values = {c.name: obj.__dict__.get(c.name) for c in obj.__columns__()}
            marks = ", ".join("?" for _ in values)
            conn.execute(f"INSERT INTO {obj.__tablename__} ({', '.join(values)}) VALUES ({marks})",
                         list(values.values()))
            self._remember(obj)
        for (model, key), obj in self._identity.items():
            changed = {c.name: obj.__dict__.get(c.name) for c in model.__columns__()
                       if obj.__dict__.get(c.name) != obj.__dict__["_sa_snapshot"].get(c.name)}
            if changed:
                sets = ", ".join(f"{name} = ?" for name in changed)
                conn.execute(f"UPDATE {model.__tablename__} SET {sets} WHERE {model.__pk__()} = ?",
                             [*changed.values(), key])
                self._remember(obj)
        while self._deleted:
            obj = self._deleted.pop(0)
            pk = obj.__pk__()
            conn.execute(f"DELETE FROM {obj.__tablename__} WHERE {pk} = ?", (obj.__dict__[pk],))
            self._identity.pop((type(obj), obj.__dict__[pk]), None)

    def commit(self) -> None:
        self.flush()
        self.bind.connection.commit()

    def rollback(self) -> None:
        self._new.clear()
        self._deleted.clear()
        self._identity.clear()
        self.bind.connection.rollback()

    def close(self) -> None:
        self._new.clear()
        self._deleted.clear()
        self._identity.clear()

    def query(self, model: type[Base]) -> Query:
        return Query(self, model)

    def get(self, model: type[Base], key: Any) -> Any:
        if (model, key) in self._identity:
            return self._identity[(model, key)]
        return self.query(model).filter_by(**{model.__pk__(): key}).first()

    def _autoflush(self) -> None:
        if self.autoflush:
            self.flush()

    def _remember(self, obj: Base) -> None:
        obj.__dict__["_sa_snapshot"] = {c.name: obj.__dict__.get(c.name) for c in obj.__columns__()}
        self._identity[(type(obj), obj.__dict__[obj.__pk__()])] = obj

    def _load(self, model: type[Base], row: dict[str, Any]) -> Base:
        key = (model, row[model.__pk__()])
        if key not in self._identity:
            obj = model.__new__(model)
            obj.__dict__.update(row, _sa_session=self)
            self._remember(obj)
        return self._identity[key]


def sessionmaker(bind: Engine, **_: Any) -> Callable[[], Session]:
    return lambda: Session(bind)


# The real project defaults to atom_dev.db; the example uses one in-memory database per
# process so runs repeat exactly and nothing is written into the tree.
DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:///:memory:")
engine = create_engine(DATABASE_URL, connect_args={"check_same_thread": False})
SessionLocal = sessionmaker(bind=engine)
