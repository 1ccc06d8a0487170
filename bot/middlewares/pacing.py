"""Every Bot API call of the bot passes here (a request middleware on the bot's session, in polling and webhook
mode alike): what puts something in a chat waits for its turn from the bot's one `Pacer`; a 429 pauses that path
for as long as Telegram asked (a 429 about a group pauses that group alone: its 20 a minute are its own, and a
learner's answer must not wait for them) and the call is tried again, until a deadline in minutes; network trouble and 5xx
are retried with backoff. Nothing is reported to a learner as an error because Telegram asked the bot to wait.
A send that recorded its attempt (a reminder, a broadcast: bot/delivery.py's `BeforeSend`) has it taken back on a
429, which means "not delivered", and recorded again just before the retry. A send given a paid turn (a reminder
beyond the free rate, with PAID_BROADCAST_RATE: bot/pacer.py) goes with `allow_paid_broadcast`, and is counted.

The calls made at start-up (getMe, setMyCommands, setChatMenuButton, setWebhook) ride out network trouble and 5xx
for as long as the process lives, logging once a minute; a refused token (401) is not retried."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

from bot.delivery import Priority, current_priority, is_group, may_pay, take_before_send
from bot.pacer import Pacer

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

SEND_DEADLINE = 5 * 60.0  # seconds a message may keep waiting out 429s and network trouble
ANSWER_DEADLINE = 15.0  # Telegram forgets an unanswered button press after about that long
BACKOFF_FIRST = 0.5
BACKOFF_MAX = 30.0
STARTUP_METHODS = frozenset({"getMe", "setMyCommands", "setChatMenuButton", "setWebhook"})
STARTUP_LOG_EVERY = 60.0
_PUTS_IN_A_CHAT = ("send", "edit", "copy", "forward", "stop")


def chat_of(method: TelegramMethod[Any]) -> int | str | None:
    """The chat a call puts something in, or None for calls that are not messages (answerCallbackQuery...)."""
    name = method.__api_method__
    if not name.startswith(_PUTS_IN_A_CHAT) or name == "sendChatAction":
        return None
    chat_id = getattr(method, "chat_id", None)
    if chat_id is None:
        return "inline" if getattr(method, "inline_message_id", None) else None
    return chat_id  # type: ignore[no-any-return]


class PacedRequests(BaseRequestMiddleware):
    def __init__(
        self,
        pacer: Pacer,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        on_paid: Callable[[], None] | None = None,
    ) -> None:
        self.pacer = pacer
        self._sleep = sleep
        self._on_paid = on_paid  # a paid broadcast delivered (the metrics' counter)

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        name = method.__api_method__
        if name == "getUpdates":
            return await make_request(bot, method)  # aiogram's polling loop has its own backoff
        loop = asyncio.get_running_loop()
        chat = chat_of(method)
        level = current_priority()
        if name == "sendPoll":
            level = max(level, Priority.POLL)
        if chat is not None and is_group(chat):
            level = max(level, Priority.GROUP)
        forever = name in STARTUP_METHODS
        deadline = loop.time() + (ANSWER_DEADLINE if name == "answerCallbackQuery" else SEND_DEADLINE)
        before_send = take_before_send() if chat is not None else None
        payable = may_pay(level) and "allow_paid_broadcast" in type(method).model_fields
        backoff = BACKOFF_FIRST
        logged_at: float | None = None
        while True:
            paid = False
            if chat is not None:
                async with self.pacer.turn(chat, level, payable) as paid:
                    if before_send is not None:
                        await before_send()
            try:
                if not paid:
                    return await make_request(bot, method)
                response = await make_request(bot, method.model_copy(update={"allow_paid_broadcast": True}))
                if self._on_paid is not None:
                    self._on_paid()
                return response
            except TelegramRetryAfter as exc:
                if chat is not None and is_group(chat):
                    self.pacer.pause_chat(chat, exc.retry_after)
                elif chat is not None:
                    self.pacer.pause(exc.retry_after)
                if not forever and loop.time() + exc.retry_after > deadline:
                    raise
                if before_send is not None:  # certainly not delivered: not "attempted" while it waits
                    await before_send.not_delivered()
                log.info("%s: Telegram asked to wait %s s", name, exc.retry_after)
                if chat is None:
                    await self._sleep(exc.retry_after)
            except (TelegramNetworkError, TelegramServerError) as exc:
                if not forever and loop.time() + backoff > deadline:
                    raise
                if not forever:
                    log.warning("%s: %s, retrying in %.1f s", name, type(exc).__name__, backoff)
                elif logged_at is None or loop.time() - logged_at >= STARTUP_LOG_EVERY:
                    logged_at = loop.time()
                    log.warning(
                        "%s: Telegram is not reachable (%s: %s); still trying, and the bot starts when it answers",
                        name, type(exc).__name__, exc.message,
                    )  # fmt: skip
                await self._sleep(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX)
