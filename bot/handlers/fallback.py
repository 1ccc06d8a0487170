"""What no other handler took: learners not set up yet (their set-up goes on), stray text, stale or forged
buttons, groups."""

from __future__ import annotations

import difflib

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.curriculum.catalog import Catalog
from bot.handlers.onboarding import resume
from bot.services import setup
from bot.views.menu import COMMANDS, main_menu
from bot.views.screen import Screen, alert, show
from db.models import Learner


async def not_private(message: Message) -> None:
    # The coach keeps personal progress, so it only talks in private chats; one short line, then silence.
    if message.text and message.text.startswith("/"):
        await message.answer(_("I work in private chats only: open a chat with me to study."))


async def anything_else(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    i18n: I18n,
    learner: Learner | None = None,
) -> None:
    if learner is not None and not setup.is_set_up(learner):
        # A set-up left unfinished (a restart lost the question, or a screen that needs it done): it goes on.
        await resume(message, learner, state, session, catalog, clock, i18n)
        return
    if learner is None or learner.current_track is None:
        await show(message, Screen(_("Let's get you set up first: send /start.")))
        return
    if message.text and message.text.startswith("/"):
        suggestion = closest_command(message.text)
        if suggestion is not None:
            text = _("I don't know that command. Did you mean /{command}?").format(command=suggestion)
        else:
            text = _("I don't know that command. Here is the menu, or see /help.")
        await show(message, main_menu(text))
        return
    await show(message, main_menu(_("I understand buttons and commands best. Here is the menu:")))


async def stale_button(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    state: FSMContext,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    i18n: I18n,
    learner: Learner | None = None,
) -> None:
    if learner is not None and not setup.is_set_up(learner):
        await resume(query, learner, state, session, catalog, clock, i18n)
        return
    if learner is None or learner.current_track is None:
        alert(callback_answer, _("Let's get you set up first: send /start."))
        return
    alert(callback_answer, _("This button is out of date. Open /menu for fresh ones."))


def closest_command(text: str) -> str | None:
    """The command a typo most likely meant: /Progress → progress, /progres → progress, /qiuz → quiz."""
    typed = text[1:].split(maxsplit=1)[0].split("@")[0].lower() if len(text) > 1 else ""
    names = [name for name, _description in COMMANDS]
    if not typed:
        return None
    matches = difflib.get_close_matches(typed, names, n=1, cutoff=0.6)
    return matches[0] if matches else None


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(not_private, F.chat.type != "private")
    router.message.register(anything_else)
    router.callback_query.register(stale_button)
    return router
