"""/today (the menu's first button), and the ways on a learner behind their plan chose."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import CatchUpCb, MenuCb
from bot.callbacks import Screen as Nav
from bot.clock import Clock
from bot.curriculum.catalog import Catalog
from bot.filters import HasTrack
from bot.services import catch_up as catch_up_rules
from bot.services import profile, record
from bot.views import today as views
from bot.views.format import long_date
from bot.views.screen import alert, notify, show
from db.models import Learner


async def show_today(
    event: Message | CallbackQuery,
    learner: Learner,
    track_id: str,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
) -> None:
    day = await record.learner_today(session, catalog, learner, track_id, clock())
    await show(event, views.today_screen(day, learner.language))


async def catch_up(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CatchUpCb,
    learner: Learner,
    track_id: str,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
) -> None:
    now = clock()
    if callback_data.action == "move":
        await catch_up_rules.move_finish_date(session, learner.id, track_id, now)
    elif callback_data.action == "hours" and 1 <= callback_data.hours <= 100:
        await catch_up_rules.move_finish_date(
            session, learner.id, track_id, now, weekly_hours=callback_data.hours
        )
    elif callback_data.action != "keep":
        alert(callback_answer, _("This button is out of date."))
        return
    learner = await profile.get_learner(session, learner.id) or learner
    day = await record.learner_today(session, catalog, learner, track_id, now)
    if day.plan is not None:
        notify(
            callback_answer,
            _("Your plan: finish on {date}.").format(
                date=long_date(day.plan.planned_finish, learner.language)
            ),
        )
    await show(query, views.today_screen(day, learner.language))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.filter(HasTrack())
    router.callback_query.filter(HasTrack())
    router.message.register(show_today, Command("today", ignore_case=True))
    router.callback_query.register(show_today, MenuCb.filter(F.screen == Nav.TODAY))
    router.callback_query.register(catch_up, CatchUpCb.filter())
    return router
