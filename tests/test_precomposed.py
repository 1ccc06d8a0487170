"""Reminders composed ahead of their minute (issue «Everyone's reminder on time»): claimed and composed a few
minutes before, sent at the minute and never before it, and what the learner does in between gets the right
message or none. Through the real dispatcher and the coach loop's tick, under a controlled clock."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiogram import Bot
from aiogram.methods import SendMessage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import create_i18n
from bot.callbacks import DaysCb, Flow, ReminderCb, TimeCb
from bot.curriculum.catalog import Catalog
from bot.delivery import Courier
from bot.loop import reminder
from bot.loop.coach import CoachLoop
from db.models import ReminderSend
from tests.harness import Chat_, FakeClock
from tests.test_learners_week import MON_THU, set_up, study

MONDAY_20 = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)
MONDAY_NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a tick then plans the day (set up on Sunday)
TUESDAY_20 = MONDAY_20 + timedelta(days=1)
WEDNESDAY_21 = datetime(2026, 3, 4, 21, 0, tzinfo=UTC)
THURSDAY_20 = datetime(2026, 3, 5, 20, 0, tzinfo=UTC)
FRIDAY_20 = datetime(2026, 3, 6, 20, 0, tzinfo=UTC)
TIME_TO_STUDY = {"en": "Time to study", "ru": "Время учиться"}


def _reminders(chat: Chat_) -> list[SendMessage]:
    return [
        m
        for m in chat.session.requests
        if isinstance(m, SendMessage)
        and m.chat_id == chat.user.id
        and any(word in (m.text or "") for word in TIME_TO_STUDY.values())
    ]


async def _sends(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> list[tuple[str, datetime | None, datetime | None]]:
    async with sessionmaker() as session:
        rows = await session.scalars(select(ReminderSend).order_by(ReminderSend.id))
        return [(row.status, row.planned_at, row.sent_at) for row in rows]


@pytest.fixture
def composed(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """The moments each reminder was composed at (as of its minute), in order."""
    seen: list[datetime] = []
    real = reminder.compose_reminder

    async def counting(session: AsyncSession, catalog: Catalog, claim: Any, at: datetime) -> Any:
        seen.append(at)
        return await real(session, catalog, claim, at)

    monkeypatch.setattr(reminder, "compose_reminder", counting)
    return seen


async def test_a_reminder_composed_ahead_goes_at_its_minute_not_before(
    make_chat: Callable[..., Chat_],
    clock: FakeClock,
    coach: CoachLoop,
    sessionmaker: async_sessionmaker[AsyncSession],
    composed: list[datetime],
) -> None:
    chat = make_chat(user_id=7001)
    clock.now = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    await set_up(chat, list(range(7)))  # every day at 20:00 UTC
    clock.now = MONDAY_NOON
    await coach.tick()
    clock.now = MONDAY_20 - timedelta(minutes=2, seconds=30)
    assert await coach.tick() == 0
    assert len(composed) == 1  # claimed and composed now, as of 20:00
    assert await _sends(sessionmaker) == [("pending", MONDAY_20, None)]
    clock.now = MONDAY_20 - timedelta(seconds=1)
    assert await coach.tick() == 0
    assert _reminders(chat) == []  # a second before its minute: still held
    clock.now = MONDAY_20
    assert await coach.tick() == 1
    assert len(_reminders(chat)) == 1
    assert "▶️ Continue" in str(_reminders(chat)[0].reply_markup)
    assert len(composed) == 1  # nothing changed meanwhile: the message composed ahead went as it was
    assert await _sends(sessionmaker) == [("sent", MONDAY_20, MONDAY_20)]  # late by nothing
    clock.now += timedelta(minutes=5)
    assert await coach.tick() == 0 and len(_reminders(chat)) == 1  # once only


async def test_a_held_reminder_goes_on_the_timer_at_its_minute_without_a_tick(
    make_chat: Callable[..., Chat_],
    bot: Bot,
    clock: FakeClock,
    catalog: Catalog,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """Ticks are 20 seconds apart in production: the held send wakes on its own at its minute."""
    chat = make_chat(user_id=7002)
    clock.now = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    await set_up(chat, list(range(7)))
    clock.now = MONDAY_NOON
    await CoachLoop(bot, sessionmaker, catalog, create_i18n(), clock, Courier()).tick()
    loop = asyncio.get_running_loop()
    started, start = MONDAY_20 - timedelta(seconds=3), loop.time()

    def moving() -> datetime:  # a clock that runs with real time from 19:59:57
        return started + timedelta(seconds=loop.time() - start)

    coach = CoachLoop(bot, sessionmaker, catalog, create_i18n(), moving, Courier())
    assert await coach.tick() == 0
    if moving() < MONDAY_20:  # (a very slow machine may have taken the three seconds to compose it)
        assert _reminders(chat) == []
    for _ in range(1000):  # up to ten seconds
        if _reminders(chat):
            break
        await asyncio.sleep(0.01)
    assert len(_reminders(chat)) == 1
    if (
        coach.held.unfinished()
    ):  # the message is out; its outcome is recorded just after (slower on PostgreSQL)
        await asyncio.wait(coach.held.unfinished(), timeout=10)
    [(status, planned, sent)] = await _sends(sessionmaker)
    assert status == "sent" and planned == MONDAY_20
    assert sent is not None and MONDAY_20 <= sent < MONDAY_20 + timedelta(seconds=1)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_learner_who_studies_after_it_was_composed_gets_no_time_to_study(
    language: str,
    make_chat: Callable[..., Chat_],
    clock: FakeClock,
    coach: CoachLoop,
    sessionmaker: async_sessionmaker[AsyncSession],
    composed: list[datetime],
) -> None:
    chat = make_chat(user_id=7010, language=language)
    clock.now = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    await set_up(
        chat,
        list(range(7)),
        language="English" if language == "en" else "Русский",
        track="Demo roadmap" if language == "en" else "Демо-роадмап",
    )
    clock.now = MONDAY_NOON
    await coach.tick()
    clock.now = MONDAY_20 - timedelta(minutes=2)
    await coach.tick()
    assert len(composed) == 1
    clock.now = MONDAY_20 - timedelta(minutes=1)
    await study(chat)  # after the reminder was composed, before its minute
    clock.now = MONDAY_20
    assert await coach.tick() == 0
    assert _reminders(chat) == []
    assert len(composed) == 2  # looked at again at the minute: nothing to say any more
    assert [status for status, _, _ in await _sends(sessionmaker)] == ["skipped"]
    # The next day, not studied yet: the reminder as usual.
    clock.now = MONDAY_20 + timedelta(days=1)
    await coach.tick()
    assert [TIME_TO_STUDY[language] in (m.text or "") for m in _reminders(chat)] == [True]


async def test_a_learner_who_pauses_after_it_was_composed_gets_nothing_and_resuming_before_it_brings_it_back(
    make_chat: Callable[..., Chat_],
    clock: FakeClock,
    coach: CoachLoop,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    chat = make_chat(user_id=7020)
    clock.now = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    await set_up(chat, list(range(7)))
    clock.now = MONDAY_NOON
    await coach.tick()
    clock.now = MONDAY_20 - timedelta(minutes=2)
    await coach.tick()
    clock.now = MONDAY_20 - timedelta(minutes=1)
    await chat.press_data(ReminderCb(action="pause").pack())  # the button under yesterday's reminder
    clock.now = MONDAY_20
    assert await coach.tick() == 0
    clock.now = TUESDAY_20
    await coach.tick()
    assert _reminders(chat) == []  # paused: nothing, that day or the next
    assert await _sends(sessionmaker) == []  # the held one was taken back, never sent

    # Paused again just after Wednesday's was composed, resumed before its minute: it comes, at its minute, once.
    wednesday = TUESDAY_20 + timedelta(days=1)
    await chat.send("/resume")
    clock.now = wednesday - timedelta(minutes=3)
    await coach.tick()
    clock.now = wednesday - timedelta(minutes=2)
    await chat.press_data(ReminderCb(action="pause").pack())
    clock.now = wednesday - timedelta(minutes=1)
    await chat.send("/resume")
    await coach.tick()
    assert _reminders(chat) == []
    clock.now = wednesday
    await coach.tick()
    clock.now = wednesday + timedelta(minutes=5)
    await coach.tick()
    assert len(_reminders(chat)) == 1
    assert [(status, planned) for status, planned, _ in await _sends(sessionmaker)] == [("sent", wednesday)]


async def test_a_new_reminder_time_set_after_it_was_composed_is_the_one_kept(
    make_chat: Callable[..., Chat_],
    clock: FakeClock,
    coach: CoachLoop,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    chat = make_chat(user_id=7030)
    clock.now = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    await set_up(chat, list(range(7)))
    clock.now = MONDAY_NOON
    await coach.tick()
    clock.now = MONDAY_20 - timedelta(minutes=2)
    await coach.tick()
    clock.now = MONDAY_20 - timedelta(minutes=1)
    await chat.press_data(TimeCb(minute=21 * 60, flow=Flow.SETTINGS).pack())  # 21:00 from now on
    clock.now = MONDAY_20
    await coach.tick()
    assert _reminders(chat) == []  # not at the old time
    later = MONDAY_20 + timedelta(hours=1)
    for minutes in (-3, -1, 0, 10):
        clock.now = later + timedelta(minutes=minutes)
        await coach.tick()
    assert len(_reminders(chat)) == 1  # at the new one, once
    assert [(status, planned) for status, planned, _ in await _sends(sessionmaker)] == [("sent", later)]


async def test_a_mon_thu_learner_gets_none_on_friday_even_when_the_days_change_after_composing(
    make_chat: Callable[..., Chat_], clock: FakeClock, coach: CoachLoop
) -> None:
    mon_thu, every_day = make_chat(user_id=7040), make_chat(user_id=7041)
    clock.now = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    await set_up(mon_thu, MON_THU)
    await set_up(every_day, list(range(7)))
    clock.now = WEDNESDAY_21  # both studied on Wednesday: Thursday's reminders are wanted
    await study(mon_thu)
    await study(every_day)
    clock.now = THURSDAY_20 - timedelta(hours=8)
    await coach.tick()  # plans the day
    for day in (THURSDAY_20, FRIDAY_20):
        clock.now = day - timedelta(minutes=2)
        await coach.tick()
        if (
            day == FRIDAY_20
        ):  # Friday's was composed for the learner who studies every day; now they drop Fri–Sun
            clock.now = day - timedelta(minutes=1)
            for weekday in (4, 5, 6):
                await every_day.press_data(DaysCb(day=weekday, flow=Flow.SETTINGS).pack())
        clock.now = day
        await coach.tick()
    assert len(_reminders(mon_thu)) == 1  # Thursday's
    assert len(_reminders(every_day)) == 1  # Thursday's; Friday is a day off now


async def test_a_process_that_dies_between_composing_and_sending_loses_and_doubles_nothing(
    make_chat: Callable[..., Chat_],
    bot: Bot,
    clock: FakeClock,
    catalog: Catalog,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    chats = [make_chat(user_id=7050 + n) for n in range(3)]
    clock.now = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    for chat in chats:
        await set_up(chat, list(range(7)))
    clock.now = MONDAY_NOON
    dying = CoachLoop(bot, sessionmaker, catalog, create_i18n(), clock, Courier())
    await dying.tick()
    clock.now = MONDAY_20 - timedelta(minutes=2)
    await dying.tick()  # claimed and composed, held for 20:00; then the process stands still (no heartbeat)
    assert [status for status, _, _ in await _sends(sessionmaker)] == ["pending"] * 3
    clock.now += timedelta(
        seconds=10
    )  # a new process (SQLite), or a live replica past OWNER_STALE (PostgreSQL)
    taking_over = CoachLoop(bot, sessionmaker, catalog, create_i18n(), clock, Courier())
    assert await taking_over.beat() == 0  # taken over at once, and held for its minute: not sent before it
    assert [_reminders(chat) for chat in chats] == [[], [], []]
    clock.now = MONDAY_20
    assert await taking_over.tick() == 3
    assert await dying.tick() == 0  # woken at last, the old holder finds its claims are not its own any more
    assert [len(_reminders(chat)) for chat in chats] == [1, 1, 1]
    assert await _sends(sessionmaker) == [("sent", MONDAY_20, MONDAY_20)] * 3
