"""Engine and session factory; SQLite gets WAL, foreign keys, a busy timeout, and the write lock only for writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from db import learner_cache, quick_reads, sqlite_driver

SQLITE_BUSY_TIMEOUT_MS = 10_000
# The session's connection writes and runs the scheduler's scans; the hot small reads go through the quick reader
# (db/quick_reads.py), which keeps SQLite's default 2 MB cache. Half a megabyte holds every B-tree's inner pages at
# 100,000 learners with room to spare, where the default would fill with scanned pages (about 2 MB resident).
SQLITE_WRITER_CACHE_KB = 512


def create_engine(url: str) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_async_engine(url, pool_pre_ping=True)
        learner_cache.attach(engine)
        return engine

    database = parsed.database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # One connection: SQLite has one writer at a time anyway, and waiting for the pool's connection is an
    # asyncio wait, where waiting for SQLite's lock is its busy handler sleeping in growing steps.
    engine = create_async_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        module=sqlite_driver.dbapi(),  # one trip to aiosqlite's thread per statement
        poolclass=AsyncAdaptedQueuePool,
        pool_size=1,
        max_overflow=0,
        pool_timeout=120,
        # Sessions end their transactions themselves; the pool need not roll back each returned connection.
        pool_reset_on_return=None,
    )
    _configure_sqlite(engine)
    learner_cache.attach(engine)
    if database and database != ":memory:":
        quick_reads.attach(engine, database)
    return engine


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own transaction handling is switched off so that BEGIN is ours (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_WRITER_CACHE_KB}")  # negative: KiB, not pages
        cursor.close()

    # Reads take no write lock: a transaction stays in SQLite's autocommit mode (each SELECT its own snapshot)
    # until its first write, which first takes the write lock with BEGIN IMMEDIATE; everything after it, up to
    # COMMIT, is one transaction. Within the process the session holds the single pooled connection from its first
    # statement to its commit, so nothing of ours runs between a service's reads and its writes. A read-only
    # update (navigation, most of the mix) thus makes no BEGIN and no write lock at all.
    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _before_execute(
        connection: Any, cursor: Any, statement: str, _params: Any, _context: Any, _executemany: bool
    ) -> None:
        if connection.info.get(_WRITING) or _is_read(statement):
            return
        # A deferred transaction that reads and then writes fails at once with SQLITE_BUSY when another
        # connection wrote in between; taking the write lock before the first write makes it wait its turn.
        cursor.execute("BEGIN IMMEDIATE")
        connection.info[_WRITING] = True

    @event.listens_for(engine.sync_engine, "commit")
    @event.listens_for(engine.sync_engine, "rollback")
    def _on_end(connection: Any) -> None:
        connection.info.pop(_WRITING, None)


_WRITING = "sqlite_write_lock"
_READS = ("SELECT", "PRAGMA", "EXPLAIN")


def _is_read(statement: str) -> bool:
    return statement.lstrip()[:7].upper().startswith(_READS)


class CoachSession(AsyncSession):
    """A session whose commit with nothing begun costs nothing: services commit after their reads to give the
    connection back, and after a read answered from the learner cache or a quick read there is nothing to commit."""

    async def commit(self) -> None:
        if self.in_transaction():
            await super().commit()


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=CoachSession, expire_on_commit=False)
