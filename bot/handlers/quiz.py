"""/quiz, "practise now", and the answers to quiz polls."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, PollAnswer
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import QuizCb
from bot.clock import Clock
from bot.curriculum.catalog import Catalog, TopicRef
from bot.filters import HasTrack, KnownLearner, SetUp
from bot.handlers import known_check
from bot.handlers.polls import send_question
from bot.metrics import Metrics
from bot.services import profile, quiz_answers, quiz_rounds
from bot.services.schedule import study_weekdays
from bot.services.search import QUERY_MAX, Answer, SearchIndex
from bot.views import quiz as quiz_views
from bot.views import search as search_views
from bot.views.format import short_date
from bot.views.menu import roadmap_or_menu
from bot.views.screen import Screen, alert, show
from db.models import Learner


def _zone(learner: Learner) -> ZoneInfo:
    return ZoneInfo(learner.timezone or "UTC")


def find_topic(catalog: Catalog, track_id: str, text: str) -> TopicRef | None:
    """A topic of the track by its id (`/quiz big-o`)."""
    wanted = text.strip().lower()
    return next((r for r in catalog.plan(track_id) if r.topic.id == wanted), None)


async def quiz_command(
    message: Message,
    command: CommandObject,
    bot: Bot,
    learner: Learner,
    track_id: str,
    session: AsyncSession,
    catalog: Catalog,
    search_index: SearchIndex,
    clock: Clock,
) -> None:
    if command.args:
        words = " ".join(command.args.split())[:QUERY_MAX]
        ref = find_topic(catalog, track_id, words)
        if ref is None:
            # In the learner's words, as /ask finds them: the one topic that stands out, or a choice of three.
            followed = await profile.tracks_followed(session, learner.id)
            found = search_index.search(words, learner.language, followed)
            if found.clear is None:
                found = search_index.search(words, learner.language, followed, with_quiz=True)
            if found.clear is None:
                await _choose(message, words, found, learner)
                return
            ref = found.clear.ref
        await _practise(message, bot, learner, ref.track.id, ref.topic.id, session, catalog, clock)
        return
    await _reviews(message, bot, learner, session, catalog, clock)


async def _choose(message: Message, words: str, found: Answer, learner: Learner) -> None:
    if found.hits:
        await show(message, search_views.quiz_choice(found, learner.language))
        return
    text = quiz_views.unknown_topic(words)
    if found.suggestions:
        text += "\n" + search_views.closest_words(found.suggestions)
    await show(message, Screen(text, roadmap_or_menu()))


async def quiz_button(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: QuizCb,
    bot: Bot,
    learner: Learner,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
) -> None:
    if callback_data.topic:
        if catalog.topic(callback_data.track, callback_data.topic) is None:
            alert(callback_answer, _("This item is no longer in the roadmap. Open the roadmap again."))
            return
        await _practise(
            query, bot, learner, callback_data.track, callback_data.topic, session, catalog, clock
        )
        return
    await _reviews(query, bot, learner, session, catalog, clock)


async def _practise(
    event: Message | CallbackQuery,
    bot: Bot,
    learner: Learner,
    track_id: str,
    topic_id: str,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
) -> None:
    item = quiz_rounds.practice_item(catalog, track_id, topic_id)
    if item is None:
        await bot.send_message(learner.id, quiz_views.no_quiz_for_topic())
        return
    await send_question(bot, session, learner, item, clock)


async def _reviews(
    event: Message | CallbackQuery,
    bot: Bot,
    learner: Learner,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
) -> None:
    now = clock()
    item, day = await quiz_rounds.start_reviews(
        session, catalog, learner.id, _zone(learner), learner.daily_review_cap, now
    )
    if item is None:
        screen = (
            quiz_views.cap_reached(day, learner.language)
            if day.waiting
            else quiz_views.nothing_due(day, learner.language)
        )
        await show(event, screen)
        return
    await send_question(bot, session, learner, item, clock)


async def poll_answer(
    answer: PollAnswer,
    bot: Bot,
    learner: Learner,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    metrics: Metrics,
    state: FSMContext | None = None,
) -> None:
    try:
        result = await quiz_answers.answer(
            session,
            catalog,
            learner.id,
            answer.poll_id,
            list(answer.option_ids),
            _zone(learner),
            learner.daily_review_cap,
            clock(),
            study_weekdays(learner.study_days),
        )
    except quiz_answers.UnknownPoll:
        raise SkipHandler from None  # not a private quiz poll (a group battle's is answered further on)
    if result is None:
        return  # a repeated delivery or a retracted vote
    metrics.quiz_answers.labels(str(result.correct).lower()).inc()
    if await known_check.answered(
        answer.poll_id, result.correct, bot, learner, session, catalog, clock, state
    ):
        return  # an answer of the «I already know this» check: the check goes on from there
    if result.item is not None:
        await send_question(bot, session, learner, result.item, clock, result.round_started_at)
        return
    assert result.outcome is not None and result.day is not None
    day = result.day  # `quiz_day.review_day`'s count, from the answer's own read
    # Reviews come by the learner's local date: the next one is named by its day, as every screen does.
    next_day = short_date(day.next_on, learner.language) if day.next_on else None
    screen = quiz_views.round_done(result.outcome, learner.language, next_day, day)
    await bot.send_message(learner.id, screen.text, reply_markup=screen.markup)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(quiz_command, Command("quiz", ignore_case=True), HasTrack())
    router.callback_query.register(quiz_button, QuizCb.filter(), SetUp())
    router.poll_answer.register(poll_answer, KnownLearner())
    return router
