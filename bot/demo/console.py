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
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    SendDocument,
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

from bot.app import Runtime, create_bot, create_i18n
from bot.demo.limits import visible_text
from bot.demo.session import FakeBotSession
from bot.demo.telegram import BOT_USER, FakeTelegram
from bot.states import Ask
from bot.web import create_web_app
from bot.webapp.auth import sign_init_data
from db.engine import create_sessionmaker
from db.models import Learner

DEMO_USER_ID = 1


def __(text: str) -> str:
    """Marks one of the demo's own lines for `make locales`; `ConsoleChat.t` translates it when printed."""
    return text


TYPED_ANSWERS = {Ask.hours.state, Ask.time.state}  # questions a bare number answers
_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.S)


class ConsoleSession(FakeBotSession):
    """The fake Bot API, printing what a chat would show."""

    def __init__(self, chat: ConsoleChat) -> None:
        super().__init__(FakeTelegram(poll_prefix=f"demo-{uuid.uuid4().hex[:12]}-"))
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
        self._run = datetime.now(UTC).strftime(
            "%Y%m%d-%H%M%S"
        )  # files of this run never overwrite older ones
        self.i18n = create_i18n(runtime.settings.default_locale)
        self.language = language_code if language_code in ("en", "ru") else "en"
        self._sessionmaker = create_sessionmaker(runtime.engine)

    def t(self, text: str) -> str:
        """One of the demo's own lines, in the learner's language."""
        with self.i18n.context(), self.i18n.use_locale(self.language):
            return self.i18n.gettext(text)

    def print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def shown(self, method: TelegramMethod[Any], result: Any) -> None:
        if isinstance(method, SendMessage) and isinstance(result, Message):
            self._show_message(result.message_id, method.text, method.reply_markup, edited=False)
        elif isinstance(method, EditMessageText) and method.message_id is not None and result:
            # The screens' edits do not read Telegram's answer into a Message (`views.screen.EditScreen`).
            self._show_message(method.message_id, method.text, method.reply_markup, edited=True)
        elif isinstance(method, EditMessageReplyMarkup) and isinstance(result, Message):
            self._show_message(result.message_id, None, method.reply_markup, edited=True)
        elif isinstance(method, AnswerCallbackQuery) and method.text:
            self.print(("⚠️  " if method.show_alert else "🔔 ") + method.text)
        elif isinstance(method, SendPoll) and isinstance(result, Message) and result.poll is not None:
            self._show_poll(result.message_id, result.poll)
        elif isinstance(method, SendPhoto) and isinstance(result, Message):
            self._save_photo(result.message_id, method)
        elif isinstance(method, SendDocument) and isinstance(result, Message):
            self._save_document(result.message_id, method)

    def _show_poll(self, message_id: int, poll: Poll) -> None:
        self.print(self.t(__("── bot, quiz #{n} ──")).format(n=message_id))
        self.print(f"❓ {poll.question}")
        for number, option in enumerate(poll.options, start=1):
            self.print(f"   ({number}) {option.text}")
        self.print("   " + self.t(__("type a number to answer")) + "\n")
        self.poll = poll
        self.buttons = []

    def _save_photo(self, message_id: int, method: SendPhoto) -> None:
        photo = method.photo
        data = photo.data if isinstance(photo, BufferedInputFile) else b""
        path = self._free_path(f"chart-{self._run}-{message_id}.png")
        path.write_bytes(data)
        self.print(self.t(__("── bot, photo #{n} ──")).format(n=message_id))
        self.print("🖼  " + self.t(__("saved to {path}")).format(path=path))
        if isinstance(method.caption, str):
            self.print(_console_text(method.caption))
        self.print("")

    def _save_document(self, message_id: int, method: SendDocument) -> None:
        document = method.document
        data = document.data if isinstance(document, BufferedInputFile) else b""
        name = document.filename if isinstance(document, BufferedInputFile) and document.filename else "file"
        stem, dot, suffix = name.rpartition(".")
        path = self._free_path(f"{stem}-{self._run}.{suffix}" if dot else f"{name}-{self._run}")
        path.write_bytes(data)
        self.print(self.t(__("── bot, file #{n} ──")).format(n=message_id))
        self.print("📎 " + self.t(__("saved to {path}")).format(path=path))
        if isinstance(method.caption, str):
            self.print(_console_text(method.caption))
        self.print("")

    def _free_path(self, name: str) -> Path:
        """A path in the output folder that no earlier file has taken."""
        self.output_dir.mkdir(parents=True, exist_ok=True)
        path = self.output_dir / name
        stem, suffix = path.stem, path.suffix
        copy = 2
        while path.exists():
            path = self.output_dir / f"{stem}-{copy}{suffix}"
            copy += 1
        return path

    def _show_message(self, message_id: int, text: str | None, markup: Any, edited: bool) -> None:
        if edited:
            header = self.t(__("── bot, message #{n} (edited) ──")).format(n=message_id)
        else:
            header = self.t(__("── bot, message #{n} ──")).format(n=message_id)
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
