"""Sends handed over for a later minute: each its own task, its message composed already, waiting for its minute.

A held send wakes on the event loop's timer at its minute, so it goes to the pacing then, not at the next tick
(ticks are 20 seconds apart); a tick also wakes those whose minute its clock has reached (a test's clock moves
without the timer), and waits for them as it waited for its batches before. A stop wakes them all: one still
waiting gives its claim back (`NotSending`, released: due again, for the next process)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from bot.attempts import NotSending
from bot.clock import Clock


class Held:
    def __init__(self, clock: Clock, stopping: Callable[[], bool]) -> None:
        self.clock = clock
        self.stopping = stopping
        self._sends: dict[asyncio.Task[bool], datetime] = {}
        self._moved = asyncio.Event()

    def hold(self, minute: datetime, send: Coroutine[Any, Any, bool]) -> None:
        self._sends[asyncio.create_task(send)] = minute

    async def until(self, minute: datetime) -> None:
        """Wait until the clock reads `minute` (never before it); raises `NotSending` when the loop stops first."""
        while not self.stopping():
            left = (minute - self.clock()).total_seconds()
            if left <= 0:
                return
            moved = self._moved
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(moved.wait(), left)
        raise NotSending(ours=True)

    def wake(self) -> None:
        """The clock may have moved, or the loop is stopping: every held send looks again."""
        moved, self._moved = self._moved, asyncio.Event()
        moved.set()

    @property
    def waiting(self) -> int:
        return sum(1 for send in self._sends if not send.done())

    def unfinished(self) -> set[asyncio.Task[bool]]:
        return {send for send in self._sends if not send.done()}

    def _due(self) -> set[asyncio.Task[bool]]:
        now = self.clock()
        return {send for send, minute in self._sends.items() if not send.done() and minute <= now}

    async def make_room(self, most: int) -> int:
        """Wait for sends whose minute has come until at most `most` are held (those still waiting for theirs are
        not waited for); returns how many of the finished ones were delivered."""
        while self.waiting > most:
            self.wake()
            due = self._due()
            if not due:
                break
            await asyncio.wait(due, return_when=asyncio.FIRST_COMPLETED)
        return self.collect()

    async def reap(self) -> int:
        """Wait for every send whose minute has come; returns how many of the finished ones were delivered."""
        self.wake()
        due = self._due()
        if due:
            await asyncio.wait(due)
        return self.collect()

    def collect(self) -> int:
        """How many of the finished sends were delivered (each counted once); a send's own error is raised here,
        in the tick, as its batch's gather raised it before."""
        delivered = 0
        for send in [send for send in self._sends if send.done()]:
            del self._sends[send]
            if not send.cancelled():
                delivered += send.result()
        return delivered
