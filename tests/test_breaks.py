"""Breaks and streaks (issue 14): a vacation leaves no pile-up, reviews spread evenly, a streak forgives one bad day.

Everything runs under the controlled clock (`FakeClock`): through the real Dispatcher and the coach loop, or the
services directly."""

from __future__ import annotations

import random
import statistics
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiogram.methods import SendMessage
from aiogram.types import InlineKeyboardMarkup
from fsrs import Card, Rating
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import create_i18n
from bot.callbacks import CatchUpCb, MarkCb
from bot.config import PROJECT_ROOT, Settings
from bot.curriculum.catalog import Catalog
from bot.curriculum.loader import load_catalog
from bot.loop.coach import CoachLoop
from bot.services import breaks, catch_up, learner_plan, quiz_answers, quiz_day, quiz_rounds, quiz_send
from bot.services.activity import Streak, streak
from bot.services.quiz_balance import balanced_day, fuzz_range
from bot.services.quiz_cards import SCHEDULER
from bot.services.quiz_day import ReviewDay
from bot.services.reminders import at_local, local_date
from bot.services.streaks import FreezeNews, Nudge
from bot.views import breaks as break_views
from db.models import Learner, QuizCard, ReminderSend, SendKind, StudyEntry, StudyKind
from db.repositories import learners as learner_repo
from tests.conftest import FIXTURE_CONTENT, TEST_DATABASE_URL
from tests.harness import Chat_, FakeClock
from tests.test_russian_screens import foreign

ADMIN = 9000
MON_FRI = frozenset(range(5))
UTC_ZONE = ZoneInfo("UTC")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        bot_token=None,
        database_url=TEST_DATABASE_URL or f"sqlite+aiosqlite:///{tmp_path}/coach.db",
        content_dir=FIXTURE_CONTENT,
        admin_ids=str(ADMIN),
    )


def sent_texts(chat: Chat_) -> list[str]:
    return [
        m.text or ""
        for m in chat.session.requests
        if isinstance(m, SendMessage) and m.chat_id == chat.user.id
    ]


async def finish(
    sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog, learner_id: int, now: datetime
) -> date:
    """The planned finish date of the learner's personal plan, as every screen shows it."""
    async with sessionmaker() as session:
        learner = await session.get(Learner, learner_id)
        assert learner is not None and learner.current_track
        personal = await learner_plan.personal_plan(session, catalog, learner, learner.current_track, now)
        assert personal is not None
        return personal.planned_finish


# -- even load ------------------------------------------------------------------------------------------------------


def simulate_load(balance: bool, cards: int = 300, cap: int = 30, seed: int = 7) -> list[int]:
    """One Monday-to-Friday learner: ten new cards each study day up to `cards`, every review due answered each
    study day (one in ten wrong), scheduled by FSRS as the bot does; with `balance`, each next review goes to the
    day `balanced_day` picks. Returns the reviews due on each study day of days 45 to 74."""
    rng = random.Random(seed)
    start = date(2026, 3, 2)
    due: dict[int, date] = {}
    state: dict[int, Card] = {}
    faced: dict[date, int] = {}
    added = 0
    for n in range(75):
        day = start + timedelta(days=n)
        if day.weekday() not in MON_FRI:
            continue
        now = at_local(UTC_ZONE, day, time(9, 0))
        waiting = sorted((c for c, d in due.items() if d <= day), key=lambda c: due[c])
        faced[day] = len(waiting)
        for card_id in waiting[:cap]:
            rating = Rating.Again if rng.random() < 0.1 else Rating.Good
            card, _ = SCHEDULER.review_card(state[card_id], rating, review_datetime=now)
            state[card_id] = card
            planned = card.due.date()
            if balance:
                load = Counter(d for other, d in due.items() if other != card_id)
                planned = balanced_day(day, (planned - day).days, load, cap, MON_FRI)
            due[card_id] = planned
        while added < min(cards, (n + 1) * 10):
            state[added] = Card(card_id=1, due=now + timedelta(days=1))
            first = day + timedelta(days=1)
            while balance and first.weekday() not in MON_FRI:
                first += timedelta(days=1)
            due[added] = first
            added += 1
    return [count for day, count in faced.items() if (day - start).days >= 45]


def test_reviews_spread_evenly_over_a_few_hundred_cards() -> None:
    """300 cards for one Monday-to-Friday learner with a cap of 30 a day, over the 30 days from day 45 (22 study
    days). FSRS's own dates (before): daily counts with a standard deviation of 10.2 around a mean of 14.0, the
    busiest day 39 reviews (over the cap). With the load balancer (after): standard deviation 3.2 around 14.8,
    the busiest day 20, no day over the cap, and never a review on a Saturday or Sunday."""
    before = simulate_load(balance=False)
    after = simulate_load(balance=True)
    assert max(before) > 30
    assert max(after) <= 30
    assert round(statistics.pstdev(before), 1) == 10.2
    assert round(statistics.pstdev(after), 1) == 3.2
    assert statistics.pstdev(after) < statistics.pstdev(before) / 2


def test_the_balanced_day_is_within_fsrs_fuzz_the_least_loaded_and_a_study_day() -> None:
    friday = date(2026, 3, 6)
    shortest, longest = fuzz_range(10)
    assert (shortest, longest) == (8, 12)  # py-fsrs: 10 ± (1 + 0.15·4.5 + 0.1·3), rounded
    load = Counter({friday + timedelta(days=n): 5 for n in range(8, 13)})
    load[friday + timedelta(days=11)] = 1  # a Tuesday
    assert balanced_day(friday, 10, load, 10, MON_FRI) == friday + timedelta(days=11)
    # Tomorrow is a Saturday for a Monday-to-Friday learner: the review comes on Monday.
    assert balanced_day(friday, 1, Counter(), 10, MON_FRI) == date(2026, 3, 9)
    # Every day of the range full: the first study day after it with room.
    full = Counter({friday + timedelta(days=n): 10 for n in range(0, 14)})
    assert balanced_day(friday, 10, full, 10, MON_FRI) == date(2026, 3, 20)


# -- streaks --------------------------------------------------------------------------------------------------------


def test_a_streak_counts_study_days_and_a_freeze_forgives_one() -> None:
    monday = date(2026, 3, 2)
    weekdays = [monday + timedelta(days=n) for n in range(12) if (monday + timedelta(days=n)).weekday() < 5]
    # Monday to Friday twice, weekend off: the weekend keeps the streak for a Monday-to-Friday learner.
    kept = streak(set(weekdays), monday + timedelta(days=11), MON_FRI)
    assert kept.current == 10
    # For an every-day learner the missed weekend (no freeze earned yet) ended it: the second week only.
    assert streak(set(weekdays), monday + timedelta(days=11)).current == 5
    # Seven days of streak earn one freeze; the first missed study day uses it and the streak goes on.
    days = {monday + timedelta(days=n) for n in range(7)}
    missed_one = streak(days | {monday + timedelta(days=8)}, monday + timedelta(days=8))
    assert (missed_one.current, missed_one.freezes_used, missed_one.freezes_left) == (8, 1, 0)
    # A second missed day with no freeze left ends it.
    assert streak(days | {monday + timedelta(days=8)}, monday + timedelta(days=10)).current == 0
    # At most two freezes banked, however long the streak.
    long = {monday + timedelta(days=n) for n in range(35)}
    assert streak(long, monday + timedelta(days=34)).freezes_left == 2
    # Today is not missed until it ends; days of a break are not missed either.
    assert streak({monday, monday + timedelta(days=1)}, monday + timedelta(days=2)).current == 2
    excused = frozenset(monday + timedelta(days=n) for n in range(2, 6))
    assert (
        streak({monday, monday + timedelta(days=1)}, monday + timedelta(days=6), excused=excused).current == 2
    )


async def add_study_days(
    sessionmaker: async_sessionmaker[AsyncSession], learner_id: int, days: list[date]
) -> None:
    """A topic finished on each of these days: rows of the study ledger, which the streak counts."""
    async with sessionmaker() as session:
        for n, day in enumerate(days):
            session.add(
                StudyEntry(
                    learner_id=learner_id,
                    track_id="demo",
                    topic_id=f"old-{n}",
                    step="",
                    kind=StudyKind.DONE,
                    minutes=60.0,
                    at=at_local(UTC_ZONE, day, time(12, 0)),
                )
            )
        await session.commit()


async def test_a_used_freeze_is_told_the_next_time(
    chat: Chat_, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.onboard(zone="UTC")
    start = date(2026, 3, 2)
    await add_study_days(sessionmaker, chat.user.id, [start + timedelta(days=n) for n in range(7)])
    clock.now = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)  # 9 March (a study day) was missed
    await chat.send("/today")
    told = [t for t in sent_texts(chat) if "Your streak is safe" in t]
    assert told == ["🧊 Your streak is safe: 1 freeze used, none left. Streak: 7 days."]
    clock.advance(hours=2)
    await chat.send("/today")
    assert len([t for t in sent_texts(chat) if "Your streak is safe" in t]) == 1  # told once


async def test_streak_at_risk_nudge_in_the_evening_once(
    chat: Chat_,
    clock: FakeClock,
    coach: CoachLoop,
    sessionmaker: async_sessionmaker[AsyncSession],
    catalog: Catalog,
) -> None:
    await chat.onboard(zone="UTC")
    await coach.tick()  # plans the evening nudge
    await add_study_days(sessionmaker, chat.user.id, [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)])
    clock.now = datetime(2026, 3, 5, 21, 59, tzinfo=UTC)
    await coach.tick()
    assert not [t for t in sent_texts(chat) if "Your streak is" in t]
    clock.now = datetime(
        2026, 3, 5, 22, 0, tzinfo=UTC
    )  # an hour before the learner's day ends (quiet from 23:00)
    await coach.tick()
    nudges = [t for t in sent_texts(chat) if "Your streak is" in t]
    assert nudges == ["🔥 Your streak is 3 days. A few minutes today keep it going."]
    assert "📅 Today" in chat.buttons() or any("Review" in b for b in chat.buttons())
    # A restarted process (a new loop on the same database) does not send it again.
    clock.now = datetime(2026, 3, 5, 22, 30, tzinfo=UTC)
    again = CoachLoop(coach.bot, sessionmaker, catalog, coach.i18n, clock, coach.courier)
    await again.tick()
    await coach.tick()
    assert len([t for t in sent_texts(chat) if "Your streak is" in t]) == 1
    async with sessionmaker() as session:
        rows = (await session.scalars(select(ReminderSend).where(ReminderSend.kind == SendKind.NUDGE))).all()
        assert [(r.local_date, r.status) for r in rows] == [(date(2026, 3, 5), "sent")]
    # The next evening the learner has studied: no nudge.
    await add_study_days(sessionmaker, chat.user.id, [date(2026, 3, 6)])
    clock.now = datetime(2026, 3, 6, 22, 0, tzinfo=UTC)
    await coach.tick()
    assert len([t for t in sent_texts(chat) if "Your streak is" in t]) == 1
    # Turned off in settings: nothing on Monday evening, though the streak (6 to 8 March) is at risk.
    await add_study_days(sessionmaker, chat.user.id, [date(2026, 3, 7), date(2026, 3, 8)])
    await chat.send("/settings")
    assert "Evening nudge when a streak is at risk: on" in chat.text
    await chat.press("Streak nudge: turn off")
    assert "Evening nudge when a streak is at risk: off" in chat.text
    clock.now = datetime(2026, 3, 9, 22, 0, tzinfo=UTC)
    await coach.tick()
    assert len([t for t in sent_texts(chat) if "Your streak is" in t]) == 1


async def test_the_nudge_never_comes_in_quiet_hours(
    chat: Chat_, clock: FakeClock, coach: CoachLoop, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.onboard(zone="UTC")
    await coach.tick()
    await add_study_days(sessionmaker, chat.user.id, [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)])
    clock.now = datetime(2026, 3, 5, 23, 10, tzinfo=UTC)  # the bot was down at 22:00: too late now
    await coach.tick()
    assert not [t for t in sent_texts(chat) if "Your streak is" in t]


# -- vacation -------------------------------------------------------------------------------------------------------


async def test_pause_for_a_week_sends_nothing_then_welcomes_back_with_the_plan_moved(
    chat: Chat_,
    clock: FakeClock,
    coach: CoachLoop,
    sessionmaker: async_sessionmaker[AsyncSession],
    catalog: Catalog,
) -> None:
    await chat.onboard(zone="UTC", minute=9 * 60)
    await chat.press_data(MarkCb(track="demo", topic="big-o", part="", status="done").pack())
    finish_before = await finish(sessionmaker, catalog, chat.user.id, clock.now)
    await chat.send("/pause")
    assert "For how long?" in chat.text
    assert {"A week", "Two weeks", "A month", "Until I'm back"} <= set(chat.buttons())
    await chat.press("A week")
    assert "I'll be quiet until March 9, 2026" in chat.text
    before = len(sent_texts(chat))
    # A week of reminder times, evenings and the Sunday summary: nothing arrives.
    for hours in range(0, 24 * 7 - 1, 3):  # 10:00, 13:00, … 19:00 (the summary), 22:00 (the nudge) …
        clock.now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC) + timedelta(hours=hours)
        assert await coach.tick() == 0, clock.now
    assert len(sent_texts(chat)) == before
    clock.now = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    await coach.tick()
    welcome = [t for t in sent_texts(chat) if "Welcome back" in t]
    assert len(welcome) == 1
    assert "Your plan moved by 7 days with your break" in welcome[0]
    assert await finish(sessionmaker, catalog, chat.user.id, clock.now) == finish_before + timedelta(days=7)
    assert "Your first day back" in welcome[0]
    await coach.tick()
    assert len([t for t in sent_texts(chat) if "Welcome back" in t]) == 1  # once
    # Reminders are on again: the next day's reminder comes.
    clock.now = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    assert await coach.tick() >= 1


async def test_until_i_am_back_ends_when_the_learner_writes(
    chat: Chat_,
    clock: FakeClock,
    coach: CoachLoop,
    sessionmaker: async_sessionmaker[AsyncSession],
    catalog: Catalog,
) -> None:
    await chat.onboard(zone="UTC", minute=9 * 60)
    finish_before = await finish(sessionmaker, catalog, chat.user.id, clock.now)
    await chat.send("/pause")
    await chat.press("Until I'm back")
    assert "I'll be quiet until you write to me" in chat.text
    clock.now = datetime(2026, 3, 16, 8, 0, tzinfo=UTC)
    assert await coach.tick() == 0
    clock.now = datetime(2026, 3, 16, 12, 0, tzinfo=UTC)  # 14 days later
    calls = await chat.send("/today")
    texts = [c.text for c in calls if isinstance(c, SendMessage)]
    assert "Welcome back" in (texts[0] or "")  # first, before what the learner asked for
    assert "Your plan moved by 14 days" in (texts[0] or "")
    assert "Today" in (texts[-1] or "")
    assert await finish(sessionmaker, catalog, chat.user.id, clock.now) == finish_before + timedelta(days=14)


async def test_the_break_and_the_nudge_in_russian(chat_ru: Chat_, clock: FakeClock, coach: CoachLoop) -> None:
    chat = chat_ru
    await chat.onboard(track_title="Демо-роадмап", language="Русский", zone="UTC", minute=9 * 60)
    await chat.send("/pause")
    shown = [chat.text, *chat.buttons()]
    await chat.press("Неделя")
    shown.append(chat.text)
    clock.now = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    await coach.tick()
    # The welcome's own lines (the fixture track's titles mix in English: the real tracks are checked elsewhere).
    shown += chat.latest("С возвращением").split("\n")[:2]
    await chat.send("/settings")
    shown += [chat.text, *chat.buttons()]
    i18n = create_i18n()
    with i18n.context(), i18n.use_locale("ru"):
        nudge = break_views.streak_at_risk(
            Nudge(Streak(4, 9), ReviewDay(date(2026, 3, 9), 10, 0, 3, 0, None))
        )
        shown += (
            [nudge.text, *(b.text for row in nudge.markup.inline_keyboard for b in row)]
            if nudge.markup
            else []
        )
        shown.append(break_views.freezes_used(FreezeNews(used=1, left=1, streak=12)))
        shown.append(break_views.freezes_used(FreezeNews(used=2, left=0, streak=21)))
    assert "🧊 Серия цела: использована 1 заморозка, осталась 1. Серия: 12 дней." in shown
    for text in shown:
        assert not foreign(text), (text, foreign(text))


@pytest.fixture
def chat_ru(make_chat: Callable[..., Chat_]) -> Chat_:
    return make_chat(user_id=1002, language="ru")


# -- the comeback ---------------------------------------------------------------------------------------------------


async def test_back_after_a_week_without_pausing_gets_a_gentle_restart(
    chat: Chat_, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog
) -> None:
    await chat.onboard(zone="UTC", minute=9 * 60)
    await chat.press_data(MarkCb(track="demo", topic="big-o", part="", status="done").pack())
    await chat.press_data(MarkCb(track="demo", topic="sorting", part="", status="in_progress").pack())
    clock.now = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)  # ten days later
    calls = await chat.send("/today")
    first = next(c.text for c in calls if isinstance(c, SendMessage)) or ""
    assert "Good to see you again" in first
    assert "You were studying the topic <b>Sorting</b>" in first
    assert "The reviews that matter most now:\n• Complexity: Big-O" in first
    assert "waiting" not in first  # no backlog count
    restart = next(c for c in calls if isinstance(c, SendMessage))
    assert isinstance(restart.reply_markup, InlineKeyboardMarkup)
    move = [
        b for row in restart.reply_markup.inline_keyboard for b in row if "Move the finish date" in b.text
    ]
    assert move and move[0].callback_data == CatchUpCb(action="move").pack()
    await chat.press_data(move[0].callback_data)
    assert await finish(sessionmaker, catalog, chat.user.id, clock.now) > date(2026, 3, 24)


async def test_stats_count_learners_on_a_break_and_freezes_used(
    make_chat: Callable[..., Chat_], clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    learner = make_chat(user_id=5)
    await learner.onboard(zone="UTC")
    await add_study_days(sessionmaker, 5, [date(2026, 3, 2) + timedelta(days=n) for n in range(7)])
    clock.now = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
    await learner.send("/today")  # told about the freeze used on 9 March
    await learner.send("/pause")
    await learner.press("Two weeks")
    admin = make_chat(user_id=ADMIN)
    await admin.send("/stats")
    assert "On a break now: 1; streak freezes used: 1" in admin.text


# -- a simulated learner who takes 14 days off ----------------------------------------------------------------------

REAL = load_catalog(PROJECT_ROOT / "content")
CAP = 10


async def simulated_learner(session: AsyncSession, now: datetime, cards: int) -> Learner:
    """A Monday-to-Friday learner on the MLE track with `cards` reviews already learned, due over the next weeks."""
    session.add(
        Learner(
            id=77,
            language="en",
            timezone="UTC",
            reminder_minute=9 * 60,
            weekly_hours=6,
            current_track="mle",
            onboarded_at=now,
            last_active_at=now,
            daily_review_cap=CAP,
            study_days=0b0011111,
        )
    )
    await session.flush()
    await learner_repo.enroll(session, 77, "mle", now)
    rng = random.Random(3)
    made = 0
    for ref in REAL.plan("mle"):
        for question in ref.topic.quiz:
            if made >= cards:
                break
            stability = rng.uniform(2, 30)
            session.add(
                QuizCard(
                    learner_id=77,
                    track_id="mle",
                    topic_id=ref.topic.id,
                    question_id=question.id,
                    state=2,
                    step=None,
                    stability=stability,
                    difficulty=rng.uniform(3, 8),
                    due=now + timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 12)),
                    last_review=now - timedelta(days=rng.randint(1, 10)),
                )
            )
            made += 1
    await session.commit()
    learner = await session.get(Learner, 77)
    assert learner is not None
    return learner


async def reload(session: AsyncSession) -> Learner:
    found = await session.get(Learner, 77)
    assert found is not None
    return found


async def review_the_day(session: AsyncSession, learner: Learner, now: datetime, n: int) -> int:
    """The learner answers every review /quiz gives them today (one in five wrong). Returns how many."""
    answered = 0
    while True:
        item = await quiz_rounds.next_due(session, REAL, learner.id, UTC_ZONE, CAP, now)
        if item is None:
            return answered
        poll_id = f"p{n}-{answered}"
        await quiz_send.record_sent(session, poll_id, learner.id, item, now)
        right = item.question.correct if (n + answered) % 5 else (item.question.correct + 1) % 2
        await quiz_answers.answer(session, REAL, learner.id, poll_id, [right], UTC_ZONE, CAP, now, MON_FRI)
        answered += 1
        now += timedelta(seconds=30)


async def due_on(session: AsyncSession, day: date) -> int:
    end = at_local(UTC_ZONE, day + timedelta(days=1), time(0, 0))
    rows = (
        await session.scalars(select(QuizCard).where(QuizCard.learner_id == 77, QuizCard.due < end))
    ).all()
    return len(rows)


@pytest.mark.parametrize("paused", [True, False], ids=["paused", "stayed-away"])
async def test_fourteen_days_off_never_more_than_the_cap_a_day_after(
    sessionmaker: async_sessionmaker[AsyncSession], paused: bool
) -> None:
    """200 reviews, a cap of 10: three weeks of reviews, then 14 days off (paused, or simply away). In the 30
    days after the return no day has more reviews due than the cap (nothing waits beyond it), and the plan's
    finish date moves by the 14 days."""
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
    async with sessionmaker() as session:
        learner = await simulated_learner(session, now, cards=200)
    for n in range(21):
        day_now = now + timedelta(days=n)
        if day_now.weekday() in MON_FRI:
            async with sessionmaker() as session:
                await review_the_day(session, learner, day_now, n)
    away = now + timedelta(days=21)  # a Monday: the break starts
    async with sessionmaker() as session:
        await learner_repo.replan_track(session, 77, "mle", away)  # on the plan when the break starts
        await session.commit()
        learner = await reload(session)
        before = await learner_plan.personal_plan(session, REAL, learner, "mle", away)
        assert before is not None
        if paused:
            await breaks.start_break(session, learner, 14, away)
    back = away + timedelta(days=14)
    async with sessionmaker() as session:
        learner = await reload(session)
        if paused:
            claims, _ = await breaks.claim_returns(session, REAL, back, 10)
            assert [c.kind for c in claims] == [SendKind.RETURN]
        else:
            arrival = await breaks.arrive(session, REAL, learner, back)
            assert arrival.restart is not None and arrival.restart.moved_finish is not None
            assert arrival.restart.moved_finish == before.planned_finish + timedelta(days=14)
            await catch_up.move_finish_date(session, 77, "mle", back)  # the learner takes the offer
        learner = await reload(session)
        after = await learner_plan.personal_plan(session, REAL, learner, "mle", back)
        assert after is not None
        assert after.planned_finish == before.planned_finish + timedelta(days=14)
        assert await due_on(session, local_date(UTC_ZONE, back)) > 0
    busiest = 0
    for n in range(30):
        day_now = back + timedelta(days=n)
        async with sessionmaker() as session:
            due = await due_on(session, day_now.date())
            day = await quiz_day.review_day(session, REAL, 77, UTC_ZONE, CAP, day_now)
            if day_now.weekday() in MON_FRI:
                assert due <= CAP, (day_now, due)
                assert day.waiting == 0
                busiest = max(busiest, due)
                await review_the_day(session, learner, day_now, 100 + n)
            else:
                assert due == 0, (day_now, due)  # never a review on a day off
    assert busiest == CAP  # the backlog fills the first days up to the cap, never past it


async def test_reviews_left_over_from_missed_days_do_not_pile_up_in_the_reminder(
    chat: Chat_, clock: FakeClock, coach: CoachLoop, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.onboard(zone="UTC", minute=9 * 60)
    async with sessionmaker() as session:
        learner = await session.get(Learner, chat.user.id)
        assert learner is not None
        learner.daily_review_cap = 1
        await session.commit()
    await chat.press_data(
        MarkCb(track="demo", topic="big-o", part="", status="done").pack()
    )  # 2 reviews on 3 March
    clock.now = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)  # 3 and 4 March passed without a review
    await coach.tick()
    reminder = [t for t in sent_texts(chat) if "Reviews:" in t][-1]
    assert "🧠 Reviews: 1 today" in reminder and "waiting" not in reminder
    async with sessionmaker() as session:
        cards = (await session.scalars(select(QuizCard).where(QuizCard.learner_id == chat.user.id))).all()
        assert sorted(local_date(UTC_ZONE, c.due) for c in cards) == [date(2026, 3, 3), date(2026, 3, 6)]


async def test_a_tap_the_same_day_keeps_the_break_and_resume_ends_it(
    chat: Chat_, clock: FakeClock, coach: CoachLoop
) -> None:
    await chat.onboard(zone="UTC", minute=9 * 60)
    await chat.send("/pause")
    await chat.press("Two weeks")
    await chat.press("Menu")  # the button under «enjoy your break»: still on the break
    assert not [t for t in sent_texts(chat) if "Welcome back" in t]
    clock.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert await coach.tick() == 0
    clock.now = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
    await chat.send("/resume")
    texts = sent_texts(chat)
    assert "Welcome back" in texts[-2] and "Your plan moved by 2 days" in texts[-2]
    assert "Reminders are on again" in texts[-1]
    clock.now = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    assert await coach.tick() == 1


async def test_resuming_reminders_in_the_settings_ends_the_break_like_resume(
    chat: Chat_, clock: FakeClock, coach: CoachLoop
) -> None:
    """Reminders back on mean the break is over, as with /resume: it does not linger to greet the learner later."""
    await chat.onboard(zone="UTC", minute=9 * 60)
    await chat.send("/pause")
    await chat.press("Two weeks")
    await chat.send("/settings")  # the same day: still on the break
    await chat.press("▶️ Resume reminders")
    assert "Reminders: on" in chat.latest("<b>Settings</b>")
    assert "Your first day back" in chat.latest("Welcome back")  # a new message, with the day's first step
    clock.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert await coach.tick() == 1  # tomorrow's reminder comes
    clock.now = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
    await chat.send("/today")  # writing later finds no break left to end
    assert len([t for t in sent_texts(chat) if "Welcome back" in t]) == 1
