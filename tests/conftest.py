from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import build_dispatcher, create_bot, create_i18n
from bot.config import Settings
from bot.curriculum.catalog import Catalog
from bot.curriculum.loader import load_catalog
from bot.delivery import Courier
from bot.demo.session import FakeBotSession
from bot.loop.coach import CoachLoop
from db.engine import create_engine, create_sessionmaker
from db.migrate import upgrade_to_head
from tests.harness import Chat_, FakeClock

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"


# With TEST_DATABASE_URL set (for example postgresql+asyncpg://postgres@127.0.0.1:5432/test), every test that
# uses the `engine` fixture runs on that server, on an emptied schema.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        bot_token=None,
        database_url=TEST_DATABASE_URL or f"sqlite+aiosqlite:///{tmp_path}/coach.db",
        content_dir=FIXTURE_CONTENT,
    )


async def reset_database(url: str) -> None:
    """An empty PostgreSQL schema for the next test (SQLite tests get a new file instead)."""
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        await connection.exec_driver_sql("CREATE SCHEMA public")
    await engine.dispose()


@pytest.fixture
def catalog() -> Catalog:
    return load_catalog(FIXTURE_CONTENT)


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    url = settings.database_url
    if url.startswith("postgresql"):
        await reset_database(url)
    engine = create_engine(url)
    await upgrade_to_head(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def dispatcher(
    settings: Settings, catalog: Catalog, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> Dispatcher:
    return build_dispatcher(settings, catalog, sessionmaker, clock=clock)


@pytest.fixture
def session() -> FakeBotSession:
    return FakeBotSession()


@pytest.fixture
def bot(settings: Settings, session: FakeBotSession) -> Bot:
    return create_bot(settings, session)


@pytest.fixture
def make_chat(dispatcher: Dispatcher, bot: Bot, session: FakeBotSession) -> Callable[..., Chat_]:
    def make(user_id: int = 1001, language: str = "en") -> Chat_:
        return Chat_(dispatcher, bot, session, user_id, language)

    return make


@pytest.fixture
def chat(make_chat: Callable[..., Chat_]) -> Chat_:
    return make_chat()


@pytest.fixture
def coach(
    bot: Bot, sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog, clock: FakeClock
) -> CoachLoop:
    return CoachLoop(bot, sessionmaker, catalog, create_i18n(), clock, Courier())
