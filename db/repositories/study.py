"""What learners studied and when: the reads behind who is slipping, the survival picture and where learners stop.

Study is what counts for the streak (bot/services/activity.py): a part of a topic marked done, or a quiz answer.
These reads and `bot.services.slipping.studied_on` are the only places that know it; when the study ledger comes,
they read it instead."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Learner, LearnerBreak, ProgressEvent, QuizCard, QuizReview, Status

CHUNK = 5000  # learner ids per IN (...): well under any backend's limit on bound parameters


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


async def moments(
    session: AsyncSession, learner_ids: Sequence[int], since: datetime
) -> dict[int, list[datetime]]:
    """Each learner's study moments at or after `since` (parts marked done, quiz answers), oldest first."""
    found: dict[int, list[datetime]] = {}
    for ids in _chunks(learner_ids):
        done = select(ProgressEvent.learner_id, ProgressEvent.at.label("at")).where(
            ProgressEvent.learner_id.in_(ids), ProgressEvent.status == Status.DONE, ProgressEvent.at >= since
        )
        answered = select(QuizReview.learner_id, QuizReview.reviewed_at.label("at")).where(
            QuizReview.learner_id.in_(ids), QuizReview.reviewed_at >= since
        )
        for learner_id, at in await session.execute(union(done, answered)):
            found.setdefault(learner_id, []).append(_aware(at))
    return {learner_id: sorted(found_at) for learner_id, found_at in found.items()}


async def last_before(
    session: AsyncSession, learner_ids: Sequence[int], before: datetime
) -> dict[int, datetime]:
    """Each learner's latest study moment before `before` (learners who never studied before it are left out)."""
    latest: dict[int, datetime] = {}
    for ids in _chunks(learner_ids):
        for column, learner, where in (
            (ProgressEvent.at, ProgressEvent.learner_id, ProgressEvent.status == Status.DONE),
            (QuizReview.reviewed_at, QuizReview.learner_id, None),
        ):
            stmt = (
                select(learner, func.max(column)).where(learner.in_(ids), column < before).group_by(learner)
            )
            if where is not None:
                stmt = stmt.where(where)
            for learner_id, at in await session.execute(stmt):
                moment = _aware(at)
                latest[learner_id] = max(moment, latest.get(learner_id, moment))
    return latest


async def studied_since(session: AsyncSession, since: datetime) -> set[int]:
    """Every learner who studied at or after `since`."""
    done = select(ProgressEvent.learner_id).where(
        ProgressEvent.status == Status.DONE, ProgressEvent.at >= since
    )
    answered = select(QuizReview.learner_id).where(QuizReview.reviewed_at >= since)
    return set(await session.scalars(union(done, answered)))


def _aware(value: datetime) -> datetime:
    """A moment read through a UNION or an aggregate skips the column's type (SQLite gives it back naive)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class BreakSpan(NamedTuple):
    started_at: datetime
    ended_at: datetime | None  # None while it lasts
    until: datetime | None  # its planned end (None: until the learner is back)


async def breaks_of(session: AsyncSession, learner_ids: Sequence[int]) -> dict[int, list[BreakSpan]]:
    found: dict[int, list[BreakSpan]] = {}
    for ids in _chunks(learner_ids):
        rows = await session.execute(
            select(
                LearnerBreak.learner_id, LearnerBreak.started_at, LearnerBreak.ended_at, LearnerBreak.until
            )
            .where(LearnerBreak.learner_id.in_(ids))
            .order_by(LearnerBreak.started_at)
        )
        for learner_id, started, ended, until in rows:
            found.setdefault(learner_id, []).append(BreakSpan(started, ended, until))
    return found


class DueCard(NamedTuple):
    track_id: str
    topic_id: str
    question_id: str
    due: datetime


async def due_cards(
    session: AsyncSession, learner_ids: Sequence[int], until: datetime
) -> dict[int, list[DueCard]]:
    """Each learner's cards due before `until`."""
    found: dict[int, list[DueCard]] = {}
    for ids in _chunks(learner_ids):
        rows = await session.execute(
            select(
                QuizCard.learner_id, QuizCard.track_id, QuizCard.topic_id, QuizCard.question_id, QuizCard.due
            )
            .where(QuizCard.learner_id.in_(ids), QuizCard.due < until)
            .order_by(QuizCard.due)
        )
        for learner_id, track_id, topic_id, question_id, due in rows:
            found.setdefault(learner_id, []).append(DueCard(track_id, topic_id, question_id, due))
    return found


async def watched_learners(session: AsyncSession, active_since: datetime) -> list[Learner]:
    """Onboarded learners who have not blocked the bot and were seen at or after `active_since`."""
    return list(
        await session.scalars(
            select(Learner)
            .where(
                Learner.onboarded_at.is_not(None),
                Learner.active.is_(True),
                Learner.last_active_at >= active_since,
            )
            .order_by(Learner.id)
        )
    )


async def onboarded_before(session: AsyncSession, before: datetime) -> dict[int, str | None]:
    """Learners onboarded before `before`, with their current track."""
    rows = await session.execute(
        select(Learner.id, Learner.current_track).where(
            Learner.onboarded_at.is_not(None), Learner.onboarded_at < before
        )
    )
    return {learner_id: track for learner_id, track in rows}


class LastMark(NamedTuple):
    track_id: str
    topic_id: str
    status: str
    at: datetime


async def last_marks(session: AsyncSession, learner_ids: Sequence[int]) -> dict[int, LastMark]:
    """Each learner's latest mark of any topic (the topic they were last at)."""
    found: dict[int, LastMark] = {}
    for ids in _chunks(learner_ids):
        nth = func.row_number().over(
            partition_by=ProgressEvent.learner_id, order_by=(ProgressEvent.at.desc(), ProgressEvent.id.desc())
        )
        ranked = (
            select(
                ProgressEvent.learner_id,
                ProgressEvent.track_id,
                ProgressEvent.topic_id,
                ProgressEvent.status,
                ProgressEvent.at,
                nth.label("nth"),
            )
            .where(ProgressEvent.learner_id.in_(ids), ProgressEvent.status != Status.NOT_STARTED)
            .subquery()
        )
        rows = await session.execute(
            select(
                ranked.c.learner_id, ranked.c.track_id, ranked.c.topic_id, ranked.c.status, ranked.c.at
            ).where(ranked.c.nth == 1)
        )
        for learner_id, track_id, topic_id, status, at in rows:
            found[learner_id] = LastMark(track_id, topic_id, status, _aware(at))
    return found


async def on_break(session: AsyncSession) -> set[int]:
    """Learners on a break now."""
    return set(await session.scalars(select(LearnerBreak.learner_id).where(LearnerBreak.ended_at.is_(None))))
