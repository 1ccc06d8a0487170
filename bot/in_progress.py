"""The updates being handled, so that a graceful stop finishes them before the scheduler stops.

The first of the bot's middlewares: it counts every update from the moment it arrives (webhook or polling) until
its handling ends. A stop (SIGTERM) first stops taking updates (the webhook answers 503 and Telegram delivers
them again, to this replica's successor or another; polling stops asking), then waits for those in progress up
to `FINISH_GRACE`, then cancels what is left: in webhook mode those got no 200 and are delivered again.

It also drops an update of a type this aiogram does not know (a newer Bot API), logged by id and type only:
aiogram itself would warn with the whole update, a learner's text and all."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from aiogram.types.update import UpdateTypeLookupError

log = logging.getLogger(__name__)

FINISH_GRACE = 10.0  # seconds a stop waits for the updates in progress


class UpdatesInProgress(BaseMiddleware):
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self.stopping = False

    def __len__(self) -> int:
        return len(self._tasks)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Update) and known_type(event) is None:
            return None
        task = asyncio.current_task()
        if task is None:  # pragma: no cover - aiogram always runs in a task
            return await handler(event, data)
        self._tasks.add(task)
        try:
            return await handler(event, data)
        finally:
            self._tasks.discard(task)

    def stop_taking(self) -> None:
        self.stopping = True

    async def finish(self, grace: float = FINISH_GRACE) -> tuple[int, int]:
        """Wait up to `grace` seconds for the updates in progress, then cancel the rest: (finished, cancelled)."""
        self.stopping = True
        running = set(self._tasks)
        if not running:
            return 0, 0
        log.info("stopping: %d updates in progress are finished first (at most %.0f s)", len(running), grace)
        _, late = await asyncio.wait(running, timeout=grace)
        for task in late:
            task.cancel()
        if late:
            await asyncio.wait(late)
            log.warning(
                "stopping: %d updates still in progress after %.0f s were cancelled (Telegram delivers them "
                "again when it got no 200 for them)",
                len(late), grace,
            )  # fmt: skip
        return len(running) - len(late), len(late)


def known_type(update: Update) -> str | None:
    """The update's type, or None (logged) when this aiogram does not know it."""
    try:
        return update.event_type
    except UpdateTypeLookupError:  # a newer Bot API
        log.warning(
            "update %s of a type this bot does not know (%s): dropped", update.update_id, _kind(update)
        )
        return None


def _kind(update: Update) -> str:
    extra = [key for key in (update.model_extra or {}) if key.isidentifier() and len(key) <= 40]
    return extra[0] if extra else "unknown"
