"""Loads the learner behind the update (None before their first /start) and picks the language to answer in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18n, I18nMiddleware
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import profile
from bot.views import coach


class LearnerMiddleware(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        session: AsyncSession = data["session"]
        learner = await profile.get_learner(session, user.id) if user else None
        data["learner"] = learner
        away = (
            await profile.touch(session, learner, data["clock"]())
            if learner and learner.onboarded_at
            else None
        )
        if away and learner is not None and learner.active:
            # The welcome comes first, before whatever the learner asked for.
            bot: Bot = data["bot"]
            with data["i18n_core"].context(), data["i18n_core"].use_locale(learner.language):
                await bot.send_message(learner.id, coach.comeback())
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
