"""The one way out: turns by priority, one chat never faster than its interval, button answers never queued."""

from __future__ import annotations

import asyncio

from bot.app import create_bot
from bot.config import Settings
from bot.delivery import Pacer, Priority
from bot.demo.session import FakeBotSession


async def test_the_learners_own_answers_go_before_polls_reminders_and_broadcasts() -> None:
    pacer = Pacer(per_second=200, per_chat_interval=0)
    order: list[str] = []

    async def send(name: str, level: Priority, chat: int) -> None:
        await pacer.turn(chat, level)
        order.append(name)

    waiting = [
        ("broadcast", Priority.BROADCAST),
        ("reminder", Priority.REMINDER),
        ("poll", Priority.POLL),
        ("reply", Priority.REPLY),
    ] * 2
    await asyncio.gather(*(send(name, level, chat) for chat, (name, level) in enumerate(waiting)))
    assert order == ["reply", "reply", "poll", "poll", "reminder", "reminder", "broadcast", "broadcast"]


async def test_a_chat_waits_its_interval_while_other_chats_go_ahead() -> None:
    pacer = Pacer(per_second=200, per_chat_interval=0.2)
    order: list[str] = []

    async def send(name: str, chat: int) -> None:
        await pacer.turn(chat, Priority.REPLY)
        order.append(name)

    await asyncio.gather(send("a1", 1), send("a2", 1), send("b", 2))
    assert order == ["a1", "b", "a2"]


async def test_a_button_answer_is_not_queued_behind_a_paused_path() -> None:
    pacer = Pacer()
    bot = create_bot(Settings(_env_file=None), FakeBotSession(), pacer)
    pacer.pause(600)  # Telegram asked every message to wait ten minutes
    assert await asyncio.wait_for(bot.answer_callback_query("q1", text="ok"), 5) is True
