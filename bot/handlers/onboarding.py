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
from bot.handlers import topic_link
from bot.handlers.cohort import display_name
from bot.handlers.questions import STATES, ask_next, hours_screen
from bot.middlewares.prompt import LeavePromptOnCommand
from bot.services import cohorts, parsing, plan, profile, setup, time_labels, time_zones, topic_links
from bot.services.plan import study_weekdays
from bot.services.setup import Question
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
    args = command.args if command else None
    with i18n.use_locale(learner.language):
        linked = await topic_link.linked_topic(message, args, catalog)
    invite = None if topic_links.is_topic_link(args) else cohorts.parse_start(args)
    asked_hours = False
    if invite is not None:
        # An invitation link: join its cohort (the track question is then answered), or say why not. The payload
        # is plain (no deep_link_encoded, whose decoding raises on a malformed payload) and read by our own parser.
        with i18n.use_locale(learner.language):
            learner, asked_hours = await _invited(message, learner, invite, session, catalog, clock)
    if learner.onboarded_at is not None and learner.current_track is not None:
        await state.clear()
        if asked_hours:
            return  # the hours question is the last message; its answer leads to the menu
        with i18n.use_locale(learner.language):
            if linked is not None:
                await topic_link.open_topic(message, learner, linked, session, catalog)
                return
            # Not «welcome back» to a learner who set up ten seconds ago.
            intro = (
                _("Welcome back! Your progress is where you left it.")
                if returning
                else _("You are all set up, and your progress is kept. Here is the menu:")
            )
            await show(message, main_menu(intro))
        return
    if linked is not None:
        with i18n.use_locale(learner.language):
            await topic_link.hold(message, state, linked, learner.language)
    # The set-up goes on at the first question not answered (the language, for someone new: with a greeting).
    resumed = setup.first_unanswered(learner, catalog) is not Question.LANGUAGE
    await ask_next(message, learner, Flow.ONBOARDING, state, session, catalog, clock, i18n, resumed=resumed)


async def _invited(
    message: Message,
    learner: Learner,
    invite: cohorts.Invite,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
) -> tuple[Learner, bool]:
    """Join the invitation's cohort (or say why not). Returns the learner as now stored, and whether they were asked
    to choose their weekly hours against the cohort's (that question is then the last message, not the menu)."""
    assert message.from_user is not None
    now = clock()
    state, cohort = await cohorts.check_invite(session, invite, now)
    onboarded = learner.onboarded_at is not None and learner.current_track is not None
    if cohort is None or state is not cohorts.InviteState.OK or catalog.track(cohort.track_id) is None:
        problem = cohort_views.invite_problem(state)
        await message.answer(problem + " " + cohort_views.invite_problem_tail(onboarded))
        return learner, False
    outcome, cohort = await cohorts.join(
        session, learner.id, cohort, display_name(message.from_user), now, message.from_user.first_name
    )
    if outcome is cohorts.JoinOutcome.OTHER:
        await message.answer(cohort_views.in_other(cohort))
        return learner, False
    if outcome is cohorts.JoinOutcome.ALREADY:
        await message.answer(cohort_views.already_in(cohort))
        return learner, False
    week = await cohorts.learner_week(session, catalog, learner.id, cohort.track_id, now)
    text = cohort_views.joined(cohort, catalog, week, learner.language, learner.timezone)
    choice = await cohorts.hours_choice(session, catalog, learner.id, cohort.id)
    # Joining changes none of the learner's hours: it says what the cohort's weeks need, and they choose.
    if choice is not None and not choice.differ:
        text += "\n\n" + cohort_views.hours_line(choice)
    await message.answer(text)
    if choice is not None and choice.differ:
        await show(message, cohort_views.hours_question(choice))
    learner = await profile.get_learner(session, learner.id) or learner
    return learner, choice is not None and choice.differ


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
    plans = await plan.track_plans(session, catalog, learner, clock())
    screen = views.ask_track(catalog, learner.language, learner.current_track, followed, flow, plans)
    await show(message, Screen(views.use_buttons(), screen.markup))


async def typed_instead_of_days(message: Message, learner: Learner, state: FSMContext) -> None:
    flow = await _flow(state)
    markup = views.ask_days(study_weekdays(learner.study_days), flow, learner.language).markup
    await show(message, Screen(views.use_buttons(), markup))


async def not_text(message: Message, state: FSMContext) -> None:
    await message.answer(_("Please type your answer as text, or tap a button above."))


async def resume(
    event: Event,
    learner: Learner,
    state: FSMContext,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    i18n: I18n,
) -> None:
    """Anything from a learner whose set-up is unfinished that no question was waiting for (after a restart the
    dialog's state is gone; or a screen that needs the set-up done): a typed answer to the first question not
    answered is taken as one («9:15» at the time question), anything else hears that the set-up is unfinished
    and gets that question."""
    question = setup.first_unanswered(learner, catalog)
    text = (event.text or "").strip() if isinstance(event, Message) else ""
    typed = _TYPED.get(question) if question is not None else None
    if isinstance(event, Message) and typed is not None and question is not None and _answers(question, text):
        await state.set_state(STATES[question])
        await state.update_data(flow=Flow.ONBOARDING.value)
        await typed(event, learner, state, session, catalog, clock, i18n)
        return
    await ask_next(event, learner, Flow.ONBOARDING, state, session, catalog, clock, i18n, resumed=True)


def _answers(question: Question, text: str) -> bool:
    """Whether typed text is meant as an answer to the question: it is one, or one the question explains
    (hours out of range or not whole, a time zone with a typo)."""
    if not text or text.startswith("/"):
        return False
    try:
        if question is Question.HOURS:
            parsing.parse_hours(text)
        elif question is Question.TIME:
            parsing.parse_time(text)
        else:
            time_zones.parse_timezone(text)
    except parsing.ParseError as exc:
        return exc.reason in ("fraction", "range") or bool(exc.suggestions)
    return True


_TYPED = {Question.HOURS: typed_hours, Question.TIME: typed_time, Question.ZONE: typed_zone}


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.outer_middleware(LeavePromptOnCommand())
    router.message.register(start, CommandStart(ignore_case=True))
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
