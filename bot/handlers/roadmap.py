"""The roadmap screens, /next, and marking topics."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import (
    KnownCb,
    MarkCb,
    MenuCb,
    ModuleCb,
    NextCb,
    PageCb,
    PassesCb,
    TopicCb,
    TrackCb,
    UnfollowCb,
)
from bot.callbacks import Screen as Nav
from bot.clock import Clock
from bot.config import Settings
from bot.curriculum.catalog import Catalog
from bot.filters import HasTrack
from bot.handlers import known_check
from bot.handlers.cards import topic_card
from bot.handlers.moments import moments
from bot.services import marking, plan, profile, progress
from bot.views import roadmap as views
from bot.views.format import status_name
from bot.views.screen import alert, notify, show
from bot.webapp.links import map_url
from db.models import Learner, Status


def _stale(callback_answer: CallbackAnswer) -> None:
    alert(callback_answer, _("This item is no longer in the roadmap. Open the roadmap again."))


async def next_step(
    event: Message | CallbackQuery, learner: Learner, track_id: str, session: AsyncSession, catalog: Catalog
) -> None:
    state = await progress.next_topic(session, catalog, learner.id, track_id)
    if state is None:
        track = catalog.track(track_id)
        assert track is not None
        await show(event, views.track_finished(track, learner.language))
        return
    await show(event, await topic_card(session, catalog, learner, state))


async def roadmap(
    event: Message | CallbackQuery, learner: Learner, track_id: str, session: AsyncSession, catalog: Catalog
) -> None:
    track = catalog.track(track_id)
    assert track is not None
    states = await progress.module_states(session, catalog, learner.id, track_id)
    await show(event, views.track_screen(track, learner.language, states, 0, is_current=True))


async def tracks(
    event: Message | CallbackQuery, learner: Learner, session: AsyncSession, catalog: Catalog, clock: Clock
) -> None:
    followed = await profile.tracks_followed(session, learner.id)
    plans = await plan.track_plans(session, catalog, learner, clock())
    await show(event, views.tracks_screen(catalog, learner.language, learner.current_track, followed, plans))


async def next_after(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: NextCb,
    learner: Learner,
    session: AsyncSession,
    catalog: Catalog,
) -> None:
    """«Next step» on a topic card: the next unfinished topic after it."""
    track = catalog.track(callback_data.track)
    if track is None:
        _stale(callback_answer)
        return
    state = await progress.topic_after_card(session, catalog, learner.id, track.id, callback_data.topic)
    if state is None:
        await show(query, views.track_finished(track, learner.language))
        return
    await show(query, await topic_card(session, catalog, learner, state))


async def track(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: TrackCb,
    learner: Learner,
    session: AsyncSession,
    catalog: Catalog,
) -> None:
    chosen = catalog.track(callback_data.track)
    if chosen is None:
        _stale(callback_answer)
        return
    states = await progress.module_states(session, catalog, learner.id, chosen.id)
    is_current = chosen.id == learner.current_track
    is_followed = chosen.id in await profile.tracks_followed(session, learner.id)
    screen = views.track_screen(chosen, learner.language, states, callback_data.page, is_current, is_followed)
    await show(query, screen)


async def unfollow(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: UnfollowCb,
    learner: Learner,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
) -> None:
    chosen = catalog.track(callback_data.track)
    try:
        followed = await profile.stop_following(session, learner.id, callback_data.track)
    except profile.ProfileError:
        alert(callback_answer, _("This button is out of date."))
        return
    if chosen is not None:
        notify(
            callback_answer,
            _("You no longer follow the track “{track}”. Your progress on it is kept.").format(
                track=chosen.title.get(learner.language)
            ),
        )
    plans = await plan.track_plans(session, catalog, learner, clock())
    await show(query, views.tracks_screen(catalog, learner.language, learner.current_track, followed, plans))


async def module(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: ModuleCb,
    learner: Learner,
    session: AsyncSession,
    catalog: Catalog,
    settings: Settings,
) -> None:
    chosen = catalog.module(callback_data.track, callback_data.module)
    track = catalog.track(callback_data.track)
    if chosen is None or track is None:
        _stale(callback_answer)
        return
    states = await progress.module_states(session, catalog, learner.id, track.id)
    link = map_url(settings, query, track.id, chosen.id)
    await show(query, views.module_screen(track, chosen, learner.language, states, callback_data.page, link))


async def topic(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: TopicCb,
    learner: Learner,
    session: AsyncSession,
    catalog: Catalog,
) -> None:
    try:
        state = await progress.topic_state(
            session, catalog, learner.id, callback_data.track, callback_data.topic
        )
    except progress.UnknownTopic:
        _stale(callback_answer)
        return
    await show(query, await topic_card(session, catalog, learner, state))


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
            views.earlier_passes_confirm(open_pass.ref, open_pass.part, open_pass.earlier, learner.language),
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
        await show(query, views.known_confirm(track, module, topic, learner.language, count))
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


async def page(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: PageCb,
    learner: Learner,
    catalog: Catalog,
) -> None:
    track = catalog.track(callback_data.track)
    chosen = next((p for p in track.pages if p.id == callback_data.page), None) if track else None
    if track is None or chosen is None:
        _stale(callback_answer)
        return
    await show(query, views.page_screen(track, chosen, learner.language))


def create_router() -> Router:
    """The roadmap's commands."""
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.filter(HasTrack())
    router.message.register(next_step, Command("next", ignore_case=True))
    router.message.register(roadmap, Command("roadmap", ignore_case=True))
    router.message.register(tracks, Command("tracks", ignore_case=True))
    return router


def create_button_router() -> Router:
    """The roadmap's buttons: most of the taps a learner makes, so they are tried first (`bot.handlers`)."""
    router = Router(name=f"{__name__}.buttons")
    router.callback_query.filter(HasTrack())
    router.callback_query.register(next_step, MenuCb.filter(F.screen == Nav.NEXT))
    router.callback_query.register(roadmap, MenuCb.filter(F.screen == Nav.ROADMAP))
    router.callback_query.register(tracks, MenuCb.filter(F.screen == Nav.TRACKS))
    router.callback_query.register(track, TrackCb.filter())
    router.callback_query.register(module, ModuleCb.filter())
    router.callback_query.register(topic, TopicCb.filter())
    router.callback_query.register(mark, MarkCb.filter())
    router.callback_query.register(mark_with_earlier, PassesCb.filter())
    router.callback_query.register(next_after, NextCb.filter())
    router.callback_query.register(known, KnownCb.filter())
    router.callback_query.register(page, PageCb.filter())
    router.callback_query.register(unfollow, UnfollowCb.filter())
    return router
