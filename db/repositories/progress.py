"""Queries on topic progress and its history."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, bindparam, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import quick_reads
from db.models import ProgressEvent, Status, TopicProgress
from db.upsert import PerDialect

PartKey = tuple[str, str]  # (topic_id, part)


# The hottest query (every roadmap screen reads it): built once, so a call only binds its parameters.
_STATUSES = select(TopicProgress.topic_id, TopicProgress.part, TopicProgress.status).where(
    TopicProgress.learner_id == bindparam("learner_id"), TopicProgress.track_id == bindparam("track_id")
)


async def statuses(session: AsyncSession, learner_id: int, track_id: str) -> dict[PartKey, Status]:
    """Every stored status of the learner on the track, including ids the content no longer has."""
    rows = await quick_reads.rows(session, _STATUSES, {"learner_id": learner_id, "track_id": track_id})
    return {(topic_id, part): Status(status) for topic_id, part, status in rows}


async def committed_statuses(session: AsyncSession, learner_id: int, track_id: str) -> dict[PartKey, Status]:
    """`statuses`, read quickly even inside a transaction that has not written any status yet (a mark reads
    them after taking the write lock, before its own write)."""
    params = {"learner_id": learner_id, "track_id": track_id}
    rows = await quick_reads.committed_rows(session, _STATUSES, params)
    return {(topic_id, part): Status(status) for topic_id, part, status in rows}


_PROGRESS = cast(Table, TopicProgress.__table__)
_EVENTS = cast(Table, ProgressEvent.__table__)
_KEY = ("learner_id", "track_id", "topic_id", "part")
_ROW: dict[str, Any] = {name: bindparam(name) for name in (*_KEY, "status", "updated_at")}


def _upsert(insert_: Any) -> Any:
    """A status stored unless it is already so; RETURNING tells whether it changed."""
    stmt = insert_(_PROGRESS).values(_ROW)
    return stmt.on_conflict_do_update(
        index_elements=[_PROGRESS.c[name] for name in _KEY],
        set_={"status": stmt.excluded.status, "updated_at": stmt.excluded.updated_at},
        where=_PROGRESS.c.status != stmt.excluded.status,
    ).returning(_PROGRESS.c.status)


# Built once per dialect (a mark is the hottest write), so a call only binds its parameters.
_UPSERT = PerDialect(_upsert)
_RESET = (
    delete(_PROGRESS)
    .where(*(_PROGRESS.c[name] == bindparam(name) for name in _KEY))
    .returning(_PROGRESS.c.status)
)
_LOG = insert(_EVENTS).values({name: bindparam(name) for name in (*_KEY, "status", "at")})


async def set_status(
    session: AsyncSession,
    learner_id: int,
    track_id: str,
    topic_id: str,
    part: str,
    status: Status,
    now: datetime,
) -> bool:
    """Store the status and log the change; False when it was already so (a repeated tap changes nothing).

    Two statements (the status, its history row) through Core: no ORM flush."""
    key = {"learner_id": learner_id, "track_id": track_id, "topic_id": topic_id, "part": part}
    if status is Status.NOT_STARTED:
        # "Not started" is the absence of a row, so a reset leaves nothing behind but its history.
        changed = (await session.execute(_RESET, key)).first() is not None
    else:
        upsert = _UPSERT(session)
        row = {**key, "status": status.value, "updated_at": now}
        changed = (await session.execute(upsert, row)).first() is not None
    if changed:
        await session.execute(_LOG, {**key, "status": status.value, "at": now})
    return changed


class EventRow(NamedTuple):
    """A history row as read (the columns of `ProgressEvent` the plan and the streak use), without the ORM."""

    track_id: str
    topic_id: str
    part: str
    status: str
    at: datetime


Event = ProgressEvent | EventRow

_HISTORY = (
    select(*(getattr(ProgressEvent, name) for name in EventRow._fields))
    .where(ProgressEvent.learner_id == bindparam("learner_id"))
    .order_by(ProgressEvent.at, ProgressEvent.id)
)


async def history(session: AsyncSession, learner_id: int) -> list[EventRow]:
    """The learner's whole history on every track, oldest first, read quickly: the streak's days and each
    track's plan come from it."""
    return [EventRow(*row) for row in await quick_reads.rows(session, _HISTORY, {"learner_id": learner_id})]


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
