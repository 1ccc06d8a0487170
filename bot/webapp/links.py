"""Where the bot's "Map" buttons point: WEBAPP_URL's /app/, for a track (and module), in private chats only."""

from __future__ import annotations

from urllib.parse import urlencode

from aiogram.types import CallbackQuery, Message

from bot.config import Settings


def map_url(
    settings: Settings, event: Message | CallbackQuery, track: str | None = None, module: str | None = None
) -> str | None:
    """The map's URL for a button on this screen; None without WEBAPP_URL or outside a private chat.

    Only an inline button (or the menu button) opens a Mini App with the learner's init data; Telegram refuses
    web_app buttons in groups."""
    if settings.map_url is None:
        return None
    message = event.message if isinstance(event, CallbackQuery) else event
    if message is None or message.chat.type != "private":
        return None
    params = {key: value for key, value in (("track", track), ("module", module)) if value}
    return settings.map_url + ("?" + urlencode(params) if params else "")
