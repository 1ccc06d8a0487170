"""Queries behind streaks, summaries and charts: when the learner finished things and answered quizzes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ProgressEvent, QuizReview, Status


async def done_events(
    session: AsyncSession, learner_id: int, since: datetime | None = None
) -> list[ProgressEvent]:
    stmt = select(ProgressEvent).where(
        ProgressEvent.learner_id == learner_id, ProgressEvent.status == Status.DONE
    )
    if since is not None:
        stmt = stmt.where(ProgressEvent.at >= since)
    return list(await session.scalars(stmt.order_by(ProgressEvent.at)))


async def review_times(
    session: AsyncSession, learner_id: int, since: datetime | None = None
) -> list[datetime]:
    stmt = select(QuizReview.reviewed_at).where(QuizReview.learner_id == learner_id)
    if since is not None:
        stmt = stmt.where(QuizReview.reviewed_at >= since)
    return list(await session.scalars(stmt))
