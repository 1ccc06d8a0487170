"""/quiz, "practise now", and the answers to quiz polls."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InputPollOption, Message, PollAnswer
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import QuizCb
from bot.clock import Clock
from bot.curriculum.catalog import Catalog, TopicRef
from bot.filters import HasTrack, KnownLearner
from bot.handlers import known_check
from bot.metrics import Metrics
from bot.services import quiz
from bot.services.plan import study_weekdays
from bot.views import coach
from bot.views.format import short_date
from bot.views.menu import roadmap_or_menu
from bot.views.screen import Screen, alert, show
from db.models import Learner


def _zone(learner: Learner) -> ZoneInfo:
    return ZoneInfo(learner.timezone or "UTC")


async def send_question(
    bot: Bot,
    session: AsyncSession,
    learner: Learner,
    item: quiz.QuizItem,
    clock: Clock,
    round_started_at: datetime | None = None,
) -> str:
    """Send a question as a quiz poll with its options in a new order; `round_started_at` continues a round.
    Returns the poll's id."""
    order = quiz.shuffled_order(item.question)
    question, options, explanation = coach.question_text(item, learner.language, order)
    message = await bot.send_poll(
        chat_id=learner.id,
        question=question,
        options=list[InputPollOption | str](options),
        type="quiz",
        correct_option_ids=[order.index(item.question.correct)],
        explanation=explanation,
        is_anonymous=False,
    )
    assert message.poll is not None
    await quiz.record_sent(session, message.poll.id, learner.id, item, clock(), order, round_started_at)
    return message.poll.id


def find_topic(catalog: Catalog, track_id: str, text: str) -> TopicRef | None:
    """A topic of the track by its id or by (a part of) its title in either language."""
    wanted = text.strip().lower()
    refs = catalog.plan(track_id)
    exact = next((r for r in refs if r.topic.id == wanted), None)
    if exact:
        return exact
    return next(
        (r for r in refs if wanted in r.topic.title.en.lower() or wanted in r.topic.title.ru.lower()), None
    )


async def quiz_command(
    message: Message,
    command: CommandObject,
    bot: Bot,
    learner: Learner,
    track_id: str,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
) -> None:
    if command.args:
        ref = find_topic(catalog, track_id, command.args[:200])
        if ref is None:
            await show(message, Screen(coach.unknown_topic(command.args), roadmap_or_menu()))
            return
        await _practise(message, bot, learner, ref.track.id, ref.topic.id, session, catalog, clock)
        return
    await _reviews(message, bot, learner, session, catalog, clock)


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
    item = quiz.practice_item(catalog, track_id, topic_id)
    if item is None:
        await bot.send_message(learner.id, coach.no_quiz_for_topic())
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
    item, day = await quiz.start_reviews(
        session, catalog, learner.id, _zone(learner), learner.daily_review_cap, now
    )
    if item is None:
        screen = (
            coach.cap_reached(day, learner.language)
            if day.waiting
            else coach.nothing_due(day, learner.language)
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
        result = await quiz.answer(
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
    except quiz.UnknownPoll:
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
    day = result.day  # `quiz.review_day`'s count, from the answer's own read
    # Reviews come by the learner's local date: the next one is named by its day, as every screen does.
    next_day = short_date(day.next_on, learner.language) if day.next_on else None
    screen = coach.round_done(result.outcome, learner.language, next_day, day)
    await bot.send_message(learner.id, screen.text, reply_markup=screen.markup)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(quiz_command, Command("quiz"), HasTrack())
    router.callback_query.register(quiz_button, QuizCb.filter(), KnownLearner())
    router.poll_answer.register(poll_answer, KnownLearner())
    return router
