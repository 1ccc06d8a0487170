"""The one way out: turns by priority, one chat never faster than its interval, button answers never queued."""

from __future__ import annotations

import asyncio
import contextlib

from bot.app import create_bot
from bot.config import Settings
from bot.delivery import Priority
from bot.demo.session import FakeBotSession
from bot.pacer import Pacer


async def test_the_learners_own_answers_go_before_polls_reminders_and_broadcasts() -> None:
    pacer = Pacer(per_second=200, per_chat_interval=0)
    order: list[str] = []

    async def send(name: str, level: Priority, chat: int) -> None:
        async with pacer.turn(chat, level):
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
        async with pacer.turn(chat, Priority.REPLY):
            order.append(name)

    await asyncio.gather(send("a1", 1), send("a2", 1), send("b", 2))
    assert order == ["a1", "b", "a2"]


async def test_a_button_answer_is_not_queued_behind_a_paused_path() -> None:
    pacer = Pacer()
    bot = create_bot(Settings(_env_file=None), FakeBotSession(), pacer)
    pacer.pause(600)  # Telegram asked every message to wait ten minutes
    assert await asyncio.wait_for(bot.answer_callback_query("q1", text="ok"), 5) is True


async def test_requests_never_bunch_above_the_rate_however_long_their_records_take() -> None:
    """A send records its attempt between its turn and its request, and that wait varies (the database is busy):
    requests must still leave at no more than the rate in any one second, as Telegram counts them."""
    pacer = Pacer(per_second=20, per_chat_interval=0)
    left: list[float] = []
    loop = asyncio.get_running_loop()

    async def send(chat: int) -> None:
        async with pacer.turn(chat, Priority.REMINDER):
            await asyncio.sleep(0.4 if chat % 3 == 0 else 0.0)  # some records wait for the database
        left.append(loop.time())

    await asyncio.gather(*(send(chat) for chat in range(60)))
    left.sort()
    busiest = max(sum(1 for t in left if start <= t < start + 1.0) for start in left)
    assert len(left) == 60
    assert busiest <= pacer.per_window < 20


async def test_a_turn_given_up_before_its_request_frees_its_place() -> None:
    pacer = Pacer(per_second=3, per_chat_interval=0)  # two requests a second

    async def refused_before_sending(chat: int) -> None:
        async with pacer.turn(chat, Priority.REMINDER):
            raise LookupError("the claim was taken over")

    for chat in range(5):
        with contextlib.suppress(LookupError):
            await refused_before_sending(chat)
    async with asyncio.timeout(0.5):  # nothing left, so no window to wait for
        async with pacer.turn(99, Priority.REPLY):
            pass
