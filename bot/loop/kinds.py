"""What the coach loop sends besides the daily reminder: the weekly summary (with its chart), the evening «streak
at risk» nudge and the welcome back when a break's date is reached. Each reads its screen when it is due."""

from __future__ import annotations

import asyncio
import logging
from zoneinfo import ZoneInfo

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile

from bot.attempts import Attempt
from bot.loop.parts import Parts
from bot.services import (
    activity,
    breaks,
    catch_up,
    cohorts,
    learner_plan,
    profile,
    progress_counts,
    quiz_day,
    streaks,
)
from bot.services.reminders import Claim
from bot.views import breaks as break_views
from bot.views import weekly
from bot.views.chart import progress_chart
from db.models import SendStatus

log = logging.getLogger("bot.scheduler")


async def send_nudge(parts: Parts, claim: Claim, attempt: Attempt) -> SendStatus:
    """ "Streak at risk": skipped when it is not needed (already studied today, a streak under three)."""
    async with parts.reading_screen() as session:
        found = await streaks.nudge(session, parts.catalog, claim.learner_id, parts.clock())
    if found is None:
        return SendStatus.SKIPPED
    await parts.send_screen(claim.learner_id, break_views.streak_at_risk(found), attempt)
    return SendStatus.SENT


async def send_return(parts: Parts, claim: Claim, attempt: Attempt) -> SendStatus:
    """The welcome back when a break's date is reached."""
    now = parts.clock()
    async with parts.reading_screen() as session:
        learner = await profile.get_learner(session, claim.learner_id)
        if learner is None:
            return SendStatus.SKIPPED
        days = await breaks.last_break_days(session, learner)
        back = await breaks.welcome_back(session, parts.catalog, learner.id, days, now)
    if back is None:
        return SendStatus.SKIPPED
    await parts.send_screen(claim.learner_id, break_views.welcome_back(back, claim.language), attempt)
    return SendStatus.SENT


async def send_summary(parts: Parts, claim: Claim, attempt: Attempt) -> SendStatus:
    now = parts.clock()
    catalog = parts.catalog
    zone = ZoneInfo(claim.timezone)
    async with parts.reading_screen() as session:
        learner = await profile.get_learner(session, claim.learner_id)
        if learner is None:
            return SendStatus.SENT  # as before the split: a learner gone meanwhile is not a failure
        week = await activity.week_numbers(session, catalog, learner, now)
        active = await activity.activity(session, catalog, learner, now)
        cap = learner.daily_review_cap if learner else quiz_day.DEFAULT_DAILY_CAP
        reviews = await quiz_day.review_day(session, catalog, claim.learner_id, zone, cap, now)
        summary = personal = series = offer = cohort_week = None
        if learner and claim.track_id and catalog.track(claim.track_id) is not None:
            cohort_week = await cohorts.learner_week(session, catalog, learner.id, claim.track_id, now)
            summary = await progress_counts.track_progress(
                session, catalog, claim.learner_id, claim.track_id, now
            )
            personal = await learner_plan.personal_plan(session, catalog, learner, claim.track_id, now)
            if personal is not None:
                series = await activity.plan_series(session, catalog, learner, claim.track_id, now, personal)
                offer = catch_up.catch_up_offer(personal, learner, now)
                if offer is not None:
                    await catch_up.record_catch_up_offer(session, learner.id, now)
    study_day = active.week.is_study_day(active.today)
    caption = weekly.weekly_caption(
        summary,
        personal,
        reviews,
        week,
        active.streak,
        claim.language,
        offer,
        cohort_week,
        claim.timezone,
        study_day,
    )
    markup = weekly.catch_up_markup(offer) if offer is not None else None
    if summary is not None and series is not None:
        png = await asyncio.to_thread(progress_chart, summary, active, series, claim.language)
        photo = BufferedInputFile(png, filename="week.png")
        try:
            await parts.courier.deliver(
                claim.learner_id,
                lambda: parts.bot.send_photo(claim.learner_id, photo, caption=caption, reply_markup=markup),
                before_send=attempt.record,
                not_delivered=attempt.undo,
            )
            return SendStatus.SENT
        except TelegramBadRequest as exc:  # the chart is the optional part: the summary goes without it
            log.warning("weekly chart refused (%s); the summary goes as text", exc.message)
    await parts.courier.deliver(
        claim.learner_id,
        lambda: parts.bot.send_message(claim.learner_id, caption, reply_markup=markup),
        before_send=attempt.record,
        not_delivered=attempt.undo,
    )
    return SendStatus.SENT
