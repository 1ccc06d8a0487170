"""Rush hour over HTTP: the bot long-polls a fake Bot API that answers 429 above Telegram's limits (30 messages a
second overall, one a second per chat), and still everyone gets their real answer, and every tap an answer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.types import CallbackQuery, Chat, Message, User

from bot.app import Runtime, create_bot, prepare
from bot.config import Settings
from tests.fakes.bot_api_server import FakeBotApiServer

TOKEN = "123456:SECRET-rush-token"
NOW = datetime.now(UTC)
APOLOGY = "Sorry, something went wrong"


def _json(obj: Message | CallbackQuery) -> dict[str, object]:
    return obj.model_dump(mode="json", by_alias=True, exclude_none=True)


def start_message(user_id: int) -> dict[str, object]:
    user = User(id=user_id, is_bot=False, first_name=f"L{user_id}", language_code="en")
    chat = Chat(id=user_id, type="private")
    return {"message": _json(Message(message_id=1, date=NOW, chat=chat, from_user=user, text="/start"))}


@dataclass
class RunningBot:
    server: FakeBotApiServer
    runtime: Runtime
    bot: Bot


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[RunningBot]:
    server = FakeBotApiServer(send_rate_limit=30, per_chat_interval=1.0)
    await server.start()
    settings = Settings(
        _env_file=None,
        bot_token=TOKEN,
        telegram_api_url=server.url,
        database_url=f"sqlite+aiosqlite:///{tmp_path}/rush.db",
    )
    runtime = await prepare(settings)
    bot = create_bot(settings)  # on "Telegram": the real session, paced
    polling = asyncio.create_task(runtime.dispatcher.start_polling(bot, handle_signals=False))
    await server.wait_for("getUpdates", timeout=30)
    try:
        yield RunningBot(server, runtime, bot)
    finally:
        await runtime.dispatcher.stop_polling()
        await polling
        await runtime.close()
        await server.stop()


async def until(condition: Callable[[], bool], timeout: float = 60) -> None:
    """Wait for what another process (or the bot's tasks) does; nothing here signals it, so look often."""

    async def poll() -> None:
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.05)

    await asyncio.wait_for(poll(), timeout)


async def test_300_learners_at_once_all_get_their_welcome_and_no_apology(running: RunningBot) -> None:
    server, learners = running.server, range(1, 301)
    for user_id in learners:
        server.push_update(start_message(user_id))

    def welcomed() -> set[object]:
        return {
            c.params["chat_id"]
            for c in server.accepted("sendMessage")
            if "Which language do you prefer?" in str(c.params.get("text"))
        }

    await until(lambda: len(welcomed()) == len(learners))
    assert welcomed() == {str(u) for u in learners} or welcomed() == set(learners)
    assert not [c for c in server.calls if APOLOGY in str(c.params.get("text"))]
    chat_sends = [c for c in server.calls if c.method == "sendmessage"]
    assert len(chat_sends) - server.refused == len(learners)  # one welcome each, none twice


async def test_a_flooding_learner_has_every_tap_answered_over_http(running: RunningBot) -> None:
    server = running.server
    server.push_update(start_message(7))
    welcome = await server.wait_for("sendMessage", "Which language do you prefer?")
    markup = welcome.params["reply_markup"]
    english = next(b for row in markup["inline_keyboard"] for b in row if "English" in b["text"])
    user = User(id=7, is_bot=False, first_name="Flo", language_code="en")
    bot_user = User(id=4242, is_bot=True, first_name="Coach")
    message = Message(message_id=1, date=NOW, chat=Chat(id=7, type="private"), from_user=bot_user, text="x")
    taps = [f"tap{i}" for i in range(20)]
    for tap in taps:
        query = CallbackQuery(
            id=tap, from_user=user, chat_instance="ci", message=message, data=english["callback_data"]
        )
        server.push_update({"callback_query": _json(query)})

    def answered() -> set[object]:
        return {c.params["callback_query_id"] for c in server.accepted("answerCallbackQuery")}

    await until(lambda: answered() >= set(taps), timeout=30)
    assert not [c for c in server.calls if APOLOGY in str(c.params.get("text"))]
