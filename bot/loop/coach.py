"""The coach's own clock: one short periodic job asks the database what is due and sends it.

Nothing about what is due lives in the scheduler (APScheduler only calls `tick` every few seconds), so a
restart loses nothing and several processes can run it side by side. Each send records its progress (claimed,
attempted just before its HTTP call, then its outcome: bot/services/sends.py), and a graceful stop takes no new
claims, lets what is on the wire finish and gives back the rest. Daily reminders are claimed a few minutes ahead,
composed then, and sent at their minute (bot/loop/reminder.py).

A database outage in the middle of a tick costs no send: what was claimed and not attempted is given back, and
the outcomes of what went out are recorded, as soon as the database answers again (the tick looks once a second
until then); the outage is reported to `DatabaseOutage`, not logged by each failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from typing import Any

from aiogram import Bot
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.attempts import Attempt
from bot.clock import Clock
from bot.cohort_mail import CohortMailer
from bot.curriculum.catalog import Catalog
from bot.delivery import Courier
from bot.group_mail import GroupMailer
from bot.loop.broadcasts import send_broadcasts
from bot.loop.deliver import deliver
from bot.loop.held import Held
from bot.loop.kinds import send_nudge, send_return, send_summary
from bot.loop.parts import Parts
from bot.loop.reminder import AHEAD, Reminders
from bot.metrics import Metrics
from bot.outage import DatabaseOutage, database_unavailable
from bot.services import admin, breaks, reminders, sends, streaks
from bot.services.reminders import Claim
from bot.takeover import Heartbeat, report_recovery
from db.models import SendKind, SendStatus

log = logging.getLogger("bot.scheduler")  # the coach loop's log, where an operator looks for it

# Claims taken at once: five seconds of sending at Telegram's rate. Each send records its own progress, so a crash
# or a stop loses nothing of a claimed batch (unsent claims are given back), and a tick's cost follows the number of
# batches: 300 due at a million learners take ~40 ms in batches of 150 against ~65–200 ms in batches of 30
# (`make bench`, section 3).
BATCH = 150
# Reminders claimed and not yet sent, at most: composed ahead of their minute, or of their turn in a fan-out (the
# next batches are composed while the first go out). Twenty seconds of sending at the free rate, so a claim never
# waits near PENDING_STALE for its turn, and a few megabytes of composed messages.
AHEAD_MOST = 4 * BATCH
ACTIVE_RECOUNT = timedelta(minutes=1)
STOP_GRACE = 10.0  # seconds a stop waits for the sends it claimed before giving back the rest
OUTAGE_PROBE = 1.0  # seconds between a failed tick's looks at the database


class CoachLoop:
    def __init__(
        self,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        catalog: Catalog,
        i18n: I18n,
        clock: Clock,
        courier: Courier | None = None,
        metrics: Metrics | None = None,
        outage: DatabaseOutage | None = None,
    ) -> None:
        self.bot = bot
        self.sessionmaker = sessionmaker
        self.catalog = catalog
        self.i18n = i18n
        self.clock = clock
        self.courier = courier or Courier()
        self.metrics = metrics
        self.outage = outage or DatabaseOutage()
        self.last_tick_at: datetime | None = None
        self.started_at = clock()
        self.heartbeat = Heartbeat(sessionmaker, clock, self.started_at)
        self._active_counted_at: datetime | None = None
        self._lock = asyncio.Lock()
        self._stopping = False
        self._running: asyncio.Task[Any] | None = None
        # Beats looking for a dead process's claims: a stop waits for them as for the tick, so APScheduler's
        # shutdown never cancels one mid-query (it would log the cancellation as the job's failure).
        self._beats: set[asyncio.Task[Any]] = set()
        self.parts = Parts(
            bot,
            sessionmaker,
            catalog,
            i18n,
            clock,
            self.courier,
            metrics,
            self.outage,
            lambda: self._stopping,
        )
        self.when_back = self.parts.when_back  # what an outage kept from the database
        self.held = Held(clock, lambda: self._stopping)
        self.reminders = Reminders(self.parts, self.held)
        self.cohort_mail = CohortMailer(
            bot, sessionmaker, catalog, i18n, clock, self.courier, metrics, lambda: self._stopping
        )
        self.group_mail = GroupMailer(
            bot, sessionmaker, catalog, i18n, clock, self.courier, metrics, lambda: self._stopping
        )

    @property
    def released(self) -> int:
        return self.parts.released

    async def tick(self) -> int:
        """Send everything due now; returns how many sends were delivered.

        A tick that finds the previous one still sending (a big fan-out takes longer than the interval) returns at
        once: the running one picks up whatever fell due meanwhile."""
        if self._stopping or self._lock.locked():
            return 0
        async with self._lock:
            self._running = asyncio.current_task()
            try:
                while True:
                    try:
                        await self.when_back.settle()
                        delivered = await self._tick()
                        self.outage.ok()
                        return delivered
                    except Exception as exc:
                        if not database_unavailable(exc):
                            raise
                        self.outage.failed(exc)
                    if not await self._until_database_answers():
                        return 0
            finally:
                self._running = None

    async def beat(self) -> int:
        """Every few seconds: this process is alive, and what a dead one claimed is taken over now, not at the next
        tick (a running tick does it between its batches). Returns how many sends the takeover delivered."""
        task = asyncio.current_task()
        if self._stopping or task is None:
            return 0
        self._beats.add(task)
        try:
            if not await self.heartbeat.orphans() or self._lock.locked():
                return 0
            return await self.tick()
        finally:
            self._beats.discard(task)

    async def _until_database_answers(self) -> bool:
        """Look once a second until the database answers (True), or the loop stops (False)."""
        while not self._stopping:
            await asyncio.sleep(OUTAGE_PROBE)
            try:
                async with self.sessionmaker() as session:
                    await sends.ping(session)
            except Exception as exc:
                if not database_unavailable(exc):
                    raise
                self.outage.failed(exc)
                continue
            self.outage.ok()
            return True
        return False

    async def stop(self, grace: float = STOP_GRACE) -> int:
        """Take no new claims; wait up to `grace` seconds for the running tick and the sends on their way, whose
        sends not yet on the wire are given back (released: due again, for the next process); the reminders held
        for a later minute give theirs back at once. Returns how many were released."""
        self._stopping = True
        self.held.wake()
        running = {self._running} if self._running is not None else set()
        waiting = running | self.held.unfinished() | self._beats
        if waiting:
            _, late = await asyncio.wait(waiting, timeout=grace)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late)
        with contextlib.suppress(Exception):  # a send's own error was the tick's to raise; the tick is over
            self.held.collect()
        log.info("coach stopped: %d claimed sends released for the next start", self.released)
        return self.released

    async def _recover(self) -> None:
        """Take over what a stopped or dead process left: each is held for its minute like a fresh claim."""
        now = self.clock()
        async with self.sessionmaker() as session:
            recovery = await sends.recover(session, now, self.heartbeat.owner, self.started_at)
        report_recovery(recovery, self.metrics)
        self._hold(recovery.resend, now)

    async def _tick(self) -> int:
        delivered = await self.held.reap()  # the held sends whose minute came
        await self._recover()
        delivered += await self._reminders()
        if not self._stopping:
            delivered += await self._returns()
            delivered += await self._nudges()
            delivered += await send_broadcasts(self.parts, BATCH)
            delivered += await self.cohort_mail.send()
            delivered += await self.group_mail.send()
        self.last_tick_at = self.clock()
        if self.metrics is not None:
            self.metrics.scheduler_ticks.inc()
            await self._count_active()
        return delivered

    async def _reminders(self) -> int:
        """Daily reminders falling due within AHEAD, and summaries due now: claimed a batch at a time and composed,
        each held for its minute, while at most AHEAD_MOST wait; then the tick waits for those whose minute came."""
        delivered = 0
        while not self._stopping:
            delivered += await self.held.make_room(AHEAD_MOST - BATCH)
            if self.held.waiting > AHEAD_MOST - BATCH:
                break  # all still waiting for a minute to come: the next ticks claim more
            claimed_at = self.clock()
            async with self.sessionmaker() as session:
                claims = await reminders.claim_due(session, claimed_at, BATCH, self.heartbeat.owner, AHEAD)
            await asyncio.gather(*(composed.wait() for composed in self._hold(claims, claimed_at)))
            if len(claims) < BATCH:
                break
            await self._recover()
        return delivered + await self.held.reap()

    def _hold(self, claims: list[Claim], claimed_at: datetime) -> list[asyncio.Event]:
        """Hand each claim to its own task, held for its minute; the events say when each is composed."""
        composed = []
        for claim in claims:
            ready = asyncio.Event()
            self.held.hold(claim.planned_at or claimed_at, self._send_held(claim, claimed_at, ready))
            composed.append(ready)
        return composed

    async def _send_held(self, claim: Claim, claimed_at: datetime, composed: asyncio.Event) -> bool:
        try:
            return await self._deliver(claim, claimed_at, composed)
        finally:
            composed.set()

    async def _returns(self) -> int:
        """Breaks whose date is reached: the welcome back (claimed like the daily reminder)."""
        delivered, more = 0, True
        while more and not self._stopping:
            claimed_at = self.clock()
            async with self.sessionmaker() as session:
                claims, more = await breaks.claim_returns(session, self.catalog, claimed_at, BATCH)
            delivered += sum(await asyncio.gather(*(self._deliver(claim, claimed_at) for claim in claims)))
        return delivered

    async def _nudges(self) -> int:
        """The evening "streak at risk" nudges due now (claimed like the daily reminder)."""
        delivered, more = 0, True
        while more and not self._stopping:
            claimed_at = self.clock()
            async with self.sessionmaker() as session:
                claims, more = await streaks.claim_nudges(session, claimed_at, BATCH)
            delivered += sum(await asyncio.gather(*(self._deliver(claim, claimed_at) for claim in claims)))
        return delivered

    async def _count_active(self) -> None:
        assert self.metrics is not None
        now = self.clock()
        if self._active_counted_at is not None and now - self._active_counted_at < ACTIVE_RECOUNT:
            return
        self._active_counted_at = now
        async with self.sessionmaker() as session:
            self.metrics.active_learners.set(await admin.active_learners(session, now))

    async def _deliver(
        self, claim: Claim, claimed_at: datetime, composed: asyncio.Event | None = None
    ) -> bool:
        async def body(attempt: Attempt) -> SendStatus | None:
            if claim.kind is SendKind.SUMMARY:
                return await send_summary(self.parts, claim, attempt)
            if claim.kind is SendKind.NUDGE:
                return await send_nudge(self.parts, claim, attempt)
            if claim.kind is SendKind.RETURN:
                return await send_return(self.parts, claim, attempt)
            return await self.reminders.send(claim, claimed_at, attempt, composed)

        return await deliver(self.parts, claim, claimed_at, body)
