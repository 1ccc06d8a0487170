"""Webhook mode, /healthz and /metrics, Redis FSM across replicas, two schedulers on one PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiogram.fsm.storage.redis import RedisStorage
from aiogram.methods import SendMessage, SetWebhook
from aiogram.types import Chat, Message, Update
from aiohttp import web as aiohttp_web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, insert, select

from bot.app import build_dispatcher, create_bot, create_i18n
from bot.config import Settings
from bot.curriculum.catalog import Catalog
from bot.delivery import Courier
from bot.demo.session import FakeBotSession
from bot.loop.coach import CoachLoop
from bot.metrics import Metrics
from bot.storage_keys import ConversationKeys
from bot.web import create_web_app
from db.engine import create_engine, create_sessionmaker
from db.migrate import upgrade_to_head
from db.models import Learner, ReminderSend
from tests.conftest import FIXTURE_CONTENT, reset_database
from tests.harness import Chat_, FakeClock
from tests.servers import require_postgres, require_redis

SECRET = "s3cret-token_1"
Client = TestClient[aiohttp_web.Request, aiohttp_web.Application]


def _start_update(user_id: int, update_id: int = 1) -> dict[str, object]:
    message = Message(
        message_id=1,
        date=datetime.now(UTC),
        chat=Chat(id=user_id, type="private"),
        from_user={"id": user_id, "is_bot": False, "first_name": "W", "language_code": "en"},  # type: ignore[arg-type]
        text="/start",
    )
    return Update(update_id=update_id, message=message).model_dump(
        mode="json", by_alias=True, exclude_none=True
    )


@pytest.fixture
async def web(
    tmp_path: Path, catalog: Catalog, clock: FakeClock
) -> AsyncIterator[tuple[Client, FakeBotSession, Metrics]]:
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path}/w.db",
        content_dir=FIXTURE_CONTENT,
        webhook_url="https://coach.example.org/telegram/hook",
        webhook_secret=SECRET,
    )
    engine = create_engine(settings.database_url)
    await upgrade_to_head(engine)
    metrics = Metrics()
    dispatcher = build_dispatcher(
        settings, catalog, create_sessionmaker(engine), clock=clock, metrics=metrics
    )
    session = FakeBotSession()
    bot = create_bot(settings, session)

    async def set_webhook() -> None:
        await bot.set_webhook(settings.webhook_url or "", secret_token=SECRET)

    dispatcher.startup.register(set_webhook)
    app = create_web_app(dispatcher, bot, engine, metrics, settings, clock)
    client = TestClient(TestServer(app))
    await client.start_server()  # runs the dispatcher's startup: commands, webhook, scheduler
    try:
        yield client, session, metrics
    finally:
        await client.close()
        await engine.dispose()


async def _wait_for(session: FakeBotSession, kind: type, count: int = 1) -> None:
    for _ in range(200):
        if len([r for r in session.requests if isinstance(r, kind)]) >= count:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"no {kind.__name__} within 4 s")


async def test_webhook_refuses_requests_without_the_secret(
    web: tuple[Client, FakeBotSession, Metrics],
) -> None:
    client, session, _ = web
    assert any(isinstance(r, SetWebhook) and r.secret_token == SECRET for r in session.requests)
    no_header = await client.post("/telegram/hook", json=_start_update(11))
    wrong = await client.post(
        "/telegram/hook", json=_start_update(11), headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
    )
    assert (no_header.status, wrong.status) == (401, 401)
    await asyncio.sleep(0.1)
    assert not [r for r in session.requests if isinstance(r, SendMessage)]
    ok = await client.post(
        "/telegram/hook", json=_start_update(11), headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    assert ok.status == 200
    await _wait_for(session, SendMessage)
    sent = [r for r in session.requests if isinstance(r, SendMessage)]
    assert "Which language do you prefer?" in sent[0].text


async def test_healthz_and_metrics(web: tuple[Client, FakeBotSession, Metrics]) -> None:
    client, session, _ = web
    health = await client.get("/healthz")
    assert health.status == 200
    assert await health.json() == {"database": "ok", "scheduler": "ok"}
    await client.post(
        "/telegram/hook", json=_start_update(12), headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
    )
    await _wait_for(session, SendMessage)
    await asyncio.sleep(0.05)
    text = await (await client.get("/metrics")).text()
    assert 'coach_updates_total{type="message"} 1.0' in text
    assert 'coach_handler_seconds_count{type="message"} 1.0' in text
    assert (
        "coach_active_learners" in text and "coach_sends_total" in text and "coach_quiz_answers_total" in text
    )


async def test_healthz_says_when_the_database_is_gone(
    tmp_path: Path, catalog: Catalog, clock: FakeClock
) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path}/missing/dir/x.db")
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/gone.db")
    await upgrade_to_head(engine)
    dispatcher = build_dispatcher(settings, catalog, create_sessionmaker(engine), clock=clock)
    bot = create_bot(settings, FakeBotSession())
    (tmp_path / "gone.db").unlink()
    (tmp_path / "gone.db").mkdir()  # the file is now a folder: SQLite cannot open it
    await engine.dispose()
    app = create_web_app(dispatcher, bot, engine, Metrics(), settings, clock)
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/healthz")
        body = await response.json()
    assert response.status == 503
    # its start-up never ran (no commands, no scheduler yet): "starting"
    assert body["database"].startswith("unreachable") and body["scheduler"] == "starting"


async def test_fsm_state_in_redis_lets_any_replica_answer(
    tmp_path: Path, catalog: Catalog, clock: FakeClock
) -> None:
    url = require_redis()
    settings = Settings(
        _env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path}/r.db", content_dir=FIXTURE_CONTENT
    )
    engine = create_engine(settings.database_url)
    await upgrade_to_head(engine)
    prefix = f"coach-test-{uuid.uuid4().hex}"
    replicas = []
    for _ in range(2):
        storage = RedisStorage.from_url(url, key_builder=ConversationKeys(prefix=prefix))  # as `prepare` does
        replicas.append(
            build_dispatcher(settings, catalog, create_sessionmaker(engine), clock=clock, storage=storage)
        )
    session = FakeBotSession()
    bot = create_bot(settings, session)
    on_a, on_b = Chat_(replicas[0], bot, session, 31, "en"), Chat_(replicas[1], bot, session, 31, "en")
    try:
        await on_a.send("/start")
        await on_a.press("English")
        await on_a.press("Demo roadmap")
        assert "hours a week" in on_a.text
        await on_b.send("7")  # the other replica knows the question that is open
        assert "On which days do you study?" in on_b.text
        await on_a.press("✅ Done")  # and the first one knows the next
        assert "remind you" in on_a.text
        await on_a.send("7:45")
        await on_b.send("Europe/Paris")
        assert "All set!" in on_b.text and "7 h a week" in on_b.text and "7:45 AM" in on_b.text
    finally:
        for dispatcher in replicas:
            await dispatcher.storage.close()
        await engine.dispose()


async def test_two_schedulers_on_one_postgresql_send_each_reminder_once(catalog: Catalog) -> None:
    url = require_postgres()
    await reset_database(url)
    now = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    clock = FakeClock(now)
    engines = [create_engine(url), create_engine(url)]
    try:
        await upgrade_to_head(engines[0])
        async with engines[0].begin() as connection:
            await connection.execute(
                insert(Learner),
                [
                    {
                        "id": 100_000 + i, "language": "en", "timezone": "UTC", "reminder_minute": 9 * 60,
                        "current_track": "demo", "onboarded_at": now - timedelta(days=1),
                        "last_active_at": now - timedelta(hours=20), "next_reminder_at": now - timedelta(seconds=i % 50),
                        "created_at": now, "updated_at": now,
                    }
                    for i in range(1000)
                ],
            )  # fmt: skip
        session = FakeBotSession()
        i18n = create_i18n()
        loops = [
            CoachLoop(
                create_bot(Settings(_env_file=None), session),
                create_sessionmaker(engine),
                catalog,
                i18n,
                clock,
                Courier(),
            )
            for engine in engines
        ]
        delivered = await asyncio.gather(*(loop.tick() for loop in loops))
        assert sum(delivered) == 1000
        assert all(d > 0 for d in delivered)  # both did part of the work
        sent_to = [r.chat_id for r in session.requests if isinstance(r, SendMessage)]
        assert len(sent_to) == 1000 and len(set(sent_to)) == 1000
        async with engines[0].connect() as connection:
            rows = (
                await connection.execute(
                    select(ReminderSend.status, func.count()).group_by(ReminderSend.status)
                )
            ).all()
        assert [tuple(r) for r in rows] == [("sent", 1000)]
        assert sum(await asyncio.gather(*(loop.tick() for loop in loops))) == 0
    finally:
        for engine in engines:
            await engine.dispose()


async def test_replicas_starting_together_upgrade_postgresql_once() -> None:
    url = require_postgres()
    await reset_database(url)
    engines = [create_engine(url) for _ in range(3)]
    try:
        await asyncio.gather(*(upgrade_to_head(engine) for engine in engines))
        async with engines[0].connect() as connection:
            version = (await connection.exec_driver_sql("SELECT version_num FROM alembic_version")).all()
        assert len(version) == 1
    finally:
        for engine in engines:
            await engine.dispose()
