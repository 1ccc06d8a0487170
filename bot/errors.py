"""The last line: an error in a handler is logged with context and the learner hears about it exactly once: as an
alert on the button they pressed when that press is still unanswered, otherwise as a short message in the chat.
The database being unreachable is not logged per update: it is one outage (bot/outage.py)."""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import ErrorEvent
from aiogram.utils.i18n import gettext as _

from bot.outage import DatabaseOutage, database_unavailable

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent, bot: Bot, outage: DatabaseOutage | None = None) -> bool:
    update = event.update
    if outage is not None and database_unavailable(event.exception):
        outage.failed(event.exception)
    else:
        log.error(
            "update %s (%s) failed: %s",
            update.update_id,
            update.event_type,
            type(event.exception).__name__,
            exc_info=event.exception,
        )
    apology = _("Sorry, something went wrong on my side. Your progress is safe; please try again.")
    try:
        query = update.callback_query
        if query is not None:
            try:
                await query.answer(apology[:200], show_alert=True)
            except TelegramBadRequest:  # the press was answered before the handler failed: say it in the chat
                if query.message is not None and query.message.chat.type == "private":
                    await bot.send_message(query.message.chat.id, apology)
        elif update.message is not None and update.message.chat.type == "private":
            await update.message.answer(apology)
    except Exception:  # the apology itself failing must not hide the first error
        log.warning("could not tell the learner about the error in update %s", update.update_id)
    return True


def create_router() -> Router:
    router = Router(name=__name__)
    router.errors.register(on_error)
    return router
