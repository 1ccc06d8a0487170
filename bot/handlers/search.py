"""Ask the course: /ask, the offer to search a plain message, the search buttons, and inline queries (@bot words,
typed in any chat)."""

from __future__ import annotations

from dataclasses import replace

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineQuery, Message
from aiogram.utils.deep_linking import create_start_link
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import SearchCb
from bot.clock import Clock
from bot.curriculum.catalog import Catalog
from bot.filters import HasTrack
from bot.handlers import fallback
from bot.services import profile, progress, setup, topic_links
from bot.services.search import QUERY_MAX, Answer, SearchIndex
from bot.services.search_text import words as words_of
from bot.views import search as views
from bot.views.screen import show
from db.models import Learner

INLINE_RESULTS = 10  # Telegram takes up to 50; a phone shows about five
# Results follow the learner's tracks and language: Telegram caches them per learner (is_personal).
INLINE_CACHE_SECONDS = 300
OFFERS = "search_offers"
OFFERS_KEPT = 5


async def ask(
    message: Message,
    command: CommandObject,
    learner: Learner,
    session: AsyncSession,
    search_index: SearchIndex,
) -> None:
    words = " ".join((command.args or "").split())[:QUERY_MAX]
    if not words:
        await show(message, views.usage())
        return
    await answer(message, words, learner, session, search_index)


async def answer(
    event: Message | CallbackQuery,
    words: str,
    learner: Learner,
    session: AsyncSession,
    search_index: SearchIndex,
) -> None:
    if not words.strip():  # a forged button
        await show(event, views.usage())
        return
    followed = await profile.tracks_followed(session, learner.id)
    found = search_index.search(words, learner.language, followed)
    if not found.hits:
        await show(event, views.nothing_found(words, found.suggestions))
        return
    statuses = await progress.topic_statuses(session, learner.id, [hit.ref for hit in found.hits])
    await show(event, views.results(words, found, statuses, learner.language))


async def offer(
    message: Message,
    learner: Learner,
    state: FSMContext,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    i18n: I18n,
) -> None:
    """A plain message that answers no question: offer to search the course for it (a set-up left unfinished goes
    on instead, and emoji or punctuation get the fallback's answer)."""
    text = " ".join((message.text or "").split())[:QUERY_MAX]
    if not setup.is_set_up(learner) or not any(words_of(text)):
        await fallback.anything_else(message, state, session, catalog, clock, i18n, learner)
        return
    offers = _offers(state)
    kept = list((await offers.get_data()).get(OFFERS, {}).items())[1 - OFFERS_KEPT :]
    await offers.set_data({OFFERS: {**dict(kept), str(message.message_id): text}})
    await show(message, views.offer(text, message.message_id))


async def search_button(
    query: CallbackQuery,
    callback_data: SearchCb,
    learner: Learner,
    session: AsyncSession,
    search_index: SearchIndex,
    state: FSMContext,
) -> None:
    words = callback_data.words
    if callback_data.asked:
        words = (await _offers(state).get_data()).get(OFFERS, {}).get(str(callback_data.asked), words)
    await answer(query, words, learner, session, search_index)


async def forget(state: FSMContext) -> None:
    """/forget: the texts kept for offers go with everything else."""
    await _offers(state).clear()


def _offers(state: FSMContext) -> FSMContext:
    """The texts of the last few offers, by the id of the message offered, beside the conversation's state (whose
    dialogs clear it as they go). A button's own words stand in for a text no longer kept."""
    return FSMContext(storage=state.storage, key=replace(state.key, destiny=OFFERS))


async def inline(
    query: InlineQuery,
    bot: Bot,
    session: AsyncSession,
    search_index: SearchIndex,
    i18n: I18n,
    learner: Learner | None = None,
) -> None:
    """@bot words in any chat: the matching topics; choosing one posts its card with a link to the coach."""
    words = " ".join(query.query.split())[:QUERY_MAX]
    locale = i18n.current_locale
    found = Answer([])
    if words:
        followed = await profile.tracks_followed(session, learner.id) if learner is not None else []
        found = search_index.search(words, locale, followed, limit=INLINE_RESULTS)
    links = {
        (hit.ref.track.id, hit.ref.topic.id): await create_start_link(
            bot, topic_links.payload(hit.ref.track.id, hit.ref.topic.id)
        )
        for hit in found.hits
    }
    await query.answer(
        views.inline_results(found, locale, links), cache_time=INLINE_CACHE_SECONDS, is_personal=True
    )


def create_router() -> Router:
    """Tried after every other screen but the fallback: a dialog waiting for typed text sees it first."""
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(ask, Command("ask", ignore_case=True), HasTrack())
    router.message.register(offer, F.text, ~F.text.startswith("/"), StateFilter(None), HasTrack())
    router.callback_query.register(search_button, SearchCb.filter(), HasTrack())
    router.inline_query.register(inline)
    return router
