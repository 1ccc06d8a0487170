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
    # The skipped topic (6 h) left the plan; 4 h marked done in one minute count as a day's study at most (3 h).
    assert "6 h a week, every day: 51 min a day" in text
    assert "Hours studied: 3 h of 13 h in your plan" in text
    assert "(1 h more marked done than a day of study holds: the pace counts a day at most 3 h.)" in text
    assert "🏁 Planned finish: March 17, 2026" in text  # 13 h at 6/7 h a day from 2 March: 16 days


async def test_pace_ahead_and_behind(chat: Chat_, clock: FakeClock) -> None:
    await chat.onboard()  # 6 h a week, every day: 6/7 h a study day, 19 h in the plan
    await mark(chat, "big-o")
    await chat.send("/progress")
    # 4 h marked on day one count as 3 h (a day's most): 3.5 study days' worth on day one, 2.5 ahead.
    assert "Pace: 🚀 2 days ahead of your plan" in chat.text
    # Four weeks on, with 3 h counted, the plan is long past them: 3 h are where it was on 5 March.
    clock.advance(days=28)
    await chat.send("/progress")
    text = chat.latest("Pace:")
    assert "Pace: 🐢 24 days behind your plan" in text
    assert "🏁 Planned finish: March 24, 2026" in text  # 19 h at 6/7 h a day: 23 days from 2 March
    assert "At your pace of the last weeks: no finish date, nothing was studied in them." in text
    assert "Your plan has 19 h by the end of today." in text


async def test_pace_in_russian_uses_plural_forms(make_chat: Callable[..., Chat_], clock: FakeClock) -> None:
    chat = make_chat(user_id=2002, language="ru")
    await chat.onboard(track_title="Демо-роадмап", language="Русский")
    clock.advance(days=2)
    await chat.send("/progress")
    assert "Темп: 🐢 отстаёте от своего плана на 2 дня" in chat.latest("Темп:")
    clock.advance(days=3)
    await chat.send("/progress")
    assert "на 5 дней" in chat.latest("Темп:")
