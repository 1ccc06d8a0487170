"""The bot's web server, in both modes: /healthz and /metrics always, the Telegram webhook (bot/webhook.py) when
WEBHOOK_URL is set."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import setup_application
from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import Clock
from bot.config import Settings
from bot.in_progress import UpdatesInProgress
from bot.metrics import Metrics
from bot.outage import DatabaseOutage, database_unavailable
from bot.webapp.routes import setup_map
from bot.webhook import WebhookEndpoint


def webhook_path(settings: Settings) -> str:
    return urlparse(settings.webhook_url or "").path or "/webhook"


def create_web_app(
    dispatcher: Dispatcher,
    bot: Bot,
    engine: AsyncEngine,
    metrics: Metrics,
    settings: Settings,
    clock: Clock,
    *,
    run_dispatcher: bool = True,  # False: the caller runs the dispatcher's startup and shutdown (bot/serve.py)
) -> web.Application:
    app = web.Application()
    in_progress: UpdatesInProgress = dispatcher["in_progress"]
    outage: DatabaseOutage = dispatcher["outage"]

    async def healthz(request: web.Request) -> web.Response:
        checks: dict[str, str] = {}
        try:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            checks["database"] = "ok"
            outage.ok()
        except Exception as exc:  # any failure means "not healthy", and says which kind
            checks["database"] = f"unreachable: {type(exc).__name__}"
            if database_unavailable(exc):
                outage.failed(exc)
        checks["scheduler"] = _scheduler_state(dispatcher, settings, clock)
        if in_progress.stopping:
            checks["updates"] = "stopping"  # the load balancer sends no more; Telegram's go to the others
        healthy = all(value == "ok" for value in checks.values())
        return web.json_response(checks, status=200 if healthy else 503)

    async def metrics_view(request: web.Request) -> web.Response:
        return web.Response(body=metrics.render(), content_type="text/plain", charset="utf-8")

    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_view)
    setup_map(app, dispatcher, bot)  # the roadmap map (Mini App) at /app/ and its API under /app/api/
    if settings.webhook_url:
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        app.router.add_post(
            webhook_path(settings), WebhookEndpoint(dispatcher, bot, secret, in_progress).handle
        )
        if run_dispatcher:
            setup_application(app, dispatcher, bot=bot)
    return app


def _scheduler_state(dispatcher: Dispatcher, settings: Settings, clock: Clock) -> str:
    scheduler: Any = dispatcher.workflow_data.get("scheduler")
    coach: Any = dispatcher.workflow_data.get("coach")
    if scheduler is None or coach is None:
        return "starting"  # Telegram has not yet answered the start-up calls (commands, webhook)
    if not scheduler.running:
        return "not running"
    last = coach.last_tick_at or coach.started_at
    if clock() - last > timedelta(seconds=max(60.0, 5 * settings.tick_seconds)):
        return "stalled"
    return "ok"


async def start_web_server(app: web.Application, host: str, port: int) -> web.AppRunner:
    runner = web.AppRunner(app, access_log=None)  # request lines would hold the webhook path; not needed
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
