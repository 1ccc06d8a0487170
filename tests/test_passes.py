"""A video's second pass needs its first: marking pass 2 done before pass 1 asks whether pass 1 is done too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import PassesCb, TopicCb
from bot.curriculum.catalog import Catalog
from bot.services import marking, profile, progress
from db.models import Status
from db.repositories import progress as progress_repo
from tests.harness import Chat_

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LANGUAGE = {"en": "English", "ru": "Русский"}
TRACK = {"en": "Demo roadmap", "ru": "Демо-роадмап"}
DONE_2 = {"en": "✅ Done · pass 2", "ru": "✅ Готово · проход 2"}
ASKED = {
    "en": "Pass 2 comes after pass 1, which is not marked done. Mark pass 1 done too?",
    "ru": "Проход 2 идёт после прохода 1, а он ещё не отмечен пройденным. Отметить проход 1 тоже?",
}


async def _video(make_chat: Callable[..., Chat_], language: str) -> Chat_:
    chat = make_chat(language=language)
    await chat.onboard(track_title=TRACK[language], language=LANGUAGE[language])
    await chat.press_data(TopicCb(track="demo", topic="intro-video").pack())
    return chat


async def _parts(sessionmaker: async_sessionmaker[AsyncSession], user_id: int) -> dict[str, Status]:
    async with sessionmaker() as session:
        statuses = await progress_repo.statuses(session, user_id, "demo")
    return {part: status for (topic, part), status in statuses.items() if topic == "intro-video"}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_pass_2_before_pass_1_asks_and_both_are_marked(
    make_chat: Callable[..., Chat_], language: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    chat = await _video(make_chat, language)
    await chat.press(DONE_2[language])
    assert ASKED[language] in chat.text
    assert chat.buttons() == (
        ["✅ Both done", "✖️ Cancel"] if language == "en" else ["✅ Пройдены оба", "✖️ Отмена"]
    )
    assert await _parts(sessionmaker, chat.user.id) == {}  # nothing written while it asks
    await chat.press("✅")
    assert await _parts(sessionmaker, chat.user.id) == {"watch": Status.DONE, "active": Status.DONE}
    assert ("🎉 Well done!" if language == "en" else "🎉 Отлично!") in chat.text  # the card, topic done


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_cancel_marks_nothing_and_shows_the_card_again(
    make_chat: Callable[..., Chat_], language: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    chat = await _video(make_chat, language)
    card = chat.text
    await chat.press(DONE_2[language])
    await chat.press("✖️")
    assert chat.text == card and DONE_2[language] in chat.buttons()
    assert await _parts(sessionmaker, chat.user.id) == {}


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_pass_2_after_pass_1_or_studying_it_is_not_asked(
    make_chat: Callable[..., Chat_], language: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    chat = await _video(make_chat, language)
    await chat.press("▶️ " + ("Studying · pass 2" if language == "en" else "Изучаю · проход 2"))
    assert ASKED[language] not in chat.text  # studying pass 2 first is fine
    await chat.press("✅ " + ("Done · pass 1" if language == "en" else "Готово · проход 1"))
    await chat.press(DONE_2[language])
    assert ASKED[language] not in chat.text
    assert await _parts(sessionmaker, chat.user.id) == {"watch": Status.DONE, "active": Status.DONE}


async def test_a_forged_both_done_for_an_unknown_pass_is_refused(chat: Chat_) -> None:
    await chat.onboard()
    await chat.press_data(PassesCb(track="demo", topic="intro-video", part="no-such-pass").pack())
    assert "no longer in the roadmap" in (chat.answers()[-1].text or "")


async def test_the_service_refuses_pass_2_first_and_writes_nothing(
    sessionmaker: async_sessionmaker[AsyncSession], catalog: Catalog
) -> None:
    async with sessionmaker() as session:
        await profile.start(session, 7, "en", NOW)
        with pytest.raises(marking.EarlierPassOpen) as asked:
            await marking.mark(session, catalog, 7, "demo", "intro-video", "active", Status.DONE, NOW)
        assert asked.value.earlier == [1] and asked.value.part == "active"
        assert await progress_repo.statuses(session, 7, "demo") == {}
        state = await marking.mark(
            session, catalog, 7, "demo", "intro-video", "active", Status.DONE, NOW, with_earlier=True
        )
        assert state.status is Status.DONE and state.parts == {"watch": Status.DONE, "active": Status.DONE}
        ref = catalog.topic("demo", "intro-video")
        assert ref is not None
        assert progress.open_passes_before(ref.topic, "watch", {}) == []
        assert (
            progress.open_passes_before(ref.topic, "active", {("intro-video", "watch"): Status.SKIPPED}) == []
        )
