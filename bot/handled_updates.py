"""An update Telegram delivers again is recognised by its update_id and not applied twice.

Telegram delivers an update again when it got no 200 for it: the process died while handling it, or the answer
was lost on the way. The webhook answers 200 only once an update is handled (bot/webhook.py), and an update is
written down as handled just before that, inside the learner's isolation lock (this middleware runs after the
FSM's), so a second delivery, on this replica or another, waits for the first and then finds it handled.

Where the ids are kept: with REDIS_URL, in Redis, shared by the replicas, one bit per update id in bitmaps of
65,536 ids (8 KB; Telegram numbers a bot's updates one after another, so a day of a busy bot is a few of them),
each kept for 24 hours after its last write: Telegram keeps an undelivered update for at most 24 hours. Without
Redis, in the process's memory, the same way: one process owns the bot then, and what a crash forgets is only an
update whose 200 the crash swallowed after it was handled (a moment between the two)."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger(__name__)

KEEP_SECONDS = 24 * 3600  # Telegram keeps an update it could not deliver for at most a day
CHUNK_BITS = 1 << 16  # ids per bitmap


class HandledUpdates(Protocol):
    async def seen(self, bot_id: int, update_id: int) -> bool: ...

    async def mark(self, bot_id: int, update_id: int) -> None: ...


class HandledInMemory:
    def __init__(self, keep: float = KEEP_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.keep = keep
        self._clock = clock
        self._chunks: dict[tuple[int, int], tuple[bytearray, float]] = {}

    async def seen(self, bot_id: int, update_id: int) -> bool:
        found = self._chunks.get((bot_id, update_id // CHUNK_BITS))
        bit = update_id % CHUNK_BITS
        return found is not None and bool(found[0][bit >> 3] & (1 << (bit & 7)))

    async def mark(self, bot_id: int, update_id: int) -> None:
        key, bit, now = (bot_id, update_id // CHUNK_BITS), update_id % CHUNK_BITS, self._clock()
        found = self._chunks.get(key)
        if found is None:
            self._chunks = {k: v for k, v in self._chunks.items() if now - v[1] < self.keep}
            found = (bytearray(CHUNK_BITS // 8), now)
        found[0][bit >> 3] |= 1 << (bit & 7)
        self._chunks[key] = (found[0], now)


class HandledInRedis:
    def __init__(self, redis: Redis, keep: int = KEEP_SECONDS, prefix: str = "coach") -> None:
        self.redis = redis
        self.keep = keep
        self.prefix = prefix

    def _key(self, bot_id: int, update_id: int) -> str:
        return f"{self.prefix}:{bot_id}:handled:{update_id // CHUNK_BITS}"

    async def seen(self, bot_id: int, update_id: int) -> bool:
        return bool(await self.redis.getbit(self._key(bot_id, update_id), update_id % CHUNK_BITS))

    async def mark(self, bot_id: int, update_id: int) -> None:
        key = self._key(bot_id, update_id)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.setbit(key, update_id % CHUNK_BITS, 1)
            pipe.expire(key, self.keep)
            await pipe.execute()


def handled_updates_for(storage: object) -> HandledUpdates:
    """In Redis when the FSM storage is Redis (the replicas share it; beside its keys, under its prefix), else in
    memory."""
    redis = getattr(storage, "redis", None)
    if redis is None:
        return HandledInMemory()
    prefix = getattr(getattr(storage, "key_builder", None), "prefix", "fsm")
    return HandledInRedis(redis, prefix=f"{prefix}:coach")


class HandledOnce(BaseMiddleware):
    """Skips an update already handled; writes one down once its handler returned (an update whose handler
    failed is not written down: the learner got an apology, and a second delivery may well succeed)."""

    def __init__(self, handled: HandledUpdates) -> None:
        self.handled = handled

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        bot_id = data["bot"].id
        if await self.handled.seen(bot_id, event.update_id):
            log.info("update %s was delivered again; it was handled already", event.update_id)
            return None
        result = await handler(event, data)
        await self.handled.mark(bot_id, event.update_id)
        return result
