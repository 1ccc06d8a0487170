"""How urgent a send is, and what it records just before its request: the bot's side of the one way out.

Everything the bot puts in a chat waits for a turn from the bot's one pacer (bot/pacer.py, asked by the request
middleware in bot/middlewares/pacing.py), and the turns go by `Priority`: the answer to a learner's own action
first, then quiz polls, then what goes to a group, then reminders and summaries, then broadcasts.

What the bot sends on its own (reminders, summaries, broadcasts) goes through a `Courier`, which only says how
urgent the send is and what to record just before the HTTP call; the pacing is the same for everyone.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from enum import IntEnum
from typing import TypeVar

T = TypeVar("T")


class Priority(IntEnum):
    """Lower goes first."""

    REPLY = 0  # the answer to the learner's own tap or message
    POLL = 1  # a quiz question
    GROUP = 2  # anything to a group chat (a cohort's battle, deadlines, digest): never before a learner's own
    REMINDER = 3  # reminders, weekly summaries, reports to organisers
    BROADCAST = 4


def may_pay(level: Priority) -> bool:
    """Whether a send may go as a paid broadcast when the free rate is spent (PAID_BROADCAST_RATE): reminders and
    summaries, which are due at a minute the learner chose. A learner's own answer never pays (it is first in line
    for the free turns), and a broadcast has no minute to keep, so it waits for free ones."""
    return level is Priority.REMINDER


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
