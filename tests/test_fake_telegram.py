"""The fake Bot API refuses what Telegram refuses (shared/TELEGRAM_LIMITS.md), so tests catch it first."""

from __future__ import annotations

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage, SendPoll
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.demo.limits import LimitError, check
from bot.demo.telegram import FakeApiError, FakeTelegram


def _markup(data: str, text: str = "b") -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text=text, callback_data=data)]])


@pytest.mark.parametrize(
    ("method", "error"),
    [
        (SendMessage(chat_id=1, text="x" * 4097), "message is too long"),
        (SendMessage(chat_id=1, text="   "), "message text is empty"),
        (SendMessage(chat_id=1, text="a < b"), "can't parse entities"),
        (SendMessage(chat_id=1, text="<p>para</p>"), "unsupported start tag"),
        (SendMessage(chat_id=1, text="<b>open"), "unclosed start tag"),
        (SendMessage(chat_id=1, text="AT&T"), "unsupported HTML entity"),
        (SendMessage(chat_id=1, text="&nbsp;"), "unsupported HTML entity"),
        (SendMessage(chat_id=1, text="ok", reply_markup=_markup("x" * 65)), "BUTTON_DATA_INVALID"),
        (
            SendMessage(chat_id=1, text="ok", reply_markup=_markup("ок" * 17)),
            "BUTTON_DATA_INVALID",
        ),  # 68 bytes
        (SendMessage(chat_id=1, text="ok", reply_markup=_markup("x", text="")), "BUTTON_TEXT_EMPTY"),
        (AnswerCallbackQuery(callback_query_id="1", text="x" * 201), "MESSAGE_TOO_LONG"),
        (SendPoll(chat_id=1, question="q" * 301, options=["a", "b"]), "POLL_QUESTION_INVALID"),
        (SendPoll(chat_id=1, question="q", options=["a", "b" * 101]), "POLL_OPTION_INVALID"),
        (SendPoll(chat_id=1, question="q", options=["a", "b"], type="quiz"), "correct_option_id"),
        (
            SendPoll(
                chat_id=1,
                question="q",
                options=["a", "b"],
                type="quiz",
                correct_option_ids=[0],
                explanation="1\n2\n3\n4",
            ),
            "explanation",
        ),
    ],
)
def test_refused_like_telegram(method: SendMessage | AnswerCallbackQuery | SendPoll, error: str) -> None:
    with pytest.raises(LimitError, match=error):
        check(method)


def test_accepted_html_counts_visible_characters() -> None:
    text = (
        "<b>" + "x" * 4000 + "</b> &lt;tag&gt; &amp; " + '<a href="https://example.com/?a=1&amp;b=2">link</a>'
    )
    check(SendMessage(chat_id=1, text=text))


def test_edits_and_answers_like_telegram() -> None:
    telegram = FakeTelegram()
    sent = telegram.respond(SendMessage(chat_id=5, text="hello"))
    with pytest.raises(FakeApiError, match="message is not modified"):
        telegram.respond(EditMessageText(chat_id=5, message_id=sent.message_id, text="hello"))
    telegram.respond(EditMessageText(chat_id=5, message_id=sent.message_id, text="changed"))
    with pytest.raises(FakeApiError, match="message to edit not found"):
        telegram.respond(EditMessageText(chat_id=5, message_id=999, text="x"))
    telegram.respond(AnswerCallbackQuery(callback_query_id="q"))
    with pytest.raises(FakeApiError, match="query is too old"):
        telegram.respond(AnswerCallbackQuery(callback_query_id="q"))
    telegram.blocked_chats.add(5)
    with pytest.raises(FakeApiError, match="blocked") as blocked:
        telegram.respond(SendMessage(chat_id=5, text="hi"))
    assert blocked.value.code == 403
