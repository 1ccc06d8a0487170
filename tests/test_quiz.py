"""Spaced-repetition quizzes, from a finished topic to the next due date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiogram.methods import SendMessage, SendPoll
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import MarkCb, QuizCb
from bot.scheduler import CoachLoop
from bot.services import quiz
from db.models import QuizCard, QuizReview
from tests.harness import Chat_, FakeClock


async def _cards(sessionmaker: async_sessionmaker[AsyncSession], learner_id: int) -> dict[str, QuizCard]:
    async with sessionmaker() as session:
        rows = await session.scalars(select(QuizCard).where(QuizCard.learner_id == learner_id))
        return {row.question_id: row for row in rows}


async def test_fsrs_round_trip_from_answer_to_next_due_date(
    chat: Chat_, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.onboard(zone="UTC")
    await chat.send("/next")
    await chat.press("✅ Done")  # Big-O has two questions: two cards, first review tomorrow
    cards = await _cards(sessionmaker, chat.user.id)
    assert set(cards) == {"q1", "q2"}
    assert all(c.due == clock.now + timedelta(days=1) for c in cards.values())

    await chat.send("/quiz")
    assert "No reviews due today. The next ones come on Tue, 3 March." in chat.text
    assert not chat.polls()

    clock.advance(days=1)
    await chat.send("/quiz")
    poll = chat.polls()[-1]
    assert poll.type == "quiz" and poll.is_anonymous is False
    assert poll.question == "What is the time complexity of binary search?"
    assert poll.options == ["O(1)", "O(log n)", "O(n)", "O(n log n)"]
    assert poll.correct_option_ids == [1] and poll.explanation == "Each step halves the range."

    answered_at = clock.now
    clock.advance(seconds=30)  # a right answer after 30 s: Good
    await chat.answer_poll(1)
    cards = await _cards(sessionmaker, chat.user.id)
    assert cards["q1"].last_review == answered_at + timedelta(seconds=30)
    assert cards["q1"].due - cards["q1"].last_review >= timedelta(days=2)  # Good on a new card: a few days
    second = chat.polls()[-1]
    assert second.question.startswith("Lookup by key in a Python dict")  # the next due question follows

    clock.advance(seconds=5)
    await chat.answer_poll(1)  # wrong: Again
    cards = await _cards(sessionmaker, chat.user.id)
    assert cards["q2"].due - clock.now == timedelta(days=1)  # back tomorrow, never in minutes
    assert "Done for now: 1 of 2 right today." in chat.text

    async with sessionmaker() as session:
        ratings = [(r.question_id, r.correct, r.rating) for r in await session.scalars(select(QuizReview))]
    assert ratings == [("q1", True, 3), ("q2", False, 1)]  # Good = 3, Again = 1


async def test_a_quick_right_answer_is_easy_and_a_repeated_answer_changes_nothing(
    chat: Chat_, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.onboard(zone="UTC")
    await chat.press_data(QuizCb(track="demo", topic="big-o").pack())  # practise now
    clock.advance(seconds=4)
    await chat.answer_poll(1)
    await chat.answer_poll(1, poll_id=chat.poll_ids[0])  # the same poll_answer delivered again
    async with sessionmaker() as session:
        reviews = list(await session.scalars(select(QuizReview)))
    assert [(r.question_id, r.rating) for r in reviews] == [("q1", 4)]  # Easy = 4, recorded once
    assert len(chat.polls()) == 2  # practice went on to the topic's second question, once


async def test_practise_now_on_a_finished_topic_and_by_command(chat: Chat_) -> None:
    await chat.onboard()
    await chat.send("/next")
    assert "🧠 Practise now" not in chat.buttons()
    await chat.press("✅ Done")
    assert "🧠 Practise now" in chat.buttons()
    await chat.press("Practise now")
    assert chat.polls()[-1].question == "What is the time complexity of binary search?"
    await chat.send("/quiz transformers")
    assert "I can't find the topic «transformers»" in chat.text
    await chat.send("/quiz sorting")
    assert "This topic has no quiz questions." in chat.text
    await chat.send("/quiz Complexity")  # a part of the title works too
    assert len(chat.polls()) == 2


async def test_the_daily_cap_limits_reviews(
    chat: Chat_, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.onboard(zone="UTC")
    await chat.send("/settings")
    await chat.press("Reviews a day")
    await chat.press("5")
    assert "Quiz reviews a day: up to 5" in chat.text
    for topic in ("big-o",):
        await chat.press_data(MarkCb(track="demo", topic=topic, part="", status="done").pack())
    async with sessionmaker() as session:
        learner_cap = 1
        from db.models import Learner

        learner = await session.get(Learner, chat.user.id)
        assert learner is not None
        learner.daily_review_cap = learner_cap
        await session.commit()
    clock.advance(days=1)
    await chat.send("/quiz")
    clock.advance(seconds=20)
    await chat.answer_poll(1)
    assert "Done for now" in chat.text  # one due card left, but the cap of one is reached
    await chat.send("/quiz")
    assert "🧠 Today's 1 reviews are done; 1 more wait, from Wed, 4 March." in chat.text


async def test_due_reviews_come_with_the_reminder(chat: Chat_, coach: CoachLoop, clock: FakeClock) -> None:
    await chat.onboard(zone="UTC", minute=9 * 60)
    await chat.send("/next")
    await chat.press("✅ Done")
    clock.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    await coach.tick()
    reminder = [m for m in chat.session.requests if isinstance(m, SendMessage) and "Time to study" in m.text][
        -1
    ]
    assert "🧠 Reviews: 2 today" in reminder.text
    await chat.press("Review (2)")
    assert isinstance(chat.session.requests[-1], SendPoll) or chat.polls()


async def test_progress_shows_quiz_stats_streak_and_a_chart(chat: Chat_, clock: FakeClock) -> None:
    from aiogram.methods import SendPhoto

    await chat.onboard(zone="UTC")
    await chat.send("/next")
    await chat.press("✅ Done")
    clock.advance(days=1)
    await chat.send("/quiz")
    clock.advance(seconds=30)
    await chat.answer_poll(1)
    await chat.send("/progress")
    text = chat.latest("Progress:")
    assert "🔥 Streak: 2 days in a row (best: 2)." in text
    assert "Quiz accuracy, Computer science base: 100%, answers: 1" in text
    assert "🧠 Reviews: 1 today" in text and "Estimated recall:" in text
    photo = [m for m in chat.session.requests if isinstance(m, SendPhoto)][-1]
    assert photo.chat_id == chat.user.id


def test_scheduler_is_set_up_for_a_chat() -> None:
    assert quiz.SCHEDULER.learning_steps == () and quiz.SCHEDULER.relearning_steps == ()
