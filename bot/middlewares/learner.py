"""Loads the learner behind the update (None before their first /start) and picks the language to answer in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18n, I18nMiddleware
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import profile


class LearnerMiddleware(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        session: AsyncSession = data["session"]
        data["learner"] = await profile.get_learner(session, user.id) if user else None
        return await handler(event, data)


class LearnerLocaleMiddleware(I18nMiddleware):
    """The learner's chosen language; before they chose, the one their Telegram app uses."""

    def __init__(self, i18n: I18n, default_locale: str) -> None:
        super().__init__(i18n=i18n)
        self.default_locale = default_locale

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        learner = data.get("learner")
        if learner is not None:
            return str(learner.language)
        user: User | None = data.get("event_from_user")
        return profile.language_for(user.language_code if user else None, self.default_locale)
