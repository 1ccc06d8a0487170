"""A send's attempt record (bot/services/sends.py), made once just before its HTTP call and only while the claim
is still this process's; taken back when Telegram answers that it did not deliver (429), to be made again just
before the retry. The coach loop's sends (reminders, summaries, nudges, broadcasts) each hold one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.outage import DatabaseOutage, database_unavailable


class NotSending(Exception):
    """Raised just before a send's HTTP call: the process is stopping (the send is released), or the claim was
    taken over by another process while it waited (it is no longer ours)."""

    def __init__(self, ours: bool) -> None:
        super().__init__()
        self.ours = ours


class Attempt:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        outage: DatabaseOutage,
        stopping: Callable[[], bool],
        make: Callable[[AsyncSession], Awaitable[bool]],
        take_back: Callable[[AsyncSession], Awaitable[bool]],
    ) -> None:
        self.sessionmaker = sessionmaker
        self.outage = outage
        self._stopping = stopping
        self._make = make
        self._take_back = take_back
        self.made = False
        # Waiting for its minute (a reminder composed ahead): cancelled then, the process is ending without a stop,
        # and the claim is left to the takeover as a crash would leave it, with no write on the way out.
        self.held = False

    async def record(self) -> None:
        """The `before_send` of bot/delivery.py: the send is attempted now."""
        if self.made:
            return  # the text after a refused chart: the same send
        if self._stopping():
            raise NotSending(ours=True)
        async with self.sessionmaker() as session:
            if not await self._make(session):
                raise NotSending(ours=False)
        self.made = True

    async def undo(self) -> bool:
        """The `not_delivered` of bot/delivery.py: Telegram did not deliver it; pending again while it waits."""
        try:
            async with self.sessionmaker() as session:
                undone = await self._take_back(session)
        except Exception as exc:
            if not database_unavailable(exc):
                raise
            self.outage.failed(exc)
            return False  # it stays attempted, and the retry goes without a new record
        if undone:
            self.made = False
        return undone
