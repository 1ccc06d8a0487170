"""The topic card, read and rendered: its marks, and its steps' ticks from the study ledger."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.curriculum.catalog import Catalog
from bot.services import study
from bot.services.progress import TopicState
from bot.views import topic as views
from bot.views.screen import Screen
from db.models import Learner


async def topic_card(
    session: AsyncSession, catalog: Catalog, learner: Learner, state: TopicState, note: str | None = None
) -> Screen:
    studied = await study.topic_study(session, catalog, learner, state.ref, state.status)
    return views.topic_screen(state, learner.language, note, studied)
