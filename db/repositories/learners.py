"""Queries on learners and the tracks they follow."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Enrollment, Learner
from db.upsert import dialect_insert


async def get(session: AsyncSession, learner_id: int) -> Learner | None:
    return await session.get(Learner, learner_id, populate_existing=True)


async def create_if_missing(session: AsyncSession, learner_id: int, language: str, now: datetime) -> None:
    stmt = dialect_insert(session, Learner).values(
        id=learner_id, language=language, created_at=now, updated_at=now
    )
    await session.execute(stmt.on_conflict_do_nothing(index_elements=[Learner.id]))


async def update_fields(session: AsyncSession, learner_id: int, now: datetime, **fields: Any) -> None:
    await session.execute(update(Learner).where(Learner.id == learner_id).values(updated_at=now, **fields))


async def enroll(session: AsyncSession, learner_id: int, track_id: str, now: datetime) -> None:
    stmt = dialect_insert(session, Enrollment).values(
        learner_id=learner_id, track_id=track_id, started_at=now
    )
    await session.execute(
        stmt.on_conflict_do_nothing(index_elements=[Enrollment.learner_id, Enrollment.track_id])
    )


async def enrollments(session: AsyncSession, learner_id: int) -> list[Enrollment]:
    result = await session.scalars(
        select(Enrollment).where(Enrollment.learner_id == learner_id).order_by(Enrollment.started_at)
    )
    return list(result)


async def replan_track(session: AsyncSession, learner_id: int, track_id: str, at: datetime) -> None:
    """The learner's plan on the track starts again from `at` (they moved their finish date)."""
    await enroll(session, learner_id, track_id, at)
    await session.execute(
        update(Enrollment)
        .where(Enrollment.learner_id == learner_id, Enrollment.track_id == track_id)
        .values(replanned_at=at)
    )


async def unenroll(session: AsyncSession, learner_id: int, track_id: str) -> None:
    await session.execute(
        delete(Enrollment).where(Enrollment.learner_id == learner_id, Enrollment.track_id == track_id)
    )
