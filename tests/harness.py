"""A chat with the real bot for tests: real Update objects into the real Dispatcher, a fake Bot API that
records every call and answers like Telegram (refusing what Telegram refuses)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import (
    AnswerCallbackQuery,
    AnswerInlineQuery,
    EditMessageText,
    SendMessage,
    SendPoll,
    TelegramMethod,
)
from aiogram.types import (
    CallbackQuery,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQuery,
    Message,
    PollAnswer,
    Update,
    User,
)

from bot.callbacks import DAYS_DONE, DaysCb, Flow, HoursCb, TimeCb, ZoneCb
from bot.demo.session import FakeBotSession
from bot.demo.telegram import BOT_USER

_update_ids = itertools.count(1)


@dataclass
class FakeClock:
    """Controlled time for handlers and services."""

    now: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Chat_:
    """One learner's private chat with the bot."""

    def __init__(
        self, dispatcher: Dispatcher, bot: Bot, session: FakeBotSession, user_id: int, language: str
    ) -> None:
        self.dp = dispatcher
        self.bot = bot
        self.session = session
        self.user = User(id=user_id, is_bot=False, first_name=f"Learner{user_id}", language_code=language)
        self._message_ids = itertools.count(10_000 * user_id)

    # what the learner does

    async def send(self, text: str) -> list[TelegramMethod[Any]]:
        message = Message(
            message_id=next(self._message_ids),
            date=datetime.now(UTC),
            chat=self.chat,
            from_user=self.user,
            text=text,
        )
        return await self.feed(Update(update_id=next(_update_ids), message=message))

    async def press(self, label: str) -> list[TelegramMethod[Any]]:
        """Press the button whose text contains `label` on the newest message that has buttons."""
        message_id, button = self.find_button(label)
        assert button.callback_data is not None
        return await self.press_data(button.callback_data, message_id)

    async def press_data(self, data: str, message_id: int | None = None) -> list[TelegramMethod[Any]]:
        """Send a callback query with any data (a forged or stale button)."""
        if message_id is None:
            message_id = self.last_message_id()
        stored = self.session.telegram.messages.get((self.user.id, message_id))
        message = Message(
            message_id=message_id,
            date=datetime.now(UTC),
            chat=self.chat,
            from_user=BOT_USER,
            text=stored.text if stored else "old message",
        )
        query = CallbackQuery(
            id=f"q{next(_update_ids)}", from_user=self.user, chat_instance="ci", message=message, data=data
        )
        return await self.feed(Update(update_id=next(_update_ids), callback_query=query))

    async def inline(self, query: str) -> list[TelegramMethod[Any]]:
        """Type `@bot query` in some chat (an inline query; the learner need not have a chat with the bot)."""
        inline_query = InlineQuery(id=f"iq{next(_update_ids)}", from_user=self.user, query=query, offset="")
        return await self.feed(Update(update_id=next(_update_ids), inline_query=inline_query))

    def inline_answers(self) -> list[AnswerInlineQuery]:
        return [m for m in self.session.requests if isinstance(m, AnswerInlineQuery)]

    async def feed(self, update: Update) -> list[TelegramMethod[Any]]:
        before = len(self.session.requests)
        await self.dp.feed_update(self.bot, update)
        return self.session.requests[before:]

    # what the learner sees

    @property
    def chat(self) -> Chat:
        return Chat(id=self.user.id, type="private", first_name=self.user.first_name)

    def screens(self) -> list[SendMessage | EditMessageText]:
        return [
            m
            for m in self.session.requests
            if isinstance(m, SendMessage | EditMessageText) and m.chat_id == self.user.id
        ]

    @property
    def text(self) -> str:
        """The newest text shown to this learner (sent or edited)."""
        screens = self.screens()
        assert screens, "the bot has shown nothing"
        return screens[-1].text or ""

    def latest(self, marker: str) -> str:
        """The newest text shown to this learner that contains `marker`."""
        found = [s.text for s in self.screens() if s.text and marker in s.text]
        assert found, f"no message with {marker!r}"
        return found[-1]

    def last_message_id(self) -> int:
        ids = [key[1] for key in self.session.telegram.messages if key[0] == self.user.id]
        assert ids, "no message from the bot in this chat"
        return max(ids)

    def buttons(self) -> list[str]:
        return [b.text for _, b in self._buttons()]

    def find_button(self, label: str) -> tuple[int, InlineKeyboardButton]:
        matches = [(mid, b) for mid, b in self._buttons() if label in b.text]
        assert matches, f"no button with {label!r}; buttons: {self.buttons()}"
        return matches[0]

    def _buttons(self) -> list[tuple[int, InlineKeyboardButton]]:
        stored = sorted(
            (
                m
                for (chat, _), m in self.session.telegram.messages.items()
                if chat == self.user.id and m.markup
            ),
            key=lambda m: m.message_id,
        )
        if not stored:
            return []
        newest = stored[-1]
        markup: InlineKeyboardMarkup = newest.markup  # type: ignore[assignment]
        return [(newest.message_id, b) for row in markup.inline_keyboard for b in row]

    def answers(self) -> list[AnswerCallbackQuery]:
        return [m for m in self.session.requests if isinstance(m, AnswerCallbackQuery)]

    async def onboard(
        self,
        track_title: str = "Demo roadmap",
        language: str = "English",
        zone: str = "Europe/Berlin",
        minute: int = 9 * 60,
    ) -> None:
        await self.send("/start")
        await self.press(language)
        await self.press(track_title)
        await self.press_data(HoursCb(hours=6, flow=Flow.ONBOARDING).pack())
        await self.press_data(DaysCb(day=DAYS_DONE, flow=Flow.ONBOARDING).pack())  # every day
        await self.press_data(TimeCb(minute=minute, flow=Flow.ONBOARDING).pack())
        await self.press_data(ZoneCb(zone=zone, flow=Flow.ONBOARDING).pack())

    async def answer_poll(self, option: int, poll_id: str | None = None) -> list[TelegramMethod[Any]]:
        """Answer the newest quiz poll the bot sent this learner (a real poll_answer update)."""
        assert self.poll_ids, "no poll was sent"
        poll_id = poll_id or self.poll_ids[-1]
        answer = PollAnswer(
            poll_id=poll_id, user=self.user, option_ids=[option], option_persistent_ids=[str(option)]
        )
        return await self.feed(Update(update_id=next(_update_ids), poll_answer=answer))

    async def answer_right(self) -> list[TelegramMethod[Any]]:
        """Answer the newest quiz poll with the option it shows as right (options are shuffled on every send)."""
        return await self.answer_poll(shown_right(self.polls()[-1]))

    async def answer_wrong(self) -> list[TelegramMethod[Any]]:
        """Answer the newest quiz poll with an option it shows as wrong."""
        poll = self.polls()[-1]
        return await self.answer_poll(next(i for i in range(len(poll.options)) if i != shown_right(poll)))

    @property
    def poll_ids(self) -> list[str]:
        return [poll_id for chat, poll_id in self.session.telegram.sent_polls if chat == self.user.id]

    def polls(self) -> list[SendPoll]:
        return [m for m in self.session.requests if isinstance(m, SendPoll) and m.chat_id == self.user.id]


def shown_right(poll: SendPoll) -> int:
    """The position at which a sent quiz poll shows its right option."""
    assert poll.correct_option_ids is not None and len(poll.correct_option_ids) == 1
    return poll.correct_option_ids[0]
