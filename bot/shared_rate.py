"""One rate across replicas: with `REDIS_URL`, every replica's turns also draw from one bot-wide budget per second
and one per chat, kept in Redis by the `limits` library (moving windows, so no second holds more than the budget
whichever replicas sent in it). Each replica still orders its own waiters by priority (bot/delivery.py); across
replicas a learner's own action goes first because the bot's own sends leave a few places of every second to
replies and look again less often. With paid broadcasts a reminder that finds the free second spent takes a place
from a second, paid budget, shared the same way (bot/pacer.py)."""

from __future__ import annotations

import asyncio
import logging

from limits import RateLimitItemPerSecond
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from redis.asyncio import ConnectionPool
from redis.exceptions import RedisError

from bot.delivery import Priority
from bot.pacer import MESSAGES_PER_SECOND

log = logging.getLogger(__name__)

RESERVED_FOR_REPLIES = 3  # places of each second a reminder or broadcast never takes
RETRY = {
    Priority.REPLY: 0.005,
    Priority.POLL: 0.01,
}  # seconds between looks; the bot's own sends look every 20 ms
OWN_SENDS_RETRY = 0.02


class SharedRate:
    def __init__(
        self,
        storage: Storage,
        bot_id: int | str,
        per_second: float = MESSAGES_PER_SECOND,
        pool: ConnectionPool | None = None,
        paid_per_second: int = 0,
    ) -> None:
        self.pool = pool
        self._warned = False
        self.limiter = MovingWindowRateLimiter(storage)
        self.bot_id = str(bot_id)
        self.per_second = max(1, int(per_second))
        self.bot_wide = RateLimitItemPerSecond(self.per_second)
        self.per_chat = RateLimitItemPerSecond(1)
        self.paid = RateLimitItemPerSecond(paid_per_second) if paid_per_second > 0 else None

    @classmethod
    def from_url(
        cls,
        redis_url: str,
        bot_id: int | str,
        per_second: float = MESSAGES_PER_SECOND,
        paid_per_second: int = 0,
    ) -> SharedRate:
        # redis-py, which aiogram's Redis storage already uses, on a pool of our own to close
        pool = ConnectionPool.from_url(redis_url)
        uri = "async+" + redis_url.removeprefix("async+")
        storage = storage_from_string(
            uri,
            implementation="redispy",
            connection_pool=pool,  # type: ignore[arg-type]  # passed on to redis-py; typed as scalars only
            key_prefix="coach-rate",
        )
        assert isinstance(storage, Storage)
        return cls(storage, bot_id, per_second, pool, paid_per_second)

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.aclose()

    async def acquire(
        self, chat_id: int | str, level: Priority, may_pay: bool = False, paid: bool = False
    ) -> bool | None:
        """Wait for a place in this second, bot-wide and in this chat, across all replicas: a free one, or when
        the send may pay and the free ones are spent, a paid one (True). None: Redis is unreachable.

        A turn this replica gave as paid (its own free second spent) takes a paid place only: were it to try the
        free ones first, a replica's paid turns would grab each free place the moment it opens, and free places
        granted in bunches arrive in bunches."""
        reserve = 0 if level <= Priority.POLL else RESERVED_FOR_REPLIES
        pause = RETRY.get(level, OWN_SENDS_RETRY)
        may_pay = may_pay and self.paid is not None
        places = (True,) if paid and may_pay else (False, True) if may_pay else (False,)
        while True:
            try:
                place = await self._take(chat_id, reserve, places)
                if place is not None:
                    return place
            except RedisError:
                # Redis unreachable: this replica's own pacing still holds (its turn was given), so the send goes
                # rather than fails; with several replicas a fan-out may then draw 429s, which are retried.
                if not self._warned:
                    log.warning("shared sending rate unavailable (Redis): pacing this replica alone")
                    self._warned = True
                return None
            self._warned = False
            await asyncio.sleep(pause)

    async def _take(self, chat_id: int | str, reserve: int, places: tuple[bool, ...]) -> bool | None:
        """A bot-wide place of the kinds in `places` (paid or free), in that order: None when there is none yet,
        else whether the place taken is a paid one."""
        chat = (self.bot_id, str(chat_id))
        if not await self.limiter.test(self.per_chat, "chat", *chat):
            return None
        for paid in places:
            if await self._take_bot_wide(paid, reserve):
                break
        else:
            return None
        # The chat's place after the bot-wide one: two replicas racing for one chat may both pass `test`; the
        # loser's bot-wide place is spent for this second, a cost of a race, never a second message in the chat.
        return paid if await self.limiter.hit(self.per_chat, "chat", *chat) else None

    async def _take_bot_wide(self, paid: bool, reserve: int) -> bool:
        if paid:
            return self.paid is not None and await self.limiter.hit(self.paid, "paid", self.bot_id)
        if reserve:
            stats = await self.limiter.get_window_stats(self.bot_wide, "bot", self.bot_id)
            if stats.remaining <= reserve:
                return False
        return await self.limiter.hit(self.bot_wide, "bot", self.bot_id)
