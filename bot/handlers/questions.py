"""The set-up's questions on screen: in onboarding the first one not answered (`bot.services.setup`), in settings
back to the settings screen. Onboarding's start, its answers and the fallback all go on from here."""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import Flow
from bot.clock import Clock
from bot.curriculum.catalog import Catalog
from bot.handlers import topic_link
from bot.services import cohorts, learner_plan, profile, setup
from bot.services.schedule import study_weekdays
from bot.services.setup import Question
from bot.states import Ask
from bot.views import cohort as cohort_views
from bot.views import onboarding as onboarding_views
from bot.views import profile as views
from bot.views import settings as settings_views
from bot.views.menu import main_menu
from bot.views.screen import Screen, show
from db.models import Learner

Event = Message | CallbackQuery

STATES: dict[Question, State] = {
    Question.LANGUAGE: Ask.language,
    Question.TRACK: Ask.track,
    Question.HOURS: Ask.hours,
    Question.DAYS: Ask.days,
    Question.TIME: Ask.time,
    Question.ZONE: Ask.zone,
}


async def ask_next(
    event: Event,
    learner: Learner,
    flow: Flow,
    state: FSMContext,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    i18n: I18n,
    *,
    resumed: bool = False,
) -> None:
    """After an answer: the first question not answered in onboarding (the set-up done when none is left), the
    settings screen in settings. `resumed`: the set-up was left (a restart, a command, a tap elsewhere) and goes
    on here, which the screen says first."""
    with i18n.use_locale(learner.language):
        if flow is Flow.SETTINGS:
            await state.clear()
            followed = await profile.tracks_followed(session, learner.id)
            await show(event, settings_views.settings_screen(learner, catalog, followed))
            return
        question = setup.first_unanswered(learner, catalog)
        if question is None:
            await state.clear()
            learner = await profile.finish_onboarding(session, learner.id, clock())
            personal = await learner_plan.personal_plan(
                session, catalog, learner, learner.current_track or "", clock()
            )
            text = onboarding_views.onboarding_done(learner, catalog, personal)
            # A cohort's dates were given in its zone when the learner joined before saying theirs: now in theirs.
            restated = await cohorts.week_in_own_zone(session, catalog, learner, clock())
            if restated is not None and learner.timezone is not None:
                text += "\n\n" + cohort_views.in_your_zone(restated, learner.timezone)
            await show(event, main_menu(text))
            linked = await topic_link.take(state, catalog)
            if linked is not None:  # onboarding began with a link to a topic: now it opens
                await topic_link.open_topic(event, learner, linked, session, catalog)
            return
        screen = await _question(learner, question, session, catalog, clock, greet=not resumed)
        if resumed:
            screen = Screen(_("Let's finish setting up.") + "\n\n" + screen.text, screen.markup)
        await state.set_state(STATES[question])
        await state.update_data(flow=Flow.ONBOARDING.value)
        await show(event, screen)


async def _question(
    learner: Learner, question: Question, session: AsyncSession, catalog: Catalog, clock: Clock, greet: bool
) -> Screen:
    flow = Flow.ONBOARDING
    if question is Question.LANGUAGE:
        return views.ask_language(learner.language, flow, greet=greet)
    if question is Question.TRACK:
        plans = await learner_plan.track_plans(session, catalog, learner, clock())
        return views.ask_track(catalog, learner.language, None, set(), flow, plans)
    if question is Question.HOURS:
        return await hours_screen(session, catalog, learner, flow)
    if question is Question.DAYS:
        return views.ask_days(study_weekdays(learner.study_days), flow, learner.language)
    if question is Question.TIME:
        return views.ask_time(learner.reminder_minute, flow)
    return views.ask_zone(learner.timezone, flow)


async def hours_screen(session: AsyncSession, catalog: Catalog, learner: Learner, flow: Flow) -> Screen:
    """The hours question; to a learner in a cohort on their track it also says what the cohort's calendar needs."""
    choice = await cohorts.hours_needed_on_track(session, catalog, learner.id, learner.current_track)
    if choice is None:
        return views.ask_hours(learner.weekly_hours, flow)
    note = cohort_views.hours_note(choice.needed)
    return views.ask_hours(learner.weekly_hours, flow, choice.needed, note)
