"""The bot's turn-taking: everything it puts in a chat waits here for a turn within Telegram's limits.

About 30 messages a second overall, one a second per chat and 20 a minute to one group. Replies, edits, quiz polls,
photos, documents, reminders, summaries and broadcasts all wait for a turn from the one `Pacer` of the bot (the
request middleware in bot/middlewares/pacing.py asks it for every such call), by priority (bot/delivery.py). A 429
pauses the whole path for the `retry_after` Telegram asked for; a 429 about one group pauses that group alone, so
nothing to a group ever holds up a learner's own answer. `answerCallbackQuery` is not a message and never waits here.

Paid broadcasts (PAID_BROADCAST_RATE, off by default): when no free turn is there and the free second cannot take
all who wait, a send that may pay (`delivery.may_pay`) takes a paid turn from a second budget, and its request
carries `allow_paid_broadcast` (0.1 Star). Below the free rate nothing is paid; free and paid stay under the setting.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import math
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Protocol

from bot.delivery import Priority, is_group

MESSAGES_PER_SECOND = 29.0  # Telegram's limit is about 30; under it, so jitter on the wire is not refused
PER_CHAT_INTERVAL = 1.05  # about one a second per chat; a hair more for the same reason
PER_GROUP = 19  # Telegram allows 20 messages a minute to one group; one under, for the same reason
GROUP_WINDOW = 60.0
FREE_RATE = 30  # what Telegram lets a bot send in a second without paying
PAID_MARGIN = 0.98  # paid turns two in a hundred under: at hundreds a second, jitter is worth more than one


def paid_per_second(total: int) -> float:
    """The paid budget PAID_BROADCAST_RATE leaves above Telegram's free rate (free and paid together: `total`)."""
    return max(0.0, float(total - FREE_RATE))


class SharedBudget(Protocol):
    async def acquire(self, chat_id: int | str, level: Priority, may_pay: bool, paid: bool) -> bool | None:
        """Wait for a place across replicas: is it a paid one? (None: unreachable; this replica's turn stands)"""


@dataclass(order=True)
class _Waiter:
    priority: int
    seq: int
    chat_id: int | str = field(compare=False)
    may_pay: bool = field(compare=False)
    turn: asyncio.Future[bool] = field(compare=False)  # its result: whether the turn is a paid one


class _Window:
    """The turns of the last second, as Telegram counts them: a turn holds its place from the moment it is given
    until its request leaves, plus the second. `per_window` 0: no limit."""

    def __init__(self, per_window: int) -> None:
        self.per_window = per_window
        self._departed: deque[float] = deque()
        self._in_flight = 0  # turns given whose request has not left yet

    def used(self, now: float) -> int:
        while self._departed and now - self._departed[0] >= 1.0:
            self._departed.popleft()
        return len(self._departed) + self._in_flight

    def wait(self, now: float) -> float:
        """0 when a turn may be given now, else how long until one may (inf: until a given one settles)."""
        if not self.per_window or self.used(now) < self.per_window:
            return 0.0
        return self._departed[0] + 1.0 - now if self._departed else math.inf

    def give(self) -> None:
        if self.per_window:
            self._in_flight += 1

    def settle(self, departed: bool, now: float) -> None:
        if not self.per_window:
            return
        self._in_flight -= 1
        if departed:
            self._departed.append(now)


class Pacer:
    """The bot-wide turn-taking: one call per 1/rate seconds overall, one per interval per chat, at most
    `per_group` per `group_window` seconds to one group, by priority. A chat that must wait (its interval, its
    group's minute, a 429 about it) is passed over, and the next most urgent waiter goes. With a paid budget
    (`allow_paid`), a send that may pay goes on a paid turn when the free second is spent."""

    def __init__(
        self,
        per_second: float = MESSAGES_PER_SECOND,
        per_chat_interval: float = PER_CHAT_INTERVAL,
        per_group: int = PER_GROUP,
        group_window: float = GROUP_WINDOW,
    ) -> None:
        self.spacing = 1 / per_second if per_second > 0 else 0.0
        self.per_chat_interval = per_chat_interval
        self.per_group = per_group
        self.group_window = group_window
        self._group_turns: dict[int | str, deque[float]] = {}  # turns given to each group in its window
        self._waiting: list[_Waiter] = []
        self._seq = itertools.count()
        self._next_turn_at = 0.0
        self._resume_at = 0.0
        self._chat_free_at: dict[int | str, float] = {}
        self._arrived = asyncio.Event()
        self._pump: asyncio.Task[None] | None = None
        # Departures of the last second: at most one under the rate, whatever the spacing of the turns became
        self._free = _Window(max(1, int(per_second) - 1) if per_second > 0 else 0)
        self._paid: _Window | None = None
        self.paid_spacing = 0.0
        self._next_paid_at = 0.0
        self.shared: SharedBudget | None = None

    @classmethod
    def unlimited(cls) -> Pacer:
        """No pacing at all: for the in-memory fakes of the tests and the demo."""
        return cls(per_second=0, per_chat_interval=0, per_group=0)

    def allow_paid(self, per_second: float) -> None:
        """Paid turns, up to `per_second` beyond the free ones (PAID_BROADCAST_RATE less the free rate)."""
        self._paid = _Window(max(1, min(int(per_second) - 1, int(per_second * PAID_MARGIN))))
        self.paid_spacing = 1 / per_second

    @property
    def per_window(self) -> int:
        return self._free.per_window

    @property
    def paid_per_window(self) -> int:
        return self._paid.per_window if self._paid else 0

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def pause(self, seconds: float) -> None:
        """Telegram said 429: nobody sends for `seconds`."""
        self._resume_at = max(self._resume_at, _now() + seconds)

    def pause_chat(self, chat_id: int | str, seconds: float) -> None:
        """Telegram said 429 about one chat (a group's minute): that chat waits `seconds`, everyone else goes on."""
        self._chat_free_at[chat_id] = max(self._chat_free_at.get(chat_id, 0.0), _now() + seconds)
        self._arrived.set()

    @contextlib.asynccontextmanager
    async def turn(self, chat_id: int | str, level: Priority, may_pay: bool = False) -> AsyncIterator[bool]:
        """Wait until this chat may get a message at this priority; the request leaves as the block ends. The block
        is given whether the turn is a paid one: its request must then carry `allow_paid_broadcast`.

        What a send records just before its request (its attempt) goes inside the block. That takes a moment
        (it waits for the database), and Telegram counts arrivals, so a turn holds its place in the one-second
        window from the moment it is given until its request leaves, plus the second: however the sends dawdle,
        no more than `per_window` requests leave in any second, and no 429 pauses everyone."""
        may_pay = may_pay and self._paid is not None
        paid = await self._wait_for_turn(chat_id, level, may_pay)
        try:
            if self.shared is None:  # one budget across replicas (bot/shared_rate.py) decides what is paid
                yield paid
            else:
                shared = await self.shared.acquire(chat_id, level, may_pay, paid)
                yield paid if shared is None else shared
        except BaseException:
            self._settle(paid, departed=False)
            raise
        self._settle(paid, departed=True)

    async def _wait_for_turn(self, chat_id: int | str, level: Priority, may_pay: bool) -> bool:
        now = _now()
        if (
            self.spacing == 0
            and self.per_chat_interval == 0
            and now >= self._resume_at
            and self._chat_free_at.get(chat_id, 0.0) <= now
            and not (self.per_group and is_group(chat_id))
        ):
            return False
        loop = asyncio.get_running_loop()
        waiter = _Waiter(int(level), next(self._seq), chat_id, may_pay, loop.create_future())
        heapq.heappush(self._waiting, waiter)
        self._arrived.set()
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._give_turns(), name="pacer")
        try:
            return await waiter.turn  # cancelled with its caller; the pump skips it
        except asyncio.CancelledError:
            if waiter.turn.done() and not waiter.turn.cancelled():  # given, and its caller gave up
                self._settle(waiter.turn.result(), departed=False)
            raise

    def _settle(self, paid: bool, departed: bool) -> None:
        (self._paid if paid and self._paid else self._free).settle(departed, _now())
        self._arrived.set()

    async def _give_turns(self) -> None:
        while self._waiting:
            now = _now()
            if self._resume_at > now:
                await asyncio.sleep(self._resume_at - now)
                continue
            free = max(0.0, self._free.wait(now), self._next_turn_at - now)
            if free == 0.0:
                chosen, chat_wait = self._pick(now, paying=False)
                if chosen is not None:
                    self._give(chosen, now, paid=False)
                elif chat_wait is not None:  # everyone waits for their chat: until the first is free, or news
                    await self._news(chat_wait)
                continue  # (or only cancelled waiters were left)
            # No free turn now: a send that may pay takes a paid one, if the free second cannot take all who wait
            paid = self._paid_wait(now)
            if paid == 0.0:
                chosen, chat_wait = self._pick(now, paying=True)
                if chosen is not None:
                    self._give(chosen, now, paid=True)
                    continue
                paid = math.inf if chat_wait is None else chat_wait
            await self._news(min(free, paid))  # until a window moves on, a turn settles, or a new waiter

    def _paid_wait(self, now: float) -> float:
        # Whoever the free turns left in this second can still take goes free: below the free rate nothing is
        # paid, and a fan-out's last few wait for free turns rather than pay.
        if self._paid is None or self._free.used(now) + len(self._waiting) <= self._free.per_window:
            return math.inf
        return max(0.0, self._paid.wait(now), self._next_paid_at - now)

    async def _news(self, timeout: float) -> None:
        self._arrived.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._arrived.wait(), None if timeout == math.inf else timeout)

    def _give(self, chosen: _Waiter, now: float, paid: bool) -> None:
        chosen.turn.set_result(paid)
        if paid:
            assert self._paid is not None
            self._paid.give()
            # On a schedule, not from the last turn: a wake-up a little late gives what it missed (up to 10 ms'
            # worth) at once, or the timer's millisecond would cut a thousand a second to some six hundred.
            self._next_paid_at = max(self._next_paid_at, now - 0.01) + self.paid_spacing
        else:
            self._free.give()
            self._next_turn_at = now + self.spacing
        if self.per_chat_interval:
            self._chat_free_at[chosen.chat_id] = max(
                self._chat_free_at.get(chosen.chat_id, 0.0), now + self.per_chat_interval
            )
            if len(self._chat_free_at) > 10_000:
                self._chat_free_at = {c: at for c, at in self._chat_free_at.items() if at > now}
        if self.per_group and is_group(chosen.chat_id):
            self._group_turns.setdefault(chosen.chat_id, deque()).append(now)

    def _free_at(self, chat_id: int | str, now: float) -> float:
        """When the chat may get its next message: its interval or a 429 about it, and a group's minute."""
        free_at = self._chat_free_at.get(chat_id, 0.0)
        turns = self._group_turns.get(chat_id) if self.per_group else None
        if turns:
            while turns and now - turns[0] >= self.group_window:
                turns.popleft()
            if len(turns) >= self.per_group:
                free_at = max(free_at, turns[0] + self.group_window)
            elif not turns:
                del self._group_turns[chat_id]
        return free_at

    def _pick(self, now: float, paying: bool) -> tuple[_Waiter | None, float | None]:
        """The most urgent waiter whose chat is free (on a paid turn: of those that may pay), and otherwise how
        long until one is."""
        passed: list[_Waiter] = []
        held: list[float] = []  # when the chats of the passed-over waiters are free
        chosen = None
        while self._waiting:
            waiter = heapq.heappop(self._waiting)
            if waiter.turn.done():
                continue  # its caller gave up
            if paying and not waiter.may_pay:
                passed.append(waiter)  # a learner's own answer waits for a free turn
                continue
            free_at = self._free_at(waiter.chat_id, now)
            if free_at > now:
                passed.append(waiter)
                held.append(free_at)
                continue
            chosen = waiter
            break
        for waiter in passed:
            heapq.heappush(self._waiting, waiter)
        if chosen is not None or not held:
            return chosen, None
        return None, min(held) - now


def _now() -> float:
    return asyncio.get_running_loop().time()
