"""What the console chat shows: the bot's messages with numbered buttons, its polls, and its files saved."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

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
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, Message, Poll
from aiogram.utils.i18n import I18n

from bot.demo.limits import visible_text

_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.S)


def __(text: str) -> str:
    """Marks one of the demo's own lines for `make locales`; `ConsoleDisplay.t` translates it when printed."""
    return text


class ConsoleDisplay:
    """The printing half of the console chat; `ConsoleChat` adds the learner's side."""

    def __init__(self, out: TextIO, i18n: I18n, language: str, output_dir: Path) -> None:
        self.out = out
        self.i18n = i18n
        self.language = language
        self.buttons: list[tuple[int, str]] = []  # (message id, callback data), numbered from 1
        self.poll: Poll | None = None  # the quiz poll that typed numbers answer
        self.output_dir = output_dir
        self._run = datetime.now(UTC).strftime(
            "%Y%m%d-%H%M%S"
        )  # files of this run never overwrite older ones

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


def _console_text(html: str) -> str:
    """What Telegram would show, with each link's address after its title so it can be opened."""
    with_links = _LINK.sub(lambda m: f"{m.group(2)} &lt;{m.group(1)}&gt;", html)
    return visible_text(with_links)
