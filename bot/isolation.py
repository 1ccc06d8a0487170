"""One learner's updates one after another across replicas: a Redis lock per learner, which outlives its holder by
at most a few seconds.

aiogram's RedisEventIsolation holds each lock for up to 60 seconds, so a replica that dies while handling an
update holds that learner for a minute: Telegram's second delivery, on another replica, waits for it. Here the
lock lives `LOCK_SECONDS` and its holder renews it every third of that while the handler runs, however long
the handler takes (a reply waiting out a 429 may take minutes): the lock is held as long as its handler lives
and a few seconds more, never longer. A handler whose process stalls for longer than that (the event loop
blocked) loses the lock: a warning says so."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING

from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, KeyBuilder, StorageKey
from aiogram.fsm.storage.memory import SimpleEventIsolation

if TYPE_CHECKING:
    from redis.asyncio import Redis
    from redis.asyncio.lock import Lock

log = logging.getLogger(__name__)

LOCK_SECONDS = 5.0
WAIT_STEP = 0.05  # how often a waiting update looks whether the lock is free


class RenewedRedisIsolation(BaseEventIsolation):
    def __init__(self, redis: Redis, key_builder: KeyBuilder, seconds: float = LOCK_SECONDS) -> None:
        self.redis = redis
        self.key_builder = key_builder
        self.seconds = seconds

    @contextlib.asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        from redis.exceptions import LockError

        lock = self.redis.lock(self.key_builder.build(key, "lock"), timeout=self.seconds, sleep=WAIT_STEP)
        await lock.acquire()
        renewing = asyncio.create_task(self._renew(lock))
        try:
            yield
        finally:
            renewing.cancel()
            await asyncio.wait({renewing})
            try:
                await lock.release()
            except LockError:
                log.warning("a learner's lock expired while their update was handled (the process stalled)")

    async def _renew(self, lock: Lock) -> None:
        from redis.exceptions import LockError, RedisError

        while True:
            await asyncio.sleep(self.seconds / 3)
            try:
                await lock.reacquire()
            except LockError:
                return  # expired: nothing to keep; the release says so
            except (RedisError, OSError):
                continue  # Redis unreachable for a moment: the next try may still come before the lock expires

    async def close(self) -> None:
        pass


def isolation_for(storage: BaseStorage) -> BaseEventIsolation:
    """Across replicas with Redis (the FSM storage's own connection), within the process otherwise."""
    redis = getattr(storage, "redis", None)
    key_builder = getattr(storage, "key_builder", None)
    if redis is not None and key_builder is not None:
        return RenewedRedisIsolation(redis, key_builder)
    return SimpleEventIsolation()
