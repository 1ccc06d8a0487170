"""The map (the Mini App) served on this machine beside the console chat, signed for the demo learner."""

from __future__ import annotations

from urllib.parse import quote

from aiohttp import web

from bot.demo.console import ConsoleChat
from bot.web import create_web_app
from bot.webapp.auth import sign_init_data


async def serve_map(chat: ConsoleChat, host: str = "127.0.0.1") -> tuple[web.AppRunner, str]:
    """The bot's web server on this machine, and the map's URL for the demo learner.

    The init data in the URL is signed with the demo bot's token, so the real check runs; a browser outside
    Telegram reads it from the `#tgWebAppData=` part, as Telegram's own script does."""
    runtime = chat.runtime
    app = create_web_app(
        runtime.dispatcher, chat.bot, runtime.engine, runtime.metrics, runtime.settings, runtime.clock
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    for port in (runtime.settings.web_port, 0):  # WEB_PORT, or any free port when it is taken
        try:
            await web.TCPSite(runner, host, port).start()
            break
        except OSError:
            continue
    port = runner.addresses[0][1]
    user = {"id": chat.user.id, "first_name": chat.user.first_name, "language_code": chat.user.language_code}
    init_data = sign_init_data(chat.bot.token, user, runtime.clock())
    return runner, f"http://{host}:{port}/app/#tgWebAppData={quote(init_data)}"
