"""What differs by database: the dialect's own INSERT (for `on_conflict_do_*`), and row locks for claiming."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession


def dialect_insert(session: AsyncSession, table: Any) -> Any:
    """`sqlite.insert(table)` or `postgresql.insert(table)`, whichever the session is bound to."""
    # Imported here: the engine has loaded its own dialect already, and PostgreSQL's is ~2 MB resident on SQLite.
    name = session.get_bind().dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    if name == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(table)
    raise RuntimeError(f"unsupported database dialect: {name}")


def skip_locked(stmt: Any, session: AsyncSession) -> Any:
    """`FOR UPDATE SKIP LOCKED` on PostgreSQL, so two schedulers never claim the same rows; SQLite has one
    writer at a time and needs nothing."""
    if session.get_bind().dialect.name == "postgresql":
        return stmt.with_for_update(skip_locked=True)
    return stmt
