"""/start and the profile questions; each answer is stored at once, so nothing is lost if the learner stops."""

from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import DAYS_DONE, ChooseTrackCb, DaysCb, Flow, HoursCb, LanguageCb, TimeCb, ZoneCb
from bot.clock import Clock
from bot.config import Settings
from bot.curriculum.catalog import Catalog
from bot.filters import KnownLearner
from bot.handlers.cohort import display_name
from bot.middlewares.prompt import LeavePromptOnCommand
from bot.services import cohorts, parsing, plan, profile
from bot.services.plan import study_weekdays
from bot.states import Ask
from bot.views import cohort as cohort_views
from bot.views import profile as views
from bot.views.menu import main_menu
from bot.views.screen import Screen, alert, notify, show
from db.models import Learner

Event = Message | CallbackQuery


async def start(
    message: Message,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    catalog: Catalog,
    clock: Clock,
    i18n: I18n,
    command: CommandObject | None = None,
    learner: Learner | None = None,
) -> None:
    """`learner`: as stored before this /start (None on first contact)."""
    assert message.from_user is not None
    # Only a learner who had blocked the bot is coming back here; one who was away is greeted on arrival.
    returning = learner is not None and not learner.active
    language = profile.language_for(message.from_user.language_code, settings.default_locale)
    learner = await profile.start(session, message.from_user.id, language, clock())
    invite = cohorts.parse_start(command.args if command else None)
    if invite is not None:
        # An invitation link: join its cohort (the track question is then answered), or say why not. The payload
        # is plain (no deep_link_encoded, whose decoding raises on a malformed payload) and read by our own parser.
        with i18n.use_locale(learner.language):
            learner = await _invited(message, learner, invite, session, catalog, clock)
    if learner.onboarded_at is not None and learner.current_track is not None:
        await state.clear()
        with i18n.use_locale(learner.language):
            # Not «welcome back» to a learner who set up ten seconds ago.
            intro = (
                _("Welcome back! Your progress is where you left it.")
                if returning
                else _("You are all set up, and your progress is kept. Here is the menu:")
            )
            await show(message, main_menu(intro))
        return
    await state.set_state(Ask.language)
    await state.set_data({"flow": Flow.ONBOARDING.value})
    with i18n.use_locale(learner.language):
        await show(message, views.ask_language(learner.language, Flow.ONBOARDING))


async def _invited(
    message: Message,
    learner: Learner,
    invite: cohorts.Invite,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
) -> Learner:
    assert message.from_user is not None
    now = clock()
    state, cohort = await cohorts.check_invite(session, invite, now)
    onboarded = learner.onboarded_at is not None and learner.current_track is not None
    if cohort is None or state is not cohorts.InviteState.OK or catalog.track(cohort.track_id) is None:
        problem = cohort_views.invite_problem(state)
        await message.answer(problem + " " + cohort_views.invite_problem_tail(onboarded))
        return learner
    outcome, cohort = await cohorts.join(
        session, learner.id, cohort, display_name(message.from_user), now, message.from_user.first_name
    )
    if outcome is cohorts.JoinOutcome.OTHER:
        await message.answer(cohort_views.in_other(cohort))
        return learner
    if outcome is cohorts.JoinOutcome.ALREADY:
        await message.answer(cohort_views.already_in(cohort))
        return learner
    week = await cohorts.learner_week(session, catalog, learner.id, cohort.track_id, now)
    text = cohort_views.joined(cohort, catalog, week, learner.language, learner.timezone)
    await message.answer(text)
    return await profile.get_learner(session, learner.id) or learner


async def ask_next(
    event: Event,
    learner: Learner,
    flow: Flow,
    state: FSMContext,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    i18n: I18n,
) -> None:
    """After an answer: the next missing question in onboarding, the settings screen in settings."""
    with i18n.use_locale(learner.language):
        if flow is Flow.SETTINGS:
            await state.clear()
            followed = await profile.tracks_followed(session, learner.id)
            await show(event, views.settings_screen(learner, catalog, followed))
            return
        if learner.current_track is None or catalog.track(learner.current_track) is None:
            await state.set_state(Ask.track)
            plans = await plan.track_plans(session, catalog, learner, clock())
            await show(event, views.ask_track(catalog, learner.language, None, set(), flow, plans))
        elif learner.weekly_hours is None:
            await state.set_state(Ask.hours)
            await show(event, views.ask_hours(None, flow))
        elif learner.reminder_minute is None:
            await state.set_state(Ask.time)
            await show(event, views.ask_time(None, flow))
        elif learner.timezone is None:
            await state.set_state(Ask.zone)
            await show(event, views.ask_zone(None, flow))
        else:
            await state.clear()
            learner = await profile.finish_onboarding(session, learner.id, clock())
            personal = await plan.personal_plan(
                session, catalog, learner, learner.current_track or "", clock()
            )
            text = views.onboarding_done(learner, catalog, personal)
            # A cohort's dates were given in its zone when the learner joined before saying theirs: now in theirs.
            restated = await cohorts.week_in_own_zone(session, catalog, learner, clock())
            if restated is not None and learner.timezone is not None:
                text += "\n\n" + cohort_views.in_your_zone(restated, learner.timezone)
            await show(event, main_menu(text))


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
    if isinstance(callback_data, HoursCb) and callback_data.flow is Flow.ONBOARDING:
        await _ask_days(query, learner, state)
        return
    await ask_next(query, learner, callback_data.flow, state, session, catalog, clock, i18n)


async def _ask_days(event: Event, learner: Learner, state: FSMContext) -> None:
    """In onboarding, after the hours (tapped or typed): the days they are spread over."""
    await state.set_state(Ask.days)
    await show(event, views.ask_days(study_weekdays(learner.study_days), Flow.ONBOARDING, learner.language))


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
            # The title after a noun and in quotes: a title may hold a colon itself («DMIA: Production ML»).
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
        await show(message, Screen(refusal, views.ask_hours(learner.weekly_hours, flow).markup))
        return
    if flow is Flow.ONBOARDING:
        await _ask_days(message, learner, state)
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
        minute = parsing.parse_time(message.text or "")
    except parsing.ParseError:
        await show(message, Screen(views.bad_time(), views.ask_time(learner.reminder_minute, flow).markup))
        return
    learner = await profile.set_reminder_minute(session, learner.id, minute, clock())
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
        zone = parsing.parse_timezone(text)
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
    plans = await plan.track_plans(session, catalog, learner, clock())
    screen = views.ask_track(catalog, learner.language, learner.current_track, followed, flow, plans)
    await show(message, Screen(views.use_buttons(), screen.markup))


async def typed_instead_of_days(message: Message, learner: Learner, state: FSMContext) -> None:
    flow = await _flow(state)
    markup = views.ask_days(study_weekdays(learner.study_days), flow, learner.language).markup
    await show(message, Screen(views.use_buttons(), markup))


async def not_text(message: Message, state: FSMContext) -> None:
    await message.answer(_("Please type your answer as text, or tap a button above."))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.outer_middleware(LeavePromptOnCommand())
    router.message.register(start, CommandStart())
    router.callback_query.register(chose_track, ChooseTrackCb.filter(), KnownLearner())
    for answer in (LanguageCb, HoursCb, TimeCb, ZoneCb):
        router.callback_query.register(chose, answer.filter(), KnownLearner())
    router.callback_query.register(chose_days, DaysCb.filter(), KnownLearner())
    router.message.register(typed_hours, Ask.hours, F.text, KnownLearner())
    router.message.register(typed_time, Ask.time, F.text, KnownLearner())
    router.message.register(typed_zone, Ask.zone, F.text, KnownLearner())
    router.message.register(typed_instead_of_language, Ask.language, KnownLearner())
    router.message.register(typed_instead_of_track, Ask.track, KnownLearner())
    router.message.register(typed_instead_of_days, Ask.days, KnownLearner())
    router.message.register(not_text, Ask.hours, KnownLearner())
    router.message.register(not_text, Ask.time, KnownLearner())
    router.message.register(not_text, Ask.zone, KnownLearner())
    return router
