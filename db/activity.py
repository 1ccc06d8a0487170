"""Learners' "was here" (`last_active_at`) written for many learners in one transaction.

A learner's first update of an hour notes that they are here (`profile.touch`). When many learners write at once,
each such note on its own is a transaction of its own (on SQLite: BEGIN IMMEDIATE, UPDATE, COMMIT on the one
connection), and they queue for the write lock one by one. Here the notes that arrive while one is being written
are gathered and written together by one of their callers, in one transaction: a group commit. Every caller still
returns only once its own row is committed, so nothing is reported as noted that a crash could lose, and an update
that follows reads what it wrote."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.engine import Connection, Engine

Write = Callable[[dict[int, datetime]], Awaitable[None]]


class ActivityWrites:
    """The notes waiting to be written, and the one batch being gathered for the next write."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: dict[int, datetime] = {}
        self._batch: asyncio.Future[None] | None = None
        self._lock = asyncio.Lock()

    async def note(self, learner_id: int, at: datetime, write: Write) -> None:
        """Note `learner_id` was here at `at`; returns once that is committed (by `write`, here or by another
        caller's write that took it along)."""
        self._same_loop()
        while True:
            noted = self._pending.get(learner_id)
            if noted is None or at > noted:
                self._pending[learner_id] = at
            gathering = self._batch
            if gathering is None:
                break  # this caller writes the next batch
            try:
                # Shielded: a caller that gives up (its update cancelled at shutdown) does not cancel the write.
                await asyncio.shield(gathering)
                return
            except asyncio.CancelledError:
                if not gathering.cancelled():
                    raise  # this caller was cancelled
                # The caller writing the batch was cancelled, maybe before it wrote this note: note it again.
        batch = self._batch = asyncio.get_running_loop().create_future()
        try:
            async with self._lock:  # one write at a time; notes made meanwhile join this batch
                rows, self._pending, self._batch = self._pending, {}, None
                await write(rows)
        except BaseException as error:
            if self._batch is batch:
                self._batch = None  # cancelled while waiting its turn: the notes are still pending
            if isinstance(error, asyncio.CancelledError):
                batch.cancel()
            else:
                batch.set_exception(error)
                batch.exception()  # the joiners (if any) get the error; with none, it is not "never retrieved"
            raise
        batch.set_result(None)

    def _same_loop(self) -> None:
        # An engine may outlive the event loop it was first used on (tests run each on a loop of its own).
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._loop, self._pending, self._batch, self._lock = loop, {}, None, asyncio.Lock()


_writes: weakref.WeakKeyDictionary[Engine, ActivityWrites] = weakref.WeakKeyDictionary()


def writes_of(bind: Engine | Connection) -> ActivityWrites:
    """The notes of the engine behind `bind` (one batch per database, whichever session notes)."""
    engine = bind.engine
    found = _writes.get(engine)
    if found is None:
        found = _writes[engine] = ActivityWrites()
    return found
