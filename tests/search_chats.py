"""Chats with the bot on the real content/, for the course search's tests (the index is built once for them all)."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_dispatcher
from bot.callbacks import DAYS_DONE, DaysCb, Flow, HoursCb, TimeCb, ZoneCb
from bot.config import PROJECT_ROOT, Settings
from bot.curriculum.loader import load_catalog
from bot.demo.session import FakeBotSession
from bot.services.search import SearchIndex
from tests.harness import Chat_, FakeClock

CATALOG = load_catalog(PROJECT_ROOT / "content")
INDEX = SearchIndex(CATALOG)
TRACK_TITLES = {"en": "MLE Roadmap 2025", "ru": "Дорожная карта ML-инженера 2025"}
LANGUAGE_BUTTONS = {"en": "English", "ru": "Русский"}

MakeChat = Callable[..., Chat_]


def course_chats(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock, bot: Bot
) -> MakeChat:
    """Chats with a bot that runs on the real content (as `coach run` does)."""
    dispatcher = build_dispatcher(settings, CATALOG, sessionmaker, clock=clock, search_index=INDEX)
    session = bot.session
    assert isinstance(session, FakeBotSession)

    def make(user_id: int = 1001, language: str = "en") -> Chat_:
        return Chat_(dispatcher, bot, session, user_id, language)

    return make


async def onboarded(course: MakeChat, language: str = "en", user_id: int = 1001) -> Chat_:
    """A learner set up on the MLE roadmap in `language`."""
    chat = course(user_id, language)
    await chat.onboard(track_title=TRACK_TITLES[language], language=LANGUAGE_BUTTONS[language])
    return chat


async def finish_onboarding(chat: Chat_, language: str) -> None:
    """The rest of onboarding once /start has asked for the language: the MLE roadmap, 6 h, 9:00, Berlin."""
    await chat.press(LANGUAGE_BUTTONS[language])
    await chat.press(TRACK_TITLES[language])
    await chat.press_data(HoursCb(hours=6, flow=Flow.ONBOARDING).pack())
    await chat.press_data(DaysCb(day=DAYS_DONE, flow=Flow.ONBOARDING).pack())
    await chat.press_data(TimeCb(minute=9 * 60, flow=Flow.ONBOARDING).pack())
    await chat.press_data(ZoneCb(zone="Europe/Berlin", flow=Flow.ONBOARDING).pack())
