"""/settings: change any onboarding answer; follow several tracks with one current."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import AskCb, CapCb, Flow, MenuCb
from bot.callbacks import Screen as Nav
from bot.clock import Clock
from bot.curriculum.catalog import Catalog
from bot.filters import SetUp
from bot.handlers.questions import hours_screen
from bot.services import breaks, cohort_group, cohorts, learner_plan, profile, reminders, streaks
from bot.services.schedule import study_weekdays
from bot.states import Ask
from bot.views import breaks as break_views
from bot.views import cohort as cohort_views
from bot.views import cohort_group as group_views
from bot.views import profile as views
from bot.views import settings as settings_views
from bot.views.screen import Screen, alert, show
from db.models import Learner


async def settings_screen(
    event: Message | CallbackQuery,
    learner: Learner,
    state: FSMContext,
    session: AsyncSession,
    catalog: Catalog,
) -> None:
    await state.clear()
    followed = await profile.tracks_followed(session, learner.id)
    screen = settings_views.settings_screen(learner, catalog, followed)
    member_of = await cohorts.memberships(session, learner.id)
    screen = cohort_views.with_cohorts(screen, member_of)
    await show(
        event,
        group_views.with_board(screen, member_of, await cohort_group.board_choices(session, learner.id)),
    )


async def ask(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: AskCb,
    learner: Learner,
    state: FSMContext,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
) -> None:
    flow = Flow.SETTINGS
    screen: Screen
    if callback_data.item == "language":
        screen, next_state = views.ask_language(learner.language, flow), Ask.language
    elif callback_data.item == "track":
        followed = await profile.tracks_followed(session, learner.id)
        plans = await learner_plan.track_plans(session, catalog, learner, clock())
        screen = views.ask_track(catalog, learner.language, learner.current_track, followed, flow, plans)
        next_state = Ask.track
    elif callback_data.item == "hours":
        screen, next_state = await hours_screen(session, catalog, learner, flow), Ask.hours
    elif callback_data.item == "time":
        screen, next_state = views.ask_time(learner.reminder_minute, flow), Ask.time
    elif callback_data.item == "zone":
        screen, next_state = views.ask_zone(learner.timezone, flow), Ask.zone
    elif callback_data.item == "days":
        await state.clear()
        await show(query, views.ask_days(study_weekdays(learner.study_days), flow, learner.language))
        return
    elif callback_data.item in ("pause", "resume"):
        await state.clear()
        if callback_data.item == "pause":
            updated = await reminders.set_paused(session, learner.id, True, clock())
        else:
            back, updated = await breaks.resume(session, catalog, learner, clock())
            if back is not None and isinstance(
                query.message, Message
            ):  # a new message: the settings stay below
                await show(query.message, break_views.welcome_back(back, learner.language))
        followed = await profile.tracks_followed(session, learner.id)
        await show(query, settings_views.settings_screen(updated or learner, catalog, followed))
        return
    elif callback_data.item == "break":
        await state.clear()
        await show(query, break_views.break_choice())
        return
    elif callback_data.item == "nudge":
        await state.clear()
        await streaks.set_nudge(session, learner.id, not learner.streak_nudge, clock())
        updated = await profile.get_learner(session, learner.id)
        followed = await profile.tracks_followed(session, learner.id)
        await show(query, settings_views.settings_screen(updated or learner, catalog, followed))
        return
    elif callback_data.item == "daysoff":
        await state.clear()
        updated = await reminders.set_reviews_on_days_off(
            session, learner.id, not learner.reviews_on_days_off, clock()
        )
        followed = await profile.tracks_followed(session, learner.id)
        await show(query, settings_views.settings_screen(updated or learner, catalog, followed))
        return
    elif callback_data.item == "cap":
        await state.clear()
        await show(query, views.ask_cap(learner.daily_review_cap))
        return
    else:
        alert(callback_answer, _("This button is out of date."))
        return
    await state.set_state(next_state)
    await state.update_data(flow=flow.value)
    await show(query, screen)


async def chose_cap(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: CapCb,
    learner: Learner,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
) -> None:
    try:
        learner = await profile.set_review_cap(session, learner.id, callback_data.cap, clock())
    except profile.ProfileError:
        alert(callback_answer, _("This button is out of date."))
        return
    followed = await profile.tracks_followed(session, learner.id)
    await show(query, settings_views.settings_screen(learner, catalog, followed))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.filter(
        SetUp()
    )  # the set-up's answers are changed here once it is done; before, it goes on
    router.callback_query.filter(SetUp())
    router.message.register(settings_screen, Command("settings", ignore_case=True))
    router.callback_query.register(settings_screen, MenuCb.filter(F.screen == Nav.SETTINGS))
    router.callback_query.register(ask, AskCb.filter())
    router.callback_query.register(chose_cap, CapCb.filter())
    return router
