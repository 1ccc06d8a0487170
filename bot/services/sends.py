"""Each send's progress, recorded per send, so a stop or a crash costs at most the sends in flight.

A reminder, summary or broadcast delivery goes: pending (claimed) -> attempted (committed just before its HTTP
call) -> sent, failed or blocked. A state is what Telegram said: an attempt answered 429 (not delivered; try again
later) goes back to pending while it waits for its retry, and is attempted anew just before it. A graceful stop
releases what it claimed but never attempted (released: due again, for the next process), and so does a tick
interrupted by a database outage, as soon as the database is back. After a crash the next tick finds the rest:

- never attempted (pending for longer than any live process keeps a claim waiting, or released): sent now, by
  the same local-day rules as any late reminder: only on the day it was meant for, and not in quiet hours (it
  waits for their end on the same day); a send whose day has passed is given up (failed, never delivered);
- attempted with no answer recorded: the crash came during the HTTP call, so Telegram may or may not have
  delivered it. These are *not* sent again (at most once) and are recorded as unknown, never as failed: a
  second copy of a reminder reads as a bug, a missing one as a quiet day, and the window is only the calls in
  flight at the crash (the pacer hands out about 30 a second, each finishing in well under one).

Every interrupted send that is given up gets a log line and counts in `coach_sends_interrupted_total`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.reminders import CATCH_UP_AFTER, Claim, in_quiet_hours, local_date
from db.models import SendKind, SendStatus
from db.repositories import broadcasts as broadcast_repo
from db.repositories import reminders as repo

# A live process attempts a claim within seconds (30 at a time, at Telegram's rate); one pending this long was
# claimed by a process that is gone. Taking it over is safe even if that process lives: it attempts a send only
# while the claim is still its own (`attempt` checks the claim time).
PENDING_STALE = timedelta(minutes=2)
# A claim carries its owner (one id per running coach loop) and the owner's heartbeat, refreshed every
# HEARTBEAT: a claim whose owner has not beaten for OWNER_STALE belongs to a dead process, and a live one takes it
# over at its next beat (so within about OWNER_STALE + HEARTBEAT of the crash). On SQLite only one process runs,
# so whatever another owner claimed before this process started is dead at once.
HEARTBEAT = timedelta(seconds=2)
OWNER_STALE = timedelta(seconds=6)
# Longer than any call may keep retrying (bot/middlewares/pacing.py, SEND_DEADLINE of five minutes).
ATTEMPT_STALE = timedelta(minutes=7)
RECOVER_AT_ONCE = 500


@dataclass
class Recovery:
    resend: list[Claim] = field(default_factory=list)  # taken over by this process, to be sent now
    expired: int = 0  # never attempted, and their day is over (or the learner left): failed, never delivered
    unknown: int = 0  # attempted, answer never recorded: not sent again
    broadcasts_requeued: int = 0
    broadcasts_unknown: int = 0


async def ping(session: AsyncSession) -> None:
    """Whether the database answers again after an outage (raises while it does not)."""
    await repo.ping(session)


async def attempt(session: AsyncSession, send_id: int, claimed_at: datetime, now: datetime) -> bool:
    """Record the attempt just before the HTTP call; False when the claim is no longer this process's."""
    ours = await repo.attempt(session, send_id, claimed_at, now)
    await session.commit()
    return ours


async def unattempt(session: AsyncSession, send_id: int, claimed_at: datetime) -> bool:
    """Telegram said the attempt was not delivered (429): pending again while it waits for its retry, so a crash
    meanwhile leaves it to be sent; False when the claim is no longer this process's."""
    undone = await repo.unattempt(session, send_id, claimed_at)
    await session.commit()
    return undone


async def release(session: AsyncSession, send_ids: list[int]) -> None:
    await repo.release(session, send_ids)
    await session.commit()


async def attempt_delivery(
    session: AsyncSession, broadcast_id: int, learner_id: int, claimed_at: datetime, now: datetime
) -> bool:
    ours = await broadcast_repo.attempt(session, broadcast_id, learner_id, claimed_at, now)
    await session.commit()
    return ours


async def unattempt_delivery(
    session: AsyncSession, broadcast_id: int, learner_id: int, claimed_at: datetime
) -> bool:
    undone = await broadcast_repo.unattempt(session, broadcast_id, learner_id, claimed_at)
    await session.commit()
    return undone


async def release_deliveries(session: AsyncSession, keys: list[tuple[int, int]]) -> None:
    await broadcast_repo.release(session, keys)
    await session.commit()


async def beat(session: AsyncSession, owner: str, now: datetime) -> None:
    await repo.beat(session, owner, now)
    await session.commit()


async def orphans_exist(session: AsyncSession, owner: str, started_at: datetime, now: datetime) -> bool:
    """Whether a dead process left claims this one should take over now (its next tick does)."""
    found = await repo.orphans_exist(session, now - PENDING_STALE, owner, now - OWNER_STALE, started_at)
    await session.commit()
    return found


async def recover(
    session: AsyncSession, now: datetime, owner: str | None = None, started_at: datetime | None = None
) -> Recovery:
    """Find the sends a stopped or crashed process left behind, and decide each one (see the module's doc)."""
    recovery = Recovery()
    recovery.unknown = await repo.give_up_attempted(session, now - ATTEMPT_STALE, now)
    interrupted = await repo.interrupted(
        session, now - PENDING_STALE, RECOVER_AT_ONCE, owner, now - OWNER_STALE, started_at
    )
    for send, learner in interrupted:
        zone = ZoneInfo(learner.timezone) if learner.timezone else None
        # One claimed ahead of its minute is judged as of that minute (its day may begin after midnight here).
        minute = max(now, send.planned_at or now)
        if (
            not learner.active
            or zone is None
            or learner.timezone is None
            or send.local_date != local_date(zone, minute)
        ):
            await repo.finish_send(session, send.id, SendStatus.FAILED, now, "interrupted; its day is over")
            recovery.expired += 1
            continue
        if now - max(send.claimed_at, send.planned_at or send.claimed_at) > CATCH_UP_AFTER and in_quiet_hours(
            zone, now
        ):
            # Late, and the learner is asleep: it waits for the end of quiet hours (same day), released so that
            # no heartbeat check keeps finding it.
            await repo.release(session, [send.id])
            continue
        await repo.take_over(session, send.id, now, owner)
        recovery.resend.append(
            Claim(
                send.id,
                learner.id,
                SendKind(send.kind),
                learner.language,
                learner.current_track,
                learner.timezone,
                send.planned_at,
            )
        )
    requeued, unknown = await broadcast_repo.recover_stale(session, now - PENDING_STALE, now - ATTEMPT_STALE)
    recovery.broadcasts_requeued, recovery.broadcasts_unknown = requeued, unknown
    await session.commit()
    return recovery
