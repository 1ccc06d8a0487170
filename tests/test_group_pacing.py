"""Telegram's 20 messages a minute to one group: the paced path keeps to it beside its per-chat and overall limits,
the fake Bot API refuses what goes beyond it, and nothing to a group holds up a learner's own answer.

Over HTTP the minute is scaled down to a second on both sides (the pacer's window and the fake's), so the test
takes seconds; the rule is the same."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import SendMessage

from bot.app import create_bot
from bot.config import Settings
from bot.delivery import Priority, is_group
from bot.demo.session import FakeBotSession
from bot.demo.telegram import FakeApiError, FakeTelegram
from bot.pacer import PER_GROUP, Pacer
from tests.fakes.bot_api_server import FakeBotApiServer
from tests.groups import most_in_a_window

GROUP = -1001234
LEARNER = 7
WINDOW = 1.0  # the scaled "minute"


@pytest.fixture
async def server() -> AsyncIterator[FakeBotApiServer]:
    server = FakeBotApiServer(telegram=FakeTelegram(group_limit=20, group_window=WINDOW))
    await server.start()
    yield server
    await server.stop()


def paced_bot(server: FakeBotApiServer) -> Bot:
    settings = Settings(_env_file=None, bot_token="123:group-pacing", telegram_api_url=server.url)
    return create_bot(settings, pacer=Pacer(per_chat_interval=0, group_window=WINDOW))


async def test_a_burst_to_a_group_keeps_to_its_limit_and_a_learners_answer_goes_first(
    server: FakeBotApiServer,
) -> None:
    bot = paced_bot(server)
    try:
        burst = [asyncio.create_task(bot.send_message(GROUP, f"post {n}")) for n in range(45)]
        await asyncio.sleep(0)  # all of them queued
        reply = asyncio.create_task(bot.send_message(LEARNER, "your answer"))
        await asyncio.gather(*burst, reply)
    finally:
        await bot.session.close()
    to_group = [
        c for c in server.calls if c.method == "sendmessage" and str(c.params["chat_id"]) == str(GROUP)
    ]
    assert [c.status for c in to_group] == [200] * 45  # never refused
    assert most_in_a_window([c.at for c in to_group], WINDOW) <= 20
    assert len(server.telegram.group_log) == 45 and server.telegram.group_refusals == 0
    answer = next(i for i, c in enumerate(server.calls) if str(c.params.get("chat_id")) == str(LEARNER))
    third_post = server.calls.index(to_group[2])
    assert answer < third_post  # the learner's answer did not wait behind the group's queue


async def test_the_fake_refuses_the_21st_message_in_a_groups_minute() -> None:
    clock = [0.0]
    telegram = FakeTelegram(clock=lambda: clock[0])
    for n in range(20):
        telegram.respond(SendMessage(chat_id=GROUP, text=f"post {n}"))
        clock[0] += 1.0
    with pytest.raises(FakeApiError) as refused:
        telegram.respond(SendMessage(chat_id=GROUP, text="one too many"))
    assert refused.value.code == 429 and refused.value.retry_after == 40
    telegram.respond(SendMessage(chat_id=LEARNER, text="a private chat is not a group"))
    clock[0] = 60.0  # the first post's minute is over
    telegram.respond(SendMessage(chat_id=GROUP, text="now it goes"))
    assert telegram.group_refusals == 1


async def test_a_429_about_a_group_pauses_that_group_only() -> None:
    session = FakeBotSession()
    bot = create_bot(Settings(_env_file=None), session, Pacer(per_second=200, per_chat_interval=0))
    session.fail_next(SendMessage, FakeApiError(429, "Too Many Requests: retry after 30", retry_after=30))
    post = asyncio.create_task(bot.send_message(GROUP, "a post"))
    while not session.requests:  # noqa: ASYNC110  (nothing signals the request; look often)
        await asyncio.sleep(0)
    await asyncio.sleep(0.05)  # the refusal is in: the group waits its 30 seconds
    try:
        assert (await asyncio.wait_for(bot.send_message(LEARNER, "your answer"), 5)).chat.id == LEARNER
        assert not post.done()
    finally:
        post.cancel()
        await asyncio.gather(post, return_exceptions=True)


async def test_group_sends_queue_behind_replies_and_polls() -> None:
    pacer = Pacer(per_second=200, per_chat_interval=0)
    order: list[str] = []

    async def send(name: str, level: Priority, chat: int) -> None:
        async with pacer.turn(chat, level):
            order.append(name)

    waiting = [("group", Priority.GROUP, -1), ("reminder", Priority.REMINDER, 2), ("poll", Priority.POLL, 3),
               ("reply", Priority.REPLY, 4)]  # fmt: skip
    await asyncio.gather(*(send(name, level, chat) for name, level, chat in waiting))
    assert order == ["reply", "poll", "group", "reminder"]
    assert is_group(-1) and is_group("-100200") and not is_group(5) and not is_group("inline")
    assert PER_GROUP < 20  # under Telegram's limit, as the overall rate is under its 30


async def test_retry_after_from_a_group_is_told_when_it_is_past_the_deadline() -> None:
    """A group refusing for longer than a message may wait: the send gives up with Telegram's answer."""
    session = FakeBotSession()
    bot = create_bot(Settings(_env_file=None), session, Pacer(per_second=200, per_chat_interval=0))
    session.fail_next(SendMessage, FakeApiError(429, "Too Many Requests: retry after 3600", retry_after=3600))
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(GROUP, "a post")
