from __future__ import annotations

from aiogram.methods import SetMyCommands
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import ChooseTrackCb, Flow
from db.models import Learner
from tests.harness import Chat_


async def test_settings_change_each_answer_and_come_back(
    chat: Chat_, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.onboard()
    await chat.send("/settings")
    assert "Reminder: every day at 9:00 AM" in chat.text and "Time zone: Berlin" in chat.text
    await chat.press("Reminder time")
    assert "✓ 9:00 AM" in chat.buttons()
    await chat.send("6:45 pm")
    assert "<b>Settings</b>" in chat.text and "Reminder: every day at 6:45 PM" in chat.text
    await chat.press("Hours a week")
    await chat.press("15 h")
    assert "Study time: 15 h a week" in chat.text
    await chat.press("Time zone")
    await chat.send("Nowhere/City")
    assert "I don't know the time zone" in chat.text
    await chat.send("America/Los_Angeles")
    assert "Time zone: Los Angeles" in chat.text
    await chat.press("Language")
    await chat.press("Русский")
    assert "<b>Настройки</b>" in chat.text and "Язык: Русский" in chat.text
    async with sessionmaker() as session:
        learner = await session.get(Learner, chat.user.id)
    assert learner is not None
    assert (learner.reminder_minute, learner.weekly_hours, learner.timezone, learner.language) == (
        18 * 60 + 45,
        15,
        "America/Los_Angeles",
        "ru",
    )


async def test_back_from_a_question_returns_to_settings(chat: Chat_) -> None:
    await chat.onboard()
    await chat.send("/settings")
    await chat.press("Time zone")
    await chat.press("⬅️ Back")
    assert "<b>Settings</b>" in chat.text
    await chat.send("Europe/Paris")  # no question is open any more: not taken as an answer
    assert "Time zone: Europe/Paris" not in chat.text


async def test_follow_a_second_track_and_switch(chat: Chat_) -> None:
    await chat.onboard()
    await chat.send("/next")
    await chat.press("✅ Done")
    await chat.send("/settings")
    await chat.press("Tracks")
    assert chat.buttons()[:2] == ["★ Demo roadmap", "Second course"]
    await chat.press("Second course")
    assert "Current track: Second course" in chat.text and "Also following: Demo roadmap" in chat.text
    await chat.send("/next")
    assert "<b>Docker basics</b>" in chat.text and "☐ Write a Dockerfile" in chat.text
    await chat.send("/progress")
    assert "<b>Progress: Second course</b>" in chat.text and "0/1" in chat.text
    # Switching back finds the first track's progress where it was.
    await chat.press_data(ChooseTrackCb(track="demo", flow=Flow.SETTINGS).pack())
    await chat.send("/progress")
    assert "Computer science base\n<code>▓▓▓▓▓░░░░░</code> 1/2" in chat.text
    await chat.press_data(ChooseTrackCb(track="no-such-track", flow=Flow.SETTINGS).pack())
    assert "no longer offered" in (chat.answers()[-1].text or "")


async def test_browse_another_track_and_make_it_current(chat: Chat_) -> None:
    await chat.onboard()
    await chat.send("/tracks")
    await chat.press("Second course")
    assert "<b>Second course</b>" in chat.text
    await chat.press("Make this my current track")
    assert "Current track: Second course" in chat.text


async def test_commands_are_registered_in_both_languages(chat: Chat_) -> None:
    await chat.dp.emit_startup(bot=chat.bot, dispatcher=chat.dp, **chat.dp.workflow_data)
    registered = [m for m in chat.session.requests if isinstance(m, SetMyCommands)]
    by_language = {m.language_code: [c.command for c in m.commands] for m in registered}
    assert set(by_language) == {None, "ru"}
    assert by_language[None] == by_language["ru"]
    assert {"start", "next", "progress", "settings", "menu", "help"} <= set(by_language[None])
    russian = next(m for m in registered if m.language_code == "ru")
    assert any(c.description == "Что делать сегодня по вашему плану" for c in russian.commands)
    assert by_language[None][0] == "today"
