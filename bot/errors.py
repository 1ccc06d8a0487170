"""The last line: an error in a handler is logged with context and the learner gets a short apology."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.types import ErrorEvent
from aiogram.utils.i18n import gettext as _

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent) -> bool:
    update = event.update
    log.error(
        "update %s (%s) failed: %s",
        update.update_id,
        update.event_type,
        type(event.exception).__name__,
        exc_info=event.exception,
    )
    apology = _("Sorry, something went wrong on my side. Your progress is safe; please try again.")
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(apology[:200], show_alert=True)
        elif update.message is not None and update.message.chat.type == "private":
            await update.message.answer(apology)
    except Exception:  # the apology itself failing must not hide the first error
        log.warning("could not tell the learner about the error in update %s", update.update_id)
    return True


def create_router() -> Router:
    router = Router(name=__name__)
    router.errors.register(on_error)
    return router
