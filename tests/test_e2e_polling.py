"""The bot as a process, long-polling a fake Bot API over HTTP on loopback (TELEGRAM_API_URL)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from aiogram.types import CallbackQuery, Chat, Message, User

from tests.fakes.bot_api_server import FakeBotApiServer

TOKEN = "123456:SECRET-test-token-never-logged"
USER = User(id=777, is_bot=False, first_name="Ada", language_code="en")
CHAT = Chat(id=777, type="private")
NOW = datetime.now(UTC)


def _json(obj: Message | CallbackQuery) -> dict[str, object]:
    return obj.model_dump(mode="json", by_alias=True, exclude_none=True)


async def test_the_bot_answers_over_http_with_long_polling(tmp_path: Path) -> None:
    server = FakeBotApiServer()
    await server.start()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        web_port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "CONTENT_DIR"}
    env.update(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=server.url,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/e2e.db",
        LOG_LEVEL="DEBUG",
        WEB_HOST="127.0.0.1",
        WEB_PORT=str(web_port),
    )
    # The logs go to a file: at DEBUG a pipe nobody reads fills up and the bot blocks on its next log line.
    log_file = (tmp_path / "bot.log").open("wb")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path, stdout=log_file, stderr=log_file,
    )  # fmt: skip
    try:
        await server.wait_for("getUpdates", timeout=60)
        commands = await server.wait_for("setMyCommands", timeout=5)
        assert commands.token == TOKEN

        start = Message(message_id=1, date=NOW, chat=CHAT, from_user=USER, text="/start")
        server.push_update({"message": _json(start)})
        sent = await server.wait_for("sendMessage", "Which language do you prefer?")
        markup = sent.params["reply_markup"]
        english = next(b for row in markup["inline_keyboard"] for b in row if "English" in b["text"])

        bot_message = Message(
            message_id=1,
            date=NOW,
            chat=CHAT,
            from_user=User(id=4242, is_bot=True, first_name="Coach"),
            text="x",
        )
        query = CallbackQuery(
            id="cq1", from_user=USER, chat_instance="ci", message=bot_message, data=english["callback_data"]
        )
        server.push_update({"callback_query": _json(query)})
        edited = await server.wait_for("editMessageText", "Choose a track.")
        assert "MLE Roadmap 2025" in str(edited.params["text"])
        await server.wait_for("answerCallbackQuery", "cq1")
        # The web server runs beside long polling: health and metrics.
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{web_port}/healthz") as health:
                assert health.status == 200 and await health.json() == {"database": "ok", "scheduler": "ok"}
            async with http.get(f"http://127.0.0.1:{web_port}/metrics") as metrics:
                assert 'coach_updates_total{type="callback_query"} 1.0' in await metrics.text()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), 30)
        finally:
            if process.returncode is None:
                process.kill()
            log_file.close()
        await server.stop()
    logs = (tmp_path / "bot.log").read_text()
    assert "Start polling" in logs  # DEBUG logging was on, and still:
    assert TOKEN not in logs and "SECRET-test-token" not in logs
    assert process.returncode == 0, logs
