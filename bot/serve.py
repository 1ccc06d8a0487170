"""Running on Telegram: long polling, or a webhook behind a load balancer; the web server runs in both."""

from __future__ import annotations

import asyncio
import logging
import signal

from aiogram import Bot, Dispatcher

from bot.app import Runtime, create_bot, prepare
from bot.config import Settings
from bot.web import create_web_app, start_web_server

log = logging.getLogger(__name__)


async def serve(settings: Settings) -> int:
    runtime = await prepare(settings)
    bot = create_bot(settings)
    try:
        if settings.webhook_url:
            await _webhook(runtime, bot)
        else:
            await _polling(runtime, bot)
    finally:
        await bot.session.close()
        await runtime.close()
    return 0


async def _polling(runtime: Runtime, bot: Bot) -> None:
    settings = runtime.settings
    app = create_web_app(runtime.dispatcher, bot, runtime.engine, runtime.metrics, settings, runtime.clock)
    runner = await start_web_server(app, settings.web_host, settings.web_port)
    log.info("web server on %s:%s (/healthz, /metrics); long polling", settings.web_host, settings.web_port)
    try:
        await runtime.dispatcher.start_polling(bot, handle_signals=True)
    finally:
        await runner.cleanup()


async def _webhook(runtime: Runtime, bot: Bot) -> None:
    settings = runtime.settings
    if settings.webhook_secret is None:
        raise SystemExit("WEBHOOK_SECRET is required with WEBHOOK_URL: Telegram sends it with every update")
    dispatcher = runtime.dispatcher
    dispatcher.startup.register(_set_webhook)
    app = create_web_app(dispatcher, bot, runtime.engine, runtime.metrics, settings, runtime.clock)
    runner = await start_web_server(app, settings.web_host, settings.web_port)
    log.info("web server on %s:%s; webhook mode", settings.web_host, settings.web_port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()  # runs the dispatcher's shutdown through setup_application


async def _set_webhook(bot: Bot, dispatcher: Dispatcher, settings: Settings) -> None:
    assert settings.webhook_url and settings.webhook_secret
    await bot.set_webhook(
        settings.webhook_url,
        secret_token=settings.webhook_secret.get_secret_value(),
        allowed_updates=dispatcher.resolve_used_update_types(),
    )
