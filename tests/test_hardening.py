"""Bad input, Telegram failures, floods, duplicates and logs."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.types import Chat, Message, Update
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import MarkCb
from bot.demo.telegram import FakeApiError
from db.models import ProgressEvent
from tests.harness import Chat_


async def test_a_429_on_a_reply_is_waited_out_and_the_reply_arrives(chat: Chat_) -> None:
    await chat.onboard()
    chat.session.fail_next(SendMessage, FakeApiError(429, "Too Many Requests: retry after 1", retry_after=1))
    await chat.send("/next")
    assert "<b>Complexity: Big-O</b>" in chat.text
    assert not any("something went wrong" in (s.text or "") for s in chat.screens())


async def test_network_trouble_is_retried(chat: Chat_) -> None:
    await chat.onboard()
    await chat.send("/next")
    chat.session.fail_next(EditMessageText, FakeApiError(502, "Bad Gateway"))
    await chat.press("✅ Done")
    assert "✅ done" in chat.text


async def test_an_error_is_logged_with_context_and_the_learner_gets_an_apology(
    chat: Chat_, caplog: pytest.LogCaptureFixture
) -> None:
    await chat.onboard()
    chat.session.fail_next(SendMessage, FakeApiError(400, "Bad Request: something unexpected"))
    with caplog.at_level(logging.ERROR):
        await chat.send("/next")
    assert any("failed: TelegramBadRequest" in r.getMessage() for r in caplog.records)
    assert "Sorry, something went wrong on my side" in chat.text
    assert "Traceback" not in chat.text


async def test_message_is_not_modified_and_message_to_edit_not_found(chat: Chat_) -> None:
    await chat.onboard()
    await chat.send("/next")
    chat.session.fail_next(EditMessageText, FakeApiError(400, "Bad Request: message to edit not found"))
    calls = await chat.press("✅ Done")
    assert isinstance(calls[-2], SendMessage) or any(isinstance(c, SendMessage) for c in calls)  # sent anew
    assert "✅ done" in chat.text


async def test_a_flood_is_slowed_down_with_one_polite_message(
    make_chat: Callable[..., Chat_], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    flooder, calm = make_chat(user_id=1), make_chat(user_id=2)
    await flooder.onboard()
    await calm.onboard()
    await flooder.send("/next")
    taps = [flooder.press("✅ Done") for _ in range(20)]
    await asyncio.gather(*taps, calm.send("/next"))
    warnings = [
        c
        for c in flooder.session.requests
        if isinstance(c, AnswerCallbackQuery) and c.text and "that's a lot at once" in c.text
    ]
    assert len(warnings) == 1
    assert "<b>Complexity: Big-O</b>" in calm.text  # the other learner is served as usual
    async with sessionmaker() as session:
        events = await session.scalar(select(func.count()).select_from(ProgressEvent))
    assert events == 1  # the mark itself went through once
    await flooder.send("/progress")  # after the flood, everything works again
    assert "Progress: Demo roadmap" in flooder.latest("Progress:")


async def test_an_update_delivered_twice_changes_nothing_the_second_time(
    chat: Chat_, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.onboard()
    data = MarkCb(track="demo", topic="big-o", part="", status="done").pack()
    await chat.press_data(data)
    async with sessionmaker() as session:
        before = await session.scalar(select(func.count()).select_from(ProgressEvent))
    await chat.press_data(data)
    async with sessionmaker() as session:
        after = await session.scalar(select(func.count()).select_from(ProgressEvent))
    assert before == after == 1


async def test_groups_stickers_and_edits(chat: Chat_) -> None:
    await chat.onboard()
    group = Chat(id=-100, type="supergroup", title="Study group")
    message = Message(message_id=1, date=datetime.now(UTC), chat=group, from_user=chat.user, text="/next")
    await chat.feed(Update(update_id=900001, message=message))
    assert chat.session.requests[-1].chat_id == -100  # type: ignore[attr-defined]
    assert "private chats only" in chat.session.requests[-1].text  # type: ignore[attr-defined]
    quiet = Message(message_id=2, date=datetime.now(UTC), chat=group, from_user=chat.user, text="hello all")
    calls = await chat.feed(Update(update_id=900002, message=quiet))
    assert calls == []  # ordinary group chatter: silence
    sticker = Message.model_validate(
        {
            "message_id": 3,
            "date": 0,
            "chat": {"id": chat.user.id, "type": "private"},
            "from": chat.user.model_dump(),
            "sticker": {"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 1, "height": 1,
                        "is_animated": False, "is_video": False},
        }
    )  # fmt: skip
    await chat.feed(Update(update_id=900003, message=sticker))
    assert "I understand buttons and commands best" in chat.text
    edited = Message(message_id=4, date=datetime.now(UTC), chat=chat.chat, from_user=chat.user, text="/next")
    calls = await chat.feed(Update(update_id=900004, edited_message=edited))
    assert calls == []  # an edit of an old message is not a new request


async def test_start_with_a_deep_link_payload(chat: Chat_) -> None:
    await chat.send("/start from-the-course-page")
    assert "Which language do you prefer?" in chat.text


async def test_logs_hold_no_message_text_at_info(chat: Chat_, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        await chat.onboard()
        await chat.send("my secret diary entry 12345")
        await chat.send("Mars/Secret_Zone_777")
    assert not any("secret" in r.getMessage().lower() for r in caplog.records)


def test_content_with_errors_keeps_the_bot_from_starting(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("id: bad\ntitle: {en: x}\n", encoding="utf-8")
    env = {**os.environ, "CONTENT_DIR": str(tmp_path), "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db"}
    env.pop("BOT_TOKEN", None)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        input="",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "The content has problems; the bot does not start" in result.stderr
    assert f"{tmp_path / 'bad.yaml'}: title.ru: Field required" in result.stderr
    assert f"{tmp_path / 'bad.yaml'}: summary: Field required" in result.stderr


def test_structured_logs_are_json_lines_without_secrets(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from bot import logs

    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        logs.configure("INFO", ["123456:SECRET-token"], json_lines=True)
        logging.getLogger("bot.test").info("calling https://api.telegram.org/bot123456:SECRET-token/getMe")
        try:
            raise RuntimeError("failed with 123456:SECRET-token")
        except RuntimeError:
            logging.getLogger("bot.test").exception("boom")
    finally:
        root.handlers[:], root.level = saved[0], saved[1]
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert lines[0]["level"] == "INFO" and lines[0]["logger"] == "bot.test"
    assert lines[0]["message"] == "calling https://api.telegram.org/bot<redacted>/getMe"
    assert "SECRET" not in json.dumps(lines) and "RuntimeError" in lines[1]["exception"]
