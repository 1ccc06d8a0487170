"""Queries behind reminders: what is due, claiming a send once, recording its progress and outcome."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import learner_cache
from db.models import Learner, ReminderSend, SendKind, SendStatus
from db.upsert import dialect_insert, skip_locked


async def ping(session: AsyncSession) -> None:
    """One round trip: raises while the database is unreachable."""
    await session.execute(text("SELECT 1"))


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
    learner_cache.forget(session, [learner_id for learner_id, _ in plans])
    # On the session's connection, not through the session: a Core executemany, without the ORM's bulk-update
    # bookkeeping per row (most of a tick's time in the profile).
    connection = await session.connection()
    for shape, rows in by_shape.items():
        stmt = (
            update(table)
            .where(table.c.id == bindparam("learner"))
            .values(updated_at=now, **{column: bindparam(f"new_{column}") for column in shape})
            .execution_options(**{learner_cache.HANDLED: True})
        )
        await connection.execute(stmt, rows)


async def claim_sends(
    session: AsyncSession,
    wanted: list[tuple[int, SendKind, date]],
    now: datetime,
    owner: str | None = None,
    planned: dict[tuple[int, SendKind], datetime] | None = None,
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
            "owner": owner,
            "beat_at": now if owner else None,
            "planned_at": (planned or {}).get((learner, kind)),
        }
        for learner, kind, day in wanted
    ]
    table = cast(Table, ReminderSend.__table__)
    stmt = (
        dialect_insert(session, table)
        .on_conflict_do_nothing(index_elements=[table.c.learner_id, table.c.kind, table.c.local_date])
        .returning(table.c.id, table.c.learner_id, table.c.kind)
    )
    # An executemany of one cached statement (SQLAlchemy sends it as multi-row INSERTs itself): building a
    # VALUES clause of a whole batch compiled it anew each time, the tick's biggest cost.
    connection = await session.connection()
    result = await connection.execute(stmt, rows)
    return {(learner, SendKind(kind)): send_id for send_id, learner, kind in result}


async def finish_send(
    session: AsyncSession, send_id: int, status: SendStatus, now: datetime, error: str | None
) -> datetime | None:
    """Record the outcome; the minute the send was planned for, when known."""
    result = await session.execute(
        update(ReminderSend)
        .where(ReminderSend.id == send_id)
        .values(status=status, sent_at=now, error=error[:200] if error else None)
        .returning(ReminderSend.planned_at)
    )
    return result.scalar_one_or_none()


async def lateness_since(session: AsyncSession, since: datetime) -> list[tuple[datetime, datetime]]:
    """(planned, sent) of every send delivered since `since` whose minute is known."""
    rows = await session.execute(
        select(ReminderSend.planned_at, ReminderSend.sent_at).where(
            ReminderSend.status == SendStatus.SENT,
            ReminderSend.planned_at >= since,
            ReminderSend.sent_at.isnot(None),
        )
    )
    return [(planned, sent) for planned, sent in rows if planned is not None and sent is not None]


async def attempt(session: AsyncSession, send_id: int, claimed_at: datetime, now: datetime) -> bool:
    """Mark the send attempted, if it is still this claim's (another process may have taken over a stale one)."""
    result = await session.execute(
        update(ReminderSend)
        .where(
            ReminderSend.id == send_id,
            ReminderSend.status == SendStatus.PENDING,
            ReminderSend.claimed_at == claimed_at,
        )
        .values(status=SendStatus.ATTEMPTED, attempted_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def unattempt(session: AsyncSession, send_id: int, claimed_at: datetime) -> bool:
    """Telegram answered that it did not deliver the attempt (429): the send is this claim's again, not attempted."""
    result = await session.execute(
        update(ReminderSend)
        .where(
            ReminderSend.id == send_id,
            ReminderSend.status == SendStatus.ATTEMPTED,
            ReminderSend.claimed_at == claimed_at,
        )
        .values(status=SendStatus.PENDING, attempted_at=None)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def release(session: AsyncSession, send_ids: list[int]) -> None:
    await session.execute(
        update(ReminderSend)
        .where(ReminderSend.id.in_(send_ids), ReminderSend.status == SendStatus.PENDING)
        .values(status=SendStatus.RELEASED)
    )


async def give_up_attempted(session: AsyncSession, attempted_before: datetime, now: datetime) -> int:
    """Sends attempted long ago with no answer recorded: their process died during the HTTP call."""
    result = await session.execute(
        update(ReminderSend)
        .where(ReminderSend.status == SendStatus.ATTEMPTED, ReminderSend.attempted_at < attempted_before)
        .values(status=SendStatus.UNKNOWN, sent_at=now, error="interrupted during the call to Telegram")
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _orphaned(
    claimed_before: datetime,
    owner: str | None,
    beat_before: datetime | None,
    started_at: datetime | None,
    sqlite: bool,
) -> Any:
    """Never attempted and nobody's any more: released by a graceful stop, claimed long ago, claimed by another
    process whose heartbeat stopped, or (SQLite: one process runs) claimed by another before this one started."""
    pending = ReminderSend.status == SendStatus.PENDING
    others = ReminderSend.owner.is_(None) | (ReminderSend.owner != owner)
    # A reminder claimed ahead of its minute (bot/loop/reminder.py) waits for it: stale only that long after it.
    ahead = ReminderSend.planned_at.is_(None) | (ReminderSend.planned_at < claimed_before)
    dead = [
        ReminderSend.status == SendStatus.RELEASED,
        pending & (ReminderSend.claimed_at < claimed_before) & ahead,
    ]
    if owner is not None and beat_before is not None:
        dead.append(pending & ReminderSend.owner.isnot(None) & others & (ReminderSend.beat_at < beat_before))
    if owner is not None and started_at is not None and sqlite:
        dead.append(pending & others & (ReminderSend.claimed_at <= started_at))
    return or_(*dead)


async def interrupted(
    session: AsyncSession,
    claimed_before: datetime,
    limit: int,
    owner: str | None = None,
    beat_before: datetime | None = None,
    started_at: datetime | None = None,
) -> list[tuple[ReminderSend, Learner]]:
    """Sends never attempted whose claim is nobody's any more (see `_orphaned`)."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    stmt = (
        select(ReminderSend, Learner)
        .join(Learner, Learner.id == ReminderSend.learner_id)
        .where(_orphaned(claimed_before, owner, beat_before, started_at, sqlite))
        .order_by(ReminderSend.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=ReminderSend)
    return [(send, learner) for send, learner in await session.execute(stmt)]


async def take_over(session: AsyncSession, send_id: int, now: datetime, owner: str | None = None) -> None:
    await session.execute(
        update(ReminderSend)
        .where(ReminderSend.id == send_id)
        .values(status=SendStatus.PENDING, claimed_at=now, owner=owner, beat_at=now if owner else None)
    )


async def beat(session: AsyncSession, owner: str, now: datetime) -> None:
    """The owner is alive: its claims not yet finished are not to be taken over."""
    await session.execute(
        update(ReminderSend)
        .where(
            ReminderSend.status.in_([SendStatus.PENDING, SendStatus.ATTEMPTED]),
            ReminderSend.owner == owner,
        )
        .values(beat_at=now)
    )


async def orphans_exist(
    session: AsyncSession, claimed_before: datetime, owner: str, beat_before: datetime, started_at: datetime
) -> bool:
    """Whether another process's claims were left by it (its heartbeat stopped, or on SQLite it ran before this
    one): the fast path of a takeover. Released and long-stale claims wait for the next tick as before."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    found = await session.scalar(
        select(ReminderSend.id)
        .where(
            ReminderSend.status == SendStatus.PENDING,
            _orphaned(claimed_before, owner, beat_before, started_at, sqlite),
        )
        .limit(1)
    )
    return found is not None
