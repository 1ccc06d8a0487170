"""Every Bot API call waits out Telegram's 429 and retries network trouble, so no reply or reminder is dropped
because Telegram was busy for a moment."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

ATTEMPTS = 5
BACKOFF_FIRST = 0.5
BACKOFF_MAX = 30.0


class RetryRequests(BaseRequestMiddleware):
    def __init__(self, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self._sleep = sleep
        self._resume_at = (
            0.0  # flood control is per bot: after a 429 every call waits, not only the refused one
        )

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        backoff = BACKOFF_FIRST
        loop = asyncio.get_running_loop()
        for attempt in range(1, ATTEMPTS + 1):
            if (pause := self._resume_at - loop.time()) > 0:
                await self._sleep(pause)
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if attempt == ATTEMPTS:
                    raise
                log.warning("%s: flood control, retrying after %s s", method.__api_method__, exc.retry_after)
                self._resume_at = max(self._resume_at, loop.time() + exc.retry_after)
            except (TelegramNetworkError, TelegramServerError) as exc:
                if attempt == ATTEMPTS:
                    raise
                log.warning("%s: %s, retrying in %.1f s", method.__api_method__, type(exc).__name__, backoff)
                await self._sleep(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX)
        raise AssertionError("unreachable")  # pragma: no cover
