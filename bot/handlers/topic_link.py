"""A link to a topic (`/start t-<track>_<topic>`, from a card posted inline): it opens the topic's card at once for
a learner who is set up, and at the end of onboarding for a new one.

The topic waiting for onboarding to end is kept in the conversation storage under its own destiny, so that the
questions of onboarding, which clear the conversation's state and data as they go, leave it alone; with Redis it is
shared by the replicas like the rest of the conversation state. It is taken (and forgotten) when onboarding ends.
"""

from __future__ import annotations

from dataclasses import replace

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog, TopicRef
from bot.services import progress, topic_links
from bot.views import search as views
from bot.views import topic as topic_views
from bot.views.screen import NO_PREVIEW
from db.models import Learner

DESTINY = "topic_link"
KEY = "topic"


def _pending(state: FSMContext) -> FSMContext:
    return FSMContext(storage=state.storage, key=replace(state.key, destiny=DESTINY))


async def linked_topic(message: Message, args: str | None, catalog: Catalog) -> TopicRef | None:
    """The topic a /start payload links to; a link to a topic no longer in the course says so."""
    if not topic_links.is_topic_link(args):
        return None
    link = topic_links.parse(args)
    ref = catalog.topic(link.track_id, link.topic_id) if link is not None else None
    if ref is None:
        await message.answer(views.link_stale())
    return ref


async def hold(message: Message, state: FSMContext, ref: TopicRef, locale: str) -> None:
    """Keep the topic for the end of onboarding, and say so."""
    await _pending(state).set_data({KEY: [ref.track.id, ref.topic.id]})
    await message.answer(views.link_first_setup(ref, locale))


async def take(state: FSMContext, catalog: Catalog) -> TopicRef | None:
    """The topic a link asked for before onboarding, if any and still in the course; forgotten once taken."""
    pending = _pending(state)
    data = await pending.get_data()
    if KEY not in data:
        return None
    await pending.clear()
    track_id, topic_id = data[KEY]
    return catalog.topic(track_id, topic_id)


async def forget(state: FSMContext) -> None:
    """/forget: a topic waiting for onboarding to end goes with everything else."""
    await _pending(state).clear()


async def open_topic(
    event: Message | CallbackQuery, learner: Learner, ref: TopicRef, session: AsyncSession, catalog: Catalog
) -> None:
    """The topic's card, as the roadmap shows it, in a message of its own."""
    state = await progress.topic_state(session, catalog, learner.id, ref.track.id, ref.topic.id)
    screen = topic_views.topic_screen(state, learner.language)
    assert event.bot is not None
    await event.bot.send_message(
        learner.id, screen.text, reply_markup=screen.markup, link_preview_options=NO_PREVIEW
    )
