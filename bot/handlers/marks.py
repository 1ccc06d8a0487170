"""Marking a topic from its card: a status, a pass with the passes before it, «I already know this»."""

from __future__ import annotations

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import KnownCb, MarkCb, PassesCb
from bot.clock import Clock
from bot.curriculum.catalog import Catalog
from bot.handlers import known_check
from bot.handlers.cards import topic_card
from bot.handlers.moments import moments
from bot.services import marking, progress
from bot.views import known_check as known_views
from bot.views import roadmap as views
from bot.views import topic as topic_views
from bot.views.format import status_name
from bot.views.screen import alert, notify, show
from db.models import Learner, Status


def _stale(callback_answer: CallbackAnswer) -> None:
    alert(callback_answer, _("This item is no longer in the roadmap. Open the roadmap again."))


async def mark(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: MarkCb,
    learner: Learner,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    bot: Bot,
) -> None:
    try:
        status = Status(callback_data.status)
        if status is Status.KNOWN:
            raise ValueError(status)  # known goes through its confirmation
        state = await marking.mark(
            session,
            catalog,
            learner.id,
            callback_data.track,
            callback_data.topic,
            callback_data.part,
            status,
            clock(),
        )
    except (ValueError, progress.UnknownTopic):
        _stale(callback_answer)
        return
    except marking.EarlierPassOpen as open_pass:  # pass 2 before pass 1: ask whether pass 1 is done too
        await show(
            query,
            topic_views.earlier_passes_confirm(
                open_pass.ref, open_pass.part, open_pass.earlier, learner.language
            ),
        )
        return
    await _marked(query, callback_answer, state, status, bot, learner, session, catalog, clock)


async def mark_with_earlier(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: PassesCb,
    learner: Learner,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    bot: Bot,
) -> None:
    """«Both done»: the pass and the passes before it that were not."""
    try:
        state = await marking.mark(
            session,
            catalog,
            learner.id,
            callback_data.track,
            callback_data.topic,
            callback_data.part,
            Status.DONE,
            clock(),
            with_earlier=True,
        )
    except progress.UnknownTopic:
        _stale(callback_answer)
        return
    await _marked(query, callback_answer, state, Status.DONE, bot, learner, session, catalog, clock)


async def _marked(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    state: progress.TopicState,
    status: Status,
    bot: Bot,
    learner: Learner,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
) -> None:
    """After a mark: say so, a module's or track's moment if it finished one, the card again."""
    notify(callback_answer, _("Marked: {status}").format(status=status_name(status)))
    note = None
    if state.status is Status.DONE:
        if state.nothing_left:
            note = _("🎉 Well done! That was the last topic left: the whole track is done.")
        else:
            note = _("🎉 Well done! Tap “Next step” to keep going.")
    await moments(bot, state, learner, session, catalog, clock)
    await show(query, await topic_card(session, catalog, learner, state, note))


async def known(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: KnownCb,
    bot: Bot,
    learner: Learner,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    state: FSMContext,
) -> None:
    """«I already know this» for a topic or a module: confirm, or take the three-question check first."""
    track = catalog.track(callback_data.track)
    topic_ref = catalog.topic(callback_data.track, callback_data.topic) if callback_data.topic else None
    module = topic_ref.module if topic_ref else catalog.module(callback_data.track, callback_data.module)
    if track is None or module is None or (callback_data.topic and topic_ref is None):
        _stale(callback_answer)
        return
    topics = [topic_ref.topic] if topic_ref else list(module.topics)
    if callback_data.action == "ask":
        topic = topic_ref.topic if topic_ref else None
        count = len(known_check.questions(topics))
        await show(query, known_views.known_confirm(track, module, topic, learner.language, count))
    elif callback_data.action == "yes":
        marked = await marking.mark_known(
            session, catalog, learner.id, track.id, [t.id for t in topics], clock()
        )
        notify(callback_answer, _("Marked: {status}").format(status=status_name(Status.KNOWN)))
        if topic_ref is not None:
            await show(query, await topic_card(session, catalog, learner, marked))
        else:
            states = await progress.module_states(session, catalog, learner.id, track.id)
            await show(query, views.module_screen(track, module, learner.language, states, 0))
        await moments(bot, marked, learner, session, catalog, clock)
    elif callback_data.action == "check":
        await known_check.start(
            query, bot, learner, track.id, topics, topic_ref is None, session, catalog, clock, state
        )
    else:
        _stale(callback_answer)
