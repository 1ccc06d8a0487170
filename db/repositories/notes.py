"""Queries behind the organiser's notes to one learner: a broadcast of kind `note` with one delivery that waits
for the learner's reminder time (`not_before`). The paced broadcast path claims and sends it (bot/scheduler.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Broadcast, BroadcastDelivery

KIND = "note"
QUEUED = "queued"  # as in db/repositories/broadcasts.py


async def queue(
    session: AsyncSession, sender_id: int, learner_id: int, text: str, send_at: datetime, now: datetime
) -> int:
    """The note, to go out at `send_at`; its id."""
    note = Broadcast(admin_id=sender_id, text=text, status="sending", kind=KIND, created_at=now)
    session.add(note)
    await session.flush()
    session.add(
        BroadcastDelivery(broadcast_id=note.id, learner_id=learner_id, status=QUEUED, not_before=send_at)
    )
    await session.flush()
    return note.id


class NoteRow(NamedTuple):
    status: str  # queued, then a SendStatus value
    send_at: datetime | None
    created_at: datetime


async def latest(session: AsyncSession, sender_id: int, learner_ids: Sequence[int]) -> dict[int, NoteRow]:
    """The sender's latest note to each of the learners, if any."""
    if not learner_ids:
        return {}
    newest = (
        select(BroadcastDelivery.learner_id, func.max(Broadcast.id).label("id"))
        .join(Broadcast, Broadcast.id == BroadcastDelivery.broadcast_id)
        .where(
            Broadcast.kind == KIND,
            Broadcast.admin_id == sender_id,
            BroadcastDelivery.learner_id.in_(list(learner_ids)),
        )
        .group_by(BroadcastDelivery.learner_id)
        .subquery()
    )
    rows = await session.execute(
        select(
            BroadcastDelivery.learner_id,
            BroadcastDelivery.status,
            BroadcastDelivery.not_before,
            Broadcast.created_at,
        )
        .join(
            newest,
            (newest.c.learner_id == BroadcastDelivery.learner_id)
            & (newest.c.id == BroadcastDelivery.broadcast_id),
        )
        .join(Broadcast, Broadcast.id == BroadcastDelivery.broadcast_id)
    )
    return {learner_id: NoteRow(status, at, created) for learner_id, status, at, created in rows}
