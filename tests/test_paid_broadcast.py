"""Paid broadcasts, by choice (PAID_BROADCAST_RATE): reminders beyond Telegram's free 30 a second go with
`allow_paid_broadcast`, up to the setting in total, and only then; a learner's own answer never pays.

Over HTTP against the fake Bot API, which answers 429 to an unpaid message beyond 30 in a second and to any beyond
`paid_rate_limit` (Telegram's 1,000 a second, here the setting, so a bot that overshoots it is refused)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from pydantic import ValidationError

from bot.app import create_bot
from bot.config import Settings
from bot.delivery import Courier
from bot.metrics import Metrics
from bot.pacer import Pacer
from bot.shared_rate import SharedRate
from tests.fakes.bot_api_server import Call, FakeBotApiServer
from tests.groups import most_in_a_window
from tests.servers import require_redis

FREE = 30  # Telegram's free messages a second
SETTING = 200  # PAID_BROADCAST_RATE here: a fifth of Telegram's ceiling, so the fan-outs take a second or two
LEARNER = 4242


@pytest.fixture
async def server() -> AsyncIterator[FakeBotApiServer]:
    server = FakeBotApiServer(send_rate_limit=FREE, per_chat_interval=1.0, paid_rate_limit=SETTING)
    await server.start()
    yield server
    await server.stop()


def settings_for(server: FakeBotApiServer, paid: int = 0, redis_url: str | None = None) -> Settings:
    token = f"{random.randrange(10**8, 10**9)}:SECRET-paid"  # its own budget in a shared Redis
    return Settings(
        _env_file=None,
        bot_token=token,
        telegram_api_url=server.url,
        paid_broadcast_rate=paid,
        redis_url=redis_url,
    )


async def fan_out(bot: Bot, reminders: int, first_chat: int = 10_000) -> None:
    """The coach's tick at a round minute: every reminder due at once, through the Courier, as the scheduler sends."""
    courier = Courier()
    chats = range(first_chat, first_chat + reminders)
    await asyncio.gather(
        *(courier.deliver(chat, lambda chat=chat: bot.send_message(chat, "Time to study")) for chat in chats)  # type: ignore[misc]
    )


def sent(server: FakeBotApiServer) -> list[Call]:
    return sorted((c for c in server.calls if c.method == "sendmessage"), key=lambda c: c.at)


async def test_with_the_setting_off_nothing_is_paid_and_the_fan_out_keeps_to_the_free_rate(
    server: FakeBotApiServer,
) -> None:
    bot = create_bot(settings_for(server), pacer=Pacer())
    try:
        await fan_out(bot, 40)  # more than a free second holds
    finally:
        await bot.session.close()
    calls = sent(server)
    assert len(calls) == 40 and all(c.status == 200 for c in calls)
    assert not any("allow_paid_broadcast" in c.params for c in calls)


async def test_below_the_free_rate_nothing_is_paid(server: FakeBotApiServer) -> None:
    metrics = Metrics()
    bot = create_bot(settings_for(server, paid=SETTING), pacer=Pacer(), metrics=metrics)
    try:
        await fan_out(bot, 20)
    finally:
        await bot.session.close()
    assert [c.status for c in sent(server)] == [200] * 20
    assert server.paid() == [] and metrics.registry.get_sample_value("coach_paid_broadcasts_total") == 0


async def test_reminders_beyond_the_free_second_go_paid_and_a_learners_answer_never_does(
    server: FakeBotApiServer,
) -> None:
    metrics = Metrics()
    pacer = Pacer()
    bot = create_bot(settings_for(server, paid=SETTING), pacer=pacer, metrics=metrics)
    try:
        fanning = asyncio.create_task(fan_out(bot, 150))
        await server.wait_for(
            "sendMessage", "allow_paid_broadcast"
        )  # the free second spent, paid turns begun
        answer = await bot.send_message(
            LEARNER, "your answer"
        )  # a handler's reply: no Courier, its own priority
        await fanning
    finally:
        await bot.session.close()
    calls = sent(server)
    assert answer.text == "your answer"
    assert len(calls) == 151 and all(c.status == 200 for c in calls) and server.refused == 0
    reply = next(c for c in calls if str(c.params["chat_id"]) == str(LEARNER))
    assert not reply.paid
    paid, free = server.paid(), [c for c in calls if not c.paid]
    assert len(free) >= pacer.per_window and len(paid) == 151 - len(
        free
    )  # the free second in full, then paid
    assert most_in_a_window([c.at for c in free], 1.0) <= FREE
    assert FREE < most_in_a_window([c.at for c in calls], 1.0) <= SETTING
    assert metrics.registry.get_sample_value("coach_paid_broadcasts_total") == len(paid)


async def test_replicas_sharing_one_redis_share_the_paid_budget_too() -> None:
    """Each replica alone would go up to the setting: together they keep to it, and to the free rate unpaid.

    The free rate is scaled down to 10 a second here, each replica pacing (and the shared budget granting) 8: a
    shared place is granted a request's flight before Telegram counts its arrival, and on two busy cores that
    flight varies by more than one in thirty."""
    server = FakeBotApiServer(send_rate_limit=10, per_chat_interval=1.0, paid_rate_limit=SETTING)
    await server.start()
    settings = settings_for(server, paid=SETTING, redis_url=require_redis())
    pacers = [Pacer(per_second=8) for _ in range(2)]
    bots = [create_bot(settings, pacer=pacer) for pacer in pacers]
    try:
        await asyncio.gather(*(fan_out(bot, 80, 10_000 + 1000 * n) for n, bot in enumerate(bots)))
    finally:
        for bot in bots:
            await bot.session.close()
        for pacer in pacers:
            assert isinstance(pacer.shared, SharedRate)
            await pacer.shared.close()
        await server.stop()
    calls = sent(server)
    assert len(calls) == 160 and all(c.status == 200 for c in calls) and server.refused == 0
    free = [c for c in calls if not c.paid]
    assert len(server.paid()) == 160 - len(free) > 0
    assert most_in_a_window([c.at for c in free], 1.0) <= 10
    assert 10 < most_in_a_window([c.at for c in calls], 1.0) <= SETTING


@pytest.mark.parametrize("rate", [-1, 30, 1001])
def test_the_setting_is_off_or_above_the_free_rate_up_to_telegrams_ceiling(rate: int) -> None:
    with pytest.raises(ValidationError, match="paid_broadcast_rate"):
        Settings(_env_file=None, paid_broadcast_rate=rate)
