"""The moments after a mark: a finished module gets a short message, a module marked known a line of its own, a
finished track a real summary. Marks from the card and from the «I already know this» check both end here."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.curriculum.catalog import Catalog
from bot.services import activity, learner_plan, progress, progress_counts, quiz_stats
from bot.views import moments as views
from db.models import Learner


async def moments(
    bot: Bot,
    state: progress.TopicState,
    learner: Learner,
    session: AsyncSession,
    catalog: Catalog,
    clock: Clock,
) -> None:
    """A finished module gets a short message; a finished track a real summary."""
    locale = learner.language
    track = state.ref.track
    if state.track_finished:
        now = clock()
        personal = await learner_plan.personal_plan(session, catalog, learner, track.id, now)
        summary = await progress_counts.track_progress(session, catalog, learner.id, track.id, now)
        stats = await quiz_stats.stats(
            session, catalog, learner.id, track.id, ZoneInfo(learner.timezone or "UTC"), now
        )
        active = await activity.activity(session, catalog, learner, now)
        answers = sum(total for _right, total in stats.accuracy_by_module.values())
        others = [t for t in catalog.tracks if t.id != track.id]
        screen = views.track_summary(
            track,
            summary.done if summary else 0,
            summary.known if summary else 0,
            personal.hours_done if personal else 0.0,
            answers,
            active.streak.best,
            others,
            locale,
        )
        await bot.send_message(learner.id, screen.text, reply_markup=screen.markup)
    elif state.module_finished or state.module_known:
        modules = [ref.module for ref in catalog.plan(track.id)]
        order = list(dict.fromkeys(m.id for m in modules))
        by_id = {m.id: m for m in modules}
        index = order.index(state.ref.module.id)
        following = by_id[order[index + 1]] if index + 1 < len(order) else None
        if state.module_finished:
            text = views.module_finished(state.ref.module, following, locale)
        else:
            text = views.module_known(state.ref.module, following, locale)
        await bot.send_message(learner.id, text)
