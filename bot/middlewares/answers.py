"""Every button press is answered once: aiogram's CallbackAnswerMiddleware, except that a press whose handler
failed is left unanswered for the error handler (bot/errors.py), which answers it with the apology as an alert.
A handler with slow work after its screen (the /progress chart) answers first (`answer_now`), so the button stops
spinning as the screen appears."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.dispatcher.flags import get_flag
from aiogram.types import CallbackQuery, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswer, CallbackAnswerMiddleware


class AnswerEveryPress(CallbackAnswerMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, CallbackQuery):
            return await handler(event, data)
        callback_answer = data["callback_answer"] = self.construct_callback_answer(
            properties=get_flag(data, "callback_answer")
        )
        if not callback_answer.disabled and callback_answer.answered:
            await self.answer(event, callback_answer)
        result = await handler(event, data)  # on an error the press stays unanswered, for the apology
        if not callback_answer.disabled and not callback_answer.answered:
            await self.answer(event, callback_answer)
        return result


async def answer_now(query: CallbackQuery, callback_answer: CallbackAnswer | None) -> None:
    """Answer the press now, before the handler's slow part, and leave nothing for the middleware to answer."""
    if callback_answer is None or callback_answer.disabled or callback_answer.answered:
        return
    await query.answer(
        text=callback_answer.text,
        show_alert=callback_answer.show_alert,
        url=callback_answer.url,
        cache_time=callback_answer.cache_time,
    )
    callback_answer.disable()
