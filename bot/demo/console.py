"""The console chat: talk to the real bot in a terminal, without Telegram.

Each typed line is a message from one local learner; the bot's replies are printed with their buttons
numbered, and typing a number presses that button (a real `callback_query` update). Edits are shown as edits.
Everything below the Bot API is the real thing: dispatcher, middlewares, handlers, database.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from aiogram.methods import TelegramMethod
from aiogram.types import CallbackQuery, Chat, Message, PollAnswer, Update, User

from bot.app import Runtime, create_bot, create_i18n
from bot.demo.display import ConsoleDisplay, __
from bot.demo.session import FakeBotSession
from bot.demo.telegram import BOT_USER, FakeTelegram
from bot.states import Ask
from db.engine import create_sessionmaker
from db.models import Learner

DEMO_USER_ID = 1
TYPED_ANSWERS = {Ask.hours.state, Ask.time.state}  # questions a bare number answers


class ConsoleSession(FakeBotSession):
    """The fake Bot API, printing what a chat would show."""

    def __init__(self, chat: ConsoleChat) -> None:
        super().__init__(FakeTelegram(poll_prefix=f"demo-{uuid.uuid4().hex[:12]}-"))
        self.chat = chat

    def observe(self, method: TelegramMethod[Any], result: Any) -> None:
        self.chat.shown(method, result)


class ConsoleChat(ConsoleDisplay):
    def __init__(
        self,
        runtime: Runtime,
        out: TextIO = sys.stdout,
        language_code: str = "en",
        output_dir: Path | None = None,
    ) -> None:
        language = language_code if language_code in ("en", "ru") else "en"
        i18n = create_i18n(runtime.settings.default_locale)
        super().__init__(out, i18n, language, output_dir or Path("demo-output"))
        self.runtime = runtime
        self.session = ConsoleSession(self)
        self.telegram = self.session.telegram
        self.bot = create_bot(runtime.settings, self.session)
        self.user = User(id=DEMO_USER_ID, is_bot=False, first_name="Learner", language_code=language_code)
        self._update_ids = itertools.count(1)
        self._sessionmaker = create_sessionmaker(runtime.engine)

    async def send_line(self, line: str) -> None:
        line = line.rstrip("\n")
        if not line.strip():
            return
        number = line.strip()
        if self.poll is not None and number.isdigit() and 1 <= int(number) <= len(self.poll.options):
            await self.answer_poll(int(number))
            return
        # "#3" always presses button 3; a bare "3" does too, unless a question waits for a typed answer
        # (hours, time): then the number is the answer.
        pressed = number.removeprefix("#")
        is_button = pressed.isdigit() and 1 <= int(pressed) <= len(self.buttons)
        if is_button and (number.startswith("#") or not await self._typed_answer_expected()):
            await self.press(int(pressed))
            return
        self.print(self.t(__("── you ──")) + f"\n{line}\n")
        message = Message(
            message_id=next(self._update_ids) + 1_000_000,
            date=datetime.now(UTC),
            chat=self._chat(),
            from_user=self.user,
            text=line,
        )
        await self._feed(Update(update_id=next(self._update_ids), message=message))

    async def answer_poll(self, number: int) -> None:
        poll = self.poll
        assert poll is not None
        self.poll = None
        self.print(self.t(__("── you answered ({n}) ──")).format(n=number) + "\n")
        option = poll.options[number - 1]
        explanation = f"💡 {poll.explanation}" if poll.explanation else ""
        correct = poll.correct_option_ids or []
        verdict = self.t(__("✅ Right.")) if number - 1 in correct else self.t(__("❌ Not quite."))
        self.print(verdict + " " + explanation + "\n")
        answer = PollAnswer(
            poll_id=poll.id,
            user=self.user,
            option_ids=[number - 1],
            option_persistent_ids=[option.persistent_id] if option.persistent_id else [],
        )
        await self._feed(Update(update_id=next(self._update_ids), poll_answer=answer))

    async def press(self, number: int) -> None:
        message_id, data = self.buttons[number - 1]
        stored = self.telegram.messages.get((self.user.id, message_id))
        self.print(self.t(__("── you pressed [{n}] ──")).format(n=number) + "\n")
        message = Message(
            message_id=message_id,
            date=datetime.now(UTC),
            chat=self._chat(),
            from_user=BOT_USER,
            text=stored.text if stored else None,
            reply_markup=stored.markup if stored else None,
        )
        query = CallbackQuery(
            id=str(next(self._update_ids)),
            from_user=self.user,
            chat_instance="demo",
            message=message,
            data=data,
        )
        await self._feed(Update(update_id=next(self._update_ids), callback_query=query))

    def _chat(self) -> Chat:
        return Chat(id=self.user.id, type="private", first_name=self.user.first_name)

    async def _feed(self, update: Update) -> None:
        await self.runtime.dispatcher.feed_update(self.bot, update)
        await self._follow_language()

    async def _typed_answer_expected(self) -> bool:
        context = self.runtime.dispatcher.fsm.get_context(
            self.bot, chat_id=self.user.id, user_id=self.user.id
        )
        return await context.get_state() in TYPED_ANSWERS

    async def _follow_language(self) -> None:
        """The demo's own lines follow the language the learner chose in the bot."""
        async with self._sessionmaker() as session:
            learner = await session.get(Learner, self.user.id)
            if learner is not None:
                self.language = learner.language

    async def run(self, lines: AsyncIterator[str], map_url: str | None = None) -> None:
        await self._follow_language()
        if map_url is not None:
            heading = self.t(
                __("Your roadmap as a map (the Mini App), to open in a browser beside this chat:")
            )
            self.print(f"🗺  {heading}\n{map_url}\n")
        self.print(
            self.t(
                __(
                    "MLE Coach demo: type /start. Type a button's number to press it "
                    "(or #number when a question waits for a typed number). Ctrl-D to quit."
                )
            )
            + "\n"
        )
        dispatcher = self.runtime.dispatcher
        await dispatcher.emit_startup(bot=self.bot, dispatcher=dispatcher, **dispatcher.workflow_data)
        try:
            async for line in lines:
                await self.send_line(line)
        finally:
            await dispatcher.emit_shutdown(bot=self.bot, dispatcher=dispatcher, **dispatcher.workflow_data)
            await self.bot.session.close()


async def stdin_lines(stream: TextIO = sys.stdin) -> AsyncIterator[str]:
    """Lines from standard input without blocking the event loop; ends at end of input."""
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, stream.readline)
        if not line:
            return
        yield line
