"""What every job of the coach loop works with: the bot and its pacing, the database and its outages."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from aiogram import Bot
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.attempts import Attempt
from bot.clock import Clock
from bot.curriculum.catalog import Catalog
from bot.delivery import Courier
from bot.metrics import Metrics
from bot.outage import DatabaseOutage, WhenBack
from bot.services import reminders
from bot.views.screen import Screen

# Sends whose screens are read at once. A claimed batch waits for its turns anyway (about 30 a second), so reading
# more of it ahead only puts the learners' own taps behind a queue of reads on the database (one connection on
# SQLite): 150 at once made a tap wait 1.5 s at the median in the morning rush.
READ_AHEAD = 4


@dataclass
class Parts:
    bot: Bot
    sessionmaker: async_sessionmaker[AsyncSession]
    catalog: Catalog
    i18n: I18n
    clock: Clock
    courier: Courier
    metrics: Metrics | None
    outage: DatabaseOutage
    stopping: Callable[[], bool]  # a stopping loop takes no new claims and gives back what it did not send
    when_back: WhenBack = field(init=False)  # what an outage kept from the database
    released: int = 0  # claims given back by a stop (due again, for the next process)
    _reading: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(READ_AHEAD))

    def __post_init__(self) -> None:
        self.when_back = WhenBack(self.outage)

    @contextlib.asynccontextmanager
    async def reading_screen(self) -> AsyncIterator[AsyncSession]:
        """The session a send reads its screen in: only READ_AHEAD of them at once (see there)."""
        async with self._reading, self.sessionmaker() as session:
            yield session

    def count_released(self, count: int) -> None:
        self.released += count
        if self.metrics is not None:
            self.metrics.sends_interrupted.labels("released").inc(count)

    async def mark_blocked(self, learner_id: int) -> None:
        async with self.sessionmaker() as session:
            await reminders.mark_blocked(session, learner_id, self.clock())

    async def send_text(self, chat_id: int, text: str) -> None:  # a report to an organiser
        await self.courier.deliver(chat_id, lambda: self.bot.send_message(chat_id, text))

    async def send_screen(self, learner_id: int, screen: Screen, attempt: Attempt) -> None:
        """A learner's screen, at the reminders' priority, with the send's attempt recorded just before it."""
        await self.courier.deliver(
            learner_id,
            lambda: self.bot.send_message(learner_id, screen.text, reply_markup=screen.markup),
            before_send=attempt.record,
            not_delivered=attempt.undo,
        )
