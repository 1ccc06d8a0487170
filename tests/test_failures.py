"""When something fails while answering, the learner hears about it exactly once, and a refused optional part
(a chart) never spoils a good answer; a flooding learner's every tap is answered."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import pytest
from aiogram import Dispatcher, F, Router
from aiogram.methods import AnswerCallbackQuery, SendMessage, SendPhoto, SendPoll
from aiogram.types import CallbackQuery

from bot.demo.telegram import FakeApiError
from tests.harness import Chat_

APOLOGY = "Sorry, something went wrong on my side"


def _apologies(chat: Chat_) -> tuple[list[AnswerCallbackQuery], list[SendMessage]]:
    alerts = [a for a in chat.answers() if a.text and APOLOGY in a.text]
    messages = [m for m in chat.session.requests if isinstance(m, SendMessage) and APOLOGY in m.text]
    return alerts, messages


async def test_a_press_whose_handler_fails_gets_the_apology_as_an_alert_on_that_press(chat: Chat_) -> None:
    await chat.onboard()
    await chat.send("/next")
    await chat.press("✅ Done")
    chat.session.fail_next(SendPoll, FakeApiError(400, "Bad Request: poll can't be sent"))
    calls = await chat.press("Practise now")
    answers = [c for c in calls if isinstance(c, AnswerCallbackQuery)]
    assert len(answers) == 1 and answers[0].show_alert and APOLOGY in (answers[0].text or "")
    alerts, messages = _apologies(chat)
    assert len(alerts) == 1 and messages == []  # exactly once: no chat message on top


async def test_a_press_failing_after_it_was_answered_gets_the_apology_in_the_chat(
    chat: Chat_, dispatcher: Dispatcher
) -> None:
    router = Router(name="answers-first")

    @router.callback_query(F.data == "answer-first", flags={"callback_answer": {"pre": True}})
    async def answer_first_then_fail(query: CallbackQuery) -> None:
        raise RuntimeError("failed after the press was answered")

    dispatcher.include_router(router)
    dispatcher.sub_routers.insert(0, dispatcher.sub_routers.pop())  # before the fallback for unknown buttons
    await chat.onboard()
    await chat.press_data("answer-first")
    first, *more = [a for a in chat.answers() if a.callback_query_id == chat.answers()[-1].callback_query_id]
    assert first.text is None  # the press was answered (empty) before the handler ran
    assert len(more) == 1 and more[0].show_alert  # one try at the alert, which Telegram refuses...
    _, messages = _apologies(chat)
    assert len(messages) == 1  # ...so the apology arrives once, in the chat


async def test_a_refused_chart_leaves_the_progress_answer_without_an_apology(
    chat: Chat_, caplog: pytest.LogCaptureFixture
) -> None:
    await chat.onboard()
    chat.session.fail_next(SendPhoto, FakeApiError(400, "Bad Request: IMAGE_PROCESS_FAILED"))
    with caplog.at_level(logging.WARNING):
        await chat.send("/progress")
    assert "Progress: Demo roadmap" in chat.latest("Progress:")
    assert _apologies(chat) == ([], [])
    assert any("progress chart dropped" in r.getMessage() for r in caplog.records)


async def test_the_progress_press_is_answered_before_the_chart_is_drawn(chat: Chat_) -> None:
    await chat.onboard()
    await chat.send("/menu")
    calls = await chat.press("📊 Progress")
    kinds = [type(c).__name__ for c in calls]
    assert kinds.count("AnswerCallbackQuery") == 1  # once, and no longer after the chart
    assert kinds.index("AnswerCallbackQuery") < kinds.index("SendPhoto")
    assert "Progress: Demo roadmap" in chat.latest("Progress:")


async def test_a_flooding_learner_has_every_tap_answered(make_chat: Callable[..., Chat_]) -> None:
    flooder = make_chat(user_id=5)
    await flooder.onboard()
    await flooder.send("/next")
    before = len(flooder.answers())
    taps = 25
    await asyncio.gather(*(flooder.press("✅ Done") for _ in range(taps)))
    answered = flooder.answers()[before:]
    assert len(answered) == taps  # none left spinning
    assert len({a.callback_query_id for a in answered}) == taps  # each press once
    assert sum("that's a lot at once" in (a.text or "") for a in answered) == 1
