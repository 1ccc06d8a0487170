"""/progress."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import MenuCb
from bot.callbacks import Screen as Nav
from bot.clock import Clock
from bot.config import Settings
from bot.curriculum.catalog import Catalog
from bot.filters import HasTrack
from bot.middlewares.answers import answer_now
from bot.services.report import progress_report
from bot.views.chart import progress_chart
from bot.views.cohort import calendar_lines
from bot.views.progress import progress_screen
from bot.views.quiz import quiz_stats_lines
from bot.views.screen import show
from bot.views.streak import streak_line
from bot.webapp.links import map_url
from db.models import Learner

log = logging.getLogger(__name__)


async def show_progress(
    event: Message | CallbackQuery,
    bot: Bot,
    learner: Learner,
    track_id: str,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
    settings: Settings,
    callback_answer: CallbackAnswer | None = None,
) -> None:
    report = await progress_report(session, catalog, learner, track_id, clock())
    assert report is not None  # HasTrack checked the track exists
    summary, personal, active, series, week = (
        report.summary,
        report.personal,
        report.active,
        report.series,
        report.week,
    )
    titles = {m.id: m.title.get(learner.language) for m in summary.track.modules}
    extra = [
        streak_line(active.streak, active.week.is_study_day(active.today)),
        *quiz_stats_lines(report.stats, report.reviews, titles, learner.language),
    ]
    if week is not None:  # in a cohort: its calendar first
        extra = [*calendar_lines(week, learner.timezone or week.cohort.timezone), *extra]
    link = map_url(settings, event, track_id)
    await show(event, progress_screen(summary, personal, learner.language, extra, link))
    if isinstance(event, CallbackQuery):  # the text is there: the button stops spinning before the chart
        await answer_now(event, callback_answer)
    try:  # the chart is the optional part: if it fails, the learner still has their progress, and no apology
        png = await asyncio.to_thread(progress_chart, summary, active, series, learner.language)
        await bot.send_photo(learner.id, BufferedInputFile(png, filename="progress.png"))
    except Exception as exc:
        log.warning("progress chart dropped: %s", type(exc).__name__)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.filter(HasTrack())
    router.callback_query.filter(HasTrack())
    router.message.register(show_progress, Command("progress", ignore_case=True))
    router.callback_query.register(show_progress, MenuCb.filter(F.screen == Nav.PROGRESS))
    return router
