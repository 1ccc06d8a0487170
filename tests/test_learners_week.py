"""The learner's week: study days and days off respected by every message, absences told apart from weekends
(issue «The learner's week»), through the real dispatcher and the scheduler's tick under a controlled clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from aiogram.methods import SendMessage
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import DAYS_DONE, AskCb, DaysCb, Flow, HoursCb, KnownCb, MarkCb, StudiedCb, TimeCb, ZoneCb
from bot.loop.coach import CoachLoop
from bot.services.week import LearnerWeek, backoff_allows
from db.models import QuizCard
from tests.harness import Chat_, FakeClock

MONDAY = date(2026, 3, 2)
MON_THU = [0, 1, 2, 3]
SAT_SUN = [5, 6]


async def set_up(
    chat: Chat_,
    study_days: list[int],
    minute: int = 20 * 60,
    language: str = "English",
    track: str = "Demo roadmap",
) -> None:
    """Set up on Sunday 1 March, 10:00 UTC, with these study days, a reminder at `minute` UTC."""
    await chat.send("/start")
    await chat.press(language)
    await chat.press(track)
    await chat.press_data(HoursCb(hours=4, flow=Flow.ONBOARDING).pack())
    for day in range(7):
        if day not in study_days:
            await chat.press_data(DaysCb(day=day, flow=Flow.ONBOARDING).pack())
    await chat.press_data(DaysCb(day=DAYS_DONE, flow=Flow.ONBOARDING).pack())
    await chat.press_data(TimeCb(minute=minute, flow=Flow.ONBOARDING).pack())
    await chat.press_data(ZoneCb(zone="UTC", flow=Flow.ONBOARDING).pack())


def texts_since(chat: Chat_, before: int) -> list[str]:
    return [
        m.text or ""
        for m in chat.session.requests[before:]
        if isinstance(m, SendMessage) and m.chat_id == chat.user.id
    ]


async def study(chat: Chat_, minutes: int = 30) -> None:
    """The learner logs minutes on the topic /today names (finishing it when its time is all studied)."""
    for _ in range(3):
        await chat.send("/today")
        data = next(
            (b.callback_data for _m, b in chat._buttons() if (b.callback_data or "").startswith("sd:")), None
        )
        assert data is not None, chat.text
        topic = StudiedCb.unpack(data).topic
        await chat.press_data(StudiedCb(track="demo", topic=topic, minutes=minutes).pack())
        if not chat.answers()[-1].show_alert:
            return
        await chat.press_data(MarkCb(track="demo", topic=topic, part="", status="done").pack())


@pytest.mark.parametrize(("study_days", "language"), [(MON_THU, "en"), (SAT_SUN, "ru")])
async def test_a_reminder_on_every_study_day_and_nothing_on_a_day_off_for_eight_weeks(
    study_days: list[int],
    language: str,
    make_chat: Callable[..., Chat_],
    clock: FakeClock,
    coach: CoachLoop,
) -> None:
    chat = make_chat(user_id=8100 + len(study_days), language=language)
    clock.now = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    await set_up(
        chat,
        study_days,
        language="English" if language == "en" else "Русский",
        track="Demo roadmap" if language == "en" else "Демо-роадмап",
    )
    got: dict[date, int] = {}
    for offset in range(56):
        day = MONDAY + timedelta(days=offset)
        clock.now = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=20)
        before = len(chat.session.requests)
        await coach.tick()
        got[day] = len(texts_since(chat, before))
        if day.weekday() in study_days:
            clock.now += timedelta(minutes=30)
            await study(chat)  # the learner studies after the reminder, on every study day
    for day, count in got.items():
        expected = 1 if day.weekday() in study_days else 0
        assert count == expected, (day, day.strftime("%a"), count)


async def test_the_issues_repro_a_monday_reminder_after_a_long_weekend(
    chat: Chat_, clock: FakeClock, coach: CoachLoop
) -> None:
    # Before: set up Mon–Thu at 20:00, study on Thursday, say nothing Friday to Sunday: no Monday reminder.
    clock.now = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    await set_up(chat, MON_THU)
    clock.now = datetime(2026, 3, 5, 21, 0, tzinfo=UTC)  # Thursday
    await study(chat)
    for offset in range(1, 4):  # Friday to Sunday: days off, nothing
        clock.now = datetime(2026, 3, 5, 20, 0, tzinfo=UTC) + timedelta(days=offset)
        before = len(chat.session.requests)
        await coach.tick()
        assert texts_since(chat, before) == []
    clock.now = datetime(2026, 3, 9, 20, 0, tzinfo=UTC)  # Monday 20:00
    before = len(chat.session.requests)
    await coach.tick()
    assert any("Time to study" in t for t in texts_since(chat, before))


async def test_absence_backs_off_in_missed_study_days_and_studying_brings_it_back(
    chat: Chat_, clock: FakeClock, coach: CoachLoop
) -> None:
    clock.now = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    await set_up(chat, MON_THU)
    sent: list[date] = []
    for offset in range(21):  # three weeks without any study
        day = MONDAY + timedelta(days=offset)
        clock.now = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=20)
        before = len(chat.session.requests)
        await coach.tick()
        if texts_since(chat, before):
            sent.append(day)
    week = LearnerWeek(frozenset(MON_THU))
    # Every study day while fewer than three were missed, then every other study day: never a day off.
    expected = [
        MONDAY + timedelta(days=n)
        for n in range(21)
        if week.is_study_day(MONDAY + timedelta(days=n))
        and backoff_allows(week.missed([], MONDAY + timedelta(days=n), MONDAY), 4)
    ]
    assert sent == expected, (sent, expected)
    assert len(sent) < 12
    assert all(day.weekday() in MON_THU for day in sent)
    # Studying (on any day) brings the very next study day's reminder back.
    clock.now = datetime(2026, 3, 22, 12, 0, tzinfo=UTC)  # Sunday, a day off
    await study(chat)
    clock.now = datetime(2026, 3, 23, 20, 0, tzinfo=UTC)  # Monday
    before = len(chat.session.requests)
    await coach.tick()
    assert any("Time to study" in t for t in texts_since(chat, before))


async def test_reviews_on_days_off_only_when_the_learner_asks(
    chat: Chat_, clock: FakeClock, coach: CoachLoop
) -> None:
    clock.now = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    await set_up(chat, MON_THU)
    clock.now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # Monday: a topic finished, its reviews due Tuesday
    await chat.press_data(MarkCb(track="demo", topic="big-o", part="", status="done").pack())
    clock.now = datetime(2026, 3, 6, 20, 0, tzinfo=UTC)  # Friday, a day off, reviews waiting
    before = len(chat.session.requests)
    await coach.tick()
    assert texts_since(chat, before) == []  # the default: a day off gets nothing
    await chat.send("/settings")
    assert (
        "Reviews on days off: off" in chat.text
        and "Weekly summary: Sundays at 7:00 PM, your time" in chat.text
    )
    await chat.press_data(AskCb(item="daysoff").pack())
    assert "Reviews on days off: on" in chat.text
    clock.now = datetime(2026, 3, 7, 20, 0, tzinfo=UTC)  # Saturday
    before = len(chat.session.requests)
    await coach.tick()
    sent = texts_since(chat, before)
    assert len(sent) == 1 and "reviews are due today" in sent[0] and "Time to study" not in sent[0]


async def test_a_topics_first_reviews_land_on_a_study_day(
    chat: Chat_, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    clock.now = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    await set_up(chat, MON_THU)
    clock.now = datetime(2026, 3, 5, 18, 0, tzinfo=UTC)  # Thursday: tomorrow is a day off
    await chat.press_data(MarkCb(track="demo", topic="big-o", part="", status="done").pack())
    async with sessionmaker() as session:
        from sqlalchemy import select

        dues = {card.due.date() for card in await session.scalars(select(QuizCard))}
    assert dues == {date(2026, 3, 9)}  # Monday, not Friday


async def test_a_weekend_is_not_an_absence_three_missed_study_days_are(
    make_chat: Callable[..., Chat_], clock: FakeClock
) -> None:
    chat = make_chat(user_id=8300)
    clock.now = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    await set_up(chat, MON_THU)
    clock.now = datetime(2026, 3, 5, 19, 0, tzinfo=UTC)  # Thursday
    await chat.send("/today")
    clock.now = datetime(2026, 3, 9, 19, 0, tzinfo=UTC)  # Monday after the long weekend
    before = len(chat.session.requests)
    await chat.send("/today")
    assert not any("Welcome back" in t for t in texts_since(chat, before))
    clock.now = datetime(2026, 3, 13, 19, 0, tzinfo=UTC)  # Friday: Tue, Wed, Thu missed
    before = len(chat.session.requests)
    await chat.send("/today")
    welcomes = [t for t in texts_since(chat, before) if "Welcome back" in t]
    assert len(welcomes) == 1 and "3 study days went by without you" in welcomes[0]
    assert "/today" not in welcomes[0]  # never told to tap what they just tapped
    clock.advance(hours=2)
    before = len(chat.session.requests)
    await chat.send("/today")
    assert not any("Welcome back" in t for t in texts_since(chat, before))  # once


async def test_a_day_off_never_asks_to_study_today(chat: Chat_, clock: FakeClock) -> None:
    clock.now = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    await set_up(chat, MON_THU)
    clock.now = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)  # Saturday
    await chat.send("/progress")
    text = chat.latest("Progress:")
    assert "study today" not in text and "🔥 No streak yet: it can start on your next study day." in text


async def test_a_module_marked_known_is_not_finished(chat: Chat_, clock: FakeClock) -> None:
    clock.now = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    await set_up(chat, MON_THU)
    clock.now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    await chat.press_data(KnownCb(track="demo", module="base", action="yes").pack())
    assert not any("🏅" in t for t in texts_since(chat, 0))
    assert any("is marked as known" in t for t in texts_since(chat, 0))
    await chat.send("/progress")
    assert "2/2" in chat.latest("Progress:")  # the module's figure counts known topics, as the chart does


def test_the_missed_questions_come_back_on_the_day_they_are_due() -> None:
    from bot.app import create_i18n
    from bot.views.quiz import missed_back_text

    i18n = create_i18n()
    with i18n.context(), i18n.use_locale("en"):
        # Before: «come back tomorrow» while the load balancer had put them a week later.
        assert missed_back_text(date(2026, 3, 16), date(2026, 3, 9), "en") == (
            " The questions you missed come back on Mon, March 16."
        )
        assert missed_back_text(date(2026, 3, 10), date(2026, 3, 9), "en").endswith("come back tomorrow.")
    with i18n.context(), i18n.use_locale("ru"):
        assert "вернутся пн, 16 марта" in missed_back_text(date(2026, 3, 16), date(2026, 3, 9), "ru")


async def test_a_freeze_is_never_called_safe_once_the_streak_ended(
    chat: Chat_, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    from tests.test_breaks import add_study_days

    clock.now = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    await set_up(chat, list(range(7)))
    # Seven days of study earn a freeze; the 9th is missed (the freeze holds), the 10th too (the streak ends).
    await add_study_days(sessionmaker, chat.user.id, [MONDAY + timedelta(days=n) for n in range(7)])
    clock.now = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)
    before = len(chat.session.requests)
    await chat.send("/today")
    assert not any("streak is safe" in t for t in texts_since(chat, before))
