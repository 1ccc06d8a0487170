"""Spaced-repetition quizzes, from a finished topic to the next due date."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from aiogram.methods import SendMessage, SendPoll
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import MarkCb, QuizCb
from bot.curriculum.catalog import Catalog
from bot.loop.coach import CoachLoop
from bot.services import quiz_cards, quiz_day, quiz_rounds, quiz_send
from db.models import QuizCard, QuizReview
from tests.harness import Chat_, FakeClock, shown_right


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
    assert "No reviews due today. The next ones come on Tue, March 3." in chat.text
    assert not chat.polls()

    clock.advance(days=1)
    await chat.send("/quiz")
    poll = chat.polls()[-1]
    assert poll.type == "quiz" and poll.is_anonymous is False
    assert poll.question == "What is the time complexity of binary search?"
    assert sorted(map(str, poll.options)) == ["O(1)", "O(log n)", "O(n log n)", "O(n)"]  # shuffled
    assert poll.options[shown_right(poll)] == "O(log n)"
    assert poll.explanation == "Each step halves the range."

    answered_at = clock.now
    clock.advance(seconds=30)  # a right answer after 30 s: Good
    await chat.answer_right()
    cards = await _cards(sessionmaker, chat.user.id)
    assert cards["q1"].last_review == answered_at + timedelta(seconds=30)
    assert cards["q1"].due - cards["q1"].last_review >= timedelta(days=2)  # Good on a new card: a few days
    second = chat.polls()[-1]
    assert second.question.startswith("Lookup by key in a Python dict")  # the next due question follows

    clock.advance(seconds=5)
    await chat.answer_wrong()  # wrong: Again
    cards = await _cards(sessionmaker, chat.user.id)
    assert cards["q2"].due - clock.now == timedelta(days=1)  # back tomorrow, never in minutes
    assert chat.text == "1 of 2 answers right this round.\nThe next review is due Wed, March 4."

    async with sessionmaker() as session:
        ratings = [(r.question_id, r.correct, r.rating) for r in await session.scalars(select(QuizReview))]
    assert ratings == [("q1", True, 3), ("q2", False, 1)]  # Good = 3, Again = 1


async def test_a_quick_right_answer_is_easy_and_a_repeated_answer_changes_nothing(
    chat: Chat_, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.onboard(zone="UTC")
    await chat.press_data(QuizCb(track="demo", topic="big-o").pack())  # practise now
    clock.advance(seconds=4)
    right = shown_right(chat.polls()[-1])
    await chat.answer_poll(right)
    await chat.answer_poll(right, poll_id=chat.poll_ids[0])  # the same poll_answer delivered again
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
    assert "I can't find the topic “transformers”" in chat.text
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
    await chat.answer_right()
    assert chat.text == (  # one due card left, but the cap of one is reached
        "✅ 1 of 1 answer right this round.\n🧠 Today's reviews are done (daily limit: 1); 1 more waits, from Wed, March 4."
    )
    await chat.send("/quiz")
    assert "🧠 Today's reviews are done (daily limit: 1); 1 more waits, from Wed, March 4." in chat.text


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
    await chat.answer_right()
    await chat.send("/progress")
    text = chat.latest("Progress:")
    assert "🔥 Streak: 2 days in a row." in text
    assert "Quizzes on the module “Computer science base”: 1 of 1 answer right (100%)" in text
    assert "🧠 Reviews: 1 today" in text and "(the spaced-repetition estimate)" in text
    photo = [m for m in chat.session.requests if isinstance(m, SendPhoto)][-1]
    assert photo.chat_id == chat.user.id


def test_scheduler_is_set_up_for_a_chat() -> None:
    assert quiz_cards.SCHEDULER.learning_steps == () and quiz_cards.SCHEDULER.relearning_steps == ()


async def test_options_come_in_a_new_order_on_every_send_and_answers_are_rated_by_their_text(
    chat: Chat_, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.onboard(zone="UTC")
    for _ in range(20):  # «Practise now» twenty times: twenty polls of the same question
        await chat.press_data(QuizCb(track="demo", topic="big-o").pack())
    polls = chat.polls()
    assert len(polls) == 20 and {p.question for p in polls} == {
        "What is the time complexity of binary search?"
    }
    assert len({tuple(map(str, p.options)) for p in polls}) > 1  # different orders
    assert all(p.options[shown_right(p)] == "O(log n)" for p in polls)  # the key follows its option
    assert all(p.explanation == "Each step halves the range." for p in polls)

    # The file's key is at position 2 ("O(log n)" is options_en[1]); answer polls that showed it elsewhere.
    moved = [i for i, p in enumerate(polls) if shown_right(p) != 1]
    assert len(moved) >= 2
    right, wrong = moved[0], moved[1]
    clock.advance(seconds=30)
    await chat.answer_poll(shown_right(polls[right]), poll_id=chat.poll_ids[right])  # Good
    clock.advance(seconds=30)
    await chat.answer_poll(1, poll_id=chat.poll_ids[wrong])  # the file's key position, showing another option
    async with sessionmaker() as session:
        reviews = [(r.question_id, r.correct, r.rating) for r in await session.scalars(select(QuizReview))]
    assert reviews == [("q1", True, 3), ("q1", False, 1)]  # Good, then Again


def test_a_shuffled_order_maps_back_to_the_question_s_own_options() -> None:
    from bot.curriculum.loader import load_catalog
    from tests.conftest import FIXTURE_CONTENT

    catalog = load_catalog(FIXTURE_CONTENT)
    question = catalog.question("demo", "big-o", "q1")
    assert question is not None
    orders = {tuple(quiz_send.shuffled_order(question)) for _ in range(50)}
    assert len(orders) > 1 and all(sorted(o) == [0, 1, 2, 3] for o in orders)
    order = quiz_send.shuffled_order(question, random.Random(7))
    shown_right = order.index(question.correct)
    assert quiz_send.own_options(",".join(map(str, order)), [shown_right]) == [question.correct]
    assert quiz_send.own_options(None, [2]) == [2]  # a poll sent before shuffling: shown in the file's order
    assert quiz_send.own_options("1,0", [5]) == [-1]  # no such option: never right


async def test_a_bad_round_offers_the_topic_again_kindly(chat: Chat_, clock: FakeClock) -> None:
    await chat.onboard(zone="UTC")
    await chat.send("/next")
    await chat.press("✅ Done")
    clock.advance(days=1)
    await chat.send("/quiz")
    await chat.answer_wrong()
    await chat.answer_wrong()
    text = chat.text
    assert text.startswith("📖 0 of 2 answers right this round.") and "✅" not in text
    assert "That's normal while a topic is fresh. Re-read it" in text
    assert chat.buttons() == ["📖 Complexity: Big-O", "🏠 Menu"]
    await chat.press("📖 Complexity: Big-O")
    assert (
        "Complexity: Big-O" in chat.text and "✅ Done" not in chat.buttons()
    )  # the topic card, already done


async def test_a_good_round_says_what_is_left_and_when(chat: Chat_, clock: FakeClock) -> None:
    await chat.onboard(zone="UTC")
    await chat.send("/next")
    await chat.press("✅ Done")
    clock.advance(days=1)
    await chat.send("/quiz")
    clock.advance(seconds=30)
    await chat.answer_right()
    clock.advance(seconds=30)
    await chat.answer_right()
    assert chat.text.startswith("✅ 2 of 2 answers right this round.\nThe next review is due ")
    assert chat.buttons() == ["🏠 Menu"]


async def test_a_practice_round_counts_only_its_own_answers_and_shows_due_reviews(
    chat: Chat_, clock: FakeClock
) -> None:
    await chat.onboard(zone="UTC")
    await chat.send("/next")
    await chat.press("✅ Done")
    clock.advance(days=1)
    await chat.send("/quiz")
    await chat.answer_wrong()  # a due review, then the round is left open
    await chat.send("/quiz Complexity")  # practice: both questions of the topic
    clock.advance(seconds=30)
    await chat.answer_right()
    clock.advance(seconds=30)
    await chat.answer_right()
    assert chat.text.startswith("✅ 2 of 2 answers right this round.")


async def test_the_end_of_a_bad_round_in_russian(chat: Chat_, clock: FakeClock) -> None:
    await chat.onboard(track_title="Демо-роадмап", zone="UTC", language="Русский")
    await chat.send("/next")
    await chat.press("Готово")
    clock.advance(days=1)
    await chat.send("/quiz")
    await chat.answer_wrong()
    await chat.answer_wrong()
    assert chat.text.startswith("📖 Верно 0 из 2 в этом раунде.")
    assert chat.buttons()[0] == "📖 Оценка сложности: Big-O"


async def test_review_outlook_counts_the_learner_s_day_within_the_cap(
    chat: Chat_, clock: FakeClock, catalog: Catalog, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    from zoneinfo import ZoneInfo

    from db.repositories import quiz as quiz_repo

    await chat.onboard(zone="UTC")
    now = clock.now  # 09:00 UTC
    zone = ZoneInfo("UTC")
    async with sessionmaker() as session:
        ref = catalog.topic("demo", "big-o")
        assert ref is not None
        rows = [quiz_cards.new_card_values(q, now) for q in ref.topic.quiz]
        rows[0]["due"], rows[1]["due"] = now - timedelta(hours=1), now + timedelta(hours=2)  # both due today
        await quiz_repo.add_cards(session, chat.user.id, "demo", "big-o", rows)
        await session.commit()

        outlook = await quiz_rounds.review_outlook(session, catalog, chat.user.id, zone, 10, now)
        assert outlook == quiz_rounds.ReviewOutlook(due_today=2, waiting=0, next_at=now)

        outlook = await quiz_rounds.review_outlook(
            session, catalog, chat.user.id, zone, 0, now
        )  # the cap is reached
        tomorrow = datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)
        assert outlook == quiz_rounds.ReviewOutlook(due_today=0, waiting=2, next_at=tomorrow)

        later = now + timedelta(days=3)
        for card in await quiz_repo.cards(session, chat.user.id):
            card.due = later
        await session.commit()
        outlook = await quiz_rounds.review_outlook(session, catalog, chat.user.id, zone, 10, now)
        assert outlook == quiz_rounds.ReviewOutlook(due_today=0, waiting=0, next_at=later)


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_the_end_of_a_round_screens(locale: str, catalog: Catalog) -> None:
    from bot.app import create_i18n
    from bot.views import quiz as quiz_views

    ref = catalog.topic("demo", "big-o")
    assert ref is not None
    i18n = create_i18n()
    with i18n.context(), i18n.use_locale(locale):
        outlook = quiz_rounds.ReviewOutlook(due_today=3, waiting=0, next_at=None)
        day = quiz_day.ReviewDay(date(2026, 3, 2), 10, 2, 3, 0, None)
        screen = quiz_views.round_done(quiz_rounds.RoundOutcome(2, 2, [], outlook), locale, "now", day)
        assert screen.markup is not None
        buttons = [b.text for row in screen.markup.inline_keyboard for b in row]
        if locale == "en":
            assert screen.text == "✅ 2 of 2 answers right this round.\n3 more reviews are due today."
            assert buttons == ["🧠 Review (3)", "🏠 Menu"]
        else:
            assert screen.text == "✅ Верно 2 из 2 в этом раунде.\nНа сегодня осталось ещё 3 повторения."
        # 2 of 4 is not a bad round, but not a tick either; 1 of 4 is
        tie = quiz_views.round_done(quiz_rounds.RoundOutcome(4, 2, [ref], outlook), locale, None, day)
        assert not tie.text.startswith(("✅", "📖"))
        bad = quiz_views.round_done(quiz_rounds.RoundOutcome(4, 1, [ref, ref], outlook), locale, None, day)
        assert bad.text.startswith("📖") and "✅" not in bad.text
        assert bad.markup is not None and len(bad.markup.inline_keyboard) == 3  # two topics and Menu
