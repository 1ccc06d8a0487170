"""The organisers' commands. To anyone not in ADMIN_IDS they do not exist (they fall through to "unknown")."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime

from aiogram import Dispatcher, F, Router
from aiogram.filters import Command, CommandObject, Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, TelegramObject, User
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import BroadcastCb
from bot.clock import Clock
from bot.config import Settings
from bot.curriculum.catalog import Catalog
from bot.services import admin, lateness, radar
from bot.services.search import SearchIndex
from bot.views import admin as views
from bot.views.format import current_locale
from bot.views.screen import Screen, alert, show

BROADCAST_KEY = "broadcast_text"
COMMAND_PREFIX = re.compile(r"^/broadcast(@\w+)?\s+")


class IsAdmin(Filter):
    async def __call__(
        self, event: TelegramObject, settings: Settings, event_from_user: User | None = None
    ) -> bool:
        return event_from_user is not None and event_from_user.id in settings.admin_ids


async def stats(message: Message, session: AsyncSession, catalog: Catalog, clock: Clock) -> None:
    await show(message, await stats_screen(session, catalog, clock()))


async def stats_screen(session: AsyncSession, catalog: Catalog, now: datetime) -> Screen:
    """/stats: the course's numbers, where learners stop, and the radar's buttons; in the reader's language
    (track titles too: an organiser need not be a learner)."""
    course = await admin.course_stats(session, catalog, now, current_locale())
    stops = await radar.where_learners_stop(session, catalog, now)
    return views.stats_screen(course, stops, await lateness.daily(session, now))


async def broadcast(
    message: Message, command: CommandObject, state: FSMContext, session: AsyncSession
) -> None:
    if not command.args or not message.text:
        await show(message, views.broadcast_usage())
        return
    # The text after the command, with the organiser's own formatting, exactly as learners will get it.
    text = COMMAND_PREFIX.sub("", message.html_text, count=1).strip()
    await state.update_data({BROADCAST_KEY: text})
    await message.answer(text)
    await show(message, views.broadcast_confirm(await admin.recipients(session)))


async def broadcast_answer(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: BroadcastCb,
    state: FSMContext,
    session: AsyncSession,
    clock: Clock,
    dispatcher: Dispatcher,
    i18n: I18n,
) -> None:
    data = await state.get_data()
    text = data.get(BROADCAST_KEY)
    await state.update_data({BROADCAST_KEY: None})
    if callback_data.action != "send":
        await show(query, views.broadcast_cancelled())
        return
    if not text:
        alert(callback_answer, views.broadcast_expired())
        return
    language = str(i18n.current_locale)
    broadcast_id, count = await admin.start_broadcast(session, query.from_user.id, text, language, clock())
    await show(query, views.broadcast_queued(broadcast_id, count))
    coach = dispatcher.workflow_data.get("coach")
    if coach is not None:  # start at once instead of at the next tick
        task = asyncio.create_task(coach.tick())
        dispatcher.workflow_data.setdefault("background", set()).add(task)
        task.add_done_callback(dispatcher.workflow_data["background"].discard)


async def reload(message: Message, catalog: Catalog, search_index: SearchIndex, settings: Settings) -> None:
    problems = admin.reload_content(catalog, search_index, settings.content_dir)
    if problems:
        await show(message, views.reload_failed(problems))
        return
    await show(message, views.reloaded(catalog.counts()))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private", IsAdmin())
    router.callback_query.filter(IsAdmin())
    router.message.register(stats, Command("stats", ignore_case=True))
    router.message.register(broadcast, Command("broadcast", ignore_case=True))
    router.message.register(reload, Command("reload", ignore_case=True))
    router.callback_query.register(broadcast_answer, BroadcastCb.filter())
    return router
