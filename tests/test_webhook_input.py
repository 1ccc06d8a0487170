"""The webhook's answers, in process: 200 only once an update is handled, the same update delivered again not
applied twice, 503 while stopping, and malformed requests with the right secret refused with 400 (or dropped with
200 when a second delivery would not help), never with a traceback or the learner's text in the log."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiogram import Dispatcher
from aiogram.methods import SendMessage
from aiohttp import web as aiohttp_web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import build_dispatcher, create_bot
from bot.config import Settings
from bot.curriculum.catalog import Catalog
from bot.demo.session import FakeBotSession
from bot.metrics import Metrics
from bot.web import create_web_app
from db.engine import create_engine, create_sessionmaker
from db.migrate import upgrade_to_head
from tests.conftest import FIXTURE_CONTENT
from tests.harness import FakeClock

SECRET = "s3cret-token_1"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
LEARNER_TEXT = "my-private-words"
Client = TestClient[aiohttp_web.Request, aiohttp_web.Application]


def start(user_id: int, update_id: int, text: str = "/start") -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": user_id, "type": "private"},
            "from": {"id": user_id, "is_bot": False, "first_name": "W", "language_code": "en"},
            "text": text,
        },
    }


@pytest.fixture
async def hook(
    tmp_path: Path, catalog: Catalog, clock: FakeClock
) -> AsyncIterator[tuple[Client, FakeBotSession, Dispatcher]]:
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path}/w.db",
        content_dir=FIXTURE_CONTENT,
        webhook_url="https://coach.example.org/telegram/hook",
        webhook_secret=SECRET,
    )
    engine = create_engine(settings.database_url)
    await upgrade_to_head(engine)
    dispatcher = build_dispatcher(settings, catalog, create_sessionmaker(engine), clock=clock)
    session = FakeBotSession()
    bot = create_bot(settings, session)
    client = TestClient(TestServer(create_web_app(dispatcher, bot, engine, Metrics(), settings, clock)))
    await client.start_server()
    try:
        yield client, session, dispatcher
    finally:
        await client.close()
        await engine.dispose()


def welcomes(session: FakeBotSession, user_id: int) -> list[SendMessage]:
    return [
        r
        for r in session.requests
        if isinstance(r, SendMessage) and r.chat_id == user_id and "Which language" in r.text
    ]


async def test_the_200_comes_once_the_update_is_handled_and_a_second_delivery_is_not_applied(
    hook: tuple[Client, FakeBotSession, Dispatcher],
) -> None:
    client, session, _ = hook
    response = await client.post("/telegram/hook", json=start(41, 7001), headers=HEADERS)
    assert response.status == 200
    assert len(welcomes(session, 41)) == 1  # already answered when the 200 came
    again = await client.post("/telegram/hook", json=start(41, 7001), headers=HEADERS)
    assert again.status == 200
    assert len(welcomes(session, 41)) == 1  # the same update_id: recognised, not answered twice
    other = await client.post("/telegram/hook", json=start(41, 7002), headers=HEADERS)
    assert other.status == 200 and len(welcomes(session, 41)) == 2  # a new /start is a new update


async def test_two_deliveries_at_once_are_applied_once(
    hook: tuple[Client, FakeBotSession, Dispatcher],
) -> None:
    client, session, _ = hook
    answers = await asyncio.gather(
        *(client.post("/telegram/hook", json=start(42, 7101), headers=HEADERS) for _ in range(3))
    )
    assert [a.status for a in answers] == [200, 200, 200]
    assert len(welcomes(session, 42)) == 1  # the learner's lock: the later ones waited, then found it handled


async def test_while_stopping_the_webhook_answers_503_so_telegram_delivers_again(
    hook: tuple[Client, FakeBotSession, Dispatcher],
) -> None:
    client, session, dispatcher = hook
    dispatcher["in_progress"].stop_taking()
    response = await client.post("/telegram/hook", json=start(43, 7201), headers=HEADERS)
    assert response.status == 503 and not welcomes(session, 43)
    health = await client.get("/healthz")
    assert health.status == 503 and (await health.json())["updates"] == "stopping"


MALFORMED: dict[str, bytes] = {
    "not-utf8": b'{"update_id": 1, "message": {"text": "\xff\xfe' + LEARNER_TEXT.encode() + b'"}}',
    "bad-json": b'{"update_id": 2, "message": {"text": "' + LEARNER_TEXT.encode() + b'"',
    "deeply-nested": b"[" * 200_000 + b"]" * 200_000,
    "nested-object": json.dumps(
        {"update_id": 3, "message": json.loads('{"a":' * 100 + f'"{LEARNER_TEXT}"' + "}" * 100)}
    ).encode(),
    "not-an-object": json.dumps([LEARNER_TEXT]).encode(),
    "no-update-id": json.dumps({"message": {"text": LEARNER_TEXT}}).encode(),
    "user-id-beyond-int64": json.dumps(start(2**64 + 5, 4, LEARNER_TEXT)).encode(),
    "chat-id-as-huge-float": json.dumps(start(44, 5, LEARNER_TEXT))
    .replace('"id": 44', '"id": 1e30', 1)
    .encode(),
    "update-id-beyond-int64": json.dumps(start(45, 2**63, LEARNER_TEXT)).encode(),
    "nan": b'{"update_id": 6, "x": NaN}',
}


@pytest.mark.parametrize("body", MALFORMED.values(), ids=MALFORMED.keys())
async def test_malformed_requests_with_the_secret_get_400_without_a_traceback(
    hook: tuple[Client, FakeBotSession, Dispatcher], body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    client, session, _ = hook
    caplog.set_level(logging.DEBUG)
    response = await client.post(
        "/telegram/hook", data=body, headers={**HEADERS, "Content-Type": "application/json"}
    )
    assert response.status == 400
    assert not [r for r in session.requests if isinstance(r, SendMessage)]
    assert "Traceback" not in caplog.text and not [r for r in caplog.records if r.exc_info]
    assert LEARNER_TEXT not in caplog.text
    assert next(r.getMessage() for r in caplog.records if r.name == "bot.webhook").startswith(
        "webhook request refused (400)"
    )


UNREADABLE: dict[str, tuple[dict[str, Any], str]] = {
    "message-without-its-fields": ({"update_id": 8, "message": {"text": LEARNER_TEXT}}, "update 8 (message)"),
    "wrong-types": (
        {"update_id": 9, "callback_query": {"id": 5, "from": LEARNER_TEXT, "data": LEARNER_TEXT}},
        "update 9 (callback_query)",
    ),
    "a-type-this-aiogram-does-not-know": (
        {"update_id": 10, "future_thing": {"text": LEARNER_TEXT}},
        "update 10 of a type this bot does not know (future_thing)",
    ),
}


@pytest.mark.parametrize(("update", "logged"), UNREADABLE.values(), ids=UNREADABLE.keys())
async def test_an_update_that_does_not_parse_gets_200_and_is_logged_by_id_and_type_only(
    hook: tuple[Client, FakeBotSession, Dispatcher],
    update: dict[str, Any],
    logged: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client, session, _ = hook
    caplog.set_level(logging.DEBUG)
    response = await client.post("/telegram/hook", json=update, headers=HEADERS)
    assert response.status == 200  # a second delivery would not parse any better
    await asyncio.sleep(0.05)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and warnings[0].startswith(logged), warnings
    assert LEARNER_TEXT not in caplog.text and "input_value" not in caplog.text
    assert "Traceback" not in caplog.text and not [r for r in caplog.records if r.exc_info]
    assert not [r for r in session.requests if isinstance(r, SendMessage)]
