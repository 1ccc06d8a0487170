"""Sending a quiz question as a Telegram quiz poll: the one place a poll goes out (reviews, practice, the
«I already know this» check), so the shuffled order is always recorded with it."""

from __future__ import annotations

from datetime import datetime

from aiogram import Bot
from aiogram.types import InputPollOption
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.services import quiz_rounds, quiz_send
from bot.views import quiz as quiz_views
from db.models import Learner


async def send_question(
    bot: Bot,
    session: AsyncSession,
    learner: Learner,
    item: quiz_rounds.QuizItem,
    clock: Clock,
    round_started_at: datetime | None = None,
) -> str:
    """Send a question as a quiz poll with its options in a new order; `round_started_at` continues a round.
    Returns the poll's id."""
    order = quiz_send.shuffled_order(item.question)
    question, options, explanation = quiz_views.question_text(item, learner.language, order)
    message = await bot.send_poll(
        chat_id=learner.id,
        question=question,
        options=list[InputPollOption | str](options),
        type="quiz",
        correct_option_ids=[order.index(item.question.correct)],
        explanation=explanation,
        is_anonymous=False,
    )
    assert message.poll is not None
    await quiz_send.record_sent(session, message.poll.id, learner.id, item, clock(), order, round_started_at)
    return message.poll.id
