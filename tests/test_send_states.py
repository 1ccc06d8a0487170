"""A send's state is what Telegram said, and a database outage in the middle of a tick costs no send.

In process, on the recording fake: the database "goes away" through a session factory that refuses to connect
while it is down (tests/fakes/flaky_database.py; tests/test_outage.py cuts a real connection instead)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Bot
from aiogram.methods import SendMessage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import create_i18n
from bot.curriculum.catalog import Catalog
from bot.delivery import Courier
from bot.demo.telegram import FakeApiError
from bot.loop.coach import CoachLoop
from bot.outage import DatabaseOutage
from db.models import ReminderSend
from tests.fakes.flaky_database import Flaky
from tests.harness import Chat_, FakeClock


async def _statuses(sessionmaker: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessionmaker() as session:
        return list(await session.scalars(select(ReminderSend.status).order_by(ReminderSend.id)))


async def _until(condition: Callable[[], bool], timeout: float = 10) -> None:
    async def poll() -> None:
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)


def _reminders(chat: Chat_) -> list[SendMessage]:
    return [r for r in chat.session.requests if isinstance(r, SendMessage) and "Time to study" in r.text]


async def test_a_send_refused_with_429_is_pending_not_attempted_while_it_waits(
    chat: Chat_, coach: CoachLoop, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.onboard(zone="UTC", minute=9 * 60)
    chat.session.fail_next(SendMessage, FakeApiError(429, "Too Many Requests: retry after 1", retry_after=1))
    clock.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    tick = asyncio.create_task(coach.tick())
    await _until(lambda: len(_reminders(chat)) == 1)  # refused; waiting for its retry
    await asyncio.sleep(0.1)
    # A crash now leaves it claimed and never attempted: the next process sends it (not "maybe sent", never resent)
    assert await _statuses(sessionmaker) == ["pending"]
    assert await tick == 1
    assert len(_reminders(chat)) == 2 and await _statuses(sessionmaker) == ["sent"]


@pytest.fixture
def flaky(sessionmaker: async_sessionmaker[AsyncSession]) -> Flaky:
    return Flaky(sessionmaker)


@pytest.fixture
def flaky_coach(bot: Bot, flaky: Flaky, catalog: Catalog, clock: FakeClock) -> CoachLoop:
    return CoachLoop(bot, flaky, catalog, create_i18n(), clock, Courier(), outage=DatabaseOutage())  # type: ignore[arg-type]


async def test_a_tick_cut_by_an_outage_gives_back_its_claims_as_soon_as_the_database_is_back(
    make_chat: Callable[..., Chat_],
    flaky: Flaky,
    flaky_coach: CoachLoop,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    chats = [make_chat(2000 + i) for i in range(6)]
    for chat in chats:
        await chat.onboard(zone="UTC", minute=9 * 60)
    clock.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    # The database goes away once the batch is claimed, before any of its screens is read
    real_claim = flaky_coach._deliver

    async def deliver_after_the_cut(*args: Any) -> bool:
        flaky.down = True
        return await real_claim(*args)

    flaky_coach._deliver = deliver_after_the_cut  # type: ignore[method-assign,assignment]
    caplog.set_level(logging.INFO)
    tick = asyncio.create_task(flaky_coach.tick())
    await _until(lambda: len(flaky_coach.when_back) == 6)  # six claims to give back once it is back
    await asyncio.sleep(0.3)  # the tick looks once a second; meanwhile nothing goes out
    assert not _reminders(chats[0]) and set(await _statuses(sessionmaker)) == {"pending"}
    flaky_coach._deliver = real_claim  # type: ignore[method-assign]
    flaky.down = False
    assert await asyncio.wait_for(tick, 5) == 6  # given back and sent by the same tick, not two minutes later
    assert set(await _statuses(sessionmaker)) == {"sent"}
    per_chat = [r.chat_id for r in _reminders(chats[0])]
    assert sorted(per_chat) == [c.user.id for c in chats]
    outage_lines = [r for r in caplog.records if r.name == "bot.outage"]
    assert [r.levelname for r in outage_lines] == ["ERROR", "WARNING"]  # it started; it ended
    assert not [r for r in caplog.records if r.exc_info]
