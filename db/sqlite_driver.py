"""SQLAlchemy's aiosqlite driver with one trip to the driver's thread per statement.

aiosqlite runs each sqlite3 call in a thread of its own, and SQLAlchemy's adapter makes three or four such calls for
every statement (make a cursor, execute, fetch the rows, close the cursor): each a hand-over to the thread and a
wake-up of the event loop to come back. The profile of a mark (a learner marking a topic done: a handful of writes)
showed a quarter of its time in those hand-overs. Here a statement is executed, its rows fetched and its cursor
closed in one function run in that thread, so each statement is one hand-over; everything else (the connection,
transactions, errors) is SQLAlchemy's adapter unchanged.

This leans on two internals, pinned in `pyproject.toml`: SQLAlchemy's adapter classes (2.1) and aiosqlite's
`Connection._execute` (0.22), the call SQLAlchemy's adapter itself makes for every operation. It still pays with the
learner read once (docs/benchmarks.md: about a fifth less CPU per reminder, a third less time for a fan-out). If
an upgrade moves those internals, `dbapi()` falls back to SQLAlchemy's own adapter with a warning, and
`tests/test_sqlite_driver.py` fails naming what moved."""

from __future__ import annotations

import collections
import inspect
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, cast

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT

Description = tuple[tuple[Any, ...], ...] | None
log = logging.getLogger(__name__)


def _execute(
    connection: sqlite3.Connection, operation: str, parameters: Any
) -> tuple[list[Any], Description, int, int | None]:
    cursor = connection.execute(operation, parameters)
    try:
        rows = cursor.fetchall() if cursor.description else []
        return rows, cursor.description, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def _executemany(connection: sqlite3.Connection, operation: str, parameters: Sequence[Any]) -> int:
    cursor = connection.executemany(operation, parameters)
    try:
        return cursor.rowcount
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor that holds no aiosqlite cursor: each statement runs in the thread in one go (`_execute`)."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Description = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Description:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid or 0

    @property
    def arraysize(self) -> int:
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        pass  # rows are all fetched with the statement

    async def _async_soft_close(self) -> None:
        pass  # nothing is left open in the thread

    def close(self) -> None:
        self._rows.clear()

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        connection = self._aiosqlite()
        async with self._adapt_connection._execute_mutex:
            run = cast(Callable[..., Awaitable[Any]], connection._execute)
            rows, self._description, self._rowcount, self._lastrowid = await run(
                _execute, connection._conn, operation, () if parameters is None else parameters
            )
        self._rows = collections.deque(rows)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        connection = self._aiosqlite()
        async with self._adapt_connection._execute_mutex:
            run = cast(Callable[..., Awaitable[int]], connection._execute)
            self._description, self._lastrowid = None, None
            self._rowcount = await run(_executemany, connection._conn, operation, seq_of_parameters)

    def _aiosqlite(self) -> aiosqlite.Connection:
        return cast(aiosqlite.Connection, self._connection)


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneTripCursor  # type: ignore[assignment]


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """Passed as the engine's `module`: connections as SQLAlchemy makes them, with the cursor above."""

    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        adapted = super().connect(*arg, **kw)
        return OneTripConnection(self, adapted._connection)


_CURSOR_INTERNALS = ("_execute_async", "_executemany_async", "_async_soft_close")
_CONNECTION_INTERNALS = ("_cursor_cls",)


def missing_internals() -> list[str]:
    """What of the two libraries' internals this driver overrides or calls is gone (empty: all there). A newer
    aiosqlite or SQLAlchemy may move them; `tests/test_sqlite_driver.py` names them when it happens."""
    missing = [
        f"AsyncAdapt_aiosqlite_cursor.{name}"
        for name in _CURSOR_INTERNALS
        if not hasattr(AsyncAdapt_aiosqlite_cursor, name)
    ]
    missing += [
        f"AsyncAdapt_aiosqlite_connection.{name}"
        for name in _CONNECTION_INTERNALS
        if not hasattr(AsyncAdapt_aiosqlite_connection, name)
    ]
    execute = getattr(aiosqlite.Connection, "_execute", None)
    if execute is None or not inspect.iscoroutinefunction(execute):
        missing.append("aiosqlite.Connection._execute (a coroutine function running fn(*args) in the thread)")
    return missing


def dbapi() -> AsyncAdapt_aiosqlite_dbapi:
    """The one-trip driver; SQLAlchemy's own adapter (slower, never wrong) if the internals it needs are gone."""
    missing = missing_internals()
    if missing:
        log.warning(
            "db/sqlite_driver.py: %s changed; using SQLAlchemy's own aiosqlite adapter", ", ".join(missing)
        )
        return AsyncAdapt_aiosqlite_dbapi(aiosqlite, sqlite3)
    return OneTripDBAPI(aiosqlite, sqlite3)
