"""The cohort calendar's sends, delivered on each tick of the coach loop: deadline reminders a day before,
moved-date notices, and the organiser's Monday digest (with the radar's lines and the survival picture). What is due is queued in the database with a unique key
(bot/services/cohort_sends.py), so a restart or a second replica loses nothing and sends nothing twice.

The loop hands this module what it needs (`CohortMailer`'s arguments) rather than itself, so the two do not import
each other."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiogram.types import BufferedInputFile
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.curriculum.catalog import Catalog
from bot.delivery import Courier
from bot.metrics import Metrics
from bot.services import cohorts, radar, reminders
from bot.services.cohorts import CohortMail
from bot.services.radar import DigestRadar
from bot.views import cohort as views
from bot.views import radar as radar_views
from bot.views.screen import TEXT_LIMIT
from bot.views.survival_chart import survival_chart
from db.models import SendStatus

log = logging.getLogger(__name__)
BATCH = 30


class CohortMailer:
    def __init__(
        self,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        catalog: Catalog,
        i18n: I18n,
        clock: Clock,
        courier: Courier,
        metrics: Metrics | None,
        stopping: Callable[[], bool],
    ) -> None:
        self.bot = bot
        self.sessionmaker = sessionmaker
        self.catalog = catalog
        self.i18n = i18n
        self.clock = clock
        self.courier = courier
        self.metrics = metrics
        # A stopping loop takes no new claims; what is queued waits for the next start.
        self.stopping = stopping

    async def send(self) -> int:
        """Queue what the cohorts' calendars have due now, then deliver everything queued; returns how many went."""
        async with self.sessionmaker() as session:
            await cohorts.queue_due(session, self.catalog, self.clock())
        delivered = 0
        while not self.stopping():
            async with self.sessionmaker() as session:
                mail = await cohorts.claim_mail(session, self.catalog, self.clock(), BATCH)
            results = await asyncio.gather(*(self._deliver(item) for item in mail))
            delivered += sum(results)
            if len(mail) < BATCH:
                break
        return delivered

    def _text(self, item: CohortMail, extra: DigestRadar | None = None) -> str | None:
        with self.i18n.context(), self.i18n.use_locale(item.language):
            if item.digest is not None:
                text = views.digest(item.digest, self.catalog)
                if extra is None:
                    return text
                lines = radar_views.digest_lines(extra)
                if len(text) + sum(len(line) + 1 for line in lines) > TEXT_LIMIT:
                    return text
                return "\n".join([text, *lines])
            if item.week is None or item.stage is None:
                return None
            if item.kind == "due":  # worded now, as it goes: «today», «tomorrow»
                return views.due_reminder(item.week, item.stage, item.timezone, self.clock())
            return views.due_moved_notice(item.week, item.stage, item.timezone)

    async def _digest_radar(self, item: CohortMail) -> DigestRadar | None:
        """The radar's part of a digest; the digest goes without it if it cannot be had."""
        if item.digest is None:
            return None
        try:
            async with self.sessionmaker() as session:
                return await radar.digest(session, self.catalog, item.digest.cohort, self.clock())
        except Exception as exc:  # the add-on must not cost the organiser their digest
            log.warning("the digest's radar was left out: %s", type(exc).__name__)
            return None

    async def _send_survival(self, item: CohortMail, extra: DigestRadar | None) -> None:
        """The digest's picture, after its text: where the cohort's members stop. Optional: a refusal is logged."""
        if item.digest is None or extra is None or extra.survival is None:
            return
        cohort, found = item.digest.cohort, extra.survival
        with self.i18n.context(), self.i18n.use_locale(item.language):
            png = await asyncio.to_thread(survival_chart, found, cohort.name)
            caption = radar_views.survival_caption(cohort, found)
        photo = BufferedInputFile(png, filename=f"cohort-{cohort.id}-survival.png")
        try:
            await self.courier.deliver(
                item.recipient_id, lambda: self.bot.send_photo(item.recipient_id, photo, caption=caption)
            )
        except TelegramAPIError as exc:
            log.warning("the digest's survival picture was not sent: %s", type(exc).__name__)

    async def _deliver(self, item: CohortMail) -> bool:
        status = SendStatus.SENT
        extra = await self._digest_radar(item)
        text = self._text(item, extra)
        if text is None:
            status = SendStatus.FAILED
        else:
            try:
                await self.courier.deliver(
                    item.recipient_id, lambda: self.bot.send_message(item.recipient_id, text)
                )
                await self._send_survival(item, extra)
            except TelegramForbiddenError:
                status = SendStatus.BLOCKED
                if item.digest is None:
                    async with self.sessionmaker() as session:
                        await reminders.mark_blocked(session, item.recipient_id, self.clock())
            except TelegramAPIError as exc:
                status = SendStatus.FAILED
                log.warning("cohort send %s (%s) failed: %s", item.send_id, item.kind, type(exc).__name__)
        async with self.sessionmaker() as session:
            await cohorts.record_send(session, item.send_id, status)
        if self.metrics is not None:
            self.metrics.sends.labels(f"cohort_{item.kind}", status.value).inc()
        return status is SendStatus.SENT
