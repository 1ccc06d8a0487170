from __future__ import annotations

from collections.abc import Callable

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage

from bot.callbacks import MarkCb, ModuleCb, TopicCb, TrackCb
from tests.harness import Chat_


async def test_next_shows_the_first_topic_card(chat: Chat_) -> None:
    await chat.onboard()
    await chat.send("/next")
    text = chat.text
    assert "<b>Complexity: Big-O</b>" in text
    assert "How running time grows with input size" in text  # what to learn and why
    assert '<a href="https://www.bigocheatsheet.com/">Big-O cheat sheet</a> (article, 20 min)' in text
    assert "Python TimeComplexity</a> (docs, 20 min)" in text
    assert "<b>Practice</b>" in text and "explain it" in text
    assert "not started" in text
    assert "▫️ 1. <a" in text and "▫️ <b>Practice</b> · 3 h 20 min" in text  # the steps to tick
    assert "⏱ About 4 h; nothing studied yet." in text
    assert chat.buttons()[:3] == ["▶️ Studying", "✅ Done", "⏭ Skip"]
    assert chat.buttons()[3:7] == ["▫️ 1", "▫️ 2", "▫️ Practice", "⏱ I studied…"]
    assert chat.buttons()[7:9] == ["🎓 I already know this", "⬅️ Back"]


async def test_marking_edits_the_card_and_next_moves_on(chat: Chat_) -> None:
    await chat.onboard()
    await chat.send("/next")
    calls = await chat.press("✅ Done")
    assert any(isinstance(c, EditMessageText) for c in calls)
    answer = next(c for c in calls if isinstance(c, AnswerCallbackQuery))
    assert answer.text == "Marked: done"
    assert "✅ done" in chat.text and "Well done" in chat.text
    assert "↩️ Reset" in chat.buttons() and "✅ Done" not in chat.buttons()
    await chat.press("Next step")
    assert "<b>Sorting</b>" in chat.text
    await chat.press("⏭ Skip")
    await chat.send("/next")
    assert "<b>Metrics: ROC-AUC</b>" in chat.text  # the next module in plan order


async def test_reset_brings_a_topic_back(chat: Chat_) -> None:
    await chat.onboard()
    await chat.send("/next")
    await chat.press("✅ Done")
    await chat.press("↩️ Reset")
    assert "not started" in chat.text
    await chat.send("/next")
    assert "<b>Complexity: Big-O</b>" in chat.text


async def test_browse_track_module_topic_and_back(chat: Chat_) -> None:
    await chat.onboard()
    await chat.send("/menu")
    await chat.press("Roadmap")
    assert "<b>Demo roadmap</b>" in chat.text
    assert "Stage 2: models — 2–4 weeks" in chat.text and "Stage 3: practice — ongoing" in chat.text
    assert "Machine learning basics · 0/2" in chat.buttons()
    await chat.press("Machine learning basics")
    assert "0 of 2 topics done" in chat.text
    await chat.press("Metrics: ROC-AUC")
    assert "What ROC-AUC measures." in chat.text
    await chat.press("⬅️ Back")
    assert "0 of 2 topics done" in chat.text
    await chat.press("⬅️ Back")
    assert "<b>Demo roadmap</b>" in chat.text
    await chat.press("Roles")
    assert "DS explores, MLE ships." in chat.text
    await chat.press("⬅️ Back")
    await chat.press("🏠 Menu")
    assert "What would you like to do?" in chat.text


async def test_a_video_has_two_passes_marked_on_their_own(chat: Chat_) -> None:
    await chat.onboard()
    await chat.press_data(TopicCb(track="demo", topic="intro-video").pack())
    # The passes are headings in the text, not buttons that look pressable and do nothing.
    assert "▫️ Pass 1: watch through — not started" in chat.text
    assert "▫️ Pass 2: notes and code — not started" in chat.text
    assert not [b for b in chat.buttons() if "Pass 1" in b or "watch through" in b]
    assert "✅ Done · pass 1" in chat.buttons() and "✅ Done · pass 2" in chat.buttons()
    await chat.press("✅ Done · pass 1")
    assert "✅ Pass 1: watch through — done" in chat.text
    assert "↩️ Reset · pass 1" in chat.buttons() and "▶️ Studying · pass 1" not in chat.buttons()
    assert "in progress" in chat.text  # one pass of two
    await chat.press_data(MarkCb(track="demo", topic="intro-video", part="active", status="done").pack())
    assert "✅ done" in chat.text
    await chat.send("/progress")
    assert "Hours studied: 3 h of 19 h in your plan" in chat.text


async def test_long_lists_page(make_chat: Callable[..., Chat_]) -> None:
    # The demo module has 2 topics; page numbers out of range land on the last real page.
    chat = make_chat()
    await chat.onboard()
    await chat.press_data(ModuleCb(track="demo", module="base", page=99).pack())
    assert "Complexity: Big-O" in " ".join(chat.buttons())
    await chat.press_data(TrackCb(track="demo", page=-5).pack())
    assert "<b>Demo roadmap</b>" in chat.text


async def test_stale_and_forged_buttons_get_a_clear_answer(chat: Chat_) -> None:
    await chat.onboard()
    for data in [
        TopicCb(track="demo", topic="removed-topic").pack(),
        MarkCb(track="demo", topic="big-o", part="", status="finished").pack(),
        MarkCb(track="demo", topic="big-o", part="no-such-pass", status="done").pack(),
        ModuleCb(track="gone", module="base").pack(),
        "rp:demo",  # too few fields
        "mk:demo:big-o::done:extra",
        "totally-unknown",
    ]:
        calls = await chat.press_data(data)
        answers = [c for c in calls if isinstance(c, AnswerCallbackQuery)]
        assert len(answers) == 1, data
        assert answers[0].show_alert and answers[0].text, data
    await chat.send("/progress")
    assert "0 of 5 topics" in chat.text  # nothing was marked by any of it


async def test_repeated_tap_does_not_break_the_message(chat: Chat_) -> None:
    await chat.onboard()
    await chat.send("/next")
    message_id, button = chat.find_button("✅ Done")
    assert button.callback_data
    await chat.press_data(button.callback_data, message_id)
    calls = await chat.press_data(button.callback_data, message_id)  # the second tap edits nothing new
    assert len([c for c in calls if isinstance(c, AnswerCallbackQuery)]) == 1
    assert not [c for c in calls if isinstance(c, SendMessage)]


async def test_commands_before_onboarding_point_to_start(chat: Chat_) -> None:
    for command in ("/next", "/progress", "/menu", "/settings", "hello"):
        await chat.send(command)
        assert "send /start" in chat.text, command
    calls = await chat.press_data(TopicCb(track="demo", topic="big-o").pack())
    answer = next(c for c in calls if isinstance(c, AnswerCallbackQuery))
    assert answer.text and "/start" in answer.text


async def test_unknown_command_and_text_show_the_menu(chat: Chat_) -> None:
    await chat.onboard()
    await chat.send("/frobnicate")
    assert "I don't know that command" in chat.text
    await chat.send("x" * 4000)  # a huge message: a plain answer, the text cut short, no error
    assert chat.text.startswith("Search the course for “") and len(chat.text) < 200
    await chat.send("🙂🙂")  # nothing to search for: the menu
    assert "Here is the menu" in chat.text


async def test_finished_track(chat: Chat_) -> None:
    await chat.onboard()
    for topic in ("big-o", "sorting", "metrics", "extra"):
        await chat.press_data(MarkCb(track="demo", topic=topic, part="", status="done").pack())
    for part in ("watch", "active"):
        await chat.press_data(MarkCb(track="demo", topic="intro-video", part=part, status="done").pack())
    await chat.send("/next")
    assert "You have gone through every topic" in chat.text


async def test_help_lists_the_commands(chat: Chat_) -> None:
    await chat.send("/help")
    for command in ("/next", "/menu", "/progress", "/settings", "/start", "/help"):
        assert command in chat.text
