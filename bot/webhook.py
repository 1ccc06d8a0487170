"""Telegram's webhook: an update gets its 200 once it is handled, so whatever a crash or a redeploy interrupts is
delivered again.

aiogram's own handler answers 200 first and handles the update in the background; here the request waits for
the handling, which writes the update down as handled just before the answer (bot/handled_updates.py), so a
second delivery is not applied twice. While the replica stops the webhook answers 503: Telegram delivers again.

What is not an update never reaches the dispatcher, and never puts its content in the log:
- without the secret (X-Telegram-Bot-Api-Secret-Token): 401;
- a body that is not UTF-8, not JSON, not an object with an update_id, nested deeper than any update, or holding
  a number beyond 64 bits (Telegram's ids all fit in 64 bits; the database's columns too): 400, one log line
  naming what was wrong;
- an object aiogram cannot read as an update (or of a type it does not know): 200 and a warning with its id and
  type only, since a second delivery would not read any better."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import math
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from aiohttp import web
from pydantic import ValidationError

from bot.in_progress import UpdatesInProgress

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_DEPTH = 32  # an update nests about ten deep (a reply's message's entities...)
INT64 = 1 << 63


class BadUpdate(ValueError):
    """The request's body is not an update; the message says why, never what it held."""


def read_update(body: bytes) -> dict[str, Any]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadUpdate("not UTF-8") from None
    try:
        data = json.loads(text, parse_int=_int64, parse_float=_float64, parse_constant=_no_constant)
    except RecursionError:
        raise BadUpdate("nested too deeply") from None
    except BadUpdate:
        raise
    except ValueError:
        raise BadUpdate("not JSON") from None
    if not isinstance(data, dict):
        raise BadUpdate("not a JSON object")
    update_id = data.get("update_id")
    if type(update_id) is not int or update_id < 0:
        raise BadUpdate("no update_id")
    if _depth(data) > MAX_DEPTH:
        raise BadUpdate("nested too deeply")
    return data


def _int64(literal: str) -> int:
    value = int(literal)
    if not -INT64 <= value < INT64:
        raise BadUpdate("a number beyond 64 bits")
    return value


def _float64(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value) or abs(value) >= INT64:  # a float id would pass pydantic as a huge int
        raise BadUpdate("a number beyond 64 bits")
    return value


def _no_constant(literal: str) -> float:
    raise BadUpdate("not JSON")  # NaN, Infinity: not JSON, and no update holds them


def _depth(data: Any) -> int:
    deepest, level = 0, [(data, 1)]
    while level:
        value, depth = level.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        children = value.values() if isinstance(value, dict) else value
        level.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def update_kind(data: dict[str, Any]) -> str:
    """The update's type, as far as a log line may say: the first field besides update_id, if it looks like one."""
    kinds = [key for key in data if key != "update_id"]
    if kinds and kinds[0].isidentifier() and kinds[0].isascii() and len(kinds[0]) <= 40:
        return kinds[0]
    return "unknown"


class WebhookEndpoint:
    def __init__(
        self, dispatcher: Dispatcher, bot: Bot, secret: str | None, in_progress: UpdatesInProgress
    ) -> None:
        self.dispatcher = dispatcher
        self.bot = bot
        self.secret = secret
        self.in_progress = in_progress

    async def handle(self, request: web.Request) -> web.Response:
        if self.secret is not None and not hmac.compare_digest(
            request.headers.get(SECRET_HEADER, "").encode(), self.secret.encode()
        ):
            return web.Response(status=401)
        if self.in_progress.stopping:
            return web.Response(status=503, headers={"Retry-After": "1"})
        try:
            data = read_update(await request.read())
        except BadUpdate as exc:
            log.warning("webhook request refused (400): %s", exc)
            return web.Response(status=400)
        try:
            update = Update.model_validate(data, context={"bot": self.bot})
        except ValidationError:
            log.warning("update %s (%s) does not parse: dropped", data["update_id"], update_kind(data))
            return web.Response()
        handling = asyncio.create_task(self._handle(update))
        try:
            await asyncio.wait(
                {handling}
            )  # not cancelled with the request: a client gone changes nothing here
        except asyncio.CancelledError:
            handling.cancel()
            raise
        if handling.cancelled():  # cut by a stop: no 200, so Telegram delivers it again
            return web.Response(status=503)
        if handling.exception() is not None:
            return web.Response(status=500)
        return web.Response()

    async def _handle(self, update: Update) -> None:
        try:
            result = await self.dispatcher.feed_update(self.bot, update)
            if isinstance(result, TelegramMethod):
                await self.bot(result)
        except Exception as exc:  # the errors router answers everything; whatever escapes it, in one line
            log.error("update %s (%s) failed: %s", update.update_id, _event_type(update), type(exc).__name__)
            raise


def _event_type(update: Update) -> str:
    try:
        return update.event_type
    except LookupError:
        return "unknown"
