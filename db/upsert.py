"""What differs by database: the dialect's own INSERT (for `on_conflict_do_*`), and row locks for claiming."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

Insert = Callable[[Any], Any]


def _dialect_insert_function(name: str) -> Insert:
    # Imported here: the engine has loaded its own dialect already, and PostgreSQL's is ~2 MB resident on SQLite.
    if name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert
    if name == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert
    raise RuntimeError(f"unsupported database dialect: {name}")


def dialect_insert(session: AsyncSession, table: Any) -> Any:
    """`sqlite.insert(table)` or `postgresql.insert(table)`, whichever the session is bound to."""
    return _dialect_insert_function(session.get_bind().dialect.name)(table)


class PerDialect:
    """A prebuilt statement using the dialect's own INSERT, built the first time it runs on each dialect (so a call
    only binds its parameters), not at import: that would load PostgreSQL's dialect on SQLite too."""

    def __init__(self, build: Callable[[Insert], Any]) -> None:
        self._build = build
        self._built: dict[str, Any] = {}

    def __call__(self, session: AsyncSession) -> Any:
        name = session.get_bind().dialect.name
        statement = self._built.get(name)
        if statement is None:
            statement = self._built[name] = self._build(_dialect_insert_function(name))
        return statement


def skip_locked(stmt: Any, session: AsyncSession) -> Any:
    """`FOR UPDATE SKIP LOCKED` on PostgreSQL, so two schedulers never claim the same rows; SQLite has one
    writer at a time and needs nothing."""
    if session.get_bind().dialect.name == "postgresql":
        return stmt.with_for_update(skip_locked=True)
    return stmt
