"""Every button press is answered once: aiogram's CallbackAnswerMiddleware, except that a press whose handler
failed is left unanswered for the error handler (bot/errors.py), which answers it with the apology as an alert."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.dispatcher.flags import get_flag
from aiogram.types import CallbackQuery, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswerMiddleware


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
