"""Small indexed reads on SQLite without a trip through aiosqlite's worker thread.

The profile of a navigation tap showed its one SELECT (a learner's statuses on a track, a handful of rows by
primary key) taking 0.5–1.4 ms through SQLAlchemy's session and aiosqlite: four hand-overs to the driver's thread
(cursor, execute, fetch, close) and back, each waiting for the event loop's turn. SQLite itself answers it in about
5 µs. So each SQLite engine also gets one plain `sqlite3` connection, read-only, used in the event loop's thread
for such reads: blocking the loop for microseconds costs less than the hand-overs.

What it sees: in WAL mode a reader sees everything committed when its statement starts, and never waits for the
writer. That is what the session's own reads outside a write transaction see too (`db/engine.py` takes the write
lock only for writes). A session inside a transaction reads through itself, so it sees its own uncommitted
writes. PostgreSQL, and an in-memory SQLite database, read through the session as before.

Columns and parameters are converted as the session converts them (each type's own bind and result processors:
UTC datetimes, booleans), so a row reads the same either way. Only for small reads by index: a long scan here
would stall every update for its whole length."""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.sql import Select

BUSY_TIMEOUT_S = 1.0
Processor = Callable[[Any], Any] | None
Query = Select[*tuple[Any, ...]]

_readers: weakref.WeakKeyDictionary[Engine, _Reader] = weakref.WeakKeyDictionary()


class _Reader:
    def __init__(self, path: str, engine: Engine) -> None:
        self._path = path
        self._connection: sqlite3.Connection | None = None  # opened on first use, when the database exists
        self._dialect = engine.dialect
        self._compiled: dict[int, _Compiled] = {}

    def rows(self, statement: Query, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        compiled = self._compiled.get(id(statement))
        if compiled is None:
            compiled = self._compiled[id(statement)] = _Compiled(statement, self._dialect)
        if self._connection is None:
            self._connection = sqlite3.connect(
                self._path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            self._connection.execute("PRAGMA query_only=ON")
        values = tuple(
            value if bind is None else bind(value)
            for value, bind in zip(compiled.values(params), compiled.binds, strict=True)
        )
        found = self._connection.execute(compiled.sql, values).fetchall()
        if not compiled.converting:
            return found
        # Only the columns that need it are converted (in a card, its two datetimes of nine columns).
        converting = compiled.converting
        converted = []
        for row in found:
            values_of = list(row)
            for index, convert in converting:
                values_of[index] = convert(values_of[index])
            converted.append(tuple(values_of))
        return converted

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()


class _Compiled:
    """A statement's SQLite text, its parameters' order, and the conversions the session would apply."""

    def __init__(self, statement: Query, dialect: Any) -> None:
        sql = statement.compile(dialect=dialect)
        self.statement = statement  # kept with its SQL, so its id cannot be reused by another while cached
        self.sql = str(sql)
        self.names: tuple[str, ...] = tuple(sql.positiontup or ())
        self.defaults = tuple(sql.binds[name].value for name in self.names)  # a LIMIT's own value
        self.binds: tuple[Processor, ...] = tuple(
            sql.binds[name].type._cached_bind_processor(dialect) for name in self.names
        )
        self.results: tuple[Processor, ...] = tuple(
            column.type._cached_result_processor(dialect, None) for column in sql._result_columns
        )
        self.converting = tuple((i, convert) for i, convert in enumerate(self.results) if convert is not None)

    def values(self, params: Mapping[str, Any]) -> list[Any]:
        return [params.get(name, default) for name, default in zip(self.names, self.defaults, strict=True)]


def attach(engine: AsyncEngine, path: str) -> None:
    """Give a file-backed SQLite engine its read-only connection (closed when the engine is disposed)."""
    reader = _Reader(path, engine.sync_engine)
    _readers[engine.sync_engine] = reader

    @event.listens_for(engine.sync_engine, "engine_disposed")
    def _close(_engine: Engine) -> None:
        _readers.pop(engine.sync_engine, None)
        reader.close()


async def rows(session: AsyncSession, statement: Query, params: Mapping[str, Any]) -> Sequence[Any]:
    """The statement's rows: through the quick reader when the session has no transaction open, else the session."""
    bind = session.bind
    reader = _readers.get(bind.sync_engine) if isinstance(bind, AsyncEngine) else None
    if reader is None or session.in_transaction():
        return list((await session.execute(statement, params)).all())
    return reader.rows(statement, params)


async def committed_rows(session: AsyncSession, statement: Query, params: Mapping[str, Any]) -> Sequence[Any]:
    """The statement's rows, through the quick reader even inside the session's transaction: only for tables this
    transaction has not written (nor holds unflushed objects of). On SQLite a transaction that wrote holds the write
    lock, and one that only read holds the one pooled connection, so nothing of anyone's commits in between: what
    is committed is what the session itself would read."""
    bind = session.bind
    reader = _readers.get(bind.sync_engine) if isinstance(bind, AsyncEngine) else None
    if reader is None:
        return list((await session.execute(statement, params)).all())
    return reader.rows(statement, params)
