"""What Telegram refuses (shared/TELEGRAM_LIMITS.md), checked the way Telegram checks it.

The console demo and every test session run each outgoing call through `check`, so a message that is too
long, a stray `<` in content or a 65-byte button is caught here and not by a learner.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from aiogram.methods import (
    AnswerCallbackQuery,
    AnswerInlineQuery,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    SendDocument,
    SendMessage,
    SendPhoto,
    SendPoll,
    TelegramMethod,
)
from aiogram.types import InlineKeyboardMarkup, InputTextMessageContent

TEXT_MAX = 4096
CAPTION_MAX = 1024
CALLBACK_DATA_MAX_BYTES = 64
ANSWER_TEXT_MAX = 200
POLL_QUESTION_MAX = 300
POLL_OPTION_MAX = 100
POLL_OPTIONS_MAX = 12
EXPLANATION_MAX = 200
INLINE_RESULTS_MAX = 50
INLINE_RESULT_ID_MAX_BYTES = 64

ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "tg-emoji", "code",
    "pre", "blockquote",
}  # fmt: skip
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


class LimitError(Exception):
    """Telegram would answer 400 Bad Request with this description."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


def visible_text(html: str) -> str:
    """The text a learner sees once Telegram has parsed the HTML; LimitError where Telegram cannot parse it."""
    stack: list[str] = []
    out: list[str] = []
    position = 0
    for match in _TAG.finditer(html):
        out.append(_plain(html[position : match.start()]))
        closing, name, attributes = match.group(1), match.group(2).lower(), match.group(3)
        if name not in ALLOWED_TAGS:
            raise LimitError(f'Bad Request: can\'t parse entities: unsupported start tag "{name}"')
        if closing:
            if not stack or stack[-1] != name:
                raise LimitError(f'Bad Request: can\'t parse entities: unexpected end tag "{name}"')
            stack.pop()
        else:
            if name == "a" and "href=" not in attributes:
                raise LimitError("Bad Request: can't parse entities: a tag without href")
            stack.append(name)
        position = match.end()
    out.append(_plain(html[position:]))
    if stack:
        raise LimitError(f'Bad Request: can\'t parse entities: unclosed start tag "{stack[-1]}"')
    return "".join(out)


def _plain(fragment: str) -> str:
    if "<" in fragment or ">" in fragment:
        raise LimitError("Bad Request: can't parse entities: unescaped < or > in text")
    for amp in re.finditer("&", fragment):
        if not _ENTITY.match(fragment, amp.start()):
            raise LimitError("Bad Request: can't parse entities: unsupported HTML entity")
    return unescape(fragment)


def _text(value: str, parse_mode: Any, limit: int, empty_error: str | None, long_error: str) -> None:
    shown = visible_text(value) if parse_mode == "HTML" else value
    if empty_error and not shown.strip():
        raise LimitError(empty_error)
    if len(shown) > limit:
        raise LimitError(long_error)


def _markup(markup: Any) -> None:
    if not isinstance(markup, InlineKeyboardMarkup):
        return
    for row in markup.inline_keyboard:
        for button in row:
            if not button.text:
                raise LimitError("Bad Request: BUTTON_TEXT_EMPTY")
            if button.web_app is not None and not button.web_app.url.startswith("https://"):
                raise LimitError("Bad Request: BUTTON_URL_INVALID")  # Mini Apps open over HTTPS only
            if button.url is not None and not button.url.startswith(("https://", "http://", "tg://")):
                raise LimitError("Bad Request: BUTTON_URL_INVALID")
            if button.callback_data is not None:
                size = len(button.callback_data.encode())
                if not 1 <= size <= CALLBACK_DATA_MAX_BYTES:
                    raise LimitError("Bad Request: BUTTON_DATA_INVALID")


def check(method: TelegramMethod[Any], parse_mode: str | None = "HTML") -> None:
    """Raise LimitError for a call Telegram would refuse. `parse_mode` is the bot's default."""
    mode = getattr(method, "parse_mode", None)
    mode = parse_mode if mode is None or not isinstance(mode, str) else mode
    if isinstance(method, SendMessage | EditMessageText):
        _text(
            method.text or "",
            mode,
            TEXT_MAX,
            "Bad Request: message text is empty",
            "Bad Request: message is too long",
        )
    if isinstance(method, SendPhoto | SendDocument | EditMessageCaption) and isinstance(method.caption, str):
        _text(method.caption, mode, CAPTION_MAX, None, "Bad Request: message caption is too long")
    if isinstance(method, AnswerCallbackQuery) and method.text and len(method.text) > ANSWER_TEXT_MAX:
        raise LimitError("Bad Request: MESSAGE_TOO_LONG")
    if isinstance(method, SendPoll):
        _poll(method)
    if isinstance(method, AnswerInlineQuery):
        _inline_results(method, parse_mode)
    if isinstance(method, SendMessage | EditMessageText | EditMessageReplyMarkup | SendPhoto | SendPoll):
        _markup(method.reply_markup)


def _poll(method: SendPoll) -> None:
    if not 1 <= len(method.question) <= POLL_QUESTION_MAX:
        raise LimitError("Bad Request: POLL_QUESTION_INVALID")
    if not 2 <= len(method.options) <= POLL_OPTIONS_MAX:
        raise LimitError("Bad Request: POLL_OPTIONS_COUNT_INVALID")
    for option in method.options:
        text = option if isinstance(option, str) else option.text
        if not 1 <= len(text) <= POLL_OPTION_MAX:
            raise LimitError("Bad Request: POLL_OPTION_INVALID")
    if method.type == "quiz":
        correct = method.correct_option_ids
        if not correct or any(not 0 <= i < len(method.options) for i in correct):
            raise LimitError("Bad Request: wrong quiz correct_option_id specified")
    explanation = method.explanation
    if isinstance(explanation, str) and (len(explanation) > EXPLANATION_MAX or explanation.count("\n") > 2):
        raise LimitError("Bad Request: explanation is too long")


def _inline_results(method: AnswerInlineQuery, parse_mode: str | None) -> None:
    """What Telegram checks of an inline query's answer: the number of results, their ids (unique, 1 to 64
    bytes), and each result's message and buttons as if they were sent."""
    if len(method.results) > INLINE_RESULTS_MAX:
        raise LimitError("Bad Request: RESULTS_TOO_MUCH")
    ids = [result.id for result in method.results]
    if any(not 1 <= len(i.encode()) <= INLINE_RESULT_ID_MAX_BYTES for i in ids):
        raise LimitError("Bad Request: RESULT_ID_INVALID")
    if len(set(ids)) != len(ids):
        raise LimitError("Bad Request: RESULT_ID_DUPLICATE")
    if isinstance(method.cache_time, int) and method.cache_time < 0:
        raise LimitError("Bad Request: cache_time must be non-negative")
    for result in method.results:
        if not getattr(result, "title", "x"):
            raise LimitError("Bad Request: RESULT_TITLE_EMPTY")
        content = getattr(result, "input_message_content", None)
        if isinstance(content, InputTextMessageContent):
            mode = content.parse_mode if isinstance(content.parse_mode, str) else parse_mode
            _text(
                content.message_text,
                mode,
                TEXT_MAX,
                "Bad Request: MESSAGE_EMPTY",
                "Bad Request: MESSAGE_TOO_LONG",
            )
        _markup(getattr(result, "reply_markup", None))
