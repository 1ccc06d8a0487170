"""Loads the learner behind the update (None before their first /start) and picks the language to answer in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update, User
from aiogram.utils.i18n import I18n, I18nMiddleware
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import breaks, profile
from bot.views import breaks as break_views
from bot.views import reminder as reminder_views
from bot.views.screen import Screen


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
        # An inline query (@bot words, typed in another chat) is not the learner writing to the coach.
        inline = isinstance(event, Update) and event.inline_query is not None
        if learner is not None and learner.onboarded_at and not inline:
            # A break ends when the learner writes; the welcome comes first, before whatever they asked for.
            arrival = await breaks.arrive(session, data["catalog"], learner, data["clock"]())
            if arrival.learner_changed:
                data["learner"] = await profile.get_learner(session, learner.id)
            if learner.active:
                with data["i18n_core"].context(), data["i18n_core"].use_locale(learner.language):
                    for screen in _greetings(arrival, learner.language):
                        await data["bot"].send_message(learner.id, screen.text, reply_markup=screen.markup)
        return await handler(event, data)


def _greetings(arrival: breaks.Arrival, locale: str) -> list[Screen]:
    screens: list[Screen] = []
    if arrival.back is not None:
        screens.append(break_views.welcome_back(arrival.back, locale))
    elif arrival.restart is not None:
        screens.append(break_views.restart(arrival.restart, locale))
    elif arrival.away:
        screens.append(Screen(reminder_views.comeback(arrival.away), None))
    if arrival.freezes is not None:
        screens.append(Screen(break_views.freezes_used(arrival.freezes), None))
    return screens


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
