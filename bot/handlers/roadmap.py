"""The roadmap screens and /next, and the routers of the roadmap family (marking topics is in `marks`)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
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
from bot.handlers import marks
from bot.handlers.cards import topic_card
from bot.services import learner_plan, profile, progress
from bot.views import roadmap as views
from bot.views.screen import alert, notify, show
from bot.webapp.links import map_url
from db.models import Learner


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
    plans = await learner_plan.track_plans(session, catalog, learner, clock())
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
    plans = await learner_plan.track_plans(session, catalog, learner, clock())
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
    router.callback_query.register(marks.mark, MarkCb.filter())
    router.callback_query.register(marks.mark_with_earlier, PassesCb.filter())
    router.callback_query.register(next_after, NextCb.filter())
    router.callback_query.register(marks.known, KnownCb.filter())
    router.callback_query.register(page, PageCb.filter())
    router.callback_query.register(unfollow, UnfollowCb.filter())
    return router
