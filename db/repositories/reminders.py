"""Queries behind reminders: what is due, claiming a send once, recording its outcome."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Learner, ReminderSend, SendKind, SendStatus
from db.upsert import dialect_insert


def _lock(stmt: Any, session: AsyncSession) -> Any:
    # On PostgreSQL two schedulers must not pick the same rows; SQLite has one writer at a time anyway.
    if session.get_bind().dialect.name == "postgresql":
        return stmt.with_for_update(skip_locked=True)
    return stmt


async def due_reminders(session: AsyncSession, now: datetime, limit: int) -> list[Learner]:
    stmt = (
        select(Learner)
        .where(Learner.next_reminder_at <= now, Learner.active.is_(True))
        .order_by(Learner.next_reminder_at)
        .limit(limit)
    )
    return list(await session.scalars(_lock(stmt, session)))


async def due_summaries(session: AsyncSession, now: datetime, limit: int) -> list[Learner]:
    if limit <= 0:
        return []
    stmt = (
        select(Learner)
        .where(Learner.next_summary_at <= now, Learner.active.is_(True))
        .order_by(Learner.next_summary_at)
        .limit(limit)
    )
    return list(await session.scalars(_lock(stmt, session)))


_UNSET: Any = object()


async def plan(
    session: AsyncSession,
    learner_id: int,
    now: datetime,
    reminder: datetime | None = _UNSET,
    snoozed: bool | None = None,
    summary: datetime | None = _UNSET,
) -> None:
    values: dict[str, Any] = {"updated_at": now}
    if reminder is not _UNSET:
        values["next_reminder_at"] = reminder
    if snoozed is not None:
        values["reminder_snoozed"] = snoozed
    if summary is not _UNSET:
        values["next_summary_at"] = summary
    await session.execute(update(Learner).where(Learner.id == learner_id).values(**values))


async def claim_send(
    session: AsyncSession, learner_id: int, kind: SendKind, day: date, now: datetime
) -> int | None:
    """The new send's id, or None when this learner already has this kind of send for this local day."""
    stmt = (
        dialect_insert(session, ReminderSend)
        .values(learner_id=learner_id, kind=kind, local_date=day, status=SendStatus.PENDING, claimed_at=now)
        .on_conflict_do_nothing(
            index_elements=[ReminderSend.learner_id, ReminderSend.kind, ReminderSend.local_date]
        )
        .returning(ReminderSend.id)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


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


async def sends(session: AsyncSession, learner_id: int) -> list[ReminderSend]:
    result = await session.scalars(
        select(ReminderSend).where(ReminderSend.learner_id == learner_id).order_by(ReminderSend.id)
    )
    return list(result)
