"""Keeps the parsed-answer models of Bot API methods alive, so they are built once per process, not every few calls.

aiogram parses every Bot API answer with `Response[method.__returning__]`, a pydantic generic model made on
first use. pydantic (2.11 and later) keeps such models only in a weak cache, and they live in reference cycles, so
every garbage collection drops them and the next call builds the model again: about 4 ms of schema building,
which the profile of the inbound benchmark showed in roughly one Bot API call of five. Holding one reference to
each model used makes the weak cache hit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

if TYPE_CHECKING:
    from aiogram import Bot


class KeepResponseTypes(BaseRequestMiddleware):
    def __init__(self) -> None:
        self._kept: dict[Any, type[Any]] = {}

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        returning = method.__returning__
        if returning not in self._kept:
            self._kept[returning] = Response[returning]  # type: ignore[valid-type]
        return await make_request(bot, method)
