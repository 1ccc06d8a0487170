"""Queries behind what a cohort's calendar sends (deadline reminders, moved dates, digests) and its messages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Broadcast, BroadcastDelivery, CohortSend, SendStatus
from db.upsert import dialect_insert, skip_locked

QUEUED = "queued"


async def queue_sends(session: AsyncSession, rows: list[tuple[int, int, str, str]]) -> int:
    """(cohort, recipient, kind, key) rows queued for sending; one already there (queued or sent) stays as it is."""
    if not rows:
        return 0
    stmt = dialect_insert(session, CohortSend).values(
        [
            {"cohort_id": c, "learner_id": lid, "kind": kind, "key": key, "status": QUEUED}
            for c, lid, kind, key in rows
        ]
    )
    result = await session.execute(stmt.on_conflict_do_nothing())
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def sent_keys(session: AsyncSession, cohort_id: int, kind: str) -> set[tuple[int, str]]:
    rows = await session.execute(
        select(CohortSend.learner_id, CohortSend.key).where(
            CohortSend.cohort_id == cohort_id, CohortSend.kind == kind
        )
    )
    return {(lid, key) for lid, key in rows}


async def claim_sends(session: AsyncSession, now: datetime, limit: int) -> list[CohortSend]:
    stmt = (
        select(CohortSend)
        .where(
            CohortSend.status == QUEUED, or_(CohortSend.not_before.is_(None), CohortSend.not_before <= now)
        )
        .order_by(CohortSend.id)
        .limit(limit)
    )
    claimed = list(await session.scalars(skip_locked(stmt, session)))
    if claimed:
        await session.execute(
            update(CohortSend)
            .where(CohortSend.id.in_([s.id for s in claimed]))
            .values(status=SendStatus.PENDING, claimed_at=now)
        )
    return claimed


async def record_send(session: AsyncSession, send_id: int, status: SendStatus) -> None:
    await session.execute(update(CohortSend).where(CohortSend.id == send_id).values(status=status))


async def hold_send(session: AsyncSession, send_id: int, until: datetime) -> None:
    """A claimed send given back until `until` (the end of the recipient's quiet hours)."""
    await session.execute(
        update(CohortSend)
        .where(CohortSend.id == send_id)
        .values(status=QUEUED, not_before=until, claimed_at=None)
    )


async def fail_stale(session: AsyncSession, claimed_before: datetime) -> None:
    await session.execute(
        update(CohortSend)
        .where(CohortSend.status == SendStatus.PENDING, CohortSend.claimed_at < claimed_before)
        .values(status=SendStatus.FAILED)
    )


async def message_members(
    session: AsyncSession,
    cohort_id: int,
    admin_id: int,
    text: str,
    language: str,
    now: datetime,
    recipients: list[tuple[int, datetime | None]],
) -> int:
    """A broadcast to the cohort's members (the paced broadcast path sends it), each delivery held until its
    `not_before` (the end of the member's quiet hours) when there is one; returns the broadcast's id."""
    broadcast = Broadcast(
        admin_id=admin_id, text=text, status="sending", created_at=now, language=language, cohort_id=cohort_id
    )
    session.add(broadcast)
    await session.flush()
    if recipients:
        await session.execute(
            dialect_insert(session, BroadcastDelivery).values(
                [
                    {
                        "broadcast_id": broadcast.id,
                        "learner_id": lid,
                        "status": QUEUED,
                        "not_before": not_before,
                    }
                    for lid, not_before in recipients
                ]
            )
        )
    return broadcast.id
