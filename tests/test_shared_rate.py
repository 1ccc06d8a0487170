"""One rate across replicas: two replicas' bots pointed at one Redis together keep to the bot-wide budget per second
(and one message a second per chat), as Telegram counts it: the fake Bot API answers 429 above it."""

from __future__ import annotations

import asyncio
import random

from bot.app import create_bot
from bot.config import Settings
from bot.delivery import Priority, priority
from bot.pacer import Pacer
from bot.shared_rate import SharedRate
from tests.fakes.bot_api_server import FakeBotApiServer
from tests.servers import require_redis

BUDGET = 10  # Telegram's limit in this test, a third of the real one so the test is short
# Each replica's pacer and the shared budget: under the limit by more than a request's flight time.
PER_SECOND = 8.0


async def test_two_replicas_sharing_one_redis_never_exceed_the_budget() -> None:
    redis_url = require_redis()
    server = FakeBotApiServer(send_rate_limit=BUDGET, per_chat_interval=1.0)
    await server.start()
    token = f"{random.randrange(10**8, 10**9)}:SECRET-shared-rate"
    settings = Settings(_env_file=None, bot_token=token, telegram_api_url=server.url, redis_url=redis_url)
    pacers = [Pacer(per_second=PER_SECOND) for _ in range(2)]
    bots = [create_bot(settings, pacer=pacer) for pacer in pacers]
    try:

        async def fan_out(index: int) -> None:
            with priority(Priority.REMINDER):
                await asyncio.gather(
                    *(bots[index].send_message(5000 + 100 * index + n, f"reminder {n}") for n in range(18))
                )

        await asyncio.gather(fan_out(0), fan_out(1))
    finally:
        for bot in bots:
            await bot.session.close()
        for pacer in pacers:
            if isinstance(
                pacer.shared, SharedRate
            ):  # REDIS_URL set: create_bot gave each pacer the shared budget
                await pacer.shared.close()
        await server.stop()
    sent = sorted(call.at for call in server.calls if call.method == "sendmessage")
    assert len(sent) == 36 and all(
        call.status == 200 for call in server.calls if call.method == "sendmessage"
    )
    busiest = max(sum(1 for t in sent if start <= t < start + 1.0) for start in sent)
    assert busiest <= BUDGET


async def test_without_redis_a_send_goes_on_the_replicas_own_pacing() -> None:
    server = FakeBotApiServer(send_rate_limit=BUDGET, per_chat_interval=1.0)
    await server.start()
    settings = Settings(
        _env_file=None,
        bot_token="123:SECRET-no-redis",
        telegram_api_url=server.url,
        redis_url="redis://127.0.0.1:1/0",
    )
    pacer = Pacer(per_second=PER_SECOND)
    bot = create_bot(settings, pacer=pacer)
    try:
        message = await bot.send_message(4242, "still delivered")
    finally:
        await bot.session.close()
        assert isinstance(pacer.shared, SharedRate)
        await pacer.shared.close()
        await server.stop()
    assert message.text == "still delivered"
