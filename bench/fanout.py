"""Fan-out: reminders delivered over HTTP to a local fake Bot API that answers 429 above 30 messages a second."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bench.common import NOW, add_learners, fresh_database
from bot.app import create_bot, create_i18n
from bot.config import PROJECT_ROOT, Settings
from bot.curriculum.loader import load_catalog
from bot.loop.coach import CoachLoop
from bot.pacer import Pacer
from db.engine import create_engine, create_sessionmaker
from tests.fakes.bot_api_server import FakeBotApiServer

LIMIT = 30


@dataclass
class FanOut:
    reminders: int
    seconds: float
    delivered: int
    distinct: int
    refused_429: int

    @property
    def rate(self) -> float:
        return self.delivered / self.seconds


async def fan_out(tmp: Path, reminders: int) -> FanOut:
    database = tmp / "fanout.db"
    url = await fresh_database(database)
    add_learners(database, reminders, due=reminders)
    server = FakeBotApiServer(send_rate_limit=LIMIT)
    await server.start()
    engine = create_engine(url)
    settings = Settings(_env_file=None, bot_token="123:bench", database_url=url, telegram_api_url=server.url)
    bot = create_bot(settings, AiohttpSession(api=TelegramAPIServer.from_base(server.url)), Pacer())
    loop = CoachLoop(
        bot, create_sessionmaker(engine), load_catalog(PROJECT_ROOT / "content"), create_i18n(), lambda: NOW
    )
    try:
        started = time.perf_counter()
        delivered = await loop.tick()
        seconds = time.perf_counter() - started
    finally:
        await bot.session.close()
        await server.stop()
        await engine.dispose()
    # Every accepted sendMessage is a stored message in the fake: one per chat means none was sent twice.
    return FanOut(reminders, seconds, delivered, len(server.telegram.messages), server.refused)
