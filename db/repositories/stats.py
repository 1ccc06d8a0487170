"""Counts for the organisers' /stats."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Enrollment, Learner, QuizReview, ReminderSend, Status, TopicProgress


async def learners(session: AsyncSession) -> tuple[int, int, int]:
    """All learners, those who finished onboarding, those who blocked the bot."""
    row = (
        await session.execute(
            select(
                func.count(),
                func.count(Learner.onboarded_at),
                func.sum(func.cast(~Learner.active, type_=Learner.reminder_minute.type)),
            ).select_from(Learner)
        )
    ).one()
    return int(row[0]), int(row[1]), int(row[2] or 0)


async def active_since(session: AsyncSession, since: datetime) -> int:
    result = await session.scalar(
        select(func.count()).select_from(Learner).where(Learner.last_active_at >= since)
    )
    return int(result or 0)


async def followers(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(Enrollment.track_id, func.count()).group_by(Enrollment.track_id))
    return {track: int(n) for track, n in rows}


async def done_parts(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        select(TopicProgress.track_id, func.count())
        .where(TopicProgress.status == Status.DONE)
        .group_by(TopicProgress.track_id)
    )
    return {track: int(n) for track, n in rows}


async def sends_by_status(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(select(ReminderSend.status, func.count()).group_by(ReminderSend.status))
    return {status: int(n) for status, n in rows}


async def quiz_answers(session: AsyncSession) -> tuple[int, int]:
    row = (
        await session.execute(
            select(func.count(), func.sum(func.cast(QuizReview.correct, type_=QuizReview.rating.type)))
        )
    ).one()
    return int(row[0]), int(row[1] or 0)
