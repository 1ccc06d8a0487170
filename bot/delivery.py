"""One way out: everything the bot puts in a chat takes its turn here, within Telegram's limits.

About 30 messages a second overall, one a second per chat and 20 a minute to one group. Replies, edits, quiz polls, photos, documents,
reminders, summaries and broadcasts all wait for a turn from the one `Pacer` of the bot (the request middleware in
bot/middlewares/pacing.py asks it for every such call), and the turns go by priority: the answer to a learner's own
action first, then quiz polls, then what goes to a group, then reminders and summaries, then broadcasts. A 429 pauses
the whole path for the `retry_after` Telegram asked for; a 429 about one group pauses that group alone, so nothing
to a group ever holds up a learner's own answer. `answerCallbackQuery` is not a message and never waits here.

What the bot sends on its own (reminders, summaries, broadcasts) goes through a `Courier`, which only says how
urgent the send is and what to record just before the HTTP call; the pacing is the same for everyone.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Protocol, TypeVar

T = TypeVar("T")

MESSAGES_PER_SECOND = 29.0  # Telegram's limit is about 30; under it, so jitter on the wire is not refused
PER_CHAT_INTERVAL = 1.05  # about one a second per chat; a hair more for the same reason
PER_GROUP = 19  # Telegram allows 20 messages a minute to one group; one under, for the same reason
GROUP_WINDOW = 60.0


class Priority(IntEnum):
    """Lower goes first."""

    REPLY = 0  # the answer to the learner's own tap or message
    POLL = 1  # a quiz question
    GROUP = 2  # anything to a group chat (a cohort's battle, deadlines, digest): never before a learner's own
    REMINDER = 3  # reminders, weekly summaries, reports to organisers
    BROADCAST = 4


def is_group(chat_id: int | str) -> bool:
    """Group and supergroup (and channel) ids are negative; a private chat's is the user's own, positive."""
    if isinstance(chat_id, int):
        return chat_id < 0
    return chat_id.startswith("-")


_priority: ContextVar[Priority] = ContextVar("send_priority", default=Priority.REPLY)
_before_send: ContextVar[BeforeSend | None] = ContextVar("before_send", default=None)


@dataclass
class BeforeSend:
    """Run once, when the send has its turn and just before its HTTP request (the send's 'attempted' record).

    When Telegram answers that it did not deliver the message (429: wait and try again), `undo` takes the record
    back (the send is claimed again, not attempted), and the record is made anew before the retry; so a crash
    while the send waits leaves it to be sent, not "maybe sent". `undo` returns False when it could not."""

    callback: Callable[[], Awaitable[None]]
    undo: Callable[[], Awaitable[bool]] | None = None
    done: bool = False

    async def __call__(self) -> None:
        if not self.done:
            self.done = True
            await self.callback()

    async def not_delivered(self) -> None:
        if self.done and self.undo is not None and await self.undo():
            self.done = False


def current_priority() -> Priority:
    return _priority.get()


def take_before_send() -> BeforeSend | None:
    return _before_send.get()


@contextlib.contextmanager
def priority(level: Priority) -> Iterator[None]:
    token = _priority.set(level)
    try:
        yield
    finally:
        _priority.reset(token)


@dataclass(order=True)
class _Waiter:
    priority: int
    seq: int
    chat_id: int | str = field(compare=False)
    turn: asyncio.Future[None] = field(compare=False)


class Pacer:
    """The bot-wide turn-taking: one call per 1/rate seconds overall, one per interval per chat, at most
    `per_group` per `group_window` seconds to one group, by priority. A chat that must wait (its interval, its
    group's minute, a 429 about it) is passed over, and the next most urgent waiter goes."""

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
        self.per_window = max(1, int(per_second) - 1) if per_second > 0 else 0
        self._departed: deque[float] = deque()
        self._in_flight = 0  # turns given whose request has not left yet
        self.shared: SharedBudget | None = None

    @classmethod
    def unlimited(cls) -> Pacer:
        """No pacing at all: for the in-memory fakes of the tests and the demo."""
        return cls(per_second=0, per_chat_interval=0, per_group=0)

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
    async def turn(self, chat_id: int | str, level: Priority) -> AsyncIterator[None]:
        """Wait until this chat may get a message at this priority; the request leaves as the block ends.

        What a send records just before its request (its attempt) goes inside the block. That takes a moment
        (it waits for the database), and Telegram counts arrivals, so a turn holds its place in the one-second
        window from the moment it is given until its request leaves, plus the second: however the sends dawdle,
        no more than `per_window` requests leave in any second, and no 429 pauses everyone."""
        await self._wait_for_turn(chat_id, level)
        try:
            if self.shared is not None:  # one budget across replicas (bot/shared_rate.py)
                await self.shared.acquire(chat_id, level)
            yield
        except BaseException:
            self._settle(departed=False)
            raise
        self._settle(departed=True)

    async def _wait_for_turn(self, chat_id: int | str, level: Priority) -> None:
        now = _now()
        if (
            self.spacing == 0
            and self.per_chat_interval == 0
            and now >= self._resume_at
            and self._chat_free_at.get(chat_id, 0.0) <= now
            and not (self.per_group and is_group(chat_id))
        ):
            return
        waiter = _Waiter(int(level), next(self._seq), chat_id, asyncio.get_running_loop().create_future())
        heapq.heappush(self._waiting, waiter)
        self._arrived.set()
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._give_turns(), name="pacer")
        try:
            await waiter.turn  # cancelled with its caller; the pump skips it
        except asyncio.CancelledError:
            if waiter.turn.done() and not waiter.turn.cancelled():
                self._settle(departed=False)  # given, and its caller gave up before using it
            raise

    def _settle(self, departed: bool) -> None:
        if not self.per_window:
            return
        self._in_flight -= 1
        if departed:
            self._departed.append(_now())
        self._arrived.set()

    def _window_wait(self, now: float) -> float | None:
        """0 when a turn may be given now, else how long until one may (None: until a given one settles)."""
        if not self.per_window:
            return 0.0
        while self._departed and now - self._departed[0] >= 1.0:
            self._departed.popleft()
        if len(self._departed) + self._in_flight < self.per_window:
            return 0.0
        return self._departed[0] + 1.0 - now if self._departed else None

    async def _give_turns(self) -> None:
        while self._waiting:
            now = _now()
            wait = max(self._next_turn_at, self._resume_at) - now
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            window = self._window_wait(now)
            if window != 0.0:
                self._arrived.clear()  # wait for the window to move on, or a given turn to settle
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._arrived.wait(), window)
                continue
            chosen, chat_wait = self._pick(now)
            if chosen is None:
                if chat_wait is None:
                    continue  # only cancelled waiters were left
                self._arrived.clear()  # everyone waits for their chat: sleep until the first is free, or news
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._arrived.wait(), chat_wait)
                continue
            chosen.turn.set_result(None)
            if self.per_window:
                self._in_flight += 1
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

    def _pick(self, now: float) -> tuple[_Waiter | None, float | None]:
        """The most urgent waiter whose chat is free, and otherwise how long until one is."""
        held: list[tuple[_Waiter, float]] = []
        chosen = None
        while self._waiting:
            waiter = heapq.heappop(self._waiting)
            if waiter.turn.done():
                continue  # its caller gave up
            free_at = self._free_at(waiter.chat_id, now)
            if free_at > now:
                held.append((waiter, free_at))
                continue
            chosen = waiter
            break
        for waiter, _ in held:
            heapq.heappush(self._waiting, waiter)
        if chosen is not None or not held:
            return chosen, None
        return None, min(free_at for _, free_at in held) - now


class Courier:
    """How the bot's own sends (reminders, summaries, broadcasts) go out: at their priority, with a record of the
    attempt made just before the HTTP call (taken back by `not_delivered` when Telegram answers 429). The pacing
    itself is the bot's (`Pacer`), shared with the replies."""

    async def deliver(
        self,
        chat_id: int,
        send: Callable[[], Awaitable[T]],
        *,
        level: Priority = Priority.REMINDER,
        before_send: Callable[[], Awaitable[None]] | None = None,
        not_delivered: Callable[[], Awaitable[bool]] | None = None,
    ) -> T:
        priority_token = _priority.set(level)
        hook_token = _before_send.set(BeforeSend(before_send, not_delivered) if before_send else None)
        try:
            return await send()
        finally:
            _before_send.reset(hook_token)
            _priority.reset(priority_token)


class SharedBudget(Protocol):
    async def acquire(self, chat_id: int | str, level: Priority) -> None: ...


def _now() -> float:
    return asyncio.get_running_loop().time()
