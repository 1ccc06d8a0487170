"""Learners' profile rows kept in memory between updates, so an update does not read its learner again.

Every update needs its learner (language, track, settings); most updates change nothing about them. The cache holds
each learner's row as stored (a tuple of column values) and is invalidated where the row is written:

- the repository functions that write one learner's row forget that learner (`forget`), and forget them again
  once the transaction ends, so a read made by another session between the write and its commit is not kept;
- any other statement that writes the `learners` table (an ORM flush, a bulk UPDATE written elsewhere) empties the
  whole cache: the engine hook below sees every statement, so a write path added later cannot leave it stale.

One cache per engine. On SQLite one process owns the database (`docs/deploy.md`: several replicas need
PostgreSQL), so invalidation on write is complete, and the time to live only guards against someone editing the
file by hand. On PostgreSQL other replicas write learners without telling this one; a version column would not
help, since checking it costs the same round trip as reading the row (the row is one primary-key lookup), so
there a short time to live bounds how stale a profile can be: a change made on another replica (a new language,
track or reminder time) is seen here within `POSTGRES_TTL` seconds, and at once on the replica that made it."""

from __future__ import annotations

import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

POSTGRES_TTL = 1.0  # seconds: how long another replica's change to a profile may go unseen here
SQLITE_TTL = 300.0
SIZE = 50_000  # rows kept at most (the least recently used go first); a row is about 1 kB with its tuple
HANDLED = "learner_cache_handled"  # execution option: this write forgets its learners itself

Row = tuple[Any, ...]


class LearnerCache:
    def __init__(self, ttl: float, size: int = SIZE, now: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.size = size
        self._now = now
        self._rows: OrderedDict[int, tuple[float, Row]] = OrderedDict()
        self._epoch = 0  # counts invalidations: a row read before one is not stored after it

    def epoch(self) -> int:
        return self._epoch

    def get(self, learner_id: int) -> Row | None:
        entry = self._rows.get(learner_id)
        if entry is None:
            return None
        stored_at, row = entry
        if self._now() - stored_at > self.ttl:
            del self._rows[learner_id]
            return None
        self._rows.move_to_end(learner_id)
        return row

    def put(self, learner_id: int, row: Row, epoch: int) -> None:
        """Keep a row read when the cache was at `epoch`, unless something was invalidated since."""
        if epoch != self._epoch:
            return
        now = self._now()
        self._rows[learner_id] = (now, row)
        self._rows.move_to_end(learner_id)
        # A row past its time to live is never returned again, so the least recently used go as soon as they have
        # expired too: the cache holds the learners active within the last `ttl` seconds (~1 kB each), not the
        # last `size` learners seen, which over a day would be ~50 MB kept for nothing.
        oldest_at = next(iter(self._rows.values()))[0]
        while len(self._rows) > self.size or now - oldest_at > self.ttl:
            self._rows.popitem(last=False)
            oldest_at = next(iter(self._rows.values()))[0]

    def forget(self, learner_id: int) -> None:
        self._epoch += 1
        self._rows.pop(learner_id, None)

    def clear(self) -> None:
        self._epoch += 1
        self._rows.clear()


_caches: weakref.WeakKeyDictionary[Engine, LearnerCache] = weakref.WeakKeyDictionary()
_PENDING = "learners_written"


def cache_of(session: AsyncSession) -> LearnerCache | None:
    bind = session.bind
    engine = bind.sync_engine if isinstance(bind, AsyncEngine) else bind
    return _caches.get(engine) if isinstance(engine, Engine) else None


def attach(engine: AsyncEngine) -> LearnerCache:
    """Give the engine its learner cache and the hook that empties it on writes it was not told about."""
    cache = LearnerCache(POSTGRES_TTL if engine.dialect.name == "postgresql" else SQLITE_TTL)
    _caches[engine.sync_engine] = cache

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _on_statement(
        _connection: Any, _cursor: Any, statement: str, _params: Any, context: Any, _executemany: bool
    ) -> None:
        if context is not None and context.execution_options.get(HANDLED):
            return
        head = statement.lstrip()[:40].upper()
        if head.startswith(("UPDATE LEARNERS", "DELETE FROM LEARNERS", "INSERT INTO LEARNERS")):
            cache.clear()

    return cache


def forget(session: AsyncSession, learner_ids: list[int]) -> None:
    """The session writes these learners' rows: forget them now and again when its transaction ends."""
    cache = cache_of(session)
    if cache is None:
        return
    for learner_id in learner_ids:
        cache.forget(learner_id)
    session.info.setdefault(_PENDING, set()).update(learner_ids)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_again(session: Session) -> None:
    written = session.info.pop(_PENDING, None)
    if not written:
        return
    bind = session.bind
    cache = _caches.get(bind) if isinstance(bind, Engine) else None
    if cache is not None:
        for learner_id in written:
            cache.forget(learner_id)
