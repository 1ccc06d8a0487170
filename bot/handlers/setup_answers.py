"""The profile questions' answers, tapped or typed (in the set-up and from settings): each stored at once."""

from __future__ import annotations

from datetime import datetime

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import DAYS_DONE, ChooseTrackCb, DaysCb, Flow, HoursCb, LanguageCb, TimeCb, ZoneCb
from bot.clock import Clock
from bot.curriculum.catalog import Catalog
from bot.handlers.questions import ask_next, hours_screen
from bot.services import learner_plan, parsing, profile, time_labels, time_zones
from bot.services.schedule import study_weekdays
from bot.views import profile as views
from bot.views.screen import Screen, alert, notify, show
from db.models import Learner

ProfileAnswer = LanguageCb | HoursCb | TimeCb | ZoneCb


async def chose(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: ProfileAnswer,
    learner: Learner,
    state: FSMContext,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    i18n: I18n,
) -> None:
    """A tapped answer to a profile question (language, hours, time, zone): store it, go on."""
    if await _finished_onboarding_button(callback_data.flow, learner, state):
        alert(callback_answer, _("This button is out of date. Change your answers in /settings."))
        return
    try:
        learner = await _store(callback_data, session, learner.id, clock())
    except profile.ProfileError:
        alert(callback_answer, _("This button is out of date."))
        return
    await ask_next(query, learner, callback_data.flow, state, session, catalog, clock, i18n)


async def chose_days(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: DaysCb,
    learner: Learner,
    state: FSMContext,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    i18n: I18n,
) -> None:
    """A study day switched on or off (stored at once; the last one stays on), or «Done»."""
    if callback_data.day == DAYS_DONE:
        if callback_data.flow is Flow.ONBOARDING:
            learner = await profile.confirm_study_days(session, learner.id, clock())
        await ask_next(query, learner, callback_data.flow, state, session, catalog, clock, i18n)
        return
    if not 0 <= callback_data.day < DAYS_DONE:
        alert(callback_answer, _("This button is out of date."))
        return
    days = set(study_weekdays(learner.study_days)) ^ {callback_data.day}
    if days:
        learner = await profile.set_study_days(session, learner.id, days, clock())
    await show(
        query, views.ask_days(study_weekdays(learner.study_days), callback_data.flow, learner.language)
    )


async def _store(answer: ProfileAnswer, session: AsyncSession, learner_id: int, now: datetime) -> Learner:
    if isinstance(answer, LanguageCb):
        return await profile.set_language(session, learner_id, answer.code, now)
    if isinstance(answer, HoursCb):
        return await profile.set_weekly_hours(session, learner_id, answer.hours, now)
    if isinstance(answer, TimeCb):
        return await profile.set_reminder_minute(session, learner_id, answer.minute, now)
    return await profile.set_timezone(session, learner_id, answer.zone, now)


async def chose_track(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: ChooseTrackCb,
    learner: Learner,
    state: FSMContext,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    i18n: I18n,
) -> None:
    if await _finished_onboarding_button(callback_data.flow, learner, state):
        alert(callback_answer, _("This button is out of date. Change your answers in /settings."))
        return
    try:
        learner = await profile.choose_track(session, catalog, learner.id, callback_data.track, clock())
    except profile.ProfileError:
        alert(callback_answer, _("This track is no longer offered. Please pick another one."))
        return
    track = catalog.track(learner.current_track)
    if track is not None:
        with i18n.use_locale(learner.language):
            notify(
                callback_answer, _("Track chosen: “{track}”").format(track=track.title.get(learner.language))
            )
    await ask_next(query, learner, callback_data.flow, state, session, catalog, clock, i18n)


async def _finished_onboarding_button(flow: Flow, learner: Learner, state: FSMContext) -> bool:
    """A button left on an onboarding question (on another device, say) once onboarding is over: it must not
    switch the track or any answer behind the learner's back."""
    if flow is not Flow.ONBOARDING or learner.onboarded_at is None:
        return False
    return await _flow(state) is not Flow.ONBOARDING or await state.get_state() is None


async def _flow(state: FSMContext) -> Flow:
    data = await state.get_data()
    return Flow(data.get("flow", Flow.ONBOARDING))


async def typed_hours(
    message: Message,
    learner: Learner,
    state: FSMContext,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    i18n: I18n,
) -> None:
    text = (message.text or "").strip()
    flow = await _flow(state)
    try:
        learner = await profile.set_weekly_hours(session, learner.id, parsing.parse_hours(text), clock())
    except parsing.ParseError as exc:
        refusal = views.bad_hours(exc.reason, text)
        asked = await hours_screen(session, catalog, learner, flow)
        await show(message, Screen(refusal, asked.markup))
        return
    await ask_next(message, learner, flow, state, session, catalog, clock, i18n)


async def typed_time(
    message: Message,
    learner: Learner,
    state: FSMContext,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    i18n: I18n,
) -> None:
    flow = await _flow(state)
    try:
        readings = parsing.time_readings(message.text or "", time_labels.twelve_hour_clock(learner.language))
    except parsing.ParseError:
        await show(message, Screen(views.bad_time(), views.ask_time(learner.reminder_minute, flow).markup))
        return
    if len(readings) > 1:  # a bare «3»: 3 AM or 3 PM? The question stays open for a typed «3pm» too.
        await show(message, views.ask_morning_or_evening(readings, flow))
        return
    learner = await profile.set_reminder_minute(session, learner.id, readings[0], clock())
    await ask_next(message, learner, flow, state, session, catalog, clock, i18n)


async def typed_zone(
    message: Message,
    learner: Learner,
    state: FSMContext,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    i18n: I18n,
) -> None:
    flow = await _flow(state)
    text = message.text or ""
    try:
        zone = time_zones.parse_timezone(text)
    except parsing.ParseError as exc:
        markup = views.ask_zone(learner.timezone, flow, exc.suggestions).markup
        await show(message, Screen(views.unknown_zone(text, exc.suggestions), markup))
        return
    learner = await profile.set_timezone(session, learner.id, zone, clock())
    await ask_next(message, learner, flow, state, session, catalog, clock, i18n)


async def typed_instead_of_language(message: Message, learner: Learner, state: FSMContext) -> None:
    flow = await _flow(state)
    await show(message, Screen(views.use_buttons(), views.ask_language(learner.language, flow).markup))


async def typed_instead_of_track(
    message: Message,
    learner: Learner,
    state: FSMContext,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
) -> None:
    flow = await _flow(state)
    followed = await profile.tracks_followed(session, learner.id)
    plans = await learner_plan.track_plans(session, catalog, learner, clock())
    screen = views.ask_track(catalog, learner.language, learner.current_track, followed, flow, plans)
    await show(message, Screen(views.use_buttons(), screen.markup))


async def typed_instead_of_days(message: Message, learner: Learner, state: FSMContext) -> None:
    flow = await _flow(state)
    markup = views.ask_days(study_weekdays(learner.study_days), flow, learner.language).markup
    await show(message, Screen(views.use_buttons(), markup))


async def not_text(message: Message, state: FSMContext) -> None:
    await message.answer(_("Please type your answer as text, or tap a button above."))
