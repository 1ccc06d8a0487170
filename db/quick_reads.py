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

Columns come back converted as through the session (each column type's result processor: dates, booleans). Only
for small reads by index: a long scan here would stall every update for its whole length."""

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
Query = Select[*tuple[Any, ...]]
Processor = Callable[[Any], Any]

_readers: weakref.WeakKeyDictionary[Engine, _Reader] = weakref.WeakKeyDictionary()


class _Reader:
    def __init__(self, path: str, engine: Engine) -> None:
        self._path = path
        self._connection: sqlite3.Connection | None = None  # opened on first use, when the database exists
        self._dialect = engine.dialect
        self._compiled: dict[int, tuple[Query, str, tuple[str, ...], tuple[Processor | None, ...]]] = {}

    def rows(self, statement: Query, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        compiled = self._compiled.get(id(statement))
        if compiled is None:
            sql = statement.compile(dialect=self._dialect)
            # The statement is kept with its SQL, so its id cannot be reused by another while cached.
            processors: tuple[Processor | None, ...] = tuple(
                column.type._cached_result_processor(self._dialect, None)
                for column in statement.selected_columns
            )
            compiled = (statement, str(sql), tuple(sql.positiontup or ()), processors)
            self._compiled[id(statement)] = compiled
        _, sql_text, names, processors = compiled
        if self._connection is None:
            self._connection = sqlite3.connect(
                self._path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            self._connection.execute("PRAGMA query_only=ON")
        found = self._connection.execute(sql_text, tuple(params[name] for name in names)).fetchall()
        if not any(processors):
            return found
        return [
            tuple(value if p is None else p(value) for p, value in zip(processors, row, strict=True))
            for row in found
        ]

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()


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
