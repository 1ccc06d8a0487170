"""/export, /forget and the organisers' commands."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from aiogram.methods import SendDocument, SendMessage
from aiogram.types import BufferedInputFile
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_dispatcher
from bot.config import Settings
from bot.curriculum.catalog import Catalog
from bot.demo.session import FakeBotSession
from bot.loop.coach import CoachLoop
from db.models import BroadcastDelivery
from db.repositories.privacy import learner_tables
from tests.conftest import FIXTURE_CONTENT
from tests.harness import Chat_, FakeClock

ADMIN = 9000


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path}/coach.db",
        content_dir=FIXTURE_CONTENT,
        admin_ids=str(ADMIN),
    )


async def test_export_holds_everything_about_the_learner(chat: Chat_, clock: FakeClock) -> None:
    await chat.onboard()
    await chat.send("/next")
    await chat.press("✅ Done")
    await chat.send("/export")
    document = [m for m in chat.session.requests if isinstance(m, SendDocument)][-1]
    assert isinstance(document.document, BufferedInputFile)
    data = json.loads(document.document.data)
    assert data["learner_id"] == chat.user.id
    tables = data["tables"]
    assert tables["learners"][0]["timezone"] == "Europe/Berlin"
    assert [row["topic_id"] for row in tables["topic_progress"]] == ["big-o"]
    assert {row["question_id"] for row in tables["quiz_cards"]} == {"q1", "q2"}
    assert set(tables) == {t.name for t, _ in learner_tables()}


async def test_forget_deletes_every_row_after_confirmation(
    make_chat: Callable[..., Chat_], sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    chat, other = make_chat(user_id=1), make_chat(user_id=2)
    for learner in (chat, other):
        await learner.onboard()
        await learner.send("/next")
        await learner.press("✅ Done")
        await learner.press("Practise now")
        await learner.answer_right()
    await chat.send("/forget")
    await chat.press("Cancel")
    assert "Nothing was deleted." in chat.text
    await chat.send("/forget")
    await chat.press("Yes, delete everything")
    assert "everything about you is deleted" in chat.text
    async with sessionmaker() as session:
        for table, column in learner_tables():
            mine = (await session.execute(select(table).where(table.c[column] == chat.user.id))).all()
            theirs = (await session.execute(select(table).where(table.c[column] == other.user.id))).all()
            assert mine == [], table.name
            if table.name in ("learners", "topic_progress", "quiz_cards", "quiz_reviews"):
                assert theirs, table.name  # the other learner keeps everything
    await chat.send("/progress")
    assert "send /start" in chat.text


async def test_organiser_commands_do_not_exist_for_learners(chat: Chat_) -> None:
    await chat.onboard()
    for command in ("/stats", "/broadcast hello", "/reload"):
        await chat.send(command)
        assert "I don't know that command" in chat.text, command


async def test_stats_for_an_organiser(make_chat: Callable[..., Chat_]) -> None:
    learner = make_chat(user_id=5)
    await learner.onboard()
    await learner.send("/next")
    await learner.press("✅ Done")
    await learner.press("Practise now")
    await learner.answer_right()
    admin = make_chat(user_id=ADMIN)
    await admin.send("/stats")
    text = admin.text
    assert "Learners: 1 (1 finished onboarding, 0 blocked the bot)" in text
    assert "Active in the last 7 days: 1; 30 days: 1" in text
    assert "• Demo roadmap: 1, 17%" in text  # 1 of 6 parts
    assert "Quiz answers: 1, accuracy 100%" in text


async def test_broadcast_preview_confirm_deliver_and_report(
    make_chat: Callable[..., Chat_],
    coach: CoachLoop,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    learners = [make_chat(user_id=100 + i) for i in range(3)]
    for learner in learners:
        await learner.onboard()
    learners[2].session.telegram.blocked_chats.add(learners[2].user.id)
    admin = make_chat(user_id=ADMIN)
    await admin.send("/broadcast")
    assert "Send /broadcast followed by the text" in admin.text
    await admin.send("/broadcast broad news")  # the first word also inside the command's own name
    assert admin.screens()[-2].text == "broad news"
    await admin.send("/broadcast New module <soon> & more")
    assert (
        admin.screens()[-2].text == "New module &lt;soon&gt; &amp; more"
    )  # the preview, as learners will see it
    assert "Send it to 3 learners?" in admin.text
    await admin.press("Send")
    assert "Broadcast #1 is on its way to 3 learners" in admin.text
    # A restart before delivery: the deliveries are rows, the next process's tick sends them.
    restarted = CoachLoop(coach.bot, sessionmaker, coach.catalog, coach.i18n, clock, coach.courier)
    await restarted.tick()
    got = [
        m
        for m in admin.session.requests
        if isinstance(m, SendMessage) and m.text == "New module &lt;soon&gt; &amp; more"
    ]
    assert sorted(m.chat_id for m in got) == [100, 101, 102, ADMIN]  # 3 attempts + the preview
    assert "Broadcast #1 is done: 2 delivered, 1 blocked the bot, 0 failed." in admin.text
    async with sessionmaker() as session:
        statuses = sorted(d.status for d in await session.scalars(select(BroadcastDelivery)))
    assert statuses == ["blocked", "sent", "sent"]
    await restarted.tick()
    assert len([m for m in admin.session.requests if isinstance(m, SendMessage) and "is done" in m.text]) == 1


async def test_reload_keeps_the_running_content_on_errors(
    tmp_path: Path,
    catalog: Catalog,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    bot: Bot,
) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "demo.yaml").write_text(
        (FIXTURE_CONTENT / "demo.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    settings = Settings(
        _env_file=None,
        database_url="sqlite+aiosqlite://",
        content_dir=content,
        admin_ids=str(ADMIN),
    )
    dispatcher: Dispatcher = build_dispatcher(settings, catalog, sessionmaker, clock=clock)
    session = bot.session
    assert isinstance(session, FakeBotSession)
    admin = Chat_(dispatcher, bot, session, ADMIN, "en")
    (content / "demo.yaml").write_text("id: demo\ntitle: {en: only english}\n", encoding="utf-8")
    await admin.send("/reload")
    assert "The content has" in admin.text and "keeps the content it had" in admin.text
    assert "title.ru: Field required" in admin.text
    assert catalog.track("second") is not None  # still the old content
    (content / "demo.yaml").write_text(
        (FIXTURE_CONTENT / "demo.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    await admin.send("/reload")
    assert "Content reloaded. Tracks: 1, topics: 5, questions: 2." in admin.text
    assert catalog.track("second") is None


async def test_a_stale_broadcast_button_sends_nothing(make_chat: Callable[..., Chat_]) -> None:
    from aiogram.methods import AnswerCallbackQuery

    from bot.callbacks import BroadcastCb

    admin = make_chat(user_id=ADMIN)
    await admin.send("/stats")
    calls = await admin.press_data(
        BroadcastCb(action="send").pack()
    )  # no preview before it (or a restart since)
    answer = next(c for c in calls if isinstance(c, AnswerCallbackQuery))
    assert answer.show_alert and answer.text == "Nothing to send: start again with /broadcast."
    assert not [c for c in calls if isinstance(c, SendMessage)]
