"""A crash costs seconds, not minutes: the claims a dead process left are taken over at once by the next one to
start (SQLite: one process runs), or by a live replica within seconds of its heartbeat stopping (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from aiogram import Bot
from aiogram.methods import SendMessage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import create_i18n
from bot.curriculum.catalog import Catalog
from bot.delivery import Courier
from bot.loop.coach import CoachLoop
from bot.services import reminders
from bot.services.sends import OWNER_STALE
from db.models import ReminderSend
from tests.conftest import TEST_DATABASE_URL
from tests.harness import Chat_, FakeClock

NINE = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


def _reminded(chats: list[Chat_]) -> set[int]:
    return {  # the chats share one recording session
        int(request.chat_id)
        for request in chats[0].session.requests
        if isinstance(request, SendMessage) and "Time to study" in request.text
    }


async def _learners(make_chat: Callable[..., Chat_], count: int) -> list[Chat_]:
    chats = [make_chat(user_id=2001 + n) for n in range(count)]
    for chat in chats:
        await chat.onboard(zone="UTC", minute=9 * 60)
    return chats


async def _statuses(sessionmaker: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessionmaker() as session:
        return list(await session.scalars(select(ReminderSend.status).order_by(ReminderSend.id)))


def _loop(
    bot: Bot, sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog, clock: FakeClock
) -> CoachLoop:
    return CoachLoop(bot, sessionmaker, catalog, create_i18n(), clock, Courier())


@pytest.mark.skipif(
    TEST_DATABASE_URL is not None, reason="SQLite's one-process rule; PostgreSQL's test is below"
)
async def test_a_restarted_process_sends_the_dead_ones_claims_at_once(
    make_chat: Callable[..., Chat_],
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    catalog: Catalog,
    clock: FakeClock,
) -> None:
    chats = await _learners(make_chat, 3)
    clock.now = NINE
    async with sessionmaker() as session:  # the process that died right after claiming its batch
        claimed = await reminders.claim_due(session, clock.now, 150, owner="dead")
    assert len(claimed) == 3 and await _statuses(sessionmaker) == ["pending"] * 3
    clock.now += timedelta(seconds=5)  # restarted five seconds later, well inside the old PENDING_STALE
    restarted = _loop(bot, sessionmaker, catalog, clock)
    assert await restarted.beat() == 3  # its first look, not two minutes later
    assert _reminded(chats) == {2001, 2002, 2003}
    assert await _statuses(sessionmaker) == ["sent"] * 3
    assert await restarted.tick() == 0  # nothing twice


@pytest.mark.skipif(
    TEST_DATABASE_URL is None, reason="replicas side by side need PostgreSQL (TEST_DATABASE_URL)"
)
async def test_a_live_replica_finishes_a_dead_ones_fan_out_within_seconds(
    make_chat: Callable[..., Chat_],
    bot: Bot,
    sessionmaker: async_sessionmaker[AsyncSession],
    catalog: Catalog,
    clock: FakeClock,
) -> None:
    chats = await _learners(make_chat, 4)
    clock.now = NINE - timedelta(minutes=1)
    dying, live = _loop(bot, sessionmaker, catalog, clock), _loop(bot, sessionmaker, catalog, clock)
    clock.now = NINE
    async with sessionmaker() as session:  # the dying replica's fan-out: claimed, then killed before sending
        await reminders.claim_due(session, clock.now, 150, owner=dying.heartbeat.owner)
    assert await dying.beat() == 0  # alive at 09:00:00
    clock.now += timedelta(seconds=2)
    assert await live.beat() == 0  # its heartbeat is fresh: its claims are its own
    assert _reminded(chats) == set()
    clock.now = NINE + OWNER_STALE + timedelta(seconds=2)  # the dying replica beat last at 09:00:00
    assert await live.beat() == 4
    assert _reminded(chats) == {2001, 2002, 2003, 2004}
    assert await _statuses(sessionmaker) == ["sent"] * 4
