"""A small fake Bot API over HTTP for end-to-end tests: the bot runs as it would on Telegram, pointed here
through TELEGRAM_API_URL. Answers come from the same in-memory fake the unit tests use, so Telegram's limits
are enforced here too."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

from aiogram import methods
from aiogram.methods import TelegramMethod
from aiohttp import web

from bot.demo.session import response_body
from bot.demo.telegram import FakeTelegram

METHODS: dict[str, type[TelegramMethod[Any]]] = {
    cls.__api_method__.lower(): cls
    for name in methods.__all__
    if isinstance(cls := getattr(methods, name), type)
    and issubclass(cls, TelegramMethod)
    and isinstance(cls.__dict__.get("__api_method__"), str)
}


@dataclass
class Call:
    token: str
    method: str
    params: dict[str, Any]


@dataclass
class FakeBotApiServer:
    telegram: FakeTelegram = field(default_factory=FakeTelegram)
    calls: list[Call] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    _new_update: asyncio.Event = field(default_factory=asyncio.Event)
    _new_call: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None
    port: int = 0
    # Like Telegram's flood control: above this many sendMessage calls in any second, answer 429.
    send_rate_limit: int | None = None
    refused: int = 0
    _recent_sends: collections.deque[float] = field(default_factory=collections.deque)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def push_update(self, update: dict[str, Any]) -> None:
        update = {"update_id": len(self.updates) + 1, **update}
        self.updates.append(update)
        self._new_update.set()

    async def wait_for(self, method: str, contains: str = "", timeout: float = 30) -> Call:
        """The first call of `method` (after those already seen) whose params mention `contains`."""
        seen = 0

        async def find() -> Call:
            nonlocal seen
            while True:
                for call in self.calls[seen:]:
                    seen += 1
                    if call.method == method.lower() and contains in json.dumps(
                        call.params, ensure_ascii=False
                    ):
                        return call
                self._new_call.clear()
                await self._new_call.wait()

        return await asyncio.wait_for(find(), timeout)

    async def _handle(self, request: web.Request) -> web.Response:
        name = request.match_info["method"].lower()
        params = dict(await request.post()) if request.can_read_body else {}
        params = {key: _decode(value) for key, value in params.items()}
        self.calls.append(Call(request.match_info["token"], name, params))
        self._new_call.set()
        if name == "getupdates":
            return await self._get_updates(params)
        if name == "sendmessage" and self.send_rate_limit is not None and self._over_limit():
            self.refused += 1
            refusal = {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                       "parameters": {"retry_after": 1}}  # fmt: skip
            return web.json_response(refusal, status=429)
        cls = METHODS.get(name)
        if cls is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        method = cls.model_validate(params)
        status, body = response_body(method, self.telegram)
        return web.Response(status=status, text=body, content_type="application/json")

    def _over_limit(self) -> bool:
        now = asyncio.get_running_loop().time()
        while self._recent_sends and now - self._recent_sends[0] >= 1.0:
            self._recent_sends.popleft()
        if self.send_rate_limit is not None and len(self._recent_sends) >= self.send_rate_limit:
            return True
        self._recent_sends.append(now)
        return False

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + min(timeout, 2)
        while True:
            pending = [u for u in self.updates if u["update_id"] >= offset]
            if pending or loop.time() >= deadline:
                return web.json_response({"ok": True, "result": pending})
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), max(0.0, deadline - loop.time()))


def _decode(value: Any) -> Any:
    """aiogram sends nested objects as JSON strings and plain strings as they are."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
