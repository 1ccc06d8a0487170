"""Queries on topic progress and its history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import quick_reads
from db.models import ProgressEvent, Status, TopicProgress
from db.upsert import dialect_insert

PartKey = tuple[str, str]  # (topic_id, part)


# The hottest query (every roadmap screen reads it): built once, so a call only binds its parameters.
_STATUSES = select(TopicProgress.topic_id, TopicProgress.part, TopicProgress.status).where(
    TopicProgress.learner_id == bindparam("learner_id"), TopicProgress.track_id == bindparam("track_id")
)


async def statuses(session: AsyncSession, learner_id: int, track_id: str) -> dict[PartKey, Status]:
    """Every stored status of the learner on the track, including ids the content no longer has."""
    rows = await quick_reads.rows(session, _STATUSES, {"learner_id": learner_id, "track_id": track_id})
    return {(topic_id, part): Status(status) for topic_id, part, status in rows}


async def set_status(
    session: AsyncSession,
    learner_id: int,
    track_id: str,
    topic_id: str,
    part: str,
    status: Status,
    now: datetime,
) -> bool:
    """Store the status and log the change; False when it was already so (a repeated tap changes nothing)."""
    key = (
        TopicProgress.learner_id == learner_id,
        TopicProgress.track_id == track_id,
        TopicProgress.topic_id == topic_id,
        TopicProgress.part == part,
    )
    if status is Status.NOT_STARTED:
        # "Not started" is the absence of a row, so a reset leaves nothing behind but its history.
        deleted = await session.execute(delete(TopicProgress).where(*key).returning(TopicProgress.status))
        changed = deleted.first() is not None
    else:
        insert = dialect_insert(session, TopicProgress).values(
            learner_id=learner_id,
            track_id=track_id,
            topic_id=topic_id,
            part=part,
            status=status,
            updated_at=now,
        )
        upsert = insert.on_conflict_do_update(
            index_elements=[
                TopicProgress.learner_id,
                TopicProgress.track_id,
                TopicProgress.topic_id,
                TopicProgress.part,
            ],
            set_={"status": insert.excluded.status, "updated_at": insert.excluded.updated_at},
            where=TopicProgress.status != insert.excluded.status,
        ).returning(TopicProgress.status)
        changed = (await session.execute(upsert)).first() is not None
    if changed:
        session.add(
            ProgressEvent(
                learner_id=learner_id, track_id=track_id, topic_id=topic_id, part=part, status=status, at=now
            )
        )
        await session.flush()
    return changed


async def events(session: AsyncSession, learner_id: int, track_id: str) -> list[ProgressEvent]:
    result = await session.scalars(
        select(ProgressEvent)
        .where(ProgressEvent.learner_id == learner_id, ProgressEvent.track_id == track_id)
        .order_by(ProgressEvent.at, ProgressEvent.id)
    )
    return list(result)


async def events_since(session: AsyncSession, learner_id: int, since: datetime) -> list[ProgressEvent]:
    """The learner's marks on any track since a moment."""
    result = await session.scalars(
        select(ProgressEvent)
        .where(ProgressEvent.learner_id == learner_id, ProgressEvent.at >= since)
        .order_by(ProgressEvent.at, ProgressEvent.id)
    )
    return list(result)
