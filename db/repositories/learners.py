"""Queries on learners and the tracks they follow."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.instrumentation import manager_of_class

from db import activity, learner_cache, quick_reads
from db.models import Enrollment, Learner
from db.upsert import dialect_insert

_TABLE = cast(Table, Learner.__table__)
_MANAGER = manager_of_class(Learner)
_COLUMNS = tuple(column.key for column in _TABLE.columns)
_HANDLED = {learner_cache.HANDLED: True}  # these writes forget their learner in the cache themselves
_BY_ID = select(*_TABLE.columns).where(_TABLE.c.id == bindparam("learner_id"))


async def get(session: AsyncSession, learner_id: int) -> Learner | None:
    """The learner as stored (refreshed in place when the session already holds them): from the learner cache
    when it has the row, else one primary-key read, which the cache then keeps."""
    cache = learner_cache.cache_of(session)
    row = cache.get(learner_id) if cache is not None else None
    if row is None:
        epoch = cache.epoch() if cache is not None else 0
        found = await quick_reads.rows(session, _BY_ID, {"learner_id": learner_id})
        if not found:
            return None
        row = tuple(found[0])
        if cache is not None:
            cache.put(learner_id, row, epoch)
    return _in_session(session, row)


def _in_session(session: AsyncSession, row: learner_cache.Row) -> Learner:
    """The row as the session's Learner, as `session.get(..., populate_existing=True)` would give it."""
    sync = session.sync_session
    learner = sync.identity_map.get(sync.identity_key(Learner, row[0]))
    if learner is None:
        learner = _MANAGER.new_instance()  # as the ORM makes a loaded object: no __init__, no defaults
        # Filled in as the ORM's own loading fills an object, then all of it marked as loaded and committed.
        learner.__dict__.update(zip(_COLUMNS, row, strict=True))
        make_transient_to_detached(learner)
        session.add(learner)
    else:
        for key, value in zip(_COLUMNS, row, strict=True):
            set_committed_value(learner, key, value)
    assert isinstance(learner, Learner)
    return learner


async def create_if_missing(session: AsyncSession, learner_id: int, language: str, now: datetime) -> None:
    stmt = dialect_insert(session, Learner).values(
        id=learner_id, language=language, created_at=now, updated_at=now
    )
    learner_cache.forget(session, [learner_id])
    await session.execute(
        stmt.on_conflict_do_nothing(index_elements=[Learner.id]).execution_options(**_HANDLED)
    )


async def update_fields(session: AsyncSession, learner_id: int, now: datetime, **fields: Any) -> None:
    learner_cache.forget(session, [learner_id])
    await session.execute(
        update(Learner)
        .where(Learner.id == learner_id)
        .values(updated_at=now, **fields)
        .execution_options(**_HANDLED)
    )


_NOTE_ACTIVE = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("learner_id"))
    .values(last_active_at=bindparam("at"), updated_at=bindparam("at"))
    .execution_options(**_HANDLED)
)


async def note_active(session: AsyncSession, learner_id: int, now: datetime) -> None:
    """Record that the learner was here at `now` (`last_active_at`), and commit; notes made at the same moment by
    other updates are written in the same transaction (`db.activity`)."""

    async def write(rows: dict[int, datetime]) -> None:
        learner_cache.forget(session, list(rows))
        # In learner order, so that two processes writing overlapping batches on PostgreSQL lock rows in the same
        # order and cannot deadlock.
        params = [{"learner_id": learner, "at": at} for learner, at in sorted(rows.items())]
        await session.execute(_NOTE_ACTIVE, params)
        await session.commit()

    await activity.writes_of(session.sync_session.get_bind()).note(learner_id, now, write)


async def enroll(session: AsyncSession, learner_id: int, track_id: str, now: datetime) -> None:
    stmt = dialect_insert(session, Enrollment).values(
        learner_id=learner_id, track_id=track_id, started_at=now
    )
    await session.execute(
        stmt.on_conflict_do_nothing(index_elements=[Enrollment.learner_id, Enrollment.track_id])
    )


class EnrollmentRow(NamedTuple):
    """An enrolment as read (the columns of `Enrollment`), without the ORM."""

    track_id: str
    started_at: datetime
    replanned_at: datetime | None
    break_days: int


_ENROLLMENT_ROWS = (
    select(*(getattr(Enrollment, name) for name in EnrollmentRow._fields))
    .where(Enrollment.learner_id == bindparam("learner_id"))
    .order_by(Enrollment.started_at)
)


async def enrollment_rows(session: AsyncSession, learner_id: int) -> list[EnrollmentRow]:
    """`enrollments`, read quickly."""
    rows = await quick_reads.rows(session, _ENROLLMENT_ROWS, {"learner_id": learner_id})
    return [EnrollmentRow(*row) for row in rows]


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
        .values(replanned_at=at, break_days=0)
    )


async def add_break_days(session: AsyncSession, learner_id: int, days: int) -> None:
    """Move the plans of every followed track later by `days` (a break ended)."""
    await session.execute(
        update(Enrollment)
        .where(Enrollment.learner_id == learner_id)
        .values(break_days=Enrollment.break_days + days)
    )


async def unenroll(session: AsyncSession, learner_id: int, track_id: str) -> None:
    await session.execute(
        delete(Enrollment).where(Enrollment.learner_id == learner_id, Enrollment.track_id == track_id)
    )
