"""/progress."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import MenuCb
from bot.callbacks import Screen as Nav
from bot.clock import Clock
from bot.curriculum.catalog import Catalog
from bot.filters import HasTrack
from bot.services import progress
from bot.views.progress import progress_screen
from bot.views.screen import show
from db.models import Learner


async def show_progress(
    event: Message | CallbackQuery,
    learner: Learner,
    track_id: str,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
) -> None:
    summary = await progress.track_progress(session, catalog, learner.id, track_id, clock())
    assert summary is not None  # HasTrack checked the track exists
    await show(event, progress_screen(summary, learner.language, learner.weekly_hours))


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.filter(HasTrack())
    router.callback_query.filter(HasTrack())
    router.message.register(show_progress, Command("progress"))
    router.callback_query.register(show_progress, MenuCb.filter(F.screen == Nav.PROGRESS))
    return router
