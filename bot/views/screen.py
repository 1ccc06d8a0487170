"""A screen is a text and its buttons; `show` edits the message a button was on, or sends a new one."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import EditMessageText
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, LinkPreviewOptions, Message
from aiogram.utils.callback_answer import CallbackAnswer

log = logging.getLogger(__name__)

TEXT_LIMIT = 4096
ANSWER_LIMIT = 200
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


class EditScreen(EditMessageText):
    """`editMessageText` whose answer is not read. Telegram answers an edit with the whole message, its buttons
    included; parsing that into aiogram's models was about a tenth of a navigation tap, and nothing used it."""

    __returning__ = dict[str, Any] | bool


@dataclass(frozen=True)
class Screen:
    text: str
    markup: InlineKeyboardMarkup | None = None


async def show(event: Message | CallbackQuery, screen: Screen) -> None:
    """Navigation edits the message in place; a message that cannot be edited is replaced by a new one."""
    if isinstance(event, CallbackQuery):
        message = event.message
        if isinstance(message, Message) and event.bot is not None:
            try:
                await event.bot(
                    EditScreen(
                        chat_id=message.chat.id,
                        message_id=message.message_id,
                        business_connection_id=message.business_connection_id,
                        text=screen.text,
                        reply_markup=screen.markup,
                        link_preview_options=NO_PREVIEW,
                    )
                )
                return
            except TelegramBadRequest as exc:
                if "message is not modified" in exc.message:
                    return
                log.info("could not edit a message, sending a new one: %s", exc.message)
            await message.answer(screen.text, reply_markup=screen.markup, link_preview_options=NO_PREVIEW)
        elif event.from_user and event.bot:
            await event.bot.send_message(
                event.from_user.id, screen.text, reply_markup=screen.markup, link_preview_options=NO_PREVIEW
            )
        return
    await event.answer(screen.text, reply_markup=screen.markup, link_preview_options=NO_PREVIEW)


def alert(answer: CallbackAnswer, text: str) -> None:
    """Answer the button press with a pop-up (CallbackAnswerMiddleware sends it once the handler returns)."""
    answer.text = text[:ANSWER_LIMIT]
    answer.show_alert = True


def notify(answer: CallbackAnswer, text: str) -> None:
    """Answer the button press with a short toast."""
    answer.text = text[:ANSWER_LIMIT]
