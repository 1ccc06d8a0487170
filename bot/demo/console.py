"""The console chat: talk to the real bot in a terminal, without Telegram.

Each typed line is a message from one local learner; the bot's replies are printed with their buttons
numbered, and typing a number presses that button (a real `callback_query` update). Edits are shown as edits.
Everything below the Bot API is the real thing: dispatcher, middlewares, handlers, database.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    SendMessage,
    SendPhoto,
    SendPoll,
    TelegramMethod,
)
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    Chat,
    InlineKeyboardMarkup,
    Message,
    Poll,
    PollAnswer,
    Update,
    User,
)
from aiohttp import web

from bot.app import Runtime, create_bot
from bot.demo.limits import visible_text
from bot.demo.session import FakeBotSession
from bot.demo.telegram import BOT_USER
from bot.web import create_web_app
from bot.webapp.auth import sign_init_data

DEMO_USER_ID = 1
_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.S)


class ConsoleSession(FakeBotSession):
    """The fake Bot API, printing what a chat would show."""

    def __init__(self, chat: ConsoleChat) -> None:
        super().__init__()
        self.chat = chat

    def observe(self, method: TelegramMethod[Any], result: Any) -> None:
        self.chat.shown(method, result)


class ConsoleChat:
    def __init__(
        self,
        runtime: Runtime,
        out: TextIO = sys.stdout,
        language_code: str = "en",
        output_dir: Path | None = None,
    ) -> None:
        self.runtime = runtime
        self.out = out
        self.session = ConsoleSession(self)
        self.telegram = self.session.telegram
        self.bot = create_bot(runtime.settings, self.session)
        self.user = User(id=DEMO_USER_ID, is_bot=False, first_name="Learner", language_code=language_code)
        self.buttons: list[tuple[int, str]] = []  # (message id, callback data), numbered from 1
        self.poll: Poll | None = None  # the quiz poll that typed numbers answer
        self.output_dir = output_dir or Path("demo-output")
        self._update_ids = itertools.count(1)

    def print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def shown(self, method: TelegramMethod[Any], result: Any) -> None:
        if isinstance(method, SendMessage) and isinstance(result, Message):
            self._show_message(result.message_id, method.text, method.reply_markup, edited=False)
        elif isinstance(method, EditMessageText) and isinstance(result, Message):
            self._show_message(result.message_id, method.text, method.reply_markup, edited=True)
        elif isinstance(method, EditMessageReplyMarkup) and isinstance(result, Message):
            self._show_message(result.message_id, None, method.reply_markup, edited=True)
        elif isinstance(method, AnswerCallbackQuery) and method.text:
            self.print(("⚠️  " if method.show_alert else "🔔 ") + method.text)
        elif isinstance(method, SendPoll) and isinstance(result, Message) and result.poll is not None:
            self._show_poll(result.message_id, result.poll)
        elif isinstance(method, SendPhoto) and isinstance(result, Message):
            self._save_photo(result.message_id, method)

    def _show_poll(self, message_id: int, poll: Poll) -> None:
        self.print(f"── bot, quiz #{message_id} ──")
        self.print(f"❓ {poll.question}")
        for number, option in enumerate(poll.options, start=1):
            self.print(f"   ({number}) {option.text}")
        self.print("   type a number to answer\n")
        self.poll = poll
        self.buttons = []

    def _save_photo(self, message_id: int, method: SendPhoto) -> None:
        photo = method.photo
        data = photo.data if isinstance(photo, BufferedInputFile) else b""
        self.output_dir.mkdir(parents=True, exist_ok=True)
        path = self.output_dir / f"photo-{message_id}.png"
        path.write_bytes(data)
        self.print(f"── bot, photo #{message_id} ──\n🖼  saved to {path}")
        if isinstance(method.caption, str):
            self.print(_console_text(method.caption))
        self.print("")

    def _show_message(self, message_id: int, text: str | None, markup: Any, edited: bool) -> None:
        header = f"── bot, message #{message_id}" + (" (edited)" if edited else "") + " ──"
        self.print(header)
        if text is not None:
            self.print(_console_text(text))
        self.buttons = []
        self.poll = None
        if isinstance(markup, InlineKeyboardMarkup):
            for row in markup.inline_keyboard:
                cells = []
                for button in row:
                    if button.callback_data is not None:
                        self.buttons.append((message_id, button.callback_data))
                        cells.append(f"[{len(self.buttons)}] {button.text}")
                    elif button.url:
                        cells.append(f"[link] {button.text} <{button.url}>")
                    elif button.web_app:
                        cells.append(f"[map] {button.text} <{button.web_app.url}>")
                self.print("   " + "   ".join(cells))
        self.print("")

    async def send_line(self, line: str) -> None:
        line = line.rstrip("\n")
        if not line.strip():
            return
        number = line.strip()
        if self.poll is not None and number.isdigit() and 1 <= int(number) <= len(self.poll.options):
            await self.answer_poll(int(number))
            return
        if number.isdigit() and 1 <= int(number) <= len(self.buttons):
            await self.press(int(number))
            return
        self.print(f"── you ──\n{line}\n")
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
        self.print(f"── you answered ({number}) ──\n")
        option = poll.options[number - 1]
        explanation = f"💡 {poll.explanation}" if poll.explanation else ""
        correct = poll.correct_option_ids or []
        self.print(("✅ Right. " if number - 1 in correct else "❌ Not quite. ") + explanation + "\n")
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
        self.print(f"── you pressed [{number}] ──\n")
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

    async def run(self, lines: AsyncIterator[str]) -> None:
        self.print("MLE Coach demo: type /start. Type a button's number to press it. Ctrl-D to quit.\n")
        dispatcher = self.runtime.dispatcher
        await dispatcher.emit_startup(bot=self.bot, dispatcher=dispatcher, **dispatcher.workflow_data)
        try:
            async for line in lines:
                await self.send_line(line)
        finally:
            await dispatcher.emit_shutdown(bot=self.bot, dispatcher=dispatcher, **dispatcher.workflow_data)
            await self.bot.session.close()


async def serve_map(chat: ConsoleChat, host: str = "127.0.0.1") -> tuple[web.AppRunner, str]:
    """The bot's web server on this machine, and the map's URL for the demo learner.

    The init data in the URL is signed with the demo bot's token, so the real check runs; a browser outside
    Telegram reads it from the `#tgWebAppData=` part, as Telegram's own script does."""
    runtime = chat.runtime
    app = create_web_app(
        runtime.dispatcher, chat.bot, runtime.engine, runtime.metrics, runtime.settings, runtime.clock
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    for port in (runtime.settings.web_port, 0):  # WEB_PORT, or any free port when it is taken
        try:
            await web.TCPSite(runner, host, port).start()
            break
        except OSError:
            continue
    port = runner.addresses[0][1]
    user = {"id": chat.user.id, "first_name": chat.user.first_name, "language_code": chat.user.language_code}
    init_data = sign_init_data(chat.bot.token, user, runtime.clock())
    return runner, f"http://{host}:{port}/app/#tgWebAppData={quote(init_data)}"


def _console_text(html: str) -> str:
    """What Telegram would show, with each link's address after its title so it can be opened."""
    with_links = _LINK.sub(lambda m: f"{m.group(2)} &lt;{m.group(1)}&gt;", html)
    return visible_text(with_links)


async def stdin_lines(stream: TextIO = sys.stdin) -> AsyncIterator[str]:
    """Lines from standard input without blocking the event loop; ends at end of input."""
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, stream.readline)
        if not line:
            return
        yield line
