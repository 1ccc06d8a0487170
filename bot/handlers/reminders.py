"""The reminder's buttons, /pause (a break: how long?) and /resume."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import BreakCb, ReminderCb
from bot.clock import Clock
from bot.curriculum.catalog import Catalog
from bot.filters import SetUp
from bot.services import breaks, reminders
from bot.views import breaks as break_views
from bot.views import reminder as reminder_views
from bot.views.format import clock as clock_text
from bot.views.screen import alert, notify, show
from db.models import Learner


async def reminder_button(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: ReminderCb,
    learner: Learner,
    session: AsyncSession,
    clock: Clock,
) -> None:
    now = clock()
    zone = ZoneInfo(learner.timezone or "UTC")
    if callback_data.action == "snooze":
        snoozed = await reminders.snooze(session, learner.id, now)
        when = _local_time(snoozed.at, zone)
        text = reminder_views.snoozed_to_morning(when) if snoozed.morning else reminder_views.snoozed(when)
        notify(callback_answer, text)
    elif callback_data.action == "tomorrow":
        planned = await reminders.skip_today(session, learner.id, now)
        notify(callback_answer, reminder_views.tomorrow(_local_time(planned, zone) if planned else None))
    elif callback_data.action == "pause":
        await reminders.set_paused(session, learner.id, True, now)
        await show(query, reminder_views.paused())
    else:
        alert(callback_answer, _("This button is out of date."))


def _local_time(moment: datetime | None, zone: ZoneInfo) -> str:
    if moment is None:
        return "—"
    local = moment.astimezone(zone)
    return clock_text(local.hour * 60 + local.minute)


async def pause(message: Message) -> None:
    await show(message, break_views.break_choice())


async def take_break(
    query: CallbackQuery, callback_data: BreakCb, learner: Learner, session: AsyncSession, clock: Clock
) -> None:
    now = clock()
    days = callback_data.days if callback_data.days in breaks.BREAK_LENGTHS else 0
    until = await breaks.start_break(session, learner, days, now)
    zone = ZoneInfo(learner.timezone or "UTC")
    await show(
        query, break_views.break_started(until.astimezone(zone).date() if until else None, learner.language)
    )


async def resume(
    message: Message, learner: Learner, session: AsyncSession, catalog: Catalog, clock: Clock
) -> None:
    back, updated = await breaks.resume(session, catalog, learner, clock())  # /resume ends a break too
    if back is not None:
        await show(message, break_views.welcome_back(back, learner.language))
    minute = updated.reminder_minute if updated else learner.reminder_minute
    await show(message, reminder_views.resumed(clock_text(minute)))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private", SetUp())  # no reminders before the set-up is done
    router.callback_query.register(reminder_button, ReminderCb.filter(), SetUp())
    router.callback_query.register(take_break, BreakCb.filter(), SetUp())
    router.message.register(pause, Command("pause", ignore_case=True))
    router.message.register(resume, Command("resume", ignore_case=True))
    return router
