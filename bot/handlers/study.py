"""Study inside a topic: ticking its steps, and «I studied …» with minutes tapped or typed."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import ASK_MINUTES, TYPE_MINUTES, StepCb, StudiedCb
from bot.clock import Clock
from bot.curriculum.catalog import Catalog, TopicRef
from bot.filters import HasTrack
from bot.handlers.cards import topic_card
from bot.services import progress, study
from bot.services.study_time import parse_minutes
from bot.states import StudyAsk
from bot.views import steps as views
from bot.views.screen import alert, notify, show
from db.models import Learner


def _stale(callback_answer: CallbackAnswer) -> None:
    alert(callback_answer, _("This item is no longer in the roadmap. Open the roadmap again."))


async def _card_after(
    event: Message | CallbackQuery, session: AsyncSession, catalog: Catalog, learner: Learner, ref: TopicRef
) -> None:
    state = await progress.topic_state(session, catalog, learner.id, ref.track.id, ref.topic.id)
    await show(event, await topic_card(session, catalog, learner, state))


async def step(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: StepCb,
    learner: Learner,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
) -> None:
    ref = catalog.topic(callback_data.track, callback_data.topic)
    if ref is None:
        _stale(callback_answer)
        return
    try:
        result = await study.toggle_step(session, catalog, learner, ref, callback_data.step, clock())
    except LookupError:
        _stale(callback_answer)
        return
    notify(callback_answer, views.credited(result))
    await _card_after(query, session, catalog, learner, ref)


async def studied(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: StudiedCb,
    learner: Learner,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    state: FSMContext,
) -> None:
    ref = catalog.topic(callback_data.track, callback_data.topic)
    if ref is None or callback_data.minutes < TYPE_MINUTES:
        _stale(callback_answer)
        return
    if callback_data.minutes == ASK_MINUTES:
        topic_state = await progress.topic_state(session, catalog, learner.id, ref.track.id, ref.topic.id)
        studied_so_far = await study.topic_study(session, catalog, learner, ref, topic_state.status)
        await show(query, views.how_long(ref, studied_so_far, learner.language))
        return
    if callback_data.minutes == TYPE_MINUTES:
        await state.set_state(StudyAsk.minutes)
        await state.update_data(track=ref.track.id, topic=ref.topic.id)
        if query.message is not None:
            await query.message.answer(views.type_minutes())
        return
    try:
        result = await study.log_minutes(session, catalog, learner, ref, callback_data.minutes, clock())
    except study.NothingToCredit:
        alert(callback_answer, views.nothing_to_credit())
        return
    notify(callback_answer, views.credited(result))
    await _card_after(query, session, catalog, learner, ref)


async def typed(
    message: Message,
    state: FSMContext,
    learner: Learner,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
) -> None:
    data = await state.get_data()
    ref = catalog.topic(str(data.get("track", "")), str(data.get("topic", "")))
    if ref is None:
        await state.clear()
        await message.answer(_("This item is no longer in the roadmap. Open the roadmap again."))
        return
    minutes = parse_minutes(message.text or "")
    if minutes is None or minutes <= 0:
        await message.answer(views.not_minutes())
        return
    await state.clear()
    try:
        result = await study.log_minutes(session, catalog, learner, ref, minutes, clock())
    except study.NothingToCredit:
        await message.answer(views.nothing_to_credit())
        return
    await message.answer(views.credited(result))
    await _card_after(message, session, catalog, learner, ref)


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(HasTrack())
    router.message.filter(F.chat.type == "private")
    router.callback_query.register(step, StepCb.filter())
    router.callback_query.register(studied, StudiedCb.filter())
    router.message.register(typed, StudyAsk.minutes, F.text, ~F.text.startswith("/"))
    return router
