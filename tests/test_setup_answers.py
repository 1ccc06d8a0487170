"""The set-up's answers as a learner types them: a bare hour is asked about («3 AM or 3 PM?»), short city names are
zones, commands work in any case, the summary and settings name the study days. Through the real dispatcher, in
both languages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from aiogram.filters import Command
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import create_i18n
from bot.callbacks import DAYS_DONE, DaysCb, Flow, TimeCb
from bot.handlers import get_routers
from bot.views.format import weekday_names
from db.models import Learner
from tests.harness import Chat_

LANGUAGE = {"en": "English", "ru": "Русский"}
TRACK = {"en": "Demo roadmap", "ru": "Демо-роадмап"}
TIME = {"en": "At what time should I remind you", "ru": "Во сколько напоминать вам"}
ZONE = {"en": "Which time zone are you in?", "ru": "В каком вы часовом поясе?"}
HOURS = {"en": "How many hours a week can you study?", "ru": "Сколько часов в неделю вы готовы учиться?"}
ALL_SET = {"en": "All set!", "ru": "Готово!"}


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


# A bare hour at the time question ------------------------------------------------------------------------


async def _to_time(chat: Chat_, language: str) -> None:
    await _to_hours(chat, language)
    await chat.send("6")
    await chat.press("✅")
    assert TIME[language] in chat.text


@pytest.mark.parametrize(
    ("language", "typed", "question", "pick", "minute"),
    [
        ("en", "3", "3 AM or 3 PM?", "3 PM", 15 * 60),
        ("en", "9", "9 AM or 9 PM?", "9 AM", 9 * 60),  # a 12-hour locale asks about every bare hour
        ("ru", "3", "03:00 или 15:00?", "15:00", 15 * 60),  # inside quiet hours as written
        ("ru", "в 7", "07:00 или 19:00?", "07:00", 7 * 60),
    ],
)
async def test_a_bare_hour_is_asked_about(
    make_chat: Callable[..., Chat_],
    sessionmaker: async_sessionmaker[AsyncSession],
    language: str,
    typed: str,
    question: str,
    pick: str,
    minute: int,
) -> None:
    chat = make_chat(language=language)
    await _to_time(chat, language)
    await chat.send(typed)
    assert chat.text == question
    assert len(chat.buttons()) == 2
    assert (await _learner(sessionmaker, chat.user.id)).reminder_minute is None  # nothing saved yet
    await chat.press(pick)
    assert ZONE[language] in chat.text
    assert (await _learner(sessionmaker, chat.user.id)).reminder_minute == minute


@pytest.mark.parametrize(
    ("language", "typed", "minute"), [("ru", "9", 9 * 60), ("ru", "21", 21 * 60), ("en", "3pm", 15 * 60)]
)
async def test_an_hour_that_says_which_is_taken_at_once(
    make_chat: Callable[..., Chat_],
    sessionmaker: async_sessionmaker[AsyncSession],
    language: str,
    typed: str,
    minute: int,
) -> None:
    chat = make_chat(language=language)
    await _to_time(chat, language)
    await chat.send(typed)
    assert ZONE[language] in chat.text
    assert (await _learner(sessionmaker, chat.user.id)).reminder_minute == minute


async def test_the_question_stays_open_for_a_typed_answer_and_in_settings_too(chat: Chat_) -> None:
    await _to_time(chat, "en")
    await chat.send("3")
    await chat.send("3pm")  # typed instead of tapped
    assert ZONE["en"] in chat.text
    await chat.send("Berlin")
    await chat.send("/settings")
    await chat.press("Reminder time")
    await chat.send("7")
    assert chat.text == "7 AM or 7 PM?" and "⬅️ Back" in chat.buttons()
    await chat.press("7 PM")
    assert "Reminder: every day at 7:00 PM" in chat.text


# Zones by short names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "typed", "city"),
    [
        ("en", "LA", "(Los Angeles)"),
        ("en", "NYC", "(New York)"),
        ("ru", "СПб", "(Москва)"),
        ("ru", "Екб", "(Екатеринбург)"),
    ],
)
async def test_a_city_by_its_short_name_is_a_zone(
    make_chat: Callable[..., Chat_], language: str, typed: str, city: str
) -> None:
    chat = make_chat(language=language)
    await _to_time(chat, language)
    await chat.send("20:00")
    await chat.send(typed)
    assert ALL_SET[language] in chat.text and city in chat.text


# Commands in any case -------------------------------------------------------------------------------------


def test_every_command_filter_ignores_case() -> None:
    filters = [
        f.callback
        for router in get_routers()
        for handler in router.message.handlers
        for f in handler.filters or []
        if isinstance(f.callback, Command)
    ]
    assert len(filters) >= 15
    assert all(f.ignore_case for f in filters)


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_commands_work_in_any_case(make_chat: Callable[..., Chat_], language: str) -> None:
    chat = make_chat(language=language)
    await chat.onboard(track_title=TRACK[language], language=LANGUAGE[language])
    await chat.send("/Today")
    today = chat.text
    assert "I don't know that command" not in today and "Не знаю такой команды" not in today
    await chat.send("/TODAY")
    assert chat.text == today
    await chat.send("/Progress")
    assert ("Progress: Demo roadmap" if language == "en" else "Прогресс: Демо-роадмап") in chat.text
    await chat.send("/START")
    assert ("You are all set up" if language == "en" else "Всё уже настроено") in chat.text


# The study days named -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "off", "summary", "setting"),
    [
        ("en", ("Fri", "Sat", "Sun"), "a reminder on Mon–Thu at 8:00 PM", "Reminder: on Mon–Thu at 8:00 PM"),
        ("ru", ("пт", "сб", "вс"), "напоминание пн–чт в 20:00", "Напоминание: пн–чт в 20:00"),
        (
            "en",
            ("Mon", "Tue", "Wed", "Thu", "Fri"),
            "a reminder on Sat, Sun at 8:00 PM",
            "Reminder: on Sat, Sun",
        ),
        ("ru", ("пн", "вт", "ср", "чт", "пт"), "напоминание сб, вс в 20:00", "Напоминание: сб, вс в 20:00"),
    ],
)
async def test_the_summary_and_settings_name_the_study_days(
    make_chat: Callable[..., Chat_], language: str, off: tuple[str, ...], summary: str, setting: str
) -> None:
    chat = make_chat(language=language)
    await _to_hours(chat, language)
    await chat.send("6")
    for day in off:
        await chat.press("✓ " + day)
    await chat.press_data(DaysCb(day=DAYS_DONE, flow=Flow.ONBOARDING).pack())
    await chat.press_data(TimeCb(minute=20 * 60, flow=Flow.ONBOARDING).pack())
    await chat.send("Berlin")
    assert summary in chat.text
    assert "every day" not in chat.text and "каждый день" not in chat.text
    await chat.send("/settings")
    assert setting in chat.text


@pytest.mark.parametrize(
    ("days", "en", "ru"),
    [
        ({0, 1, 2, 3, 4, 5, 6}, "every day", "каждый день"), ({0, 1, 2, 3}, "Mon–Thu", "пн–чт"),
        ({5, 6}, "Sat, Sun", "сб, вс"), ({0, 1, 2, 3, 4}, "Mon–Fri", "пн–пт"), ({0, 2, 4}, "Mon, Wed, Fri", "пн, ср, пт"),
        ({0, 2, 3, 4}, "Mon, Wed–Fri", "пн, ср–пт"), ({4, 5, 6, 0}, "Fri–Mon", "пт–пн"), ({5, 6, 0}, "Sat–Mon", "сб–пн"),
        ({0, 1, 2, 3, 4, 6}, "Mon–Fri, Sun", "пн–пт, вс"), ({0, 6}, "Mon, Sun", "пн, вс"), ({2}, "Wed", "ср"),
    ],
)  # fmt: skip
def test_study_days_named_for_the_locale(days: set[int], en: str, ru: str) -> None:
    i18n = create_i18n()
    with i18n.context():
        for locale, expected in (("en", en), ("ru", ru)):
            with i18n.use_locale(locale):
                assert weekday_names(days, locale) == expected
