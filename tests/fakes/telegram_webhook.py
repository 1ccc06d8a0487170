"""Telegram's side of a webhook, for end-to-end tests: each update is POSTed to the bot with the secret and
delivered again, after a short pause, for as long as it gets no 200 (an error status, a refused connection, a
connection closed without an answer), the way Telegram does. Several addresses make a load balancer: an update's
first delivery goes to the address it is given, every later one to the last address (the replica that is up)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import aiohttp

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class Delivery:
    update: dict[str, Any]
    answers: list[int | str] = field(default_factory=list)  # each attempt's status, or what went wrong
    answered_at: float | None = None  # the event loop's time of the 200
    by: str | None = None  # the address that answered 200

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])


class TelegramWebhook:
    def __init__(self, urls: list[str], secret: str, pause: float = 0.3) -> None:
        self.urls = urls
        self.secret = secret
        self.pause = pause
        self.deliveries: list[Delivery] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._http: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> TelegramWebhook:
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        return self

    async def __aexit__(self, *_: object) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._http is not None:
            await self._http.close()

    def push(self, update: dict[str, Any], via: int = 0) -> Delivery:
        delivery = Delivery(update)
        self.deliveries.append(delivery)
        task = asyncio.create_task(self._deliver(delivery, via))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return delivery

    @property
    def all_answered(self) -> bool:
        return all(d.answered_at is not None for d in self.deliveries)

    async def _deliver(self, delivery: Delivery, via: int) -> None:
        assert self._http is not None
        url = self.urls[via]
        while True:
            try:
                async with self._http.post(
                    url, json=delivery.update, headers={SECRET_HEADER: self.secret}
                ) as response:
                    delivery.answers.append(response.status)
                    if response.status == 200:
                        delivery.answered_at = asyncio.get_running_loop().time()
                        delivery.by = url
                        return
            except (aiohttp.ClientError, TimeoutError) as exc:
                delivery.answers.append(type(exc).__name__)
            url = self.urls[-1]
            await asyncio.sleep(self.pause)
