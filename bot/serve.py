"""Running on Telegram: long polling, or a webhook behind a load balancer; the web server runs in both.

Start-up failures the operator must fix (a taken WEB_PORT, an unreachable database, a token Telegram refuses)
end the process with one line saying what is wrong and what to do (`StartupFailure`, printed by bot/cli.py).
Telegram unreachable at start-up is not one of them: the start-up calls retry until it answers, and /healthz
says "starting" meanwhile. SIGTERM or SIGINT at any point stops the bot gracefully: no new updates are taken (the
webhook answers 503, so Telegram delivers them again; polling stops asking), those in progress are finished
(bot/in_progress.py), then the coach takes no new claims, the sends on the wire finish and the rest is given back
for the next start (CoachLoop.stop); exit 0."""

from __future__ import annotations

import asyncio
import errno
import logging
import signal
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramUnauthorizedError
from aiohttp import web

from bot import heap
from bot.app import Runtime, create_bot, prepare
from bot.config import Settings
from bot.startup import StartupFailure
from bot.web import create_web_app, start_web_server

log = logging.getLogger(__name__)

WEBHOOK_CONNECTIONS = 100  # Telegram allows 1-100
SHUTDOWN_TIMEOUT = 30.0  # seconds: more than the updates' and CoachLoop's graces together


async def serve(settings: Settings) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if settings.webhook_url and settings.webhook_secret is None:
        raise StartupFailure(
            "WEBHOOK_SECRET is required with WEBHOOK_URL: Telegram sends it with every update"
        )
    runtime = await prepare(settings)
    bot = create_bot(settings, metrics=runtime.metrics)
    heap.settle()
    try:
        if settings.webhook_url:
            await _webhook(runtime, bot, stop)
        else:
            await _polling(runtime, bot, stop)
    except TelegramUnauthorizedError:
        raise StartupFailure(
            "Telegram refused BOT_TOKEN (401 Unauthorized): copy the token again from @BotFather"
        ) from None
    finally:
        await bot.session.close()
        await runtime.close()
    return 0


async def _web_server(app: web.Application, settings: Settings) -> web.AppRunner:
    try:
        return await start_web_server(app, settings.web_host, settings.web_port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            message = (
                f"WEB_PORT {settings.web_port} on {settings.web_host} is taken by another program: "
                "stop that program, or set WEB_PORT to a free port"
            )
        else:
            message = f"cannot listen on {settings.web_host}:{settings.web_port} ({exc.strerror}): check WEB_HOST and WEB_PORT"
        raise StartupFailure(message) from None


async def _until_stopped(work: asyncio.Task[Any], stop: asyncio.Event) -> bool:
    """Wait for `work` or a stop signal; True when the signal came first."""
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({work, stopping}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
    return not work.done()


async def _cancel(task: asyncio.Task[Any]) -> None:
    task.cancel()
    await asyncio.wait({task})


async def _polling(runtime: Runtime, bot: Bot, stop: asyncio.Event) -> None:
    settings, dispatcher = runtime.settings, runtime.dispatcher
    app = create_web_app(dispatcher, bot, runtime.engine, runtime.metrics, settings, runtime.clock)
    runner = await _web_server(app, settings)
    log.info("web server on %s:%s (/healthz, /metrics); long polling", settings.web_host, settings.web_port)
    started = asyncio.Event()

    async def all_started() -> None:  # the last start-up step: everything before it has succeeded
        started.set()

    dispatcher.startup.register(all_started)
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False)
    )
    try:
        if not await _until_stopped(polling, stop):
            polling.result()
        elif started.is_set():  # stop polling; its shutdown finishes the updates in progress, then the coach
            dispatcher["in_progress"].stop_taking()
            await dispatcher.stop_polling()
            _, late = await asyncio.wait({polling}, timeout=SHUTDOWN_TIMEOUT)
            if late:
                await _cancel(polling)
        else:
            await _cancel(polling)
            await _stopped_while_starting(dispatcher, bot)
    finally:
        await runner.cleanup()


async def _webhook(runtime: Runtime, bot: Bot, stop: asyncio.Event) -> None:
    settings, dispatcher = runtime.settings, runtime.dispatcher
    dispatcher.startup.register(_set_webhook)
    app = create_web_app(
        dispatcher, bot, runtime.engine, runtime.metrics, settings, runtime.clock, run_dispatcher=False
    )
    runner = await _web_server(app, settings)  # /healthz answers "starting" while the start-up calls retry
    log.info("web server on %s:%s; webhook mode", settings.web_host, settings.web_port)
    workflow = {**dispatcher.workflow_data, "app": app, "dispatcher": dispatcher, "bot": bot}
    starting = asyncio.create_task(dispatcher.emit_startup(**workflow))
    try:
        if await _until_stopped(starting, stop):
            await _cancel(starting)
            await _stopped_while_starting(dispatcher, bot)
            return
        starting.result()
        await stop.wait()
        dispatcher["in_progress"].stop_taking()  # 503 from now on: Telegram delivers those again
        await dispatcher.emit_shutdown(**workflow)  # the updates in progress first, then the coach
    finally:
        await runner.cleanup()


async def _stopped_while_starting(dispatcher: Dispatcher, bot: Bot) -> None:
    if "coach" in dispatcher.workflow_data:
        await dispatcher.emit_shutdown(bot=bot, **dispatcher.workflow_data)
    else:
        log.info("stopped before Telegram answered the start-up calls; nothing was claimed")


async def _set_webhook(bot: Bot, dispatcher: Dispatcher, settings: Settings) -> None:
    assert settings.webhook_url and settings.webhook_secret
    await bot.set_webhook(
        settings.webhook_url,
        secret_token=settings.webhook_secret.get_secret_value(),
        allowed_updates=dispatcher.resolve_used_update_types(),
        # Each update holds its connection until it is handled (bot/webhook.py): Telegram's most, not its 40
        max_connections=WEBHOOK_CONNECTIONS,
    )
