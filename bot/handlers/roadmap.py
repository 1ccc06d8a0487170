"""The roadmap screens, /next, and marking topics."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import MarkCb, MenuCb, ModuleCb, PageCb, TopicCb, TrackCb, UnfollowCb
from bot.callbacks import Screen as Nav
from bot.clock import Clock
from bot.config import Settings
from bot.curriculum.catalog import Catalog
from bot.filters import HasTrack
from bot.services import profile, progress
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
    await show(event, views.topic_screen(state, learner.language))


async def roadmap(
    event: Message | CallbackQuery, learner: Learner, track_id: str, session: AsyncSession, catalog: Catalog
) -> None:
    track = catalog.track(track_id)
    assert track is not None
    states = await progress.module_states(session, catalog, learner.id, track_id)
    await show(event, views.track_screen(track, learner.language, states, 0, is_current=True))


async def tracks(
    event: Message | CallbackQuery, learner: Learner, session: AsyncSession, catalog: Catalog
) -> None:
    followed = await profile.tracks_followed(session, learner.id)
    await show(event, views.tracks_screen(catalog, learner.language, learner.current_track, followed))


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
            _("You no longer follow {track}. Your progress on it is kept.").format(
                track=chosen.title.get(learner.language)
            ),
        )
    await show(query, views.tracks_screen(catalog, learner.language, learner.current_track, followed))


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
    await show(query, views.topic_screen(state, learner.language))


async def mark(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: MarkCb,
    learner: Learner,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
) -> None:
    try:
        status = Status(callback_data.status)
        state = await progress.mark(
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
    notify(callback_answer, _("Marked: {status}").format(status=status_name(status)))
    note = None
    if state.status is Status.DONE:
        following = await progress.next_topic(session, catalog, learner.id, callback_data.track)
        if following is None:
            note = _("🎉 Well done! That was the last topic left: the whole track is done.")
        else:
            note = _("🎉 Well done! Tap “Next step” to keep going.")
    await show(query, views.topic_screen(state, learner.language, note))


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
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.filter(HasTrack())
    router.callback_query.filter(HasTrack())
    router.message.register(next_step, Command("next"))
    router.callback_query.register(next_step, MenuCb.filter(F.screen == Nav.NEXT))
    router.message.register(roadmap, Command("roadmap"))
    router.callback_query.register(roadmap, MenuCb.filter(F.screen == Nav.ROADMAP))
    router.message.register(tracks, Command("tracks"))
    router.callback_query.register(tracks, MenuCb.filter(F.screen == Nav.TRACKS))
    router.callback_query.register(track, TrackCb.filter())
    router.callback_query.register(module, ModuleCb.filter())
    router.callback_query.register(topic, TopicCb.filter())
    router.callback_query.register(mark, MarkCb.filter())
    router.callback_query.register(page, PageCb.filter())
    router.callback_query.register(unfollow, UnfollowCb.filter())
    return router
