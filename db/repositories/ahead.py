"""Queries behind reminders composed ahead of their minute: what a composed reminder depends on (read once when it
is composed and once more at its minute), and taking a held send back when the learner plans anew."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import quick_reads
from db.models import Learner, ProgressEvent, QuizReview, ReminderSend, SendKind, SendStatus, StudyEntry
from db.repositories import learners


class Basis(NamedTuple):
    """A held send's row and what its learner's reminder is made of, as of one moment."""

    status: str
    claimed_at: datetime
    active: bool
    paused: bool
    # Any change to the learner's row (settings, language, the hourly «was here»): `updated_at` moves with each.
    updated_at: datetime
    # The newest row of each history the reminder reads; each is indexed by (learner, time), so each maximum is
    # one index probe, however long the learner's history.
    studied_at: datetime | None
    marked_at: datetime | None
    reviewed_at: datetime | None


_LEARNER = bindparam("learner_id", type_=Learner.id.type)
_BASIS = (
    select(
        ReminderSend.status,
        ReminderSend.claimed_at,
        Learner.active,
        Learner.reminders_paused,
        Learner.updated_at,
        select(func.max(StudyEntry.at)).where(StudyEntry.learner_id == _LEARNER).scalar_subquery(),
        select(func.max(ProgressEvent.at)).where(ProgressEvent.learner_id == _LEARNER).scalar_subquery(),
        select(func.max(QuizReview.reviewed_at)).where(QuizReview.learner_id == _LEARNER).scalar_subquery(),
    )
    .join(Learner, Learner.id == ReminderSend.learner_id)
    .where(ReminderSend.id == bindparam("send_id"), Learner.id == _LEARNER)
)


async def basis(session: AsyncSession, send_id: int, learner_id: int) -> Basis | None:
    """One small read; None when the send's row is gone (the learner planned anew, or left)."""
    found = await quick_reads.rows(session, _BASIS, {"send_id": send_id, "learner_id": learner_id})
    return Basis(*found[0]) if found else None


_DAILY_KINDS = (SendKind.DAILY, SendKind.SNOOZE)


async def take_back(session: AsyncSession, send_id: int, claimed_at: datetime) -> bool:
    """Delete a held send never attempted, if it is still this claim's: as if it had never been claimed, so the
    learner's own plan says whether a reminder comes that day (and claims it anew at its minute)."""
    result = await session.execute(
        delete(ReminderSend).where(
            ReminderSend.id == send_id,
            ReminderSend.status == SendStatus.PENDING,
            ReminderSend.claimed_at == claimed_at,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def drop_unsent(session: AsyncSession, learner_id: int) -> None:
    """The learner's daily reminders claimed and never attempted (held for their minute, waiting for a turn, or
    given back by a stop): their new plan replaces them. An attempted one stays, and its unique key keeps the day's
    second one out."""
    await session.execute(
        delete(ReminderSend).where(
            ReminderSend.learner_id == learner_id,
            ReminderSend.kind.in_(_DAILY_KINDS),
            ReminderSend.status.in_([SendStatus.PENDING, SendStatus.RELEASED]),
        )
    )


async def plan_anew(session: AsyncSession, learner_id: int, now: datetime, **fields: Any) -> None:
    """The learner's next reminder planned anew (a new time, zone or days, a pause, a snooze, «tomorrow»): the
    unsent ones of the old plan go (`drop_unsent`), in the same transaction."""
    await drop_unsent(session, learner_id)
    await learners.update_fields(session, learner_id, now, **fields)
