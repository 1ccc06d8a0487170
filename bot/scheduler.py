"""The coach's own clock: one short periodic job asks the database what is due and sends it.

Nothing about what is due lives in the scheduler (APScheduler only calls `tick` every few seconds), so a
restart loses nothing and several processes can run it side by side. Each send records its progress (claimed,
attempted just before its HTTP call, then its outcome: bot/services/sends.py), and a graceful stop takes no new
claims, lets what is on the wire finish and gives back the rest.

A database outage in the middle of a tick costs no send: what was claimed and not attempted is given back, and
the outcomes of what went out are recorded, as soon as the database answers again (the tick looks once a second
until then); the outage is reported to `DatabaseOutage`, not logged by each failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramForbiddenError
from aiogram.types import BufferedInputFile
from aiogram.utils.i18n import I18n
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.attempts import Attempt, NotSending
from bot.clock import Clock
from bot.cohort_mail import CohortMailer
from bot.curriculum.catalog import Catalog
from bot.delivery import Courier, Priority
from bot.group_mail import GroupMailer
from bot.metrics import Metrics
from bot.outage import DatabaseOutage, WhenBack, database_unavailable
from bot.services import (
    activity,
    admin,
    breaks,
    cohorts,
    plan,
    profile,
    progress_counts,
    quiz_day,
    record,
    reminders,
    sends,
    streaks,
)
from bot.services.reminders import Claim
from bot.takeover import Heartbeat, report_recovery
from bot.views import admin as admin_views
from bot.views import breaks as break_views
from bot.views import reminder, weekly
from bot.views.chart import progress_chart
from db.models import SendKind, SendStatus

log = logging.getLogger(__name__)

# Claims taken at once: five seconds of sending at Telegram's rate. Each send records its own progress, so a crash
# or a stop loses nothing of a claimed batch (unsent claims are given back), and a tick's cost follows the number of
# batches: 300 due at a million learners take ~40 ms in batches of 150 against ~65–200 ms in batches of 30
# (`make bench`, section 3).
BATCH = 150
ACTIVE_RECOUNT = timedelta(minutes=1)
STOP_GRACE = 10.0  # seconds a stop waits for the sends it claimed before giving back the rest
OUTAGE_PROBE = 1.0  # seconds between a failed tick's looks at the database
# Sends whose screens are read at once. A claimed batch waits for its turns anyway (about 30 a second), so reading
# more of it ahead only puts the learners' own taps behind a queue of reads on the database (one connection on
# SQLite): 150 at once made a tap wait 1.5 s at the median in the morning rush.
READ_AHEAD = 4


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
        self.last_tick_at: datetime | None = None
        self.started_at = clock()
        self.heartbeat = Heartbeat(sessionmaker, clock, self.started_at)
        self.metrics = metrics
        self._active_counted_at: datetime | None = None
        self._lock = asyncio.Lock()
        self._stopping = False
        self._running: asyncio.Task[Any] | None = None
        self._reading = asyncio.Semaphore(READ_AHEAD)
        self.released = 0
        self.cohort_mail = CohortMailer(
            bot, sessionmaker, catalog, i18n, clock, self.courier, metrics, lambda: self._stopping
        )
        self.outage = outage or DatabaseOutage()
        self.when_back = WhenBack(self.outage)  # what an outage kept from the database
        self.group_mail = GroupMailer(
            bot, sessionmaker, catalog, i18n, clock, self.courier, metrics, lambda: self._stopping
        )

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
        if self._stopping or not await self.heartbeat.orphans() or self._lock.locked():
            return 0
        return await self.tick()

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
        """Take no new claims; wait up to `grace` seconds for the running tick, whose sends not yet on the wire
        are given back (released: due again, for the next process). Returns how many were released."""
        self._stopping = True
        running = self._running
        if running is not None:
            _, late = await asyncio.wait({running}, timeout=grace)
            if late:
                running.cancel()
                await asyncio.wait({running})
        log.info("coach stopped: %d claimed sends released for the next start", self.released)
        return self.released

    async def _recover(self) -> int:
        now = self.clock()
        async with self.sessionmaker() as session:
            recovery = await sends.recover(session, now, self.heartbeat.owner, self.started_at)
        report_recovery(recovery, self.metrics)
        return sum(await asyncio.gather(*(self._deliver(claim, now) for claim in recovery.resend)))

    async def _tick(self) -> int:
        delivered = await self._recover()
        while not self._stopping:
            claimed_at = self.clock()
            async with self.sessionmaker() as session:
                claims = await reminders.claim_due(session, claimed_at, BATCH, self.heartbeat.owner)
            results = await asyncio.gather(*(self._deliver(claim, claimed_at) for claim in claims))
            delivered += sum(results)
            if len(claims) < BATCH:
                break
            delivered += await self._recover()
        if not self._stopping:
            delivered += await self._returns()
            delivered += await self._nudges()
            delivered += await self._broadcasts()
            delivered += await self.cohort_mail.send()
            delivered += await self.group_mail.send()
        self.last_tick_at = self.clock()
        if self.metrics is not None:
            self.metrics.scheduler_ticks.inc()
            await self._count_active()
        return delivered

    @contextlib.asynccontextmanager
    async def _reading_screen(self) -> AsyncIterator[AsyncSession]:
        """The session a send reads its screen in: only READ_AHEAD of them at once (see there)."""
        async with self._reading, self.sessionmaker() as session:
            yield session

    def _count_released(self, count: int) -> None:
        self.released += count
        if self.metrics is not None:
            self.metrics.sends_interrupted.labels("released").inc(count)

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

    async def _broadcasts(self) -> int:
        delivered = 0
        while not self._stopping:
            claimed_at = self.clock()
            async with self.sessionmaker() as session:
                claimed = await admin.claim_deliveries(session, claimed_at, BATCH)
            results = await asyncio.gather(*(self._deliver_broadcast(*item, claimed_at) for item in claimed))
            delivered += sum(results)
            if len(claimed) < BATCH:
                break
        async with self.sessionmaker() as session:
            finished = await admin.finished_broadcasts(session, self.clock())
        for report in finished:
            if report.kind == "note":
                continue  # a note to one learner: its state shows in the organiser's list, no report
            with self.i18n.context(), self.i18n.use_locale(report.language):
                text = admin_views.broadcast_report(report)
            with contextlib.suppress(TelegramAPIError):
                await self._send_text(report.admin_id, text)
        return delivered

    async def _send_text(self, chat_id: int, text: str) -> None:  # a report to an organiser
        await self.courier.deliver(chat_id, lambda: self.bot.send_message(chat_id, text))

    async def _deliver_broadcast(
        self, broadcast_id: int, learner_id: int, text: str, claimed_at: datetime
    ) -> bool:
        attempt = Attempt(
            self.sessionmaker,
            self.outage,
            lambda: self._stopping,
            lambda s: sends.attempt_delivery(s, broadcast_id, learner_id, claimed_at, self.clock()),
            lambda s: sends.unattempt_delivery(s, broadcast_id, learner_id, claimed_at),
        )

        async def give_back() -> None:
            async with self.sessionmaker() as session:
                await sends.release_deliveries(session, [(broadcast_id, learner_id)])

        status = SendStatus.SENT
        try:
            await self.courier.deliver(
                learner_id,
                lambda: self.bot.send_message(learner_id, text),
                level=Priority.BROADCAST,
                before_send=attempt.record,
                not_delivered=attempt.undo,
            )
        except (NotSending, asyncio.CancelledError) as exc:
            if not attempt.made and (isinstance(exc, asyncio.CancelledError) or exc.ours):
                await self.when_back.now_or_later(give_back)
                self._count_released(1)
            if isinstance(exc, asyncio.CancelledError):
                raise
            return False
        except TelegramForbiddenError:
            status = SendStatus.BLOCKED
            await self.when_back.now_or_later(lambda: self._mark_blocked(learner_id))
        except TelegramAPIError as exc:
            status = SendStatus.FAILED
            log.warning("broadcast %s to a learner failed: %s", broadcast_id, type(exc).__name__)
        except Exception as exc:
            if not database_unavailable(exc) or attempt.made:
                raise
            self.outage.failed(exc)
            self.when_back.later(give_back)  # never attempted: queued again once the database is back
            return False

        async def record() -> None:
            async with self.sessionmaker() as session:
                await admin.record_delivery(session, broadcast_id, learner_id, status)

        await self.when_back.now_or_later(record)
        if self.metrics is not None:
            self.metrics.sends.labels("broadcast", status.value).inc()
        return status is SendStatus.SENT

    async def _mark_blocked(self, learner_id: int) -> None:
        async with self.sessionmaker() as session:
            await reminders.mark_blocked(session, learner_id, self.clock())

    async def _deliver(self, claim: Claim, claimed_at: datetime) -> bool:
        attempt = Attempt(
            self.sessionmaker,
            self.outage,
            lambda: self._stopping,
            lambda s: sends.attempt(s, claim.send_id, claimed_at, self.clock()),
            lambda s: sends.unattempt(s, claim.send_id, claimed_at),
        )

        async def give_back() -> None:
            async with self.sessionmaker() as session:
                await sends.release(session, [claim.send_id])

        status, error = SendStatus.SENT, None
        try:
            with self.i18n.context(), self.i18n.use_locale(claim.language):
                if claim.kind is SendKind.SUMMARY:
                    await self._send_summary(claim, attempt)
                elif claim.kind is SendKind.NUDGE:
                    if not await self._send_nudge(claim, attempt):
                        status = SendStatus.SKIPPED  # studied already, or no streak to keep
                elif claim.kind is SendKind.RETURN:
                    if not await self._send_return(claim, attempt):
                        status = SendStatus.SKIPPED
                elif not await self._send_reminder(claim, attempt):
                    status = SendStatus.SKIPPED  # nothing to say today: no message
        except (NotSending, asyncio.CancelledError) as exc:
            if not attempt.made and (isinstance(exc, asyncio.CancelledError) or exc.ours):
                await self.when_back.now_or_later(give_back)
                self._count_released(1)
            if isinstance(exc, asyncio.CancelledError):
                raise
            return False
        except TelegramForbiddenError:
            status, error = SendStatus.BLOCKED, "blocked by the learner"
            await self.when_back.now_or_later(lambda: self._mark_blocked(claim.learner_id))
        except TelegramAPIError as exc:
            status, error = SendStatus.FAILED, type(exc).__name__
            log.warning("send %s (%s) failed: %s", claim.send_id, claim.kind, type(exc).__name__)
        except Exception as exc:
            if not database_unavailable(exc) or attempt.made:
                raise
            self.outage.failed(exc)
            self.when_back.later(give_back)  # never attempted: due again once the database is back
            return False

        late: list[timedelta | None] = [None]

        async def record() -> None:
            async with self.sessionmaker() as session:
                late[0] = await reminders.record(session, claim.send_id, status, self.clock(), error)

        await self.when_back.now_or_later(record)
        if self.metrics is not None:
            self.metrics.count_send(claim.kind.value, status.value, late[0])
        return status is SendStatus.SENT

    async def _send_reminder(self, claim: Claim, attempt: Attempt) -> bool:
        """The reminder sized to the learner's day; False when there is nothing to say (already studied today,
        or a day off, and no reviews due)."""
        now = self.clock()
        if not claim.track_id or self.catalog.track(claim.track_id) is None:
            return False
        async with self._reading_screen() as session:
            learner = await profile.get_learner(session, claim.learner_id)
            if learner is None:
                return False
            seen = await record.read_record(session, self.catalog, learner, claim.track_id, now)
            active = record.activity(seen, now)
            if not activity.reminder_wanted(learner, active):
                return False  # a day off, a break day, or the back-off of an absence: nothing today
            if record.left_over(self.catalog, seen, now):  # no backlog piles up; rare, so read again after
                await breaks.spread_left_over(session, self.catalog, learner, now)
                seen = await record.read_record(session, self.catalog, learner, claim.track_id, now)
            day = record.today(self.catalog, seen, now)
            offer = plan.catch_up_offer(day.plan, learner, now) if day.plan else None
            screen = reminder.reminder(day, active.streak, claim.language, offer)
            if screen is not None and offer is not None:
                await plan.record_catch_up_offer(session, learner.id, now)
        if screen is None:
            return False
        await self.courier.deliver(
            claim.learner_id,
            lambda: self.bot.send_message(claim.learner_id, screen.text, reply_markup=screen.markup),
            before_send=attempt.record,
            not_delivered=attempt.undo,
        )
        return True

    async def _send_nudge(self, claim: Claim, attempt: Attempt) -> bool:
        """ "Streak at risk": False when it is not needed (already studied today, a streak under three)."""
        async with self._reading_screen() as session:
            found = await streaks.nudge(session, self.catalog, claim.learner_id, self.clock())
        if found is None:
            return False
        screen = break_views.streak_at_risk(found)
        await self.courier.deliver(
            claim.learner_id,
            lambda: self.bot.send_message(claim.learner_id, screen.text, reply_markup=screen.markup),
            before_send=attempt.record,
            not_delivered=attempt.undo,
        )
        return True

    async def _send_return(self, claim: Claim, attempt: Attempt) -> bool:
        """The welcome back when a break's date is reached."""
        now = self.clock()
        async with self._reading_screen() as session:
            learner = await profile.get_learner(session, claim.learner_id)
            if learner is None:
                return False
            days = await breaks.last_break_days(session, learner)
            back = await breaks.welcome_back(session, self.catalog, learner.id, days, now)
        if back is None:
            return False
        screen = break_views.welcome_back(back, claim.language)
        await self.courier.deliver(
            claim.learner_id,
            lambda: self.bot.send_message(claim.learner_id, screen.text, reply_markup=screen.markup),
            before_send=attempt.record,
            not_delivered=attempt.undo,
        )
        return True

    async def _send_summary(self, claim: Claim, attempt: Attempt) -> None:
        now = self.clock()
        zone = ZoneInfo(claim.timezone)
        async with self._reading_screen() as session:
            learner = await profile.get_learner(session, claim.learner_id)
            if learner is None:
                return
            week = await activity.week_numbers(session, self.catalog, learner, now)
            active = await activity.activity(session, self.catalog, learner, now)
            cap = learner.daily_review_cap if learner else quiz_day.DEFAULT_DAILY_CAP
            reviews = await quiz_day.review_day(session, self.catalog, claim.learner_id, zone, cap, now)
            summary = personal = series = offer = cohort_week = None
            if learner and claim.track_id and self.catalog.track(claim.track_id) is not None:
                cohort_week = await cohorts.learner_week(
                    session, self.catalog, learner.id, claim.track_id, now
                )
                summary = await progress_counts.track_progress(
                    session, self.catalog, claim.learner_id, claim.track_id, now
                )
                personal = await plan.personal_plan(session, self.catalog, learner, claim.track_id, now)
                if personal is not None:
                    series = await activity.plan_series(
                        session, self.catalog, learner, claim.track_id, now, personal
                    )
                    offer = plan.catch_up_offer(personal, learner, now)
                    if offer is not None:
                        await plan.record_catch_up_offer(session, learner.id, now)
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
                await self.courier.deliver(
                    claim.learner_id,
                    lambda: self.bot.send_photo(
                        claim.learner_id, photo, caption=caption, reply_markup=markup
                    ),
                    before_send=attempt.record,
                    not_delivered=attempt.undo,
                )
                return
            except TelegramBadRequest as exc:  # the chart is the optional part: the summary goes without it
                log.warning("weekly chart refused (%s); the summary goes as text", exc.message)
        await self.courier.deliver(
            claim.learner_id,
            lambda: self.bot.send_message(claim.learner_id, caption, reply_markup=markup),
            before_send=attempt.record,
            not_delivered=attempt.undo,
        )


def create_scheduler(loop: CoachLoop, interval_seconds: float) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    # A late run is merged into the next; a run that finds the previous one still sending returns at once
    # (CoachLoop.tick), so a fan-out longer than the interval is normal and APScheduler has nothing to warn about.
    scheduler.add_job(
        loop.tick, "interval", seconds=interval_seconds, id="coach-tick", max_instances=3, coalesce=True,
        misfire_grace_time=None,
    )  # fmt: skip
    scheduler.add_job(
        loop.beat, "interval", seconds=sends.HEARTBEAT.total_seconds(), id="coach-heartbeat", max_instances=1,
        coalesce=True, misfire_grace_time=None,
    )  # fmt: skip
    return scheduler
