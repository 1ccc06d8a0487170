"""Queries behind reminders: what is due, claiming a send once, recording its outcome."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Learner, ReminderSend, SendKind, SendStatus
from db.upsert import dialect_insert, skip_locked


async def due_reminders(session: AsyncSession, now: datetime, limit: int) -> list[Learner]:
    stmt = (
        select(Learner)
        .where(Learner.next_reminder_at <= now, Learner.active.is_(True))
        .order_by(Learner.next_reminder_at)
        .limit(limit)
    )
    return list(await session.scalars(skip_locked(stmt, session)))


async def due_summaries(session: AsyncSession, now: datetime, limit: int) -> list[Learner]:
    if limit <= 0:
        return []
    stmt = (
        select(Learner)
        .where(Learner.next_summary_at <= now, Learner.active.is_(True))
        .order_by(Learner.next_summary_at)
        .limit(limit)
    )
    return list(await session.scalars(skip_locked(stmt, session)))


async def plan_many(session: AsyncSession, now: datetime, plans: list[tuple[int, dict[str, Any]]]) -> None:
    """Each learner's next planned times, in one statement per shape of plan (executemany)."""
    by_shape: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for learner_id, values in plans:
        by_shape.setdefault(tuple(sorted(values)), []).append(
            {"learner": learner_id, **{f"new_{k}": v for k, v in values.items()}}
        )
    table = cast(Table, Learner.__table__)
    for shape, rows in by_shape.items():
        stmt = (
            update(table)
            .where(table.c.id == bindparam("learner"))
            .values(updated_at=now, **{column: bindparam(f"new_{column}") for column in shape})
        )
        await session.execute(stmt, rows)


async def claim_sends(
    session: AsyncSession, wanted: list[tuple[int, SendKind, date]], now: datetime
) -> dict[tuple[int, str], int]:
    """Claim every wanted send in one statement; (learner, kind) -> send id for those not already claimed for
    that local day (the unique key turns a second claim into nothing)."""
    if not wanted:
        return {}
    rows = [
        {
            "learner_id": learner,
            "kind": kind,
            "local_date": day,
            "status": SendStatus.PENDING,
            "claimed_at": now,
        }
        for learner, kind, day in wanted
    ]
    stmt = (
        dialect_insert(session, ReminderSend)
        .values(rows)
        .on_conflict_do_nothing(
            index_elements=[ReminderSend.learner_id, ReminderSend.kind, ReminderSend.local_date]
        )
        .returning(ReminderSend.id, ReminderSend.learner_id, ReminderSend.kind)
    )
    return {(learner, kind): send_id for send_id, learner, kind in await session.execute(stmt)}


async def finish_send(
    session: AsyncSession, send_id: int, status: SendStatus, now: datetime, error: str | None
) -> None:
    await session.execute(
        update(ReminderSend)
        .where(ReminderSend.id == send_id)
        .values(status=status, sent_at=now, error=error[:200] if error else None)
    )


async def fail_pending(session: AsyncSession, claimed_before: datetime, now: datetime, error: str) -> int:
    result = await session.execute(
        update(ReminderSend)
        .where(ReminderSend.status == SendStatus.PENDING, ReminderSend.claimed_at < claimed_before)
        .values(status=SendStatus.FAILED, sent_at=now, error=error)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
