"""A Telegram group with the bot in it, for tests: the updates Telegram sends a bot whose group privacy mode is on
(its own membership changing, commands addressed to it, service messages, answers to its own non-anonymous polls),
built from aiogram's types and fed through the real dispatcher."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import LeaveChat, SendMessage, SendPoll, TelegramMethod
from aiogram.types import (
    Chat,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberUpdated,
    Message,
    PollAnswer,
    Update,
    User,
)

from bot.demo.session import FakeBotSession
from bot.demo.telegram import BOT_USER
from tests.harness import shown_right

_ids = itertools.count(900_000)


def person(user_id: int, first_name: str, language: str = "en") -> User:
    return User(id=user_id, is_bot=False, first_name=first_name, last_name="Testova", language_code=language)


class GroupChat:
    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        session: FakeBotSession,
        chat_id: int,
        title: str = "Spring cohort chat",
    ) -> None:
        self.dp = dispatcher
        self.bot = bot
        self.session = session
        self.chat_id = chat_id
        self.title = title

    @property
    def chat(self) -> Chat:
        kind = "supergroup" if str(self.chat_id).startswith("-100") else "group"
        return Chat(id=self.chat_id, type=kind, title=self.title)

    async def feed(self, **update: Any) -> list[TelegramMethod[Any]]:
        before = len(self.session.requests)
        await self.dp.feed_update(self.bot, Update(update_id=next(_ids), **update))
        return self.session.requests[before:]

    async def bot_added(self, by: User) -> list[TelegramMethod[Any]]:
        return await self.feed(my_chat_member=self._membership(by, ChatMemberLeft(user=BOT_USER),
                                                               ChatMemberMember(user=BOT_USER)))  # fmt: skip

    async def bot_removed(self, by: User) -> list[TelegramMethod[Any]]:
        banned = ChatMemberBanned(user=BOT_USER, until_date=datetime(1970, 1, 1, tzinfo=UTC))
        return await self.feed(my_chat_member=self._membership(by, ChatMemberMember(user=BOT_USER), banned))

    def _membership(self, by: User, old: Any, new: Any) -> ChatMemberUpdated:
        return ChatMemberUpdated(
            chat=self.chat, from_user=by, date=datetime.now(UTC), old_chat_member=old, new_chat_member=new
        )

    async def command(self, by: User, text: str) -> list[TelegramMethod[Any]]:
        """A command addressed to the bot (`/start@mle_coach_bot g-…`), as a startgroup link makes the app send."""
        return await self.feed(message=self._message(by, text=text))

    async def text(self, by: User, text: str) -> list[TelegramMethod[Any]]:
        """Plain text in the group: with privacy mode on Telegram never delivers it; here it is, to show it is left
        alone."""
        return await self.feed(message=self._message(by, text=text))

    async def become_supergroup(self, by: User, new_chat_id: int) -> None:
        """Both service messages Telegram sends when a group is upgraded: in the old group, and in the new one."""
        await self.feed(message=self._message(by, migrate_to_chat_id=new_chat_id))
        old = self.chat_id
        self.chat_id = new_chat_id
        await self.feed(message=self._message(by, migrate_from_chat_id=old))

    def _message(self, by: User, **fields: Any) -> Message:
        return Message(message_id=next(_ids), date=datetime.now(UTC), chat=self.chat, from_user=by, **fields)

    async def answer(self, by: User, poll: SendPoll, poll_id: str, right: bool) -> list[TelegramMethod[Any]]:
        position = shown_right(poll)
        option = position if right else next(i for i in range(len(poll.options)) if i != position)
        answer = PollAnswer(
            poll_id=poll_id, user=by, option_ids=[option], option_persistent_ids=[str(option)]
        )
        return await self.feed(poll_answer=answer)

    # what the group sees

    def messages(self) -> list[str]:
        return [
            m.text or ""
            for m in self.session.requests
            if isinstance(m, SendMessage) and str(m.chat_id) == str(self.chat_id)
        ]

    def polls(self) -> list[tuple[SendPoll, str]]:
        """The quiz polls the bot sent here, each with the id Telegram gave it."""
        ids = [pid for chat, pid in self.session.telegram.sent_polls if chat == self.chat_id]
        sent = [
            m
            for m in self.session.requests
            if isinstance(m, SendPoll) and str(m.chat_id) == str(self.chat_id)
        ]
        return list(zip(sent, ids, strict=True))  # strict: a refused poll would show here

    def left(self) -> bool:
        return any(isinstance(m, LeaveChat) and m.chat_id == self.chat_id for m in self.session.requests)


def most_in_a_window(times: list[float], window: float = 60.0) -> int:
    """The most messages in any `window` seconds (Telegram's group limit counts a minute)."""
    times = sorted(times)
    return max((sum(1 for t in times if start <= t < start + window) for start in times), default=0)


def private_texts(session: FakeBotSession, user_id: int, marker: str = "") -> list[str]:
    return [
        m.text or ""
        for m in session.requests
        if isinstance(m, SendMessage) and m.chat_id == user_id and marker in (m.text or "")
    ]
