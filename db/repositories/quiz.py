"""Queries behind quizzes: cards, the polls sent, the answers given."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import QuizCard, QuizPoll, QuizReview
from db.upsert import dialect_insert

CardKey = tuple[str, str, str]  # (track, topic, question)


async def add_cards(
    session: AsyncSession, learner_id: int, track_id: str, topic_id: str, rows: list[dict[str, object]]
) -> None:
    if not rows:
        return
    stmt = dialect_insert(session, QuizCard).values(
        [{"learner_id": learner_id, "track_id": track_id, "topic_id": topic_id, **row} for row in rows]
    )
    await session.execute(
        stmt.on_conflict_do_nothing(
            index_elements=[QuizCard.learner_id, QuizCard.track_id, QuizCard.topic_id, QuizCard.question_id]
        )
    )


async def card(session: AsyncSession, learner_id: int, key: CardKey) -> QuizCard | None:
    return await session.get(QuizCard, (learner_id, *key))


async def due_cards(session: AsyncSession, learner_id: int, until: datetime, limit: int) -> list[QuizCard]:
    result = await session.scalars(
        select(QuizCard)
        .where(QuizCard.learner_id == learner_id, QuizCard.due <= until)
        .order_by(QuizCard.due, QuizCard.topic_id, QuizCard.question_id)
        .limit(limit)
    )
    return list(result)


async def cards(session: AsyncSession, learner_id: int, track_id: str | None = None) -> list[QuizCard]:
    stmt = select(QuizCard).where(QuizCard.learner_id == learner_id)
    if track_id is not None:
        stmt = stmt.where(QuizCard.track_id == track_id)
    return list(await session.scalars(stmt))


async def count_due(session: AsyncSession, learner_id: int, until: datetime) -> int:
    result = await session.scalar(
        select(func.count())
        .select_from(QuizCard)
        .where(QuizCard.learner_id == learner_id, QuizCard.due <= until)
    )
    return int(result or 0)


async def reviews_since(session: AsyncSession, learner_id: int, since: datetime) -> list[QuizReview]:
    result = await session.scalars(
        select(QuizReview)
        .where(QuizReview.learner_id == learner_id, QuizReview.reviewed_at >= since)
        .order_by(QuizReview.reviewed_at)
    )
    return list(result)


async def reviews(session: AsyncSession, learner_id: int, track_id: str) -> list[QuizReview]:
    result = await session.scalars(
        select(QuizReview).where(QuizReview.learner_id == learner_id, QuizReview.track_id == track_id)
    )
    return list(result)


async def poll(session: AsyncSession, poll_id: str) -> QuizPoll | None:
    return await session.get(QuizPoll, poll_id)


async def mark_answered(session: AsyncSession, poll_id: str, now: datetime) -> bool:
    """True for the first answer only: a poll_answer Telegram delivers twice changes nothing the second time."""
    result = await session.execute(
        update(QuizPoll)
        .where(QuizPoll.poll_id == poll_id, QuizPoll.answered_at.is_(None))
        .values(answered_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
