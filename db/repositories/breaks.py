"""Queries for breaks (vacations), the streak-at-risk nudge and streak freezes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import quick_reads
from db.models import Learner, LearnerBreak

_SPANS = (
    select(LearnerBreak.started_at, LearnerBreak.ended_at)
    .where(LearnerBreak.learner_id == bindparam("learner_id"))
    .order_by(LearnerBreak.started_at)
)


async def open_break(session: AsyncSession, learner_id: int) -> LearnerBreak | None:
    """The break the learner is on, if any."""
    return await session.scalar(
        select(LearnerBreak)
        .where(LearnerBreak.learner_id == learner_id, LearnerBreak.ended_at.is_(None))
        .order_by(LearnerBreak.id.desc())
        .limit(1)
    )


async def breaks(session: AsyncSession, learner_id: int) -> list[LearnerBreak]:
    return list(
        await session.scalars(
            select(LearnerBreak)
            .where(LearnerBreak.learner_id == learner_id)
            .order_by(LearnerBreak.started_at)
        )
    )


async def spans(session: AsyncSession, learner_id: int) -> list[tuple[datetime, datetime | None]]:
    """Each break's start and end (None while it lasts), as `breaks` orders them, read quickly."""
    return [
        (started, ended)
        for started, ended in await quick_reads.rows(session, _SPANS, {"learner_id": learner_id})
    ]


async def start_break(session: AsyncSession, learner_id: int, now: datetime, until: datetime | None) -> None:
    session.add(LearnerBreak(learner_id=learner_id, started_at=now, until=until))


async def end_break(session: AsyncSession, break_id: int, now: datetime) -> bool:
    """End the break; False when another process (or update) already did."""
    result = await session.execute(
        update(LearnerBreak)
        .where(LearnerBreak.id == break_id, LearnerBreak.ended_at.is_(None))
        .values(ended_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def breaks_ending(session: AsyncSession, now: datetime, limit: int) -> list[LearnerBreak]:
    """Breaks whose end date is reached and that are still open."""
    return list(
        await session.scalars(
            select(LearnerBreak)
            .where(LearnerBreak.ended_at.is_(None), LearnerBreak.until <= now)
            .order_by(LearnerBreak.until)
            .limit(limit)
        )
    )


async def due_nudges(session: AsyncSession, now: datetime, limit: int) -> list[Learner]:
    return list(
        await session.scalars(
            select(Learner)
            .where(Learner.next_nudge_at <= now, Learner.active.is_(True))
            .order_by(Learner.next_nudge_at)
            .limit(limit)
        )
    )


async def unplanned_nudges(session: AsyncSession, limit: int) -> list[Learner]:
    """Onboarded learners whose evening nudge was never planned (onboarded before it existed, or just now)."""
    return list(
        await session.scalars(
            select(Learner)
            .where(
                Learner.next_nudge_at.is_(None),
                Learner.active.is_(True),
                Learner.onboarded_at.is_not(None),
                Learner.timezone.is_not(None),
            )
            .limit(limit)
        )
    )


async def on_break(session: AsyncSession) -> int:
    """Learners on a break now (/stats)."""
    result = await session.scalar(
        select(func.count(func.distinct(LearnerBreak.learner_id))).where(LearnerBreak.ended_at.is_(None))
    )
    return int(result or 0)


async def freezes_used(session: AsyncSession) -> int:
    """Streak freezes used, over every learner (/stats)."""
    return int(await session.scalar(select(func.coalesce(func.sum(Learner.freezes_used), 0))) or 0)
