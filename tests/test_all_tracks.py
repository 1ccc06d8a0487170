"""Every shipped track can be chosen in onboarding and browsed, in both languages."""

from __future__ import annotations

import pytest
from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_dispatcher
from bot.config import PROJECT_ROOT, Settings
from bot.curriculum.loader import load_catalog
from bot.demo.session import FakeBotSession
from bot.views.paging import page_of
from tests.harness import Chat_, FakeClock

CATALOG = load_catalog(PROJECT_ROOT / "content")


@pytest.mark.parametrize("track_id", [t.id for t in CATALOG.tracks])
@pytest.mark.parametrize("language", ["en", "ru"])
async def test_onboard_and_browse_every_track(
    track_id: str,
    language: str,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    bot: Bot,
) -> None:
    track = CATALOG.track(track_id)
    assert track is not None
    dispatcher = build_dispatcher(settings, load_catalog(PROJECT_ROOT / "content"), sessionmaker, clock=clock)
    session = bot.session
    assert isinstance(session, FakeBotSession)
    chat = Chat_(dispatcher, bot, session, 77, language)
    await chat.onboard(
        track_title=track.title.get(language), language="Русский" if language == "ru" else "English"
    )
    assert track.title.get(language) in chat.latest("<b>")
    await chat.send("/next")
    first = CATALOG.plan(track_id)[0].topic
    assert f"<b>{first.title.get(language)}</b>".replace("&", "&amp;") in chat.text
    await chat.send("/menu")
    await chat.press("🗺")
    for index, module in enumerate(track.modules):
        if index and page_of(index, len(track.modules)) != page_of(index - 1, len(track.modules)):
            await chat.press("➡️")  # the next page of modules
        await chat.press(module.title.get(language)[:20])
        assert module.title.get(language)[:20] in chat.text
        await chat.press("⬅️")  # back to the page this module is on
    for page in track.pages:
        await chat.press(page.title.get(language)[:20])
        await chat.press("⬅️")
    await chat.send("/progress")
    assert "%" in chat.latest("%")
