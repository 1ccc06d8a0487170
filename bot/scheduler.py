"""APScheduler's wiring of the coach loop (bot/loop/coach.py): its tick and its heartbeat, each every few seconds.

Nothing about what is due lives here, so a restart loses nothing and several processes can run side by side."""

from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.loop.coach import CoachLoop
from bot.services import sends


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
