"""The bot's side of the map: with WEBAPP_URL the menu button and a "Map" button on three screens; without, none."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiogram import Dispatcher
from aiogram.methods import SetChatMenuButton
from aiogram.types import MenuButtonWebApp
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_dispatcher, create_bot
from bot.config import Settings
from bot.curriculum.catalog import Catalog
from bot.demo.session import FakeBotSession
from bot.views.keyboard import Keyboard
from tests.harness import Chat_, FakeClock

WEBAPP_URL = "https://coach.example.org/"


def map_buttons(chat: Chat_) -> list[str]:
    return [b.web_app.url for _, b in chat._buttons() if b.web_app is not None]


async def walk(chat: Chat_) -> dict[str, list[str]]:
    """The menu, /progress and a module screen: the map buttons on each."""
    seen: dict[str, list[str]] = {}
    await chat.send("/menu")
    seen["menu"] = map_buttons(chat)
    await chat.send("/progress")
    seen["progress"] = map_buttons(chat)
    await chat.send("/roadmap")
    await chat.press(" · 0/2")  # the first module
    seen["module"] = map_buttons(chat)
    return seen


async def test_without_webapp_url_no_map_shows(chat: Chat_, dispatcher: Dispatcher) -> None:
    await chat.onboard()
    assert await walk(chat) == {"menu": [], "progress": [], "module": []}
    await dispatcher.emit_startup(bot=chat.bot, dispatcher=dispatcher, **dispatcher.workflow_data)
    await dispatcher.emit_shutdown(bot=chat.bot, dispatcher=dispatcher, **dispatcher.workflow_data)
    assert not [m for m in chat.session.requests if isinstance(m, SetChatMenuButton)]


async def test_with_webapp_url_the_menu_button_and_three_screens_open_the_map(
    tmp_path: Path, catalog: Catalog, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    settings = Settings(
        _env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path}/coach.db", webapp_url=WEBAPP_URL
    )
    dispatcher = build_dispatcher(settings, catalog, sessionmaker, clock=clock)
    session = FakeBotSession()
    bot = create_bot(settings, session)
    await dispatcher.emit_startup(bot=bot, dispatcher=dispatcher, **dispatcher.workflow_data)
    await dispatcher.emit_shutdown(bot=bot, dispatcher=dispatcher, **dispatcher.workflow_data)
    [call] = [m for m in session.requests if isinstance(m, SetChatMenuButton)]
    assert isinstance(call.menu_button, MenuButtonWebApp)
    assert call.menu_button.web_app.url == "https://coach.example.org/app/" and call.chat_id is None

    chat = Chat_(dispatcher, bot, session, 1001, "ru")
    await chat.onboard(track_title="Демо-роадмап", language="Русский")
    assert await walk(chat) == {
        "menu": ["https://coach.example.org/app/"],
        "progress": ["https://coach.example.org/app/?track=demo"],
        "module": ["https://coach.example.org/app/?track=demo&module=base"],
    }
    assert "🌍 Карта" in chat.buttons()


def test_webapp_url_must_be_https() -> None:
    with pytest.raises(ValidationError, match="https"):
        Settings(_env_file=None, webapp_url="http://coach.example.org")
    assert Settings(_env_file=None, webapp_url="").map_url is None


def test_the_fake_telegram_refuses_a_mini_app_button_without_https(chat: Chat_) -> None:
    from aiogram.methods import SendMessage

    from bot.demo.limits import LimitError, check

    kb = Keyboard()
    kb.button(text="Map", web_app="http://coach.example.org/app/")
    with pytest.raises(LimitError, match="BUTTON_URL_INVALID"):
        check(SendMessage(chat_id=1, text="x", reply_markup=kb.as_markup()))
