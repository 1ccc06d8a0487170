"""Taking over what a stopped or dead process left: the coach loop's heartbeat (its claims carry its owner id and
the time it last said it is alive, so a live replica takes over a dead one's within seconds: bot/services/sends.py,
OWNER_STALE), and the report of what a recovery decided."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.metrics import Metrics
from bot.outage import database_unavailable
from bot.services import sends

log = logging.getLogger("bot.scheduler")  # the coach loop's log, where an operator looks for it


class Heartbeat:
    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock, started_at: datetime
    ) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.started_at = started_at  # on SQLite, whatever another owner claimed before this is dead
        self.owner = uuid.uuid4().hex
        # Which process holds a claim in reminder_sends.owner (and which one died holding it)
        log.info("this process's claims carry the owner %s", self.owner)

    async def orphans(self) -> bool:
        """Say this process is alive, and whether a dead one left claims to take over now."""
        try:
            async with self.sessionmaker() as session:
                await sends.beat(session, self.owner, self.clock())
                return await sends.orphans_exist(session, self.owner, self.started_at, self.clock())
        except Exception as exc:
            if not database_unavailable(exc):
                raise
            return False  # the tick reports the outage and waits it out


def report_recovery(recovery: sends.Recovery, metrics: Metrics | None) -> None:
    outcomes = {
        "resent": len(recovery.resend) + recovery.broadcasts_requeued,
        "expired": recovery.expired,
        "unknown": recovery.unknown + recovery.broadcasts_unknown,
    }
    if outcomes["expired"] or outcomes["unknown"]:
        log.warning(
            "interrupted sends given up: %d never sent (their day is over), %d attempted with no answer "
            "(maybe delivered; not sent again)",
            outcomes["expired"], outcomes["unknown"],
        )  # fmt: skip
    if outcomes["resent"]:
        log.info("interrupted sends never attempted, sent again now: %d", outcomes["resent"])
    if metrics is not None:
        for outcome, count in outcomes.items():
            if count:
                metrics.sends_interrupted.labels(outcome).inc(count)
