"""The fake Bot API refuses what Telegram refuses (shared/TELEGRAM_LIMITS.md), so tests catch it first."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import AnswerCallbackQuery, AnswerInlineQuery, EditMessageText, SendMessage, SendPoll
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
)

from bot.demo.limits import LimitError, check
from bot.demo.telegram import FakeApiError, FakeTelegram
from tests.fakes.bot_api_server import FakeBotApiServer


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


def _article(
    id_: str, text: str = "<b>Docker</b>", url: str = "https://t.me/mle_coach_bot?start=t-mle_x"
) -> Any:
    return InlineQueryResultArticle(
        id=id_,
        title="Docker",
        input_message_content=InputTextMessageContent(message_text=text, parse_mode="HTML"),
        reply_markup=InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Study", url=url)]]),
    )


@pytest.mark.parametrize(
    ("results", "error"),
    [
        ([_article(f"r{i}") for i in range(51)], "RESULTS_TOO_MUCH"),
        ([_article("x" * 65)], "RESULT_ID_INVALID"),
        ([_article("й" * 33)], "RESULT_ID_INVALID"),  # 66 bytes
        ([_article("")], "RESULT_ID_INVALID"),
        ([_article("a"), _article("a")], "RESULT_ID_DUPLICATE"),
        ([_article("a", text="a < b")], "can't parse entities"),
        ([_article("a", text="x" * 4097)], "MESSAGE_TOO_LONG"),
        ([_article("a", url="t.me/bot")], "BUTTON_URL_INVALID"),
    ],
)
def test_inline_answers_refused_like_telegram(results: list[Any], error: str) -> None:
    with pytest.raises(LimitError, match=error):
        check(AnswerInlineQuery(inline_query_id="q", results=results))


async def test_an_inline_query_is_answered_once_over_http_too() -> None:
    server = FakeBotApiServer()
    await server.start()
    bot = Bot("1:t", session=AiohttpSession(api=TelegramAPIServer.from_base(server.url)))
    try:
        results = [_article(f"mle:t{i}") for i in range(50)]
        assert await bot.answer_inline_query("iq1", results, cache_time=300, is_personal=True) is True
        with pytest.raises(TelegramBadRequest, match="query is too old"):
            await bot.answer_inline_query("iq1", results[:1])
        call = server.accepted("answerInlineQuery")[0]
        assert call.params["is_personal"] in (True, "true") and len(call.params["results"]) == 50
    finally:
        await bot.session.close()
        await server.stop()
