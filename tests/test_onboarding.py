from __future__ import annotations

from collections.abc import Callable

from aiogram.methods import EditMessageText, SendMessage
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.schedule import study_weekdays
from db.models import Learner
from tests.harness import Chat_


async def test_start_asks_language_preselected_from_telegram(make_chat: Callable[..., Chat_]) -> None:
    chat = make_chat(language="ru-RU")
    calls = await chat.send("/start")
    assert isinstance(calls[-1], SendMessage)
    assert "Какой язык вам удобнее?" in chat.text
    assert chat.buttons()[:2] == ["✓ Русский", "English"]


async def test_full_onboarding_stores_every_answer(
    chat: Chat_, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/start")
    await chat.press("English")
    assert "Choose a track" in chat.text
    assert "Demo roadmap" in chat.text and "A tiny track to test the bot on" in chat.text
    assert "3–5 weeks" in chat.text  # the planned length of the track's stages
    await chat.press("Demo roadmap")
    assert "hours a week" in chat.text
    await chat.send("7")  # typed instead of tapped: the study days come next all the same
    assert "On which days do you study?" in chat.text
    await chat.send("Mon")  # typed where the days want taps
    assert "Please answer with the buttons below." in chat.text
    await chat.press("✓ Sat")
    await chat.press("✓ Sun")
    assert "Now: Mon–Fri." in chat.text
    await chat.press("✅ Done")
    assert "remind you" in chat.text
    await chat.send("7:30")
    assert "time zone" in chat.text
    await chat.send("asia/tokyo")
    assert "All set!" in chat.text
    assert "7 h a week" in chat.text and "7:30 AM" in chat.text and "(Tokyo)" in chat.text
    assert "▶️ Continue" in chat.buttons()

    async with sessionmaker() as session:
        learner = await session.get(Learner, chat.user.id)
    assert learner is not None
    assert (learner.language, learner.current_track, learner.weekly_hours) == ("en", "demo", 7)
    assert (learner.reminder_minute, learner.timezone) == (7 * 60 + 30, "Asia/Tokyo")
    assert learner.onboarded_at is not None
    assert learner.study_days is not None and sorted(study_weekdays(learner.study_days)) == [0, 1, 2, 3, 4]


async def test_navigation_edits_the_question_in_place(chat: Chat_) -> None:
    await chat.send("/start")
    calls = await chat.press("English")
    edits = [c for c in calls if isinstance(c, EditMessageText)]
    assert len(edits) == 1 and not [c for c in calls if isinstance(c, SendMessage)]


async def test_unknown_time_zone_is_explained_and_asked_again(chat: Chat_) -> None:
    await chat.send("/start")
    await chat.press("English")
    await chat.press("Demo roadmap")
    await chat.press("6 h")
    await chat.press("Done")
    await chat.press("9:00 AM")
    await chat.send("Mars/Olympus_Mons")
    assert "I don't know the time zone “Mars/Olympus_Mons”" in chat.text
    assert "Moscow" in chat.buttons()
    await chat.send("🙂 <script>")
    assert "&lt;script&gt;" in chat.text  # what the learner typed comes back escaped
    await chat.press("Berlin")
    assert "All set!" in chat.text


async def test_bad_time_and_hours_are_asked_again(chat: Chat_) -> None:
    await chat.send("/start")
    await chat.press("English")
    await chat.press("Demo roadmap")
    await chat.send("many")
    assert "whole number of hours" in chat.text
    await chat.send("500")
    assert "outside 1 to 100 hours" in chat.text
    await chat.send("10")
    await chat.press("✅ Done")
    await chat.send("25:99")
    assert "not a time I understand" in chat.text
    await chat.send("٠٧:٣٠")  # Arabic-Indic digits are not a time we accept
    assert "not a time I understand" in chat.text
    await chat.send("21.15")
    assert "time zone" in chat.text


async def test_free_text_where_a_button_is_expected(chat: Chat_) -> None:
    await chat.send("/start")
    await chat.send("hello")
    assert "Please answer with the buttons below." in chat.text
    assert chat.buttons()[:2] == ["Русский", "✓ English"]


async def test_start_again_keeps_progress_and_profile(chat: Chat_) -> None:
    await chat.onboard()
    await chat.send("/next")
    await chat.press("✅ Done")
    await chat.send("/start")
    assert "You are all set up, and your progress is kept." in chat.text
    await chat.send("/progress")
    assert "1/2" in chat.text
