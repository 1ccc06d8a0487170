"""A learner who floods the bot is slowed down with one polite message; everyone else is not affected.

What floods is concurrency: twenty taps in a second reach the bot as twenty updates handled at once (polling and
webhooks both run them side by side), each wanting the database and a reply in the same chat, where Telegram
allows about one message a second. So each learner may have a few updates in progress; what arrives beyond that is
dropped before it reaches the database; the first dropped update of a flood gets the message, and every dropped
button press is answered (a short toast), so no button keeps spinning on the learner's phone. Quiz answers
are never dropped: they are progress, and Telegram sends them one per question anyway."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject, Update, User
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _

from bot.services.profile import language_for

MAX_IN_PROGRESS = 3


class Throttle(BaseMiddleware):
    def __init__(self, i18n: I18n, default_locale: str, limit: int = MAX_IN_PROGRESS) -> None:
        self.i18n = i18n
        self.default_locale = default_locale
        self.limit = limit
        self._in_progress: dict[int, int] = {}
        self._warned: set[int] = set()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or not isinstance(event, Update) or event.poll_answer is not None:
            return await handler(event, data)
        busy = self._in_progress.get(user.id, 0)
        if busy >= self.limit:
            first = user.id not in self._warned
            self._warned.add(user.id)
            if first or event.callback_query is not None:
                await self._warn(event, data["bot"], user, first)
            return None
        self._in_progress[user.id] = busy + 1
        try:
            return await handler(event, data)
        finally:
            left = self._in_progress[user.id] - 1
            if left:
                self._in_progress[user.id] = left
            else:
                # The flood is over: forget the learner, and the next flood gets its own message.
                del self._in_progress[user.id]
                self._warned.discard(user.id)

    async def _warn(self, update: Update, bot: Bot, user: User, first: bool) -> None:
        with self.i18n.context(), self.i18n.use_locale(language_for(user.language_code, self.default_locale)):
            if first:
                text = _("Whoa, that's a lot at once! Give me a second, then tap again.")
            else:
                text = _("One moment…")
        if update.callback_query is not None:
            await bot.answer_callback_query(update.callback_query.id, text=text)
        elif update.message is not None and update.message.chat.type == "private":
            await bot.send_message(update.message.chat.id, text)
