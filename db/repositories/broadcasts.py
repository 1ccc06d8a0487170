"""Queries behind broadcasts: who gets one, claiming deliveries, counting the outcome."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, insert, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Broadcast, BroadcastDelivery, Learner, SendStatus
from db.upsert import skip_locked

QUEUED = "queued"


async def create(
    session: AsyncSession, admin_id: int, text: str, language: str, now: datetime
) -> tuple[int, int]:
    """The new broadcast's id and how many learners it goes to (everyone onboarded who has not blocked the bot)."""
    broadcast = Broadcast(admin_id=admin_id, text=text, status="sending", created_at=now, language=language)
    session.add(broadcast)
    await session.flush()
    recipients = select(literal(broadcast.id), Learner.id, literal(QUEUED)).where(
        Learner.active.is_(True), Learner.onboarded_at.is_not(None)
    )
    result = await session.execute(
        insert(BroadcastDelivery).from_select(["broadcast_id", "learner_id", "status"], recipients)
    )
    return broadcast.id, int(result.rowcount or 0)  # type: ignore[attr-defined]


async def recipients_count(session: AsyncSession) -> int:
    result = await session.scalar(
        select(func.count())
        .select_from(Learner)
        .where(Learner.active.is_(True), Learner.onboarded_at.is_not(None))
    )
    return int(result or 0)


async def claim(session: AsyncSession, now: datetime, limit: int) -> list[tuple[int, int, str]]:
    """(broadcast id, learner id, text) for up to `limit` queued deliveries, now marked as being sent (a note
    waiting for the learner's reminder time only once that time has come)."""
    stmt = (
        select(BroadcastDelivery.broadcast_id, BroadcastDelivery.learner_id)
        .where(
            BroadcastDelivery.status == QUEUED,
            or_(BroadcastDelivery.not_before.is_(None), BroadcastDelivery.not_before <= now),
        )
        .order_by(BroadcastDelivery.broadcast_id, BroadcastDelivery.learner_id)
        .limit(limit)
    )
    keys = [tuple(row) for row in await session.execute(skip_locked(stmt, session))]
    claimed: list[tuple[int, int, str]] = []
    texts: dict[int, str] = {}
    for broadcast_id, learner_id in keys:
        await session.execute(
            update(BroadcastDelivery)
            .where(BroadcastDelivery.broadcast_id == broadcast_id, BroadcastDelivery.learner_id == learner_id)
            .values(status=SendStatus.PENDING, claimed_at=now)
        )
        if broadcast_id not in texts:
            texts[broadcast_id] = (await session.get(Broadcast, broadcast_id)).text  # type: ignore[union-attr]
        claimed.append((broadcast_id, learner_id, texts[broadcast_id]))
    return claimed


async def record(session: AsyncSession, broadcast_id: int, learner_id: int, status: SendStatus) -> None:
    await session.execute(
        update(BroadcastDelivery)
        .where(BroadcastDelivery.broadcast_id == broadcast_id, BroadcastDelivery.learner_id == learner_id)
        .values(status=status)
    )


async def attempt(
    session: AsyncSession, broadcast_id: int, learner_id: int, claimed_at: datetime, now: datetime
) -> bool:
    result = await session.execute(
        update(BroadcastDelivery)
        .where(
            BroadcastDelivery.broadcast_id == broadcast_id,
            BroadcastDelivery.learner_id == learner_id,
            BroadcastDelivery.status == SendStatus.PENDING,
            BroadcastDelivery.claimed_at == claimed_at,
        )
        .values(status=SendStatus.ATTEMPTED, attempted_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def unattempt(session: AsyncSession, broadcast_id: int, learner_id: int, claimed_at: datetime) -> bool:
    """Telegram answered that it did not deliver the attempt (429): claimed again, not attempted."""
    result = await session.execute(
        update(BroadcastDelivery)
        .where(
            BroadcastDelivery.broadcast_id == broadcast_id,
            BroadcastDelivery.learner_id == learner_id,
            BroadcastDelivery.status == SendStatus.ATTEMPTED,
            BroadcastDelivery.claimed_at == claimed_at,
        )
        .values(status=SendStatus.PENDING, attempted_at=None)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def release(session: AsyncSession, keys: list[tuple[int, int]]) -> None:
    """Deliveries a stopping process claimed but never attempted: queued again."""
    for broadcast_id, learner_id in keys:
        await session.execute(
            update(BroadcastDelivery)
            .where(
                BroadcastDelivery.broadcast_id == broadcast_id,
                BroadcastDelivery.learner_id == learner_id,
                BroadcastDelivery.status == SendStatus.PENDING,
            )
            .values(status=QUEUED)
        )


async def recover_stale(
    session: AsyncSession, claimed_before: datetime, attempted_before: datetime
) -> tuple[int, int]:
    """Deliveries of a process that died: never attempted ones are queued again; attempted ones, whose outcome
    is unknown, are not sent again. Returns (queued again, unknown)."""
    requeued = await session.execute(
        update(BroadcastDelivery)
        .where(BroadcastDelivery.status == SendStatus.PENDING, BroadcastDelivery.claimed_at < claimed_before)
        .values(status=QUEUED)
    )
    unknown = await session.execute(
        update(BroadcastDelivery)
        .where(
            BroadcastDelivery.status == SendStatus.ATTEMPTED,
            BroadcastDelivery.attempted_at < attempted_before,
        )
        .values(status=SendStatus.UNKNOWN)
    )
    return int(requeued.rowcount or 0), int(unknown.rowcount or 0)  # type: ignore[attr-defined]


async def finished(session: AsyncSession, now: datetime) -> list[tuple[Broadcast, dict[str, int]]]:
    """Broadcasts still marked as sending with nothing left to send: closed now, with their counts."""
    done: list[tuple[Broadcast, dict[str, int]]] = []
    for broadcast in await session.scalars(select(Broadcast).where(Broadcast.status == "sending")):
        rows = await session.execute(
            select(BroadcastDelivery.status, func.count())
            .where(BroadcastDelivery.broadcast_id == broadcast.id)
            .group_by(BroadcastDelivery.status)
        )
        counts = {status: int(n) for status, n in rows}
        if counts.get(QUEUED) or counts.get(SendStatus.PENDING) or counts.get(SendStatus.ATTEMPTED):
            continue
        broadcast.status, broadcast.finished_at = "done", now
        done.append((broadcast, counts))
    await session.flush()
    return done
