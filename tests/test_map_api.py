"""The map's API (/app/api/): who may ask, what they see, and that a change is the chat's change too."""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import aiohttp
import pytest
from aiogram import Bot, Dispatcher
from aiohttp import web as aiohttp_web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import prepare
from bot.config import Settings
from bot.curriculum.catalog import Catalog
from bot.demo.console import ConsoleChat
from bot.demo.map import serve_map
from bot.metrics import Metrics
from bot.services import marking, progress
from bot.web import create_web_app
from bot.webapp.auth import sign_init_data
from db.models import Status
from tests.fakes.flaky_database import Flaky
from tests.harness import Chat_, FakeClock

Client = TestClient[aiohttp_web.Request, aiohttp_web.Application]


@pytest.fixture
async def client(
    dispatcher: Dispatcher, bot: Bot, engine: AsyncEngine, settings: Settings, clock: FakeClock
) -> AsyncIterator[Client]:
    app = create_web_app(dispatcher, bot, engine, Metrics(), settings, clock)
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


def tma(
    bot: Bot, clock: FakeClock, user_id: int = 1001, age: timedelta = timedelta(0), **extra: str
) -> dict[str, str]:
    user = {"id": user_id, "first_name": "Ann", "language_code": "en"}
    return {"Authorization": "tma " + sign_init_data(bot.token, user, clock() - age, **extra)}


async def get(client: Client, path: str, headers: dict[str, str]) -> tuple[int, Any]:
    response = await client.get(path, headers=headers)
    return response.status, await response.json()


async def test_the_page_is_small_and_carries_no_build(client: Client) -> None:
    response = await client.get("/app/", headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    text = await response.text()
    assert "telegram-web-app.js" in text and "--tg-theme-bg-color" in text and "MAP_WORDS" in text
    assert "/*SCRIPT*/" not in text


async def test_the_roadmap_shows_the_learners_own_statuses(
    client: Client,
    chat: Chat_,
    make_chat: Callable[..., Chat_],
    bot: Bot,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
    catalog: Catalog,
) -> None:
    await chat.onboard()
    other = make_chat(2002, "ru")
    await other.onboard(track_title="Демо-роадмап", language="Русский")
    async with sessionmaker() as session:
        await marking.mark(session, catalog, 1001, "demo", "big-o", "", Status.DONE, clock())
        await marking.mark(session, catalog, 1001, "demo", "sorting", "", Status.IN_PROGRESS, clock())

    status, mine = await get(client, "/app/api/roadmap", tma(bot, clock))
    assert status == 200
    assert mine["track"]["id"] == "demo" and mine["lang"] == "en"
    assert mine["statuses"]["big-o"] == "done" and mine["statuses"]["sorting"] == "in_progress"
    assert mine["today"] == "sorting"  # the first topic neither done nor skipped, as /next says
    assert 'data-topic="big-o"' in mine["svg"] and "st-done" in mine["svg"] and "st-studying" in mine["svg"]
    assert mine["finish"] is not None and "2026" in mine["finish_text"]

    # Learner 2002 sees the same track with their own (empty) progress, in their language.
    status, theirs = await get(client, "/app/api/roadmap?track=demo", tma(bot, clock, 2002))
    assert status == 200 and theirs["lang"] == "ru"
    assert set(theirs["statuses"].values()) == {"not_started"}
    assert theirs["track"]["title"] == "Демо-роадмап"


async def test_a_change_on_the_map_is_the_chats_change_and_back(
    client: Client,
    chat: Chat_,
    make_chat: Callable[..., Chat_],
    bot: Bot,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
    catalog: Catalog,
) -> None:
    await chat.onboard()
    other = make_chat(2002)
    await other.onboard()
    response = await client.post(
        "/app/api/status",
        json={"track": "demo", "topic": "big-o", "part": "", "status": "done"},
        headers=tma(bot, clock),
    )
    assert response.status == 200
    card = await response.json()
    # The chat's card offers a finished topic only a reset, and no «I already know this»: so does the map's.
    assert card["status"] == "done" and [a["status"] for a in card["parts"][0]["actions"]] == ["not_started"]
    assert card["known"] is None
    async with sessionmaker() as session:
        assert (await progress.module_states(session, catalog, 1001, "demo"))["big-o"] is Status.DONE
        # Another learner's row is untouched.
        assert (await progress.module_states(session, catalog, 2002, "demo"))["big-o"] is Status.NOT_STARTED
    await chat.send("/next")
    assert "Sorting" in chat.text  # the chat moved on past the topic done on the map

    # Marked in the chat, seen on the map.
    await chat.press("✅ Done")
    status, roadmap = await get(client, "/app/api/roadmap", tma(bot, clock))
    assert roadmap["statuses"]["sorting"] == "done"
    status, topic = await get(client, "/app/api/topic?track=demo&topic=sorting", tma(bot, clock))
    assert status == 200 and topic["status"] == "done" and topic["title"] == "Sorting"


async def test_a_video_with_passes_has_the_chats_actions_per_pass(
    client: Client, chat: Chat_, bot: Bot, clock: FakeClock
) -> None:
    await chat.onboard()
    status, card = await get(client, "/app/api/topic?track=demo&topic=intro-video", tma(bot, clock))
    assert status == 200
    assert [p["part"] for p in card["parts"]] == ["watch", "active"]
    response = await client.post(
        "/app/api/status",
        json={"track": "demo", "topic": "intro-video", "part": "watch", "status": "done"},
        headers=tma(bot, clock),
    )
    card = await response.json()
    assert card["status"] == "in_progress" and card["parts"][0]["status"] == "done"


async def test_pass_2_on_the_map_asks_about_pass_1_as_the_chat_does(
    client: Client, chat: Chat_, bot: Bot, clock: FakeClock
) -> None:
    await chat.onboard()
    status, card = await get(client, "/app/api/topic?track=demo&topic=intro-video", tma(bot, clock))
    assert status == 200
    done_2 = next(a for a in card["parts"][1]["actions"] if a["status"] == "done")
    assert done_2["confirm"] == "Pass 2 comes after pass 1, which is not marked done. Mark pass 1 done too?"
    assert all("confirm" not in a for a in card["parts"][0]["actions"])
    body = {"track": "demo", "topic": "intro-video", "part": "active", "status": "done"}
    response = await client.post("/app/api/status", json=body, headers=tma(bot, clock))
    assert response.status == 409 and await response.json() == {"error": "earlier_pass"}
    response = await client.post(
        "/app/api/status", json={**body, "with_earlier": True}, headers=tma(bot, clock)
    )
    card = await response.json()
    assert card["status"] == "done" and [p["status"] for p in card["parts"]] == ["done", "done"]


async def test_i_already_know_this_on_the_map_is_the_chats_known(
    client: Client, chat: Chat_, bot: Bot, clock: FakeClock
) -> None:
    await chat.onboard()
    status, card = await get(client, "/app/api/topic?track=demo&topic=big-o", tma(bot, clock))
    assert status == 200 and card["known"] == "🎓 I already know this"
    assert [a["status"] for a in card["parts"][0]["actions"]] == ["in_progress", "done", "skipped"]
    response = await client.post(
        "/app/api/status",
        json={"track": "demo", "topic": "big-o", "part": "", "status": "known"},
        headers=tma(bot, clock),
    )
    card = await response.json()
    assert card["status"] == "known" and card["known"] is None
    status, roadmap = await get(client, "/app/api/roadmap", tma(bot, clock))
    assert roadmap["statuses"]["big-o"] == "known"
    await chat.send("/next")
    assert "Sorting" in chat.text  # a known topic left the plan: the chat goes on past it


@pytest.mark.parametrize(
    "make_headers",
    [
        lambda bot, clock: {},
        lambda bot, clock: {"Authorization": "Bearer x"},
        lambda bot, clock: {"Authorization": "tma "},
        # Signed with another bot's token.
        lambda bot, clock: {"Authorization": "tma " + sign_init_data("1:other", {"id": 1001}, clock())},
        # Tampered: the user id changed after signing.
        lambda bot, clock: {"Authorization": tma(bot, clock)["Authorization"].replace("1001", "2002")},
        # A signature field added after signing is inside the checked string, so it breaks the hash.
        lambda bot, clock: {"Authorization": tma(bot, clock)["Authorization"] + "&signature=abc"},
        # Older than a day.
        lambda bot, clock: tma(bot, clock, age=timedelta(hours=24, minutes=1)),
        # From the future.
        lambda bot, clock: tma(bot, clock, age=-timedelta(hours=1)),
    ],
    ids=["missing", "other-scheme", "empty", "forged", "tampered", "signature-added", "expired", "future"],
)
async def test_missing_forged_tampered_or_expired_init_data_gets_401(
    client: Client,
    chat: Chat_,
    bot: Bot,
    clock: FakeClock,
    make_headers: Callable[[Bot, FakeClock], dict[str, str]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    await chat.onboard()
    caplog.set_level(logging.DEBUG)
    for path in ("/app/api/roadmap", "/app/api/topic?track=demo&topic=big-o"):
        response = await client.get(path, headers=make_headers(bot, clock))
        assert response.status == 401 and await response.json() == {"error": "unauthorized"}
    response = await client.post(
        "/app/api/status",
        json={"track": "demo", "topic": "big-o", "status": "done"},
        headers=make_headers(bot, clock),
    )
    assert response.status == 401
    assert "hash=" not in caplog.text and "auth_date" not in caplog.text


async def test_signed_init_data_with_a_user_id_beyond_64_bits_gets_400(
    client: Client, chat: Chat_, bot: Bot, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    await chat.onboard()
    caplog.set_level(logging.DEBUG)
    for user_id in (2**63, 2**70, -5):
        for path in ("/app/api/roadmap", "/app/api/topic?track=demo&topic=big-o"):
            response = await client.get(path, headers=tma(bot, clock, user_id))
            assert response.status == 400 and await response.json() == {"error": "bad_request"}
        response = await client.post(
            "/app/api/status",
            json={"track": "demo", "topic": "big-o", "status": "done"},
            headers=tma(bot, clock, user_id),
        )
        assert response.status == 400
    assert "Traceback" not in caplog.text and str(2**70) not in caplog.text


async def test_while_the_database_is_unavailable_the_map_answers_503_and_logs_it_once(
    dispatcher: Dispatcher,
    bot: Bot,
    engine: AsyncEngine,
    settings: Settings,
    clock: FakeClock,
    chat: Chat_,
    sessionmaker: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    await chat.onboard()
    flaky = Flaky(sessionmaker)
    dispatcher["sessionmaker"] = flaky
    caplog.set_level(logging.INFO)
    async with TestClient(
        TestServer(create_web_app(dispatcher, bot, engine, Metrics(), settings, clock))
    ) as web:
        flaky.down = True
        for _ in range(3):
            assert await get(web, "/app/api/roadmap", tma(bot, clock)) == (503, {"error": "unavailable"})
        flaky.down = False
        assert (await get(web, "/app/api/roadmap", tma(bot, clock)))[0] == 200
    assert [r.levelname for r in caplog.records if r.levelno >= logging.WARNING] == ["ERROR"]  # it started
    assert "Traceback" not in caplog.text


async def test_init_data_with_a_signature_field_and_a_day_old_date_is_accepted(
    client: Client, chat: Chat_, bot: Bot, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    await chat.onboard()
    caplog.set_level(logging.DEBUG)
    headers = tma(bot, clock, age=timedelta(hours=23), signature="ed25519-by-telegram", query_id="AAH")
    status, body = await get(client, "/app/api/roadmap", headers)
    assert status == 200 and body["track"]["id"] == "demo"
    init_data = headers["Authorization"].removeprefix("tma ")
    assert init_data not in caplog.text and "Ann" not in caplog.text


async def test_unknown_ids_and_strangers(client: Client, chat: Chat_, bot: Bot, clock: FakeClock) -> None:
    status, body = await get(client, "/app/api/roadmap", tma(bot, clock, 3003))
    assert (status, body) == (404, {"error": "not_started"})  # signed, but never talked to the bot
    await chat.send("/start")
    await chat.press("English")
    await chat.press("Demo roadmap")
    status, body = await get(client, "/app/api/roadmap", tma(bot, clock))
    assert (status, body) == (
        404,
        {"error": "not_started"},
    )  # the set-up is not done: no plan on the map either
    for answer in ("6 h", "✅ Done", "9:00 AM", "Berlin"):
        await chat.press(answer)
    assert "All set!" in chat.text
    assert (await get(client, "/app/api/roadmap?track=nope", tma(bot, clock)))[0] == 404
    assert (await get(client, "/app/api/topic?track=demo&topic=nope", tma(bot, clock)))[0] == 404
    assert (await get(client, "/app/api/topic?track=second&topic=big-o", tma(bot, clock)))[0] == 404
    for body in (
        {"track": "demo", "topic": "big-o", "status": "finished"},
        {"track": "demo", "topic": "big-o", "part": "nope", "status": "done"},
        {"track": "demo"},
    ):
        response = await client.post("/app/api/status", json=body, headers=tma(bot, clock))
        assert response.status in (400, 404)


async def test_the_console_demo_prints_a_working_map_url(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path}/demo.db", web_port=0)
    runtime = await prepare(settings)
    out = io.StringIO()
    chat = ConsoleChat(runtime, out=out)
    runner, url = await serve_map(chat)
    try:
        # English, the MLE roadmap, 3 hours, every day, the first time button, the first zone: set up
        for line in ("/start", "2", "1", "3", "8", "#1", "1"):
            await chat.send_line(line)
        init_data = unquote(urlsplit(url).fragment.removeprefix("tgWebAppData="))
        async with aiohttp.ClientSession() as http:
            async with http.get(url) as page:
                assert page.status == 200 and "MAP_WORDS" in await page.text()
            api = url.split("#")[0] + "api/roadmap"
            async with http.get(api, headers={"Authorization": "tma " + init_data}) as response:
                assert response.status == 200
                assert (await response.json())["track"]["id"] == "mle"
            async with http.get(api, headers={"Authorization": "tma " + init_data + "0"}) as response:
                assert response.status == 401
    finally:
        await runner.cleanup()
        await runtime.close()
