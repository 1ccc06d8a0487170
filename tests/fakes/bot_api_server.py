"""A small fake Bot API over HTTP for end-to-end tests: the bot runs as it would on Telegram, pointed here
through TELEGRAM_API_URL. Answers come from the same in-memory fake the unit tests use, so Telegram's limits
are enforced here too; with `send_rate_limit` and `per_chat_interval` it answers 429 like Telegram's flood control
(about 30 messages a second overall, one a second per chat). A message sent with `allow_paid_broadcast` is not held
to `send_rate_limit`, only to `paid_rate_limit` for all messages together (Telegram's 1,000 a second), and is
marked `paid` in `calls`. It can refuse a token (401) or fail a method with
502 a number of times (Telegram unreachable for a while). While `holding` is set it answers every message 429
(nothing delivered), so a test can keep the bot's handlers and sends in progress and then stop or kill it."""

from __future__ import annotations

import asyncio
import bisect
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
    at: float = 0.0  # the event loop's time when it arrived
    status: int = 200

    @property
    def paid(self) -> bool:
        """Sent as a paid broadcast (aiogram sends the flag as the form value "true")."""
        return str(self.params.get("allow_paid_broadcast")).lower() == "true"


_PUTS_IN_A_CHAT = ("send", "edit", "copy", "forward", "stop")


def puts_in_a_chat(method: str) -> bool:
    return method.startswith(_PUTS_IN_A_CHAT) and method != "sendchataction"


@dataclass
class FakeBotApiServer:
    telegram: FakeTelegram = field(default_factory=FakeTelegram)
    calls: list[Call] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    _new_update: asyncio.Event = field(default_factory=asyncio.Event)
    _new_call: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None
    port: int = 0
    # Like Telegram's flood control: above this many messages (sent or edited) in any second, answer 429;
    # and a second message to one chat sooner than `per_chat_interval` after its last one.
    send_rate_limit: int | None = None
    per_chat_interval: float | None = None
    paid_rate_limit: int = 1000  # messages a second, paid and free together, once some are paid
    refused: int = 0
    refused_tokens: set[str] = field(default_factory=set)  # answered 401 Unauthorized
    failing: dict[str, int] = field(default_factory=dict)  # method (lower case) -> next calls answered 502
    holding: bool = False  # every message answered 429 with `hold_retry_after`, not delivered
    hold_retry_after: int = 1
    _recent_sends: collections.deque[float] = field(default_factory=collections.deque)  # unpaid ones
    _recent_paid: collections.deque[float] = field(default_factory=collections.deque)
    _chat_last: dict[str, float] = field(default_factory=dict)

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
        call = Call(request.match_info["token"], name, params, asyncio.get_running_loop().time())
        self.calls.append(call)
        self._new_call.set()
        if call.token in self.refused_tokens:
            call.status = 401
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        if self.failing.get(name):
            self.failing[name] -= 1
            call.status = 502
            return web.json_response(
                {"ok": False, "error_code": 502, "description": "Bad Gateway"}, status=502
            )
        if name == "getupdates":
            return await self._get_updates(params)
        if puts_in_a_chat(name) and (self.holding or self._over_limit(str(params.get("chat_id")), call.paid)):
            self.refused += 1
            call.status = 429
            wait = self.hold_retry_after if self.holding else 1
            refusal = {"ok": False, "error_code": 429, "description": f"Too Many Requests: retry after {wait}",
                       "parameters": {"retry_after": wait}}  # fmt: skip
            return web.json_response(refusal, status=429)
        cls = METHODS.get(name)
        if cls is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        method = cls.model_validate(params)
        call.status, body = response_body(method, self.telegram)
        return web.Response(status=call.status, text=body, content_type="application/json")

    def _over_limit(self, chat: str, paid: bool) -> bool:
        now = asyncio.get_running_loop().time()
        for recent in (self._recent_sends, self._recent_paid):
            while recent and now - recent[0] >= 1.0:
                recent.popleft()
        if len(self._recent_sends) + len(self._recent_paid) >= self.paid_rate_limit:
            return True
        if not paid and self.send_rate_limit is not None and len(self._recent_sends) >= self.send_rate_limit:
            return True
        if (
            self.per_chat_interval is not None
            and now - self._chat_last.get(chat, -1e9) < self.per_chat_interval
        ):
            return True
        (self._recent_paid if paid else self._recent_sends).append(now)
        self._chat_last[chat] = now
        return False

    def accepted(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method.lower() and c.status == 200]

    def paid(self) -> list[Call]:
        """The paid broadcasts Telegram would have charged for (accepted, with `allow_paid_broadcast`)."""
        return [c for c in self.calls if c.paid and c.status == 200]

    def refused_chats(self, method: str) -> set[str]:
        return {
            str(c.params.get("chat_id")) for c in self.calls if c.method == method.lower() and c.status == 429
        }

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + min(timeout, 2)
        while True:
            pending = self.updates[bisect.bisect_left(self.updates, offset, key=_update_id) :][:100]
            if pending or loop.time() >= deadline:
                return web.json_response({"ok": True, "result": pending})
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), max(0.0, deadline - loop.time()))


def _update_id(update: dict[str, Any]) -> int:
    return int(update["update_id"])


def _decode(value: Any) -> Any:
    """aiogram sends nested objects as JSON strings and plain strings as they are."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
