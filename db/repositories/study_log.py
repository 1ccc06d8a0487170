"""Queries on the study ledger (`study_log`): every piece of study, one row."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, bindparam, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import quick_reads
from db.models import StudyEntry, StudyKind


class Entry(NamedTuple):
    """A ledger row as read, without the ORM."""

    track_id: str
    topic_id: str
    step: str
    kind: str
    minutes: float | None
    at: datetime


_LOG = cast(Table, StudyEntry.__table__)
_ADD = insert(_LOG).values(
    {
        name: bindparam(name)
        for name in ("learner_id", "track_id", "topic_id", "step", "kind", "minutes", "at")
    }
)
_ALL = (
    select(*(getattr(StudyEntry, name) for name in Entry._fields))
    .where(StudyEntry.learner_id == bindparam("learner_id"))
    .order_by(StudyEntry.at, StudyEntry.id)
)


async def entries(session: AsyncSession, learner_id: int) -> list[Entry]:
    """The learner's whole ledger on every track, oldest first (read quickly on SQLite)."""
    return [Entry(*row) for row in await quick_reads.rows(session, _ALL, {"learner_id": learner_id})]


async def in_transaction(session: AsyncSession, learner_id: int) -> list[Entry]:
    """The ledger as this transaction sees it (its own writes included)."""
    result = await session.execute(_ALL, {"learner_id": learner_id})
    return [Entry(*row) for row in result]


async def add(
    session: AsyncSession,
    learner_id: int,
    track_id: str,
    topic_id: str,
    kind: StudyKind,
    minutes: float | None,
    at: datetime,
    step: str = "",
) -> Entry:
    row: dict[str, Any] = {
        "learner_id": learner_id,
        "track_id": track_id,
        "topic_id": topic_id,
        "step": step,
        "kind": kind.value,
        "minutes": minutes,
        "at": at,
    }
    await session.execute(_ADD, row)
    return Entry(track_id, topic_id, step, kind.value, minutes, at)


async def remove(
    session: AsyncSession,
    learner_id: int,
    track_id: str,
    topic_id: str,
    kinds: tuple[StudyKind, ...],
    step: str,
) -> int:
    """Take back a mark (a step unticked, a topic reopened): its rows go; minutes the learner logged stay."""
    result = await session.execute(
        delete(_LOG).where(
            _LOG.c.learner_id == learner_id,
            _LOG.c.track_id == track_id,
            _LOG.c.topic_id == topic_id,
            _LOG.c.step == step,
            _LOG.c.kind.in_([k.value for k in kinds]),
        )
    )
    return cast(int, getattr(result, "rowcount", 0) or 0)
