"""The set-up (onboarding) resumes from the database at the first question not answered, after a restart too, and
nothing of the plan is shown before it is done. Through the real dispatcher, in both languages; the answers
themselves (a bare hour, short city names, the study days named, commands in any case) are in
tests/test_setup_answers.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from aiogram import Bot
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import build_dispatcher
from bot.callbacks import MenuCb, Screen
from bot.config import Settings
from bot.curriculum.catalog import Catalog
from bot.demo.session import FakeBotSession
from bot.services.setup import Question, first_unanswered
from db.migrate import upgrade_to_head
from db.models import Learner
from tests.harness import Chat_, FakeClock

LANGUAGE = {"en": "English", "ru": "Русский"}
TRACK = {"en": "Demo roadmap", "ru": "Демо-роадмап"}
RESUMED = {"en": "Let's finish setting up.", "ru": "Давайте закончим настройку."}
DAYS = {"en": "On which days do you study?", "ru": "В какие дни вы учитесь?"}
TIME = {"en": "At what time should I remind you", "ru": "Во сколько напоминать вам"}
ZONE = {"en": "Which time zone are you in?", "ru": "В каком вы часовом поясе?"}
HOURS = {"en": "How many hours a week can you study?", "ru": "Сколько часов в неделю вы готовы учиться?"}
ALL_SET = {"en": "All set!", "ru": "Готово!"}

Restart = Callable[[Chat_], Chat_]


@pytest.fixture
def restart(
    settings: Settings,
    catalog: Catalog,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    bot: Bot,
    session: FakeBotSession,
) -> Restart:
    """The bot restarted: a new dispatcher with new memory storage (the dialog's state is gone), same database."""

    def again(chat: Chat_) -> Chat_:
        dispatcher = build_dispatcher(settings, catalog, sessionmaker, clock=clock)
        return Chat_(dispatcher, bot, session, chat.user.id, chat.user.language_code or "en")

    return again


async def _learner(sessionmaker: async_sessionmaker[AsyncSession], user_id: int) -> Learner:
    async with sessionmaker() as db:
        learner = await db.get(Learner, user_id)
    assert learner is not None
    return learner


async def _to_hours(chat: Chat_, language: str) -> None:
    await chat.send("/start")
    await chat.press(LANGUAGE[language])
    await chat.press(TRACK[language])
    assert HOURS[language] in chat.text


# Resuming after a restart ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_restart_after_the_hours_resumes_at_the_study_days_not_past_them(
    make_chat: Callable[..., Chat_],
    restart: Restart,
    language: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    chat = make_chat(language=language)
    await _to_hours(chat, language)
    await chat.send("6")
    await chat.press("✓ " + ("Sat" if language == "en" else "сб"))  # stored at once; «Done» not pressed yet
    chat = restart(chat)
    await chat.send("hello")
    assert RESUMED[language] in chat.text and DAYS[language] in chat.text
    assert ("Now: Mon–Fri, Sun." if language == "en" else "Сейчас: пн–пт, вс.") in chat.text
    await chat.press("✅")
    assert TIME[language] in chat.text  # the days were asked, then the time: nothing skipped
    learner = await _learner(sessionmaker, chat.user.id)
    assert learner.study_days == 0b1011111 and learner.reminder_minute is None


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_time_typed_after_a_restart_is_the_answer_to_the_time_question(
    make_chat: Callable[..., Chat_],
    restart: Restart,
    language: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    chat = make_chat(language=language)
    await _to_hours(chat, language)
    await chat.send("6")
    await chat.press("✅")
    assert TIME[language] in chat.text
    chat = restart(chat)
    await chat.send("9:15")
    assert ZONE[language] in chat.text
    assert (await _learner(sessionmaker, chat.user.id)).reminder_minute == 9 * 60 + 15
    await chat.send("Berlin")
    assert ALL_SET[language] in chat.text
    assert ("9:15 AM" if language == "en" else "09:15") in chat.text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_start_after_a_restart_resumes_at_the_first_question_not_answered(
    make_chat: Callable[..., Chat_], restart: Restart, language: str
) -> None:
    chat = make_chat(language=language)
    await _to_hours(chat, language)
    chat = restart(chat)
    await chat.send("/start")
    assert RESUMED[language] in chat.text and HOURS[language] in chat.text
    await chat.send("8")  # the question is open again
    assert DAYS[language] in chat.text


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_free_text_or_a_stale_tap_mid_setup_is_told_the_setup_is_unfinished(
    make_chat: Callable[..., Chat_], restart: Restart, language: str
) -> None:
    chat = make_chat(language=language)
    await chat.send("/start")
    chat = restart(chat)
    await chat.send("what now?")  # the language was never answered: asked first, without the greeting again
    assert RESUMED[language] in chat.text and "Какой язык вам удобнее?" in chat.text
    assert "Hi! I am your study coach" not in chat.text
    await chat.press(LANGUAGE[language])
    await chat.press(TRACK[language])
    chat = restart(chat)
    await chat.press_data(MenuCb(screen=Screen.TODAY).pack())  # a tap on a menu from elsewhere
    assert RESUMED[language] in chat.text and HOURS[language] in chat.text


# No plan before the set-up is done -------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("command", ["/today", "/progress", "/next", "/menu", "/settings", "/quiz", "/pause"])
async def test_no_plan_before_the_setup_is_done(
    make_chat: Callable[..., Chat_], language: str, command: str
) -> None:
    chat = make_chat(language=language)
    await _to_hours(chat, language)
    await chat.send("6")
    await chat.send(command)
    assert chat.text.startswith(RESUMED[language]) and DAYS[language] in chat.text
    shown = " ".join(s.text or "" for s in chat.screens())
    for plan_word in ("Today", "Progress:", "Сегодня", "Прогресс:", "min a study day", "мин в учебный день"):
        assert plan_word not in shown
    await chat.press("✅")  # the question that was led back to works
    assert TIME[language] in chat.text


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("screen", [Screen.NEXT, Screen.PROGRESS, Screen.ROADMAP, Screen.MENU])
async def test_menu_buttons_before_the_setup_is_done_lead_back_to_it(
    make_chat: Callable[..., Chat_], language: str, screen: Screen
) -> None:
    chat = make_chat(language=language)
    await _to_hours(chat, language)
    await chat.press_data(MenuCb(screen=screen).pack())
    assert chat.text.startswith(RESUMED[language]) and HOURS[language] in chat.text


async def test_the_migration_keeps_finished_set_ups_and_asks_unknown_study_days_again(
    engine: AsyncEngine, catalog: Catalog, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    from alembic import command

    from db.migrate import alembic_config

    async with engine.connect() as connection:
        await connection.run_sync(lambda sync: command.downgrade(alembic_config(sync), "0010-1"))
        await connection.commit()
        set_up = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
        rows = [  # id, track, hours, study days, reminder, zone, onboarded
            (1, "demo", 6, 127, 540, "UTC", set_up),  # set up
            (2, "demo", 6, 31, None, None, None),  # days changed: they were answered
            (3, "demo", 6, 127, None, None, None),  # days never touched: asked again, not taken as every day
            (4, None, None, 127, None, None, None),  # only /start
        ]
        insert = text(
            "INSERT INTO learners (id, language, current_track, weekly_hours, study_days, reminder_minute,"
            " timezone, onboarded_at) VALUES (:id, 'en', :track, :hours, :days, :minute, :zone, :onboarded)"
        )
        keys = ("id", "track", "hours", "days", "minute", "zone", "onboarded")
        for row in rows:
            await connection.execute(insert, dict(zip(keys, row, strict=True)))
        await connection.commit()
    await upgrade_to_head(engine)
    async with sessionmaker() as session:
        learners = {n: await session.get(Learner, n) for n in (1, 2, 3, 4)}
    assert {n: first_unanswered(learner, catalog) for n, learner in learners.items() if learner} == {
        1: None,
        2: Question.TIME,
        3: Question.DAYS,
        4: Question.LANGUAGE,
    }
