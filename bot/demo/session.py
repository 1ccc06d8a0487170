"""A bot session whose Telegram is the in-memory fake: the console demo and the tests both use it.

Answers go through aiogram's own response checking, so a fake answer Telegram would never give fails here,
and errors come out as the same exceptions (TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter).
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from pydantic import BaseModel

from bot.demo.telegram import FakeApiError, FakeTelegram


def to_json(result: Any) -> Any:
    """A result object as Telegram's JSON has it."""
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json", by_alias=True, exclude_none=True)
    if isinstance(result, list):
        return [to_json(item) for item in result]
    return result


def response_body(method: TelegramMethod[Any], telegram: FakeTelegram) -> tuple[int, str]:
    """The HTTP status and JSON body Telegram would answer `method` with."""
    try:
        result = telegram.respond(method)
    except FakeApiError as exc:
        body: dict[str, Any] = {"ok": False, "error_code": exc.code, "description": exc.description}
        if exc.retry_after is not None:
            body["parameters"] = {"retry_after": exc.retry_after}
        if exc.migrate_to_chat_id is not None:
            body["parameters"] = {"migrate_to_chat_id": exc.migrate_to_chat_id}
        return exc.code, json.dumps(body)
    return 200, json.dumps({"ok": True, "result": to_json(result)})


class FakeBotSession(BaseSession):
    def __init__(self, telegram: FakeTelegram | None = None) -> None:
        super().__init__()
        self.telegram = telegram or FakeTelegram()
        self.requests: list[TelegramMethod[Any]] = []
        self.scripted_errors: list[tuple[type[TelegramMethod[Any]], FakeApiError]] = []

    def fail_next(self, method_type: type[TelegramMethod[Any]], error: FakeApiError) -> None:
        """The next call of `method_type` gets `error` instead of its answer (429, 403, network trouble)."""
        self.scripted_errors.append((method_type, error))

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        self.requests.append(method)
        for index, (method_type, error) in enumerate(self.scripted_errors):
            if isinstance(method, method_type):
                del self.scripted_errors[index]
                body: dict[str, Any] = {
                    "ok": False,
                    "error_code": error.code,
                    "description": error.description,
                }
                if error.retry_after is not None:
                    body["parameters"] = {"retry_after": error.retry_after}
                self.check_response(bot, method, error.code, json.dumps(body))
        status, content = response_body(method, self.telegram)
        response = self.check_response(bot, method, status, content)
        result: TelegramType = response.result  # type: ignore[assignment]
        self.observe(method, result)
        return result

    def observe(self, method: TelegramMethod[Any], result: Any) -> None:
        """Called with every successful call and its result; the console prints them."""

    async def close(self) -> None:
        return None

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        raise NotImplementedError("the fake Bot API serves no files")
        yield b""  # pragma: no cover
