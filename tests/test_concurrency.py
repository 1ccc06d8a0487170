from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import MarkCb
from db.models import Enrollment, Learner, ProgressEvent, TopicProgress
from tests.harness import Chat_


async def test_many_learners_and_quick_taps_through_the_dispatcher(
    make_chat: Callable[..., Chat_], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    chats = [make_chat(user_id=5000 + i) for i in range(150)]
    await asyncio.gather(*(chat.send("/start") for chat in chats for _ in range(2)))
    await asyncio.gather(*(chat.onboard() for chat in chats))
    done = MarkCb(track="demo", topic="big-o", part="", status="done").pack()
    await asyncio.gather(*(chat.press_data(done) for chat in chats for _ in range(4)))
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Learner)) == 150
        assert await session.scalar(select(func.count()).select_from(Enrollment)) == 150
        assert await session.scalar(select(func.count()).select_from(TopicProgress)) == 150
        assert await session.scalar(select(func.count()).select_from(ProgressEvent)) == 150
    for chat in chats:
        # No apology went to anyone: every update was handled without an error.
        assert not any("something went wrong" in (s.text or "") for s in chat.screens())
