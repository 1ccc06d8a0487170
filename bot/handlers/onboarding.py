"""/start and the profile questions: /start (an invitation link too), resuming an unfinished set-up, and the
family's router; the answers themselves are in `setup_answers`, each stored at once, so nothing is lost if the
learner stops."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import I18n
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import ChooseTrackCb, DaysCb, Flow, HoursCb, LanguageCb, TimeCb, ZoneCb
from bot.clock import Clock
from bot.config import Settings
from bot.curriculum.catalog import Catalog
from bot.filters import KnownLearner
from bot.handlers import topic_link
from bot.handlers.names import display_name
from bot.handlers.questions import STATES, ask_next
from bot.handlers.setup_answers import (
    chose,
    chose_days,
    chose_track,
    not_text,
    typed_hours,
    typed_instead_of_days,
    typed_instead_of_language,
    typed_instead_of_track,
    typed_time,
    typed_zone,
)
from bot.middlewares.prompt import LeavePromptOnCommand
from bot.services import cohorts, parsing, profile, setup, time_zones, topic_links
from bot.services.setup import Question
from bot.states import Ask
from bot.views import cohort as cohort_views
from bot.views.menu import main_menu
from bot.views.screen import show
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
