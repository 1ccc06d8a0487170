"""The cohort calendar's sends, delivered by the scheduler's coach loop on each tick: deadline reminders a day
before, moved-date notices, and the organiser's Monday digest (with the radar's lines and the survival picture). What is due is queued in the database with a unique
key (bot/services/cohorts.py), so a restart or a second replica loses nothing and sends nothing twice."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiogram.types import BufferedInputFile

from bot.services import cohorts, radar, reminders
from bot.services.cohorts import CohortMail
from bot.services.radar import DigestRadar
from bot.views import cohort as views
from bot.views import radar as radar_views
from bot.views.screen import TEXT_LIMIT
from bot.views.survival_chart import survival_chart
from db.models import SendStatus

if TYPE_CHECKING:
    from bot.scheduler import CoachLoop

log = logging.getLogger(__name__)
BATCH = 30


async def send_cohort_mail(loop: CoachLoop) -> int:
    """Queue what the cohorts' calendars have due now, then deliver everything queued; returns how many went."""
    async with loop.sessionmaker() as session:
        await cohorts.queue_due(session, loop.catalog, loop.clock())
    delivered = 0
    while not loop._stopping:  # a stopping loop takes no new claims; what is queued waits for the next start
        async with loop.sessionmaker() as session:
            mail = await cohorts.claim_mail(session, loop.catalog, loop.clock(), BATCH)
        results = await asyncio.gather(*(_deliver(loop, item) for item in mail))
        delivered += sum(results)
        if len(mail) < BATCH:
            break
    return delivered


def _text(loop: CoachLoop, item: CohortMail, extra: DigestRadar | None = None) -> str | None:
    with loop.i18n.context(), loop.i18n.use_locale(item.language):
        if item.digest is not None:
            text = views.digest(item.digest, loop.catalog)
            if extra is None:
                return text
            lines = radar_views.digest_lines(extra)
            return (
                text
                if len(text) + sum(len(line) + 1 for line in lines) > TEXT_LIMIT
                else "\n".join([text, *lines])
            )
        if item.week is None or item.stage is None:
            return None
        if item.kind == "due":
            if item.stage.finished:
                return None  # finished since it was queued
            return views.due_reminder(item.week, item.stage, item.timezone)
        return views.due_moved_notice(item.week, item.stage, item.timezone)


async def _digest_radar(loop: CoachLoop, item: CohortMail) -> DigestRadar | None:
    """The radar's part of a digest; the digest goes without it if it cannot be had."""
    if item.digest is None:
        return None
    try:
        async with loop.sessionmaker() as session:
            return await radar.digest(session, loop.catalog, item.digest.cohort, loop.clock())
    except Exception as exc:  # the add-on must not cost the organiser their digest
        log.warning("the digest's radar was left out: %s", type(exc).__name__)
        return None


async def _send_survival(loop: CoachLoop, item: CohortMail, extra: DigestRadar | None) -> None:
    """The digest's picture, after its text: where the cohort's members stop. Optional: a refusal is logged."""
    if item.digest is None or extra is None or extra.survival is None:
        return
    cohort, found = item.digest.cohort, extra.survival
    with loop.i18n.context(), loop.i18n.use_locale(item.language):
        png = await asyncio.to_thread(survival_chart, found, cohort.name)
        caption = radar_views.survival_caption(cohort, found)
    photo = BufferedInputFile(png, filename=f"cohort-{cohort.id}-survival.png")
    try:
        await loop.courier.deliver(
            item.recipient_id, lambda: loop.bot.send_photo(item.recipient_id, photo, caption=caption)
        )
    except TelegramAPIError as exc:
        log.warning("the digest's survival picture was not sent: %s", type(exc).__name__)


async def _deliver(loop: CoachLoop, item: CohortMail) -> bool:
    status = SendStatus.SENT
    extra = await _digest_radar(loop, item)
    text = _text(loop, item, extra)
    if text is None:
        status = SendStatus.FAILED
    else:
        try:
            await loop.courier.deliver(
                item.recipient_id, lambda: loop.bot.send_message(item.recipient_id, text)
            )
            await _send_survival(loop, item, extra)
        except TelegramForbiddenError:
            status = SendStatus.BLOCKED
            if item.digest is None:
                async with loop.sessionmaker() as session:
                    await reminders.mark_blocked(session, item.recipient_id, loop.clock())
        except TelegramAPIError as exc:
            status = SendStatus.FAILED
            log.warning("cohort send %s (%s) failed: %s", item.send_id, item.kind, type(exc).__name__)
    async with loop.sessionmaker() as session:
        await cohorts.record_send(session, item.send_id, status)
    if loop.metrics is not None:
        loop.metrics.sends.labels(f"cohort_{item.kind}", status.value).inc()
    return status is SendStatus.SENT
