"""Sending what the bot starts itself (reminders, summaries, quiz questions) within Telegram's limits.

About 30 messages a second overall and one a second per chat. A learner who blocked the bot raises TelegramForbiddenError to the caller, who stops. Retrying a request
is the bot's RetryRequests middleware's job (bot/middlewares/retry.py); this module paces the sends.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiogram.exceptions import TelegramRetryAfter
from aiolimiter import AsyncLimiter

T = TypeVar("T")

MESSAGES_PER_SECOND = 29.5  # Telegram's limit is about 30; a hair under it, nothing is refused
PER_CHAT_INTERVAL = 1.0


class Courier:
    def __init__(
        self,
        per_second: float = MESSAGES_PER_SECOND,
        per_chat_interval: float = PER_CHAT_INTERVAL,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        # One send per 1/rate seconds, no bursts: Telegram counts any second, not an average over a minute.
        self._limiter = AsyncLimiter(1, 1 / per_second)
        self._per_chat_interval = per_chat_interval
        self._next_for_chat: dict[int, float] = {}
        self._resume_at = 0.0
        self._sleep = sleep

    async def deliver(self, chat_id: int, send: Callable[[], Awaitable[T]]) -> T:
        """Send when it is this chat's turn; a 429 makes every later send wait as long as Telegram asked.

        The request itself is retried by the bot's RetryRequests middleware."""
        await self._wait_turn(chat_id)
        try:
            return await send()
        except TelegramRetryAfter as exc:
            self._resume_at = max(self._resume_at, _now() + exc.retry_after)
            raise

    async def _wait_turn(self, chat_id: int) -> None:
        while (pause := self._resume_at - _now()) > 0:
            await self._sleep(pause)
        wait = self._next_for_chat.get(chat_id, 0.0) - _now()
        if wait > 0:
            await self._sleep(wait)
        self._next_for_chat[chat_id] = _now() + self._per_chat_interval
        if len(self._next_for_chat) > 10_000:
            self._forget_idle_chats()
        await self._limiter.acquire()

    def _forget_idle_chats(self) -> None:
        now = _now()
        self._next_for_chat = {chat: at for chat, at in self._next_for_chat.items() if at > now}


def _now() -> float:
    return asyncio.get_running_loop().time()
