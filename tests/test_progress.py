from __future__ import annotations

from collections.abc import Callable

from bot.callbacks import MarkCb
from tests.harness import Chat_, FakeClock


async def mark(chat: Chat_, topic: str, status: str = "done", part: str = "") -> None:
    await chat.press_data(MarkCb(track="demo", topic=topic, part=part, status=status).pack())


async def test_progress_shows_modules_bars_percent_and_hours(chat: Chat_) -> None:
    await chat.onboard()
    await mark(chat, "big-o")
    await mark(chat, "sorting", "skipped")
    await chat.send("/progress")
    text = chat.text
    assert "<b>Progress: Demo roadmap</b>" in text
    assert "Computer science base\n<code>▓▓▓▓▓░░░░░</code> 1/2 (skipped 1)" in text
    assert "Machine learning basics\n<code>░░░░░░░░░░</code> 0/2" in text
    assert "Overall: <b>25%</b> (1 of 4 topics)" in text  # a skipped topic is not counted against you
    assert "Hours: 4 h of about 19 h planned" in text
    assert "At 6 h a week the rest takes about 2 weeks." in text


async def test_pace_ahead_and_behind(chat: Chat_, clock: FakeClock) -> None:
    await chat.onboard()
    # Stage 1 is one week with 10 h (big-o 4 h + sorting 6 h); both done on day one: ahead.
    await mark(chat, "big-o")
    await mark(chat, "sorting")
    await chat.send("/progress")
    assert "Pace: 🚀 7 days ahead of the plan" in chat.text
    assert "By the plan you are now in: Stage 1: foundations" in chat.text
    # Four weeks on, the plan is halfway through stage 2 (3 weeks, 8 h): 10 + 8 * 3/3 ... expects 18 h.
    clock.advance(days=28)
    await chat.send("/progress")
    assert "Pace: 🐢 21 days behind the plan" in chat.latest("Pace:")
    assert "The plan expects about 18 h by today; you have done 10 h." in chat.latest("Pace:")


async def test_pace_in_russian_uses_plural_forms(make_chat: Callable[..., Chat_], clock: FakeClock) -> None:
    chat = make_chat(user_id=2002, language="ru")
    await chat.onboard(track_title="Демо-роадмап", language="Русский")
    clock.advance(days=2)
    await chat.send("/progress")
    assert "Темп: 🐢 отстаёте от плана на 2 дня" in chat.latest("Темп:")
    clock.advance(days=3)
    await chat.send("/progress")
    assert "на 5 дней" in chat.latest("Темп:")
